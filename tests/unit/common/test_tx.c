/*
 * Transactions and actions: the near-rpc.md §5 vectors byte for byte, hash, sign and verify,
 * every action type round trip, truncation at every offset, caps, V1 and unknown tags, JSON.
 */
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
#include "json.h"
#include "near.h"
#include "tx.h"

/* near-rpc.md §5: the signed Transfer transaction as near-api-js sends it (189 bytes). */
static const char transfer_b64[] =
    "CQAAAHRlc3QubmVhcgCRez0mjUtY9/"
    "7BsVC9aNab4+5dTMOYVeNBU4Rlu3eGDQEAAAAAAAAADQAAAHdoYXRldmVyLm5lYXIP"
    "pHP9JpAd8pa+atxMxN800EDvokNSJLaYaRDmMML+"
    "9gEAAAADAQAAAAAAAAAAAAAAAAAAAACWmoMzIYbul1Xkg5MlUlgG4Ymj"
    "0tK7S0dg6URD6X4cTyLe7vAFmo6XExAO2m4ZFE2n6KDvflObIHCLodjQIb0B";
static const char transfer_hash_hex[] =
    "eea6e680f3ea51a7f667e9a801d0bfadf66e03d41ed54975b3c6006351461b32";
static const char transfer_hash_b58[] = "H4be6ioGzDeiGKork27na6Usw2Hzt4gNJfetJ7ag3LhP";
#define TRANSFER_TX_LEN     124
#define TRANSFER_SIGNED_LEN 189
#define TRANSFER_TAG_OFFSET 107 /* the one action's tag */

/* near-api-js serialize.test.ts "serialize multi-action tx": actions 0–7, 316 bytes. */
static const char multi_hex[] =
    "09000000746573742e6e656172000f56a5f028dfc089ec7c39c1183b321b4d8f89ba5bec9e1762803cc2491f6ef801"
    "00000000000000030000003132330fa473fd26901df296be6adc4cc4df34d040efa2435224b6986910e630c2fef608"
    "000000000103000000010203020300000071717103000000010203e80300000000000040420f000000000000000000"
    "00000000037b0000000000000000000000000000000440420f00000000000000000000000000000f56a5f028dfc089"
    "ec7c39c1183b321b4d8f89ba5bec9e1762803cc2491f6ef805000f56a5f028dfc089ec7c39c1183b321b4d8f89ba5b"
    "ec9e1762803cc2491f6ef800000000000000000000030000007a7a7a010000000300000077777706000f56a5f028df"
    "c089ec7c39c1183b321b4d8f89ba5bec9e1762803cc2491f6ef80703000000313233";
#define MULTI_LEN 316
static const char multi_sk[] = "ed25519:2wyRcSwSuHtRVmkMCGjPwnzZmQLeXLzLLyED1NDMt4BjnKgQL6tF85yBx6"
                               "Jr26D2dUNeC716RBoTxntVHsegogYw";
static const char block_hash_b58[] = "244ZQ9cgj3CQ6bWBdytfrJMuMQ1jdXLFGnr4HhvtCTnM";

/* near-api-js serialize.test.ts "deserialize delegate": one Action with tag 8 (Delegate). */
static const uint8_t delegate_action[] = {
    8,   16,  0,   0,   0,   116, 104, 101, 45,  117, 115, 101, 114, 46,  116, 101, 115, 116, 110,
    101, 116, 27,  0,   0,   0,   104, 101, 108, 108, 111, 46,  110, 101, 97,  114, 45,  101, 120,
    97,  109, 112, 108, 101, 115, 46,  116, 101, 115, 116, 110, 101, 116, 1,   0,   0,   0,   2,
    12,  0,   0,   0,   115, 101, 116, 95,  103, 114, 101, 101, 116, 105, 110, 103, 20,  0,   0,
    0,   123, 34,  103, 114, 101, 101, 116, 105, 110, 103, 34,  58,  34,  72,  101, 108, 108, 111,
    34,  125, 0,   224, 87,  235, 72,  27,  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   3,   9,   120, 166, 131, 144, 0,   0,   61,  158, 123, 9,
    0,   0,   0,   0,   0,   154, 156, 80,  116, 108, 65,  42,  39,  47,  253, 146, 109, 67,  106,
    83,  230, 57,  183, 195, 122, 150, 6,   246, 220, 173, 35,  120, 139, 167, 94,  183, 29,  0,
    41,  98,  10,  45,  51,  177, 89,  159, 190, 247, 41,  255, 243, 17,  186, 140, 168, 139, 9,
    81,  33,  8,   74,  73,  85,  254, 127, 62,  54,  193, 60,  50,  235, 49,  13,  37,  152, 94,
    172, 24,  198, 220, 119, 148, 99,  89,  19,  187, 251, 80,  76,  230, 77,  28,  80,  140, 133,
    81,  139, 159, 62,  245, 167, 4,
};

static int setup(void **state)
{
    return crypto_init() == YB_OK ? 0 : -1;
}

