/*
 * test_imports.c — checks every built contract against what NEAR accepts at deploy/call time
 * (reference/wasm.md §4, nep519.md §6):
 *  - every import comes from module `env`, is a function, and is one of NEAR's host functions
 *    with nearcore's exact signature (deprecated storage iterators count as errors);
 *  - no start function; a memory is defined and exported as "memory";
 *  - the contract's methods are exported as functions of type () -> ().
 * It reads the binary itself (a few sections, with LEB128 and bounds checks); the module-level
 * validation of instructions is the separate wasm-validate test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if !defined(YB_CONTRACTS_DIR) || !defined(YB_CONTRACT_FIXTURES_DIR)
#error "YB_CONTRACTS_DIR and YB_CONTRACT_FIXTURES_DIR must be defined by the build"
#endif

#define MAX_WASM   (4u << 20)
#define MAX_TYPES  256
#define MAX_PARAMS 16
#define MAX_FUNCS  4096
#define MAX_NAME   128

/* ---- NEAR's host functions (nearcore imports.rs; all i64 except abort and gas) ---- */

enum vt { I64 = 0x7E, I32 = 0x7F, NONE = 0 };

struct host_fn {
    const char *name;
    int nparams;
    enum vt param; /* every parameter has this type */
    enum vt result;
    int deprecated;
};

