/*
 * spec.c — the spec-script runner (see spec.h).
 *
 * One script = one vm_store holding the `spectest` objects and every module the script
 * instantiates; named modules (`"name": "$M"`) and registered ones (`register ... as "M"`) are
 * looked up by the import resolver, so later modules link against earlier instances exactly as
 * the reference interpreter does. A module that fails to instantiate leaves no current module:
 * the commands after it fail with a message that points back to it instead of crashing.
 */
#define _GNU_SOURCE /* memmem */
#include "spec.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "mem.h"
#include "spec_value.h"
#include "vm.h"

/* Longest description of an action or value list kept for a failure message. */
#define SPEC_DESC_MAX 512
/* print x7, global_* x4, table, memory. */
#define SPEC_SPECTEST_EXPORTS 13

/* A name bound to an instance: "$M" from a module command, or "M" from register. */
struct spec_binding {
    char *name;
    struct vm_instance *inst;
};

struct spec_bindings {
    struct spec_binding *items;
    size_t len;
    size_t cap;
};

struct spec_host {
    const char *name;
    struct vm_extern ext;
};

struct spec_ctx {
    const char *script; /* file name for messages */
    char *dir;          /* where the .wasm files are */
    FILE *out;
    bool verbose;
    bool strict;
    struct spec_counts *counts;
    struct vm_config cfg;
    struct vm_store *store;
    struct vm_instance *current;
    int current_line;    /* line of the last module command */
    bool current_broken; /* that module did not instantiate */
    struct spec_bindings named;
    struct spec_bindings registered;
    struct spec_host spectest[SPEC_SPECTEST_EXPORTS];
    size_t nspectest;
    /* UTF-8 of the private-use character standing for NUL in names (see spec_protect_nul);
     * empty when the script has no \u0000. */
    char nul_stand_in[4];
};

/* ---- messages ---- */

static void spec_fail(struct spec_ctx *c, int line, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void spec_fail(struct spec_ctx *c, int line, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    c->counts->failed++;
    fprintf(c->out, "%s:%d: %s: ", c->script, line, cmd);
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
    fputc('\n', c->out);
}

static void spec_pass(struct spec_ctx *c, int line, const char *cmd, const char *what)
{
    c->counts->passed++;
    if (c->verbose) {
        fprintf(c->out, "%s:%d: %s: ok %s\n", c->script, line, cmd, what);
    }
}

/* ---- JSON values ---- */

static const char *spec_json_str(const cJSON *obj, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

static int spec_json_line(const cJSON *cmd)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(cmd, "line");
    return cJSON_IsNumber(j) ? j->valueint : 0;
}

/* ---- the spectest host module ---- */

static int spec_print(struct vm_call *call, void *ctx, const union vm_value *args,
                      union vm_value *results)
{
    /* The reference interpreter prints; the scripts only check that calls link and return. */
    return YB_OK;
}

static int spec_add_print(struct spec_ctx *c, const char *name, const uint8_t *params,
                          uint32_t nparams)
{
    struct vm_functype t = {.nparams = nparams, .nresults = 0, .params = params, .results = NULL};
    struct spec_host *h = &c->spectest[c->nspectest];
    int err = vm_func_new_host(c->store, &t, spec_print, NULL, &h->ext.u.func);
    if (err == YB_OK) {
        h->name = name;
        h->ext.kind = VM_EXTERN_FUNC;
        c->nspectest++;
    }
    return err;
}

static int spec_add_global(struct spec_ctx *c, const char *name, uint8_t type, union vm_value v)
{
    struct spec_host *h = &c->spectest[c->nspectest];
    int err = vm_global_new(c->store, type, false, v, &h->ext.u.global);
    if (err == YB_OK) {
        h->name = name;
        h->ext.kind = VM_EXTERN_GLOBAL;
        c->nspectest++;
    }
    return err;
}

/* The objects of the reference interpreter's `spectest` module (wasm-spec/README.md). */
static int spec_make_spectest(struct spec_ctx *c)
{
    static const uint8_t i32[] = {VM_I32}, i64[] = {VM_I64}, f32[] = {VM_F32}, f64[] = {VM_F64};
    static const uint8_t i32_f32[] = {VM_I32, VM_F32}, f64_f64[] = {VM_F64, VM_F64};
    union vm_value v;
    struct spec_host *h;
    int err = YB_OK;

    err = err ? err : spec_add_print(c, "print", NULL, 0);
    err = err ? err : spec_add_print(c, "print_i32", i32, 1);
    err = err ? err : spec_add_print(c, "print_i64", i64, 1);
    err = err ? err : spec_add_print(c, "print_f32", f32, 1);
    err = err ? err : spec_add_print(c, "print_f64", f64, 1);
    err = err ? err : spec_add_print(c, "print_i32_f32", i32_f32, 2);
    err = err ? err : spec_add_print(c, "print_f64_f64", f64_f64, 2);
    memset(&v, 0, sizeof(v));
    v.i32 = 666;
    err = err ? err : spec_add_global(c, "global_i32", VM_I32, v);
    v.i64 = 666;
    err = err ? err : spec_add_global(c, "global_i64", VM_I64, v);
    memset(&v, 0, sizeof(v));
    v.f32 = 666.6f;
    err = err ? err : spec_add_global(c, "global_f32", VM_F32, v);
    v.f64 = 666.6;
    err = err ? err : spec_add_global(c, "global_f64", VM_F64, v);
    if (err != YB_OK) {
        return err;
    }
    h = &c->spectest[c->nspectest];
    err =
        vm_table_new(c->store, VM_FUNCREF,
                     (struct vm_limits){.min = 10, .max = 20, .has_max = true}, 0, &h->ext.u.table);
    if (err != YB_OK) {
        return err;
    }
    h->name = "table";
    h->ext.kind = VM_EXTERN_TABLE;
    c->nspectest++;
    h = &c->spectest[c->nspectest];
    err = vm_memory_new(c->store, (struct vm_limits){.min = 1, .max = 2, .has_max = true},
                        &h->ext.u.memory);
    if (err != YB_OK) {
        return err;
    }
    h->name = "memory";
    h->ext.kind = VM_EXTERN_MEMORY;
    c->nspectest++;
    return YB_OK;
}

/* ---- name bindings ---- */

static void spec_bind(struct spec_bindings *b, const char *name, struct vm_instance *inst)
{
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->items = yb_xrealloc(b->items, b->cap * sizeof(*b->items));
    }
    b->items[b->len].name = yb_xstrdup(name);
    b->items[b->len].inst = inst;
    b->len++;
}

