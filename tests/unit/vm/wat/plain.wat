;; A memory and nothing in it: what a reused memory must look like.
(module
  (memory 1)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))
