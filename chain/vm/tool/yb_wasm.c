/*
 * yb_wasm.c — the `yb-wasm` command: run or validate one .wasm file, or run spec test scripts.
 *
 *   yb-wasm run [--stats] [--gas-limit N] [--near] FILE.wasm FUNC [ARGS...]
 *   yb-wasm validate [--near] FILE.wasm
 *   yb-wasm spec [-v] FILE.json|DIR...
 *
 * Exit codes: 0 success, 1 load/link/usage error or failed spec checks, 2 the code trapped.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "mem.h"
#include "spec.h"
#include "vm.h"

#define EXIT_TRAP 2
/* Per-script wall-clock limit of `spec`: a hung engine is reported, not waited for forever. */
#define SPEC_SCRIPT_SECONDS 120
/* Most scripts `spec DIR` will run (the suite has 69). */
#define SPEC_MAX_SCRIPTS 4096

static const char usage_main[] =
    "usage: yb-wasm COMMAND [OPTIONS] ...\n"
    "\n"
    "Run, validate or spec-test WebAssembly with yieldbox's engine.\n"
    "\n"
    "commands:\n"
    "  run FILE.wasm FUNC [ARGS...]   call an exported function and print its results\n"
    "  validate FILE.wasm             decode + validate; print imports and exports\n"
    "  spec FILE.json|DIR...          run WebAssembly spec test scripts (wast2json format)\n"
    "\n"
    "`yb-wasm COMMAND --help` describes each command.\n";

static const char usage_run[] =
    "usage: yb-wasm run [--stats] [--gas-limit N] [--near] FILE.wasm FUNC [ARGS...]\n"
    "\n"
    "Loads FILE.wasm, instantiates it (no host imports are provided: a module that imports\n"
    "anything fails, naming the import), calls the export FUNC and prints each result on its\n"
    "own line (i32/i64 as unsigned decimal, f32/f64 as decimal).\n"
    "\n"
    "ARGS follow the function's parameter types: i32/i64 as signed or unsigned decimal or 0x\n"
    "hex, f32/f64 as decimal (inf, nan accepted). Options may come anywhere; `--` ends them.\n"
    "\n"
    "options:\n"
    "  --stats         print metered instructions (gas / op cost), gas used, wall and CPU time of\n"
    "                  the call to stderr\n"
    "  --gas-limit N   trap with \"out of gas\" once N gas is burnt (default: unlimited)\n"
    "  --near          NEAR's limits: memory replaced by 1,024..2,048 pages, 64 params, 1 table\n"
    "\n"
    "exit: 0 ok, 1 load, link or usage error, 2 trap (kind, function index and offset printed)\n";

static const char usage_validate[] =
    "usage: yb-wasm validate [--near] FILE.wasm\n"
    "\n"
    "Decodes and validates FILE.wasm. Prints \"valid\" and its imports and exports, or the\n"
    "engine's error (section, function and offset) and exits 1.\n"
    "\n"
    "options:\n"
    "  --near   validate under NEAR's limits (64 params, 1 table, 10,000 table elements)\n";

static const char usage_spec[] =
    "usage: yb-wasm spec [-v] [--strict] FILE.json|DIR...\n"
    "\n"
    "Runs WebAssembly spec test scripts converted by wast2json (a DIR means every *.json in\n"
    "it). Each script runs in its own process with a time limit of 120 s. Prints every failed\n"
    "check as FILE.json:LINE: COMMAND: expected ..., got ...; then one line per script and, last,\n"
    "\"N passed, N failed\". Text-format modules (assert_malformed on .wat) are skipped and\n"
    "counted. Exit 1 if any check failed.\n"
    "\n"
    "options:\n"
    "  -v, --verbose   also print every passing check\n"
    "  --strict        assert_malformed must fail as malformed and assert_invalid as invalid\n"
    "                  (the engine's error class), not merely fail to load\n";

static bool is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

