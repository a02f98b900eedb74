/* sha256 and ed25519 against known answers, including NEAR's signed-transaction vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "crypto.h"
#include "err.h"

/* near-rpc.md §5: the 124-byte Transfer transaction, its signer's key and its signature. */
static const char tx_hex[] = "09000000746573742e6e656172"
                             "00917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860d"
                             "0100000000000000"
                             "0d00000077686174657665722e6e656172"
                             "0fa473fd26901df296be6adc4cc4df34d040efa2435224b6986910e630c2fef6"
                             "010000000301000000000000000000000000000000";
static const char tx_sha256_hex[] =
    "eea6e680f3ea51a7f667e9a801d0bfadf66e03d41ed54975b3c6006351461b32";
static const char pk_b58[] = "Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC";
static const char sig_b58[] =
    "41eAXToSZSqFqHCDZKnK7QnYANgRY5mSgHz2P19NaLYqphwsdk4HA6QSd11kdKgqL4wa6hg7wvwt1V3wE6kbRxWt";

static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    assert_int_equal(hex_decode(hex, strlen(hex), out, cap, &n), YB_OK);
    return n;
}

static void sha256_known_answers(void **state)
{
    uint8_t h[SHA256_LEN];
    uint8_t want[SHA256_LEN];
    crypto_sha256((const uint8_t *)"abc", 3, h);
    from_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, sizeof want);
    assert_memory_equal(h, want, SHA256_LEN);
    crypto_sha256((const uint8_t *)"", 0, h);
    from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, sizeof want);
    assert_memory_equal(h, want, SHA256_LEN);
}

static void near_transaction_signature_verifies_over_its_hash(void **state)
{
    uint8_t tx[124];
    assert_int_equal(from_hex(tx_hex, tx, sizeof tx), 124);
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sig[ED25519_SIG_LEN];
    assert_int_equal(base58_decode_exact(pk_b58, strlen(pk_b58), pk, sizeof pk), YB_OK);
    assert_int_equal(base58_decode_exact(sig_b58, strlen(sig_b58), sig, sizeof sig), YB_OK);

    uint8_t h[SHA256_LEN];
    uint8_t want[SHA256_LEN];
    crypto_sha256(tx, sizeof tx, h);
    from_hex(tx_sha256_hex, want, sizeof want);
    assert_memory_equal(h, want, SHA256_LEN);

    assert_int_equal(crypto_ed25519_verify(pk, h, sizeof h, sig), YB_OK);
    /* NEAR signs the digest, not the bytes. */
    assert_int_equal(crypto_ed25519_verify(pk, tx, sizeof tx, sig), YB_EBADSIG);
}

static void one_flipped_bit_fails_verification(void **state)
{
    uint8_t tx[124];
    from_hex(tx_hex, tx, sizeof tx);
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sig[ED25519_SIG_LEN];
    base58_decode_exact(pk_b58, strlen(pk_b58), pk, sizeof pk);
    base58_decode_exact(sig_b58, strlen(sig_b58), sig, sizeof sig);
    uint8_t h[SHA256_LEN];
    crypto_sha256(tx, sizeof tx, h);

    for (size_t bit = 0; bit < 8 * SHA256_LEN; bit += 7) {
        uint8_t m[SHA256_LEN];
        memcpy(m, h, sizeof m);
        m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(crypto_ed25519_verify(pk, m, sizeof m, sig), YB_EBADSIG);
    }
    for (size_t bit = 0; bit < 8 * ED25519_SIG_LEN; bit += 5) {
        uint8_t s[ED25519_SIG_LEN];
        memcpy(s, sig, sizeof s);
        s[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(crypto_ed25519_verify(pk, h, sizeof h, s), YB_EBADSIG);
    }
    uint8_t other[ED25519_PK_LEN];
    memcpy(other, pk, sizeof other);
    other[31] ^= 0x01;
    assert_int_equal(crypto_ed25519_verify(other, h, sizeof h, sig), YB_EBADSIG);
}

static void seed_keypair_is_deterministic_and_sk_holds_seed_then_pk(void **state)
{
    /* RFC 8032 §7.1 TEST 1: the secret seed and its public key. */
    uint8_t seed[ED25519_SEED_LEN];
    uint8_t want_pk[ED25519_PK_LEN];
    from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", seed, sizeof seed);
    from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", want_pk,
             sizeof want_pk);
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sk[ED25519_SK_LEN];
    crypto_ed25519_from_seed(seed, pk, sk);
    assert_memory_equal(pk, want_pk, sizeof pk);
    assert_memory_equal(sk, seed, ED25519_SEED_LEN);
    assert_memory_equal(sk + ED25519_SEED_LEN, pk, ED25519_PK_LEN);

    /* RFC 8032 TEST 1 signs the empty message. */
    uint8_t sig[ED25519_SIG_LEN];
    uint8_t want_sig[ED25519_SIG_LEN];
    crypto_ed25519_sign(sk, (const uint8_t *)"", 0, sig);
    from_hex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
        "701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        want_sig, sizeof want_sig);
    assert_memory_equal(sig, want_sig, sizeof sig);
    assert_int_equal(crypto_ed25519_verify(pk, (const uint8_t *)"", 0, sig), YB_OK);
}

static void fresh_keypairs_sign_and_verify(void **state)
{
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sk[ED25519_SK_LEN];
    crypto_ed25519_keypair(pk, sk);
    uint8_t pk2[ED25519_PK_LEN];
    uint8_t sk2[ED25519_SK_LEN];
    crypto_ed25519_keypair(pk2, sk2);
    assert_memory_not_equal(pk, pk2, sizeof pk);

    const uint8_t msg[] = "yield until resumed";
    uint8_t sig[ED25519_SIG_LEN];
    crypto_ed25519_sign(sk, msg, sizeof msg, sig);
    assert_int_equal(crypto_ed25519_verify(pk, msg, sizeof msg, sig), YB_OK);
    assert_int_equal(crypto_ed25519_verify(pk2, msg, sizeof msg, sig), YB_EBADSIG);
}

static void random_bytes_differ_and_wipe_zeroes(void **state)
{
    uint8_t a[32];
    uint8_t b[32];
    crypto_random(a, sizeof a);
    crypto_random(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    crypto_wipe(a, sizeof a);
    const uint8_t zero[32] = {0};
    assert_memory_equal(a, zero, sizeof a);
}

int main(void)
{
    assert_int_equal(crypto_init(), YB_OK);
    assert_int_equal(crypto_init(), YB_OK); /* idempotent */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_known_answers),
        cmocka_unit_test(near_transaction_signature_verifies_over_its_hash),
        cmocka_unit_test(one_flipped_bit_fails_verification),
        cmocka_unit_test(seed_keypair_is_deterministic_and_sk_holds_seed_then_pk),
        cmocka_unit_test(fresh_keypairs_sign_and_verify),
        cmocka_unit_test(random_bytes_differ_and_wipe_zeroes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
