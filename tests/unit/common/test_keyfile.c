/* NEAR credential files: parsing with cross-checks, atomic 0600 writes, size caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "err.h"
#include "keyfile.h"
#include "log.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 8032 §7.1 TEST 1 key pair, as NEAR strings (base58 computed independently). */
#define PK_STR "ed25519:FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"
#define SK_STR                                                                                     \
    "ed25519:"                                                                                     \
    "49W385L4rePHy6PAaQUovbD2aacgN4HsKXSMeUzRg4fmwXszN91JuMFrQRj3vMDpZuRF3ZknQBuRBoWQJEfXstMw"
/* The same seed with another key (near-rpc.md §5) as its public half. */
#define SK_MIXED                                                                                   \
    "ed25519:"                                                                                     \
    "49W385L4rePHy6PAaQUovbD2aacgN4HsKXSMeUzRg4fmrq8KfA8tZjobuprgzCXy4sDW9QpJ1hKJVzimK6EguADa"
#define OTHER_PK "ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC"

/* The NEAR-implicit account of PK_STR: the hex of its 32 bytes. */
#define IMPLICIT "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

static const char seed_hex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char pk_hex[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

static void hex(const char *s, uint8_t *out, size_t n)
{
    size_t got = 0;
    assert_int_equal(hex_decode(s, strlen(s), out, n, &got), YB_OK);
    assert_int_equal(got, n);
}

static void parses_near_cli_credentials(void **state)
{
    const char *text = "{\"account_id\":\"alice.test.near\",\"public_key\":\"" PK_STR
                       "\",\"private_key\":\"" SK_STR "\"}";
    struct keyfile kf;
    assert_int_equal(keyfile_parse(text, strlen(text), &kf), YB_OK);
    assert_string_equal(kf.account_id, "alice.test.near");
    uint8_t seed[32];
    uint8_t pk[32];
    hex(seed_hex, seed, 32);
    hex(pk_hex, pk, 32);
    assert_memory_equal(kf.pk, pk, 32);
    assert_memory_equal(kf.sk, seed, 32);
    assert_memory_equal(kf.sk + 32, pk, 32);
}

static void accepts_secret_key_in_place_of_private_key(void **state)
{
    const char *text =
        "{\"account_id\":\"bob.near\",\"public_key\":\"" PK_STR "\",\"secret_key\":\"" SK_STR "\"}";
    struct keyfile kf;
    assert_int_equal(keyfile_parse(text, strlen(text), &kf), YB_OK);
    assert_string_equal(kf.account_id, "bob.near");
}

static void ignores_the_extra_fields_near_cli_rs_writes(void **state)
{
    /* near-cli-rs adds seed-phrase fields, and may name the account by its implicit id. */
    const char *text = "{\"master_seed_phrase\":\"piano start page\","
                       "\"seed_phrase_hd_path\":\"m/44'/397'/0'\","
                       "\"implicit_account_id\":\"" IMPLICIT "\","
                       "\"account_id\":\"" IMPLICIT "\","
                       "\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR "\"}";
    struct keyfile kf;
    assert_int_equal(keyfile_parse(text, strlen(text), &kf), YB_OK);
    assert_string_equal(kf.account_id, IMPLICIT);
}

static void rejects_bad_credentials_with_named_errors(void **state)
{
    static const struct {
        const char *name;
        const char *text;
        int err;
    } cases[] = {
        {"not json", "account_id=alice", YB_EJSON},
        {"not an object", "[]", YB_EJSON_TYPE},
        {"no account", "{\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR "\"}",
         YB_EJSON_MISSING},
        {"no public key", "{\"account_id\":\"a.near\",\"private_key\":\"" SK_STR "\"}",
         YB_EJSON_MISSING},
        {"no secret", "{\"account_id\":\"a.near\",\"public_key\":\"" PK_STR "\"}",
         YB_EJSON_MISSING},
        {"account a number",
         "{\"account_id\":7,\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR "\"}",
         YB_EJSON_TYPE},
        {"private_key null",
         "{\"account_id\":\"a.near\",\"public_key\":\"" PK_STR "\",\"private_key\":null}",
         YB_EJSON_TYPE},
        {"upper-case account",
         "{\"account_id\":\"Alice.near\",\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR
         "\"}",
         YB_EACCOUNT_CHAR},
        {"one-letter account",
         "{\"account_id\":\"a\",\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR "\"}",
         YB_EACCOUNT_LEN},
        {"public key of another pair",
         "{\"account_id\":\"a.near\",\"public_key\":\"" OTHER_PK "\",\"private_key\":\"" SK_STR
         "\"}",
         YB_EBADKEY},
        {"secret halves disagree",
         "{\"account_id\":\"a.near\",\"public_key\":\"" OTHER_PK "\",\"private_key\":\"" SK_MIXED
         "\"}",
         YB_EBADKEY},
        {"public key given as secret",
         "{\"account_id\":\"a.near\",\"public_key\":\"" PK_STR "\",\"private_key\":\"" PK_STR "\"}",
         YB_EBADKEY},
        {"bad base58",
         "{\"account_id\":\"a.near\",\"public_key\":\"ed25519:0OIl\",\"private_key\":\"" SK_STR
         "\"}",
         YB_EBASE58},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct keyfile kf;
        memset(&kf, 0xaa, sizeof kf);
        int rc = keyfile_parse(cases[i].text, strlen(cases[i].text), &kf);
        if (rc != cases[i].err) {
            fail_msg("%s: %s, want %s", cases[i].name, yb_err_name(rc), yb_err_name(cases[i].err));
        }
    }
}

static void rejects_secp256k1_keys(void **state)
{
    const char *text =
        "{\"account_id\":\"a.near\",\"public_key\":\"secp256k1:"
        "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z\",\"private_key\":\"" SK_STR "\"}";
    struct keyfile kf;
    assert_int_equal(keyfile_parse(text, strlen(text), &kf), YB_EKEYTYPE);
}

static void format_then_parse_round_trips(void **state)
{
    uint8_t seed[32];
    hex(seed_hex, seed, 32);
    struct keyfile kf;
    assert_int_equal(keyfile_from_seed(&kf, "oracle.test.near", seed), YB_OK);
    char *text = NULL;
    assert_int_equal(keyfile_format(&kf, &text), YB_OK);
    assert_string_equal(text, "{\"account_id\":\"oracle.test.near\",\"public_key\":\"" PK_STR
                              "\",\"private_key\":\"" SK_STR "\"}");
    struct keyfile back;
    assert_int_equal(keyfile_parse(text, strlen(text), &back), YB_OK);
    assert_memory_equal(&back, &kf, sizeof kf);
    keyfile_free_text(text);

    /* A struct whose halves disagree is refused rather than written. */
    kf.pk[0] ^= 1;
    text = NULL;
    assert_int_equal(keyfile_format(&kf, &text), YB_EBADKEY);
    assert_null(text);
    assert_int_equal(keyfile_generate(&kf, "-bad"), YB_EACCOUNT_SEP);
    /* An account_id array with no NUL is refused, not overread. */
    assert_int_equal(keyfile_generate(&kf, "alice.near"), YB_OK);
    memset(kf.account_id, 'a', sizeof kf.account_id);
    assert_int_equal(keyfile_format(&kf, &text), YB_EACCOUNT_LEN);
}

/* ---- files ---- */

struct dir {
    char path[64];
};

static int make_dir(void **state)
{
    struct dir *d = calloc(1, sizeof *d);
    snprintf(d->path, sizeof d->path, "/tmp/yb-keyfile-XXXXXX");
    assert_non_null(mkdtemp(d->path));
    *state = d;
    return 0;
}

static int remove_dir(void **state)
{
    struct dir *d = *state;
    DIR *dh = opendir(d->path);
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] != '.') {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", d->path, e->d_name);
            unlink(p);
        }
    }
    closedir(dh);
    rmdir(d->path);
    free(d);
    return 0;
}

