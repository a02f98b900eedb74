/*
 * vm_compile.c — one pass per function body: validate (the spec's operand-stack algorithm) and
 * emit direct-threaded code for vm_exec.c.
 *
 * The frame of a function is [params | locals | operand stack]; operand-stack position i always
 * lives in slot nlocals + i, so every instruction is compiled with fixed slot operands. Values
 * are kept "pending" where that saves a copy: a local.get or a constant only becomes a move when
 * something needs it in its home slot (a call's arguments, a block boundary, a write of that
 * local). The instruction that produced the top of the stack is re-targeted when a local.set
 * consumes it, a compare feeding br_if/if is fused into the branch, and the gas fee of each
 * metered block is summed into the GAS instruction that starts it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mem.h"
#include "vm_compile.h"
#include "vm_exec.h"

#define NONE      UINT32_MAX
#define T_UNKNOWN 0 /* the bottom type of unreachable code */

enum { K_SLOT, K_LOCAL, K_CONST };

struct entry {
    uint8_t type;
    uint8_t kind;
    uint32_t local;
    uint64_t cval;
};

enum { C_FUNC, C_BLOCK, C_LOOP, C_IF, C_ELSE };

struct ctl {
    uint8_t kind;
    bool unreachable; /* polymorphic stack after unreachable/br/return (validation) */
    bool dead;        /* the whole block is unreachable code: nothing is emitted */
    bool branched;    /* a branch targets the end of this block */
    uint32_t height;
    uint32_t nparams, nresults;
    const uint8_t *params, *results;
    uint32_t start;    /* loop: cell index of its first instruction */
    uint32_t fixups;   /* head of the fix-up list of forward branches */
    uint32_t else_fix; /* if: the branch-over-then operand cell */
    uint32_t else_ins; /* if: that instruction's cell */
};

struct fixup {
    uint32_t ins, cell, next;
};

struct compiler {
    struct vm_module *m;
    struct vm_reader *r;
    const struct vm_type *type;
    uint32_t func_index;
    uint32_t nlocals;
    uint8_t *locals; /* types of params and locals */

    struct entry *stack;
    uint32_t sp, stack_cap, max_sp;
    uint32_t npending;
    uint32_t *lrefs; /* per local: pending local.get entries on the stack */
    uint64_t bytes, max_bytes;

    struct ctl *ctls;
    uint32_t nctl, ctl_cap;

    struct fixup *fix;
    uint32_t nfix, fix_cap;

    const void *const *labels;
    uint32_t ins_offset; /* byte offset of the wasm instruction being compiled */
    uint32_t gas_cell;   /* fee operand of the current GAS instruction, NONE in dead code */
    uint32_t last_dst;   /* cell of the last instruction's destination operand */
    uint32_t last_dst_pos;
    uint32_t last_ins; /* cell of the last emitted instruction */
    uint32_t cmp_ins;  /* last instruction if it is a compare that can fuse with a branch */
    uint32_t label_at; /* code position of the last branch target placed: no fusion across */
    uint16_t cmp_iop;
    uint32_t nblocks; /* block, loop and if instructions in this body so far */
};

static int fail(struct compiler *c, int code, const char *msg)
{
    return vm_fail(c->r->err, code, "function %u at offset 0x%x: %s", c->func_index, c->ins_offset,
                   msg);
}

static int invalid(struct compiler *c, const char *msg)
{
    return fail(c, YB_EWASM_INVALID, msg);
}

static int feature(struct compiler *c, uint32_t bit, const char *name)
{
    if (c->m->cfg.features & bit) {
        return YB_OK;
    }
    char msg[96];
    snprintf(msg, sizeof(msg), "%s not enabled", name);
    return fail(c, YB_EWASM_FEATURE, msg);
}

static uint32_t type_bytes(uint8_t t)
{
    return (t == VM_I32 || t == VM_F32) ? 4 : 8;
}

static bool is_num(uint8_t t)
{
    return t == VM_I32 || t == VM_I64 || t == VM_F32 || t == VM_F64 || t == T_UNKNOWN;
}

static bool is_ref(uint8_t t)
{
    return t == VM_FUNCREF || t == VM_EXTERNREF || t == T_UNKNOWN;
}

/* ---- code emission ---- */

static bool live(const struct compiler *c)
{
    const struct ctl *x = &c->ctls[c->nctl - 1];
    return !x->unreachable && !x->dead;
}

static void grow_code(struct vm_module *m, uint32_t need)
{
    if (m->ncode + need > m->code_cap) {
        uint32_t cap = m->code_cap ? m->code_cap * 2 : 1024;
        while (cap < m->ncode + need) {
            cap *= 2;
        }
        m->code = yb_xrealloc(m->code, cap * sizeof(*m->code));
        m->code_offsets = yb_xrealloc(m->code_offsets, cap * sizeof(*m->code_offsets));
        m->code_cap = cap;
    }
}

static uint32_t emit_op(struct compiler *c, enum vm_iop op)
{
    struct vm_module *m = c->m;
    grow_code(m, 8);
    uint32_t at = m->ncode++;
    m->code[at].op = c->labels[op];
    m->code_offsets[at] = c->ins_offset;
    c->last_ins = at;
    c->last_dst = NONE;
    c->cmp_ins = NONE;
    return at;
}

static uint32_t emit(struct compiler *c, uint64_t v)
{
    struct vm_module *m = c->m;
    grow_code(m, 8);
    uint32_t at = m->ncode++;
    m->code[at].u = v;
    m->code_offsets[at] = c->ins_offset;
    return at;
}

static uint32_t home(const struct compiler *c, uint32_t pos)
{
    return c->nlocals + pos;
}

static void charge(struct compiler *c, uint64_t fee)
{
    if (c->gas_cell != NONE) {
        c->m->code[c->gas_cell].u += fee;
    }
}

/* Start a metered block: everything from here to the next block boundary is paid at once. */
static void gas_begin(struct compiler *c)
{
    emit_op(c, IOP_GAS);
    c->gas_cell = emit(c, 0);
}

/* ---- the operand stack ---- */

static void ensure_stack(struct compiler *c)
{
    if (c->sp >= c->stack_cap) {
        c->stack_cap = c->stack_cap ? c->stack_cap * 2 : 64;
        c->stack = yb_xrealloc(c->stack, c->stack_cap * sizeof(*c->stack));
    }
}

/* Pending-entry bookkeeping. The counts keep every scan for pending entries proportional to
 * what it finds, and MAX_PENDING bounds how many there are, so a hostile body cannot make
 * compilation quadratic. */
#define MAX_PENDING 64

static void pend(struct compiler *c, const struct entry *e)
{
    c->npending++;
    if (e->kind == K_LOCAL) {
        c->lrefs[e->local]++;
    }
}

static void unpend(struct compiler *c, const struct entry *e)
{
    c->npending--;
    if (e->kind == K_LOCAL) {
        c->lrefs[e->local]--;
    }
}

static void materialize_all(struct compiler *c);

static void push_entry(struct compiler *c, uint8_t type, uint8_t kind, uint32_t local, uint64_t v)
{
    if (kind != K_SLOT && c->npending >= MAX_PENDING) {
        materialize_all(c);
    }
    ensure_stack(c);
    c->stack[c->sp++] = (struct entry){.type = type, .kind = kind, .local = local, .cval = v};
    if (kind != K_SLOT) {
        pend(c, &c->stack[c->sp - 1]);
    }
    if (c->sp > c->max_sp) {
        c->max_sp = c->sp;
    }
    c->bytes += type_bytes(type);
    if (c->bytes > c->max_bytes) {
        c->max_bytes = c->bytes;
    }
}

/* Push a value computed into its home slot; returns that slot. */
static uint32_t push(struct compiler *c, uint8_t type)
{
    push_entry(c, type, K_SLOT, 0, 0);
    return home(c, c->sp - 1);
}

static void drop_top(struct compiler *c)
{
    struct entry *e = &c->stack[--c->sp];
    if (e->kind != K_SLOT) {
        unpend(c, e);
    }
    c->bytes -= type_bytes(e->type);
}

/* Pop a value of type `want` (T_UNKNOWN: any); *pos gets its stack position (NONE when it came
 * from the polymorphic stack of unreachable code) and *got its type. */
static int pop_any(struct compiler *c, uint8_t want, uint32_t *pos, uint8_t *got)
{
    struct ctl *ctl = &c->ctls[c->nctl - 1];
    if (c->sp == ctl->height) {
        if (ctl->unreachable) {
            *pos = NONE;
            *got = want;
            return YB_OK;
        }
        return invalid(c, "type mismatch");
    }
    uint8_t t = c->stack[c->sp - 1].type;
    if (want != T_UNKNOWN && t != T_UNKNOWN && t != want) {
        return invalid(c, "type mismatch");
    }
    *pos = c->sp - 1;
    *got = t == T_UNKNOWN ? want : t;
    drop_top(c);
    return YB_OK;
}

static int pop(struct compiler *c, uint8_t want, uint32_t *pos)
{
    uint8_t got;
    return pop_any(c, want, pos, &got);
}

/* Put a pending entry into its home slot (emitting the copy). */
static void materialize(struct compiler *c, uint32_t pos)
{
    struct entry *e = &c->stack[pos];
    if (e->kind == K_SLOT) {
        return;
    }
    if (live(c)) {
        if (e->kind == K_LOCAL) {
            emit_op(c, IOP_MOVE);
            emit(c, e->local);
        } else {
            emit_op(c, IOP_CONST);
            emit(c, e->cval);
        }
        emit(c, home(c, pos));
    }
    unpend(c, e);
    e->kind = K_SLOT;
}

/* Pending entries are pushed last, so both scans run from the top and stop when done. */
static void materialize_all(struct compiler *c)
{
    for (uint32_t i = c->sp; c->npending > 0 && i-- > 0;) {
        materialize(c, i);
    }
}

static void materialize_local(struct compiler *c, uint32_t local)
{
    for (uint32_t i = c->sp; c->lrefs[local] > 0 && i-- > 0;) {
        if (c->stack[i].kind == K_LOCAL && c->stack[i].local == local) {
            materialize(c, i);
        }
    }
}

/* The slot an instruction reads a popped entry from (a pending constant gets its home slot).
 * Valid right after the pop, before anything else is pushed. */
static uint32_t src(struct compiler *c, uint32_t pos)
{
    if (pos == NONE) {
        return 0;
    }
    struct entry *e = &c->stack[pos];
    if (e->kind == K_LOCAL) {
        return e->local;
    }
    if (e->kind == K_CONST) {
        if (live(c)) {
            emit_op(c, IOP_CONST);
            emit(c, e->cval);
            emit(c, home(c, pos));
        }
        e->kind = K_SLOT; /* already off the stack: npending was adjusted by the pop */
    }
    return home(c, pos);
}

