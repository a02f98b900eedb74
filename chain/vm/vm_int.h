/*
 * vm_int.h — structures shared by the engine's modules (decode, compile, exec, instance, memory,
 * cache). Private to chain/vm: nothing outside this folder includes it.
 */
#ifndef YB_VM_INT_H
#define YB_VM_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

#define VM_PAGE_SIZE 65536ull
#define VM_MAX_PAGES 65536u
/* Bytes finite-wasm charges per activation frame on top of its locals (wasm.md §5.3). */
#define VM_FRAME_BYTES 64u

/* One operand-stack or local slot: every value fits in 64 bits. i32/f32 live in the low half. */
typedef union vm_slot {
    uint32_t i32;
    int32_t s32;
    uint64_t i64;
    int64_t s64;
    float f32;
    double f64;
    uint64_t ref;
} vm_slot;

/* One cell of compiled code: a handler address (direct threading) or an operand. */
typedef union vm_cell {
    const void *op;
    uint64_t u;
    int64_t s;
} vm_cell;

/* Internal instruction set. Operands follow the op cell, one cell each; "slot" operands are
 * indices into the current frame. */
/* clang-format off */
#define VM_IOPS(X) \
    X(UNREACHABLE) X(GAS) X(BR) X(BR_IF) X(BR_UNLESS) X(BR_TABLE) X(RET) X(CALL) X(CALL_IMPORT) \
    X(CALL_INDIRECT) X(MOVE) X(CONST) X(SELECT) X(GLOBAL_GET) X(GLOBAL_SET) X(LD32) X(LD64) \
    X(LD8S32) X(LD8U32) X(LD16S32) X(LD16U32) X(LD8S64) X(LD8U64) X(LD16S64) X(LD16U64) \
    X(LD32S64) X(LD32U64) X(ST32) X(ST64) X(ST8) X(ST16) X(MEM_SIZE) X(MEM_GROW) X(MEM_INIT) \
    X(DATA_DROP) X(MEM_COPY) X(MEM_FILL) X(TABLE_GET) X(TABLE_SET) X(TABLE_INIT) X(ELEM_DROP) \
    X(TABLE_COPY) X(TABLE_GROW) X(TABLE_SIZE) X(TABLE_FILL) X(REF_IS_NULL) X(REF_FUNC) \
    X(I32_EQZ) X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U) X(I32_LE_S) \
    X(I32_LE_U) X(I32_GE_S) X(I32_GE_U) X(I64_EQZ) X(I64_EQ) X(I64_NE) X(I64_LT_S) X(I64_LT_U) \
    X(I64_GT_S) X(I64_GT_U) X(I64_LE_S) X(I64_LE_U) X(I64_GE_S) X(I64_GE_U) X(F32_EQ) X(F32_NE) \
    X(F32_LT) X(F32_GT) X(F32_LE) X(F32_GE) X(F64_EQ) X(F64_NE) X(F64_LT) X(F64_GT) X(F64_LE) \
    X(F64_GE) X(I32_CLZ) X(I32_CTZ) X(I32_POPCNT) X(I32_ADD) X(I32_SUB) X(I32_MUL) X(I32_DIV_S) \
    X(I32_DIV_U) X(I32_REM_S) X(I32_REM_U) X(I32_AND) X(I32_OR) X(I32_XOR) X(I32_SHL) \
    X(I32_SHR_S) X(I32_SHR_U) X(I32_ROTL) X(I32_ROTR) X(I64_CLZ) X(I64_CTZ) X(I64_POPCNT) \
    X(I64_ADD) X(I64_SUB) X(I64_MUL) X(I64_DIV_S) X(I64_DIV_U) X(I64_REM_S) X(I64_REM_U) \
    X(I64_AND) X(I64_OR) X(I64_XOR) X(I64_SHL) X(I64_SHR_S) X(I64_SHR_U) X(I64_ROTL) X(I64_ROTR) \
    X(F32_ABS) X(F32_NEG) X(F32_CEIL) X(F32_FLOOR) X(F32_TRUNC) X(F32_NEAREST) X(F32_SQRT) \
    X(F32_ADD) X(F32_SUB) X(F32_MUL) X(F32_DIV) X(F32_MIN) X(F32_MAX) X(F32_COPYSIGN) X(F64_ABS) \
    X(F64_NEG) X(F64_CEIL) X(F64_FLOOR) X(F64_TRUNC) X(F64_NEAREST) X(F64_SQRT) X(F64_ADD) \
    X(F64_SUB) X(F64_MUL) X(F64_DIV) X(F64_MIN) X(F64_MAX) X(F64_COPYSIGN) X(I32_TRUNC_F32_S) \
    X(I32_TRUNC_F32_U) X(I32_TRUNC_F64_S) X(I32_TRUNC_F64_U) X(I64_EXTEND_I32_S) \
    X(I64_EXTEND_I32_U) X(I64_TRUNC_F32_S) X(I64_TRUNC_F32_U) X(I64_TRUNC_F64_S) \
    X(I64_TRUNC_F64_U) X(F32_CONVERT_I32_S) X(F32_CONVERT_I32_U) X(F32_CONVERT_I64_S) \
    X(F32_CONVERT_I64_U) X(F32_DEMOTE_F64) X(F64_CONVERT_I32_S) X(F64_CONVERT_I32_U) \
    X(F64_CONVERT_I64_S) X(F64_CONVERT_I64_U) X(F64_PROMOTE_F32) X(I32_EXTEND8_S) \
    X(I32_EXTEND16_S) X(I64_EXTEND8_S) X(I64_EXTEND16_S) X(I64_EXTEND32_S) \
    X(I32_TRUNC_SAT_F32_S) X(I32_TRUNC_SAT_F32_U) X(I32_TRUNC_SAT_F64_S) X(I32_TRUNC_SAT_F64_U) \
    X(I64_TRUNC_SAT_F32_S) X(I64_TRUNC_SAT_F32_U) X(I64_TRUNC_SAT_F64_S) X(I64_TRUNC_SAT_F64_U) \
    X(I32_ADD_I) X(I32_SUB_I) X(I32_MUL_I) X(I32_AND_I) X(I32_OR_I) X(I32_XOR_I) X(I32_SHL_I) \
    X(I32_SHR_S_I) X(I32_SHR_U_I) X(I32_EQ_I) X(I32_NE_I) X(I32_LT_S_I) X(I32_LT_U_I) \
    X(I32_GT_S_I) X(I32_GT_U_I) X(I32_LE_S_I) X(I32_LE_U_I) X(I32_GE_S_I) X(I32_GE_U_I) \
    X(I64_ADD_I) X(I64_SUB_I) X(I64_MUL_I) X(I64_AND_I) X(I64_OR_I) X(I64_XOR_I) X(I64_SHL_I) \
    X(I64_SHR_S_I) X(I64_SHR_U_I) X(I64_EQ_I) X(I64_NE_I) X(I64_LT_S_I) X(I64_LT_U_I) \
    X(I64_GT_S_I) X(I64_GT_U_I) X(I64_LE_S_I) X(I64_LE_U_I) X(I64_GE_S_I) X(I64_GE_U_I) \
    X(BR_IF_I32_EQZ) X(BR_IF_I32_NEZ) X(BR_IF_I32_EQ) X(BR_IF_I32_NE) X(BR_IF_I32_LT_S) \
    X(BR_IF_I32_LT_U) X(BR_IF_I32_GT_S) X(BR_IF_I32_GT_U) X(BR_IF_I32_LE_S) X(BR_IF_I32_LE_U) \
    X(BR_IF_I32_GE_S) X(BR_IF_I32_GE_U) X(BR_IF_I32_EQ_I) X(BR_IF_I32_NE_I) X(BR_IF_I32_LT_S_I) \
    X(BR_IF_I32_LT_U_I) X(BR_IF_I32_GT_S_I) X(BR_IF_I32_GT_U_I) X(BR_IF_I32_LE_S_I) \
    X(BR_IF_I32_LE_U_I) X(BR_IF_I32_GE_S_I) X(BR_IF_I32_GE_U_I) X(I32_ROTL_I) X(I32_ROTR_I) \
    X(I64_ROTL_I) X(I64_ROTR_I) \
    X(LD32_AI) X(LD64_AI) X(LD8S32_AI) X(LD8U32_AI) X(LD16S32_AI) X(LD16U32_AI) X(LD8S64_AI) \
    X(LD8U64_AI) X(LD16S64_AI) X(LD16U64_AI) X(LD32S64_AI) X(LD32U64_AI) X(RET1)