static uint8_t *transfer_bytes(size_t *n)
{
    uint8_t *p = malloc(base64_decoded_max(strlen(transfer_b64)));
    assert_int_equal(base64_decode(transfer_b64, strlen(transfer_b64), p,
                                   base64_decoded_max(strlen(transfer_b64)), n),
                     YB_OK);
    assert_int_equal(*n, TRANSFER_SIGNED_LEN);
    return p;
}

static uint8_t *multi_bytes(void)
{
    uint8_t *p = malloc(MULTI_LEN);
    size_t n = 0;
    assert_int_equal(hex_decode(multi_hex, strlen(multi_hex), p, MULTI_LEN, &n), YB_OK);
    assert_int_equal(n, MULTI_LEN);
    return p;
}

static void encode_signed(const struct tx_signed *st, struct yb_buf *b)
{
    yb_buf_init(b, TX_MAX_SIZE);
    assert_int_equal(tx_signed_encode(b, st), YB_OK);
}

/* ---- the §5 Transfer vector ---- */

static void transfer_vector_decodes_and_reencodes(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    struct tx_signed *st = NULL;
    assert_int_equal(tx_decode_signed(p, n, &st), YB_OK);
    assert_string_equal(st->tx.signer_id, "test.near");
    assert_string_equal(st->tx.receiver_id, "whatever.near");
    assert_true(st->tx.nonce == 1);
    char pk[NEAR_PUBKEY_STR_MAX];
    assert_int_equal(near_pubkey_format(&st->tx.public_key, pk), YB_OK);
    assert_string_equal(pk, "ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC");
    char bh[NEAR_HASH_STR_MAX];
    near_hash_format(st->tx.block_hash, bh);
    assert_string_equal(bh, block_hash_b58);
    assert_int_equal(st->tx.n_actions, 1);
    assert_int_equal(st->tx.actions[0].type, TX_ACTION_TRANSFER);
    assert_true(st->tx.actions[0].u.transfer.deposit == 1);
    assert_int_equal(st->size, TRANSFER_SIGNED_LEN);

    char hex[65];
    assert_int_equal(hex_encode(st->hash, 32, hex, sizeof hex), YB_OK);
    assert_string_equal(hex, transfer_hash_hex);
    char b58[NEAR_HASH_STR_MAX];
    near_hash_format(st->hash, b58);
    assert_string_equal(b58, transfer_hash_b58);
    uint8_t again[32];
    assert_int_equal(tx_hash(&st->tx, again), YB_OK);
    assert_memory_equal(again, st->hash, 32);

    struct yb_buf b;
    encode_signed(st, &b);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, p, n);
    yb_buf_reset(&b);
    assert_int_equal(tx_encode(&b, &st->tx), YB_OK);
    assert_int_equal(b.len, TRANSFER_TX_LEN);
    assert_memory_equal(b.data, p, TRANSFER_TX_LEN);
    yb_buf_fini(&b);

    assert_int_equal(tx_signed_verify(st), YB_OK);
    /* NEAR signs the digest: the same signature over the raw bytes must not verify. */
    assert_int_equal(
        crypto_ed25519_verify(st->tx.public_key.data, p, TRANSFER_TX_LEN, st->signature.data),
        YB_EBADSIG);
    tx_signed_free(st);
    free(p);
}

static void flipped_byte_anywhere_fails(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            p[i] ^= (uint8_t)(1u << bit);
            struct tx_signed *st = NULL;
            int rc = tx_decode_signed(p, n, &st);
            if (rc == YB_OK) {
                /* Decodes, so it must fail to verify. */
                if (tx_signed_verify(st) != YB_EBADSIG) {
                    fail_msg("flip at byte %zu bit %d still verifies", i, bit);
                }
                tx_signed_free(st);
            } else {
                assert_null(st);
                assert_true(rc > YB_OK && rc < YB_ERR__COUNT);
            }
            p[i] ^= (uint8_t)(1u << bit);
        }
    }
    free(p);
}

static void signing_with_a_seed_key_round_trips(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    struct tx_signed *orig = NULL;
    assert_int_equal(tx_decode_signed(p, n, &orig), YB_OK);

    uint8_t seed[32];
    for (size_t i = 0; i < sizeof seed; i++) {
        seed[i] = (uint8_t)(i * 7 + 1);
    }
    uint8_t pkb[32];
    uint8_t sk[64];
    crypto_ed25519_from_seed(seed, pkb, sk);

    /* The vector's key is not ours: signing must refuse rather than produce a bad tx. */
    struct tx_signed *st = NULL;
    assert_int_equal(tx_sign(&orig->tx, sk, &st), YB_EBADKEY);
    assert_null(st);

    orig->tx.public_key.type = NEAR_KEY_ED25519;
    memcpy(orig->tx.public_key.data, pkb, 32);
    assert_int_equal(tx_sign(&orig->tx, sk, &st), YB_OK);
    assert_null(orig->tx.signer_id); /* moved */
    assert_int_equal(tx_signed_verify(st), YB_OK);
    assert_int_equal(st->size, TRANSFER_SIGNED_LEN);

    struct yb_buf b;
    encode_signed(st, &b);
    struct tx_signed *back = NULL;
    assert_int_equal(tx_decode_signed(b.data, b.len, &back), YB_OK);
    assert_memory_equal(back->hash, st->hash, 32);
    assert_int_equal(tx_signed_verify(back), YB_OK);
    /* Ed25519 is deterministic: same key, same digest, same signature. */
    assert_memory_equal(back->signature.data, st->signature.data, 64);
    back->signature.data[10] ^= 1;
    assert_int_equal(tx_signed_verify(back), YB_EBADSIG);
    yb_buf_fini(&b);
    tx_signed_free(back);
    tx_signed_free(st);
    tx_signed_free(orig);
    free(p);
}

