;; A deprecated storage iterator: nearcore answers every call with a Deprecated host error.
(module
  (import "env" "storage_iter_prefix" (func (param i64 i64) (result i64)))
  (memory 1)
  (export "memory" (memory 0)))