/* Record that the last emitted instruction wrote the value at stack position `pos` through
 * cell `cell`, so a following local.set may redirect it. */
static void note_dst(struct compiler *c, uint32_t cell)
{
    c->last_dst = cell;
    c->last_dst_pos = c->sp - 1;
}

/* ---- control frames ---- */

static int push_ctl(struct compiler *c, uint8_t kind, const uint8_t *params, uint32_t np,
                    const uint8_t *results, uint32_t nr)
{
    if (c->nctl >= c->m->cfg.max_nesting) {
        return fail(c, YB_EWASM_LIMIT, "blocks nested too deep");
    }
    if (c->nctl == c->ctl_cap) {
        c->ctl_cap = c->ctl_cap ? c->ctl_cap * 2 : 16;
        c->ctls = yb_xrealloc(c->ctls, c->ctl_cap * sizeof(*c->ctls));
    }
    struct ctl *x = &c->ctls[c->nctl++];
    memset(x, 0, sizeof(*x));
    x->kind = kind;
    x->height = c->sp - np;
    x->params = params;
    x->nparams = np;
    x->results = results;
    x->nresults = nr;
    x->fixups = NONE;
    x->else_fix = NONE;
    x->dead = c->nctl > 1 && (c->ctls[c->nctl - 2].unreachable || c->ctls[c->nctl - 2].dead);
    return YB_OK;
}

static void set_unreachable(struct compiler *c)
{
    struct ctl *x = &c->ctls[c->nctl - 1];
    while (c->sp > x->height) {
        drop_top(c);
    }
    x->unreachable = true;
    c->gas_cell = NONE;
}

static void add_fixup(struct compiler *c, struct ctl *x, uint32_t ins, uint32_t cell)
{
    if (c->nfix == c->fix_cap) {
        c->fix_cap = c->fix_cap ? c->fix_cap * 2 : 64;
        c->fix = yb_xrealloc(c->fix, c->fix_cap * sizeof(*c->fix));
    }
    c->fix[c->nfix] = (struct fixup){.ins = ins, .cell = cell, .next = x->fixups};
    x->fixups = c->nfix++;
}

/* Point the branch operand `cell` of instruction `ins` at label x. */
static void target(struct compiler *c, struct ctl *x, uint32_t ins, uint32_t cell)
{
    if (x->kind == C_LOOP) {
        c->m->code[cell].s = (int64_t)x->start - (int64_t)ins;
    } else {
        add_fixup(c, x, ins, cell);
        x->branched = true;
    }
}

static void resolve_fixups(struct compiler *c, struct ctl *x, uint32_t to)
{
    c->label_at = to;
    for (uint32_t f = x->fixups; f != NONE; f = c->fix[f].next) {
        c->m->code[c->fix[f].cell].s = (int64_t)to - (int64_t)c->fix[f].ins;
    }
    x->fixups = NONE;
}

static uint32_t label_arity(const struct ctl *x)
{
    return x->kind == C_LOOP ? x->nparams : x->nresults;
}

static const uint8_t *label_types(const struct ctl *x)
{
    return x->kind == C_LOOP ? x->params : x->results;
}

/* Check the top of the stack against the label's types without popping. */
static int check_label_values(struct compiler *c, const struct ctl *x)
{
    uint32_t n = label_arity(x);
    const uint8_t *t = label_types(x);
    struct ctl *cur = &c->ctls[c->nctl - 1];
    for (uint32_t k = 0; k < n; k++) {
        uint32_t depth = n - 1 - k; /* from the top */
        if (c->sp < cur->height + depth + 1) {
            if (cur->unreachable) {
                continue;
            }
            return invalid(c, "type mismatch");
        }
        uint8_t have = c->stack[c->sp - 1 - depth].type;
        if (have != T_UNKNOWN && have != t[k]) {
            return invalid(c, "type mismatch");
        }
    }
    return YB_OK;
}

/* Does a branch to x need values copied (they are not yet in the label's slots)? */
static bool branch_needs_moves(const struct compiler *c, const struct ctl *x)
{
    uint32_t n = label_arity(x);
    if (n == 0) {
        return false;
    }
    if (c->sp - n != x->height) {
        return true;
    }
    for (uint32_t k = c->sp - n; k < c->sp; k++) {
        if (c->stack[k].kind != K_SLOT) {
            return true;
        }
    }
    return false;
}

/* Copy the branch values into the label's slots (no-op when they are there already). */
static void branch_moves(struct compiler *c, const struct ctl *x)
{
    uint32_t n = label_arity(x);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t pos = c->sp - n + k;
        uint32_t to = home(c, x->height + k);
        struct entry *e = &c->stack[pos];
        if (e->kind == K_CONST) {
            emit_op(c, IOP_CONST);
            emit(c, e->cval);
            emit(c, to);
        } else {
            uint32_t from = e->kind == K_LOCAL ? e->local : home(c, pos);
            if (from != to) {
                emit_op(c, IOP_MOVE);
                emit(c, from);
                emit(c, to);
            }
        }
    }
}

/* Emit an unconditional branch to label x (values already checked). */
static void emit_br(struct compiler *c, struct ctl *x)
{
    branch_moves(c, x);
    uint32_t ins = emit_op(c, IOP_BR);
    target(c, x, ins, emit(c, 0));
}

static int get_label(struct compiler *c, uint32_t depth, struct ctl **out)
{
    if (depth >= c->nctl) {
        return invalid(c, "unknown label");
    }
    *out = &c->ctls[c->nctl - 1 - depth];
    return YB_OK;
}

/* Move the function's results into slots 0.. and return. `direct` allows computing a single
 * result straight into slot 0 (not when branches jump to this return sequence). */
static void emit_return(struct compiler *c, bool direct)
{
    uint32_t n = c->type->nresults;
    if (n == 1) {
        uint32_t pos = c->sp - 1;
        struct entry *e = &c->stack[pos];
        if (direct && e->kind == K_SLOT && c->last_dst != NONE && c->last_dst_pos == pos &&
            c->last_ins != c->label_at) {
            c->m->code[c->last_dst].u = 0;
            emit_op(c, IOP_RET);
        } else if (e->kind == K_CONST) {
            emit_op(c, IOP_CONST);
            emit(c, e->cval);
            emit(c, 0);
            emit_op(c, IOP_RET);
        } else {
            emit_op(c, IOP_RET1);
            emit(c, e->kind == K_LOCAL ? e->local : home(c, pos));
        }
        return;
    }
    /* Results read from locals could be overwritten by earlier result moves: give every pending
     * result its home slot first, which lies above all locals. */
    for (uint32_t k = c->sp - n; k < c->sp; k++) {
        if (c->stack[k].kind == K_LOCAL) {
            materialize(c, k);
        }
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t pos = c->sp - n + k;
        struct entry *e = &c->stack[pos];
        if (e->kind == K_CONST) {
            emit_op(c, IOP_CONST);
            emit(c, e->cval);
        } else {
            emit_op(c, IOP_MOVE);
            emit(c, home(c, pos));
        }
        emit(c, k);
    }
    emit_op(c, IOP_RET);
}

/* ---- block types ---- */

static int read_blocktype(struct compiler *c, const uint8_t **params, uint32_t *np,
                          const uint8_t **results, uint32_t *nr)
{
    static const uint8_t single[256] = {
        [VM_I32] = VM_I32, [VM_I64] = VM_I64,         [VM_F32] = VM_F32,
        [VM_F64] = VM_F64, [VM_FUNCREF] = VM_FUNCREF, [VM_EXTERNREF] = VM_EXTERNREF};
    struct vm_reader *r = c->r;
    if (r->p < r->end && *r->p == 0x40) {
        r->p++;
        *np = *nr = 0;
        *params = *results = NULL;
        return YB_OK;
    }
    if (r->p < r->end && (*r->p & 0xc0) == 0x40) {
        uint8_t t;
        int rc = vm_compile_valtype(c->m, r, &t);
        if (rc) {
            return rc;
        }
        *np = 0;
        *params = NULL;
        *nr = 1;
        *results = &single[t];
        return YB_OK;
    }
    int64_t idx;
    int rc = vm_read_sleb(r, 33, &idx);
    if (rc) {
        return rc;
    }
    if (idx < 0 || (uint64_t)idx >= c->m->ntypes) {
        return invalid(c, "unknown type");
    }
    const struct vm_type *t = &c->m->types[idx];
    if (t->nparams > 0 || t->nresults > 1) {
        rc = feature(c, VM_FEATURE_MULTI_VALUE, "multi-value");
        if (rc) {
            return rc;
        }
    }
    *np = t->nparams;
    *params = t->vals;
    *nr = t->nresults;
    *results = t->vals + t->nparams;
    return YB_OK;
}

/* Pop a block's params (checking types) and push them back as the new block's own values. */
static int enter_block(struct compiler *c, uint8_t kind, const uint8_t *params, uint32_t np,
                       const uint8_t *results, uint32_t nr)
{
    for (uint32_t k = np; k-- > 0;) {
        uint32_t pos;
        int rc = pop(c, params[k], &pos);
        if (rc) {
            return rc;
        }
    }
    for (uint32_t k = 0; k < np; k++) {
        push(c, params[k]);
    }
    return push_ctl(c, kind, params, np, results, nr);
}

/* ---- memory and numeric instruction tables ---- */

struct memop {
    uint8_t type;
    uint8_t size; /* natural alignment in bytes */
    bool store;
    uint16_t iop;
};

static const struct memop memops[0x3e - 0x28 + 1] = {
    {VM_I32, 4, false, IOP_LD32},    {VM_I64, 8, false, IOP_LD64},
    {VM_F32, 4, false, IOP_LD32},    {VM_F64, 8, false, IOP_LD64},
    {VM_I32, 1, false, IOP_LD8S32},  {VM_I32, 1, false, IOP_LD8U32},
    {VM_I32, 2, false, IOP_LD16S32}, {VM_I32, 2, false, IOP_LD16U32},
    {VM_I64, 1, false, IOP_LD8S64},  {VM_I64, 1, false, IOP_LD8U64},
    {VM_I64, 2, false, IOP_LD16S64}, {VM_I64, 2, false, IOP_LD16U64},
    {VM_I64, 4, false, IOP_LD32S64}, {VM_I64, 4, false, IOP_LD32U64},
    {VM_I32, 4, true, IOP_ST32},     {VM_I64, 8, true, IOP_ST64},
    {VM_F32, 4, true, IOP_ST32},     {VM_F64, 8, true, IOP_ST64},
    {VM_I32, 1, true, IOP_ST8},      {VM_I32, 2, true, IOP_ST16},
    {VM_I64, 1, true, IOP_ST8},      {VM_I64, 2, true, IOP_ST16},
    {VM_I64, 4, true, IOP_ST32},
};

