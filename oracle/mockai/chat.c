/* chat.c — building yb-mockai's chat completion replies (see chat.h). */
#include "chat.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "mem.h"

#define ANSWER_TEMPLATE_MAX 4096 /* bytes of the prompt quoted by the template answer */

static void put_json(struct yb_buf *out, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    if (!text) {
        abort(); /* cJSON only fails on allocation: same policy as yb_xmalloc */
    }
    yb_buf_reset(out);
    yb_buf_append_str(out, text);
    cJSON_free(text);
    cJSON_Delete(root);
}

void chat_error_body(struct yb_buf *out, const char *message, const char *type, const char *code)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(err, "message", message);
    cJSON_AddStringToObject(err, "type", type);
    cJSON_AddNullToObject(err, "param");
    if (code) {
        cJSON_AddStringToObject(err, "code", code);
    } else {
        cJSON_AddNullToObject(err, "code");
    }
    put_json(out, root);
}

static void reply_error(struct chat_reply *r, int status, const char *message, const char *type,
                        const char *code)
{
    r->status = status;
    chat_error_body(&r->body, message, type, code);
}

/* The text of one message's content: a string, or the concatenated "text" parts of an array.
 * Returned (free with free()), or NULL if the content has no text. */
static char *content_text(const cJSON *content)
{
    if (cJSON_IsString(content)) {
        return yb_xstrdup(content->valuestring);
    }
    if (!cJSON_IsArray(content)) {
        return NULL;
    }
    struct yb_buf b;
    yb_buf_init(&b, CHAT_BODY_MAX);
    bool any = false;
    const cJSON *part;
    cJSON_ArrayForEach(part, content)
    {
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
        if (cJSON_IsString(text)) {
            yb_buf_append_str(&b, text->valuestring);
            any = true;
        }
    }
    if (!any) {
        yb_buf_fini(&b);
        return NULL;
    }
    yb_buf_append(&b, "", 0); /* an empty text part still yields a string */
    char *s = (char *)yb_buf_steal(&b, NULL);
    return s ? s : yb_xstrdup("");
}

/* The last user message's text, returned; NULL with *why set when there is none. */
static char *find_prompt(const cJSON *root, const char **why)
{
    const cJSON *messages = cJSON_GetObjectItemCaseSensitive(root, "messages");
    if (!cJSON_IsArray(messages) || cJSON_GetArraySize(messages) == 0) {
        *why = "'messages' must be a non-empty array";
        return NULL;
    }
    const cJSON *last_user = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, messages)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        if (!cJSON_IsString(role)) {
            *why = "every message needs a string 'role'";
            return NULL;
        }
        if (strcmp(role->valuestring, "user") == 0) {
            last_user = m;
        }
    }
    if (!last_user) {
        *why = "no message with role 'user'";
        return NULL;
    }
    char *text = content_text(cJSON_GetObjectItemCaseSensitive(last_user, "content"));
    if (!text) {
        *why = "the user message has no text content";
    }
    return text;
}

static void digest_prompt(struct chat_reply *r, const char *prompt)
{
    size_t len = strlen(prompt);
    uint8_t d[SHA256_LEN];
    crypto_sha256((const uint8_t *)prompt, len, d);
    hex_encode(d, sizeof d, r->prompt_sha256, sizeof r->prompt_sha256);
    size_t cut = len < CHAT_PROMPT_HEAD ? len : CHAT_PROMPT_HEAD;
    /* Do not split a UTF-8 sequence: back off over continuation bytes. */
    while (cut > 0 && cut < len && ((unsigned char)prompt[cut] & 0xC0) == 0x80) {
        cut--;
    }
    memcpy(r->prompt_head, prompt, cut);
    r->prompt_head[cut] = 0;
}

/* Trim blanks at both ends in place; returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = 0;
    }
    return s;
}

static void build_answer(struct yb_buf *answer, char *prompt, size_t oversize)
{
    char arith[ARITH_ANSWER_MAX];
    char *p = trim(prompt);
    if (arith_answer(p, arith, sizeof arith) == YB_OK) {
        yb_buf_append_str(answer, arith);
    } else {
        size_t n = strlen(p);
        if (n > ANSWER_TEMPLATE_MAX) {
            n = ANSWER_TEMPLATE_MAX;
            while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        yb_buf_printf(answer, "yb-mockai answer to: \"%.*s\"", (int)n, p);
    }
    /* Padding for the oversize fault: a recognisable, valid-UTF-8 filler. */
    if (answer->len < oversize) {
        yb_buf_append_byte(answer, ' ');
    }
    while (answer->len < oversize) {
        yb_buf_append_byte(answer, (uint8_t)('a' + answer->len % 26));
    }
}

