/*
 * vm_exec.c — the interpreter's dispatch core. This file is deliberately one long function
 * (STYLE.md's exception for an interpreter's dispatch core): every handler is a label inside
 * run(), the compiled code stores the handlers' addresses (GCC's labels as values), and each
 * handler ends by jumping straight to the next one, so the hot state (pc, frame pointer, memory
 * base and size, gas) stays in registers.
 *
 * Instruction layouts are written next to each handler as [operands...]; slot operands index the
 * frame, branch operands are cell offsets relative to the branch instruction.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "vm_exec.h"
#include "vm_memory.h"
#include "vm_table.h"

/* Wasm float rules C does not give: min/max with NaN and signed zeros. */
static float f32_min(float a, float b)
{
    if (isnan(a) || isnan(b)) {
        return a + b;
    }
    if (a == b) {
        return signbit(a) ? a : b;
    }
    return a < b ? a : b;
}

static float f32_max(float a, float b)
{
    if (isnan(a) || isnan(b)) {
        return a + b;
    }
    if (a == b) {
        return signbit(a) ? b : a;
    }
    return a > b ? a : b;
}

static double f64_min(double a, double b)
{
    if (isnan(a) || isnan(b)) {
        return a + b;
    }
    if (a == b) {
        return signbit(a) ? a : b;
    }
    return a < b ? a : b;
}

static double f64_max(double a, double b)
{
    if (isnan(a) || isnan(b)) {
        return a + b;
    }
    if (a == b) {
        return signbit(a) ? b : a;
    }
    return a > b ? a : b;
}

/* The function (module index) whose compiled code contains cell `at`. */
static uint32_t func_at(const struct vm_module *m, uint32_t at)
{
    uint32_t lo = m->nfunc_imports, hi = m->nfuncs;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->funcs[mid].code_start <= at) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo < m->nfuncs ? lo : UINT32_MAX;
}

static void set_trap(struct vm_store *s, struct vm_instance *inst, const vm_cell *pc,
                     enum vm_trap_kind kind)
{
    struct vm_trap *t = &s->trap;
    if (kind != VM_TRAP_HOST) {
        t->kind = kind;
        t->host_code = 0;
        t->host_payload = NULL;
        snprintf(t->msg, sizeof(t->msg), "%s", vm_trap_kind_str(kind));
    }
    t->func_index = UINT32_MAX;
    t->offset = 0;
    if (inst != NULL && pc != NULL) {
        const struct vm_module *m = inst->mod;
        if (pc >= m->code && pc < m->code + m->ncode) {
            uint32_t at = (uint32_t)(pc - m->code);
            t->func_index = func_at(m, at);
            t->offset = m->code_offsets[at];
        }
    }
}

/* Value of a constant expression of a segment item in inst. */
static uint64_t elem_item(struct vm_instance *inst, const struct vm_constexpr *e)
{
    switch (e->op) {
    case 0xd2:
        return (uint64_t)(uintptr_t)inst->funcs[e->value];
    case 0x23:
        return inst->globals[e->value]->val.ref;
    default:
        return 0;
    }
}

#define NEXT(k)                                                                                    \
    do {                                                                                           \
        pc += (k);                                                                                 \
        goto * pc->op;                                                                             \
    } while (0)
#define U(i) (pc[i].u)
#define R(i) fp[pc[i].u]
#define TRAP(kind)                                                                                 \
    do {                                                                                           \
        trap_kind = (kind);                                                                        \
        goto trap;                                                                                 \
    } while (0)
/* The extent written through the current memory is kept in locals (dlo, dhi) and merged into
 * the memory object when execution switches to another memory or leaves run(): the release of
 * the memory clears exactly that extent (vm_memory.c), so no store may bypass it. */
#define FLUSH_DIRTY()                                                                              \
    do {                                                                                           \
        if (cmem != NULL) {                                                                        \
            vm_memory_mark(cmem, dlo, dhi);                                                        \
        }                                                                                          \
        dlo = UINT64_MAX;                                                                          \
        dhi = 0;                                                                                   \
    } while (0)
#define LOAD_MEM()                                                                                 \
    do {                                                                                           \
        struct vm_memory *m_ = inst->mem;                                                          \
        if (m_ != cmem) {                                                                          \
            FLUSH_DIRTY();                                                                         \
            cmem = m_;                                                                             \
        }                                                                                          \
        mem = m_ != NULL ? m_->data : NULL;                                                        \
        memsize = m_ != NULL ? m_->size : 0;                                                       \
    } while (0)
#define WROTE(lo, hi)                                                                              \
    do {                                                                                           \
        if ((lo) < dlo) {                                                                          \
            dlo = (lo);                                                                            \
        }                                                                                          \
        if ((hi) > dhi) {                                                                          \
            dhi = (hi);                                                                            \
        }                                                                                          \
    } while (0)
#define CHARGE(cost)                                                                               \
    do {                                                                                           \
        uint64_t c_ = (cost);                                                                      \
        if (gas < c_) {                                                                            \
            TRAP(VM_TRAP_OUT_OF_GAS);                                                              \
        }                                                                                          \
        gas -= c_;                                                                                 \
    } while (0)

#define BINOP(NAME, F, EXPR)                                                                       \
    L_##NAME:                                                                                      \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = R(2).F;                                                  \
        R(3).F = (EXPR);                                                                           \
        NEXT(4);                                                                                   \
    }