/* The latest binding of name wins, as a later (module $M ...) shadows an earlier one. */
static struct vm_instance *spec_lookup(const struct spec_bindings *b, const char *name)
{
    for (size_t i = b->len; i > 0; i--) {
        if (strcmp(b->items[i - 1].name, name) == 0) {
            return b->items[i - 1].inst;
        }
    }
    return NULL;
}

static void spec_bindings_free(struct spec_bindings *b)
{
    for (size_t i = 0; i < b->len; i++) {
        free(b->items[i].name);
    }
    free(b->items);
    memset(b, 0, sizeof(*b));
}

static int spec_resolve(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                        const struct vm_externtype *type, struct vm_extern *out)
{
    struct spec_ctx *c = ctx;
    struct vm_instance *inst;
    if (strcmp(module_name, "spectest") == 0) {
        for (size_t i = 0; i < c->nspectest; i++) {
            if (strcmp(c->spectest[i].name, name) == 0) {
                *out = c->spectest[i].ext;
                return YB_OK;
            }
        }
        return YB_ENOTFOUND;
    }
    inst = spec_lookup(&c->registered, module_name);
    if (inst == NULL) {
        return YB_ENOTFOUND;
    }
    return vm_instance_export(inst, name, out);
}

/* ---- files ---- */

int spec_read_file(const char *path, size_t max, uint8_t **data, size_t *len)
{
    struct yb_buf b;
    uint8_t chunk[65536];
    size_t n;
    int err = YB_OK;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return YB_EIO;
    }
    yb_buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        err = yb_buf_append(&b, chunk, n);
        if (err != YB_OK) {
            break;
        }
    }
    if (err == YB_OK && ferror(f)) {
        err = YB_EIO;
    }
    fclose(f);
    if (err != YB_OK) {
        yb_buf_fini(&b);
        return err;
    }
    *data = yb_buf_steal(&b, len);
    return YB_OK;
}