static const struct host_fn host_fns[] = {
    {"read_register", 2, I64, NONE, 0},
    {"register_len", 1, I64, I64, 0},
    {"write_register", 3, I64, NONE, 0},
    {"current_account_id", 1, I64, NONE, 0},
    {"chain_id", 1, I64, NONE, 0},
    {"signer_account_id", 1, I64, NONE, 0},
    {"signer_account_pk", 1, I64, NONE, 0},
    {"predecessor_account_id", 1, I64, NONE, 0},
    {"refund_to_account_id", 1, I64, NONE, 0},
    {"input", 1, I64, NONE, 0},
    {"block_index", 0, I64, I64, 0},
    {"block_timestamp", 0, I64, I64, 0},
    {"epoch_height", 0, I64, I64, 0},
    {"storage_usage", 0, I64, I64, 0},
    {"current_contract_code", 1, I64, I64, 0},
    {"account_balance", 1, I64, NONE, 0},
    {"account_locked_balance", 1, I64, NONE, 0},
    {"attached_deposit", 1, I64, NONE, 0},
    {"prepaid_gas", 0, I64, I64, 0},
    {"used_gas", 0, I64, I64, 0},
    {"random_seed", 1, I64, NONE, 0},
    {"sha256", 3, I64, NONE, 0},
    {"keccak256", 3, I64, NONE, 0},
    {"keccak512", 3, I64, NONE, 0},
    {"ripemd160", 3, I64, NONE, 0},
    {"ecrecover", 7, I64, I64, 0},
    {"ed25519_verify", 6, I64, I64, 0},
    {"p256_verify", 6, I64, I64, 0},
    {"alt_bn128_g1_multiexp", 3, I64, NONE, 0},
    {"alt_bn128_g1_sum", 3, I64, NONE, 0},
    {"alt_bn128_pairing_check", 2, I64, I64, 0},
    {"bls12381_p1_sum", 3, I64, I64, 0},
    {"bls12381_p2_sum", 3, I64, I64, 0},
    {"bls12381_g1_multiexp", 3, I64, I64, 0},
    {"bls12381_g2_multiexp", 3, I64, I64, 0},
    {"bls12381_map_fp_to_g1", 3, I64, I64, 0},
    {"bls12381_map_fp2_to_g2", 3, I64, I64, 0},
    {"bls12381_pairing_check", 2, I64, I64, 0},
    {"bls12381_p1_decompress", 3, I64, I64, 0},
    {"bls12381_p2_decompress", 3, I64, I64, 0},
    {"value_return", 2, I64, NONE, 0},
    {"panic", 0, I64, NONE, 0},
    {"panic_utf8", 2, I64, NONE, 0},
    {"log_utf8", 2, I64, NONE, 0},
    {"log_utf16", 2, I64, NONE, 0},
    {"abort", 4, I32, NONE, 0},
    {"gas", 1, I32, NONE, 0},
    {"promise_create", 8, I64, I64, 0},
    {"promise_then", 9, I64, I64, 0},
    {"promise_and", 2, I64, I64, 0},
    {"promise_batch_create", 2, I64, I64, 0},
    {"promise_batch_then", 3, I64, I64, 0},
    {"promise_set_refund_to", 3, I64, NONE, 0},
    {"promise_batch_action_create_account", 1, I64, NONE, 0},
    {"promise_batch_action_deploy_contract", 3, I64, NONE, 0},
    {"promise_batch_action_deploy_global_contract", 3, I64, NONE, 0},
    {"promise_batch_action_deploy_global_contract_by_account_id", 3, I64, NONE, 0},
    {"promise_batch_action_use_global_contract", 3, I64, NONE, 0},
    {"promise_batch_action_use_global_contract_by_account_id", 3, I64, NONE, 0},
    {"promise_batch_action_state_init", 4, I64, I64, 0},
    {"promise_batch_action_state_init_by_account_id", 4, I64, I64, 0},
    {"set_state_init_data_entry", 6, I64, NONE, 0},
    {"promise_batch_action_function_call", 7, I64, NONE, 0},
    {"promise_batch_action_function_call_weight", 8, I64, NONE, 0},
    {"promise_batch_action_transfer", 2, I64, NONE, 0},
    {"promise_batch_action_stake", 4, I64, NONE, 0},
    {"promise_batch_action_add_key_with_full_access", 4, I64, NONE, 0},
    {"promise_batch_action_add_key_with_function_call", 9, I64, NONE, 0},
    {"promise_batch_action_delete_key", 3, I64, NONE, 0},
    {"promise_batch_action_delete_account", 3, I64, NONE, 0},
    {"promise_batch_action_transfer_to_gas_key", 4, I64, NONE, 0},
    {"promise_batch_action_add_gas_key_with_full_access", 4, I64, NONE, 0},
    {"promise_batch_action_add_gas_key_with_function_call", 9, I64, NONE, 0},
    {"promise_yield_create", 7, I64, I64, 0},
    {"promise_yield_create_with_id", 9, I64, I64, 0},
    {"promise_yield_resume", 4, I64, I32, 0},
    {"promise_yield_resume_with_yield_id", 4, I64, I32, 0},
    {"promise_results_count", 0, I64, I64, 0},
    {"promise_result", 2, I64, I64, 0},
    {"promise_return", 1, I64, NONE, 0},
    {"storage_write", 5, I64, I64, 0},
    {"storage_read", 3, I64, I64, 0},
    {"storage_remove", 3, I64, I64, 0},
    {"storage_has_key", 2, I64, I64, 0},
    {"storage_iter_prefix", 2, I64, I64, 1},
    {"storage_iter_range", 4, I64, I64, 1},
    {"storage_iter_next", 3, I64, I64, 1},
    {"validator_stake", 3, I64, NONE, 0},
    {"validator_total_stake", 1, I64, NONE, 0},
};

static const struct host_fn *host_fn_find(const char *name)
{
    for (size_t i = 0; i < sizeof host_fns / sizeof host_fns[0]; i++) {
        if (strcmp(host_fns[i].name, name) == 0) {
            return &host_fns[i];
        }
    }
    return NULL;
}

/* ---- a minimal reader of the sections we check ---- */

struct rd {
    const uint8_t *p;
    size_t n;
    size_t i;
    int bad;
};

static uint8_t rd_byte(struct rd *r)
{
    if (r->i >= r->n) {
        r->bad = 1;
        return 0;
    }
    return r->p[r->i++];
}

static uint32_t rd_u32(struct rd *r)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        uint8_t b = rd_byte(r);
        v |= (uint32_t)(b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
            return v;
        }
    }
    r->bad = 1;
    return 0;
}

static void rd_name(struct rd *r, char out[MAX_NAME])
{
    uint32_t len = rd_u32(r);
    if (len >= MAX_NAME || len > r->n - r->i) {
        r->bad = 1;
        out[0] = '\0';
        return;
    }
    memcpy(out, r->p + r->i, len);
    out[len] = '\0';
    r->i += len;
}

static void rd_limits(struct rd *r)
{
    uint8_t flags = rd_byte(r);
    rd_u32(r);
    if (flags & 1) {
        rd_u32(r);
    }
}