/* ---- the multi-action vector ---- */

static void build_multi(struct tx *tx, uint8_t sk[64])
{
    assert_int_equal(near_secret_key_parse(multi_sk, strlen(multi_sk), sk), YB_OK);
    struct near_pubkey pk;
    near_secret_key_pubkey(sk, &pk);
    uint8_t bh[32];
    assert_int_equal(near_hash_parse(block_hash_b58, strlen(block_hash_b58), bh), YB_OK);
    assert_int_equal(tx_init(tx, "test.near", &pk, 1, "123", bh), YB_OK);
    static const uint8_t code[] = {1, 2, 3};
    const char *const names[] = {"www"};
    assert_int_equal(tx_add_create_account(tx), YB_OK);
    assert_int_equal(tx_add_deploy_contract(tx, code, 3), YB_OK);
    assert_int_equal(tx_add_function_call(tx, "qqq", code, 3, 1000, 1000000), YB_OK);
    assert_int_equal(tx_add_transfer(tx, 123), YB_OK);
    assert_int_equal(tx_add_stake(tx, 1000000, &pk), YB_OK);
    assert_int_equal(tx_add_function_call_key(tx, &pk, NULL, "zzz", names, 1), YB_OK);
    assert_int_equal(tx_add_delete_key(tx, &pk), YB_OK);
    assert_int_equal(tx_add_delete_account(tx, "123"), YB_OK);
}

static void multi_action_layout_matches_near_api_js(void **state)
{
    struct tx tx;
    uint8_t sk[64];
    build_multi(&tx, sk);
    struct yb_buf b;
    yb_buf_init(&b, TX_MAX_SIZE);
    assert_int_equal(tx_encode(&b, &tx), YB_OK);
    uint8_t *want = multi_bytes();
    assert_int_equal(b.len, MULTI_LEN);
    /* The offsets near-rpc.md §5 lists, then the whole thing. */
    assert_int_equal(b.data[106], TX_ACTION_FUNCTION_CALL);
    assert_int_equal(b.data[162], TX_ACTION_STAKE);
    assert_int_equal(b.data[212], TX_ACTION_ADD_KEY);
    assert_int_equal(b.data[274], TX_ACTION_DELETE_KEY);
    assert_int_equal(b.data[308], TX_ACTION_DELETE_ACCOUNT);
    assert_memory_equal(b.data, want, MULTI_LEN);

    struct tx back;
    assert_int_equal(tx_decode(want, MULTI_LEN, &back), YB_OK);
    assert_int_equal(back.n_actions, 8);
    struct yb_buf b2;
    yb_buf_init(&b2, TX_MAX_SIZE);
    assert_int_equal(tx_encode(&b2, &back), YB_OK);
    assert_int_equal(b2.len, MULTI_LEN);
    assert_memory_equal(b2.data, want, MULTI_LEN);
    tx_fini(&back);
    yb_buf_fini(&b2);
    yb_buf_fini(&b);
    free(want);
    tx_fini(&tx);
}

/* ---- every action type ---- */