#define BINOP_I(NAME, F, EXPR)                                                                     \
    L_##NAME##_I:                                                                                  \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = (__typeof__(fp->F))U(2);                                 \
        R(3).F = (EXPR);                                                                           \
        NEXT(4);                                                                                   \
    }
#define CMPOP(NAME, F, EXPR)                                                                       \
    L_##NAME:                                                                                      \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = R(2).F;                                                  \
        R(3).i64 = (EXPR);                                                                         \
        NEXT(4);                                                                                   \
    }
#define CMPOP_I(NAME, F, EXPR)                                                                     \
    L_##NAME##_I:                                                                                  \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = (__typeof__(fp->F))U(2);                                 \
        R(3).i64 = (EXPR);                                                                         \
        NEXT(4);                                                                                   \
    }
#define UNOP(NAME, F, G, EXPR)                                                                     \
    L_##NAME:                                                                                      \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F;                                                              \
        R(2).G = (EXPR);                                                                           \
        NEXT(3);                                                                                   \
    }
#define BRCMP(NAME, F, EXPR)                                                                       \
    L_BR_IF_##NAME:                                                                                \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = R(2).F;                                                  \
        if (EXPR) {                                                                                \
            NEXT(pc[3].s);                                                                         \
        }                                                                                          \
        NEXT(4);                                                                                   \
    }
#define BRCMP_I(NAME, F, EXPR)                                                                     \
    L_BR_IF_##NAME##_I:                                                                            \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F, b = (__typeof__(fp->F))U(2);                                 \
        if (EXPR) {                                                                                \
            NEXT(pc[3].s);                                                                         \
        }                                                                                          \
        NEXT(4);                                                                                   \
    }
#define LOAD(NAME, T, G, N)                                                                        \
    L_##NAME:                                                                                      \
    {                                                                                              \
        uint64_t ea = (uint64_t)R(1).i32 + U(2);                                                   \
        if (ea + (N) > memsize) {                                                                  \
            TRAP(VM_TRAP_MEMORY_OOB);                                                              \
        }                                                                                          \
        T v;                                                                                       \
        memcpy(&v, mem + ea, sizeof(v));                                                           \
        R(3).G = v;                                                                                \
        NEXT(4);                                                                                   \
    }
/* A load whose address is i32.add(a, imm), fused: [a][imm][offset][dst]. The add wraps at
 * 32 bits before the offset is applied, exactly as the two instructions would. */
#define LOAD_AI(NAME, T, G, N)                                                                     \
    L_##NAME##_AI:                                                                                 \
    {                                                                                              \
        uint64_t ea = (uint64_t)(uint32_t)(R(1).i32 + (uint32_t)U(2)) + U(3);                      \
        if (ea + (N) > memsize) {                                                                  \
            TRAP(VM_TRAP_MEMORY_OOB);                                                              \
        }                                                                                          \
        T v;                                                                                       \
        memcpy(&v, mem + ea, sizeof(v));                                                           \
        R(4).G = v;                                                                                \
        NEXT(5);                                                                                   \
    }
#define STORE(NAME, T, N)                                                                          \
    L_##NAME:                                                                                      \
    {                                                                                              \
        uint64_t ea = (uint64_t)R(1).i32 + U(3);                                                   \
        if (ea + (N) > memsize) {                                                                  \
            TRAP(VM_TRAP_MEMORY_OOB);                                                              \
        }                                                                                          \
        T v = (T)R(2).i64;                                                                         \
        memcpy(mem + ea, &v, sizeof(v));                                                           \
        WROTE(ea, ea + (N));                                                                       \
        NEXT(4);                                                                                   \
    }
/* Trapping float-to-int: NaN is an invalid conversion, out of (LO, HI) an overflow. */
#define TRUNC(NAME, F, G, T, LO, HI)                                                               \
    L_##NAME:                                                                                      \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F;                                                              \
        if (isnan(a)) {                                                                            \
            TRAP(VM_TRAP_INVALID_CONVERSION);                                                      \
        }                                                                                          \
        if (!(a > (LO) && a < (HI))) {                                                             \
            TRAP(VM_TRAP_INT_OVERFLOW);                                                            \
        }                                                                                          \
        R(2).G = (T)a;                                                                             \
        NEXT(3);                                                                                   \
    }
#define TRUNC_SAT(NAME, F, G, T, LO, HI, MIN, MAX)                                                 \
    L_##NAME:                                                                                      \
    {                                                                                              \
        __typeof__(fp->F) a = R(1).F;                                                              \
        T v;                                                                                       \
        if (isnan(a)) {                                                                            \
            v = 0;                                                                                 \
        } else if (!(a > (LO))) {                                                                  \
            v = (MIN);                                                                             \
        } else if (!(a < (HI))) {                                                                  \
            v = (MAX);                                                                             \
        } else {                                                                                   \
            v = (T)a;                                                                              \
        }                                                                                          \
        R(2).G = v;                                                                                \
        NEXT(3);                                                                                   \
    }