struct functype {
    int nparams;
    uint8_t params[MAX_PARAMS];
    int nresults;
    uint8_t result;
};

struct module {
    uint8_t *bytes;
    size_t size;
    struct functype types[MAX_TYPES];
    uint32_t ntypes;
    uint32_t func_type[MAX_FUNCS]; /* imported functions first, then defined ones */
    uint32_t nfuncs;
    uint32_t nimported_funcs;
    uint32_t ndefined_memories;
    int has_start;
    int memory_exported;
    char exports[64][MAX_NAME];
    uint32_t export_func[64];
    uint32_t nexports;
    char error[256]; /* the first rule violation found, or "" */
};

/* Records a rule violation (the first one wins) and returns -1. */
__attribute__((format(printf, 2, 3))) static int violation(struct module *m, const char *fmt, ...)
{
    if (m->error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->error, sizeof m->error, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void load_file(const char *dir, const char *name, struct module *m)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s (is the yb_contracts target built?)", path);
    }
    m->bytes = malloc(MAX_WASM);
    assert_non_null(m->bytes);
    m->size = fread(m->bytes, 1, MAX_WASM, f);
    fclose(f);
    assert_true(m->size > 8 && m->size < MAX_WASM);
}

static void parse_types(struct rd *r, struct module *m)
{
    m->ntypes = rd_u32(r);
    assert_true(m->ntypes <= MAX_TYPES);
    for (uint32_t t = 0; t < m->ntypes && !r->bad; t++) {
        struct functype *ft = &m->types[t];
        assert_int_equal(rd_byte(r), 0x60);
        uint32_t np = rd_u32(r);
        assert_true(np <= MAX_PARAMS);
        ft->nparams = (int)np;
        for (uint32_t k = 0; k < np; k++) {
            ft->params[k] = rd_byte(r);
        }
        uint32_t nr = rd_u32(r);
        /* Multi-value results are rejected by NEAR. */
        assert_true(nr <= 1);
        ft->nresults = (int)nr;
        ft->result = nr == 1 ? rd_byte(r) : 0;
    }
}

/* Reads the import section and checks each import against NEAR's host functions. */
static void parse_imports(struct rd *r, struct module *m, const char *contract)
{
    uint32_t count = rd_u32(r);
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        char module[MAX_NAME];
        char field[MAX_NAME];
        uint32_t type = 0;
        rd_name(r, module);
        rd_name(r, field);
        uint8_t kind = rd_byte(r);
        switch (kind) {
        case 0: /* function */
            type = rd_u32(r);
            assert_true(type < m->ntypes);
            assert_true(m->nfuncs < MAX_FUNCS);
            m->func_type[m->nfuncs++] = type;
            m->nimported_funcs++;
            break;
        case 1: /* table */
            rd_byte(r);
            rd_limits(r);
            break;
        case 2: /* memory */
            rd_limits(r);
            break;
        case 3: /* global */
            rd_byte(r);
            rd_byte(r);
            break;
        default:
            r->bad = 1;
            return;
        }
        if (strcmp(module, "env") != 0) {
            violation(m, "%s: import %s.%s is not from module env", contract, module, field);
            continue;
        }
        if (kind != 0) {
            violation(m, "%s: import env.%s is not a function (kind %u)", contract, field, kind);
            continue;
        }
        const struct host_fn *h = host_fn_find(field);
        if (h == NULL) {
            violation(m, "%s: env.%s is not a NEAR host function", contract, field);
            continue;
        }
        if (h->deprecated) {
            violation(m, "%s: env.%s is deprecated (a host error on NEAR)", contract, field);
        }
        const struct functype *ft = &m->types[type];
        int ok = ft->nparams == h->nparams && ft->nresults == (h->result == NONE ? 0 : 1) &&
                 (h->result == NONE || ft->result == h->result);
        for (int p = 0; p < ft->nparams && ok; p++) {
            ok = ft->params[p] == h->param;
        }
        if (!ok) {
            violation(m, "%s: env.%s has a signature other than nearcore's", contract, field);
        }
    }
}

static void parse_functions(struct rd *r, struct module *m)
{
    uint32_t count = rd_u32(r);
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        assert_true(m->nfuncs < MAX_FUNCS);
        m->func_type[m->nfuncs++] = rd_u32(r);
    }
}