static void every_action_type_round_trips(void **state)
{
    uint8_t seed[32] = {42};
    uint8_t pkb[32];
    uint8_t sk[64];
    crypto_ed25519_from_seed(seed, pkb, sk);
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    memcpy(pk.data, pkb, 32);
    uint8_t bh[32] = {9, 8, 7};
    struct tx tx;
    assert_int_equal(tx_init(&tx, "alice.test.near", &pk, 1234567890123ull, "bob.test.near", bh),
                     YB_OK);
    uint8_t code[1000];
    for (size_t i = 0; i < sizeof code; i++) {
        code[i] = (uint8_t)i;
    }
    const yb_u128 max = ~(yb_u128)0;
    const char *const names[] = {"get", "set_value", "ñame"};
    const yb_u128 allowance = (yb_u128)250000000000ull * 1000000000000000ull; /* 0.25 NEAR */
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_deploy_contract(&tx, code, sizeof code), YB_OK);
    assert_int_equal(tx_add_deploy_contract(&tx, NULL, 0), YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "request", (const uint8_t *)"{\"a\":1}", 7,
                                          300000000000000ull, max),
                     YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "", NULL, 0, UINT64_MAX, 0), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, max), YB_OK);
    assert_int_equal(tx_add_stake(&tx, 5, &pk), YB_OK);
    assert_int_equal(tx_add_full_access_key(&tx, &pk), YB_OK);
    assert_int_equal(tx_add_function_call_key(&tx, &pk, &allowance, "oracle.near", names, 3),
                     YB_OK);
    assert_int_equal(tx_add_function_call_key(&tx, &pk, NULL, "x.near", NULL, 0), YB_OK);
    assert_int_equal(tx_add_delete_key(&tx, &pk), YB_OK);
    assert_int_equal(tx_add_delete_account(&tx, "carol.near"), YB_OK);
    size_t n_actions = tx.n_actions;

    struct tx_signed *st = NULL;
    assert_int_equal(tx_sign(&tx, sk, &st), YB_OK);
    struct yb_buf b;
    encode_signed(st, &b);
    assert_int_equal(b.len, st->size);
    struct tx_signed *back = NULL;
    assert_int_equal(tx_decode_signed(b.data, b.len, &back), YB_OK);
    assert_int_equal(tx_signed_verify(back), YB_OK);
    assert_memory_equal(back->hash, st->hash, 32);
    assert_int_equal(back->tx.n_actions, n_actions);
    assert_true(back->tx.nonce == 1234567890123ull);

    const struct tx_action *a = back->tx.actions;
    assert_int_equal(a[1].u.deploy.code_len, sizeof code);
    assert_memory_equal(a[1].u.deploy.code, code, sizeof code);
    assert_int_equal(a[2].u.deploy.code_len, 0);
    assert_string_equal(a[3].u.call.method_name, "request");
    assert_true(a[3].u.call.gas == 300000000000000ull);
    assert_true(a[3].u.call.deposit == max);
    assert_int_equal(a[3].u.call.args_len, 7);
    assert_true(a[4].u.call.gas == UINT64_MAX);
    assert_true(a[5].u.transfer.deposit == max);
    assert_true(a[6].u.stake.stake == 5);
    assert_true(near_pubkey_equal(&a[6].u.stake.public_key, &pk));
    assert_true(a[7].u.add_key.access_key.full_access);
    const struct tx_access_key *ak = &a[8].u.add_key.access_key;
    assert_false(ak->full_access);
    assert_true(ak->has_allowance);
    assert_true(ak->allowance == allowance);
    assert_string_equal(ak->receiver_id, "oracle.near");
    assert_int_equal(ak->n_method_names, 3);
    assert_string_equal(ak->method_names[2], "ñame");
    assert_false(a[9].u.add_key.access_key.has_allowance);
    assert_int_equal(a[9].u.add_key.access_key.n_method_names, 0);
    assert_string_equal(a[11].u.delete_account.beneficiary_id, "carol.near");

    /* Copies encode identically, as a stand-alone Vec<Action> too. */
    struct tx_action *copies = calloc(n_actions, sizeof *copies);
    for (size_t i = 0; i < n_actions; i++) {
        tx_action_copy(&copies[i], &a[i]);
    }
    struct yb_buf x;
    struct yb_buf y;
    yb_buf_init(&x, TX_MAX_SIZE);
    yb_buf_init(&y, TX_MAX_SIZE);
    assert_int_equal(tx_actions_encode(&x, a, n_actions), YB_OK);
    assert_int_equal(tx_actions_encode(&y, copies, n_actions), YB_OK);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.data, y.data, x.len);
    struct borsh_reader r;
    struct tx_action *decoded = NULL;
    size_t nd = 0;
    borsh_reader_init(&r, x.data, x.len);
    assert_int_equal(tx_actions_decode(&r, &decoded, &nd), YB_OK);
    assert_int_equal(borsh_reader_finish(&r), YB_OK);
    assert_int_equal(nd, n_actions);
    tx_actions_free(decoded, nd);
    tx_actions_free(copies, n_actions);

    /* AccessKey on its own (receipts and state store it). */
    yb_buf_reset(&x);
    assert_int_equal(tx_access_key_encode(&x, ak), YB_OK);
    struct tx_access_key ak2;
    borsh_reader_init(&r, x.data, x.len);
    assert_int_equal(tx_access_key_decode(&r, &ak2), YB_OK);
    assert_int_equal(borsh_reader_finish(&r), YB_OK);
    yb_buf_reset(&y);
    assert_int_equal(tx_access_key_encode(&y, &ak2), YB_OK);
    assert_int_equal(x.len, y.len);
    assert_memory_equal(x.data, y.data, x.len);
    tx_access_key_fini(&ak2);

    yb_buf_fini(&x);
    yb_buf_fini(&y);
    yb_buf_fini(&b);
    tx_signed_free(back);
    tx_signed_free(st);
    tx_fini(&tx);
}

/* ---- malformed input ---- */

static bool is_truncation_error(int rc)
{
    return rc == YB_EBORSH_EOF || rc == YB_EBORSH_LEN;
}

