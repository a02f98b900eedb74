/*
 * logic_error.c — nearcore's names and texts for function-call failures: the variant names of
 * FunctionCallError / HostError / WasmTrap, their Display strings (what RPC shows inside
 * "ExecutionError"), and the JSON object outcomes carry.
 */
#include <string.h>

#include "logic.h"

static const char *const error_names[LOGIC_ERR__COUNT] = {
#define X(name, str) [LOGIC_ERR_##name] = str,
    LOGIC_ERROR_LIST
#undef X
};

const char *logic_error_name(enum logic_error_kind kind)
{
    if ((unsigned)kind >= LOGIC_ERR__COUNT) {
        return "?";
    }
    return error_names[kind];
}

/* nearcore's WasmTrap variant for an engine trap kind. */
static const char *wasm_trap_name(enum vm_trap_kind k)
{
    switch (k) {
    case VM_TRAP_UNREACHABLE:
        return "Unreachable";
    case VM_TRAP_MEMORY_OOB:
        return "MemoryOutOfBounds";
    case VM_TRAP_TABLE_OOB:
    case VM_TRAP_UNDEFINED_ELEMENT:
        return "CallIndirectOOB";
    case VM_TRAP_DIV_ZERO:
    case VM_TRAP_INT_OVERFLOW:
    case VM_TRAP_INVALID_CONVERSION:
        return "IllegalArithmetic";
    case VM_TRAP_INDIRECT_MISMATCH:
        return "IncorrectCallIndirectSignature";
    case VM_TRAP_UNINITIALIZED_ELEMENT:
    case VM_TRAP_NULL_REFERENCE:
        return "IndirectCallToNull";
    case VM_TRAP_STACK_EXHAUSTED:
        return "StackOverflow";
    default:
        return "GenericTrap";
    }
}

static const char *wasm_trap_text(enum vm_trap_kind k)
{
    const char *n = wasm_trap_name(k);
    if (strcmp(n, "Unreachable") == 0) {
        return "An `unreachable` opcode was executed.";
    }
    if (strcmp(n, "MemoryOutOfBounds") == 0) {
        return "Memory out of bounds trap.";
    }
    if (strcmp(n, "CallIndirectOOB") == 0) {
        return "Call indirect out of bounds trap.";
    }
    if (strcmp(n, "IllegalArithmetic") == 0) {
        return "An arithmetic exception, e.g. divided by zero.";
    }
    if (strcmp(n, "IncorrectCallIndirectSignature") == 0) {
        return "Call indirect incorrect signature trap.";
    }
    if (strcmp(n, "IndirectCallToNull") == 0) {
        return "Indirect call to null.";
    }
    if (strcmp(n, "StackOverflow") == 0) {
        return "Stack overflow.";
    }
    return "Generic trap.";
}

/* nearcore's Display text of a PrepareError variant name. */
static const char *prepare_error_text(const char *name)
{
    static const struct {
        const char *name, *text;
    } texts[] = {
        {"Serialization", "Error happened while serializing the module."},
        {"Deserialization", "Error happened while deserializing the module."},
        {"InternalMemoryDeclared", "Internal memory declaration has been found in the module."},
        {"GasInstrumentation", "Gas instrumentation failed."},
        {"StackHeightInstrumentation", "Stack instrumentation failed."},
        {"Instantiate", "Error happened during instantiation."},
        {"Memory", "Error creating memory."},
        {"TooManyFunctions", "Too many functions in contract."},
        {"TooManyLocals", "Too many locals declared in the contract."},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (strcmp(texts[i].name, name) == 0) {
            return texts[i].text;
        }
    }
    return name;
}