static void parse_memories(struct rd *r, struct module *m)
{
    uint32_t count = rd_u32(r);
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        rd_limits(r);
    }
    m->ndefined_memories += count;
}

static void parse_exports(struct rd *r, struct module *m)
{
    uint32_t count = rd_u32(r);
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        char name[MAX_NAME];
        rd_name(r, name);
        uint8_t kind = rd_byte(r);
        uint32_t index = rd_u32(r);
        if (kind == 2 && strcmp(name, "memory") == 0) {
            m->memory_exported = 1;
        }
        if (kind == 0) {
            assert_true(m->nexports < 64);
            snprintf(m->exports[m->nexports], MAX_NAME, "%s", name);
            m->export_func[m->nexports] = index;
            m->nexports++;
        }
    }
}

static void parse_module(const char *dir, const char *contract, struct module *m)
{
    static const uint8_t header[8] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    memset(m, 0, sizeof *m);
    load_file(dir, contract, m);
    assert_memory_equal(m->bytes, header, 8);
    struct rd r = {.p = m->bytes, .n = m->size, .i = 8};
    while (r.i < r.n && !r.bad) {
        uint8_t id = rd_byte(&r);
        uint32_t len = rd_u32(&r);
        assert_true(!r.bad && len <= r.n - r.i);
        struct rd s = {.p = m->bytes + r.i, .n = len, .i = 0};
        switch (id) {
        case 1:
            parse_types(&s, m);
            break;
        case 2:
            parse_imports(&s, m, contract);
            break;
        case 3:
            parse_functions(&s, m);
            break;
        case 5:
            parse_memories(&s, m);
            break;
        case 7:
            parse_exports(&s, m);
            break;
        case 8:
            m->has_start = 1;
            break;
        default:
            break;
        }
        assert_false(s.bad);
        r.i += len;
    }
    assert_false(r.bad);
}

/* Checks module `name` in dir; returns NULL if it follows every rule, else the first
 * violation (a static buffer). */
static const char *check_module(const char *dir, const char *name, const char *const *methods)
{
    static char error[256];
    struct module *m = calloc(1, sizeof *m);
    assert_non_null(m);
    parse_module(dir, name, m);
    if (m->has_start) {
        violation(m, "%s: has a start function (NEAR runs none)", name);
    }
    if (m->ndefined_memories != 1) {
        violation(m, "%s: defines %u memories, not one", name, m->ndefined_memories);
    }
    if (!m->memory_exported) {
        violation(m, "%s: memory is not exported as \"memory\"", name);
    }
    for (size_t i = 0; methods[i] != NULL; i++) {
        int found = 0;
        for (uint32_t e = 0; e < m->nexports; e++) {
            if (strcmp(m->exports[e], methods[i]) == 0) {
                found = 1;
            }
        }
        if (!found) {
            violation(m, "%s: method %s is not exported", name, methods[i]);
        }
    }
    /* Every exported function is a method: NEAR calls it with no arguments and no result. */
    for (uint32_t e = 0; e < m->nexports; e++) {
        uint32_t f = m->export_func[e];
        assert_true(f < m->nfuncs && m->func_type[f] < m->ntypes);
        const struct functype *ft = &m->types[m->func_type[f]];
        if (ft->nparams != 0 || ft->nresults != 0) {
            violation(m, "%s: export %s is not of type () -> ()", name, m->exports[e]);
        }
    }
    const char *result = NULL;
    if (m->error[0] != '\0') {
        snprintf(error, sizeof error, "%s", m->error);
        result = error;
    }
    free(m->bytes);
    free(m);
    return result;
}

static void check_contract(const char *name, const char *const *methods)
{
    const char *error = check_module(YB_CONTRACTS_DIR, name, methods);
    if (error != NULL) {
        fail_msg("%s", error);
    }
}

static void assistant_imports_and_methods(void **state)
{
    static const char *const methods[] = {"init",
                                          "request",
                                          "ask_assistant",
                                          "get_pending_requests",
                                          "list_requests",
                                          "get_request",
                                          "respond",
                                          "return_external_response",
                                          "add_oracle",
                                          "remove_oracle",
                                          "get_oracles",
                                          "get_config",
                                          NULL};
    (void)state;
    check_contract("assistant", methods);
}