static void truncated_at_every_offset(void **state)
{
    size_t n;
    uint8_t *transfer = transfer_bytes(&n);
    struct tx multi;
    uint8_t sk[64];
    build_multi(&multi, sk);
    struct tx_signed *multi_st = NULL;
    assert_int_equal(tx_sign(&multi, sk, &multi_st), YB_OK);
    struct yb_buf mb;
    encode_signed(multi_st, &mb);

    const uint8_t *vectors[] = {transfer, mb.data};
    size_t lens[] = {n, mb.len};
    for (size_t v = 0; v < 2; v++) {
        for (size_t cut = 0; cut < lens[v]; cut++) {
            /* A fresh allocation of exactly `cut` bytes, so ASan sees any overread. */
            uint8_t *p = malloc(cut ? cut : 1);
            memcpy(p, vectors[v], cut);
            struct tx_signed *st = NULL;
            int rc = tx_decode_signed(p, cut, &st);
            if (!is_truncation_error(rc)) {
                fail_msg("vector %zu cut at %zu: %s", v, cut, yb_err_name(rc));
            }
            assert_null(st);
            /* The bare Transaction decoder sees the same prefix. */
            struct tx t;
            if (cut < lens[v] - 65) {
                rc = tx_decode(p, cut, &t);
                if (!is_truncation_error(rc)) {
                    fail_msg("tx vector %zu cut at %zu: %s", v, cut, yb_err_name(rc));
                }
            }
            free(p);
        }
        /* One extra byte is trailing garbage. */
        uint8_t *p = malloc(lens[v] + 1);
        memcpy(p, vectors[v], lens[v]);
        p[lens[v]] = 0;
        struct tx_signed *st = NULL;
        assert_int_equal(tx_decode_signed(p, lens[v] + 1, &st), YB_EBORSH_TRAILING);
        free(p);
    }
    yb_buf_fini(&mb);
    tx_signed_free(multi_st);
    free(transfer);
}

/* Patches one little-endian u32 in a copy of the transfer vector and decodes it. */
static int decode_with_u32_at(size_t off, uint32_t v)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
    p[off + 2] = (uint8_t)(v >> 16);
    p[off + 3] = (uint8_t)(v >> 24);
    struct tx_signed *st = NULL;
    int rc = tx_decode_signed(p, n, &st);
    tx_signed_free(st);
    free(p);
    return rc;
}

static void lengths_past_the_end_or_over_caps(void **state)
{
    /* signer_id length at 0, receiver_id length at 54, actions count at 103. */
    assert_int_equal(decode_with_u32_at(0, 65), YB_EBORSH_LEN);
    assert_int_equal(decode_with_u32_at(0, UINT32_MAX), YB_EBORSH_LEN);
    assert_int_equal(decode_with_u32_at(54, 200), YB_EBORSH_LEN);
    assert_int_equal(decode_with_u32_at(103, TX_MAX_ACTIONS + 1), YB_EBORSH_LEN);
    assert_int_equal(decode_with_u32_at(103, UINT32_MAX), YB_EBORSH_LEN);
    /* 100 actions claimed but the bytes hold fewer: caught before allocating 100. */
    assert_int_equal(decode_with_u32_at(103, TX_MAX_ACTIONS), YB_EBORSH_LEN);

    /* Payload caps inside actions, each as a one-action list. */
    struct yb_buf b;
    yb_buf_init(&b, 1024);
    struct borsh_reader r;
    struct tx_action a;
    /* FunctionCall with a 257-byte method name. */
    borsh_write_u8(&b, TX_ACTION_FUNCTION_CALL);
    borsh_write_u32(&b, TX_MAX_METHOD_NAME_LEN + 1);
    for (int i = 0; i < TX_MAX_METHOD_NAME_LEN + 1; i++) {
        borsh_write_u8(&b, 'm');
    }
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_LEN);
    /* FunctionCall args over 4 MiB (only the prefix is present). */
    yb_buf_reset(&b);
    borsh_write_u8(&b, TX_ACTION_FUNCTION_CALL);
    borsh_write_cstr(&b, "m");
    borsh_write_u32(&b, TX_MAX_ARGS_LEN + 1);
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_LEN);
    /* DeployContract code over 4 MiB. */
    yb_buf_reset(&b);
    borsh_write_u8(&b, TX_ACTION_DEPLOY_CONTRACT);
    borsh_write_u32(&b, TX_MAX_CODE_LEN + 1);
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_LEN);
    /* AddKey FunctionCall permission with too many method names. */
    yb_buf_reset(&b);
    borsh_write_u8(&b, TX_ACTION_ADD_KEY);
    borsh_write_u8(&b, 0);
    borsh_write_fixed(&b, (const uint8_t[32]){0}, 32);
    borsh_write_u64(&b, 0);
    borsh_write_u8(&b, 0); /* FunctionCall permission */
    borsh_write_option(&b, false);
    borsh_write_cstr(&b, "x.near");
    size_t count_at = b.len;
    borsh_write_u32(&b, TX_MAX_METHOD_NAMES + 1);
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_LEN);
    /* ... or a count the bytes cannot hold. */
    b.data[count_at] = 10;
    b.data[count_at + 1] = 0;
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_LEN);
    /* Permission tag 2 and allowance tag 2. */
    b.data[count_at - 12] = 2;
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_TAG);
    b.data[count_at - 12] = 0;
    b.data[count_at - 11] = 2;
    borsh_reader_init(&r, b.data, b.len);
    assert_int_equal(tx_action_decode(&r, &a), YB_EBORSH_TAG);
    yb_buf_fini(&b);

    /* More than TX_MAX_SIZE bytes is refused before looking at them. */
    uint8_t *big = calloc(1, TX_MAX_SIZE + 1);
    struct tx_signed *st = NULL;
    assert_int_equal(tx_decode_signed(big, TX_MAX_SIZE + 1, &st), YB_ETOOBIG);
    free(big);
}