#define NOCODE 0xffff /* reinterpret / wrap: the bits in the slot are already right */

struct numop {
    uint8_t in1, in2, out; /* in2 == 0: unary */
    uint16_t iop;
    uint16_t iop_imm; /* 0: no immediate form */
};

#define I VM_I32
#define L VM_I64
#define F VM_F32
#define D VM_F64
static const struct numop numops[256] = {
    [0x45] = {I, 0, I, IOP_I32_EQZ, 0},
    [0x46] = {I, I, I, IOP_I32_EQ, IOP_I32_EQ_I},
    [0x47] = {I, I, I, IOP_I32_NE, IOP_I32_NE_I},
    [0x48] = {I, I, I, IOP_I32_LT_S, IOP_I32_LT_S_I},
    [0x49] = {I, I, I, IOP_I32_LT_U, IOP_I32_LT_U_I},
    [0x4a] = {I, I, I, IOP_I32_GT_S, IOP_I32_GT_S_I},
    [0x4b] = {I, I, I, IOP_I32_GT_U, IOP_I32_GT_U_I},
    [0x4c] = {I, I, I, IOP_I32_LE_S, IOP_I32_LE_S_I},
    [0x4d] = {I, I, I, IOP_I32_LE_U, IOP_I32_LE_U_I},
    [0x4e] = {I, I, I, IOP_I32_GE_S, IOP_I32_GE_S_I},
    [0x4f] = {I, I, I, IOP_I32_GE_U, IOP_I32_GE_U_I},
    [0x50] = {L, 0, I, IOP_I64_EQZ, 0},
    [0x51] = {L, L, I, IOP_I64_EQ, IOP_I64_EQ_I},
    [0x52] = {L, L, I, IOP_I64_NE, IOP_I64_NE_I},
    [0x53] = {L, L, I, IOP_I64_LT_S, IOP_I64_LT_S_I},
    [0x54] = {L, L, I, IOP_I64_LT_U, IOP_I64_LT_U_I},
    [0x55] = {L, L, I, IOP_I64_GT_S, IOP_I64_GT_S_I},
    [0x56] = {L, L, I, IOP_I64_GT_U, IOP_I64_GT_U_I},
    [0x57] = {L, L, I, IOP_I64_LE_S, IOP_I64_LE_S_I},
    [0x58] = {L, L, I, IOP_I64_LE_U, IOP_I64_LE_U_I},
    [0x59] = {L, L, I, IOP_I64_GE_S, IOP_I64_GE_S_I},
    [0x5a] = {L, L, I, IOP_I64_GE_U, IOP_I64_GE_U_I},
    [0x5b] = {F, F, I, IOP_F32_EQ, 0},
    [0x5c] = {F, F, I, IOP_F32_NE, 0},
    [0x5d] = {F, F, I, IOP_F32_LT, 0},
    [0x5e] = {F, F, I, IOP_F32_GT, 0},
    [0x5f] = {F, F, I, IOP_F32_LE, 0},
    [0x60] = {F, F, I, IOP_F32_GE, 0},
    [0x61] = {D, D, I, IOP_F64_EQ, 0},
    [0x62] = {D, D, I, IOP_F64_NE, 0},
    [0x63] = {D, D, I, IOP_F64_LT, 0},
    [0x64] = {D, D, I, IOP_F64_GT, 0},
    [0x65] = {D, D, I, IOP_F64_LE, 0},
    [0x66] = {D, D, I, IOP_F64_GE, 0},
    [0x67] = {I, 0, I, IOP_I32_CLZ, 0},
    [0x68] = {I, 0, I, IOP_I32_CTZ, 0},
    [0x69] = {I, 0, I, IOP_I32_POPCNT, 0},
    [0x6a] = {I, I, I, IOP_I32_ADD, IOP_I32_ADD_I},
    [0x6b] = {I, I, I, IOP_I32_SUB, IOP_I32_SUB_I},
    [0x6c] = {I, I, I, IOP_I32_MUL, IOP_I32_MUL_I},
    [0x6d] = {I, I, I, IOP_I32_DIV_S, 0},
    [0x6e] = {I, I, I, IOP_I32_DIV_U, 0},
    [0x6f] = {I, I, I, IOP_I32_REM_S, 0},
    [0x70] = {I, I, I, IOP_I32_REM_U, 0},
    [0x71] = {I, I, I, IOP_I32_AND, IOP_I32_AND_I},
    [0x72] = {I, I, I, IOP_I32_OR, IOP_I32_OR_I},
    [0x73] = {I, I, I, IOP_I32_XOR, IOP_I32_XOR_I},
    [0x74] = {I, I, I, IOP_I32_SHL, IOP_I32_SHL_I},
    [0x75] = {I, I, I, IOP_I32_SHR_S, IOP_I32_SHR_S_I},
    [0x76] = {I, I, I, IOP_I32_SHR_U, IOP_I32_SHR_U_I},
    [0x77] = {I, I, I, IOP_I32_ROTL, IOP_I32_ROTL_I},
    [0x78] = {I, I, I, IOP_I32_ROTR, IOP_I32_ROTR_I},
    [0x79] = {L, 0, L, IOP_I64_CLZ, 0},
    [0x7a] = {L, 0, L, IOP_I64_CTZ, 0},
    [0x7b] = {L, 0, L, IOP_I64_POPCNT, 0},
    [0x7c] = {L, L, L, IOP_I64_ADD, IOP_I64_ADD_I},
    [0x7d] = {L, L, L, IOP_I64_SUB, IOP_I64_SUB_I},
    [0x7e] = {L, L, L, IOP_I64_MUL, IOP_I64_MUL_I},
    [0x7f] = {L, L, L, IOP_I64_DIV_S, 0},
    [0x80] = {L, L, L, IOP_I64_DIV_U, 0},
    [0x81] = {L, L, L, IOP_I64_REM_S, 0},
    [0x82] = {L, L, L, IOP_I64_REM_U, 0},
    [0x83] = {L, L, L, IOP_I64_AND, IOP_I64_AND_I},
    [0x84] = {L, L, L, IOP_I64_OR, IOP_I64_OR_I},
    [0x85] = {L, L, L, IOP_I64_XOR, IOP_I64_XOR_I},
    [0x86] = {L, L, L, IOP_I64_SHL, IOP_I64_SHL_I},
    [0x87] = {L, L, L, IOP_I64_SHR_S, IOP_I64_SHR_S_I},
    [0x88] = {L, L, L, IOP_I64_SHR_U, IOP_I64_SHR_U_I},
    [0x89] = {L, L, L, IOP_I64_ROTL, IOP_I64_ROTL_I},
    [0x8a] = {L, L, L, IOP_I64_ROTR, IOP_I64_ROTR_I},
    [0x8b] = {F, 0, F, IOP_F32_ABS, 0},
    [0x8c] = {F, 0, F, IOP_F32_NEG, 0},
    [0x8d] = {F, 0, F, IOP_F32_CEIL, 0},
    [0x8e] = {F, 0, F, IOP_F32_FLOOR, 0},
    [0x8f] = {F, 0, F, IOP_F32_TRUNC, 0},
    [0x90] = {F, 0, F, IOP_F32_NEAREST, 0},
    [0x91] = {F, 0, F, IOP_F32_SQRT, 0},
    [0x92] = {F, F, F, IOP_F32_ADD, 0},
    [0x93] = {F, F, F, IOP_F32_SUB, 0},
    [0x94] = {F, F, F, IOP_F32_MUL, 0},
    [0x95] = {F, F, F, IOP_F32_DIV, 0},
    [0x96] = {F, F, F, IOP_F32_MIN, 0},
    [0x97] = {F, F, F, IOP_F32_MAX, 0},
    [0x98] = {F, F, F, IOP_F32_COPYSIGN, 0},
    [0x99] = {D, 0, D, IOP_F64_ABS, 0},
    [0x9a] = {D, 0, D, IOP_F64_NEG, 0},
    [0x9b] = {D, 0, D, IOP_F64_CEIL, 0},
    [0x9c] = {D, 0, D, IOP_F64_FLOOR, 0},
    [0x9d] = {D, 0, D, IOP_F64_TRUNC, 0},
    [0x9e] = {D, 0, D, IOP_F64_NEAREST, 0},
    [0x9f] = {D, 0, D, IOP_F64_SQRT, 0},
    [0xa0] = {D, D, D, IOP_F64_ADD, 0},
    [0xa1] = {D, D, D, IOP_F64_SUB, 0},
    [0xa2] = {D, D, D, IOP_F64_MUL, 0},
    [0xa3] = {D, D, D, IOP_F64_DIV, 0},
    [0xa4] = {D, D, D, IOP_F64_MIN, 0},
    [0xa5] = {D, D, D, IOP_F64_MAX, 0},
    [0xa6] = {D, D, D, IOP_F64_COPYSIGN, 0},
    [0xa7] = {L, 0, I, NOCODE, 0},
    [0xa8] = {F, 0, I, IOP_I32_TRUNC_F32_S, 0},
    [0xa9] = {F, 0, I, IOP_I32_TRUNC_F32_U, 0},
    [0xaa] = {D, 0, I, IOP_I32_TRUNC_F64_S, 0},
    [0xab] = {D, 0, I, IOP_I32_TRUNC_F64_U, 0},
    [0xac] = {I, 0, L, IOP_I64_EXTEND_I32_S, 0},
    [0xad] = {I, 0, L, IOP_I64_EXTEND_I32_U, 0},
    [0xae] = {F, 0, L, IOP_I64_TRUNC_F32_S, 0},
    [0xaf] = {F, 0, L, IOP_I64_TRUNC_F32_U, 0},
    [0xb0] = {D, 0, L, IOP_I64_TRUNC_F64_S, 0},
    [0xb1] = {D, 0, L, IOP_I64_TRUNC_F64_U, 0},
    [0xb2] = {I, 0, F, IOP_F32_CONVERT_I32_S, 0},
    [0xb3] = {I, 0, F, IOP_F32_CONVERT_I32_U, 0},
    [0xb4] = {L, 0, F, IOP_F32_CONVERT_I64_S, 0},
    [0xb5] = {L, 0, F, IOP_F32_CONVERT_I64_U, 0},
    [0xb6] = {D, 0, F, IOP_F32_DEMOTE_F64, 0},
    [0xb7] = {I, 0, D, IOP_F64_CONVERT_I32_S, 0},
    [0xb8] = {I, 0, D, IOP_F64_CONVERT_I32_U, 0},
    [0xb9] = {L, 0, D, IOP_F64_CONVERT_I64_S, 0},
    [0xba] = {L, 0, D, IOP_F64_CONVERT_I64_U, 0},
    [0xbb] = {F, 0, D, IOP_F64_PROMOTE_F32, 0},
    [0xbc] = {F, 0, I, NOCODE, 0},
    [0xbd] = {D, 0, L, NOCODE, 0},
    [0xbe] = {I, 0, F, NOCODE, 0},
    [0xbf] = {L, 0, D, NOCODE, 0},
    [0xc0] = {I, 0, I, IOP_I32_EXTEND8_S, 0},
    [0xc1] = {I, 0, I, IOP_I32_EXTEND16_S, 0},
    [0xc2] = {L, 0, L, IOP_I64_EXTEND8_S, 0},
    [0xc3] = {L, 0, L, IOP_I64_EXTEND16_S, 0},
    [0xc4] = {L, 0, L, IOP_I64_EXTEND32_S, 0},
};

