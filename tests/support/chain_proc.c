/*
 * chain_proc.c — runs the real yb-chain for integration tests (see chain_proc.h).
 */
#define _GNU_SOURCE /* mkdtemp, kill */
#include "chain_proc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <stdbool.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "err.h"

#define BODY_MAX (1u << 20)

/* True when nothing listens on (or holds) 127.0.0.1:port right now. */
static bool port_free(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/*
 * Ports are picked below the kernel's ephemeral range (ip_local_port_range starts at 32768 by
 * default): a port from bind(0) is an ephemeral one, which any outgoing connection of another
 * test (a curl client, an nng dialer) may take as its source port between the pick and the
 * listen. A per-process random start keeps parallel tests apart.
 */
unsigned chain_proc_free_port(void)
{
    static unsigned next;
    if (next == 0) {
        uint8_t r[2] = {0, 0};
        if (crypto_init() == YB_OK) {
            crypto_random(r, sizeof r);
        }
        next = 20000 + (((unsigned)r[0] << 8 | r[1]) % 12000);
    }
    for (int tries = 0; tries < 2000; tries++) {
        unsigned port = next;
        next = next + 1 >= 32000 ? 20000 : next + 1;
        if (port_free(port)) {
            return port;
        }
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* fork + exec argv with stderr (and stdout) appended to HOME/yb-chain.log. */
static pid_t spawn(const struct chain_proc *p, char *const argv[])
{
    char log[320];
    snprintf(log, sizeof log, "%s/yb-chain.log", p->home);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    /* A test that crashes or is killed by ctest's timeout must not leave a chain running:
     * the kernel sends SIGKILL when the forking thread exits. (The check after covers a parent
     * that died before prctl.) */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127);
    }
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execv(argv[0], argv);
    _exit(127);
}

static void print_log_tail(const struct chain_proc *p)
{
    char path[320];
    snprintf(path, sizeof path, "%s/yb-chain.log", p->home);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return;
    }
    static char tail[4096];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0, SEEK_SET);
    size_t n = fread(tail, 1, sizeof tail - 1, f);
    tail[n] = '\0';
    fclose(f);
    fprintf(stderr, "---- tail of %s ----\n%s\n----\n", path, tail);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    return yb_buf_append(arg, data, size * n) == YB_OK ? size * n : 0;
}

int chain_proc_http_get(const struct chain_proc *p, const char *path, long *status, char **body)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", p->rpc_url, path);
    struct yb_buf b;
    yb_buf_init(&b, BODY_MAX);
    CURL *c = curl_easy_init();
    if (c == NULL) {
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        yb_buf_fini(&b);
        return -1;
    }
    *status = code;
    yb_buf_append_byte(&b, 0);
    size_t len;
    *body = (char *)yb_buf_steal(&b, &len);
    return 0;
}

int chain_proc_rpc(const struct chain_proc *p, const char *body, long *status, char **out)
{
    struct yb_buf b;
    yb_buf_init(&b, BODY_MAX);
    CURL *c = curl_easy_init();
    if (c == NULL) {
        return -1;
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, p->rpc_url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        yb_buf_fini(&b);
        return -1;
    }
    *status = code;
    yb_buf_append_byte(&b, 0);
    size_t len;
    *out = (char *)yb_buf_steal(&b, &len);
    return 0;
}