static void account_ids_inside_are_validated(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    struct tx_signed *st = NULL;
    p[4] = 'T'; /* "Test.near" */
    assert_int_equal(tx_decode_signed(p, n, &st), YB_EACCOUNT_CHAR);
    p[4] = '.';
    assert_int_equal(tx_decode_signed(p, n, &st), YB_EACCOUNT_SEP);
    p[4] = 't';
    p[58] = '-'; /* "-hatever.near" */
    assert_int_equal(tx_decode_signed(p, n, &st), YB_EACCOUNT_SEP);
    p[58] = 0xFF;
    assert_int_equal(tx_decode_signed(p, n, &st), YB_EUTF8);
    assert_null(st);
    free(p);
}

static void wrong_key_type_bytes(void **state)
{
    static const uint8_t types[] = {1, 2, 3, 255};
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    for (size_t i = 0; i < sizeof types; i++) {
        struct tx_signed *st = NULL;
        p[13] = types[i]; /* the tx public key */
        assert_int_equal(tx_decode_signed(p, n, &st), YB_EKEYTYPE);
        p[13] = 0;
        p[TRANSFER_TX_LEN] = types[i]; /* the signature */
        assert_int_equal(tx_decode_signed(p, n, &st), YB_EKEYTYPE);
        p[TRANSFER_TX_LEN] = 0;
    }
    free(p);
}

static void transaction_v1_is_refused(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    uint8_t *v1 = malloc(n + 1);
    v1[0] = 1; /* the V1 tag in front of a V0-shaped body */
    memcpy(v1 + 1, p, n);
    struct tx_signed *st = NULL;
    assert_int_equal(tx_decode_signed(v1, n + 1, &st), YB_ETX_VERSION);
    struct tx t;
    assert_int_equal(tx_decode(v1, TRANSFER_TX_LEN + 1, &t), YB_ETX_VERSION);
    /* byte 0 == 1 but byte 1 == 0 is a V0 whose signer id is 1 byte long: too short. */
    static const uint8_t v0_short[] = {1, 0, 0, 0, 'a', 0};
    assert_int_equal(tx_decode_signed(v0_short, sizeof v0_short, &st), YB_EACCOUNT_LEN);
    /* Neither form: byte 1 is not 0 and byte 0 is not 1. */
    static const uint8_t neither[] = {2, 9, 0, 0, 'a', 'b'};
    assert_int_equal(tx_decode_signed(neither, sizeof neither, &st), YB_EBORSH_LEN);
    free(v1);
    free(p);
}

static void unsupported_action_tags_are_named(void **state)
{
    static const uint8_t tags[] = {8, 9, 10, 11, 12, 13, 14, 100, 255};
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    for (size_t i = 0; i < sizeof tags; i++) {
        struct tx_signed *st = NULL;
        p[TRANSFER_TAG_OFFSET] = tags[i];
        assert_int_equal(tx_decode_signed(p, n, &st), YB_EACTION);
        assert_null(st);
    }
    free(p);
    assert_string_equal(tx_action_name(8), "Delegate");
    assert_string_equal(tx_action_name(9), "DeployGlobalContract");
    assert_string_equal(tx_action_name(10), "UseGlobalContract");
    assert_string_equal(tx_action_name(11), "Unknown");
    assert_string_equal(tx_action_name(2), "FunctionCall");

    /* near-api-js's real Delegate action. */
    struct borsh_reader r;
    struct tx_action a;
    borsh_reader_init(&r, delegate_action, sizeof delegate_action);
    assert_int_equal(tx_action_decode(&r, &a), YB_EACTION);
    assert_int_equal(r.p[r.off - 1], TX_ACTION_DELEGATE);
}