int logic_error_format(const struct logic_error *e, struct yb_buf *b)
{
    const char *m = e->msg ? e->msg : "";
    unsigned long long a = e->a, lim = e->b;
    switch (e->kind) {
    case LOGIC_ERR_NONE:
        return yb_buf_append_str(b, "");
    case LOGIC_ERR_COMPILATION:
        return yb_buf_printf(b, "PrepareError: %s", prepare_error_text(m));
    case LOGIC_ERR_LINK:
        return yb_buf_append_str(b, m);
    case LOGIC_ERR_METHOD_EMPTY_NAME:
    case LOGIC_ERR_METHOD_NOT_FOUND:
    case LOGIC_ERR_METHOD_INVALID_SIGNATURE:
        return yb_buf_append_str(b, logic_error_name(e->kind));
    case LOGIC_ERR_WASM_TRAP:
        return yb_buf_printf(b, "WebAssembly trap: %s", wasm_trap_text(e->trap));
    case LOGIC_ERR_BAD_UTF16:
        return yb_buf_append_str(b, "String encoding is bad UTF-16 sequence.");
    case LOGIC_ERR_BAD_UTF8:
        return yb_buf_append_str(b, "String encoding is bad UTF-8 sequence.");
    case LOGIC_ERR_GAS_EXCEEDED:
        return yb_buf_append_str(b, "Exceeded the prepaid gas.");
    case LOGIC_ERR_GAS_LIMIT_EXCEEDED:
        return yb_buf_append_str(
            b, "Exceeded the maximum amount of gas allowed to burn per contract.");
    case LOGIC_ERR_BALANCE_EXCEEDED:
        return yb_buf_append_str(b, "Exceeded the account balance.");
    case LOGIC_ERR_EMPTY_METHOD_NAME:
        return yb_buf_append_str(b, "Tried to call an empty method name.");
    case LOGIC_ERR_GUEST_PANIC:
        return yb_buf_printf(b, "Smart contract panicked: %s", m);
    case LOGIC_ERR_INTEGER_OVERFLOW:
        return yb_buf_append_str(b, "Integer overflow.");
    case LOGIC_ERR_INVALID_PROMISE_INDEX:
        return yb_buf_printf(b, "%llu does not correspond to existing promises", a);
    case LOGIC_ERR_CANNOT_APPEND_ACTION_TO_JOINT_PROMISE:
        return yb_buf_append_str(b, "Actions can only be appended to non-joint promise.");
    case LOGIC_ERR_CANNOT_RETURN_JOINT_PROMISE:
        return yb_buf_append_str(b, "Returning joint promise is currently prohibited.");
    case LOGIC_ERR_INVALID_PROMISE_RESULT_INDEX:
        return yb_buf_printf(b, "Accessed invalid promise result index: %llu", a);
    case LOGIC_ERR_INVALID_REGISTER_ID:
        return yb_buf_printf(b, "Accessed invalid register id: %llu", a);
    case LOGIC_ERR_MEMORY_ACCESS_VIOLATION:
        return yb_buf_append_str(b, "Accessed memory outside the bounds.");
    case LOGIC_ERR_INVALID_ACCOUNT_ID:
        return yb_buf_append_str(b, "VM Logic returned an invalid account id");
    case LOGIC_ERR_INVALID_METHOD_NAME:
        return yb_buf_append_str(b, "VM Logic returned an invalid method name");
    case LOGIC_ERR_INVALID_PUBLIC_KEY:
        return yb_buf_append_str(b, "VM Logic provided an invalid public key");
    case LOGIC_ERR_PROHIBITED_IN_VIEW:
        return yb_buf_printf(b, "%s is not allowed in view calls", m);
    case LOGIC_ERR_NUMBER_OF_LOGS_EXCEEDED:
        return yb_buf_printf(b, "The number of logs will exceed the limit %llu", lim);
    case LOGIC_ERR_KEY_LENGTH_EXCEEDED:
        return yb_buf_printf(b, "The length of a storage key %llu exceeds the limit %llu", a, lim);
    case LOGIC_ERR_VALUE_LENGTH_EXCEEDED:
        return yb_buf_printf(b, "The length of a storage value %llu exceeds the limit %llu", a,
                             lim);
    case LOGIC_ERR_TOTAL_LOG_LENGTH_EXCEEDED:
        return yb_buf_printf(b, "The length of a log message %llu exceeds the limit %llu", a, lim);
    case LOGIC_ERR_NUMBER_PROMISES_EXCEEDED:
        return yb_buf_printf(
            b, "The number of promises within a FunctionCall %llu exceeds the limit %llu", a, lim);
    case LOGIC_ERR_NUMBER_INPUT_DATA_DEPENDENCIES_EXCEEDED:
        return yb_buf_printf(b, "The number of input data dependencies %llu exceeds the limit %llu",
                             a, lim);
    case LOGIC_ERR_RETURNED_VALUE_LENGTH_EXCEEDED:
        return yb_buf_printf(b, "The length of a returned value %llu exceeds the limit %llu", a,
                             lim);
    case LOGIC_ERR_ED25519_VERIFY_INVALID_INPUT:
        return yb_buf_printf(b, "ED25519 signature verification error: %s", m);
    case LOGIC_ERR_CONTRACT_SIZE_EXCEEDED:
        return yb_buf_printf(
            b, "The size of a contract code in DeployContract action %llu exceeds the limit %llu",
            a, lim);
    case LOGIC_ERR_YIELD_PAYLOAD_LENGTH:
        return yb_buf_printf(
            b, "Yield resume payload is %llu bytes which exceeds the %llu byte limit", a, lim);
    case LOGIC_ERR_DATA_ID_MALFORMED:
        return yb_buf_append_str(b, "yield resumption token is malformed");
    case LOGIC_ERR_CANNOT_SET_REFUND_TO_ON_JOINT_PROMISE:
        return yb_buf_append_str(b, "Cannot set refund_to on a joint promise.");
    case LOGIC_ERR_ECRECOVER_ERROR:
        return yb_buf_printf(b, "ECDSA recover error: %s", m);
    case LOGIC_ERR_DEPRECATED:
        return yb_buf_printf(b, "Attempted to call deprecated host function %s", m);
    case LOGIC_ERR_YIELD_ID_MALFORMED:
        return yb_buf_append_str(b, "Yield id is malformed");
    default:
        return yb_buf_append_str(b, logic_error_name(e->kind));
    }
}

