;; Instantiation fails on the second data segment (out of bounds of NEAR's 64 MiB memory) after
;; the first one was written: the memory is released with that write in it.
(module
  (memory 1)
  (data (i32.const 8192) "written before the trap")
  (data (i32.const 67108860) "past the end"))
