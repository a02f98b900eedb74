/*
 * err.h — the project-wide error convention.
 *
 * Every fallible function returns an `int` that is 0 (YB_OK) or a value of enum yb_err, and
 * gives its results through out-parameters. Foreign errors (errno, CURLcode, nng, LMDB, HTTP
 * statuses) are converted to these codes at one boundary each.
 *
 * The codes are listed once, in YB_ERR_LIST, grouped by the area that owns them. Add a code at
 * the end of your area's block; never renumber (codes appear in logs).
 */
#ifndef YB_ERR_H
#define YB_ERR_H

/* X(NAME, "human message") */
#define YB_ERR_LIST                                                                                \
    /* general */                                                                                  \
    X(YB_OK, "ok")                                                                                 \
    X(YB_ENOMEM, "out of memory")                                                                  \
    X(YB_EINVAL, "invalid argument")                                                               \
    X(YB_ETOOBIG, "size over its cap")                                                             \
    X(YB_ETRUNCATED, "input truncated")                                                            \
    X(YB_EMALFORMED, "malformed input")                                                            \
    X(YB_ENOTFOUND, "not found")                                                                   \
    X(YB_EEXIST, "already exists")                                                                 \
    X(YB_EIO, "input/output error")                                                                \
    X(YB_EPERM, "permission denied")                                                               \
    X(YB_ETIMEDOUT, "timed out")                                                                   \
    X(YB_ENOTSUP, "not supported")                                                                 \
    X(YB_EINTERNAL, "internal error")                                                              \
    X(YB_EBUSY, "busy")                                                                            \
    X(YB_ECLOSED, "closed")                                                                        \
    X(YB_EOVERFLOW, "arithmetic overflow")                                                         \
    /* codecs */                                                                                   \
    X(YB_EHEX, "invalid hex")                                                                      \
    X(YB_EBASE58, "invalid base58")                                                                \
    X(YB_EBASE64, "invalid base64")                                                                \
    X(YB_ENUMBER, "invalid number")                                                                \
    X(YB_EUTF8, "invalid UTF-8")                                                                   \
    /* crypto and keys */                                                                          \
    X(YB_EBADSIG, "signature does not verify")                                                     \
    X(YB_EBADKEY, "invalid key")                                                                   \
    X(YB_EKEYTYPE, "unsupported key type")                                                         \
    /* borsh */                                                                                    \
    X(YB_EBORSH_EOF, "borsh: unexpected end of input")                                             \
    X(YB_EBORSH_TRAILING, "borsh: trailing bytes after value")                                     \
    X(YB_EBORSH_TAG, "borsh: unknown enum tag")                                                    \
    X(YB_EBORSH_BOOL, "borsh: invalid bool")                                                       \
    X(YB_EBORSH_LEN, "borsh: length over its cap")                                                 \
    /* NEAR types */                                                                               \
    X(YB_EACCOUNT_LEN, "account id: length must be 2 to 64")                                       \
    X(YB_EACCOUNT_CHAR, "account id: invalid character")                                           \
    X(YB_EACCOUNT_SEP, "account id: misplaced separator")                                          \
    X(YB_ETX_VERSION, "transaction version not supported (TransactionV1)")                         \
    X(YB_EACTION, "unsupported action")                                                            \
    /* JSON */                                                                                     \
    X(YB_EJSON, "JSON parse error")                                                                \
    X(YB_EJSON_TYPE, "JSON value has the wrong type")                                              \
    X(YB_EJSON_MISSING, "JSON field missing")                                                      \
    /* network, HTTP, JSON-RPC */                                                                  \
    X(YB_ECONNECT, "cannot connect")                                                               \
    X(YB_EHTTP, "HTTP error")                                                                      \
    X(YB_ERPC, "JSON-RPC error")                                                                   \
    /* store */                                                                                    \
    X(YB_ESTORE, "store error")                                                                    \
    X(YB_ESTORE_FULL, "store map full")                                                            \
    /* WebAssembly engine */                                                                       \
    X(YB_EWASM_MALFORMED, "wasm: malformed module")                                                \
    X(YB_EWASM_INVALID, "wasm: invalid module")                                                    \
    X(YB_EWASM_FEATURE, "wasm: unsupported feature")                                               \
    X(YB_EWASM_LINK, "wasm: unknown or incompatible import")                                       \
    X(YB_EWASM_LIMIT, "wasm: limit exceeded")                                                      \
    X(YB_EWASM_TRAP, "wasm: trap")                                                                 \
    X(YB_EOUT_OF_GAS, "out of gas")                                                                \
    /* runtime (chain/runtime appends here) */                                                     \
    X(YB_ERUNTIME, "runtime error")                                                                \
    X(YB_ERUNTIME_INVALID_TX, "runtime: invalid transaction")                                      \
    X(YB_ERUNTIME_NO_CODE, "runtime: account has no contract code")                                \
    /* node, oracle, cli (append here) */                                                          \
    X(YB_ECONFIG, "invalid configuration")

enum yb_err {
#define X(name, msg) name,
    YB_ERR_LIST
#undef X
        YB_ERR__COUNT
};

/* A static, human-readable message for an error code; never NULL (unknown codes get one too). */
const char *yb_err_str(int err);

/* The symbolic name of an error code ("YB_EBASE58"); never NULL. */
const char *yb_err_name(int err);

#endif
