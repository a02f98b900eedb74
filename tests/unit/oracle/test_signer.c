/*
 * test_signer.c — oracle/signer: a signed respond decodes back to the transaction meant
 * (signer, receiver, method, args, gas, block hash) and verifies; nonces count up locally and
 * recover past the access key's nonce after InvalidNonce without ever going back; the key file
 * must belong to the configured account.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "crypto.h"
#include "err.h"
#include "keyfile.h"
#include "signer.h"
#include "tx.h"

struct fixture {
    char path[64];
    struct signer s;
};

static int setup(void **state)
{
    if (crypto_init() != YB_OK) {
        return -1;
    }
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/yb-signer-XXXXXX");
    int fd = mkstemp(f->path);
    close(fd);
    struct keyfile kf;
    uint8_t seed[32];
    memset(seed, 7, sizeof seed);
    if (keyfile_from_seed(&kf, "oracle.test.near", seed) != YB_OK ||
        keyfile_write(f->path, &kf) != YB_OK) {
        return -1;
    }
    keyfile_wipe(&kf);
    if (signer_init(&f->s, f->path, "oracle.test.near") != YB_OK) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    signer_fini(&f->s);
    unlink(f->path);
    free(f);
    return 0;
}

static struct tx_signed *sign(struct signer *s, uint64_t *nonce)
{
    uint8_t block[32];
    memset(block, 0xab, sizeof block);
    const char *args = "{\"yield_id\":\"x\",\"response\":\"4\"}";
    char *b64 = NULL;
    uint8_t hash[32];
    assert_int_equal(signer_function_call(s, "assistant.test.near", "respond", args, strlen(args),
                                          30000000000000ull, block, &b64, hash, nonce),
                     YB_OK);
    uint8_t raw[4096];
    size_t n = 0;
    assert_int_equal(base64_decode(b64, strlen(b64), raw, sizeof raw, &n), YB_OK);
    free(b64);
    struct tx_signed *st = NULL;
    assert_int_equal(tx_decode_signed(raw, n, &st), YB_OK);
    assert_memory_equal(st->hash, hash, 32);
    assert_int_equal(tx_signed_verify(st), YB_OK);
    return st;
}

static void signs_a_function_call(void **state)
{
    struct fixture *f = *state;
    uint64_t nonce = 0;
    char *b64 = NULL;
    uint8_t block[32] = {0};
    /* No nonce known yet: refuse rather than guess. */
    assert_int_equal(
        signer_function_call(&f->s, "a.near", "m", "{}", 2, 1, block, &b64, NULL, NULL), YB_EINVAL);
    signer_recover(&f->s, 41);
    struct tx_signed *st = sign(&f->s, &nonce);
    assert_int_equal(nonce, 42);
    assert_string_equal(st->tx.signer_id, "oracle.test.near");
    assert_string_equal(st->tx.receiver_id, "assistant.test.near");
    assert_int_equal(st->tx.nonce, 42);
    assert_int_equal(st->tx.n_actions, 1);
    assert_int_equal(st->tx.actions[0].type, TX_ACTION_FUNCTION_CALL);
    assert_string_equal(st->tx.actions[0].u.call.method_name, "respond");
    assert_int_equal(st->tx.actions[0].u.call.gas, 30000000000000ull);
    assert_true(st->tx.actions[0].u.call.deposit == 0);
    assert_int_equal(st->tx.block_hash[0], 0xab);
    tx_signed_free(st);
    char pk[NEAR_PUBKEY_STR_MAX];
    signer_public_key(&f->s, pk);
    assert_memory_equal(pk, "ed25519:", 8);
}

static void nonces_count_up_and_recover(void **state)
{
    struct fixture *f = *state;
    uint64_t nonce = 0;
    signer_recover(&f->s, 10);
    for (uint64_t want = 11; want <= 15; want++) {
        tx_signed_free(sign(&f->s, &nonce));
        assert_int_equal(nonce, want);
    }
    /* InvalidNonce said the key is at 30 (another sender): jump past it. */
    signer_recover(&f->s, 30);
    tx_signed_free(sign(&f->s, &nonce));
    assert_int_equal(nonce, 31);
    /* A stale, lower report never moves the counter back (that would reuse nonces). */
    signer_recover(&f->s, 12);
    tx_signed_free(sign(&f->s, &nonce));
    assert_int_equal(nonce, 32);
}

static void key_must_be_the_accounts(void **state)
{
    struct fixture *f = *state;
    struct signer other;
    assert_int_equal(signer_init(&other, f->path, "someone.test.near"), YB_ECONFIG);
    assert_int_equal(signer_init(&other, "/nonexistent/key.json", "oracle.test.near"),
                     YB_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(signs_a_function_call, setup, teardown),
        cmocka_unit_test_setup_teardown(nonces_count_up_and_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(key_must_be_the_accounts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