static void builders_refuse_bad_input(void **state)
{
    struct near_pubkey pk = {.type = NEAR_KEY_ED25519};
    uint8_t bh[32] = {0};
    struct tx tx;
    assert_int_equal(tx_init(&tx, "Bad", &pk, 1, "ok.near", bh), YB_EACCOUNT_CHAR);
    tx_fini(&tx);
    assert_int_equal(tx_init(&tx, "ok.near", &pk, 1, "x", bh), YB_EACCOUNT_LEN);
    tx_fini(&tx);
    assert_int_equal(tx_init(&tx, "ok.near", &pk, 1, "ok.near", bh), YB_OK);
    assert_int_equal(tx_add_delete_account(&tx, "bad..id"), YB_EACCOUNT_SEP);
    assert_int_equal(tx_add_function_call(&tx, "\xFF", NULL, 0, 1, 0), YB_EUTF8);
    assert_int_equal(tx_add_function_call(&tx, NULL, NULL, 0, 1, 0), YB_EINVAL);
    char long_name[TX_MAX_METHOD_NAME_LEN + 2];
    memset(long_name, 'm', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(tx_add_function_call(&tx, long_name, NULL, 0, 1, 0), YB_ETOOBIG);
    assert_int_equal(tx_add_function_call_key(&tx, &pk, NULL, "Ab", NULL, 0), YB_EACCOUNT_CHAR);
    struct near_pubkey secp = {.type = NEAR_KEY_SECP256K1};
    assert_int_equal(tx_add_full_access_key(&tx, &secp), YB_EKEYTYPE);
    assert_int_equal(tx.n_actions, 0);
    for (int i = 0; i < TX_MAX_ACTIONS; i++) {
        assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
    }
    assert_int_equal(tx_add_transfer(&tx, 1), YB_ETOOBIG);
    assert_int_equal(tx_add_delete_account(&tx, "ok.near"), YB_ETOOBIG);
    assert_int_equal(tx.n_actions, TX_MAX_ACTIONS);
    tx_fini(&tx);
}

/* ---- JSON views ---- */

static void expect_json(cJSON *j, const char *want)
{
    assert_non_null(j);
    char *s = cJSON_PrintUnformatted(j);
    if (strcmp(s, want) != 0) {
        fail_msg("JSON\n got: %s\nwant: %s", s, want);
    }
    free(s);
    cJSON_Delete(j);
}

static void action_json_views_match_nearcore(void **state)
{
    struct tx tx;
    uint8_t sk[64];
    build_multi(&tx, sk);
    static const char *const want[] = {
        "\"CreateAccount\"",
        "{\"DeployContract\":{\"code\":\"A5BYxvLAy0ksUzsKTRTvd8wPeKvMztUofYShogEc+4E=\"}}",
        "{\"FunctionCall\":{\"method_name\":\"qqq\",\"args\":\"AQID\",\"gas\":1000,"
        "\"deposit\":\"1000000\"}}",
        "{\"Transfer\":{\"deposit\":\"123\"}}",
        "{\"Stake\":{\"stake\":\"1000000\",\"public_key\":"
        "\"ed25519:22skMptHjFWNyuEWY22ftn2AbLPSYpmYwGJRGwpNHbTV\"}}",
        "{\"AddKey\":{\"public_key\":\"ed25519:22skMptHjFWNyuEWY22ftn2AbLPSYpmYwGJRGwpNHbTV\","
        "\"access_key\":{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"allowance\":null,"
        "\"receiver_id\":\"zzz\",\"method_names\":[\"www\"]}}}}}",
        "{\"DeleteKey\":{\"public_key\":\"ed25519:22skMptHjFWNyuEWY22ftn2AbLPSYpmYwGJRGwpNHbTV\"}}",
        "{\"DeleteAccount\":{\"beneficiary_id\":\"123\"}}",
    };
    assert_int_equal(tx.n_actions, 8);
    for (size_t i = 0; i < 8; i++) {
        expect_json(tx_action_to_json(&tx.actions[i]), want[i]);
    }
    struct tx_access_key full = {.nonce = 18446744073709551615ull, .full_access = true};
    expect_json(tx_access_key_to_json(&full),
                "{\"nonce\":18446744073709551615,\"permission\":\"FullAccess\"}");
    tx_fini(&tx);

    size_t n;
    uint8_t *p = transfer_bytes(&n);
    struct tx_signed *st = NULL;
    assert_int_equal(tx_decode_signed(p, n, &st), YB_OK);
    expect_json(
        tx_signed_to_json(st),
        "{\"signer_id\":\"test.near\",\"public_key\":"
        "\"ed25519:Anu7LYDfpLtkP7E16LT9imXF694BdQaa9ufVkQiwTQxC\",\"nonce\":1,"
        "\"receiver_id\":\"whatever.near\",\"actions\":[{\"Transfer\":{\"deposit\":\"1\"}}],"
        "\"signature\":\"ed25519:41eAXToSZSqFqHCDZKnK7QnYANgRY5mSgHz2P19NaLYqphwsdk4HA6QSd"
        "11kdKgqL4wa6hg7wvwt1V3wE6kbRxWt\",\"hash\":\"H4be6ioGzDeiGKork27na6Usw2Hzt4gNJfetJ7"
        "ag3LhP\"}");
    tx_signed_free(st);
    free(p);
}

static void decode_errors_say_where_and_why(void **state)
{
    size_t n;
    uint8_t *p = transfer_bytes(&n);
    struct tx_signed *st = NULL;
    char why[128];
    p[TRANSFER_TAG_OFFSET] = TX_ACTION_DELEGATE;
    assert_int_equal(tx_decode_signed_why(p, n, &st, why, sizeof why), YB_EACTION);
    assert_string_equal(why, "byte 107: unsupported action Delegate (tag 8)");
    p[TRANSFER_TAG_OFFSET] = 200;
    assert_int_equal(tx_decode_signed_why(p, n, &st, why, sizeof why), YB_EACTION);
    assert_string_equal(why, "byte 107: unsupported action Unknown (tag 200)");
    p[TRANSFER_TAG_OFFSET] = TX_ACTION_TRANSFER;
    assert_int_equal(tx_decode_signed_why(p, 50, &st, why, sizeof why), YB_EBORSH_EOF);
    assert_string_equal(why, "byte 46: borsh: unexpected end of input");
    p[0] = 1;
    p[1] = 9;
    assert_int_equal(tx_decode_signed_why(p, n, &st, why, sizeof why), YB_ETX_VERSION);
    assert_string_equal(why, "byte 0: transaction version not supported (TransactionV1)");
    /* A tiny buffer is still terminated; NULL is allowed. */
    char small[8];
    assert_int_equal(tx_decode_signed_why(p, n, &st, small, sizeof small), YB_ETX_VERSION);
    assert_int_equal(strlen(small), 7);
    assert_int_equal(tx_decode_signed_why(p, n, &st, NULL, 0), YB_ETX_VERSION);
    assert_null(st);
    free(p);
}

static void access_key_json_round_trips(void **state)
{
    static const char *const views[] = {
        "{\"nonce\":0,\"permission\":\"FullAccess\"}",
        ("{\"nonce\":5000000,\"permission\":{\"FunctionCall\":{\"allowance\":"
         "\"250000000000000000000000\",\"receiver_id\":\"oracle.test.near\","
         "\"method_names\":[\"respond\",\"get\"]}}}"),
        ("{\"nonce\":1,\"permission\":{\"FunctionCall\":{\"allowance\":null,"
         "\"receiver_id\":\"x.near\",\"method_names\":[]}}}"),
    };
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
        cJSON *j = cJSON_Parse(views[i]);
        struct tx_access_key ak;
        assert_int_equal(tx_access_key_from_json(j, &ak), YB_OK);
        cJSON_Delete(j);
        expect_json(tx_access_key_to_json(&ak), views[i]);
        tx_access_key_fini(&ak);
    }
    /* Without method_names (any method) and with a string nonce. */
    cJSON *j = cJSON_Parse("{\"nonce\":\"7\",\"permission\":{\"FunctionCall\":{"
                           "\"receiver_id\":\"x.near\"}}}");
    struct tx_access_key ak;
    assert_int_equal(tx_access_key_from_json(j, &ak), YB_OK);
    assert_true(ak.nonce == 7);
    assert_false(ak.has_allowance);
    assert_int_equal(ak.n_method_names, 0);
    tx_access_key_fini(&ak);
    cJSON_Delete(j);
}