/* Loads the module file a command names. On failure *err says why (file or engine). */
static int spec_load(struct spec_ctx *c, const char *filename, struct vm_module **out,
                     struct vm_error *err)
{
    char path[4096];
    uint8_t *code = NULL;
    size_t len = 0;
    int rc;
    memset(err, 0, sizeof(*err));
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", c->dir, filename) >= sizeof(path)) {
        snprintf(err->msg, sizeof(err->msg), "path too long");
        return err->code = YB_ETOOBIG;
    }
    rc = spec_read_file(path, SPEC_MAX_MODULE_BYTES, &code, &len);
    if (rc != YB_OK) {
        snprintf(err->msg, sizeof(err->msg), "cannot read %s/%s: %s", c->dir, filename,
                 yb_err_str(rc));
        return err->code = rc;
    }
    rc = vm_module_load(&c->cfg, code, len, out, err);
    free(code);
    if (rc != YB_OK && err->msg[0] == '\0') {
        snprintf(err->msg, sizeof(err->msg), "%s", yb_err_str(rc));
    }
    return rc;
}

static void spec_describe_trap(char *dst, size_t cap, int rc, const struct vm_trap *t)
{
    const char *kind = vm_trap_kind_str(t->kind);
    bool detail = t->msg[0] != '\0' && strcmp(t->msg, kind) != 0;
    if (rc == YB_EWASM_TRAP || rc == YB_EOUT_OF_GAS) {
        snprintf(dst, cap, "trap \"%s\"%s%s%s in function %" PRIu32 " at offset 0x%" PRIx32, kind,
                 detail ? " (" : "", detail ? t->msg : "", detail ? ")" : "", t->func_index,
                 t->offset);
    } else {
        snprintf(dst, cap, "error %s", yb_err_name(rc));
    }
}

/* Does a trap carry the spec's message? The spec text is a prefix of the reference
 * interpreter's message ("uninitialized element 2" for "uninitialized element"), so the
 * engine's kind wording or its detailed message must start with it. */
static bool spec_trap_matches(const struct vm_trap *t, const char *expected)
{
    size_t n = strlen(expected);
    return strncmp(vm_trap_kind_str(t->kind), expected, n) == 0 ||
           strncmp(t->msg, expected, n) == 0;
}

/* ---- actions ---- */

struct spec_action {
    const char *type;   /* "invoke" or "get" */
    const char *module; /* "$M" or NULL for the current module */
    const char *field;  /* printable form of the name, for messages */
    char *name;         /* the exact name bytes (returned; free) */
    size_t name_len;
    struct spec_value *args;
    uint32_t nargs;
    char desc[SPEC_DESC_MAX];
};

/* The exact bytes of a name from the script: the NUL stand-in turned back into NUL. */
static char *spec_name_bytes(const struct spec_ctx *c, const char *s, size_t *len)
{
    size_t n = strlen(s);
    size_t k = strlen(c->nul_stand_in);
    char *out = yb_xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        if (k > 0 && strncmp(s + i, c->nul_stand_in, k) == 0) {
            out[j++] = '\0';
            i += k;
        } else {
            out[j++] = s[i++];
        }
    }
    out[j] = '\0';
    *len = j;
    return out;
}

/* A name for a message: control bytes (and NUL) as \xNN, the rest as it is. */
static void spec_append_name(char *dst, size_t cap, const char *name, size_t len)
{
    char one[8];
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
            snprintf(one, sizeof(one), "\\x%02x", ch);
        } else {
            one[0] = (char)ch;
            one[1] = '\0';
        }
        spec_value_text_append(dst, cap, one);
    }
}