static const char *type_name(uint8_t t)
{
    switch (t) {
    case VM_I32:
        return "i32";
    case VM_I64:
        return "i64";
    case VM_F32:
        return "f32";
    case VM_F64:
        return "f64";
    case VM_FUNCREF:
        return "funcref";
    case VM_EXTERNREF:
        return "externref";
    }
    return "?";
}

static void print_functype(FILE *out, const struct vm_functype *t)
{
    fputc('(', out);
    for (uint32_t i = 0; i < t->nparams; i++) {
        fprintf(out, "%s%s", i ? ", " : "", type_name(t->params[i]));
    }
    fputs(") -> (", out);
    for (uint32_t i = 0; i < t->nresults; i++) {
        fprintf(out, "%s%s", i ? ", " : "", type_name(t->results[i]));
    }
    fputc(')', out);
}

static void print_externtype(FILE *out, const struct vm_externtype *t)
{
    switch (t->kind) {
    case VM_EXTERN_FUNC:
        fputs("func ", out);
        print_functype(out, &t->func);
        break;
    case VM_EXTERN_TABLE:
        fprintf(out, "table %s %" PRIu32, type_name(t->elemtype), t->limits.min);
        if (t->limits.has_max) {
            fprintf(out, "..%" PRIu32, t->limits.max);
        }
        fputs(" elements", out);
        break;
    case VM_EXTERN_MEMORY:
        fprintf(out, "memory %" PRIu32, t->limits.min);
        if (t->limits.has_max) {
            fprintf(out, "..%" PRIu32, t->limits.max);
        }
        fputs(" pages", out);
        break;
    case VM_EXTERN_GLOBAL:
        fprintf(out, "global %s%s", t->mutable_ ? "mut " : "", type_name(t->valtype));
        break;
    }
}

/* ---- loading ---- */

static int load_file(const char *path, const struct vm_config *cfg, struct vm_module **out)
{
    uint8_t *code = NULL;
    size_t len = 0;
    struct vm_error err;
    int rc = spec_read_file(path, SPEC_MAX_MODULE_BYTES, &code, &len);
    if (rc != YB_OK) {
        fprintf(stderr, "yb-wasm: cannot read %s: %s\n", path, yb_err_str(rc));
        return rc;
    }
    memset(&err, 0, sizeof(err));
    rc = vm_module_load(cfg, code, len, out, &err);
    free(code);
    if (rc != YB_OK) {
        fprintf(stderr, "yb-wasm: %s: %s: %s\n", path, yb_err_str(rc),
                err.msg[0] ? err.msg : yb_err_name(rc));
    }
    return rc;
}

/* `run` provides no host: every import is unknown, and the engine's link error names it. */
static int resolve_nothing(void *ctx, struct vm_store *s, const char *module_name, const char *name,
                           const struct vm_externtype *type, struct vm_extern *out)
{
    return YB_ENOTFOUND;
}

static void print_trap(const char *what, const struct vm_trap *t)
{
    fprintf(stderr, "yb-wasm: %s: trap: %s", what, vm_trap_kind_str(t->kind));
    if (t->msg[0] != '\0' && strcmp(t->msg, vm_trap_kind_str(t->kind)) != 0) {
        fprintf(stderr, " (%s)", t->msg);
    }
    if (t->func_index != UINT32_MAX) {
        fprintf(stderr, " in function %" PRIu32 " at offset 0x%" PRIx32, t->func_index, t->offset);
    }
    fputc('\n', stderr);
}

/* ---- run ---- */

