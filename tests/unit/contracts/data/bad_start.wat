;; A start function.
(module
  (memory 1)
  (export "memory" (memory 0))
  (func $init)
  (start $init))
