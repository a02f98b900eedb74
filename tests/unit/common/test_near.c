/* NEAR types: account-id rules and kinds, key/signature/secret-key strings, Borsh forms. */
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
#include "near.h"

/* near-rpc.md §5: the transfer vector's key and its bytes. */
#define VEC_PK_STR "ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC"
#define VEC_PK_HEX "917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860d"
/* near-api-js serialize.test.ts: a secret key whose public half is 0f56a5f0…. */
#define VEC_SK_STR                                                                                 \
    "ed25519:"                                                                                     \
    "2wyRcSwSuHtRVmkMCGjPwnzZmQLeXLzLLyED1NDMt4BjnKgQL6tF85yBx6Jr26D2dUNeC716RBoTxntVHsegogYw"
#define VEC_SK_PK_HEX "0f56a5f028dfc089ec7c39c1183b321b4d8f89ba5bec9e1762803cc2491f6ef8"

static int setup(void **state)
{
    return crypto_init() == YB_OK ? 0 : -1;
}

static void from_hex(const char *hex, uint8_t *out, size_t n)
{
    size_t got = 0;
    assert_int_equal(hex_decode(hex, strlen(hex), out, n, &got), YB_OK);
    assert_int_equal(got, n);
}

/* ---- account ids: one row per rule (near-rpc.md §6.1) ---- */
struct account_case {
    const char *id;
    int want;
};

static const struct account_case account_cases[] = {
    {"ok", YB_OK},
    {"bowen", YB_OK},
    {"ek-2", YB_OK},
    {"ek.near", YB_OK},
    {"com", YB_OK},
    {"google.com", YB_OK},
    {"illia.cheapaccounts.near", YB_OK},
    {"0o0ooo00oo00o", YB_OK},
    {"alex-skidanov", YB_OK},
    {"10-4.8-2", YB_OK},
    {"b-o_w_e-n", YB_OK},
    {"no_lols", YB_OK},
    {"0123456789012345678901234567890123456789012345678901234567890123", YB_OK}, /* 64 */
    {"near", YB_OK},
    {"a", YB_EACCOUNT_LEN},
    {"", YB_EACCOUNT_LEN},
    {"01234567890123456789012345678901234567890123456789012345678901234", YB_EACCOUNT_LEN},
    {"A", YB_EACCOUNT_LEN},
    {"Bowen", YB_EACCOUNT_CHAR},
    {"ek@near", YB_EACCOUNT_CHAR},
    {"alice near", YB_EACCOUNT_CHAR},
    {"near\xC3\xA9", YB_EACCOUNT_CHAR},
    {"abc+", YB_EACCOUNT_CHAR},
    {"-near", YB_EACCOUNT_SEP},
    {"near-", YB_EACCOUNT_SEP},
    {"_near", YB_EACCOUNT_SEP},
    {".near", YB_EACCOUNT_SEP},
    {"near.", YB_EACCOUNT_SEP},
    {"a..near", YB_EACCOUNT_SEP},
    {"a-_b", YB_EACCOUNT_SEP},
    {"a.-b", YB_EACCOUNT_SEP},
    {"..", YB_EACCOUNT_SEP},
    /* The first problem from the left wins. */
    {"a..B", YB_EACCOUNT_SEP},
    {"A..b", YB_EACCOUNT_CHAR},
};

static void account_ids_follow_each_rule(void **state)
{
    for (size_t i = 0; i < sizeof account_cases / sizeof account_cases[0]; i++) {
        const struct account_case *c = &account_cases[i];
        print_message("id: \"%s\"\n", c->id);
        assert_int_equal(near_account_validate(c->id, strlen(c->id)), c->want);
        assert_int_equal(near_account_validate_cstr(c->id), c->want);
    }
    /* Not NUL-terminated: only n bytes are looked at. */
    assert_int_equal(near_account_validate("ab!", 2), YB_OK);
    assert_int_equal(near_account_validate_cstr(NULL), YB_EINVAL);
}

struct kind_case {
    const char *id;
    enum near_account_kind kind;
};

