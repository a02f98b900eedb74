;; The spec runner's own test: every command kind once, then deliberate failures that the
;; runner must report (see ../selftest.sh, which checks the counts and the failing lines).
;; Regenerate: wast2json selftest.wast -o selftest.json && sed -i "s/[[:space:]]*$//" selftest.json
(module $A
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func $runaway (export "runaway") (call $runaway))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (global (export "g") i64 (i64.const -1))
)
(register "A" $A)
(module
  (import "A" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (func (export "add3") (param i32) (result i32)
    (call $print (local.get 0))
    (call $add (local.get 0) (i32.const 3)))
  (func (export "g") (result i32) (global.get $g)))

(assert_return (invoke "add3" (i32.const 4)) (i32.const 7))
(assert_return (invoke "g") (i32.const 666))
(assert_return (invoke $A "add" (i32.const -1) (i32.const 1)) (i32.const 0))
(assert_return (invoke $A "nan") (f32.const nan:canonical))
(assert_return (invoke $A "neg" (f64.const 1.5)) (f64.const -1.5))
(assert_return (invoke $A "id" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke $A "id" (ref.null extern)) (ref.null extern))
(assert_return (get $A "g") (i64.const -1))
(assert_trap (invoke $A "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke $A "runaway") "call stack exhausted")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "A" "missing" (func))) "unknown import")

;; Deliberate failures: each line below must appear in the runner's output.
(assert_return (invoke "add3" (i32.const 4)) (i32.const 8))
(assert_trap (invoke $A "div" (i32.const 1) (i32.const 0)) "integer overflow")
(assert_trap (invoke $A "add" (i32.const 1) (i32.const 0)) "unreachable")
(assert_return (invoke $A "id" (ref.extern 7)) (ref.extern 8))
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