static int spec_parse_action(const struct spec_ctx *c, const cJSON *cmd, struct spec_action *a)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(cmd, "action");
    int err;
    memset(a, 0, sizeof(*a));
    if (!cJSON_IsObject(j)) {
        return YB_EJSON_MISSING;
    }
    a->type = spec_json_str(j, "type");
    a->module = spec_json_str(j, "module");
    a->field = spec_json_str(j, "field");
    if (a->type == NULL || a->field == NULL) {
        return YB_EJSON_MISSING;
    }
    a->name = spec_name_bytes(c, a->field, &a->name_len);
    err = spec_value_parse_list(cJSON_GetObjectItemCaseSensitive(j, "args"), &a->args, &a->nargs);
    if (err != YB_OK) {
        return err;
    }
    snprintf(a->desc, sizeof(a->desc), "%s %s%s\"", a->type, a->module ? a->module : "",
             a->module ? "." : "");
    spec_append_name(a->desc, sizeof(a->desc), a->name, a->name_len);
    spec_value_text_append(a->desc, sizeof(a->desc), "\"(");
    for (uint32_t i = 0; i < a->nargs; i++) {
        if (i > 0) {
            spec_value_text_append(a->desc, sizeof(a->desc), ", ");
        }
        spec_value_describe_expected(a->desc, sizeof(a->desc), &a->args[i]);
    }
    spec_value_text_append(a->desc, sizeof(a->desc), ")");
    return YB_OK;
}

/* The outcome of running an action. */
struct spec_outcome {
    int rc;                      /* YB_OK, YB_EWASM_TRAP, YB_EOUT_OF_GAS, or a runner problem */
    char problem[SPEC_DESC_MAX]; /* runner-side reason when rc is neither OK nor a trap */
    struct vm_trap trap;
    uint8_t *types; /* result types (returned; free) */
    union vm_value *results;
    uint32_t nresults;
};

static void spec_outcome_free(struct spec_outcome *o)
{
    free(o->types);
    free(o->results);
}

static struct vm_instance *spec_target(struct spec_ctx *c, const char *module, char *problem,
                                       size_t cap)
{
    struct vm_instance *inst;
    if (module != NULL) {
        inst = spec_lookup(&c->named, module);
        if (inst == NULL) {
            snprintf(problem, cap, "no module named %s (did it fail to instantiate?)", module);
        }
        return inst;
    }
    if (c->current == NULL) {
        if (c->current_broken) {
            snprintf(problem, cap, "no current module: the module at line %d did not instantiate",
                     c->current_line);
        } else {
            snprintf(problem, cap, "no current module");
        }
    }
    return c->current;
}

static void spec_run_action(struct spec_ctx *c, const struct spec_action *a, struct spec_outcome *o)
{
    struct vm_instance *inst;
    struct vm_extern ext;
    struct vm_functype ft;
    union vm_value *args;

    memset(o, 0, sizeof(*o));
    o->rc = YB_EINVAL;
    inst = spec_target(c, a->module, o->problem, sizeof(o->problem));
    if (inst == NULL) {
        return;
    }
    if (vm_instance_export_n(inst, a->name, a->name_len, &ext) != YB_OK) {
        snprintf(o->problem, sizeof(o->problem), "no such export");
        return;
    }
    if (strcmp(a->type, "get") == 0) {
        if (ext.kind != VM_EXTERN_GLOBAL) {
            snprintf(o->problem, sizeof(o->problem), "the export is not a global");
            return;
        }
        o->types = yb_xmalloc(1);
        o->results = yb_xcalloc(1, sizeof(*o->results));
        o->types[0] = vm_global_valtype(ext.u.global);
        vm_global_get(ext.u.global, &o->results[0]);
        o->nresults = 1;
        o->rc = YB_OK;
        return;
    }
    if (strcmp(a->type, "invoke") != 0) {
        snprintf(o->problem, sizeof(o->problem), "unknown action type \"%s\"", a->type);
        return;
    }
    if (ext.kind != VM_EXTERN_FUNC) {
        snprintf(o->problem, sizeof(o->problem), "the export is not a function");
        return;
    }
    vm_func_type(ext.u.func, &ft);
    if (ft.nparams != a->nargs) {
        snprintf(o->problem, sizeof(o->problem),
                 "function takes %" PRIu32 " params, script gives %" PRIu32, ft.nparams, a->nargs);
        return;
    }
    if (ft.nresults > SPEC_MAX_VALUES) {
        snprintf(o->problem, sizeof(o->problem), "function has %" PRIu32 " results (runner cap %d)",
                 ft.nresults, SPEC_MAX_VALUES);
        return;
    }
    args = yb_xcalloc((size_t)a->nargs + 1, sizeof(*args));
    for (uint32_t i = 0; i < a->nargs; i++) {
        if (ft.params[i] != a->args[i].type) {
            snprintf(o->problem, sizeof(o->problem), "param %" PRIu32 " is %s, script gives %s", i,
                     spec_value_type_name(ft.params[i]), spec_value_type_name(a->args[i].type));
            free(args);
            return;
        }
        args[i] = spec_value_to_vm(&a->args[i]);
    }
    o->nresults = ft.nresults;
    o->types = yb_xmalloc((size_t)ft.nresults + 1);
    if (ft.nresults > 0) {
        memcpy(o->types, ft.results, ft.nresults);
    }
    o->results = yb_xcalloc((size_t)ft.nresults + 1, sizeof(*o->results));
    o->rc = vm_func_call(c->store, ext.u.func, args, a->nargs, o->results, o->nresults, &o->trap);
    if (o->rc != YB_OK && o->rc != YB_EWASM_TRAP && o->rc != YB_EOUT_OF_GAS) {
        snprintf(o->problem, sizeof(o->problem), "vm_func_call returned %s", yb_err_name(o->rc));
    }
    free(args);
}

