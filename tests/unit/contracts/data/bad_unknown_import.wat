;; An env import that is not a NEAR host function.
(module
  (import "env" "storage_peek" (func (param i64 i64) (result i64)))
  (memory 1)
  (export "memory" (memory 0)))