static int run(struct vm_store *s, struct vm_instance *inst, const vm_cell *pc, vm_slot *fp,
               const void *const **labels_out)
{
    static const void *const labels[] = {
#define X(n) &&L_##n,
        VM_IOPS(X)
#undef X
    };
    if (labels_out != NULL) {
        *labels_out = labels;
        return YB_OK;
    }

    const vm_cell *code = inst->mod->code;
    uint8_t *mem;
    uint64_t memsize;
    struct vm_memory *cmem = NULL;
    uint64_t dlo = UINT64_MAX, dhi = 0;
    LOAD_MEM();
    uint64_t gas = s->gas_left;
    struct vm_frame *fr = s->frames;
    struct vm_frame *const fr_end = s->frames + s->nframes_max;
    vm_slot *const stack_end = s->stack + s->stack_slots;
    uint32_t sb = fr->stack_bytes;
    const uint32_t sb_max = s->cfg.max_stack_bytes;
    enum vm_trap_kind trap_kind = VM_TRAP_NONE;
    int rc = YB_OK;
    struct vm_func *f;
    vm_slot *nfp;
    const vm_cell *retpc;

    NEXT(0);

L_UNREACHABLE:
    TRAP(VM_TRAP_UNREACHABLE);
L_GAS: /* [fee] */
    CHARGE(U(1));
    NEXT(2);
L_BR: /* [off] */
    NEXT(pc[1].s);
L_BR_IF: /* [cond][off] */
    if (R(1).i32) {
        NEXT(pc[2].s);
    }
    NEXT(3);
L_BR_UNLESS: /* [cond][off] */
    if (!R(1).i32) {
        NEXT(pc[2].s);
    }
    NEXT(3);
L_BR_TABLE : { /* [idx][n][off0..offn] */
    uint64_t i = R(1).i32;
    uint64_t n = U(2);
    NEXT(pc[3 + (i < n ? i : n)].s);
}
L_BR_IF_I32_EQZ: /* [a][off] */
    if (R(1).i32 == 0) {
        NEXT(pc[2].s);
    }
    NEXT(3);
L_BR_IF_I32_NEZ:
    if (R(1).i32 != 0) {
        NEXT(pc[2].s);
    }
    NEXT(3);
    BRCMP(I32_EQ, i32, a == b)
    BRCMP(I32_NE, i32, a != b)
    BRCMP(I32_LT_S, s32, a < b)
    BRCMP(I32_LT_U, i32, a < b)
    BRCMP(I32_GT_S, s32, a > b)
    BRCMP(I32_GT_U, i32, a > b)
    BRCMP(I32_LE_S, s32, a <= b)
    BRCMP(I32_LE_U, i32, a <= b)
    BRCMP(I32_GE_S, s32, a >= b)
    BRCMP(I32_GE_U, i32, a >= b)
    BRCMP_I(I32_EQ, i32, a == b)
    BRCMP_I(I32_NE, i32, a != b)
    BRCMP_I(I32_LT_S, s32, a < b)
    BRCMP_I(I32_LT_U, i32, a < b)
    BRCMP_I(I32_GT_S, s32, a > b)
    BRCMP_I(I32_GT_U, i32, a > b)
    BRCMP_I(I32_LE_S, s32, a <= b)
    BRCMP_I(I32_LE_U, i32, a <= b)
    BRCMP_I(I32_GE_S, s32, a >= b)
    BRCMP_I(I32_GE_U, i32, a >= b)

L_RET1: /* [src]: the single result to slot 0, then return */
    fp[0] = R(1);
    goto L_RET;
L_RET:
    if (fr == s->frames) {
        goto done;
    }
    sb -= fr->stack_bytes;
    pc = fr->pc;
    fp = fr->fp;
    if (fr->inst != inst) {
        inst = fr->inst;
        code = inst->mod->code;
    }
    fr--;
    LOAD_MEM();
    NEXT(0);

L_CALL : { /* [funcdef*][argbase] */
    const struct vm_funcdef *d = (const struct vm_funcdef *)(uintptr_t)U(1);
    nfp = fp + U(2);
    if (fr + 1 >= fr_end || sb + d->stack_bytes > sb_max || nfp + d->frame_slots > stack_end) {
        TRAP(VM_TRAP_STACK_EXHAUSTED);
    }
    fr++;
    fr->pc = pc + 3;
    fr->fp = fp;
    fr->inst = inst;
    fr->stack_bytes = d->stack_bytes;
    sb += d->stack_bytes;
    for (uint32_t i = d->nparams; i < d->nlocals; i++) {
        nfp[i].i64 = 0;
    }
    fp = nfp;
    pc = code + d->code_start;
    NEXT(0);
}
L_CALL_IMPORT: /* [func index][argbase] */
    f = inst->funcs[U(1)];
    nfp = fp + U(2);
    retpc = pc + 3;
    goto call_func;
L_CALL_INDIRECT : { /* [table << 32 | type][argbase][0][idx] */
    struct vm_table *t = inst->tables[U(1) >> 32];
    uint32_t i = R(4).i32;
    if (i >= t->size) {
        TRAP(VM_TRAP_UNDEFINED_ELEMENT);
    }
    f = (struct vm_func *)(uintptr_t)t->elems[i];
    if (f == NULL) {
        TRAP(VM_TRAP_UNINITIALIZED_ELEMENT);
    }
    const struct vm_type *want = &inst->mod->types[(uint32_t)U(1)];
    if (f->type != want && !vm_type_equal(f->type, want)) {
        TRAP(VM_TRAP_INDIRECT_MISMATCH);
    }
    nfp = fp + U(2);
    retpc = pc + 5;
    goto call_func;
}
call_func:
    if (f->host != NULL) {
        uint32_t np = f->type->nparams, nr = f->type->nresults;
        for (uint32_t i = 0; i < np; i++) {
            s->host_args[i].i64 = nfp[i].i64;
        }
        struct vm_call call = {.store = s, .inst = inst};
        s->gas_left = gas;
        s->trap.kind = VM_TRAP_NONE;
        memset(s->host_results, 0, nr * sizeof(*s->host_results));
        int hrc = f->host(&call, f->host_ctx, s->host_args, s->host_results);
        gas = s->gas_left;
        if (hrc != YB_OK) {
            if (hrc == YB_EOUT_OF_GAS) {
                TRAP(VM_TRAP_OUT_OF_GAS);
            }
            if (s->trap.kind != VM_TRAP_HOST) {
                s->trap.kind = VM_TRAP_HOST;
                s->trap.host_code = hrc;
                s->trap.host_payload = NULL;
                snprintf(s->trap.msg, sizeof(s->trap.msg), "host function failed: %s",
                         yb_err_str(hrc));
            }
            TRAP(VM_TRAP_HOST);
        }
        for (uint32_t i = 0; i < nr; i++) {
            nfp[i].i64 = s->host_results[i].i64;
        }
        LOAD_MEM();
        pc = retpc;
        NEXT(0);
    } else {
        const struct vm_funcdef *d = f->def;
        if (fr + 1 >= fr_end || sb + d->stack_bytes > sb_max || nfp + d->frame_slots > stack_end) {
            TRAP(VM_TRAP_STACK_EXHAUSTED);
        }
        fr++;
        fr->pc = retpc;
        fr->fp = fp;
        fr->inst = inst;
        fr->stack_bytes = d->stack_bytes;
        sb += d->stack_bytes;
        for (uint32_t i = d->nparams; i < d->nlocals; i++) {
            nfp[i].i64 = 0;
        }
        fp = nfp;
        if (f->inst != inst) {
            inst = f->inst;
            code = inst->mod->code;
            LOAD_MEM();
        }
        pc = f->code;
        NEXT(0);
    }

L_MOVE: /* [src][dst] */
    R(2) = R(1);
    NEXT(3);
L_CONST: /* [bits][dst] */
    R(2).i64 = U(1);
    NEXT(3);
L_SELECT: /* [cond][a][b][dst] */
    R(4) = R(1).i32 ? R(2) : R(3);
    NEXT(5);
L_GLOBAL_GET: /* [index][dst] */
    R(2) = inst->globals[U(1)]->val;
    NEXT(3);
L_GLOBAL_SET: /* [index][src] */
    inst->globals[U(1)]->val = R(2);
    NEXT(3);

    /* Loads [addr][offset][dst], stores [addr][value][offset]. */
    LOAD_AI(LD32, uint32_t, i64, 4)
    LOAD_AI(LD64, uint64_t, i64, 8)
    LOAD_AI(LD8S32, int8_t, i64, 1)
    LOAD_AI(LD8U32, uint8_t, i64, 1)
    LOAD_AI(LD16S32, int16_t, i64, 2)
    LOAD_AI(LD16U32, uint16_t, i64, 2)
    LOAD_AI(LD8S64, int8_t, s64, 1)
    LOAD_AI(LD8U64, uint8_t, i64, 1)
    LOAD_AI(LD16S64, int16_t, s64, 2)
    LOAD_AI(LD16U64, uint16_t, i64, 2)
    LOAD_AI(LD32S64, int32_t, s64, 4)
    LOAD_AI(LD32U64, uint32_t, i64, 4)
    LOAD(LD32, uint32_t, i64, 4)
    LOAD(LD64, uint64_t, i64, 8)
    LOAD(LD8S32, int8_t, i64, 1)
    LOAD(LD8U32, uint8_t, i64, 1)
    LOAD(LD16S32, int16_t, i64, 2)
    LOAD(LD16U32, uint16_t, i64, 2)
    LOAD(LD8S64, int8_t, s64, 1)
    LOAD(LD8U64, uint8_t, i64, 1)
    LOAD(LD16S64, int16_t, s64, 2)
    LOAD(LD16U64, uint16_t, i64, 2)
    LOAD(LD32S64, int32_t, s64, 4)
    LOAD(LD32U64, uint32_t, i64, 4)
    STORE(ST32, uint32_t, 4)
    STORE(ST64, uint64_t, 8)
    STORE(ST8, uint8_t, 1)
    STORE(ST16, uint16_t, 2)

L_MEM_SIZE: /* [dst] */
    R(1).i64 = memsize / VM_PAGE_SIZE;
    NEXT(2);
L_MEM_GROW : { /* [delta][dst] */
    uint32_t delta = R(1).i32;
    uint32_t old;
    CHARGE((uint64_t)delta * s->cfg.grow_page_cost);
    if (vm_memory_grow(inst->mem, delta, &old) == YB_OK) {
        R(2).i64 = old;
    } else {
        R(2).i64 = UINT32_MAX;
    }
    LOAD_MEM();
    NEXT(3);
}
L_MEM_INIT : { /* [seg][0][dst][src][n] */
    const struct vm_data *d = &inst->mod->datas[U(1)];
    uint64_t len = inst->data_dropped[U(1)] ? 0 : d->len;
    uint64_t dst = R(3).i32, srcoff = R(4).i32, n = R(5).i32;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (srcoff + n > len || dst + n > memsize) {
        TRAP(VM_TRAP_MEMORY_OOB);
    }
    memcpy(mem + dst, d->bytes + srcoff, n);
    if (n > 0) {
        WROTE(dst, dst + n);
    }
    NEXT(6);
}
L_DATA_DROP: /* [seg] */
    inst->data_dropped[U(1)] = true;
    NEXT(2);
L_MEM_COPY : { /* [0][0][dst][src][n] */
    uint64_t dst = R(3).i32, srcoff = R(4).i32, n = R(5).i32;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (srcoff + n > memsize || dst + n > memsize) {
        TRAP(VM_TRAP_MEMORY_OOB);
    }
    memmove(mem + dst, mem + srcoff, n);
    if (n > 0) {
        WROTE(dst, dst + n);
    }
    NEXT(6);
}
L_MEM_FILL : { /* [0][0][dst][value][n] */
    uint64_t dst = R(3).i32, n = R(5).i32;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (dst + n > memsize) {
        TRAP(VM_TRAP_MEMORY_OOB);
    }
    memset(mem + dst, (int)(R(4).i32 & 0xff), n);
    if (n > 0) {
        WROTE(dst, dst + n);
    }
    NEXT(6);
}
L_TABLE_GET : { /* [table][idx][dst] */
    struct vm_table *t = inst->tables[U(1)];
    uint32_t i = R(2).i32;
    if (i >= t->size) {
        TRAP(VM_TRAP_TABLE_OOB);
    }
    R(3).ref = t->elems[i];
    NEXT(4);
}
L_TABLE_SET : { /* [table][idx][value] */
    struct vm_table *t = inst->tables[U(1)];
    uint32_t i = R(2).i32;
    if (i >= t->size) {
        TRAP(VM_TRAP_TABLE_OOB);
    }
    t->elems[i] = R(3).ref;
    NEXT(4);
}
L_TABLE_INIT : { /* [seg][table][dst][src][n] */
    const struct vm_elem *e = &inst->mod->elems[U(1)];
    struct vm_table *t = inst->tables[U(2)];
    uint64_t len = inst->elem_dropped[U(1)] ? 0 : e->count;
    uint64_t dst = R(3).i32, srcoff = R(4).i32, n = R(5).i32;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (srcoff + n > len || dst + n > t->size) {
        TRAP(VM_TRAP_TABLE_OOB);
    }
    for (uint64_t i = 0; i < n; i++) {
        t->elems[dst + i] = elem_item(inst, &e->items[srcoff + i]);
    }
    NEXT(6);
}
L_ELEM_DROP: /* [seg] */
    inst->elem_dropped[U(1)] = true;
    NEXT(2);
L_TABLE_COPY : { /* [dst table][src table][dst][src][n] */
    struct vm_table *td = inst->tables[U(1)], *ts = inst->tables[U(2)];
    uint64_t dst = R(3).i32, srcoff = R(4).i32, n = R(5).i32;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (srcoff + n > ts->size || dst + n > td->size) {
        TRAP(VM_TRAP_TABLE_OOB);
    }
    memmove(td->elems + dst, ts->elems + srcoff, n * sizeof(uint64_t));
    NEXT(6);
}
L_TABLE_GROW : { /* [table][ref][n][dst] */
    uint32_t old;
    if (vm_table_grow(inst->tables[U(1)], R(3).i32, R(2).ref, &old) == YB_OK) {
        R(4).i64 = old;
    } else {
        R(4).i64 = UINT32_MAX;
    }
    NEXT(5);
}
L_TABLE_SIZE: /* [table][dst] */
    R(2).i64 = inst->tables[U(1)]->size;
    NEXT(3);
L_TABLE_FILL : { /* [table][idx][ref][n] */
    struct vm_table *t = inst->tables[U(1)];
    uint64_t i = R(2).i32, n = R(4).i32;
    uint64_t ref = R(3).ref;
    CHARGE(n * s->cfg.bulk_unit_cost);
    if (i + n > t->size) {
        TRAP(VM_TRAP_TABLE_OOB);
    }
    for (uint64_t k = 0; k < n; k++) {
        t->elems[i + k] = ref;
    }
    NEXT(5);
}
L_REF_IS_NULL: /* [a][dst] */
    R(2).i64 = R(1).ref == 0;
    NEXT(3);
L_REF_FUNC: /* [func index][dst] */
    R(2).ref = (uint64_t)(uintptr_t)inst->funcs[U(1)];
    NEXT(3);

    /* Numeric: unary [a][dst], binary [a][b][dst], with immediate [a][imm][dst]. */
    UNOP(I32_EQZ, i32, i64, a == 0)
    CMPOP(I32_EQ, i32, a == b)
    CMPOP(I32_NE, i32, a != b)
    CMPOP(I32_LT_S, s32, a < b)
    CMPOP(I32_LT_U, i32, a < b)
    CMPOP(I32_GT_S, s32, a > b)
    CMPOP(I32_GT_U, i32, a > b)
    CMPOP(I32_LE_S, s32, a <= b)
    CMPOP(I32_LE_U, i32, a <= b)
    CMPOP(I32_GE_S, s32, a >= b)
    CMPOP(I32_GE_U, i32, a >= b)
    UNOP(I64_EQZ, i64, i64, a == 0)
    CMPOP(I64_EQ, i64, a == b)
    CMPOP(I64_NE, i64, a != b)
    CMPOP(I64_LT_S, s64, a < b)
    CMPOP(I64_LT_U, i64, a < b)
    CMPOP(I64_GT_S, s64, a > b)
    CMPOP(I64_GT_U, i64, a > b)
    CMPOP(I64_LE_S, s64, a <= b)
    CMPOP(I64_LE_U, i64, a <= b)
    CMPOP(I64_GE_S, s64, a >= b)
    CMPOP(I64_GE_U, i64, a >= b)
    CMPOP(F32_EQ, f32, a == b)
    CMPOP(F32_NE, f32, a != b)
    CMPOP(F32_LT, f32, a < b)
    CMPOP(F32_GT, f32, a > b)
    CMPOP(F32_LE, f32, a <= b)
    CMPOP(F32_GE, f32, a >= b)
    CMPOP(F64_EQ, f64, a == b)
    CMPOP(F64_NE, f64, a != b)
    CMPOP(F64_LT, f64, a < b)
    CMPOP(F64_GT, f64, a > b)
    CMPOP(F64_LE, f64, a <= b)
    CMPOP(F64_GE, f64, a >= b)

    CMPOP_I(I32_EQ, i32, a == b)
    CMPOP_I(I32_NE, i32, a != b)
    CMPOP_I(I32_LT_S, s32, a < b)
    CMPOP_I(I32_LT_U, i32, a < b)
    CMPOP_I(I32_GT_S, s32, a > b)
    CMPOP_I(I32_GT_U, i32, a > b)
    CMPOP_I(I32_LE_S, s32, a <= b)
    CMPOP_I(I32_LE_U, i32, a <= b)
    CMPOP_I(I32_GE_S, s32, a >= b)
    CMPOP_I(I32_GE_U, i32, a >= b)
    CMPOP_I(I64_EQ, i64, a == b)
    CMPOP_I(I64_NE, i64, a != b)
    CMPOP_I(I64_LT_S, s64, a < b)
    CMPOP_I(I64_LT_U, i64, a < b)
    CMPOP_I(I64_GT_S, s64, a > b)
    CMPOP_I(I64_GT_U, i64, a > b)
    CMPOP_I(I64_LE_S, s64, a <= b)
    CMPOP_I(I64_LE_U, i64, a <= b)
    CMPOP_I(I64_GE_S, s64, a >= b)
    CMPOP_I(I64_GE_U, i64, a >= b)

    UNOP(I32_CLZ, i32, i64, a ? (uint32_t)__builtin_clz(a) : 32u)
    UNOP(I32_CTZ, i32, i64, a ? (uint32_t)__builtin_ctz(a) : 32u)
    UNOP(I32_POPCNT, i32, i64, (uint32_t)__builtin_popcount(a))
    BINOP(I32_ADD, i32, a + b)
    BINOP(I32_SUB, i32, a - b)
    BINOP(I32_MUL, i32, a * b)
    BINOP(I32_AND, i32, a & b)
    BINOP(I32_OR, i32, a | b)
    BINOP(I32_XOR, i32, a ^ b)
    BINOP(I32_SHL, i32, a << (b & 31))
    BINOP(I32_SHR_S, s32, a >> (b & 31))
    BINOP(I32_SHR_U, i32, a >> (b & 31))
    BINOP(I32_ROTL, i32, (a << (b & 31)) | (a >> ((32 - b) & 31)))
    BINOP(I32_ROTR, i32, (a >> (b & 31)) | (a << ((32 - b) & 31)))
    BINOP_I(I32_ADD, i32, a + b)
    BINOP_I(I32_SUB, i32, a - b)
    BINOP_I(I32_MUL, i32, a * b)
    BINOP_I(I32_AND, i32, a & b)
    BINOP_I(I32_OR, i32, a | b)
    BINOP_I(I32_XOR, i32, a ^ b)
    BINOP_I(I32_SHL, i32, a << (b & 31))
    BINOP_I(I32_SHR_S, s32, a >> (b & 31))
    BINOP_I(I32_SHR_U, i32, a >> (b & 31))
    BINOP_I(I32_ROTL, i32, (a << (b & 31)) | (a >> ((32 - b) & 31)))
    BINOP_I(I32_ROTR, i32, (a >> (b & 31)) | (a << ((32 - b) & 31)))
L_I32_DIV_S : {
    int32_t a = R(1).s32, b = R(2).s32;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    if (a == INT32_MIN && b == -1) {
        TRAP(VM_TRAP_INT_OVERFLOW);
    }
    R(3).i64 = (uint32_t)(a / b);
    NEXT(4);
}
L_I32_DIV_U : {
    uint32_t a = R(1).i32, b = R(2).i32;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).i64 = a / b;
    NEXT(4);
}
L_I32_REM_S : {
    int32_t a = R(1).s32, b = R(2).s32;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).i64 = b == -1 ? 0 : (uint32_t)(a % b);
    NEXT(4);
}
L_I32_REM_U : {
    uint32_t a = R(1).i32, b = R(2).i32;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).i64 = a % b;
    NEXT(4);
}
    UNOP(I64_CLZ, i64, i64, a ? (uint64_t)__builtin_clzll(a) : 64u)
    UNOP(I64_CTZ, i64, i64, a ? (uint64_t)__builtin_ctzll(a) : 64u)
    UNOP(I64_POPCNT, i64, i64, (uint64_t)__builtin_popcountll(a))
    BINOP(I64_ADD, i64, a + b)
    BINOP(I64_SUB, i64, a - b)
    BINOP(I64_MUL, i64, a * b)
    BINOP(I64_AND, i64, a & b)
    BINOP(I64_OR, i64, a | b)
    BINOP(I64_XOR, i64, a ^ b)
    BINOP(I64_SHL, i64, a << (b & 63))
    BINOP(I64_SHR_S, s64, a >> (b & 63))
    BINOP(I64_SHR_U, i64, a >> (b & 63))
    BINOP(I64_ROTL, i64, (a << (b & 63)) | (a >> ((64 - b) & 63)))
    BINOP(I64_ROTR, i64, (a >> (b & 63)) | (a << ((64 - b) & 63)))
    BINOP_I(I64_ADD, i64, a + b)
    BINOP_I(I64_SUB, i64, a - b)
    BINOP_I(I64_MUL, i64, a * b)
    BINOP_I(I64_AND, i64, a & b)
    BINOP_I(I64_OR, i64, a | b)
    BINOP_I(I64_XOR, i64, a ^ b)
    BINOP_I(I64_SHL, i64, a << (b & 63))
    BINOP_I(I64_SHR_S, s64, a >> (b & 63))
    BINOP_I(I64_SHR_U, i64, a >> (b & 63))
    BINOP_I(I64_ROTL, i64, (a << (b & 63)) | (a >> ((64 - b) & 63)))
    BINOP_I(I64_ROTR, i64, (a >> (b & 63)) | (a << ((64 - b) & 63)))
