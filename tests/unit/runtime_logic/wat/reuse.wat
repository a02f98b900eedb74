;; Host functions writing into guest memory (read_register after input and storage_read), for
;; test_reuse.c: the next call's memory, which reuses this one's reservation, must not see them.
(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory 1)
  (data (i32.const 16) "k")
  ;; input -> register 0 -> memory at 100000; stored under "k"; read back into register 1 ->
  ;; memory at 300000, which is returned (8 bytes) so the test sees both writes landed.
  (func (export "dirty")
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 100000))
    (drop (call $storage_write (i64.const 1) (i64.const 16) (i64.const 8) (i64.const 100000)
                               (i64.const 2)))
    (drop (call $storage_read (i64.const 1) (i64.const 16) (i64.const 1)))
    (call $read_register (i64.const 1) (i64.const 300000))
    (call $value_return (i64.const 8) (i64.const 300000)))
  ;; The 8 bytes at 100000 then the 8 at 300000, as the next call finds them.
  (func (export "look")
    (i64.store (i32.const 500000) (i64.load (i32.const 100000)))
    (i64.store (i32.const 500008) (i64.load (i32.const 300000)))
    (call $value_return (i64.const 16) (i64.const 500000))))