static void account_kinds_are_recognised(void **state)
{
    static const struct kind_case cases[] = {
        {"alice.near", NEAR_ACCOUNT_NAMED},
        {VEC_PK_HEX, NEAR_ACCOUNT_NEAR_IMPLICIT},
        {"917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860", NEAR_ACCOUNT_NAMED},
        {"917b3d268d4b58f7fec1b150bd68d69be3ee5d4cc39855e341538465bb77860g", NEAR_ACCOUNT_NAMED},
        {"0xb794f5ea0ba39494ce839613fffba74279579268", NEAR_ACCOUNT_ETH_IMPLICIT},
        {"0xb794f5ea0ba39494ce839613fffba7427957926", NEAR_ACCOUNT_NAMED},
        {"0xb794f5ea0ba39494ce839613fffba7427957926z", NEAR_ACCOUNT_NAMED},
        {"0sb794f5ea0ba39494ce839613fffba74279579268", NEAR_ACCOUNT_DETERMINISTIC},
        {"0ab794f5ea0ba39494ce839613fffba74279579268", NEAR_ACCOUNT_NAMED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("id: %s\n", cases[i].id);
        assert_int_equal(near_account_validate_cstr(cases[i].id), YB_OK);
        assert_int_equal(near_account_kind(cases[i].id, strlen(cases[i].id)), cases[i].kind);
    }
}

static bool sub_of(const char *s, const char *parent)
{
    return near_account_is_sub_of(s, strlen(s), parent, strlen(parent));
}

static void top_level_and_sub_accounts(void **state)
{
    assert_true(near_account_is_top_level("near", 4));
    assert_false(near_account_is_top_level("a.near", 6));
    assert_true(sub_of("alice.near", "near"));
    assert_true(sub_of("a.b.near", "b.near"));
    assert_false(sub_of("a.b.near", "near"));
    assert_false(sub_of("near", "near"));
    assert_false(sub_of("xnear", "near"));
    assert_false(sub_of(".near", "near"));
    assert_false(sub_of("alice.near", "alice.near"));
}

static void implicit_id_is_hex_of_key(void **state)
{
    struct near_pubkey pk;
    assert_int_equal(near_pubkey_parse_cstr(VEC_PK_STR, &pk), YB_OK);
    char id[NEAR_IMPLICIT_ID_LEN + 1];
    near_account_implicit(pk.data, id);
    assert_string_equal(id, VEC_PK_HEX);
}

static void account_borsh_round_trip_and_validation(void **state)
{
    struct yb_buf b;
    yb_buf_init(&b, 256);
    assert_int_equal(near_account_encode(&b, "alice.near"), YB_OK);
    assert_int_equal(near_account_encode(&b, "Alice"), YB_EACCOUNT_CHAR);
    struct borsh_reader r;
    borsh_reader_init(&r, b.data, b.len);
    char *id = NULL;
    assert_int_equal(near_account_decode(&r, &id), YB_OK);
    assert_string_equal(id, "alice.near");
    free(id);
    assert_int_equal(borsh_reader_finish(&r), YB_OK);

    static const uint8_t bad[] = {3, 0, 0, 0, 'a', '.', '.'};
    borsh_reader_init(&r, bad, sizeof bad);
    assert_int_equal(near_account_decode(&r, &id), YB_EACCOUNT_SEP);
    static const uint8_t too_long[] = {65, 0, 0, 0, 'a'};
    borsh_reader_init(&r, too_long, sizeof too_long);
    assert_int_equal(near_account_decode(&r, &id), YB_EBORSH_LEN);
    static const uint8_t too_short[] = {1, 0, 0, 0, 'a'};
    borsh_reader_init(&r, too_short, sizeof too_short);
    assert_int_equal(near_account_decode(&r, &id), YB_EACCOUNT_LEN);
    yb_buf_fini(&b);
}

/* ---- keys ---- */

static void pubkey_strings_parse_and_format(void **state)
{
    struct near_pubkey pk;
    uint8_t want[32];
    from_hex(VEC_PK_HEX, want, 32);
    assert_int_equal(near_pubkey_parse_cstr(VEC_PK_STR, &pk), YB_OK);
    assert_int_equal(pk.type, NEAR_KEY_ED25519);
    assert_memory_equal(pk.data, want, 32);
    /* Bare base58, as near-api-js accepts it. */
    struct near_pubkey bare;
    assert_int_equal(near_pubkey_parse_cstr("Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC", &bare),
                     YB_OK);
    assert_true(near_pubkey_equal(&pk, &bare));
    /* Output is always prefixed. */
    char s[NEAR_PUBKEY_STR_MAX];
    assert_int_equal(near_pubkey_format(&bare, s), YB_OK);
    assert_string_equal(s, VEC_PK_STR);
}

struct key_case {
    const char *s;
    int want;
};

static void bad_key_strings_are_named_errors(void **state)
{
    static const struct key_case cases[] = {
        {"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQx0", YB_EBASE58}, /* '0' */
        {"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxI", YB_EBASE58}, /* 'I' */
        {"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxl", YB_EBASE58}, /* 'l' */
        {"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQ O", YB_EBASE58},
        {"ed25519:", YB_EBASE58},
        {"", YB_EBASE58},
        {"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQ", YB_EBADKEY}, /* 31 bytes */
        {"ed25519:1111", YB_EBADKEY},
        {"secp256k1:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC", YB_EKEYTYPE},
        {"ml-dsa-65:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC", YB_EKEYTYPE},
        {"rsa:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC", YB_EBADKEY},
        {"ED25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC", YB_EBADKEY},
        /* A bare 64-byte key is secp256k1 to near-api-js. */
        {"2wyRcSwSuHtRVmkMCGjPwnzZmQLeXLzLLyED1NDMt4BjnKgQL6tF85yBx6Jr26D2dUNeC716RBoTxntVHsegogYw",
         YB_EKEYTYPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct near_pubkey pk;
        print_message("key: \"%s\"\n", cases[i].s);
        assert_int_equal(near_pubkey_parse_cstr(cases[i].s, &pk), cases[i].want);
    }
    /* Thousands of characters: refused without quadratic work. */
    char *huge = malloc(5001);
    memset(huge, '2', 5000);
    huge[5000] = '\0';
    struct near_pubkey pk;
    assert_int_equal(near_pubkey_parse_cstr(huge, &pk), YB_EBADKEY);
    free(huge);
}

static void pubkey_borsh_and_key_type_bytes(void **state)
{
    struct near_pubkey pk;
    assert_int_equal(near_pubkey_parse_cstr(VEC_PK_STR, &pk), YB_OK);
    struct yb_buf b;
    yb_buf_init(&b, 64);
    assert_int_equal(near_pubkey_encode(&b, &pk), YB_OK);
    assert_int_equal(b.len, 33);
    assert_int_equal(b.data[0], 0);
    struct borsh_reader r;
    struct near_pubkey back;
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(near_pubkey_decode(&r, &back), YB_OK);
    assert_true(near_pubkey_equal(&pk, &back));

    static const uint8_t types[] = {1, 2, 3, 255};
    for (size_t i = 0; i < sizeof types; i++) {
        b.data[0] = types[i];
        borsh_reader_init(&r, b.data, b.len);
        assert_int_equal(near_pubkey_decode(&r, &back), YB_EKEYTYPE);
        uint8_t sig[65] = {types[i]};
        struct near_signature s;
        borsh_reader_init(&r, sig, sizeof sig);
        assert_int_equal(near_signature_decode(&r, &s), YB_EKEYTYPE);
    }
    pk.type = 1;
    assert_int_equal(near_pubkey_encode(&b, &pk), YB_EKEYTYPE);
    char s[NEAR_PUBKEY_STR_MAX];
    assert_int_equal(near_pubkey_format(&pk, s), YB_EKEYTYPE);
    /* Truncated at every length. */
    for (size_t n = 0; n < 33; n++) {
        b.data[0] = 0;
        borsh_reader_init(&r, b.data, n);
        assert_int_equal(near_pubkey_decode(&r, &back), YB_EBORSH_EOF);
    }
    yb_buf_fini(&b);
}

static void signature_strings_and_borsh(void **state)
{
    static const char *sig_str = "ed25519:41eAXToSZSqFqHCDZKnK7QnYANgRY5mSgHz2P19NaLYqphwsdk4HA6QSd"
                                 "11kdKgqL4wa6hg7wvwt1V3wE6kbRxWt";
    uint8_t want[64];
    from_hex("969a83332186ee9755e4839325525806e189a3d2d2bb4b4760e94443e97e1c4f22deeef0059a8e97131"
             "00eda6e19144da7e8a0ef7e539b20708ba1d8d021bd01",
             want, 64);
    struct near_signature sig;
    assert_int_equal(near_signature_parse(sig_str, strlen(sig_str), &sig), YB_OK);
    assert_memory_equal(sig.data, want, 64);
    char out[NEAR_SIG_STR_MAX];
    assert_int_equal(near_signature_format(&sig, out), YB_OK);
    assert_string_equal(out, sig_str);
    struct yb_buf b;
    yb_buf_init(&b, 128);
    assert_int_equal(near_signature_encode(&b, &sig), YB_OK);
    assert_int_equal(b.len, 65);
    struct borsh_reader r;
    struct near_signature back;
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(near_signature_decode(&r, &back), YB_OK);
    assert_memory_equal(back.data, want, 64);
    yb_buf_fini(&b);
    assert_int_equal(near_signature_parse(VEC_PK_STR, strlen(VEC_PK_STR), &sig), YB_EBADKEY);
    assert_int_equal(near_signature_parse("secp256k1:abc", 13, &sig), YB_EKEYTYPE);
}

static void secret_keys_parse_check_and_format(void **state)
{
    uint8_t sk[64];
    assert_int_equal(near_secret_key_parse(VEC_SK_STR, strlen(VEC_SK_STR), sk), YB_OK);
    struct near_pubkey pk;
    near_secret_key_pubkey(sk, &pk);
    uint8_t want[32];
    from_hex(VEC_SK_PK_HEX, want, 32);
    assert_memory_equal(pk.data, want, 32);
    char out[NEAR_SECKEY_STR_MAX];
    assert_int_equal(near_secret_key_format(sk, out), YB_OK);
    assert_string_equal(out, VEC_SK_STR);

    /* A secret key whose public half belongs to another seed. */
    uint8_t seed[32] = {7};
    uint8_t pk2[32];
    uint8_t sk2[64];
    crypto_ed25519_from_seed(seed, pk2, sk2);
    memcpy(sk2 + 32, want, 32);
    assert_int_equal(near_secret_key_format(sk2, out), YB_OK);
    assert_int_equal(near_secret_key_parse(out, strlen(out), sk), YB_EBADKEY);
    /* A public key is not a secret key. */
    assert_int_equal(near_secret_key_parse(VEC_PK_STR, strlen(VEC_PK_STR), sk), YB_EBADKEY);
    assert_int_equal(near_secret_key_parse("ed25519:0OIl", 12, sk), YB_EBASE58);
}

static void hashes_are_base58(void **state)
{
    uint8_t h[32];
    uint8_t want[32];
    from_hex("0fa473fd26901df296be6adc4cc4df34d040efa2435224b6986910e630c2fef6", want, 32);
    const char *s = "244ZQ9cgj3CQ6bWBdytfrJMuMQ1jdXLFGnr4HhvtCTnM";
    assert_int_equal(near_hash_parse(s, strlen(s), h), YB_OK);
    assert_memory_equal(h, want, 32);
    char out[NEAR_HASH_STR_MAX];
    near_hash_format(h, out);
    assert_string_equal(out, s);
    memset(h, 0, sizeof h);
    near_hash_format(h, out);
    assert_string_equal(out, "11111111111111111111111111111111");
    assert_int_equal(near_hash_parse("1111", 4, h), YB_EBASE58);
    assert_int_equal(near_hash_parse("0OIl", 4, h), YB_EBASE58);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(account_ids_follow_each_rule),
        cmocka_unit_test(account_kinds_are_recognised),
        cmocka_unit_test(top_level_and_sub_accounts),
        cmocka_unit_test(implicit_id_is_hex_of_key),
        cmocka_unit_test(account_borsh_round_trip_and_validation),
        cmocka_unit_test(pubkey_strings_parse_and_format),
        cmocka_unit_test(bad_key_strings_are_named_errors),
        cmocka_unit_test(pubkey_borsh_and_key_type_bytes),
        cmocka_unit_test(signature_strings_and_borsh),
        cmocka_unit_test(secret_keys_parse_check_and_format),
        cmocka_unit_test(hashes_are_base58),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
