;; Writers of linear memory, one export each, for test_vm_reuse.c: after a store using this module
;; is freed, the next memory (which reuses the reservation) must read as zero everywhere.
(module
  (import "env" "put" (func $put (param i64 i64)))   ;; host: 0xab over [ptr, ptr+len) (vm_call_write)
  (import "env" "poke" (func $poke (param i64)))     ;; host: 0xcd at ptr through vm_memory_data
  (memory 1)
  (data (i32.const 4096) "active segment")
  (data $passive "passive bytes")
  (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32)
    (memory.init $passive (local.get 0) (i32.const 0) (i32.const 13)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "put") (param i64 i64) (call $put (local.get 0) (local.get 1)))
  (func (export "poke") (param i64) (call $poke (local.get 0)))
  (func (export "store_then_trap") (param i32)
    (i64.store (local.get 0) (i64.const -1))
    unreachable)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))