static const struct numop satops[8] = {
    {F, 0, I, IOP_I32_TRUNC_SAT_F32_S, 0}, {F, 0, I, IOP_I32_TRUNC_SAT_F32_U, 0},
    {D, 0, I, IOP_I32_TRUNC_SAT_F64_S, 0}, {D, 0, I, IOP_I32_TRUNC_SAT_F64_U, 0},
    {F, 0, L, IOP_I64_TRUNC_SAT_F32_S, 0}, {F, 0, L, IOP_I64_TRUNC_SAT_F32_U, 0},
    {D, 0, L, IOP_I64_TRUNC_SAT_F64_S, 0}, {D, 0, L, IOP_I64_TRUNC_SAT_F64_U, 0},
};
#undef I
#undef L
#undef F
#undef D

/* Compare instructions that fuse with br_if, and their negations (for `if`). */
static int fused_branch(uint16_t cmp, bool negate)
{
    static const struct {
        uint16_t cmp, br, br_neg;
    } map[] = {
        {IOP_I32_EQZ, IOP_BR_IF_I32_EQZ, IOP_BR_IF_I32_NEZ},
        {IOP_I32_EQ, IOP_BR_IF_I32_EQ, IOP_BR_IF_I32_NE},
        {IOP_I32_NE, IOP_BR_IF_I32_NE, IOP_BR_IF_I32_EQ},
        {IOP_I32_LT_S, IOP_BR_IF_I32_LT_S, IOP_BR_IF_I32_GE_S},
        {IOP_I32_LT_U, IOP_BR_IF_I32_LT_U, IOP_BR_IF_I32_GE_U},
        {IOP_I32_GT_S, IOP_BR_IF_I32_GT_S, IOP_BR_IF_I32_LE_S},
        {IOP_I32_GT_U, IOP_BR_IF_I32_GT_U, IOP_BR_IF_I32_LE_U},
        {IOP_I32_LE_S, IOP_BR_IF_I32_LE_S, IOP_BR_IF_I32_GT_S},
        {IOP_I32_LE_U, IOP_BR_IF_I32_LE_U, IOP_BR_IF_I32_GT_U},
        {IOP_I32_GE_S, IOP_BR_IF_I32_GE_S, IOP_BR_IF_I32_LT_S},
        {IOP_I32_GE_U, IOP_BR_IF_I32_GE_U, IOP_BR_IF_I32_LT_U},
        {IOP_I32_EQ_I, IOP_BR_IF_I32_EQ_I, IOP_BR_IF_I32_NE_I},
        {IOP_I32_NE_I, IOP_BR_IF_I32_NE_I, IOP_BR_IF_I32_EQ_I},
        {IOP_I32_LT_S_I, IOP_BR_IF_I32_LT_S_I, IOP_BR_IF_I32_GE_S_I},
        {IOP_I32_LT_U_I, IOP_BR_IF_I32_LT_U_I, IOP_BR_IF_I32_GE_U_I},
        {IOP_I32_GT_S_I, IOP_BR_IF_I32_GT_S_I, IOP_BR_IF_I32_LE_S_I},
        {IOP_I32_GT_U_I, IOP_BR_IF_I32_GT_U_I, IOP_BR_IF_I32_LE_U_I},
        {IOP_I32_LE_S_I, IOP_BR_IF_I32_LE_S_I, IOP_BR_IF_I32_GT_S_I},
        {IOP_I32_LE_U_I, IOP_BR_IF_I32_LE_U_I, IOP_BR_IF_I32_GT_U_I},
        {IOP_I32_GE_S_I, IOP_BR_IF_I32_GE_S_I, IOP_BR_IF_I32_LT_S_I},
        {IOP_I32_GE_U_I, IOP_BR_IF_I32_GE_U_I, IOP_BR_IF_I32_LT_U_I},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (map[i].cmp == cmp) {
            return negate ? map[i].br_neg : map[i].br;
        }
    }
    return -1;
}

static int numeric(struct compiler *c, const struct numop *op)
{
    uint32_t pa, pb = NONE;
    int rc;
    if (op->in2) {
        rc = pop(c, op->in2, &pb);
        if (rc == YB_OK) {
            rc = pop(c, op->in1, &pa);
        }
    } else {
        rc = pop(c, op->in1, &pa);
    }
    if (rc) {
        return rc;
    }
    if (op->iop == NOCODE) {
        /* The value keeps its slot (or pending form); only its type changes. */
        if (pa == NONE) {
            push(c, op->out);
        } else {
            struct entry e = c->stack[pa];
            push_entry(c, op->out, e.kind, e.local, e.cval);
        }
        return YB_OK;
    }
    if (!live(c)) {
        push(c, op->out);
        return YB_OK;
    }
    if (op->in2 && op->iop_imm && pb != NONE && c->stack[pb].kind == K_CONST) {
        uint64_t imm = c->stack[pb].cval;
        uint32_t a = src(c, pa);
        uint32_t ins = emit_op(c, op->iop_imm);
        emit(c, a);
        emit(c, imm);
        uint32_t d = push(c, op->out);
        note_dst(c, emit(c, d));
        if (fused_branch(op->iop_imm, false) >= 0) {
            c->cmp_ins = ins;
            c->cmp_iop = op->iop_imm;
        }
        return YB_OK;
    }
    uint32_t a = src(c, pa);
    uint32_t b = op->in2 ? src(c, pb) : 0;
    uint32_t ins = emit_op(c, op->iop);
    emit(c, a);
    if (op->in2) {
        emit(c, b);
    }
    uint32_t d = push(c, op->out);
    note_dst(c, emit(c, d));
    if (fused_branch(op->iop, false) >= 0) {
        c->cmp_ins = ins;
        c->cmp_iop = op->iop;
    }
    return YB_OK;
}

/* ---- the body ---- */

static int read_memarg(struct compiler *c, uint32_t natural, uint32_t *offset)
{
    uint32_t align;
    int rc = vm_read_u32(c->r, &align);
    if (rc == YB_OK) {
        rc = vm_read_u32(c->r, offset);
    }
    if (rc) {
        return rc;
    }
    if (align & 0x40) {
        return fail(c, YB_EWASM_FEATURE, "multi-memory not supported");
    }
    if (c->m->nmems == 0) {
        return invalid(c, "unknown memory 0");
    }
    if (align >= 32 || (1u << align) > natural) {
        return invalid(c, "alignment must not be larger than natural");
    }
    return YB_OK;
}

static int need_memory(struct compiler *c)
{
    if (c->m->nmems == 0) {
        return invalid(c, "unknown memory 0");
    }
    return YB_OK;
}

static int zero_byte(struct compiler *c)
{
    uint8_t b;
    int rc = vm_read_u8(c->r, &b);
    if (rc == YB_OK && b != 0) {
        return vm_read_fail(c->r, "zero byte expected");
    }
    return rc;
}

static int read_index(struct compiler *c, uint32_t limit, const char *what, uint32_t *out)
{
    int rc = vm_read_u32(c->r, out);
    if (rc) {
        return rc;
    }
    if (*out >= limit) {
        char msg[64];
        snprintf(msg, sizeof(msg), "unknown %s %u", what, *out);
        return invalid(c, msg);
    }
    return YB_OK;
}

/* Emit a call whose nparams args are on top of the stack; then push its results. */
static int call_common(struct compiler *c, const struct vm_type *t, enum vm_iop op, uint64_t a1,
                       uint64_t a2, uint32_t index_pos)
{
    uint32_t np = t->nparams;
    for (uint32_t k = np; k-- > 0;) {
        uint32_t pos;
        int rc = pop(c, t->vals[k], &pos);
        if (rc) {
            return rc;
        }
    }
    uint32_t base = c->sp;
    if (live(c)) {
        /* Arguments must sit in consecutive home slots: the callee's frame starts there. */
        for (uint32_t k = 0; k < np; k++) {
            struct entry *e = &c->stack[base + k];
            if (e->kind != K_SLOT) {
                pend(c, e); /* popped entries no longer count; materialize expects it */
                materialize(c, base + k);
            }
        }
        uint32_t idx_slot = 0;
        if (op == IOP_CALL_INDIRECT) {
            idx_slot = index_pos == NONE ? 0 : src(c, index_pos);
        }
        emit_op(c, op);
        emit(c, a1);
        emit(c, home(c, base));
        if (op == IOP_CALL_INDIRECT) {
            emit(c, a2);
            emit(c, idx_slot);
        }
    }
    for (uint32_t k = 0; k < t->nresults; k++) {
        push(c, t->vals[np + k]);
    }
    return YB_OK;
}

