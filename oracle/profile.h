/*
 * profile.h — contract profiles: how a contract lists its pending requests and takes answers.
 * An ops table per interface; adding one is one table entry in profile.c.
 *
 *   "yieldbox"       get_pending_requests {"from_request_id","limit"} (or, for an assistant
 *                    deployed before from_request_id, {"from_index","limit"}) ->
 *                    [{"request_id","yield_id":"<base58>","prompt","created_height",
 *                      "expires_height",...}];  respond {"yield_id":"<base58>","response"}
 *   "near-examples"  list_requests {} -> [{"yield_id":[32 numbers],"prompt"}] (no ids, no
 *                    heights: the daemon uses first-seen height + timeout_blocks);
 *                    respond {"yield_id":[32 numbers],"response"}
 *
 * A profile may also have a batch form (yieldbox: respond_many {"responses":[{"yield_id",
 * "response"},...]}, 1..PROFILE_BATCH_MAX entries, returning a JSON array of booleans in entry
 * order); near-examples has none, so it answers with one respond per request.
 *
 * Parsing treats the view result as untrusted: every field is type-checked, prompts are capped
 * (AI_PROMPT_MAX), the list length is capped (PROFILE_PAGE_MAX), and a malformed item makes the
 * whole page an error rather than being half-read.
 *
 * Thread rules: reentrant.
 */
#ifndef YB_ORACLE_PROFILE_H
#define YB_ORACLE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "near.h"

/* Items asked for per page of the pending list (the assistant caps `limit` at 1024). */
#define PROFILE_PAGE_MAX 1024
/* Answers per batch call at most (the assistant's ASSISTANT_RESPOND_MANY_MAX). */
#define PROFILE_BATCH_MAX 32

/* One answer of a batch: all borrowed. */
struct profile_answer {
    const char *yield_id; /* base58 */
    const char *answer;   /* answer[0..len), valid UTF-8 */
    size_t len;
};

struct pending_item {
    char yield_id[NEAR_HASH_STR_MAX]; /* base58 of the 32-byte data id */
    uint64_t request_id;              /* 0 when the profile has none */
    char *prompt;                     /* owned */
    uint64_t created_height;          /* 0 when unknown */
    uint64_t expires_height;          /* 0 when unknown */
};

struct profile_ops {
    const char *name;
    const char *pending_method; /* the view */
    const char *respond_method; /* the call */
    bool pages;                 /* the view takes from_index/limit */
    /* The view also takes from_request_id/limit: the pending requests with ids >= it, in id
     * order (ids only grow), at a cost independent of the list's length. A contract that
     * predates it ignores the argument and answers from the list's head (see
     * profile_cursor_ignored). */
    bool cursor;
    /* Parses the view's result (a JSON array, borrowed) into *items (returned;
     * profile_items_free) and *n. Errors: YB_EJSON_TYPE, YB_EJSON_MISSING, YB_EMALFORMED,
     * YB_ETOOBIG. */
    int (*parse_pending)(const cJSON *list, struct pending_item **items, size_t *n);
    /* The respond arguments for yield_id (base58, borrowed) and answer[0..len) (borrowed; must
     * be valid UTF-8 for JSON); *out returned (free()). Errors: YB_EBASE58, YB_EINVAL. */
    int (*respond_args)(const char *yield_id, const char *answer, size_t len, char **out);
    /* The batch call, or NULL when the contract has none (then respond_many_args is NULL). */
    const char *respond_many_method;
    /* The batch call's arguments for answers[0..n) (borrowed; 1 <= n <= PROFILE_BATCH_MAX);
     * *out returned (free()). Errors: YB_EINVAL (n out of range), YB_EBASE58. */
    int (*respond_many_args)(const struct profile_answer *answers, size_t n, char **out);
    /* Reads the batch call's return value text[0..len) (borrowed): accepted[i] (n entries)
     * gets whether entry i was accepted. Errors: YB_EJSON, YB_EMALFORMED (not an array of n
     * booleans). */
    int (*respond_many_result)(const char *text, size_t len, size_t n, bool *accepted);
};

/* The profile named `name` (borrowed), or NULL. */
const struct profile_ops *profile_find(const char *name);
/* The view's arguments for one page: {"from_index":from,"limit":limit} when the profile pages,
 * else {}. *out returned (free()). */
int profile_pending_args(const struct profile_ops *p, uint64_t from, uint32_t limit, char **out);
/* The view's arguments for one page by request id (profiles with `cursor`):
 * {"from_request_id":from_id,"limit":limit}. *out returned (free()). Errors: YB_EINVAL (the
 * profile has no cursor). */
int profile_pending_args_by_id(const struct profile_ops *p, uint64_t from_id, uint32_t limit,
                               char **out);
/* True when a page asked for by from_id (items[0..n), borrowed) holds a request whose id is
 * below from_id: the contract ignored from_request_id (an assistant deployed before it), so the
 * reader must page by from_index instead. */
bool profile_cursor_ignored(uint64_t from_id, const struct pending_item *items, size_t n);
/*
 * Whether an access key may sign a call of method (borrowed) on receiver (borrowed), from its
 * permission (borrowed): the "permission" member of a view_access_key result, "FullAccess" or
 * {"FunctionCall":{"allowance","receiver_id","method_names":[...]}} (near-rpc.md §9: an empty
 * method_names allows any method of receiver_id). *allowed gets the answer.
 * Errors: YB_EMALFORMED (neither shape).
 */
int profile_key_permits(const cJSON *permission, const char *receiver, const char *method,
                        bool *allowed);
/*
 * True when a failed transaction's error (borrowed, may be NULL) says its method cannot be
 * called: the contract has none of that name (ActionError kind FunctionCallError
 * MethodResolveError "MethodNotFound") or the key may not call it (InvalidAccessKeyError
 * MethodNameMismatch). err is either a TxExecutionError — {"ActionError":...} or
 * {"InvalidTxError":...}, the "Failure" of a final status — or a bare InvalidTxError value
 * ({"InvalidAccessKeyError":...}, as rpc_error_invalid_tx gives a refused send_tx).
 */
bool profile_method_unavailable(const cJSON *err);
/* Frees n items (taken; NULL allowed). */
void profile_items_free(struct pending_item *items, size_t n);

#endif