/* clang-format on */

enum vm_iop {
#define X(n) IOP_##n,
    VM_IOPS(X)
#undef X
        IOP__COUNT
};

/* A function type, interned per module; vals = params then results. */
struct vm_type {
    uint32_t nparams;
    uint32_t nresults;
    uint8_t *vals;
    uint64_t hash; /* structural: equal types have equal hashes across modules */
};

/* A constant expression (globals, segment offsets, element items). */
struct vm_constexpr {
    uint8_t op;     /* 0x41 i32, 0x42 i64, 0x43 f32, 0x44 f64, 0xd0 ref.null, 0xd2 ref.func, 0x23
                       global.get */
    uint64_t value; /* the constant's bits, or the function / global index */
};

struct vm_import {
    char *module_name;
    char *name;
    struct vm_externtype type;
    uint32_t index; /* type index (functions) */
};

struct vm_export {
    char *name; /* NUL-terminated; may contain NUL bytes (name_len is exact) */
    uint32_t name_len;
    uint8_t kind;
    uint32_t index;
};

struct vm_global_def {
    uint8_t valtype;
    bool mutable_;
    struct vm_constexpr init;
};

struct vm_table_def {
    uint8_t elemtype;
    struct vm_limits limits;
};

enum vm_seg_mode { VM_SEG_PASSIVE, VM_SEG_ACTIVE, VM_SEG_DECLARATIVE };

