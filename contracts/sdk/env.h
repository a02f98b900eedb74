/*
 * env.h — convenient wrappers over the NEAR host functions (near.h) for C contracts.
 *
 * Byte results come back in buffers from the bump allocator (alloc.h), which live until the
 * call ends; callers never free them. Register ENV_SCRATCH_REGISTER is used as scratch by every
 * helper, so its content does not survive a helper call. Host errors (limits, view-call
 * prohibitions) abort the call as described in near.h. wasm32 only; single-threaded.
 */
#ifndef ENV_H
#define ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jw.h"

#define ENV_SCRATCH_REGISTER 0
/* The NEP-297 prefix of a structured event log line. */
#define ENV_EVENT_PREFIX "EVENT_JSON:"

/* Copies register reg into a new buffer (NUL-terminated for convenience); *len = its length.
 * NULL if the register is unused. Returned. */
uint8_t *env_register(uint64_t reg, size_t *len);

/* Like env_register, but refuses (NULL, *len = the register's length) a register longer than
 * max before allocating anything: for sizes another party controls. */
uint8_t *env_register_max(uint64_t reg, size_t max, size_t *len);

/* The call's argument bytes (possibly empty, never NULL). Returned. */
uint8_t *env_input(size_t *len);

/* Account ids, NUL-terminated; returned. predecessor and signer are prohibited in view calls. */
char *env_current_account(size_t *len);
char *env_predecessor(size_t *len);
char *env_signer(size_t *len);

/* Whether the predecessor is this contract itself (near-sdk's #[private]). Not for views. */
bool env_is_self_call(void);
/* Panics "Method <method> is private" unless env_is_self_call(). */
void env_require_self_call(const char *method);

/* Panics "Method <method> doesn't accept deposit" (near-sdk's wording for non-payable methods)
 * if the call carries an attached deposit. */
void env_require_no_deposit(const char *method);

/* Stops the call with a message (the receipt fails and rolls back). msg borrowed. */
__attribute__((noreturn)) void env_panic(const char *msg, size_t n);
__attribute__((noreturn)) void env_panic_z(const char *msg);
/* Panics with the concatenation a b c (NUL-terminated; b, c may be NULL). */
__attribute__((noreturn)) void env_panic3(const char *a, const char *b, const char *c);

/* One log line (valid UTF-8; at most 100 lines and 16 KiB per call, NEAR's limits). */
void env_log(const char *s, size_t n);
void env_log_z(const char *s);
/* A NEP-297 event: EVENT_JSON:{"standard","version","event","data":<data>}; data is JSON text
 * (an array by convention), borrowed. Panics if the line cannot be built (over 16 KiB). */
void env_log_event(const char *standard, const char *version, const char *event, const char *data,
                   size_t data_len);

/* The same event written in place, without building data apart and copying it: env_event_begin
 * starts w (caller-owned) as the line up to "data": — standard, version and event must be string
 * literals of plain characters (no '"', '\\' or control characters), as event names are, since
 * the whole head is pasted together at compile time. The caller writes the data value (one JSON
 * value, an array by convention) into w, and env_event_log closes the object and logs the line,
 * panicking like env_log_event if w failed (e.g. over 16 KiB). */
#define env_event_begin(w, standard, version, event)                                               \
    env_event_start((w), ENV_EVENT_HEAD(standard, version, event),                                 \
                    sizeof ENV_EVENT_HEAD(standard, version, event) - 1)
#define ENV_EVENT_HEAD(standard, version, event)                                                   \
    ENV_EVENT_PREFIX "{\"standard\":\"" standard "\",\"version\":\"" version                       \
                     "\",\"event\":\"" event "\",\"data\":"
void env_event_log(struct jw *w);
/* The function behind env_event_begin: w starts with head (head_len bytes, borrowed), the line
 * up to "data":, and takes the data value as its JSON document. */
void env_event_start(struct jw *w, const char *head, size_t head_len);

/* Storage. Keys and values are borrowed. env_storage_get returns NULL if the key is absent. */
uint8_t *env_storage_get(const void *key, size_t key_len, size_t *value_len);
/* Returns whether an old value was replaced. Not for views. */
bool env_storage_set(const void *key, size_t key_len, const void *value, size_t value_len);
/* Returns whether the key existed. Not for views. */
bool env_storage_remove(const void *key, size_t key_len);
bool env_storage_has(const void *key, size_t key_len);
/* A u64 stored as 8 bytes little-endian; dflt when absent. Panics on a value of another size. */
uint64_t env_storage_get_u64(const void *key, size_t key_len, uint64_t dflt);
void env_storage_set_u64(const void *key, size_t key_len, uint64_t v);

/* The call's return value (the last call wins). p borrowed. */
void env_return(const void *p, size_t n);
void env_return_z(const char *s);
/* Returns the JSON a writer built; panics with the writer's error if it failed. */
void env_return_json(struct jw *w);
/* Finishes a writer; panics "<what>: cannot encode JSON" if it failed. */
const char *env_json_finish(struct jw *w, const char *what, size_t *len);

#endif