static void counter_imports_and_methods(void **state)
{
    static const char *const methods[] = {"increment", "decrement",  "get",        "get_num",
                                          "reset",     "set_status", "get_status", NULL};
    (void)state;
    check_contract("counter", methods);
}

static void xcc_imports_and_methods(void **state)
{
    static const char *const methods[] = {"call", "join", "on_results", "echo", "fail", NULL};
    (void)state;
    check_contract("xcc", methods);
}

static void yield_echo_imports_and_methods(void **state)
{
    static const char *const methods[] = {"yield",
                                          "resume",
                                          "yield_and_resume",
                                          "create_with_id",
                                          "resume_with_id",
                                          "resume_oversized",
                                          "resume_malformed",
                                          "resume_with_id_malformed",
                                          "last_data_id",
                                          "on_resume",
                                          NULL};
    (void)state;
    check_contract("yield_echo", methods);
}

/* The checker rejects what NEAR rejects: each fixture in data/ (compiled by wat2wasm) breaks
 * exactly one rule, and the message must name it. */
static void expect_violation(const char *fixture, const char *const *methods, const char *needle)
{
    const char *error = check_module(YB_CONTRACT_FIXTURES_DIR, fixture, methods);
    if (error == NULL) {
        fail_msg("fixture %s passed the checks; expected \"%s\"", fixture, needle);
    }
    if (strstr(error, needle) == NULL) {
        fail_msg("fixture %s: got \"%s\", expected \"%s\"", fixture, error, needle);
    }
}

static const char *const no_methods[] = {NULL};
static const char *const method_go[] = {"go", NULL};

static void rejects_import_from_wasi(void **state)
{
    (void)state;
    expect_violation("bad_wasi_import", no_methods, "is not from module env");
}

static void rejects_unknown_host_function(void **state)
{
    (void)state;
    expect_violation("bad_unknown_import", no_methods, "env.storage_peek is not a NEAR host");
}

static void rejects_i32_storage_read(void **state)
{
    (void)state;
    expect_violation("bad_signature", no_methods, "env.storage_read has a signature");
}

static void rejects_deprecated_iterator(void **state)
{
    (void)state;
    expect_violation("bad_deprecated", no_methods, "env.storage_iter_prefix is deprecated");
}

static void rejects_imported_memory(void **state)
{
    (void)state;
    expect_violation("bad_memory_import", no_methods, "env.memory is not a function");
}

static void rejects_start_function(void **state)
{
    (void)state;
    expect_violation("bad_start", no_methods, "has a start function");
}

static void rejects_method_with_params(void **state)
{
    (void)state;
    expect_violation("bad_method_type", method_go, "export go is not of type () -> ()");
}

static void rejects_missing_method(void **state)
{
    (void)state;
    expect_violation("good_minimal", method_go, "method go is not exported");
}

static void accepts_minimal_module(void **state)
{
    static const char *const methods[] = {"hello", NULL};
    (void)state;
    assert_null(check_module(YB_CONTRACT_FIXTURES_DIR, "good_minimal", methods));
}

/* The host-function table itself: names are unique, so a lookup cannot hit a stale duplicate. */
static void host_function_table_has_unique_names(void **state)
{
    size_t n = sizeof host_fns / sizeof host_fns[0];
    (void)state;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            assert_string_not_equal(host_fns[i].name, host_fns[j].name);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_function_table_has_unique_names),
        cmocka_unit_test(accepts_minimal_module),
        cmocka_unit_test(rejects_import_from_wasi),
        cmocka_unit_test(rejects_unknown_host_function),
        cmocka_unit_test(rejects_i32_storage_read),
        cmocka_unit_test(rejects_deprecated_iterator),
        cmocka_unit_test(rejects_imported_memory),
        cmocka_unit_test(rejects_start_function),
        cmocka_unit_test(rejects_method_with_params),
        cmocka_unit_test(rejects_missing_method),
        cmocka_unit_test(assistant_imports_and_methods),
        cmocka_unit_test(counter_imports_and_methods),
        cmocka_unit_test(xcc_imports_and_methods),
        cmocka_unit_test(yield_echo_imports_and_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
