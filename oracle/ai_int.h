/*
 * ai_int.h — private helpers shared by ai.c and the backend files (ai_openai.c,
 * ai_anthropic.c). Not for use outside oracle/.
 */
#ifndef YB_AI_INT_H
#define YB_AI_INT_H

#include "ai.h"

extern const struct ai_backend_ops ai_openai_ops;
extern const struct ai_backend_ops ai_anthropic_ops;

/* base_url without trailing "/" or "/v1", followed by path ("/v1/messages"). Returned. */
char *ai_int_join_url(const char *base, const char *path);

/* A printf into a new string. Returned. */
char *ai_int_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set res->message (cut to AI_MESSAGE_MAX, UTF-8 safe). */
void ai_int_message(struct ai_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Take the JSON text of a cJSON tree (root taken and deleted) into req->body. */
struct cJSON;
void ai_int_set_body(struct ai_request *req, struct cJSON *root);

#endif