/* One server-sent event carrying a chat.completion.chunk (root taken). */
static void add_chunk(struct yb_buf *out, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text) {
        abort(); /* cJSON fails only on allocation */
    }
    yb_buf_printf(out, "data: %s\n\n", text);
    cJSON_free(text);
}

static cJSON *chunk_new(const char *id, int64_t now, const char *model, cJSON **delta,
                        const char *finish)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "id", id);
    cJSON_AddStringToObject(c, "object", "chat.completion.chunk");
    cJSON_AddNumberToObject(c, "created", (double)now);
    cJSON_AddStringToObject(c, "model", model);
    cJSON *choice = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(c, "choices"), choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    *delta = cJSON_AddObjectToObject(choice, "delta");
    if (finish) {
        cJSON_AddStringToObject(choice, "finish_reason", finish);
    } else {
        cJSON_AddNullToObject(choice, "finish_reason");
    }
    return c;
}

/* "stream": true — the same answer as server-sent events (§3.1): a role chunk, content chunks
 * cut on character boundaries, a finish chunk, then [DONE]. All events go out in one response
 * body: clients read them the same way. Pieces are small (like a model's tokens) unless the
 * answer is large, where they grow so the stream stays within CHAT_REPLY_BODY_MAX. */
#define STREAM_PIECE       16
#define STREAM_PIECE_LARGE 4096
static void build_stream(struct chat_reply *r, const char *id, int64_t now, const char *model,
                         const struct yb_buf *answer)
{
    cJSON *delta;
    cJSON *c = chunk_new(id, now, model, &delta, NULL);
    cJSON_AddStringToObject(delta, "role", "assistant");
    cJSON_AddStringToObject(delta, "content", "");
    add_chunk(&r->body, c);
    const char *text = answer->data ? (const char *)answer->data : "";
    size_t piece = answer->len > 64 * STREAM_PIECE ? STREAM_PIECE_LARGE : STREAM_PIECE;
    size_t pos = 0;
    while (pos < answer->len) {
        size_t n = answer->len - pos < piece ? answer->len - pos : piece;
        while (pos + n < answer->len && n > 1 && ((unsigned char)text[pos + n] & 0xC0) == 0x80) {
            n--;
        }
        char *part = yb_xstrndup(text + pos, n);
        c = chunk_new(id, now, model, &delta, NULL);
        cJSON_AddStringToObject(delta, "content", part);
        free(part);
        add_chunk(&r->body, c);
        pos += n;
    }
    add_chunk(&r->body, chunk_new(id, now, model, &delta, "stop"));
    yb_buf_append_str(&r->body, "data: [DONE]\n\n");
    r->content_type = "text/event-stream";
    r->status = 200;
}

static void build_completion(const struct chat_settings *set, const cJSON *root, char *prompt,
                             const struct behavior *b, struct chat_reply *r)
{
    struct yb_buf answer;
    yb_buf_init(&answer, BEHAVIOR_OVERSIZE_MAX + ANSWER_TEMPLATE_MAX + 64);
    size_t prompt_len = strlen(prompt);
    build_answer(&answer, prompt, b->oversize);

    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    char id[48];
    snprintf(id, sizeof id, "chatcmpl-mock-%llu", (unsigned long long)set->request_id);

    if (b->malformed) {
        /* Valid up to the content, then cut off: what a proxy dropping the connection gives. */
        yb_buf_printf(
            &r->body,
            "{\"id\":\"%s\",\"object\":\"chat.completion\",\"created\":%lld,"
            "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"",
            id, (long long)set->now);
        yb_buf_fini(&answer);
        r->status = 200;
        return;
    }
    const char *model_name = cJSON_IsString(model) ? model->valuestring : set->model;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"))) {
        build_stream(r, id, set->now, model_name, &answer);
        yb_buf_fini(&answer);
        return;
    }
    cJSON *root_out = cJSON_CreateObject();
    cJSON_AddStringToObject(root_out, "id", id);
    cJSON_AddStringToObject(root_out, "object", "chat.completion");
    cJSON_AddNumberToObject(root_out, "created", (double)set->now);
    cJSON_AddStringToObject(root_out, "model", model_name);
    cJSON *choices = cJSON_AddArrayToObject(root_out, "choices");
    cJSON *choice = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    cJSON *msg = cJSON_AddObjectToObject(choice, "message");
    cJSON_AddStringToObject(msg, "role", "assistant");
    cJSON_AddStringToObject(msg, "content", answer.data ? (const char *)answer.data : "");
    cJSON_AddStringToObject(choice, "finish_reason", "stop");
    cJSON_AddNullToObject(choice, "logprobs");
    /* Token counts: a deterministic estimate (4 bytes a token), not a tokenizer. */
    double pt = (double)(prompt_len + 3) / 4, ct = (double)(answer.len + 3) / 4;
    cJSON *usage = cJSON_AddObjectToObject(root_out, "usage");
    cJSON_AddNumberToObject(usage, "prompt_tokens", (double)(long long)pt);
    cJSON_AddNumberToObject(usage, "completion_tokens", (double)(long long)ct);
    cJSON_AddNumberToObject(usage, "total_tokens", (double)((long long)pt + (long long)ct));
    yb_buf_fini(&answer);
    put_json(&r->body, root_out);
    r->status = 200;
}

