/*
 * spec.h — runs the official WebAssembly spec test scripts (wast2json's NAME.json + .wasm files,
 * see ../shared/wasm-spec/README.md) against the engine of vm.h.
 *
 * Every command of a script is one check: `module` (load + instantiate, optionally named),
 * `register`, `action`, `assert_return`, `assert_trap`, `assert_exhaustion`, `assert_invalid`,
 * `assert_malformed`, `assert_unlinkable`, `assert_uninstantiable`. Text-format modules (.wat,
 * `module_type: "text"`) are skipped and counted as skipped; nothing else is skipped. All
 * modules of one script live in one vm_store, with the `spectest` host module the scripts import
 * (print functions, global_i32/i64/f32/f64 = 666 / 666.6, a 10..20 funcref table, a 1..2 page
 * memory).
 *
 * Failures are written to the output stream as
 *   FILE.json:LINE: COMMAND: what was expected, what happened
 * so that an engine author can go straight to the .wast line.
 */
#ifndef YB_VM_SPEC_H
#define YB_VM_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Caps on what a script may make the runner read (named before anything is allocated). */
#define SPEC_MAX_SCRIPT_BYTES (64u << 20)
#define SPEC_MAX_MODULE_BYTES (16u << 20)

struct spec_counts {
    uint64_t passed;
    uint64_t failed;
    uint64_t skipped; /* text-format modules only */
};

struct spec_options {
    FILE *out;    /* borrowed; failures and (verbose) per-command lines go here */
    bool verbose; /* also print every passing command */
    /* Also require the right class of load error: YB_EWASM_MALFORMED for assert_malformed,
     * YB_EWASM_INVALID for assert_invalid (the spec tells decoding from validation). Off in
     * the vm_spec ctest, where any rejection passes, as in most engines' runners. */
    bool strict;
};

/* Run one script. json_path borrowed; the .wasm files it names are read from the same
 * directory. opt borrowed. Counts are *added* to *counts (borrowed), so a caller can sum
 * scripts. Returns YB_OK when the script could be read and run (even if checks failed — see
 * counts->failed); YB_EIO / YB_ETOOBIG / YB_EJSON / YB_EJSON_MISSING when the script itself
 * cannot be used (then one failure is also added to counts, so a broken script is never silent).
 * Single-threaded per call; calls on different threads are independent. */
int spec_run_file(const char *json_path, const struct spec_options *opt,
                  struct spec_counts *counts);

/* Read a whole file into a returned buffer (free() it) of at most max bytes. path borrowed.
 * Errors: YB_EIO (cannot open/read), YB_ETOOBIG (larger than max). */
int spec_read_file(const char *path, size_t max, uint8_t **data, size_t *len);

#endif