static int op_end(struct compiler *c, bool *done)
{
    struct ctl *x = &c->ctls[c->nctl - 1];
    int rc = YB_OK;
    /* The results must be exactly on the stack. */
    for (uint32_t k = x->nresults; k-- > 0;) {
        uint32_t pos;
        rc = pop(c, x->results[k], &pos);
        if (rc) {
            return rc;
        }
    }
    if (c->sp != x->height) {
        return invalid(c, "type mismatch");
    }
    /* Put the results back and into their home slots. */
    for (uint32_t k = 0; k < x->nresults; k++) {
        ensure_stack(c);
        c->sp++;
        struct entry *e = &c->stack[c->sp - 1];
        if (x->unreachable || x->dead || e->type == T_UNKNOWN) {
            *e = (struct entry){.type = x->results[k], .kind = K_SLOT};
        }
        if (e->kind != K_SLOT) {
            pend(c, e);
        }
        c->bytes += type_bytes(e->type);
    }
    if (x->kind == C_IF && x->nparams != x->nresults) {
        return invalid(c, "type mismatch");
    }
    if (x->kind == C_IF) {
        for (uint32_t k = 0; k < x->nparams; k++) {
            if (x->params[k] != x->results[k]) {
                return invalid(c, "type mismatch");
            }
        }
    }
    if (!x->unreachable && !x->dead) {
        materialize_all(c);
    }
    if (x->kind == C_FUNC) {
        resolve_fixups(c, x, c->m->ncode);
        if (!x->unreachable || x->branched) {
            emit_return(c, !x->branched);
        }
        *done = true;
        c->nctl--;
        return YB_OK;
    }
    bool was_unreachable = x->unreachable || x->dead;
    uint32_t here = c->m->ncode;
    /* A metered block that has not got any instruction yet (its GAS was the last thing
     * emitted) simply continues: branches to this end land on that GAS. */
    bool empty_gas = c->gas_cell != NONE && c->gas_cell + 1 == here && c->last_ins + 2 == here &&
                     c->m->code[c->last_ins].op == c->labels[IOP_GAS];
    if (empty_gas) {
        here = c->last_ins;
    }
    if (x->else_fix != NONE) {
        c->m->code[x->else_fix].s = (int64_t)here - (int64_t)x->else_ins;
        c->label_at = here;
    }
    bool join = x->branched || x->else_fix != NONE || x->kind == C_ELSE;
    resolve_fixups(c, x, here);
    c->nctl--;
    if (live(c) && (join || was_unreachable) && !empty_gas) {
        /* Control may arrive from elsewhere: a new metered block. */
        gas_begin(c);
    }
    return YB_OK;
}

static int op_else(struct compiler *c)
{
    struct ctl *x = &c->ctls[c->nctl - 1];
    if (x->kind != C_IF) {
        return invalid(c, "else without if");
    }
    for (uint32_t k = x->nresults; k-- > 0;) {
        uint32_t pos;
        int rc = pop(c, x->results[k], &pos);
        if (rc) {
            return rc;
        }
    }
    if (c->sp != x->height) {
        return invalid(c, "type mismatch");
    }
    bool then_live = !x->unreachable && !x->dead;
    if (then_live) {
        /* The then-branch's results go to the label's slots; jump over the else-branch. */
        for (uint32_t k = 0; k < x->nresults; k++) {
            ensure_stack(c);
            c->sp++;
            if (c->stack[c->sp - 1].kind != K_SLOT) {
                pend(c, &c->stack[c->sp - 1]);
            }
            c->bytes += type_bytes(x->results[k]);
        }
        materialize_all(c);
        uint32_t ins = emit_op(c, IOP_BR);
        add_fixup(c, x, ins, emit(c, 0));
        while (c->sp > x->height) {
            drop_top(c);
        }
    }
    x->kind = C_ELSE;
    x->unreachable = false;
    uint32_t here = c->m->ncode;
    if (x->else_fix != NONE) {
        c->m->code[x->else_fix].s = (int64_t)here - (int64_t)x->else_ins;
        c->label_at = here;
        x->else_fix = NONE;
    }
    for (uint32_t k = 0; k < x->nparams; k++) {
        push(c, x->params[k]);
    }
    if (live(c)) {
        gas_begin(c);
    }
    return YB_OK;
}

static int op_br_if(struct compiler *c, uint32_t depth)
{
    struct ctl *x = NULL;
    uint32_t pc;
    int rc = get_label(c, depth, &x);
    if (rc == YB_OK) {
        rc = pop(c, VM_I32, &pc);
    }
    if (rc == YB_OK) {
        rc = check_label_values(c, x);
    }
    if (rc == YB_OK && !live(c)) {
        /* br_if leaves the label's values typed as the label says, even on a polymorphic
         * stack. */
        uint32_t n = label_arity(x);
        const uint8_t *t = label_types(x);
        for (uint32_t k = n; k-- > 0 && rc == YB_OK;) {
            uint32_t pos;
            rc = pop(c, t[k], &pos);
        }
        for (uint32_t k = 0; k < n && rc == YB_OK; k++) {
            push(c, t[k]);
        }
    }
    if (rc || !live(c)) {
        return rc;
    }
    charge(c, c->m->cfg.op_cost);
    bool moves = branch_needs_moves(c, x);
    if (!moves && c->cmp_ins != NONE && c->last_dst_pos == pc && pc != NONE &&
        c->last_dst == c->cmp_ins + (c->cmp_iop == IOP_I32_EQZ ? 2 : 3)) {
        /* compare + br_if: one instruction. */
        vm_cell *code = c->m->code;
        uint32_t ins = c->cmp_ins;
        uint64_t a = code[ins + 1].u, b = code[ins + 2].u;
        int fused = fused_branch(c->cmp_iop, false);
        bool unary = c->cmp_iop == IOP_I32_EQZ;
        c->m->ncode = ins;
        emit_op(c, (enum vm_iop)fused);
        emit(c, a);
        if (!unary) {
            emit(c, b);
        }
        target(c, x, ins, emit(c, 0));
    } else if (!moves) {
        uint32_t cond = src(c, pc);
        uint32_t ins = emit_op(c, IOP_BR_IF);
        emit(c, cond);
        target(c, x, ins, emit(c, 0));
    } else {
        uint32_t cond = src(c, pc);
        uint32_t ins = emit_op(c, IOP_BR_UNLESS);
        emit(c, cond);
        uint32_t skip = emit(c, 0);
        emit_br(c, x);
        c->m->code[skip].s = (int64_t)c->m->ncode - (int64_t)ins;
    }
    gas_begin(c);
    return YB_OK;
}

