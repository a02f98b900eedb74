;; What stdio in a wasi-libc build pulls in: an import outside module env.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (export "memory" (memory 0)))
