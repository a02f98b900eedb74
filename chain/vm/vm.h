/*
 * vm.h — yieldbox's WebAssembly engine: the public contract.
 *
 * The engine decodes, validates and compiles a WebAssembly 2.0 module (without SIMD) once into
 * an immutable `struct vm_module`, instantiates it cheaply into a `struct vm_store`, and runs
 * exported functions with gas metering built in. It knows nothing of NEAR: the runtime binds
 * host functions through a resolver callback.
 *
 * Objects and ownership
 *   vm_module    immutable, refcounted (vm_module_retain / vm_module_release); may be shared by
 *                any number of stores and threads.
 *   vm_cache     compiled modules keyed by the sha256 of their code; thread-safe.
 *   vm_store     one execution context: owns every instance, host function, memory, table and
 *                global created in it, the value stack and the gas counter. Everything in a
 *                store is freed together by vm_store_free. A store and all its objects are used
 *                by one thread at a time.
 *
 * Errors are `int` codes of enum yb_err (common/err.h): YB_EWASM_MALFORMED, _INVALID, _FEATURE,
 * _LIMIT at load; YB_EWASM_LINK at instantiation; YB_EWASM_TRAP and YB_EOUT_OF_GAS when code
 * traps. A `struct vm_error` (may be NULL everywhere) receives a message naming the section,
 * function and byte offset; a `struct vm_trap` receives the kind, function and offset of a trap.
 *
 * Values: i32/i64 as unsigned bit patterns, f32/f64 as IEEE bit patterns (read them through the
 * .f32_bits/.f64_bits members to keep NaN payloads exact), references as `ref`: 0 is null; a
 * funcref is an opaque engine handle; an externref is any non-zero host value (a spec runner
 * maps `ref.extern N` to N + 1).
 */
#ifndef YB_VM_H
#define YB_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- values and types ---- */

enum vm_valtype {
    VM_I32 = 0x7f,
    VM_I64 = 0x7e,
    VM_F32 = 0x7d,
    VM_F64 = 0x7c,
    VM_FUNCREF = 0x70,
    VM_EXTERNREF = 0x6f,
};

union vm_value {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    uint64_t ref;
};

/* Upper bound on params and results of any function type (spec allows more; NEAR caps params at
 * 64). Types beyond it are rejected at load with YB_EWASM_LIMIT. */
#define VM_MAX_FUNC_VALUES 1000

/* A function signature. The arrays are borrowed from whoever produced the struct. */
struct vm_functype {
    uint32_t nparams;
    uint32_t nresults;
    const uint8_t *params;  /* enum vm_valtype values */
    const uint8_t *results; /* enum vm_valtype values */
};

struct vm_limits {
    uint32_t min;
    uint32_t max; /* valid only when has_max */
    bool has_max;
};

enum vm_extern_kind {
    VM_EXTERN_FUNC = 0,
    VM_EXTERN_TABLE = 1,
    VM_EXTERN_MEMORY = 2,
    VM_EXTERN_GLOBAL = 3,
};

/* The declared type of an import or export. */
struct vm_externtype {
    enum vm_extern_kind kind;
    struct vm_functype func; /* VM_EXTERN_FUNC; arrays borrowed from the module */
    struct vm_limits limits; /* VM_EXTERN_TABLE (elements) and VM_EXTERN_MEMORY (64 KiB pages) */
    uint8_t elemtype;        /* VM_EXTERN_TABLE: VM_FUNCREF or VM_EXTERNREF */
    uint8_t valtype;         /* VM_EXTERN_GLOBAL */
    bool mutable_;           /* VM_EXTERN_GLOBAL */
};

/* ---- configuration ---- */

/* Optional proposals of WebAssembly 2.0 (all on by default). SIMD, threads, exceptions, GC,
 * memory64 and tail calls are never accepted: a module using one fails to load with
 * YB_EWASM_FEATURE and a message naming the feature. Multi-memory and extended-const are not
 * accepted either, but refused as WebAssembly 2.0 refuses them, YB_EWASM_INVALID ("multiple
 * memories", "constant expression required"), as the spec suite asserts; a memory index in a
 * load or store names multi-memory. */
enum vm_feature {
    VM_FEATURE_MUTABLE_GLOBALS = 1u << 0,
    VM_FEATURE_SIGN_EXT = 1u << 1,
    VM_FEATURE_SAT_FLOAT_TO_INT = 1u << 2,
    VM_FEATURE_MULTI_VALUE = 1u << 3,
    VM_FEATURE_BULK_MEMORY = 1u << 4,
    VM_FEATURE_REFERENCE_TYPES = 1u << 5,
    VM_FEATURE_ALL = (1u << 6) - 1,
};