static int op_br_table(struct compiler *c)
{
    uint32_t n;
    int rc = vm_read_u32(c->r, &n);
    if (rc) {
        return rc;
    }
    if (n > (size_t)(c->r->end - c->r->p)) {
        return vm_read_fail(c->r, "unexpected end");
    }
    uint32_t *depths = yb_xmalloc((n + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i <= n && rc == YB_OK; i++) {
        rc = vm_read_u32(c->r, &depths[i]);
        if (rc == YB_OK && depths[i] >= c->nctl) {
            rc = invalid(c, "unknown label");
        }
    }
    uint32_t pidx = NONE;
    if (rc == YB_OK) {
        rc = pop(c, VM_I32, &pidx);
    }
    uint32_t arity = 0;
    if (rc == YB_OK) {
        arity = label_arity(&c->ctls[c->nctl - 1 - depths[n]]);
        for (uint32_t i = 0; i <= n && rc == YB_OK; i++) {
            struct ctl *x = &c->ctls[c->nctl - 1 - depths[i]];
            if (label_arity(x) != arity) {
                rc = invalid(c, "type mismatch");
            } else {
                rc = check_label_values(c, x);
            }
        }
    }
    if (rc == YB_OK && live(c)) {
        charge(c, c->m->cfg.op_cost);
        uint32_t idx = src(c, pidx);
        uint32_t ins = emit_op(c, IOP_BR_TABLE);
        emit(c, idx);
        emit(c, n);
        uint32_t first = c->m->ncode;
        for (uint32_t i = 0; i <= n; i++) {
            emit(c, 0);
        }
        for (uint32_t i = 0; i <= n; i++) {
            struct ctl *x = &c->ctls[c->nctl - 1 - depths[i]];
            if (branch_needs_moves(c, x)) {
                c->m->code[first + i].s = (int64_t)c->m->ncode - (int64_t)ins;
                emit_br(c, x);
            } else {
                target(c, x, ins, first + i);
            }
        }
    }
    free(depths);
    if (rc == YB_OK) {
        set_unreachable(c);
    }
    return rc;
}

static bool local_referenced(const struct compiler *c, uint32_t x)
{
    return c->lrefs[x] > 0;
}

static int op_local(struct compiler *c, uint8_t opcode)
{
    uint32_t x;
    int rc = read_index(c, c->nlocals, "local", &x);
    if (rc) {
        return rc;
    }
    uint8_t t = c->locals[x];
    if (opcode == 0x20) {
        push_entry(c, t, live(c) ? K_LOCAL : K_SLOT, x, 0);
        return YB_OK;
    }
    uint32_t pos;
    rc = pop(c, t, &pos);
    if (rc || !live(c)) {
        if (rc == YB_OK && opcode == 0x22) {
            push(c, t);
        }
        return rc;
    }
    struct entry e = c->stack[pos];
    if (e.kind == K_LOCAL && e.local == x) {
        /* local.set x (local.get x): nothing to do. */
    } else if (e.kind == K_SLOT && c->last_dst != NONE && c->last_dst_pos == pos &&
               !local_referenced(c, x)) {
        /* The value was just computed: compute it straight into the local. */
        c->m->code[c->last_dst].u = x;
    } else {
        materialize_local(c, x);
        if (e.kind == K_CONST) {
            emit_op(c, IOP_CONST);
            emit(c, e.cval);
        } else {
            emit_op(c, IOP_MOVE);
            emit(c, e.kind == K_LOCAL ? e.local : home(c, pos));
        }
        emit(c, x);
    }
    c->last_dst = NONE;
    c->cmp_ins = NONE;
    if (opcode == 0x22) {
        push_entry(c, t, K_LOCAL, x, 0);
    }
    return YB_OK;
}

static int op_const(struct compiler *c, uint8_t opcode)
{
    struct vm_reader *r = c->r;
    int rc;
    uint64_t v = 0;
    uint8_t t;
    if (opcode == 0x41) {
        int64_t s;
        rc = vm_read_sleb(r, 32, &s);
        v = (uint32_t)s;
        t = VM_I32;
    } else if (opcode == 0x42) {
        int64_t s;
        rc = vm_read_sleb(r, 64, &s);
        v = (uint64_t)s;
        t = VM_I64;
    } else {
        const uint8_t *p;
        uint32_t n = opcode == 0x43 ? 4 : 8;
        rc = vm_read_bytes(r, n, &p);
        if (rc == YB_OK) {
            memcpy(&v, p, n);
        }
        t = opcode == 0x43 ? VM_F32 : VM_F64;
    }
    if (rc) {
        return rc;
    }
    push_entry(c, t, live(c) ? K_CONST : K_SLOT, 0, v);
    return YB_OK;
}

static int op_prefixed(struct compiler *c)
{
    struct vm_module *m = c->m;
    uint32_t sub;
    int rc = vm_read_u32(c->r, &sub);
    if (rc) {
        return rc;
    }
    if (sub <= 7) {
        rc = feature(c, VM_FEATURE_SAT_FLOAT_TO_INT, "non-trapping float-to-int");
        if (rc == YB_OK) {
            charge(c, m->cfg.op_cost);
            rc = numeric(c, &satops[sub]);
        }
        return rc;
    }
    if (sub > 17) {
        return vm_read_fail(c->r, "illegal opcode");
    }
    if (sub <= 11) {
        rc = feature(c, VM_FEATURE_BULK_MEMORY, "bulk memory");
    } else {
        rc = feature(c,
                     (sub == 12 || sub == 13 || sub == 14) ? VM_FEATURE_BULK_MEMORY
                                                           : VM_FEATURE_REFERENCE_TYPES,
                     sub <= 14 ? "bulk memory" : "reference types");
    }
    if (rc) {
        return rc;
    }
    bool bulk = sub == 8 || sub == 10 || sub == 11 || sub == 12 || sub == 14 || sub == 17;
    if (live(c)) {
        charge(c, bulk ? m->cfg.bulk_base_cost : m->cfg.op_cost);
    }
    uint32_t p1, p2, p3, x = 0, y = 0;
    switch (sub) {
    case 8: /* memory.init */
        if (!m->has_datacount) {
            return vm_fail(c->r->err, YB_EWASM_MALFORMED, "data count section required");
        }
        rc = read_index(c, m->datacount, "data segment", &x);
        if (rc == YB_OK) {
            rc = zero_byte(c);
        }
        if (rc == YB_OK) {
            rc = need_memory(c);
        }
        break;
    case 9: /* data.drop */
        if (!m->has_datacount) {
            return vm_fail(c->r->err, YB_EWASM_MALFORMED, "data count section required");
        }
        rc = read_index(c, m->datacount, "data segment", &x);
        if (rc == YB_OK && live(c)) {
            emit_op(c, IOP_DATA_DROP);
            emit(c, x);
        }
        return rc;
    case 10: /* memory.copy */
        rc = zero_byte(c);
        if (rc == YB_OK) {
            rc = zero_byte(c);
        }
        if (rc == YB_OK) {
            rc = need_memory(c);
        }
        break;
    case 11: /* memory.fill */
        rc = zero_byte(c);
        if (rc == YB_OK) {
            rc = need_memory(c);
        }
        break;
    case 12: /* table.init elem table */
        rc = read_index(c, m->nelems, "elem segment", &x);
        if (rc == YB_OK) {
            rc = read_index(c, m->ntables, "table", &y);
        }
        if (rc == YB_OK && m->elems[x].elemtype != m->tables[y].elemtype) {
            rc = invalid(c, "type mismatch");
        }
        break;
    case 13: /* elem.drop */
        rc = read_index(c, m->nelems, "elem segment", &x);
        if (rc == YB_OK && live(c)) {
            emit_op(c, IOP_ELEM_DROP);
            emit(c, x);
        }
        return rc;
    case 14: /* table.copy dst src */
        rc = read_index(c, m->ntables, "table", &x);
        if (rc == YB_OK) {
            rc = read_index(c, m->ntables, "table", &y);
        }
        if (rc == YB_OK && m->tables[x].elemtype != m->tables[y].elemtype) {
            rc = invalid(c, "type mismatch");
        }
        break;
    case 15: { /* table.grow: ref n -> old */
        rc = read_index(c, m->ntables, "table", &x);
        if (rc == YB_OK) {
            rc = pop(c, VM_I32, &p2);
        }
        if (rc == YB_OK) {
            rc = pop(c, m->tables[x].elemtype, &p1);
        }
        if (rc || !live(c)) {
            if (rc == YB_OK) {
                push(c, VM_I32);
            }
            return rc;
        }
        uint32_t a = src(c, p1), b = src(c, p2);
        emit_op(c, IOP_TABLE_GROW);
        emit(c, x);
        emit(c, a);
        emit(c, b);
        emit(c, push(c, VM_I32));
        return YB_OK;
    }
    case 16: /* table.size */
        rc = read_index(c, m->ntables, "table", &x);
        if (rc == YB_OK) {
            uint32_t d = push(c, VM_I32);
            if (live(c)) {
                emit_op(c, IOP_TABLE_SIZE);
                emit(c, x);
                emit(c, d);
            }
        }
        return rc;
    case 17: /* table.fill: i ref n */
        rc = read_index(c, m->ntables, "table", &x);
        if (rc == YB_OK) {
            rc = pop(c, VM_I32, &p3);
        }
        if (rc == YB_OK) {
            rc = pop(c, m->tables[x].elemtype, &p2);
        }
        if (rc == YB_OK) {
            rc = pop(c, VM_I32, &p1);
        }
        if (rc == YB_OK && live(c)) {
            uint32_t a = src(c, p1), b = src(c, p2), n = src(c, p3);
            emit_op(c, IOP_TABLE_FILL);
            emit(c, x);
            emit(c, a);
            emit(c, b);
            emit(c, n);
        }
        return rc;
    }
    if (rc) {
        return rc;
    }
    /* memory.init / copy / fill, table.init / copy: three i32 operands. */
    rc = pop(c, VM_I32, &p3);
    if (rc == YB_OK) {
        rc = pop(c, VM_I32, &p2);
    }
    if (rc == YB_OK) {
        rc = pop(c, VM_I32, &p1);
    }
    if (rc || !live(c)) {
        return rc;
    }
    uint32_t a = src(c, p1), b = src(c, p2), n = src(c, p3);
    static const uint16_t iops[] = {[8] = IOP_MEM_INIT,
                                    [10] = IOP_MEM_COPY,
                                    [11] = IOP_MEM_FILL,
                                    [12] = IOP_TABLE_INIT,
                                    [14] = IOP_TABLE_COPY};
    emit_op(c, iops[sub]);
    emit(c, x);
    emit(c, y);
    emit(c, a);
    emit(c, b);
    emit(c, n);
    return YB_OK;
}

/* NEAR's max_blocks_per_function / max_blocks_per_contract (prepare v3 counts every block,
 * loop and if): checked as each one is read, so a body far over the limit fails early. */
static int count_block(struct compiler *c)
{
    const struct vm_config *cfg = &c->m->cfg;
    char msg[128];
    c->nblocks++;
    if (c->nblocks > cfg->max_blocks_per_function) {
        snprintf(msg, sizeof(msg), "blocks per function: %u over the limit of %u", c->nblocks,
                 cfg->max_blocks_per_function);
        return fail(c, YB_EWASM_LIMIT, msg);
    }
    uint64_t total = c->m->nblocks + c->nblocks;
    if (total > cfg->max_blocks_per_module) {
        snprintf(msg, sizeof(msg), "blocks per module: %llu over the limit of %u",
                 (unsigned long long)total, cfg->max_blocks_per_module);
        return fail(c, YB_EWASM_LIMIT, msg);
    }
    return YB_OK;
}

static int rejected_opcode(struct compiler *c, uint8_t op)
{
    const char *name = NULL;
    switch (op) {
    case 0xfd:
        name = "SIMD";
        break;
    case 0xfe:
        name = "threads (atomics)";
        break;
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0a:
    case 0x18:
    case 0x19:
    case 0x1f:
        name = "exception handling";
        break;
    case 0x12:
    case 0x13:
        name = "tail calls";
        break;
    case 0x14:
    case 0x15:
    case 0xd3:
    case 0xd4:
    case 0xd5:
    case 0xd6:
        name = "typed function references";
        break;
    case 0xfb:
        name = "GC";
        break;
    default:
        return vm_read_fail(c->r, "illegal opcode");
    }
    char msg[64];
    snprintf(msg, sizeof(msg), "%s not supported", name);
    return fail(c, YB_EWASM_FEATURE, msg);
}

static int body(struct compiler *c)
{
    struct vm_module *m = c->m;
    struct vm_reader *r = c->r;
    const uint64_t op_cost = m->cfg.op_cost;
    bool done = false;
    int rc = YB_OK;
    while (!done) {
        if (r->p >= r->end) {
            return vm_read_fail(r, "unexpected end");
        }
        c->ins_offset = vm_read_offset(r);
        uint8_t op = *r->p++;
        bool was_live = live(c);
        /* Every instruction costs op_cost except block, end and else (and bulk ops, priced in
         * op_prefixed; branches, charged before their block closes). */
        if (was_live && op != 0x02 && op != 0x05 && op != 0x0b && op != 0xfc && op != 0x0c &&
            op != 0x0d && op != 0x0e && op != 0x0f) {
            charge(c, op_cost);
        }
        switch (op) {
        case 0x00: /* unreachable */
            if (was_live) {
                emit_op(c, IOP_UNREACHABLE);
            }
            set_unreachable(c);
            break;
        case 0x01: /* nop */
            break;
        case 0x02:
        case 0x03:
        case 0x04: {
            const uint8_t *pt = NULL, *rt = NULL;
            uint32_t np, nr, pcond = NONE;
            rc = count_block(c);
            if (rc == YB_OK) {
                rc = read_blocktype(c, &pt, &np, &rt, &nr);
            }
            if (rc == YB_OK && op == 0x04) {
                rc = pop(c, VM_I32, &pcond);
            }
            if (rc) {
                return rc;
            }
            uint32_t cond_slot = 0;
            bool fuse = false;
            int fused = -1;
            uint64_t fa = 0, fb = 0;
            bool unary = false;
            if (op == 0x04 && was_live) {
                fuse = c->cmp_ins != NONE && pcond != NONE && c->last_dst_pos == pcond &&
                       c->last_dst == c->cmp_ins + (c->cmp_iop == IOP_I32_EQZ ? 2 : 3);
                if (fuse) {
                    fa = m->code[c->cmp_ins + 1].u;
                    fb = m->code[c->cmp_ins + 2].u;
                    unary = c->cmp_iop == IOP_I32_EQZ;
                    fused = fused_branch(c->cmp_iop, true);
                    m->ncode = c->cmp_ins;
                    c->cmp_ins = NONE;
                } else {
                    cond_slot = src(c, pcond);
                }
            }
            if (was_live) {
                materialize_all(c);
            }
            rc = enter_block(c, op == 0x02 ? C_BLOCK : op == 0x03 ? C_LOOP : C_IF, pt, np, rt, nr);
            if (rc) {
                return rc;
            }
            struct ctl *x = &c->ctls[c->nctl - 1];
            if (!was_live) {
                break;
            }
            if (op == 0x03) {
                x->start = m->ncode;
                c->label_at = m->ncode;
                gas_begin(c);
            } else if (op == 0x04) {
                if (fuse) {
                    x->else_ins = emit_op(c, (enum vm_iop)fused);
                    emit(c, fa);
                    if (!unary) {
                        emit(c, fb);
                    }
                } else {
                    x->else_ins = emit_op(c, IOP_BR_UNLESS);
                    emit(c, cond_slot);
                }
                x->else_fix = emit(c, 0);
                gas_begin(c);
            }
            break;
        }
        case 0x05:
            rc = op_else(c);
            break;
        case 0x0b:
            rc = op_end(c, &done);
            break;
        case 0x0c: { /* br */
            uint32_t d;
            struct ctl *x = NULL;
            rc = vm_read_u32(r, &d);
            if (rc == YB_OK) {
                rc = get_label(c, d, &x);
            }
            if (rc == YB_OK) {
                rc = check_label_values(c, x);
            }
            if (rc) {
                return rc;
            }
            if (was_live) {
                charge(c, op_cost);
                emit_br(c, x);
            }
            set_unreachable(c);
            break;
        }
        case 0x0d: {
            uint32_t d;
            rc = vm_read_u32(r, &d);
            if (rc == YB_OK) {
                rc = op_br_if(c, d);
            }
            break;
        }
        case 0x0e:
            rc = op_br_table(c);
            break;
        case 0x0f: { /* return */
            struct ctl *f = &c->ctls[0];
            rc = check_label_values(c, f);
            if (rc) {
                return rc;
            }
            if (was_live) {
                charge(c, op_cost);
                if (c->sp < c->ctls[c->nctl - 1].height + f->nresults) {
                    return invalid(c, "type mismatch");
                }
                emit_return(c, true);
            }
            set_unreachable(c);
            break;
        }
        case 0x10: { /* call */
            uint32_t fi;
            rc = read_index(c, m->nfuncs, "function", &fi);
            if (rc) {
                return rc;
            }
            const struct vm_type *t = &m->types[m->funcs[fi].type_index];
            if (fi < m->nfunc_imports) {
                rc = call_common(c, t, IOP_CALL_IMPORT, fi, 0, NONE);
            } else {
                rc = call_common(c, t, IOP_CALL, (uint64_t)(uintptr_t)&m->funcs[fi], 0, NONE);
            }
            break;
        }
        case 0x11: { /* call_indirect */
            uint32_t ti, tab = 0, pidx;
            rc = read_index(c, m->ntypes, "type", &ti);
            if (rc) {
                return rc;
            }
            if (m->cfg.features & VM_FEATURE_REFERENCE_TYPES) {
                rc = read_index(c, m->ntables, "table", &tab);
            } else {
                rc = zero_byte(c);
                if (rc == YB_OK && m->ntables == 0) {
                    rc = invalid(c, "unknown table 0");
                }
            }
            if (rc == YB_OK && m->tables[tab].elemtype != VM_FUNCREF) {
                rc = invalid(c, "type mismatch");
            }
            if (rc == YB_OK) {
                rc = pop(c, VM_I32, &pidx);
            }
            if (rc) {
                return rc;
            }
            /* The index sits above the arguments; read it before they are rearranged. */
            uint32_t idx_slot = 0;
            if (was_live && pidx != NONE) {
                idx_slot = src(c, pidx);
            }
            uint64_t packed = (uint64_t)tab << 32 | ti;
            rc = call_common(c, &m->types[ti], IOP_CALL_INDIRECT, packed, 0, NONE);
            if (rc == YB_OK && was_live) {
                /* call_common emitted [op][packed][base][0][0]: fill the index slot. */
                m->code[m->ncode - 1].u = idx_slot;
            }
            break;
        }
        case 0x1a: { /* drop */
            uint32_t pos;
            uint8_t t;
            rc = pop_any(c, T_UNKNOWN, &pos, &t);
            break;
        }
        case 0x1b:
        case 0x1c: { /* select */
            uint8_t want = T_UNKNOWN;
            if (op == 0x1c) {
                uint32_t n;
                rc = vm_read_u32(r, &n);
                if (rc == YB_OK && n != 1) {
                    rc = invalid(c, "invalid result arity");
                }
                if (rc == YB_OK) {
                    rc = vm_compile_valtype(m, r, &want);
                }
                if (rc) {
                    return rc;
                }
            }
            uint32_t pc_, pb, pa;
            uint8_t tb, ta;
            rc = pop(c, VM_I32, &pc_);
            if (rc == YB_OK) {
                rc = pop_any(c, want, &pb, &tb);
            }
            if (rc == YB_OK) {
                rc = pop_any(c, want == T_UNKNOWN ? tb : want, &pa, &ta);
            }
            if (rc) {
                return rc;
            }
            uint8_t t = ta != T_UNKNOWN ? ta : tb;
            if (op == 0x1b && !(is_num(ta) && is_num(tb))) {
                return invalid(c, "type mismatch");
            }
            if (op == 0x1b && ta != T_UNKNOWN && tb != T_UNKNOWN && ta != tb) {
                return invalid(c, "type mismatch");
            }
            if (!was_live) {
                push(c, t);
                break;
            }
            uint32_t sc = src(c, pc_), sb = src(c, pb), sa = src(c, pa);
            emit_op(c, IOP_SELECT);
            emit(c, sc);
            emit(c, sa);
            emit(c, sb);
            uint32_t d = push(c, t);
            note_dst(c, emit(c, d));
            break;
        }
        case 0x20:
        case 0x21:
        case 0x22:
            rc = op_local(c, op);
            break;
        case 0x23: { /* global.get */
            uint32_t g;
            rc = read_index(c, m->nglobals, "global", &g);
            if (rc) {
                return rc;
            }
            uint32_t d = push(c, m->globals[g].valtype);
            if (was_live) {
                emit_op(c, IOP_GLOBAL_GET);
                emit(c, g);
                note_dst(c, emit(c, d));
            }
            break;
        }
        case 0x24: { /* global.set */
            uint32_t g, pos;
            rc = read_index(c, m->nglobals, "global", &g);
            if (rc == YB_OK && !m->globals[g].mutable_) {
                rc = invalid(c, "global is immutable");
            }
            if (rc == YB_OK) {
                rc = pop(c, m->globals[g].valtype, &pos);
            }
            if (rc == YB_OK && was_live) {
                uint32_t s = src(c, pos);
                emit_op(c, IOP_GLOBAL_SET);
                emit(c, g);
                emit(c, s);
            }
            break;
        }
        case 0x25:
        case 0x26: { /* table.get / table.set */
            uint32_t t, pi, pv = NONE;
            rc = feature(c, VM_FEATURE_REFERENCE_TYPES, "reference types");
            if (rc == YB_OK) {
                rc = read_index(c, m->ntables, "table", &t);
            }
            if (rc) {
                return rc;
            }
            uint8_t et = m->tables[t].elemtype;
            if (op == 0x26) {
                rc = pop(c, et, &pv);
            }
            if (rc == YB_OK) {
                rc = pop(c, VM_I32, &pi);
            }
            if (rc) {
                return rc;
            }
            if (!was_live) {
                if (op == 0x25) {
                    push(c, et);
                }
                break;
            }
            uint32_t si = src(c, pi);
            if (op == 0x25) {
                emit_op(c, IOP_TABLE_GET);
                emit(c, t);
                emit(c, si);
                note_dst(c, emit(c, push(c, et)));
            } else {
                uint32_t sv = src(c, pv);
                emit_op(c, IOP_TABLE_SET);
                emit(c, t);
                emit(c, si);
                emit(c, sv);
            }
            break;
        }
        case 0x28:
        case 0x29:
        case 0x2a:
        case 0x2b:
        case 0x2c:
        case 0x2d:
        case 0x2e:
        case 0x2f:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35: { /* loads */
            const struct memop *mo = &memops[op - 0x28];
            uint32_t off, pa;
            rc = read_memarg(c, mo->size, &off);
            if (rc == YB_OK) {
                rc = pop(c, VM_I32, &pa);
            }
            if (rc) {
                return rc;
            }
            if (!was_live) {
                push(c, mo->type);
                break;
            }
            if (c->last_ins != NONE && c->last_ins != c->label_at && c->last_dst_pos == pa &&
                c->last_dst == c->last_ins + 3 &&
                m->code[c->last_ins].op == c->labels[IOP_I32_ADD_I]) {
                /* i32.add with a constant feeding the address: one instruction. */
                uint32_t ins = c->last_ins;
                uint64_t base = m->code[ins + 1].u, imm = m->code[ins + 2].u;
                m->ncode = ins;
                emit_op(c, (enum vm_iop)(IOP_LD32_AI + (mo->iop - IOP_LD32)));
                emit(c, base);
                emit(c, imm);
                emit(c, off);
                note_dst(c, emit(c, push(c, mo->type)));
                break;
            }
            uint32_t a = src(c, pa);
            emit_op(c, mo->iop);
            emit(c, a);
            emit(c, off);
            note_dst(c, emit(c, push(c, mo->type)));
            break;
        }
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39:
        case 0x3a:
        case 0x3b:
        case 0x3c:
        case 0x3d:
        case 0x3e: { /* stores */
            const struct memop *mo = &memops[op - 0x28];
            uint32_t off, pa, pv;
            rc = read_memarg(c, mo->size, &off);
            if (rc == YB_OK) {
                rc = pop(c, mo->type, &pv);
            }
            if (rc == YB_OK) {
                rc = pop(c, VM_I32, &pa);
            }
            if (rc || !was_live) {
                break;
            }
            uint32_t sa = src(c, pa), sv = src(c, pv);
            emit_op(c, mo->iop);
            emit(c, sa);
            emit(c, sv);
            emit(c, off);
            break;
        }
        case 0x3f: /* memory.size */
            rc = zero_byte(c);
            if (rc == YB_OK) {
                rc = need_memory(c);
            }
            if (rc == YB_OK) {
                uint32_t d = push(c, VM_I32);
                if (was_live) {
                    emit_op(c, IOP_MEM_SIZE);
                    emit(c, d);
                }
            }
            break;
        case 0x40: { /* memory.grow */
            uint32_t pa;
            rc = zero_byte(c);
            if (rc == YB_OK) {
                rc = need_memory(c);
            }
            if (rc == YB_OK) {
                rc = pop(c, VM_I32, &pa);
            }
            if (rc) {
                return rc;
            }
            if (!was_live) {
                push(c, VM_I32);
                break;
            }
            uint32_t a = src(c, pa);
            emit_op(c, IOP_MEM_GROW);
            emit(c, a);
            emit(c, push(c, VM_I32));
            break;
        }
        case 0x41:
        case 0x42:
        case 0x43:
        case 0x44:
            rc = op_const(c, op);
            break;
        case 0xd0: { /* ref.null */
            uint8_t t;
            rc = feature(c, VM_FEATURE_REFERENCE_TYPES, "reference types");
            if (rc == YB_OK) {
                rc = vm_read_u8(r, &t);
            }
            if (rc == YB_OK && t != VM_FUNCREF && t != VM_EXTERNREF) {
                rc = vm_read_fail(r, "malformed reference type");
            }
            if (rc == YB_OK) {
                push_entry(c, t, was_live ? K_CONST : K_SLOT, 0, 0);
            }
            break;
        }
        case 0xd1: { /* ref.is_null */
            uint32_t pa;
            uint8_t t;
            rc = feature(c, VM_FEATURE_REFERENCE_TYPES, "reference types");
            if (rc == YB_OK) {
                rc = pop_any(c, T_UNKNOWN, &pa, &t);
            }
            if (rc == YB_OK && !is_ref(t)) {
                rc = invalid(c, "type mismatch");
            }
            if (rc) {
                return rc;
            }
            if (!was_live) {
                push(c, VM_I32);
                break;
            }
            uint32_t a = src(c, pa);
            emit_op(c, IOP_REF_IS_NULL);
            emit(c, a);
            note_dst(c, emit(c, push(c, VM_I32)));
            break;
        }
        case 0xd2: { /* ref.func */
            uint32_t fi;
            rc = feature(c, VM_FEATURE_REFERENCE_TYPES, "reference types");
            if (rc == YB_OK) {
                rc = read_index(c, m->nfuncs, "function", &fi);
            }
            if (rc == YB_OK && !m->func_refs[fi]) {
                rc = invalid(c, "undeclared function reference");
            }
            if (rc) {
                return rc;
            }
            uint32_t d = push(c, VM_FUNCREF);
            if (was_live) {
                emit_op(c, IOP_REF_FUNC);
                emit(c, fi);
                emit(c, d);
            }
            break;
        }
        case 0xfc:
            rc = op_prefixed(c);
            break;
        default:
            if (op >= 0x45 && op <= 0xc4 && numops[op].out) {
                if (op >= 0xc0) {
                    rc = feature(c, VM_FEATURE_SIGN_EXT, "sign-extension operators");
                    if (rc) {
                        return rc;
                    }
                }
                rc = numeric(c, &numops[op]);
            } else {
                rc = rejected_opcode(c, op);
            }
            break;
        }
        if (rc) {
            return rc;
        }
    }
    if (r->p != r->end) {
        return vm_read_fail(r, "section size mismatch");
    }
    return YB_OK;
}

int vm_compile_function(struct vm_module *m, uint32_t func_index, struct vm_reader *r)
{
    struct vm_funcdef *f = &m->funcs[func_index];
    const struct vm_type *t = &m->types[f->type_index];
    struct compiler c = {
        .m = m,
        .r = r,
        .type = t,
        .func_index = func_index,
        .labels = vm_exec_labels(),
        .gas_cell = NONE,
        .last_dst = NONE,
        .cmp_ins = NONE,
        .label_at = NONE,
        .last_ins = NONE,
        .ins_offset = vm_read_offset(r),
    };
    int rc = YB_OK;
    /* Locals: groups of (count, type); the total is capped before anything is allocated. */
    uint32_t ngroups;
    rc = vm_read_u32(r, &ngroups);
    if (rc) {
        return rc;
    }
    const uint8_t *groups = r->p;
    uint64_t total = t->nparams;
    for (uint32_t i = 0; i < ngroups; i++) {
        uint32_t n;
        uint8_t vt;
        rc = vm_read_u32(r, &n);
        if (rc == YB_OK) {
            rc = vm_compile_valtype(m, r, &vt);
        }
        if (rc) {
            return rc;
        }
        total += n; /* at most 2^32 per group: no overflow */
    }
    /* Over 2^32 - 1 in all groups is malformed (binary.wast), even when an early group alone
     * is already over the configured limit; only then is it a limit. */
    if (total > m->cfg.max_locals) {
        return vm_fail(r->err, total > UINT32_MAX ? YB_EWASM_MALFORMED : YB_EWASM_LIMIT,
                       "function %u: too many locals", func_index);
    }
    /* NEAR's max_locals_per_contract counts declared locals only, over all bodies. */
    uint64_t module_locals = m->nlocals_declared + (total - t->nparams);
    if (module_locals > m->cfg.max_locals_per_module) {
        return vm_fail(r->err, YB_EWASM_LIMIT,
                       "function %u: locals per module: %llu over the limit of %u", func_index,
                       (unsigned long long)module_locals, m->cfg.max_locals_per_module);
    }
    m->nlocals_declared = module_locals;
    c.nlocals = (uint32_t)total;
    c.locals = yb_xmalloc(total + 1);
    c.lrefs = yb_xcalloc(total + 1, sizeof(*c.lrefs));
    memcpy(c.locals, t->vals, t->nparams);
    struct vm_reader again = {.p = groups, .end = r->end, .base = r->base, .err = r->err};
    uint32_t at = t->nparams;
    for (uint32_t i = 0; i < ngroups; i++) {
        uint32_t n;
        uint8_t vt;
        vm_read_u32(&again, &n);
        vm_compile_valtype(m, &again, &vt);
        memset(c.locals + at, vt, n);
        at += n;
    }
    f->code_start = m->ncode;
    f->nparams = t->nparams;
    f->nlocals = c.nlocals;
    f->body_offset = vm_read_offset(r);
    push_ctl(&c, C_FUNC, NULL, 0, t->vals + t->nparams, t->nresults);
    gas_begin(&c);
    charge(&c, 0);
    rc = body(&c);
    if (rc == YB_OK) {
        if (c.max_sp > (1u << 20)) {
            rc = vm_fail(r->err, YB_EWASM_LIMIT, "function %u: operand stack too deep", func_index);
        }
        f->frame_slots = c.nlocals + c.max_sp + 1;
        uint64_t bytes = VM_FRAME_BYTES + c.max_bytes;
        for (uint32_t i = 0; i < c.nlocals; i++) {
            bytes += type_bytes(c.locals[i]);
        }
        f->stack_bytes = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
        m->nblocks += c.nblocks;
    }
    free(c.locals);
    free(c.lrefs);
    free(c.stack);
    free(c.ctls);
    free(c.fix);
    return rc;
}

int vm_compile_valtype(const struct vm_module *m, struct vm_reader *r, uint8_t *out)
{
    int rc = vm_read_u8(r, out);
    if (rc) {
        return rc;
    }
    switch (*out) {
    case VM_I32:
    case VM_I64:
    case VM_F32:
    case VM_F64:
        return YB_OK;
    case VM_FUNCREF:
    case VM_EXTERNREF:
        if (!(m->cfg.features & VM_FEATURE_REFERENCE_TYPES)) {
            return vm_fail(r->err, YB_EWASM_FEATURE, "reference types not enabled");
        }
        return YB_OK;
    case 0x7b:
        return vm_fail(r->err, YB_EWASM_FEATURE, "SIMD (v128) not supported");
    default:
        return vm_read_fail(r, "malformed value type");
    }
}

int vm_compile_constexpr(struct vm_module *m, struct vm_reader *r, uint8_t type,
                         uint32_t nglobals_visible, struct vm_constexpr *out)
{
    uint8_t op;
    int rc = vm_read_u8(r, &op);
    if (rc) {
        return rc;
    }
    uint8_t got;
    out->op = op;
    out->value = 0;
    switch (op) {
    case 0x41: {
        int64_t v;
        rc = vm_read_sleb(r, 32, &v);
        out->value = (uint32_t)v;
        got = VM_I32;
        break;
    }
    case 0x42: {
        int64_t v;
        rc = vm_read_sleb(r, 64, &v);
        out->value = (uint64_t)v;
        got = VM_I64;
        break;
    }
    case 0x43:
    case 0x44: {
        const uint8_t *p;
        uint32_t n = op == 0x43 ? 4 : 8;
        rc = vm_read_bytes(r, n, &p);
        if (rc == YB_OK) {
            memcpy(&out->value, p, n);
        }
        got = op == 0x43 ? VM_F32 : VM_F64;
        break;
    }
    case 0xd0:
        rc = vm_read_u8(r, &got);
        if (rc == YB_OK && got != VM_FUNCREF && got != VM_EXTERNREF) {
            rc = vm_read_fail(r, "malformed reference type");
        }
        break;
    case 0xd2: {
        uint32_t fi;
        rc = vm_read_u32(r, &fi);
        if (rc == YB_OK && fi >= m->nfuncs) {
            return vm_fail(r->err, YB_EWASM_INVALID, "unknown function %u", fi);
        }
        if (rc == YB_OK) {
            m->func_refs[fi] = true;
        }
        out->value = fi;
        got = VM_FUNCREF;
        break;
    }
    case 0x23: {
        uint32_t g;
        rc = vm_read_u32(r, &g);
        if (rc) {
            return rc;
        }
        if (g >= nglobals_visible || g >= m->nglobals) {
            return vm_fail(r->err, YB_EWASM_INVALID, "unknown global %u", g);
        }
        if (m->globals[g].mutable_) {
            return vm_fail(r->err, YB_EWASM_INVALID, "constant expression required");
        }
        out->value = g;
        got = m->globals[g].valtype;
        break;
    }
    default:
        if ((op >= 0x45 && op <= 0xc4) || op == 0x20 || op == 0x24 || op == 0x00 || op == 0x01 ||
            op == 0x0b || op == 0x1a || op == 0x10) {
            return vm_fail(r->err, YB_EWASM_INVALID, "constant expression required");
        }
        return vm_read_fail(r, "illegal opcode");
    }
    if (rc) {
        return rc;
    }
    uint8_t end;
    rc = vm_read_u8(r, &end);
    if (rc) {
        return rc;
    }
    if (end != 0x0b) {
        return vm_fail(r->err, YB_EWASM_INVALID, "constant expression required");
    }
    if (got != type) {
        return vm_fail(r->err, YB_EWASM_INVALID, "type mismatch");
    }
    return YB_OK;
}