/* ---- commands ---- */

static void spec_cmd_module(struct spec_ctx *c, const cJSON *cmd, int line)
{
    const char *filename = spec_json_str(cmd, "filename");
    const char *name = spec_json_str(cmd, "name");
    struct vm_module *m = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;
    struct vm_trap trap;
    char what[SPEC_DESC_MAX];
    int rc;

    c->current = NULL;
    c->current_line = line;
    c->current_broken = true;
    if (filename == NULL) {
        spec_fail(c, line, "module", "command has no filename");
        return;
    }
    rc = spec_load(c, filename, &m, &err);
    if (rc != YB_OK) {
        spec_fail(c, line, "module", "%s: expected to load, got %s: %s", filename, yb_err_name(rc),
                  err.msg);
        return;
    }
    memset(&err, 0, sizeof(err));
    memset(&trap, 0, sizeof(trap));
    rc = vm_instance_new(c->store, m, spec_resolve, c, &inst, &err, &trap);
    vm_module_release(m);
    if (rc != YB_OK) {
        spec_describe_trap(what, sizeof(what), rc, &trap);
        spec_fail(c, line, "module", "%s: expected to instantiate, got %s: %s", filename,
                  rc == YB_EWASM_TRAP || rc == YB_EOUT_OF_GAS ? what : yb_err_name(rc), err.msg);
        return;
    }
    c->current = inst;
    c->current_broken = false;
    if (name != NULL) {
        spec_bind(&c->named, name, inst);
    }
    spec_pass(c, line, "module", filename);
}

static void spec_cmd_register(struct spec_ctx *c, const cJSON *cmd, int line)
{
    const char *as = spec_json_str(cmd, "as");
    char problem[SPEC_DESC_MAX] = "";
    struct vm_instance *inst = spec_target(c, spec_json_str(cmd, "name"), problem, sizeof(problem));
    if (as == NULL) {
        spec_fail(c, line, "register", "command has no \"as\"");
        return;
    }
    if (inst == NULL) {
        spec_fail(c, line, "register", "as \"%s\": %s", as, problem);
        return;
    }
    spec_bind(&c->registered, as, inst);
    spec_pass(c, line, "register", as);
}

