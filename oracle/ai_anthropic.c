/*
 * ai_anthropic.c — the "anthropic" backend: the Messages API (oracle-anchors.md §3.4).
 */
#include <cJSON.h>
#include <string.h>

#include "ai_int.h"
#include "buf.h"
#include "err.h"
#include "mem.h"

#define ANTHROPIC_DEFAULT_MAX_TOKENS 1024 /* the API requires max_tokens */

static int anthropic_build_request(const struct ai_config *cfg, const char *prompt,
                                   const char *api_key, struct ai_request *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", cfg->model);
    cJSON_AddNumberToObject(root, "max_tokens",
                            cfg->max_tokens ? cfg->max_tokens : ANTHROPIC_DEFAULT_MAX_TOKENS);
    if (cfg->system_prompt && cfg->system_prompt[0]) {
        cJSON_AddStringToObject(root, "system", cfg->system_prompt);
    }
    cJSON *messages = cJSON_AddArrayToObject(root, "messages");
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddStringToObject(user, "content", prompt);
    cJSON_AddItemToArray(messages, user);
    if (cfg->temperature >= 0) {
        cJSON_AddNumberToObject(root, "temperature", cfg->temperature);
    }
    ai_int_set_body(out, root);
    out->url = ai_int_join_url(cfg->base_url, "/v1/messages");
    out->headers[out->n_headers++] = yb_xstrdup("Content-Type: application/json");
    out->headers[out->n_headers++] = yb_xstrdup("anthropic-version: " AI_ANTHROPIC_VERSION);
    if (api_key) {
        out->headers[out->n_headers++] = ai_int_strfmt("x-api-key: %s", api_key);
    }
    return YB_OK;
}

static void anthropic_parse_ok(const char *body, size_t n, struct ai_result *out)
{
    cJSON *root = cJSON_ParseWithLength(body, n);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(root, "content");
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(root, "stop_reason");
    const char *reason = cJSON_IsString(stop) ? stop->valuestring : "";
    out->cls = AI_BAD_RESPONSE;
    if (!root) {
        ai_int_message(out, "HTTP 200: body is not JSON");
        return;
    }
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "message") != 0 ||
        !cJSON_IsArray(content)) {
        ai_int_message(out, "HTTP 200: not a message with a content array");
        cJSON_Delete(root);
        return;
    }
    if (strcmp(reason, "refusal") == 0) {
        out->cls = AI_PERMANENT_REQUEST;
        ai_int_message(out, "HTTP 200: the model refused");
        cJSON_Delete(root);
        return;
    }
    /* The answer is the text blocks in order; other block types (tool_use, thinking) are not
     * part of it. */
    struct yb_buf text;
    yb_buf_init(&text, AI_RESPONSE_MAX);
    bool any = false;
    const cJSON *block;
    cJSON_ArrayForEach(block, content)
    {
        const cJSON *btype = cJSON_GetObjectItemCaseSensitive(block, "type");
        const cJSON *btext = cJSON_GetObjectItemCaseSensitive(block, "text");
        if (cJSON_IsString(btype) && strcmp(btype->valuestring, "text") == 0 &&
            cJSON_IsString(btext)) {
            yb_buf_append_str(&text, btext->valuestring);
            any = true;
        }
    }
    if (!any) {
        ai_int_message(out, "HTTP 200: no text block in content");
    } else {
        out->text_len = text.len;
        out->text = text.data ? (char *)yb_buf_steal(&text, NULL) : yb_xstrdup("");
        out->cls = strcmp(reason, "max_tokens") == 0 ? AI_TRUNCATED : AI_OK;
        ai_int_message(out, "HTTP 200: %s", reason[0] ? reason : "no stop_reason");
    }
    yb_buf_fini(&text);
    cJSON_Delete(root);
}

const struct ai_backend_ops ai_anthropic_ops = {
    .name = "anthropic",
    .build_request = anthropic_build_request,
    .parse_ok = anthropic_parse_ok,
};
