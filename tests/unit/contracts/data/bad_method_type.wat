;; A method with a parameter: NEAR calls methods with none (MethodInvalidSignature).
(module
  (memory 1)
  (export "memory" (memory 0))
  (func (export "go") (param i32)))
