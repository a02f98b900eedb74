/*
 * env.c — host-function wrappers (see env.h).
 */
#include "env.h"

#include "libc.h"

#include "alloc.h"
#include "near.h"

uint8_t *env_register(uint64_t reg, size_t *len)
{
    uint64_t n = near_register_len(reg);
    if (n == UINT64_MAX) {
        *len = 0;
        return NULL;
    }
    uint8_t *p = alloc_bytes((size_t)n + 1);
    near_read_register(reg, NEAR_PTR(p));
    p[n] = 0;
    *len = (size_t)n;
    return p;
}

uint8_t *env_register_max(uint64_t reg, size_t max, size_t *len)
{
    uint64_t n = near_register_len(reg);
    if (n != UINT64_MAX && n > max) {
        *len = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
        return NULL;
    }
    return env_register(reg, len);
}

uint8_t *env_input(size_t *len)
{
    near_input(ENV_SCRATCH_REGISTER);
    uint8_t *p = env_register(ENV_SCRATCH_REGISTER, len);
    return p != NULL ? p : alloc_zeroed(1);
}

char *env_current_account(size_t *len)
{
    near_current_account_id(ENV_SCRATCH_REGISTER);
    return (char *)env_register(ENV_SCRATCH_REGISTER, len);
}

char *env_predecessor(size_t *len)
{
    near_predecessor_account_id(ENV_SCRATCH_REGISTER);
    return (char *)env_register(ENV_SCRATCH_REGISTER, len);
}

char *env_signer(size_t *len)
{
    near_signer_account_id(ENV_SCRATCH_REGISTER);
    return (char *)env_register(ENV_SCRATCH_REGISTER, len);
}

bool env_is_self_call(void)
{
    size_t cn;
    size_t pn;
    char *cur = env_current_account(&cn);
    char *pred = env_predecessor(&pn);
    return cn == pn && memcmp(cur, pred, cn) == 0;
}

void env_require_self_call(const char *method)
{
    if (!env_is_self_call()) {
        env_panic3("Method ", method, " is private");
    }
}

void env_require_no_deposit(const char *method)
{
    uint8_t deposit[16];
    near_attached_deposit(NEAR_PTR(deposit));
    if ((libc_load_u64le(deposit) | libc_load_u64le(deposit + 8)) != 0) {
        env_panic3("Method ", method, " doesn't accept deposit");
    }
}

void env_panic(const char *msg, size_t n)
{
    near_panic_utf8(n, NEAR_PTR(msg));
}

void env_panic_z(const char *msg)
{
    env_panic(msg, strlen(msg));
}

void env_panic3(const char *a, const char *b, const char *c)
{
    size_t an = strlen(a);
    size_t bn = b != NULL ? strlen(b) : 0;
    size_t cn = c != NULL ? strlen(c) : 0;
    char *m = alloc_bytes(an + bn + cn);
    memcpy(m, a, an);
    if (bn > 0) {
        memcpy(m + an, b, bn);
    }
    if (cn > 0) {
        memcpy(m + an + bn, c, cn);
    }
    env_panic(m, an + bn + cn);
}

void env_log(const char *s, size_t n)
{
    near_log_utf8(n, NEAR_PTR(s));
}

void env_log_z(const char *s)
{
    env_log(s, strlen(s));
}

/* NEAR's max_total_log_length: one event line can never be longer. */
#define ENV_LOG_MAX 16384

void env_event_start(struct jw *w, const char *head, size_t head_len)
{
    /* One byte of the limit stays free for the closing brace env_event_log adds. */
    jw_init_prefixed(w, ENV_LOG_MAX - 1, head, head_len);
}

void env_event_log(struct jw *w)
{
    size_t n;
    const char *text = env_json_finish(w, "event log", &n);
    /* The data value is complete; the object the head opened closes in the NUL's place (the
     * line is passed with its length). */
    char *line = (char *)text;
    line[n] = '}';
    env_log(line, n + 1);
}

void env_log_event(const char *standard, const char *version, const char *event, const char *data,
                   size_t data_len)
{
    struct jw w;
    size_t prefix = sizeof ENV_EVENT_PREFIX - 1;
    jw_init_prefixed(&w, ENV_LOG_MAX, ENV_EVENT_PREFIX, prefix);
    jw_object_begin(&w);
    jw_key_lit(&w, "standard");
    jw_string(&w, standard, strlen(standard));
    jw_key_lit(&w, "version");
    jw_string(&w, version, strlen(version));
    jw_key_lit(&w, "event");
    jw_string(&w, event, strlen(event));
    jw_key_lit(&w, "data");
    jw_raw(&w, data, data_len);
    jw_object_end(&w);
    size_t n;
    const char *line = env_json_finish(&w, "event log", &n);
    env_log(line, n);
}

uint8_t *env_storage_get(const void *key, size_t key_len, size_t *value_len)
{
    if (near_storage_read(key_len, NEAR_PTR(key), ENV_SCRATCH_REGISTER) == 0) {
        *value_len = 0;
        return NULL;
    }
    return env_register(ENV_SCRATCH_REGISTER, value_len);
}

bool env_storage_set(const void *key, size_t key_len, const void *value, size_t value_len)
{
    return near_storage_write(key_len, NEAR_PTR(key), value_len, NEAR_PTR(value),
                              ENV_SCRATCH_REGISTER) == 1;
}

bool env_storage_remove(const void *key, size_t key_len)
{
    return near_storage_remove(key_len, NEAR_PTR(key), ENV_SCRATCH_REGISTER) == 1;
}

bool env_storage_has(const void *key, size_t key_len)
{
    return near_storage_has_key(key_len, NEAR_PTR(key)) == 1;
}

uint64_t env_storage_get_u64(const void *key, size_t key_len, uint64_t dflt)
{
    size_t n;
    uint8_t *v = env_storage_get(key, key_len, &n);
    if (v == NULL) {
        return dflt;
    }
    if (n != 8) {
        env_panic_z("storage: a u64 value is not 8 bytes");
    }
    return libc_load_u64le(v);
}

void env_storage_set_u64(const void *key, size_t key_len, uint64_t v)
{
    uint8_t le[8];
    libc_store_u64le(le, v);
    env_storage_set(key, key_len, le, sizeof le);
}

void env_return(const void *p, size_t n)
{
    near_value_return(n, NEAR_PTR(p));
}

void env_return_z(const char *s)
{
    env_return(s, strlen(s));
}

const char *env_json_finish(struct jw *w, const char *what, size_t *len)
{
    const char *out;
    int rc = jw_finish(w, &out, len);
    if (rc == YB_ETOOBIG) {
        env_panic3(what, ": JSON over its size cap", NULL);
    }
    if (rc != YB_OK) {
        env_panic3(what, ": cannot encode JSON", NULL);
    }
    return out;
}

void env_return_json(struct jw *w)
{
    size_t n;
    const char *out = env_json_finish(w, "result", &n);
    env_return(out, n);
}
