;; storage_read with i32 parameters (a wasm32 pointer-sized declaration) instead of u64.
(module
  (import "env" "storage_read" (func (param i32 i32 i64) (result i64)))
  (memory 1)
  (export "memory" (memory 0)))