L_I64_DIV_S : {
    int64_t a = R(1).s64, b = R(2).s64;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    if (a == INT64_MIN && b == -1) {
        TRAP(VM_TRAP_INT_OVERFLOW);
    }
    R(3).s64 = a / b;
    NEXT(4);
}
L_I64_DIV_U : {
    uint64_t a = R(1).i64, b = R(2).i64;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).i64 = a / b;
    NEXT(4);
}
L_I64_REM_S : {
    int64_t a = R(1).s64, b = R(2).s64;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).s64 = b == -1 ? 0 : a % b;
    NEXT(4);
}
L_I64_REM_U : {
    uint64_t a = R(1).i64, b = R(2).i64;
    if (b == 0) {
        TRAP(VM_TRAP_DIV_ZERO);
    }
    R(3).i64 = a % b;
    NEXT(4);
}

    /* Sign manipulation works on the bits so NaN payloads are kept exactly. */
    UNOP(F32_ABS, i32, i64, a & 0x7fffffffu)
    UNOP(F32_NEG, i32, i64, a ^ 0x80000000u)
    UNOP(F32_CEIL, f32, f32, isnan(a) ? a + a : ceilf(a))
    UNOP(F32_FLOOR, f32, f32, isnan(a) ? a + a : floorf(a))
    UNOP(F32_TRUNC, f32, f32, isnan(a) ? a + a : truncf(a))
    UNOP(F32_NEAREST, f32, f32, nearbyintf(a))
    UNOP(F32_SQRT, f32, f32, sqrtf(a))
    BINOP(F32_ADD, f32, a + b)
    BINOP(F32_SUB, f32, a - b)
    BINOP(F32_MUL, f32, a * b)
    BINOP(F32_DIV, f32, a / b)
    BINOP(F32_MIN, f32, f32_min(a, b))
    BINOP(F32_MAX, f32, f32_max(a, b))
    BINOP(F32_COPYSIGN, i32, (a & 0x7fffffffu) | (b & 0x80000000u))
    UNOP(F64_ABS, i64, i64, a & 0x7fffffffffffffffull)
    UNOP(F64_NEG, i64, i64, a ^ 0x8000000000000000ull)
    UNOP(F64_CEIL, f64, f64, isnan(a) ? a + a : ceil(a))
    UNOP(F64_FLOOR, f64, f64, isnan(a) ? a + a : floor(a))
    UNOP(F64_TRUNC, f64, f64, isnan(a) ? a + a : trunc(a))
    UNOP(F64_NEAREST, f64, f64, nearbyint(a))
    UNOP(F64_SQRT, f64, f64, sqrt(a))
    BINOP(F64_ADD, f64, a + b)
    BINOP(F64_SUB, f64, a - b)
    BINOP(F64_MUL, f64, a * b)
    BINOP(F64_DIV, f64, a / b)
    BINOP(F64_MIN, f64, f64_min(a, b))
    BINOP(F64_MAX, f64, f64_max(a, b))
    BINOP(F64_COPYSIGN, i64, (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull))

    TRUNC(I32_TRUNC_F32_S, f32, s32, int32_t, -2147483904.0f, 2147483648.0f)
    TRUNC(I32_TRUNC_F32_U, f32, i64, uint32_t, -1.0f, 4294967296.0f)
    TRUNC(I32_TRUNC_F64_S, f64, s32, int32_t, -2147483649.0, 2147483648.0)
    TRUNC(I32_TRUNC_F64_U, f64, i64, uint32_t, -1.0, 4294967296.0)
    TRUNC(I64_TRUNC_F32_S, f32, s64, int64_t, -9223373136366403584.0f, 9223372036854775808.0f)
    TRUNC(I64_TRUNC_F32_U, f32, i64, uint64_t, -1.0f, 18446744073709551616.0f)
    TRUNC(I64_TRUNC_F64_S, f64, s64, int64_t, -9223372036854777856.0, 9223372036854775808.0)
    TRUNC(I64_TRUNC_F64_U, f64, i64, uint64_t, -1.0, 18446744073709551616.0)
    TRUNC_SAT(I32_TRUNC_SAT_F32_S, f32, s32, int32_t, -2147483904.0f, 2147483648.0f, INT32_MIN,
              INT32_MAX)
    TRUNC_SAT(I32_TRUNC_SAT_F32_U, f32, i64, uint32_t, -1.0f, 4294967296.0f, 0, UINT32_MAX)
    TRUNC_SAT(I32_TRUNC_SAT_F64_S, f64, s32, int32_t, -2147483649.0, 2147483648.0, INT32_MIN,
              INT32_MAX)
    TRUNC_SAT(I32_TRUNC_SAT_F64_U, f64, i64, uint32_t, -1.0, 4294967296.0, 0, UINT32_MAX)
    TRUNC_SAT(I64_TRUNC_SAT_F32_S, f32, s64, int64_t, -9223373136366403584.0f,
              9223372036854775808.0f, INT64_MIN, INT64_MAX)
    TRUNC_SAT(I64_TRUNC_SAT_F32_U, f32, i64, uint64_t, -1.0f, 18446744073709551616.0f, 0,
              UINT64_MAX)
    TRUNC_SAT(I64_TRUNC_SAT_F64_S, f64, s64, int64_t, -9223372036854777856.0, 9223372036854775808.0,
              INT64_MIN, INT64_MAX)
    TRUNC_SAT(I64_TRUNC_SAT_F64_U, f64, i64, uint64_t, -1.0, 18446744073709551616.0, 0, UINT64_MAX)

    UNOP(I64_EXTEND_I32_S, s32, s64, a)
    UNOP(I64_EXTEND_I32_U, i32, i64, a)
    UNOP(F32_CONVERT_I32_S, s32, f32, (float)a)
    UNOP(F32_CONVERT_I32_U, i32, f32, (float)a)
    UNOP(F32_CONVERT_I64_S, s64, f32, (float)a)
    UNOP(F32_CONVERT_I64_U, i64, f32, (float)a)
    UNOP(F32_DEMOTE_F64, f64, f32, (float)a)
    UNOP(F64_CONVERT_I32_S, s32, f64, (double)a)
    UNOP(F64_CONVERT_I32_U, i32, f64, (double)a)
    UNOP(F64_CONVERT_I64_S, s64, f64, (double)a)
    UNOP(F64_CONVERT_I64_U, i64, f64, (double)a)
    UNOP(F64_PROMOTE_F32, f32, f64, (double)a)
    UNOP(I32_EXTEND8_S, i32, i64, (uint32_t)(int32_t)(int8_t)a)
    UNOP(I32_EXTEND16_S, i32, i64, (uint32_t)(int32_t)(int16_t)a)
    UNOP(I64_EXTEND8_S, i64, s64, (int8_t)a)
    UNOP(I64_EXTEND16_S, i64, s64, (int16_t)a)
    UNOP(I64_EXTEND32_S, i64, s64, (int32_t)a)