/* NEAR's numbers (reference/wasm.md §5). */
#define VM_NEAR_REGULAR_OP_COST      822756ull
#define VM_NEAR_LINEAR_OP_BASE_COST  26328192ull
#define VM_NEAR_LINEAR_OP_UNIT_COST  822756ull
#define VM_NEAR_INITIAL_MEMORY_PAGES 1024u
#define VM_NEAR_MAX_MEMORY_PAGES     2048u
#define VM_NEAR_MAX_STACK_BYTES      262144u

struct vm_config {
    uint32_t features; /* enum vm_feature bits */

    /* Load limits (a module over one fails with YB_EWASM_LIMIT). */
    size_t max_module_size;      /* bytes; default 4 MiB (NEAR max_contract_size) */
    uint32_t max_types;          /* default 1,024 */
    uint32_t max_functions;      /* defined + imported; default 10,000 */
    uint32_t max_function_body;  /* bytes of one body; default 262,144 (NEAR: 196,608) */
    uint32_t max_locals;         /* per function incl. params; default 50,000 */
    uint32_t max_params;         /* per function type; default 1,000 (NEAR: 64) */
    uint32_t max_tables;         /* default 100 (NEAR: 1) */
    uint32_t max_table_elements; /* initial/max table size and segment length; default 10,000,000 */
    uint32_t max_globals;        /* default 100,000 */
    uint32_t max_segments;       /* elem and data segments each; default 100,000 */
    uint32_t max_imports_exports; /* each; default 100,000 */
    uint32_t max_nesting;         /* block nesting depth in one body; default 10,000 */
    /* Declared locals (params not counted) summed over all bodies; default 10,000,000
     * (NEAR max_locals_per_contract: 1,000,000). */
    uint32_t max_locals_per_module;
    /* block, loop and if instructions in one body, and in all bodies together; defaults
     * 50,000 and 1,000,000 (NEAR max_blocks_per_function 5,000, max_blocks_per_contract
     * 50,000). */
    uint32_t max_blocks_per_function;
    uint32_t max_blocks_per_module;
    /* Params of all defined functions together; default 10,000,000 (NEAR
     * max_params_per_contract: 50,000). */
    uint32_t max_params_per_module;

    /* Memory. Every memory is capped at max_memory_pages (grow past it returns -1; a module
     * whose minimum is above it fails to instantiate). With memory_override set, the module's
     * own memory (defined or imported) is replaced by a defined memory of override_initial_pages
     * .. override_max_pages, and a module without memory gets one — NEAR's rule. */
    uint32_t max_memory_pages; /* default 65,536 (4 GiB) */
    bool memory_override;
    uint32_t override_initial_pages; /* default 1,024 */
    uint32_t override_max_pages;     /* default 2,048 */

    /* Execution limits: the stack height in bytes as finite-wasm counts it (per active call:
     * 64 bytes + the sizes of its params and locals + its maximum operand stack), and a call
     * depth backstop. Exceeding either traps VM_TRAP_STACK_EXHAUSTED. */
    uint32_t max_stack_bytes; /* default 262,144 */
    uint32_t max_call_depth;  /* default 10,000 */

    /* Gas. Every instruction costs op_cost except block, end and else, which are free
     * (finite-wasm, NEAR's prepare v3). A basic block's fee is charged on entry, before any of
     * its instructions runs. Bulk memory and table ops (memory.copy/fill/init, table.copy/fill/
     * init) cost bulk_base_cost in their block's fee plus bulk_unit_cost per byte or element at
     * run time; memory.grow charges grow_page_cost per page at run time. */
    uint64_t op_cost;        /* default VM_NEAR_REGULAR_OP_COST */
    uint64_t bulk_base_cost; /* default VM_NEAR_LINEAR_OP_BASE_COST */
    uint64_t bulk_unit_cost; /* default VM_NEAR_LINEAR_OP_UNIT_COST */
    uint64_t grow_page_cost; /* default 0 */
};

/* Fill *cfg with the defaults above (WebAssembly 2.0, no memory override). cfg borrowed. */
void vm_config_default(struct vm_config *cfg);