struct vm_elem {
    uint8_t mode;
    uint8_t elemtype;
    uint32_t table;
    struct vm_constexpr offset;
    uint32_t count;
    struct vm_constexpr *items;
};

struct vm_data {
    uint8_t mode;
    uint32_t memory;
    struct vm_constexpr offset;
    uint32_t len;
    uint8_t *bytes;
};

/* A function of the module (imported ones have only type_index). */
struct vm_funcdef {
    uint32_t type_index;
    uint32_t code_start; /* cell index in module code */
    uint32_t nparams;
    uint32_t nlocals;     /* params + declared locals */
    uint32_t frame_slots; /* locals + maximum operand stack */
    uint32_t stack_bytes; /* finite-wasm charge for one activation */
    uint32_t body_offset; /* byte offset of the body in the module */
    uint32_t body_len;
    const uint8_t *local_types; /* during compile only */
};

struct vm_module {
    atomic_uint refs;
    struct vm_config cfg;

    uint32_t ntypes;
    struct vm_type *types;

    uint32_t nimports;
    struct vm_import *imports;
    uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

    uint32_t nfuncs; /* imported + defined */
    struct vm_funcdef *funcs;

    uint32_t ntables;
    struct vm_table_def *tables;
    uint32_t nmems;
    struct vm_limits mem; /* memory 0 */
    bool mem_override;    /* memory replaced by cfg.override_* (no import for it) */

    uint32_t nglobals;
    struct vm_global_def *globals;

    uint32_t nexports;
    struct vm_export *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    struct vm_elem *elems;
    uint32_t ndatas;
    struct vm_data *datas;
    bool has_datacount;
    uint32_t datacount;

    bool *func_refs; /* functions referenced outside code (C.refs): ref.func allowed */

    /* Load-time totals over the bodies compiled so far, held against the module-wide limits
     * cfg.max_locals_per_module and cfg.max_blocks_per_module. */
    uint64_t nlocals_declared;
    uint64_t nblocks;

    vm_cell *code;
    uint32_t ncode;
    uint32_t code_cap;
    uint32_t *code_offsets; /* per cell: byte offset in module of the source instruction */
};

/* ---- runtime objects (owned by a store) ---- */

struct vm_obj {
    struct vm_obj *next;
    void (*fini)(struct vm_obj *o);
};

