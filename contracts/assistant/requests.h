/*
 * requests.h — the assistant's request state in contract storage: request records, the index
 * from yield (data) id to request id, stored answers, and the pending list (requests still
 * waiting for an answer, in creation order). The storage layout is in README.md.
 *
 * Records are the JSON objects get_pending_requests returns; values handed out point into
 * buffers of the bump allocator (valid until the call ends). Corrupt state makes the call panic.
 * wasm32 contract code; single-threaded.
 */
#ifndef REQUESTS_H
#define REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jr.h"
#include "jw.h"

/* Takes the next request id (ids start at 1). Not for views. */
uint64_t requests_next_id(void);
/* The id the next request will get, without taking it. */
uint64_t requests_peek_next_id(void);

/* Stores a new request: its record (JSON object text, borrowed), the yield-id index entry, and
 * a place at the end of the pending list. Not for views. */
void requests_add(uint64_t id, const uint8_t yield_id[32], const char *record, size_t record_len);

/* The record of request id in *rec; false if there is none. */
bool requests_get(uint64_t id, struct jr_value *rec);
/* A member of a record; panics if the record lacks it. */
struct jr_value requests_field(struct jr_value rec, const char *name);
/* The 32-byte yield id a record names. */
void requests_yield_id(struct jr_value rec, uint8_t out[32]);
/* The request a yield id belongs to; false if none (never created, or already finished). */
bool requests_find_by_yield(const uint8_t yield_id[32], uint64_t *id);

/* Answers, kept between respond and the callback. answer borrowed by set, returned by get. */
bool requests_has_answer(uint64_t id);
void requests_set_answer(uint64_t id, const char *answer, size_t len);
void requests_drop_answer(uint64_t id);
uint8_t *requests_answer(uint64_t id, size_t *len);

/* Takes request id off the pending list; false if it was not on it. */
bool requests_unlist(uint64_t id);
/* An answer to request id was accepted (the chain took the resume): the request leaves the
 * pending list and the yield-id index, so a later answer for the same yield id is refused
 * without a second lookup. What is left (record, answer) waits for the callback. */
void requests_accept(uint64_t id, const uint8_t yield_id[32]);
/* Whether request id has a record. */
bool requests_has(uint64_t id);
/* Removes everything stored for request id (record, index, answer, pending link): for a request
 * whose yield timed out. rec is its record. */
void requests_forget(uint64_t id, struct jr_value rec);
/* Removes what requests_accept left (record, answer) once the callback delivered the answer;
 * false if there was no record. */
bool requests_forget_answered(uint64_t id);

/* How many requests are on the pending list. */
uint64_t requests_pending_count(void);
/* Writes a JSON array of up to limit pending requests, skipping the first from_index, each
 * written by emit (w borrowed). */
void requests_page(struct jw *w, uint64_t from_index, uint64_t limit,
                   void (*emit)(struct jw *w, struct jr_value rec));
/* Writes a JSON array of up to limit pending requests whose request id is >= from_id, in id
 * order, each written by emit (w borrowed). Costs about one storage read per request written
 * (plus a few when from_id itself is no longer pending), however long the list. */
void requests_page_from_id(struct jw *w, uint64_t from_id, uint64_t limit,
                           void (*emit)(struct jw *w, struct jr_value rec));

#endif
