/*
 * jw.h — a JSON writer for contract results, logs and promise arguments.
 *
 * Appends to a buffer from the bump allocator (alloc.h), growing it up to a cap fixed at init.
 * Commas between members and elements are inserted automatically; strings are escaped per RFC
 * 8259 (", \, control characters) and must be valid UTF-8. Errors are sticky: the first one is
 * kept, later calls do nothing, and jw_finish() reports it — so building code needs no checks
 * after every call. Nesting deeper than JW_MAX_DEPTH, a value where a key is due (or the reverse)
 * and unbalanced ends are YB_EINVAL; going over the cap is YB_ETOOBIG; invalid UTF-8 in a
 * string is YB_EUTF8. Single-threaded; one writer per document.
 */
#ifndef JW_H
#define JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define JW_MAX_DEPTH 16

struct jw {
    char *buf;
    size_t len;
    size_t base; /* bytes of raw prefix before the JSON value (jw_init_prefixed) */
    size_t cap;
    size_t max; /* hard cap on len */
    int err;
    int depth;
    bool after_key;               /* a key was written; its value comes next */
    bool has_items[JW_MAX_DEPTH]; /* per level: something was written, a comma is due */
    bool is_object[JW_MAX_DEPTH];
};

/* Starts an empty document of at most max bytes. w borrowed (caller-owned, e.g. on the stack). */
void jw_init(struct jw *w, size_t max);

/* Starts a document whose text begins with n raw bytes of prefix (not JSON, e.g. a log line's
 * "EVENT_JSON:") followed by one JSON value; max counts the prefix too, and jw_finish returns
 * prefix and value together. prefix borrowed (copied). */
void jw_init_prefixed(struct jw *w, size_t max, const char *prefix, size_t n);

void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);

/* A member name inside an object, escaped like any string: jw_key_n takes n bytes, jw_key a
 * NUL-terminated name (a macro: the length of a literal is computed at compile time). */
void jw_key_n(struct jw *w, const char *key, size_t n);
#define jw_key(w, key) jw_key_n((w), (key), __builtin_strlen(key))

/* A member name given as a string literal of plain characters (printable ASCII without '"' or
 * '\\', which is every name a contract normally uses): the quoted name and its colon are pasted
 * together at compile time and copied in one step, with nothing to check or escape at run time.
 * The macro does not compile with anything but a literal. */
#define jw_key_lit(w, lit) jw_key_raw((w), "\"" lit "\":", sizeof(lit) + 2)
/* The function behind jw_key_lit: text is a quoted name and its colon ("\"name\":"), n bytes,
 * inserted as is. */
void jw_key_raw(struct jw *w, const char *text, size_t n);

/* Values. s borrowed; jw_string takes n bytes (may contain NUL, escaped as \u0000). */
void jw_string(struct jw *w, const char *s, size_t n);
/* A string the caller knows needs no escaping — printable ASCII without '"' or '\\', such as
 * base58 text or a NEAR account id — written with its quotes and no per-byte check (like jw_raw,
 * it is trusted). s borrowed. */
void jw_string_plain(struct jw *w, const char *s, size_t n);
/* A NUL-terminated string (a macro, like jw_key). */
#define jw_string_z(w, s) jw_string((w), (s), __builtin_strlen(s))
void jw_u64(struct jw *w, uint64_t v);
/* A u64 as a decimal string ("123"), the form near-sdk uses for U64 to keep JS precision. */
void jw_u64_string(struct jw *w, uint64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Bytes as an array of numbers ([1,2,...]), near-sdk's JSON for CryptoHash. */
void jw_byte_array(struct jw *w, const uint8_t *p, size_t n);
/* Text already known to be one valid JSON value (e.g. checked with jr_parse); inserted as is. */
void jw_raw(struct jw *w, const char *json, size_t n);

/* Ends the document: YB_OK with *out / *out_len set (the text, NUL-terminated, owned by the
 * bump allocator), or the first error. YB_EINVAL if containers are still open or nothing was
 * written. out and out_len may be NULL. */
int jw_finish(struct jw *w, const char **out, size_t *out_len);

#endif