/* action and assert_return: the call must return normally with exactly the expected values. */
static void spec_cmd_return(struct spec_ctx *c, const cJSON *cmd, int line, const char *kind)
{
    struct spec_action a;
    struct spec_value *expected = NULL;
    uint32_t nexpected = 0;
    struct spec_outcome o;
    char what[SPEC_DESC_MAX];
    char got[SPEC_DESC_MAX] = "";
    char want[SPEC_DESC_MAX] = "";
    bool ok = true;
    int err;

    err = spec_parse_action(c, cmd, &a);
    if (err == YB_OK) {
        err = spec_value_parse_list(cJSON_GetObjectItemCaseSensitive(cmd, "expected"), &expected,
                                    &nexpected);
    }
    if (err != YB_OK) {
        spec_fail(c, line, kind, "unreadable command (%s)", yb_err_name(err));
        free(a.args);
        free(a.name);
        return;
    }
    spec_run_action(c, &a, &o);
    if (o.rc == YB_EWASM_TRAP || o.rc == YB_EOUT_OF_GAS) {
        spec_describe_trap(what, sizeof(what), o.rc, &o.trap);
        spec_fail(c, line, kind, "%s: expected a return, got %s", a.desc, what);
        goto out;
    }
    if (o.rc != YB_OK) {
        spec_fail(c, line, kind, "%s: %s", a.desc, o.problem);
        goto out;
    }
    /* A plain `action` has no expectations in wast2json's output beyond returning. */
    if (strcmp(kind, "action") == 0) {
        spec_pass(c, line, kind, a.desc);
        goto out;
    }
    ok = o.nresults == nexpected;
    for (uint32_t i = 0; i < o.nresults; i++) {
        if (i > 0) {
            spec_value_text_append(got, sizeof(got), ", ");
        }
        spec_value_describe(got, sizeof(got), o.types[i], o.results[i]);
        if (i < nexpected && !spec_value_matches(&expected[i], o.types[i], o.results[i])) {
            ok = false;
        }
    }
    for (uint32_t i = 0; i < nexpected; i++) {
        if (i > 0) {
            spec_value_text_append(want, sizeof(want), ", ");
        }
        spec_value_describe_expected(want, sizeof(want), &expected[i]);
    }
    if (ok) {
        spec_pass(c, line, kind, a.desc);
    } else {
        spec_fail(c, line, kind, "%s: expected (%s), got (%s)", a.desc, want, got);
    }
out:
    spec_outcome_free(&o);
    free(a.args);
    free(a.name);
    free(expected);
}

/* assert_trap and assert_exhaustion on an action: the call must trap with the spec's text. */
static void spec_cmd_trap(struct spec_ctx *c, const cJSON *cmd, int line, const char *kind)
{
    struct spec_action a;
    struct spec_outcome o;
    const char *text = spec_json_str(cmd, "text");
    char what[SPEC_DESC_MAX];
    char got[SPEC_DESC_MAX] = "";
    int err = spec_parse_action(c, cmd, &a);

    if (err != YB_OK || text == NULL) {
        spec_fail(c, line, kind, "unreadable command (%s)", err ? yb_err_name(err) : "no text");
        free(a.args);
        free(a.name);
        return;
    }
    spec_run_action(c, &a, &o);
    if (o.rc == YB_OK) {
        for (uint32_t i = 0; i < o.nresults; i++) {
            if (i > 0) {
                spec_value_text_append(got, sizeof(got), ", ");
            }
            spec_value_describe(got, sizeof(got), o.types[i], o.results[i]);
        }
        spec_fail(c, line, kind, "%s: expected trap \"%s\", returned (%s)", a.desc, text, got);
    } else if (o.rc != YB_EWASM_TRAP && o.rc != YB_EOUT_OF_GAS) {
        spec_fail(c, line, kind, "%s: %s", a.desc, o.problem);
    } else if (!spec_trap_matches(&o.trap, text)) {
        spec_describe_trap(what, sizeof(what), o.rc, &o.trap);
        spec_fail(c, line, kind, "%s: expected trap \"%s\", got %s", a.desc, text, what);
    } else {
        spec_pass(c, line, kind, a.desc);
    }
    spec_outcome_free(&o);
    free(a.args);
    free(a.name);
}

/* assert_invalid and assert_malformed: a binary module must fail to load. */
static void spec_cmd_bad_module(struct spec_ctx *c, const cJSON *cmd, int line, const char *kind)
{
    const char *filename = spec_json_str(cmd, "filename");
    const char *type = spec_json_str(cmd, "module_type");
    const char *text = spec_json_str(cmd, "text");
    struct vm_module *m = NULL;
    struct vm_error err;
    int rc;

    if (type != NULL && strcmp(type, "text") == 0) {
        /* The engine reads the binary format only; the text format is wast2json's business. */
        c->counts->skipped++;
        if (c->verbose) {
            fprintf(c->out, "%s:%d: %s: skipped (text format)\n", c->script, line, kind);
        }
        return;
    }
    if (filename == NULL) {
        spec_fail(c, line, kind, "command has no filename");
        return;
    }
    rc = spec_load(c, filename, &m, &err);
    if (rc == YB_OK) {
        vm_module_release(m);
        spec_fail(c, line, kind, "%s: expected load to fail (\"%s\"), but it loaded", filename,
                  text ? text : "");
        return;
    }
    if (rc == YB_EIO || rc == YB_ETOOBIG) {
        spec_fail(c, line, kind, "%s: %s", filename, err.msg);
        return;
    }
    if (c->strict) {
        int want = strcmp(kind, "assert_malformed") == 0 ? YB_EWASM_MALFORMED : YB_EWASM_INVALID;
        if (rc != want) {
            spec_fail(c, line, kind, "%s: expected %s (\"%s\"), got %s: %s", filename,
                      yb_err_name(want), text ? text : "", yb_err_name(rc), err.msg);
            return;
        }
    }
    if (c->verbose) {
        fprintf(c->out, "%s:%d: %s: ok %s rejected (%s): %s (spec: \"%s\")\n", c->script, line,
                kind, filename, yb_err_name(rc), err.msg, text ? text : "");
    }
    c->counts->passed++;
}