cJSON *logic_error_to_json(const struct logic_error *e)
{
    if (e->kind == LOGIC_ERR_NONE) {
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    switch (e->kind) {
    case LOGIC_ERR_COMPILATION: {
        cJSON *c = cJSON_AddObjectToObject(o, "CompilationError");
        cJSON_AddStringToObject(c, "PrepareError", e->msg ? e->msg : "Deserialization");
        return o;
    }
    case LOGIC_ERR_LINK: {
        /* nearcore collapses link errors into ExecutionError with this prefix. */
        struct yb_buf b;
        yb_buf_init(&b, 1 << 16);
        yb_buf_printf(&b, "Link Error: %s", e->msg ? e->msg : "");
        cJSON_AddStringToObject(o, "ExecutionError", b.data ? (const char *)b.data : "");
        yb_buf_fini(&b);
        return o;
    }
    case LOGIC_ERR_WASM_TRAP:
        /* Traps keep their own variant: {"WasmTrap":"Unreachable"}. */
        cJSON_AddStringToObject(o, "WasmTrap", wasm_trap_name(e->trap));
        return o;
    case LOGIC_ERR_METHOD_EMPTY_NAME:
    case LOGIC_ERR_METHOD_NOT_FOUND:
    case LOGIC_ERR_METHOD_INVALID_SIGNATURE:
        cJSON_AddStringToObject(o, "MethodResolveError", logic_error_name(e->kind));
        return o;
    default: {
        /* Host errors reach RPC as their Display text (near-rpc.md §8.9; nearcore's
         * function_call_error conversion collapses them into ExecutionError). */
        struct yb_buf b;
        yb_buf_init(&b, 1 << 16);
        logic_error_format(e, &b);
        cJSON_AddStringToObject(o, "ExecutionError", b.data ? (const char *)b.data : "");
        yb_buf_fini(&b);
        return o;
    }
    }
}