struct json_bad_case {
    const char *json;
    int want;
};

static void access_key_json_errors_are_named(void **state)
{
    static const struct json_bad_case cases[] = {
        {"{\"permission\":\"FullAccess\"}", YB_EJSON_MISSING},
        {"{\"nonce\":0}", YB_EJSON_MISSING},
        {"{\"nonce\":-1,\"permission\":\"FullAccess\"}", YB_ENUMBER},
        {"{\"nonce\":0,\"permission\":\"PartialAccess\"}", YB_EMALFORMED},
        {"{\"nonce\":0,\"permission\":{\"Other\":{}}}", YB_EMALFORMED},
        {"{\"nonce\":0,\"permission\":7}", YB_EJSON_TYPE},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"allowance\":5,"
         "\"receiver_id\":\"x.near\"}}}",
         YB_EJSON_TYPE},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"allowance\":\"-5\","
         "\"receiver_id\":\"x.near\"}}}",
         YB_ENUMBER},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{}}}", YB_EJSON_MISSING},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"receiver_id\":\"X\"}}}",
         YB_EACCOUNT_LEN},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"receiver_id\":\"x.near\","
         "\"method_names\":[1]}}}",
         YB_EJSON_TYPE},
        {"{\"nonce\":0,\"permission\":{\"FunctionCall\":{\"receiver_id\":\"x.near\","
         "\"method_names\":\"get\"}}}",
         YB_EJSON_TYPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("json: %s\n", cases[i].json);
        cJSON *j = cJSON_Parse(cases[i].json);
        assert_non_null(j);
        struct tx_access_key ak;
        assert_int_equal(tx_access_key_from_json(j, &ak), cases[i].want);
        cJSON_Delete(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfer_vector_decodes_and_reencodes),
        cmocka_unit_test(flipped_byte_anywhere_fails),
        cmocka_unit_test(signing_with_a_seed_key_round_trips),
        cmocka_unit_test(multi_action_layout_matches_near_api_js),
        cmocka_unit_test(every_action_type_round_trips),
        cmocka_unit_test(truncated_at_every_offset),
        cmocka_unit_test(lengths_past_the_end_or_over_caps),
        cmocka_unit_test(account_ids_inside_are_validated),
        cmocka_unit_test(wrong_key_type_bytes),
        cmocka_unit_test(transaction_v1_is_refused),
        cmocka_unit_test(unsupported_action_tags_are_named),
        cmocka_unit_test(builders_refuse_bad_input),
        cmocka_unit_test(action_json_views_match_nearcore),
        cmocka_unit_test(decode_errors_say_where_and_why),
        cmocka_unit_test(access_key_json_round_trips),
        cmocka_unit_test(access_key_json_errors_are_named),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