/* assert_unlinkable (must fail with a link error) and assert_uninstantiable (must trap). */
static void spec_cmd_no_instance(struct spec_ctx *c, const cJSON *cmd, int line, const char *kind,
                                 bool want_trap)
{
    const char *filename = spec_json_str(cmd, "filename");
    const char *text = spec_json_str(cmd, "text");
    struct vm_module *m = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;
    struct vm_trap trap;
    char what[SPEC_DESC_MAX];
    int rc;

    if (filename == NULL || text == NULL) {
        spec_fail(c, line, kind, "command has no filename or text");
        return;
    }
    rc = spec_load(c, filename, &m, &err);
    if (rc != YB_OK) {
        spec_fail(c, line, kind, "%s: expected to load, got %s: %s", filename, yb_err_name(rc),
                  err.msg);
        return;
    }
    memset(&err, 0, sizeof(err));
    memset(&trap, 0, sizeof(trap));
    rc = vm_instance_new(c->store, m, spec_resolve, c, &inst, &err, &trap);
    vm_module_release(m);
    spec_describe_trap(what, sizeof(what), rc, &trap);
    if (rc == YB_OK) {
        spec_fail(c, line, kind, "%s: expected %s \"%s\", but it instantiated", filename,
                  want_trap ? "a trap" : "a link error", text);
    } else if (want_trap && rc != YB_EWASM_TRAP) {
        spec_fail(c, line, kind, "%s: expected trap \"%s\", got %s: %s", filename, text, what,
                  err.msg);
    } else if (want_trap && !spec_trap_matches(&trap, text)) {
        spec_fail(c, line, kind, "%s: expected trap \"%s\", got %s", filename, text, what);
    } else if (!want_trap && rc != YB_EWASM_LINK) {
        spec_fail(c, line, kind, "%s: expected link error \"%s\", got %s: %s", filename, text,
                  yb_err_name(rc), err.msg);
    } else {
        if (c->verbose) {
            fprintf(c->out, "%s:%d: %s: ok %s: %s (spec: \"%s\")\n", c->script, line, kind,
                    filename, want_trap ? what : err.msg, text);
        }
        c->counts->passed++;
    }
}

static void spec_command(struct spec_ctx *c, const cJSON *cmd)
{
    const char *type = spec_json_str(cmd, "type");
    int line = spec_json_line(cmd);
    if (type == NULL) {
        spec_fail(c, line, "?", "command without a type");
    } else if (strcmp(type, "module") == 0) {
        spec_cmd_module(c, cmd, line);
    } else if (strcmp(type, "register") == 0) {
        spec_cmd_register(c, cmd, line);
    } else if (strcmp(type, "action") == 0 || strcmp(type, "assert_return") == 0) {
        spec_cmd_return(c, cmd, line, type);
    } else if (strcmp(type, "assert_trap") == 0 || strcmp(type, "assert_exhaustion") == 0) {
        spec_cmd_trap(c, cmd, line, type);
    } else if (strcmp(type, "assert_invalid") == 0 || strcmp(type, "assert_malformed") == 0) {
        spec_cmd_bad_module(c, cmd, line, type);
    } else if (strcmp(type, "assert_unlinkable") == 0) {
        spec_cmd_no_instance(c, cmd, line, type, false);
    } else if (strcmp(type, "assert_uninstantiable") == 0) {
        spec_cmd_no_instance(c, cmd, line, type, true);
    } else {
        spec_fail(c, line, type, "unknown command type");
    }
}