struct vm_func {
    struct vm_obj obj;
    const struct vm_type *type;
    struct vm_instance *inst; /* NULL for host functions */
    const struct vm_funcdef *def;
    const vm_cell *code;
    uint32_t index;
    vm_host_fn host;
    void *host_ctx;
    struct vm_type own_type; /* host functions: a copy of the signature */
};

struct vm_memory {
    struct vm_obj obj;
    uint8_t *data;
    uint64_t size; /* bytes accessible */
    uint32_t pages;
    uint32_t max_pages;      /* hard cap: declared max and store cap */
    size_t reserved;         /* bytes mapped */
    struct vm_limits limits; /* declared type, for import matching */
    /* The extent [dirty_lo, dirty_hi) that may hold non-zero bytes (empty when lo >= hi): every
     * writer widens it (wasm stores and bulk ops, data segments, vm_memory_write, and
     * vm_memory_data, which gives all of it away), so a released memory is made zero again by
     * clearing just this extent (vm_memory.c). Bytes outside it are zero. */
    uint64_t dirty_lo;
    uint64_t dirty_hi;
};

struct vm_table {
    struct vm_obj obj;
    uint64_t *elems;
    uint32_t size;
    uint32_t max; /* hard cap */
    uint8_t elemtype;
    struct vm_limits limits;
};

struct vm_global {
    struct vm_obj obj;
    vm_slot val;
    uint8_t valtype;
    bool mutable_;
};

struct vm_instance {
    struct vm_obj obj;
    struct vm_store *store;
    struct vm_module *mod;
    struct vm_func **funcs;
    struct vm_func *own_funcs;
    struct vm_global *own_globals;
    struct vm_table **tables;
    struct vm_memory *mem; /* memory 0 or NULL */
    struct vm_global **globals;
    bool *elem_dropped;
    bool *data_dropped;
};

/* A return address on the call stack. */
struct vm_frame {
    const vm_cell *pc;
    vm_slot *fp;
    struct vm_instance *inst;
    uint32_t stack_bytes; /* the callee's finite-wasm charge, given back on return */
};

/* A block of a store's arena (vm_store_alloc): objects of a store are carved out of these and
 * freed all at once with the store. */
struct vm_arena_chunk {
    struct vm_arena_chunk *next;
    size_t size; /* bytes in data */
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct vm_store {
    struct vm_config cfg;
    struct vm_obj *objs;
    struct vm_arena_chunk *arena; /* newest chunk first */
    vm_slot *stack;               /* value stack, mapped lazily */
    size_t stack_slots;
    struct vm_frame *frames;
    uint32_t nframes_max;
    bool running;
    uint64_t gas_limit;
    uint64_t gas_left;
    struct vm_trap trap;
    union vm_value *host_args;    /* VM_MAX_FUNC_VALUES each: host call arguments */
    union vm_value *host_results; /* and results */
};

/* The context handed to a host function. */
struct vm_call {
    struct vm_store *store;
    struct vm_instance *inst;
};

/* The shared function-type test (pointer equality or structural). */
bool vm_type_equal(const struct vm_type *a, const struct vm_type *b);
/* The structural hash stored in vm_type.hash. */
uint64_t vm_type_hash(const struct vm_type *t);

/* n zeroed bytes (16-byte aligned) that live until vm_store_free(s): every object of a store
 * comes from here, so creating an instance costs a few bump allocations instead of a malloc
 * per host function, memory, table and array. Aborts on out of memory like yb_xmalloc. */
void *vm_store_alloc(struct vm_store *s, size_t n);
/* The same without zeroing, for memory the caller fills completely. */
void *vm_store_alloc_raw(struct vm_store *s, size_t n);

/* Called whenever a thread keeps a spare (store, arena chunk, execution area, memory): makes
 * sure the spares are freed when the thread exits. Cheap after the first call per thread. */
void vm_spares_note(void);

/* Register o (from vm_store_alloc) with fini in the store: vm_store_free calls fini(o), most
 * recently adopted first, before it frees the arena. */
void vm_store_adopt(struct vm_store *s, struct vm_obj *o, void (*fini)(struct vm_obj *o));

/* Fill err (may be NULL) with code and a formatted message; returns code. */
int vm_fail(struct vm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
