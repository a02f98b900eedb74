;; Imports a host function NEAR does not have: instantiation must fail naming it.
(module
  (import "env" "no_such_host_fn" (func $f (param i64)))
  (func (export "main") (call $f (i64.const 0))))