/* Integers: optional '-', then decimal or 0x hex; must fit the type as signed or unsigned. */
static int parse_int(const char *s, unsigned bits, uint64_t *out)
{
    bool neg = s[0] == '-';
    const char *p = neg ? s + 1 : s;
    int base = 10;
    char *end = NULL;
    uint64_t mag;
    uint64_t umax = bits == 32 ? UINT32_MAX : UINT64_MAX;
    uint64_t nmax = bits == 32 ? (uint64_t)1 << 31 : (uint64_t)1 << 63; /* |min signed| */

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    /* strtoull would also take spaces and a sign here. */
    if (!isxdigit((unsigned char)*p)) {
        return YB_ENUMBER;
    }
    errno = 0;
    mag = strtoull(p, &end, base);
    if (errno != 0 || *end != '\0' || mag > (neg ? nmax : umax)) {
        return YB_ENUMBER;
    }
    *out = neg ? (0 - mag) & umax : mag;
    return YB_OK;
}

static int parse_arg(const char *s, uint8_t type, union vm_value *v)
{
    char *end = NULL;
    uint64_t u;
    memset(v, 0, sizeof(*v));
    switch (type) {
    case VM_I32:
        if (parse_int(s, 32, &u) != YB_OK) {
            return YB_ENUMBER;
        }
        v->i32 = (uint32_t)u;
        return YB_OK;
    case VM_I64:
        return parse_int(s, 64, &v->i64);
    case VM_F32:
        errno = 0;
        v->f32 = strtof(s, &end);
        return (end == s || *end != '\0' || errno == EINVAL) ? YB_ENUMBER : YB_OK;
    case VM_F64:
        errno = 0;
        v->f64 = strtod(s, &end);
        return (end == s || *end != '\0' || errno == EINVAL) ? YB_ENUMBER : YB_OK;
    }
    return YB_ENOTSUP;
}

static void print_result(uint8_t type, union vm_value v)
{
    switch (type) {
    case VM_I32:
        printf("%" PRIu32 "\n", v.i32);
        break;
    case VM_I64:
        printf("%" PRIu64 "\n", v.i64);
        break;
    case VM_F32:
        printf("%.9g\n", (double)v.f32);
        break;
    case VM_F64:
        printf("%.17g\n", v.f64);
        break;
    default:
        if (v.ref == 0) {
            printf("%s:null\n", type_name(type));
        } else {
            printf("%s:0x%" PRIx64 "\n", type_name(type), v.ref);
        }
    }
}

struct run_opts {
    bool stats;
    bool near;
    bool has_gas_limit;
    uint64_t gas_limit;
};

static void print_stats(const struct vm_config *cfg, struct vm_store *s, double load_s,
                        double call_s, double cpu_s)
{
    uint64_t gas = vm_store_gas_used(s);
    fprintf(stderr,
            "instructions: %" PRIu64 " (metered: gas / op cost %" PRIu64
            "; block, end, else are free)\n",
            cfg->op_cost ? gas / cfg->op_cost : 0, cfg->op_cost);
    fprintf(stderr, "gas: %" PRIu64 "\n", gas);
    fprintf(stderr, "load: %.6f s (decode, validate, compile, instantiate)\n", load_s);
    fprintf(stderr, "time: %.6f s\n", call_s);
    /* CPU time of the call: on a shared machine it moves less than wall time. */
    fprintf(stderr, "cpu: %.6f s\n", cpu_s);
}

