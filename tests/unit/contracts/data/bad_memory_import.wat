;; An imported memory: NEAR supplies the memory itself and rejects this import.
(module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0)))