/* Defaults plus NEAR's rules (reference/wasm.md §5.5): memory override 1,024/2,048 pages,
 * max 10,000 functions, 1,024 types, 64 params, 1 table, 10,000 table elements, body 196,608
 * bytes, 1,000,000 declared locals per module, 5,000 blocks per function and 50,000 per module,
 * 50,000 params of defined functions per module. cfg borrowed. */
void vm_config_near(struct vm_config *cfg);

/* ---- errors and traps ---- */

#define VM_MSG_MAX 256

struct vm_error {
    int code;             /* enum yb_err */
    char msg[VM_MSG_MAX]; /* e.g. "code section: function 3 at offset 0x1a2: type mismatch" */
};

enum vm_trap_kind {
    VM_TRAP_NONE = 0,
    VM_TRAP_UNREACHABLE,
    VM_TRAP_MEMORY_OOB,
    VM_TRAP_TABLE_OOB,
    VM_TRAP_DIV_ZERO,
    VM_TRAP_INT_OVERFLOW,
    VM_TRAP_INVALID_CONVERSION,
    VM_TRAP_INDIRECT_MISMATCH,
    VM_TRAP_UNDEFINED_ELEMENT,
    VM_TRAP_UNINITIALIZED_ELEMENT,
    VM_TRAP_NULL_REFERENCE,
    VM_TRAP_STACK_EXHAUSTED,
    VM_TRAP_OUT_OF_GAS,
    VM_TRAP_HOST, /* a host function aborted; see host_code / host_payload */
};

struct vm_trap {
    enum vm_trap_kind kind;
    uint32_t func_index;  /* module function index where it happened (UINT32_MAX: unknown) */
    uint32_t offset;      /* byte offset in the module of the trapping instruction */
    int host_code;        /* VM_TRAP_HOST: the code the host passed to vm_call_trap */
    void *host_payload;   /* VM_TRAP_HOST: the payload the host passed (borrowed, host's) */
    char msg[VM_MSG_MAX]; /* spec wording ("integer divide by zero") or the host's message */
};

/* The spec test suite's wording for a trap kind ("out of bounds memory access"); never NULL. */
const char *vm_trap_kind_str(enum vm_trap_kind kind);

/* ---- modules ---- */

struct vm_module;

/* Decode, validate and compile `code` (borrowed; not kept). On success *out is returned with a
 * reference count of 1 (release with vm_module_release). cfg borrowed (copied). err may be NULL.
 * Errors: YB_EWASM_MALFORMED, YB_EWASM_INVALID, YB_EWASM_FEATURE, YB_EWASM_LIMIT. Thread-safe. */
int vm_module_load(const struct vm_config *cfg, const uint8_t *code, size_t len,
                   struct vm_module **out, struct vm_error *err);

/* Reference counting (atomic; any thread). Release accepts NULL. */
struct vm_module *vm_module_retain(struct vm_module *m);
void vm_module_release(struct vm_module *m);

/* Introspection. Strings and arrays are borrowed from the module. Index out of range: YB_EINVAL. */
uint32_t vm_module_import_count(const struct vm_module *m);
int vm_module_import(const struct vm_module *m, uint32_t i, const char **module_name,
                     const char **name, struct vm_externtype *type);
uint32_t vm_module_export_count(const struct vm_module *m);
int vm_module_export(const struct vm_module *m, uint32_t i, const char **name,
                     struct vm_externtype *type);

/* ---- module cache ---- */

struct vm_cache;

/* A cache of up to max_entries modules compiled with *cfg (borrowed, copied); least recently
 * used entries are evicted. *out returned; free with vm_cache_free. */
int vm_cache_new(const struct vm_config *cfg, size_t max_entries, struct vm_cache **out);
void vm_cache_free(struct vm_cache *c);

/* The module for `code` (borrowed): loaded once per distinct sha256 of the code, then shared.
 * *out returned with a new reference (vm_module_release it). Errors as vm_module_load (failed
 * loads are not cached). Thread-safe. */
int vm_cache_get(struct vm_cache *c, const uint8_t *code, size_t len, struct vm_module **out,
                 struct vm_error *err);

/* ---- stores and their objects ---- */

struct vm_store;
struct vm_instance;
struct vm_func;
struct vm_table;
struct vm_memory;
struct vm_global;
struct vm_call; /* the context of one host function call */

/* A store with execution limits from *cfg (borrowed, copied): max_stack_bytes, max_call_depth,
 * max_memory_pages, max_table_elements, and the run-time charges bulk_unit_cost and
 * grow_page_cost. (Block fees — op_cost, bulk_base_cost — are compiled into each module from
 * the config it was loaded with; use the same config for both.) Gas is unlimited until
 * vm_store_set_gas. *out returned. Thread rules: one thread at a time per store. */