static int call_export(struct vm_store *s, struct vm_instance *inst, const char *func, char **argv,
                       int argc, const struct vm_config *cfg, const struct run_opts *o,
                       double load_s)
{
    struct vm_extern ext;
    struct vm_functype ft;
    struct vm_trap trap;
    union vm_value *args;
    union vm_value *results;
    double t0;
    double t1;
    double c0;
    double c1;
    int rc;

    if (vm_instance_export(inst, func, &ext) != YB_OK || ext.kind != VM_EXTERN_FUNC) {
        fprintf(stderr, "yb-wasm: no exported function \"%s\" (see yb-wasm validate)\n", func);
        return EXIT_FAILURE;
    }
    vm_func_type(ext.u.func, &ft);
    if ((uint32_t)argc != ft.nparams) {
        fprintf(stderr, "yb-wasm: %s takes %" PRIu32 " argument(s), %d given: ", func, ft.nparams,
                argc);
        print_functype(stderr, &ft);
        fputc('\n', stderr);
        return EXIT_FAILURE;
    }
    args = yb_xcalloc((size_t)ft.nparams + 1, sizeof(*args));
    results = yb_xcalloc((size_t)ft.nresults + 1, sizeof(*results));
    for (int i = 0; i < argc; i++) {
        if (parse_arg(argv[i], ft.params[i], &args[i]) != YB_OK) {
            fprintf(stderr, "yb-wasm: argument %d \"%s\" is not a valid %s\n", i + 1, argv[i],
                    type_name(ft.params[i]));
            free(args);
            free(results);
            return EXIT_FAILURE;
        }
    }
    memset(&trap, 0, sizeof(trap));
    c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    t0 = now_seconds();
    rc = vm_func_call(s, ext.u.func, args, ft.nparams, results, ft.nresults, &trap);
    t1 = now_seconds();
    c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (rc == YB_OK) {
        for (uint32_t i = 0; i < ft.nresults; i++) {
            print_result(ft.results[i], results[i]);
        }
    } else if (rc == YB_EWASM_TRAP || rc == YB_EOUT_OF_GAS) {
        print_trap(func, &trap);
    } else {
        fprintf(stderr, "yb-wasm: %s: %s\n", func, yb_err_str(rc));
    }
    if (o->stats) {
        print_stats(cfg, s, load_s, t1 - t0, c1 - c0);
    }
    free(args);
    free(results);
    if (rc == YB_OK) {
        return EXIT_SUCCESS;
    }
    return (rc == YB_EWASM_TRAP || rc == YB_EOUT_OF_GAS) ? EXIT_TRAP : EXIT_FAILURE;
}

static int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    struct vm_config cfg;
    struct vm_module *m = NULL;
    struct vm_store *s = NULL;
    struct vm_instance *inst = NULL;
    struct vm_error err;
    struct vm_trap trap;
    char **pos = yb_xcalloc((size_t)argc + 1, sizeof(*pos));
    int npos = 0;
    bool options_done = false;
    int rc = EXIT_FAILURE;
    int irc;
    double t0;

    /* Options may come anywhere (a negative number never starts with "--"); a bare "--" ends
     * them. Positionals: FILE, FUNC, then the function's arguments. */
    for (int i = 1; i < argc; i++) {
        if (options_done || strncmp(argv[i], "--", 2) != 0) {
            pos[npos++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            options_done = true;
        } else if (is_help(argv[i])) {
            fputs(usage_run, stdout);
            free(pos);
            return EXIT_SUCCESS;
        } else if (strcmp(argv[i], "--stats") == 0) {
            o.stats = true;
        } else if (strcmp(argv[i], "--near") == 0) {
            o.near = true;
        } else if (strcmp(argv[i], "--gas-limit") == 0 && i + 1 < argc) {
            if (parse_int(argv[++i], 64, &o.gas_limit) != YB_OK || argv[i][0] == '-') {
                fprintf(stderr, "yb-wasm: --gas-limit needs a non-negative integer\n");
                goto out;
            }
            o.has_gas_limit = true;
        } else {
            fprintf(stderr, "yb-wasm run: unknown option %s\n%s", argv[i], usage_run);
            goto out;
        }
    }
    if (npos < 2) {
        fputs(usage_run, stderr);
        goto out;
    }
    if (o.near) {
        vm_config_near(&cfg);
    } else {
        vm_config_default(&cfg);
    }
    t0 = now_seconds();
    if (load_file(pos[0], &cfg, &m) != YB_OK) {
        goto out;
    }
    if (vm_store_new(&cfg, &s) != YB_OK) {
        fprintf(stderr, "yb-wasm: cannot create a store\n");
        goto out;
    }
    vm_store_set_gas(s, o.has_gas_limit ? o.gas_limit : UINT64_MAX);
    memset(&err, 0, sizeof(err));
    memset(&trap, 0, sizeof(trap));
    irc = vm_instance_new(s, m, resolve_nothing, NULL, &inst, &err, &trap);
    switch (irc) {
    case YB_OK:
        rc = call_export(s, inst, pos[1], pos + 2, npos - 2, &cfg, &o, now_seconds() - t0);
        break;
    case YB_EWASM_TRAP:
    case YB_EOUT_OF_GAS:
        print_trap("instantiation", &trap);
        rc = EXIT_TRAP;
        break;
    default:
        fprintf(stderr, "yb-wasm: %s: %s: %s\n", pos[0], yb_err_str(irc),
                err.msg[0] ? err.msg : yb_err_name(irc));
    }
out:
    vm_store_free(s);
    vm_module_release(m);
    free(pos);
    return rc;
}

