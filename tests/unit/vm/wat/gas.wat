;; Modules for tests/unit/vm/test_vm_gas.c: fees are counted by hand in the test (op cost 1).
(module
  (import "host" "burn" (func $burn (param i64)))
  (import "host" "abort" (func $abort (param i32)))
  (memory (export "memory") 1)
  ;; 3 instructions in one metered block.
  (func (export "straight") (result i32)
    i32.const 1
    i32.const 2
    i32.add)
  ;; `loop` is paid once on entry (1); each iteration is one block of 5.
  (func (export "loop") (param $n i32)
    (loop $l
      local.get $n
      i32.const 1
      i32.sub
      local.tee $n
      br_if $l))
  (func $seven (result i32)
    i32.const 7)
  ;; caller 3 + callee 1 twice = 5
  (func (export "calls") (result i32)
    call $seven
    call $seven
    i32.add)
  ;; entry block 2 (local.get, br_table); targets 0 and 1 pay 2 more, the default 1 more.
  (func (export "table") (param i32) (result i32)
    (block
      (block
        (block
          local.get 0
          br_table 0 1 2)
        i32.const 10
        return)
      i32.const 20
      return)
    i32.const 30)
  ;; Block A (5) stores 1 at 0; block B (3) stores 2 at 4.
  (func (export "two_blocks") (param $x i32)
    i32.const 0
    i32.const 1
    i32.store
    local.get $x
    br_if 0
    i32.const 4
    i32.const 2
    i32.store)
  ;; memory.fill: 3 operands + the bulk base cost in the block, n units at run time.
  (func (export "fill") (param $n i32)
    i32.const 0
    i32.const 7
    local.get $n
    memory.fill)
  (func (export "burn") (param i64)
    local.get 0
    call $burn)
  (func (export "abort") (param i32)
    local.get 0
    call $abort))