static int count_entries(const char *dir)
{
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(dh);
    return n;
}

static void write_is_0600_and_reads_back(void **state)
{
    struct dir *d = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/alice.json", d->path);
    /* An existing world-readable file is replaced by a private one. */
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    chmod(path, 0644);

    struct keyfile kf;
    assert_int_equal(keyfile_generate(&kf, "alice.test.near"), YB_OK);
    assert_int_equal(keyfile_write(path, &kf), YB_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_entries(d->path), 1); /* no temporary file left behind */

    struct keyfile back;
    assert_int_equal(keyfile_read(path, &back), YB_OK);
    assert_memory_equal(&back, &kf, sizeof kf);
    keyfile_wipe(&kf);
    const struct keyfile zero = {0};
    assert_memory_equal(&kf, &zero, sizeof kf);
}

static void read_errors_are_named(void **state)
{
    struct dir *d = *state;
    char path[128];
    struct keyfile kf;
    snprintf(path, sizeof path, "%s/missing.json", d->path);
    assert_int_equal(keyfile_read(path, &kf), YB_ENOTFOUND);
    assert_int_equal(keyfile_read(d->path, &kf), YB_EIO); /* a directory */

    snprintf(path, sizeof path, "%s/big.json", d->path);
    FILE *f = fopen(path, "w");
    for (int i = 0; i <= KEYFILE_MAX_SIZE; i++) {
        fputc(' ', f);
    }
    fclose(f);
    assert_int_equal(keyfile_read(path, &kf), YB_ETOOBIG);

    snprintf(path, sizeof path, "%s/empty.json", d->path);
    f = fopen(path, "w");
    fclose(f);
    chmod(path, 0600);
    assert_int_equal(keyfile_read(path, &kf), YB_EJSON);

    char nodir[160];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir/k.json", d->path);
    assert_int_equal(keyfile_generate(&kf, "alice.near"), YB_OK);
    assert_int_equal(keyfile_write(nodir, &kf), YB_ENOTFOUND);
}

static void group_readable_file_still_reads_with_a_warning(void **state)
{
    struct dir *d = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/open.json", d->path);
    FILE *f = fopen(path, "w");
    fputs("{\"account_id\":\"alice.near\",\"public_key\":\"" PK_STR "\",\"private_key\":\"" SK_STR
          "\"}\n",
          f);
    fclose(f);
    chmod(path, 0644);

    char *logged = NULL;
    size_t logged_len = 0;
    FILE *logf = open_memstream(&logged, &logged_len);
    log_set_output(logf);
    struct keyfile kf;
    assert_int_equal(keyfile_read(path, &kf), YB_OK);
    log_set_output(NULL);
    fclose(logf);
    assert_non_null(strstr(logged, "YB-KEYFILE-MODE"));
    free(logged);
}

int main(void)
{
    assert_int_equal(crypto_init(), YB_OK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_near_cli_credentials),
        cmocka_unit_test(accepts_secret_key_in_place_of_private_key),
        cmocka_unit_test(ignores_the_extra_fields_near_cli_rs_writes),
        cmocka_unit_test(rejects_bad_credentials_with_named_errors),
        cmocka_unit_test(rejects_secp256k1_keys),
        cmocka_unit_test(format_then_parse_round_trips),
        cmocka_unit_test_setup_teardown(write_is_0600_and_reads_back, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(read_errors_are_named, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(group_readable_file_still_reads_with_a_warning, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