int vm_store_new(const struct vm_config *cfg, struct vm_store **out);
/* Frees the store and everything created in it. Accepts NULL. */
void vm_store_free(struct vm_store *s);

/* Gas: the remaining allowance and the amount burnt so far (both across all calls in the store
 * since the last set_gas). UINT64_MAX means unlimited. */
void vm_store_set_gas(struct vm_store *s, uint64_t limit);
uint64_t vm_store_gas_used(const struct vm_store *s);
uint64_t vm_store_gas_left(const struct vm_store *s);

/* A reference to any importable/exportable object. The pointers are owned by their store. */
struct vm_extern {
    enum vm_extern_kind kind;
    union {
        struct vm_func *func;
        struct vm_table *table;
        struct vm_memory *memory;
        struct vm_global *global;
    } u;
};

/* Host functions. Called with the args (nparams values of the bound type) and a results array
 * to fill (nresults values). Return YB_OK, or a failure: normally the value of vm_call_trap or
 * vm_call_charge_gas; any other non-zero code traps as VM_TRAP_HOST with that code. */
typedef int (*vm_host_fn)(struct vm_call *call, void *ctx, const union vm_value *args,
                          union vm_value *results);

/* Create a host function in the store. type borrowed (copied); ctx borrowed (passed back to fn).
 * *out owned by the store. */
int vm_func_new_host(struct vm_store *s, const struct vm_functype *type, vm_host_fn fn, void *ctx,
                     struct vm_func **out);
/* The signature of a function (arrays borrowed from the function). */
void vm_func_type(const struct vm_func *f, struct vm_functype *out);

/* Standalone memory / table / global objects (e.g. the spec tests' `spectest` module). Owned by
 * the store. Errors: YB_EINVAL (bad type), YB_EWASM_LIMIT (over max_memory_pages). */
int vm_memory_new(struct vm_store *s, struct vm_limits limits, struct vm_memory **out);
int vm_table_new(struct vm_store *s, uint8_t elemtype, struct vm_limits limits, uint64_t init_ref,
                 struct vm_table **out);
int vm_global_new(struct vm_store *s, uint8_t valtype, bool mutable_, union vm_value value,
                  struct vm_global **out);

/* Memory access. The pointers are borrowed and valid until the next grow or call into wasm.
 * vm_memory_view is for reading. vm_memory_data is for writing in place: it counts the whole
 * memory as written, so releasing the memory then costs an madvise of all of it and the next
 * memory faults its pages in again — prefer vm_memory_write for writes. */
uint8_t *vm_memory_data(struct vm_memory *m);
const uint8_t *vm_memory_view(const struct vm_memory *m);
uint64_t vm_memory_size(const struct vm_memory *m); /* bytes */
uint32_t vm_memory_pages(const struct vm_memory *m);
/* Grow by `pages`; *old_pages gets the previous size. Errors: YB_EWASM_LIMIT. */
int vm_memory_grow(struct vm_memory *m, uint32_t pages, uint32_t *old_pages);
/* Bounds-checked copies; YB_EINVAL when [addr, addr+len) is outside the memory. src may point
 * into the memory itself (overlap is handled). */
int vm_memory_read(const struct vm_memory *m, uint64_t addr, void *dst, uint64_t len);
int vm_memory_write(struct vm_memory *m, uint64_t addr, const void *src, uint64_t len);

uint32_t vm_table_size(const struct vm_table *t);
int vm_table_get(const struct vm_table *t, uint32_t i, uint64_t *ref); /* YB_EINVAL out of range */

void vm_global_get(const struct vm_global *g, union vm_value *out);
uint8_t vm_global_valtype(const struct vm_global *g);
int vm_global_set(struct vm_global *g, union vm_value v); /* YB_EPERM when immutable */

/* ---- instantiation ---- */

/* Resolve one import. Return YB_OK with *out set, YB_ENOTFOUND when there is no such import
 * (instantiation then fails with YB_EWASM_LINK "unknown import: module.name"), or any other code
 * to abort. The engine checks the extern's type against the import (YB_EWASM_LINK "incompatible
 * import type" on mismatch). Strings and type borrowed for the call. */
typedef int (*vm_resolve_fn)(void *ctx, struct vm_store *s, const char *module_name,
                             const char *name, const struct vm_externtype *type,
                             struct vm_extern *out);

