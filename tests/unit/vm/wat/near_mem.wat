;; A contract-shaped module: own memory of 1 page, replaced by NEAR's 1,024/2,048 pages.
(module
  (memory (export "memory") 1)
  (func (export "pages") (result i32)
    (memory.size))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "noop")))
