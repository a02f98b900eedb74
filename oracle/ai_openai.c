/*
 * ai_openai.c — the "openai" backend: Chat Completions (oracle-anchors.md §3.1), spoken by
 * OpenAI, Ollama's /v1, llama.cpp's server, vLLM and yb-mockai.
 */
#include <cJSON.h>
#include <string.h>

#include "ai_int.h"
#include "err.h"
#include "mem.h"

static int openai_build_request(const struct ai_config *cfg, const char *prompt,
                                const char *api_key, struct ai_request *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", cfg->model);
    cJSON *messages = cJSON_AddArrayToObject(root, "messages");
    if (cfg->system_prompt && cfg->system_prompt[0]) {
        cJSON *sys = cJSON_CreateObject();
        cJSON_AddStringToObject(sys, "role", "system");
        cJSON_AddStringToObject(sys, "content", cfg->system_prompt);
        cJSON_AddItemToArray(messages, sys);
    }
    cJSON *user = cJSON_CreateObject();
    cJSON_AddStringToObject(user, "role", "user");
    cJSON_AddStringToObject(user, "content", prompt);
    cJSON_AddItemToArray(messages, user);
    if (cfg->temperature >= 0) {
        cJSON_AddNumberToObject(root, "temperature", cfg->temperature);
    }
    /* max_tokens, not max_completion_tokens: every local server accepts it (§3.1). */
    if (cfg->max_tokens) {
        cJSON_AddNumberToObject(root, "max_tokens", cfg->max_tokens);
    }
    cJSON_AddFalseToObject(root, "stream");
    ai_int_set_body(out, root);
    out->url = ai_int_join_url(cfg->base_url, "/v1/chat/completions");
    out->headers[out->n_headers++] = yb_xstrdup("Content-Type: application/json");
    if (api_key) {
        out->headers[out->n_headers++] = ai_int_strfmt("Authorization: Bearer %s", api_key);
    }
    return YB_OK;
}

static void openai_parse_ok(const char *body, size_t n, struct ai_result *out)
{
    cJSON *root = cJSON_ParseWithLength(body, n);
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    const cJSON *choice = cJSON_GetArrayItem(choices, 0);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    const cJSON *finish = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");
    const char *reason = cJSON_IsString(finish) ? finish->valuestring : "";
    out->cls = AI_BAD_RESPONSE;
    if (!root) {
        ai_int_message(out, "HTTP 200: body is not JSON");
    } else if (!cJSON_IsArray(choices) || !cJSON_IsObject(choice) || !cJSON_IsObject(msg)) {
        ai_int_message(out, "HTTP 200: no choices[0].message");
    } else if (strcmp(reason, "content_filter") == 0) {
        out->cls = AI_PERMANENT_REQUEST;
        ai_int_message(out, "HTTP 200: answer withheld by the content filter");
    } else if (!cJSON_IsString(content)) {
        /* null content: tool or function calls, which the oracle never asks for */
        ai_int_message(out, "HTTP 200: choices[0].message.content is not text (finish_reason %s)",
                       reason[0] ? reason : "missing");
    } else {
        out->text_len = strlen(content->valuestring);
        out->text = yb_xstrndup(content->valuestring, out->text_len);
        out->cls = strcmp(reason, "length") == 0 ? AI_TRUNCATED : AI_OK;
        ai_int_message(out, "HTTP 200: %s", reason[0] ? reason : "no finish_reason");
    }
    cJSON_Delete(root);
}

const struct ai_backend_ops ai_openai_ops = {
    .name = "openai",
    .build_request = openai_build_request,
    .parse_ok = openai_parse_ok,
};
