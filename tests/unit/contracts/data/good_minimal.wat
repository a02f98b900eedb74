;; Follows every rule: one env import with nearcore's signature, memory exported, a () -> () method.
(module
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (memory 1)
  (export "memory" (memory 0))
  (func (export "hello") (call $value_return (i64.const 0) (i64.const 0))))