trap:
    set_trap(s, inst, pc, trap_kind);
    if (trap_kind == VM_TRAP_OUT_OF_GAS) {
        gas = 0;
        rc = YB_EOUT_OF_GAS;
    } else {
        rc = YB_EWASM_TRAP;
    }
done:
    FLUSH_DIRTY();
    s->gas_left = gas;
    return rc;
}

const void *const *vm_exec_labels(void)
{
    const void *const *labels;
    run(NULL, NULL, NULL, NULL, &labels);
    return labels;
}

int vm_exec_call(struct vm_store *s, struct vm_func *f, const union vm_value *args,
                 union vm_value *results)
{
    uint32_t np = f->type->nparams, nr = f->type->nresults;
    if (f->host != NULL) {
        struct vm_call call = {.store = s, .inst = NULL};
        s->trap.kind = VM_TRAP_NONE;
        int rc = f->host(&call, f->host_ctx, args, results);
        if (rc == YB_EOUT_OF_GAS) {
            set_trap(s, NULL, NULL, VM_TRAP_OUT_OF_GAS);
            return rc;
        }
        if (rc != YB_OK) {
            if (s->trap.kind != VM_TRAP_HOST) {
                set_trap(s, NULL, NULL, VM_TRAP_HOST);
                s->trap.kind = VM_TRAP_HOST;
                s->trap.host_code = rc;
                snprintf(s->trap.msg, sizeof(s->trap.msg), "host function failed: %s",
                         yb_err_str(rc));
            }
            return YB_EWASM_TRAP;
        }
        return YB_OK;
    }
    const struct vm_funcdef *d = f->def;
    memset(&s->trap, 0, sizeof(s->trap));
    if (d->frame_slots > s->stack_slots || d->stack_bytes > s->cfg.max_stack_bytes) {
        set_trap(s, NULL, NULL, VM_TRAP_STACK_EXHAUSTED);
        return YB_EWASM_TRAP;
    }
    vm_slot *fp = s->stack;
    for (uint32_t i = 0; i < np; i++) {
        fp[i].i64 = args[i].i64;
    }
    for (uint32_t i = np; i < d->nlocals; i++) {
        fp[i].i64 = 0;
    }
    s->frames[0] =
        (struct vm_frame){.pc = NULL, .fp = NULL, .inst = f->inst, .stack_bytes = d->stack_bytes};
    s->running = true;
    int rc = run(s, f->inst, f->code, fp, NULL);
    s->running = false;
    if (rc == YB_OK) {
        for (uint32_t i = 0; i < nr; i++) {
            results[i].i64 = fp[i].i64;
        }
    }
    return rc;
}