/* ---- scripts ---- */

/* Export names may contain NUL (names.json), which a C string from cJSON cannot hold. Before
 * parsing, every \u0000 escape is rewritten in place to \uXXXX of a private-use character
 * that the script does not otherwise contain; spec_name_bytes turns it back into NUL. */
static void spec_protect_nul(struct spec_ctx *c, char *text, size_t len)
{
    static const struct {
        const char *hex;
        const char *upper;
        const char *utf8;
    } stand_ins[] = {
        {"e000", "E000", "\xee\x80\x80"},
        {"e001", "E001", "\xee\x80\x81"},
        {"f8ff", "F8FF", "\xef\xa3\xbf"},
    };
    size_t pick = sizeof(stand_ins) / sizeof(stand_ins[0]);
    char esc[7];

    if (memmem(text, len, "\\u0000", 6) == NULL) {
        return;
    }
    for (size_t k = 0; k < sizeof(stand_ins) / sizeof(stand_ins[0]); k++) {
        bool used = memmem(text, len, stand_ins[k].utf8, 3) != NULL;
        snprintf(esc, sizeof(esc), "\\u%s", stand_ins[k].hex);
        used = used || memmem(text, len, esc, 6) != NULL;
        snprintf(esc, sizeof(esc), "\\u%s", stand_ins[k].upper);
        used = used || memmem(text, len, esc, 6) != NULL;
        if (!used) {
            pick = k;
            break;
        }
    }
    if (pick == sizeof(stand_ins) / sizeof(stand_ins[0])) {
        return; /* no free stand-in: such names then fail visibly */
    }
    memcpy(c->nul_stand_in, stand_ins[pick].utf8, 3);
    c->nul_stand_in[3] = '\0';
    for (size_t i = 0; i + 5 < len; i++) {
        if (text[i] != '\\') {
            continue;
        }
        if (text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0) {
            memcpy(text + i + 2, stand_ins[pick].hex, 4);
        }
        i++; /* the escaped character is never the start of another escape */
    }
}

int spec_run_file(const char *json_path, const struct spec_options *opt, struct spec_counts *counts)
{
    struct spec_ctx c;
    uint8_t *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    const cJSON *cmds;
    const cJSON *cmd;
    const char *slash = strrchr(json_path, '/');
    int err;

    memset(&c, 0, sizeof(c));
    c.script = slash ? slash + 1 : json_path;
    c.dir = slash ? yb_xstrndup(json_path, (size_t)(slash - json_path)) : yb_xstrdup(".");
    c.out = opt->out;
    c.verbose = opt->verbose;
    c.strict = opt->strict;
    c.counts = counts;
    vm_config_default(&c.cfg);

    err = spec_read_file(json_path, SPEC_MAX_SCRIPT_BYTES, &text, &len);
    if (err != YB_OK) {
        spec_fail(&c, 0, "script", "cannot read %s: %s", json_path, yb_err_str(err));
        goto out;
    }
    spec_protect_nul(&c, (char *)text, len);
    root = cJSON_ParseWithLength((const char *)text, len);
    cmds = cJSON_GetObjectItemCaseSensitive(root, "commands");
    if (root == NULL || !cJSON_IsArray(cmds)) {
        err = root == NULL ? YB_EJSON : YB_EJSON_MISSING;
        spec_fail(&c, 0, "script", "%s is not a wast2json script (%s)", json_path, yb_err_str(err));
        goto out;
    }
    err = vm_store_new(&c.cfg, &c.store);
    if (err == YB_OK) {
        err = spec_make_spectest(&c);
    }
    if (err != YB_OK) {
        spec_fail(&c, 0, "script", "cannot set up the store and spectest module: %s",
                  yb_err_str(err));
        goto out;
    }
    cJSON_ArrayForEach(cmd, cmds)
    {
        spec_command(&c, cmd);
    }
out:
    vm_store_free(c.store);
    spec_bindings_free(&c.named);
    spec_bindings_free(&c.registered);
    cJSON_Delete(root);
    free(text);
    free(c.dir);
    return err;
}