/* Starts `run` and waits for /healthz 200 while the child is alive. */
static int run_and_wait(struct chain_proc *p)
{
    char bt[32], yt[32];
    const char *argv[64];
    size_t n = 0;
    argv[n++] = p->binary;
    argv[n++] = "run";
    argv[n++] = "--home";
    argv[n++] = p->home;
    argv[n++] = "--rpc";
    argv[n++] = p->rpc_addr;
    argv[n++] = "--events";
    argv[n++] = p->events_url;
    argv[n++] = "--mode";
    argv[n++] = p->opts.mode ? p->opts.mode : "manual";
    if (p->opts.block_time_ms) {
        snprintf(bt, sizeof bt, "%u", p->opts.block_time_ms);
        argv[n++] = "--block-time";
        argv[n++] = bt;
    }
    if (p->opts.yield_timeout) {
        snprintf(yt, sizeof yt, "%u", p->opts.yield_timeout);
        argv[n++] = "--yield-timeout";
        argv[n++] = yt;
    }
    for (size_t i = 0; p->opts.args && p->opts.args[i] && n < 62; i++) {
        argv[n++] = p->opts.args[i];
    }
    argv[n] = NULL;
    p->pid = spawn(p, (char *const *)argv);
    if (p->pid < 0) {
        p->pid = 0;
        return -1;
    }
    int64_t deadline = now_ms() + CHAIN_PROC_READY_MS;
    while (now_ms() < deadline) {
        int st;
        if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
            fprintf(stderr, "chain_proc: yb-chain run exited early (status %d)\n", st);
            p->pid = 0;
            print_log_tail(p);
            return -1;
        }
        long status = 0;
        char *body = NULL;
        if (chain_proc_http_get(p, "/healthz", &status, &body) == 0) {
            free(body);
            if (status == 200) {
                return 0;
            }
        }
        usleep(20 * 1000);
    }
    fprintf(stderr, "chain_proc: /healthz not ready after %d ms\n", CHAIN_PROC_READY_MS);
    print_log_tail(p);
    return -1;
}

int chain_proc_start(struct chain_proc *p, const struct chain_proc_opts *opts)
{
    memset(p, 0, sizeof *p);
    if (opts != NULL) {
        p->opts = *opts;
    }
    const char *bin = p->opts.binary ? p->opts.binary : getenv("YB_CHAIN");
    if (bin == NULL) {
        fprintf(stderr, "chain_proc: set $YB_CHAIN to the yb-chain binary\n");
        return -1;
    }
    snprintf(p->binary, sizeof p->binary, "%s", bin);
    const char *tmp = getenv("TMPDIR");
    snprintf(p->home, sizeof p->home, "%s/yb-chain-test-XXXXXX", tmp ? tmp : "/tmp");
    if (mkdtemp(p->home) == NULL) {
        perror("chain_proc: mkdtemp");
        p->home[0] = '\0';
        return -1;
    }
    unsigned rpc = chain_proc_free_port(), ev = chain_proc_free_port();
    snprintf(p->rpc_addr, sizeof p->rpc_addr, "127.0.0.1:%u", rpc);
    snprintf(p->rpc_url, sizeof p->rpc_url, "http://127.0.0.1:%u", rpc);
    snprintf(p->events_url, sizeof p->events_url, "tcp://127.0.0.1:%u", ev);

    char *const init[] = {p->binary, "init", "--home", p->home, "--force", NULL};
    pid_t pid = spawn(p, init);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "chain_proc: yb-chain init failed (status %d)\n", st);
        print_log_tail(p);
        chain_proc_cleanup(p);
        return -1;
    }
    if (run_and_wait(p) != 0) {
        chain_proc_cleanup(p);
        return -1;
    }
    return 0;
}

int chain_proc_restart(struct chain_proc *p)
{
    if (p->pid != 0) {
        chain_proc_signal(p, SIGKILL);
    }
    return run_and_wait(p);
}

int chain_proc_signal(struct chain_proc *p, int sig)
{
    if (p->pid == 0) {
        return -1;
    }
    kill(p->pid, sig);
    int st = 0;
    while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
    }
    p->pid = 0;
    return st;
}

int chain_proc_key(const struct chain_proc *p, const char *account, struct keyfile *out)
{
    int rc = crypto_init();
    if (rc != YB_OK) {
        return rc;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/keys/%s.json", p->home, account);
    return keyfile_read(path, out);
}

/* Removes the home: a fixed, shallow layout (files, keys/, data/) made by yb-chain init. */
static void remove_tree(const char *dir)
{
    char *const argv[] = {"/bin/rm", "-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        waitpid(pid, &st, 0);
    }
}

void chain_proc_cleanup(struct chain_proc *p)
{
    if (p->pid != 0) {
        chain_proc_signal(p, SIGKILL);
    }
    if (p->home[0] != '\0' && getenv("YB_KEEP_HOME") == NULL) {
        remove_tree(p->home);
    }
    p->home[0] = '\0';
}
