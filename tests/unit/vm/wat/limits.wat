;; Modules for tests/unit/vm/test_vm_limits.c.
(module
  (memory (export "memory") 1 2)
  ;; finite-wasm frame: 64 + 4 (param) + 8 (at most two i32 on the operand stack) = 76 bytes.
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $down (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0))))
  (func $forever (export "forever") (param i64) (result i64)
    (call $forever (i64.add (local.get 0) (i64.const 1))))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0)))
  ;; The engine fuses i32.add-constant into the load: the add must still wrap at 32 bits.
  (func (export "load_plus_2") (param i32) (result i32)
    (i32.load offset=1 (i32.add (local.get 0) (i32.const 2)))))