/* ---- validate ---- */

static int cmd_validate(int argc, char **argv)
{
    struct vm_config cfg;
    struct vm_module *m = NULL;
    const char *file = NULL;
    bool near = false;

    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_validate, stdout);
            return EXIT_SUCCESS;
        } else if (strcmp(argv[i], "--near") == 0) {
            near = true;
        } else if (file == NULL && strncmp(argv[i], "--", 2) != 0) {
            file = argv[i];
        } else {
            fprintf(stderr, "yb-wasm validate: unexpected %s\n%s", argv[i], usage_validate);
            return EXIT_FAILURE;
        }
    }
    if (file == NULL) {
        fputs(usage_validate, stderr);
        return EXIT_FAILURE;
    }
    if (near) {
        vm_config_near(&cfg);
    } else {
        vm_config_default(&cfg);
    }
    if (load_file(file, &cfg, &m) != YB_OK) {
        return EXIT_FAILURE;
    }
    printf("valid\n");
    printf("imports: %" PRIu32 "\n", vm_module_import_count(m));
    for (uint32_t i = 0; i < vm_module_import_count(m); i++) {
        const char *mod = NULL;
        const char *name = NULL;
        struct vm_externtype t;
        if (vm_module_import(m, i, &mod, &name, &t) == YB_OK) {
            printf("  %s.%s: ", mod, name);
            print_externtype(stdout, &t);
            putchar('\n');
        }
    }
    printf("exports: %" PRIu32 "\n", vm_module_export_count(m));
    for (uint32_t i = 0; i < vm_module_export_count(m); i++) {
        const char *name = NULL;
        struct vm_externtype t;
        if (vm_module_export(m, i, &name, &t) == YB_OK) {
            printf("  %s: ", name);
            print_externtype(stdout, &t);
            putchar('\n');
        }
    }
    vm_module_release(m);
    return EXIT_SUCCESS;
}

/* ---- spec ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends DIR/\*.json (sorted) or FILE to the list. */
static int collect_scripts(const char *arg, char ***list, size_t *n)
{
    DIR *d = opendir(arg);
    struct dirent *e;
    size_t first = *n;
    if (d == NULL) {
        if (errno != ENOTDIR) {
            fprintf(stderr, "yb-wasm: %s: %s\n", arg, strerror(errno));
            return YB_EIO;
        }
        *list = yb_xrealloc(*list, (*n + 1) * sizeof(**list));
        (*list)[(*n)++] = yb_xstrdup(arg);
        return YB_OK;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[4096];
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
            continue;
        }
        if (*n >= SPEC_MAX_SCRIPTS ||
            (size_t)snprintf(path, sizeof(path), "%s/%s", arg, e->d_name) >= sizeof(path)) {
            closedir(d);
            return YB_ETOOBIG;
        }
        *list = yb_xrealloc(*list, (*n + 1) * sizeof(**list));
        (*list)[(*n)++] = yb_xstrdup(path);
    }
    closedir(d);
    qsort(*list + first, *n - first, sizeof(**list), cmp_str);
    return YB_OK;
}

