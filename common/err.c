/* err.c — messages and names for enum yb_err, generated from YB_ERR_LIST. */
#include "err.h"

static const char *const messages[] = {
#define X(name, msg) [name] = msg,
    YB_ERR_LIST
#undef X
};

static const char *const names[] = {
#define X(name, msg) [name] = #name,
    YB_ERR_LIST
#undef X
};

const char *yb_err_str(int err)
{
    if (err < 0 || err >= YB_ERR__COUNT) {
        return "unknown error";
    }
    return messages[err];
}

const char *yb_err_name(int err)
{
    if (err < 0 || err >= YB_ERR__COUNT) {
        return "YB_E?";
    }
    return names[err];
}