/* Instantiate m (borrowed; the instance retains it) in store s: resolve imports, allocate
 * memory (lazily zeroed), tables and globals, apply element and data segments, run the start
 * function. *out owned by the store. resolve may be NULL when the module has no imports.
 * Errors: YB_EWASM_LINK (message names the import), YB_EWASM_LIMIT, YB_EWASM_TRAP /
 * YB_EOUT_OF_GAS (segment out of bounds or start trapped; trap filled when not NULL; the store
 * keeps whatever the failed instantiation already wrote into imported memories and tables). */
int vm_instance_new(struct vm_store *s, struct vm_module *m, vm_resolve_fn resolve,
                    void *resolve_ctx, struct vm_instance **out, struct vm_error *err,
                    struct vm_trap *trap);

/* An export by name. YB_ENOTFOUND if absent. */
int vm_instance_export(struct vm_instance *inst, const char *name, struct vm_extern *out);
/* The same for a name given as bytes (export names may contain NUL). name borrowed. */
int vm_instance_export_n(struct vm_instance *inst, const char *name, size_t len,
                         struct vm_extern *out);
/* The i-th export, in vm_module_export order (names with NUL bytes need no lookup).
 * YB_EINVAL when i is out of range. */
int vm_instance_export_at(struct vm_instance *inst, uint32_t i, struct vm_extern *out);
/* The instance's memory 0 (NULL if it has none). */
struct vm_memory *vm_instance_memory(struct vm_instance *inst);
const struct vm_module *vm_instance_module(const struct vm_instance *inst);

/* Call a function: nargs must equal its params and nresults its results (YB_EINVAL otherwise).
 * args/results borrowed. Errors: YB_EWASM_TRAP / YB_EOUT_OF_GAS with *trap filled (may be NULL).
 * Gas is taken from the store's counter. Not reentrant from host functions of the same store. */
int vm_func_call(struct vm_store *s, struct vm_func *f, const union vm_value *args, uint32_t nargs,
                 union vm_value *results, uint32_t nresults, struct vm_trap *trap);
/* vm_func_call on the function export `name` (YB_ENOTFOUND if there is none). */
int vm_instance_invoke(struct vm_instance *inst, const char *name, const union vm_value *args,
                       uint32_t nargs, union vm_value *results, uint32_t nresults,
                       struct vm_trap *trap);

/* ---- inside a host function ---- */

/* The instance whose code called the host function, and its memory 0 (NULL if none). */
struct vm_instance *vm_call_instance(struct vm_call *call);
struct vm_memory *vm_call_memory(struct vm_call *call);

/* Bounds-checked guest memory access through the caller's memory 0: YB_EINVAL when out of
 * bounds or there is no memory (nothing is copied then). Hosts usually turn that into a trap. */
int vm_call_read(struct vm_call *call, uint64_t addr, void *dst, uint64_t len);
int vm_call_write(struct vm_call *call, uint64_t addr, const void *src, uint64_t len);

/* Burn gas from the store's counter. YB_OK, or YB_EOUT_OF_GAS (the counter is then exhausted);
 * return that code from the host function and the call traps VM_TRAP_OUT_OF_GAS. */
int vm_call_charge_gas(struct vm_call *call, uint64_t gas);
uint64_t vm_call_gas_left(const struct vm_call *call);

/* Record a host abort: kind VM_TRAP_HOST, host_code = code, host_payload = payload (borrowed,
 * handed back in struct vm_trap), message formatted from fmt. Returns YB_EWASM_TRAP, which the
 * host function returns. */
int vm_call_trap(struct vm_call *call, int code, void *payload, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- binding host functions by name (what the NEAR runtime uses) ---- */

/* One host import: module name, field name, signature, function, context (all borrowed; must
 * outlive the resolver's use). */
struct vm_host_binding {
    const char *module_name;
    const char *name;
    struct vm_functype type;
    vm_host_fn fn;
    void *ctx;
};

/* A table of bindings usable as a resolver: pass vm_bindings_resolve and a pointer to a
 * struct vm_bindings as resolve/resolve_ctx. Function imports matching (module, name) get a new
 * host function in the store (signature checked by the engine); anything else is YB_ENOTFOUND. */
struct vm_bindings {
    const struct vm_host_binding *items;
    size_t count;
};
int vm_bindings_resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                        const struct vm_externtype *type, struct vm_extern *out);

#endif