/* Runs one script in a child process, so that a crash or hang in the engine costs one script,
 * not the whole suite. The child sends its counts through a pipe and exits through exit() so
 * LeakSanitizer still checks it. */
static void run_script_isolated(const char *path, bool verbose, bool strict,
                                struct spec_counts *total)
{
    struct spec_counts c = {0};
    int fds[2];
    int status = 0;
    pid_t pid;
    ssize_t got;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) != 0 || (pid = fork()) < 0) {
        fprintf(stdout, "%s: cannot start a process: %s\n", base, strerror(errno));
        total->failed++;
        return;
    }
    if (pid == 0) {
        struct spec_options opt = {.out = stdout, .verbose = verbose, .strict = strict};
        close(fds[0]);
        /* Line-buffered, so the failures printed before a crash are not lost with it. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        alarm(SPEC_SCRIPT_SECONDS);
        spec_run_file(path, &opt, &c);
        fflush(stdout);
        if (write(fds[1], &c, sizeof(c)) != (ssize_t)sizeof(c)) {
            exit(3);
        }
        close(fds[1]);
        exit(0);
    }
    close(fds[1]);
    got = read(fds[0], &c, sizeof(c));
    close(fds[0]);
    waitpid(pid, &status, 0);
    if (got != (ssize_t)sizeof(c)) {
        memset(&c, 0, sizeof(c));
    }
    if (WIFSIGNALED(status)) {
        printf("%s: CRASHED (%s)%s; with `yb-wasm spec -v %s` it is the command after the last "
               "line printed\n",
               base, strsignal(WTERMSIG(status)),
               WTERMSIG(status) == SIGALRM ? ": over the time limit" : "", path);
        c.failed++;
    } else if (WEXITSTATUS(status) != 0) {
        printf("%s: process exited with status %d (a sanitizer report above?)\n", base,
               WEXITSTATUS(status));
        c.failed++;
    }
    printf("%s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", base, c.passed,
           c.failed, c.skipped);
    total->passed += c.passed;
    total->failed += c.failed;
    total->skipped += c.skipped;
}

static int cmd_spec(int argc, char **argv)
{
    struct spec_counts total = {0};
    bool verbose = false;
    bool strict = false;
    char **scripts = NULL;
    size_t n = 0;
    int rc = YB_OK;

    for (int i = 1; i < argc && rc == YB_OK; i++) {
        if (is_help(argv[i])) {
            fputs(usage_spec, stdout);
            goto out;
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            verbose = true;
        } else if (strcmp(argv[i], "--strict") == 0) {
            strict = true;
        } else if (strncmp(argv[i], "--", 2) == 0) {
            fprintf(stderr, "yb-wasm spec: unknown option %s\n%s", argv[i], usage_spec);
            rc = YB_EINVAL;
        } else {
            rc = collect_scripts(argv[i], &scripts, &n);
        }
    }
    if (rc != YB_OK || n == 0) {
        if (rc == YB_OK) {
            fputs(usage_spec, stderr);
        }
        rc = YB_EINVAL;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        run_script_isolated(scripts[i], verbose, strict, &total);
    }
    printf("%zu scripts; %" PRIu64 " skipped (text-format modules)\n", n, total.skipped);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", total.passed, total.failed);
    if (total.failed > 0) {
        rc = YB_EWASM_TRAP;
    }
out:
    for (size_t i = 0; i < n; i++) {
        free(scripts[i]);
    }
    free(scripts);
    return rc == YB_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    if (strcmp(argv[1], "run") == 0) {
        return cmd_run(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "validate") == 0) {
        return cmd_validate(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "spec") == 0) {
        return cmd_spec(argc - 1, argv + 1);
    }
    fprintf(stderr, "yb-wasm: unknown command \"%s\"\n%s", argv[1], usage_main);
    return EXIT_FAILURE;
}