static void apply_fault(const struct behavior *b, struct chat_reply *r)
{
    switch (b->status) {
    case 429:
        if (b->quota) {
            reply_error(r, 429, "You exceeded your current quota (yb-mockai).",
                        "insufficient_quota", "insufficient_quota");
        } else {
            r->retry_after_s = b->retry_after_s;
            reply_error(r, 429, "Rate limit reached (yb-mockai).", "requests",
                        "rate_limit_exceeded");
        }
        break;
    case 503:
        r->retry_after_s = b->retry_after_s;
        reply_error(r, 503, "The server is overloaded (yb-mockai).", "server_error",
                    "service_unavailable");
        break;
    default:
        if (b->status >= 500) {
            reply_error(r, b->status, "The server had an error (yb-mockai).", "server_error", NULL);
        } else {
            reply_error(r, b->status, "Injected client error (yb-mockai).", "invalid_request_error",
                        NULL);
        }
    }
}

void chat_handle(const struct chat_settings *set, const char *body, size_t n, const char *hdr,
                 struct chat_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    yb_buf_init(&reply->body, CHAT_REPLY_BODY_MAX);
    reply->content_type = "application/json";
    snprintf(reply->behavior, sizeof reply->behavior, "-");
    if (n > CHAT_BODY_MAX) {
        reply_error(reply, 413, "Request body too large for yb-mockai.", "invalid_request_error",
                    "request_too_large");
        return;
    }
    cJSON *root = cJSON_ParseWithLength(body, n);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        reply_error(reply, 400, "We could not parse the JSON body of your request.",
                    "invalid_request_error", NULL);
        return;
    }
    const char *why = NULL;
    char *prompt = find_prompt(root, &why);
    if (!prompt) {
        cJSON_Delete(root);
        reply_error(reply, 400, why, "invalid_request_error", NULL);
        return;
    }
    digest_prompt(reply, prompt);

    struct behavior b = set->base;
    int err = hdr ? behavior_parse(&b, hdr, strlen(hdr)) : YB_OK;
    if (!err) {
        err = behavior_take_directives(&b, prompt);
    }
    if (err) {
        char msg[128];
        snprintf(msg, sizeof msg, "bad yb-mockai behaviour: %s", yb_err_str(err));
        reply_error(reply, 400, msg, "invalid_request_error", NULL);
    } else {
        if (set->rate_limited && !b.hang && !b.malformed && b.status == 0) {
            b.status = 429;
        }
        if (set->error_draw && !b.hang && !b.malformed && b.status == 0) {
            b.status = 500;
        }
        uint32_t span = b.latency_max_ms - b.latency_min_ms;
        reply->delay_ms = b.latency_min_ms + (uint32_t)(set->latency_draw * (double)(span + 1));
        if (reply->delay_ms > b.latency_max_ms) {
            reply->delay_ms = b.latency_max_ms;
        }
        if (b.hang) {
            reply->hang = true;
            reply->delay_ms = BEHAVIOR_HANG_MS;
            reply_error(reply, 504, "yb-mockai hung on purpose.", "server_error", NULL);
        } else if (b.status) {
            apply_fault(&b, reply);
        } else {
            build_completion(set, root, prompt, &b, reply);
        }
        behavior_describe(&b, reply->behavior, sizeof reply->behavior);
    }
    free(prompt);
    cJSON_Delete(root);
}

void chat_reply_fini(struct chat_reply *reply)
{
    yb_buf_fini(&reply->body);
}
