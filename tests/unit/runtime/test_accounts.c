/*
 * test_accounts.c — the runtime without contracts: transfers, account creation and deletion,
 * keys, transaction validation (nonces, balance, signatures, access-key permissions), refunds
 * and per-receipt rollback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "receipt.h"
#include "rt_fixture.h"

#define START_BALANCE rt_near(100)

static int setup(void **state)
{
    struct rt_fixture *f = test_malloc(sizeof *f);
    assert_int_equal(rt_fixture_init(f, NULL), YB_OK);
    assert_int_equal(rt_fixture_account(f, "alice.test", START_BALANCE), YB_OK);
    assert_int_equal(rt_fixture_account(f, "bob.test", START_BALANCE), YB_OK);
    assert_int_equal(rt_fixture_account(f, "carol.test", START_BALANCE), YB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct rt_fixture *f = *state;
    rt_fixture_fini(f);
    test_free(f);
    return 0;
}

static const struct config_runtime *cfg(struct rt_fixture *f)
{
    return &f->rt.config;
}

/* Gas of a one-action tx: receipt creation + the action, send (sir or not) and exec. */
static uint64_t one_action_gas(struct rt_fixture *f, enum config_fee_kind k, bool sir)
{
    return config_fee_send(cfg(f), CONFIG_FEE_ACTION_RECEIPT_CREATION, sir) +
           config_fee_exec(cfg(f), CONFIG_FEE_ACTION_RECEIPT_CREATION) +
           config_fee_send(cfg(f), k, sir) + config_fee_exec(cfg(f), k);
}

static bool u128_eq(yb_u128 a, yb_u128 b)
{
    return a == b;
}

static const char *failure_name(struct rt_fixture *f, const uint8_t hash[NEAR_HASH_LEN])
{
    const struct outcome *o = NULL;
    if (rt_fixture_final(f, hash, &o) != RT_FINAL_FAILURE) {
        return "(not a failure)";
    }
    return o->failure_name;
}

static void transfer_moves_balance_and_burns_exact_fees(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "bob.test", rt_near(5), h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    /* the receipt goes to another account: it runs in the next block */
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_PENDING);
    const struct outcome *tx = rt_fixture_outcome(f, h);
    assert_non_null(tx);
    assert_int_equal(tx->status, OUTCOME_SUCCESS_RECEIPT_ID);
    assert_int_equal(tx->n_receipt_ids, 1);
    assert_string_equal(tx->executor_id, "alice.test");
    /* nearcore's id for the receipt a tx becomes: sha256(tx_hash ‖ height ‖ 0) */
    uint8_t rid[NEAR_HASH_LEN];
    receipt_id_from_tx(h, 1, rid);
    assert_memory_equal(tx->receipt_ids[0], rid, NEAR_HASH_LEN);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    const struct outcome *last = NULL;
    assert_int_equal(rt_fixture_final(f, h, &last), RT_FINAL_SUCCESS);
    assert_string_equal(last->executor_id, "bob.test");
    assert_int_equal(last->value_len, 0);
    assert_int_equal(last->gas_burnt, config_fee_exec(cfg(f), CONFIG_FEE_ACTION_RECEIPT_CREATION) +
                                          config_fee_exec(cfg(f), CONFIG_FEE_TRANSFER));

    uint64_t gas = one_action_gas(f, CONFIG_FEE_TRANSFER, false);
    assert_true(u128_eq(rt_fixture_balance(f, "bob.test"), START_BALANCE + rt_near(5)));
    assert_true(u128_eq(rt_fixture_balance(f, "alice.test"),
                        START_BALANCE - rt_near(5) - (yb_u128)gas * cfg(f)->gas_price));
}

static void transfer_to_self_runs_in_the_same_block(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "alice.test", rt_near(1), h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
}

static void create_account_with_key_then_sign_with_it(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("sub.alice.test", sk, &pk);
    assert_int_equal(rt_fixture_tx(f, "alice.test", "sub.alice.test", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, rt_near(10)), YB_OK);
    assert_int_equal(tx_add_full_access_key(&tx, &pk), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);

    struct state_account a;
    assert_int_equal(rt_fixture_get_account(f, "sub.alice.test", &a), YB_OK);
    assert_true(u128_eq(a.amount, rt_near(10)));
    bool exists = false;
    struct tx_access_key ak;
    assert_int_equal(rt_fixture_get_key(f, "sub.alice.test", &pk, &exists, &ak), YB_OK);
    assert_true(exists);
    assert_true(ak.full_access);
    /* a new key starts at (height - 1) * 10^6, height being the block that added it */
    assert_int_equal(ak.nonce, (f->height - 1) * RUNTIME_NONCE_RANGE_MULTIPLIER);
    tx_access_key_fini(&ak);

    uint8_t h2[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "sub.alice.test", "bob.test", rt_near(1), h2), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h2, NULL), RT_FINAL_SUCCESS);
}

static void create_existing_account_fails_and_refunds_the_deposit(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "bob.test", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, rt_near(7)), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK); /* tx, receipt, refund */
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "AccountAlreadyExists");
    char *js = cJSON_PrintUnformatted(o->failure);
    assert_string_equal(js, "{\"ActionError\":{\"index\":0,\"kind\":{\"AccountAlreadyExists\":"
                            "{\"account_id\":\"bob.test\"}}}}");
    cJSON_free(js);
    /* the failed receipt made a deposit refund (and a gas refund: nothing ran past action 0) */
    assert_true(o->n_receipt_ids >= 1);
    assert_true(u128_eq(rt_fixture_balance(f, "bob.test"), START_BALANCE));
    yb_u128 alice = rt_fixture_balance(f, "alice.test");
    /* alice lost only burnt gas: send fees plus the exec fees of what ran */
    uint64_t burnt = config_fee_send(cfg(f), CONFIG_FEE_ACTION_RECEIPT_CREATION, false) +
                     config_fee_send(cfg(f), CONFIG_FEE_CREATE_ACCOUNT, false) +
                     config_fee_send(cfg(f), CONFIG_FEE_TRANSFER, false) + o->gas_burnt;
    assert_true(u128_eq(alice, START_BALANCE - (yb_u128)burnt * cfg(f)->gas_price));
}

static void top_level_account_needs_the_registrar(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "shortname", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_string_equal(failure_name(f, h), "CreateAccountOnlyByRegistrar");

    assert_int_equal(rt_fixture_tx(f, "alice.test", "x.bob.test", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_string_equal(failure_name(f, h), "CreateAccountNotAllowed");
}

static void failed_receipt_rolls_back_only_itself(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk, missing;
    rt_fixture_key("sub.alice.test", sk, &pk);
    rt_fixture_key("nobody", sk, &missing);
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "sub.alice.test", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, rt_near(10)), YB_OK);
    assert_int_equal(tx_add_full_access_key(&tx, &pk), YB_OK);
    assert_int_equal(tx_add_delete_key(&tx, &missing), YB_OK);
    uint8_t bad[NEAR_HASH_LEN], good[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, bad), YB_OK);
    assert_int_equal(rt_fixture_transfer(f, "bob.test", "carol.test", rt_near(2), good), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);

    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, bad, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "DeleteKeyDoesNotExist");
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o->failure, "ActionError"), "index"));
    assert_int_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(o->failure, "ActionError"), "index")->valueint, 3);
    /* actions 0-2 were undone with it: no account, no key */
    struct state_account a;
    assert_int_equal(rt_fixture_get_account(f, "sub.alice.test", &a), YB_ENOTFOUND);
    /* the other receipt of the same block kept its effect */
    assert_int_equal(rt_fixture_final(f, good, NULL), RT_FINAL_SUCCESS);
    assert_true(u128_eq(rt_fixture_balance(f, "carol.test"), START_BALANCE + rt_near(2)));
    /* the 10 NEAR came back to alice */
    assert_true(rt_fixture_balance(f, "alice.test") > START_BALANCE - rt_near(1));
}

static void nonce_replay_is_rejected(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "bob.test", &tx), YB_OK);
    uint64_t nonce = tx.nonce;
    assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
    uint8_t h1[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h1), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_outcome(f, h1)->status, OUTCOME_SUCCESS_RECEIPT_ID);

    /* the same nonce again (a different tx, so a different hash) */
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    assert_int_equal(tx_init(&tx, "alice.test", &f->accounts[0].pk, nonce, "bob.test", zero),
                     YB_OK);
    assert_int_equal(tx_add_transfer(&tx, 2), YB_OK);
    uint8_t h2[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h2), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    const struct outcome *o = rt_fixture_outcome(f, h2);
    assert_int_equal(o->status, OUTCOME_FAILURE);
    assert_string_equal(o->failure_name, "InvalidNonce");
    char *js = cJSON_PrintUnformatted(o->failure);
    char want[160];
    snprintf(want, sizeof want,
             "{\"InvalidTxError\":{\"InvalidNonce\":{\"tx_nonce\":%llu,\"ak_nonce\":%llu}}}",
             (unsigned long long)nonce, (unsigned long long)nonce);
    assert_string_equal(js, want);
    cJSON_free(js);
}

static void nonce_above_height_times_million_is_rejected(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    /* block 1 allows nonces below 1 * 10^6 */
    assert_int_equal(tx_init(&tx, "alice.test", &f->accounts[0].pk, 1000000, "bob.test", zero),
                     YB_OK);
    assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "NonceTooLarge");
}

static void insufficient_balance_changes_nothing(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "bob.test", rt_near(1000), h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = rt_fixture_outcome(f, h);
    assert_int_equal(o->status, OUTCOME_FAILURE);
    assert_string_equal(o->failure_name, "NotEnoughBalance");
    cJSON *nb =
        cJSON_GetObjectItem(cJSON_GetObjectItem(o->failure, "InvalidTxError"), "NotEnoughBalance");
    assert_non_null(nb);
    assert_string_equal(cJSON_GetObjectItem(nb, "signer_id")->valuestring, "alice.test");
    assert_true(u128_eq(rt_fixture_balance(f, "alice.test"), START_BALANCE));
    /* the account is untouched and keeps working */
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "bob.test", 1, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
}

static void unknown_signer_wrong_key_and_bad_signature(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "ghost.test", "bob.test", 1, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "SignerDoesNotExist");

    /* a key alice does not have */
    struct tx tx;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("not-a-key", sk, &pk);
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    assert_int_equal(tx_init(&tx, "alice.test", &pk, 5, "bob.test", zero), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
    assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "AccessKeyNotFound");

    /* alice's key, signed by someone else: tx_sign refuses, so corrupt a valid signature */
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "bob.test", 1, h), YB_OK);
    f->pending[f->n_pending - 1]->signature.data[0] ^= 1;
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "InvalidSignature");
}

/* alice gets a function-call key for counter.test / ["inc"] with a 1 NEAR allowance. */
static void add_function_call_key(struct rt_fixture *f, const struct near_pubkey *pk,
                                  yb_u128 allowance)
{
    struct tx tx;
    const char *methods[] = {"inc"};
    assert_int_equal(rt_fixture_tx(f, "alice.test", "alice.test", &tx), YB_OK);
    assert_int_equal(tx_add_function_call_key(&tx, pk, &allowance, "counter.test", methods, 1),
                     YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
}

struct perm_case {
    const char *name;
    const char *receiver;
    const char *method;
    yb_u128 deposit;
    uint64_t gas;
    bool transfer;
    const char *expect;
};

static void function_call_key_permission_violations(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("alice-fc-key", sk, &pk);
    add_function_call_key(f, &pk, rt_near(1));
    const struct perm_case cases[] = {
        {"transfer", "counter.test", NULL, 0, 0, true, "RequiresFullAccess"},
        {"deposit", "counter.test", "inc", 1, 10 * RT_TGAS, false, "DepositWithFunctionCall"},
        {"receiver", "bob.test", "inc", 0, 10 * RT_TGAS, false, "ReceiverMismatch"},
        {"method", "counter.test", "dec", 0, 10 * RT_TGAS, false, "MethodNameMismatch"},
    };
    uint64_t nonce = f->height * RUNTIME_NONCE_RANGE_MULTIPLIER;
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct perm_case *c = &cases[i];
        struct tx tx;
        assert_int_equal(tx_init(&tx, "alice.test", &pk, ++nonce, c->receiver, zero), YB_OK);
        if (c->transfer) {
            assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
        } else {
            assert_int_equal(
                tx_add_function_call(&tx, c->method, (const uint8_t *)"{}", 2, c->gas, c->deposit),
                YB_OK);
        }
        uint8_t h[NEAR_HASH_LEN];
        assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
        assert_int_equal(rt_fixture_block(f), YB_OK);
        const struct outcome *o = rt_fixture_outcome(f, h);
        assert_non_null(o);
        assert_int_equal(o->status, OUTCOME_FAILURE);
        assert_string_equal(o->failure_name, c->expect);
        assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o->failure, "InvalidTxError"),
                                            "InvalidAccessKeyError"));
    }
}

static void function_call_key_allowance_is_enforced(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("alice-small-key", sk, &pk);
    add_function_call_key(f, &pk, 1000); /* 1000 yocto: less than any call costs */
    struct tx tx;
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    assert_int_equal(tx_init(&tx, "alice.test", &pk, f->height * RUNTIME_NONCE_RANGE_MULTIPLIER + 1,
                             "counter.test", zero),
                     YB_OK);
    assert_int_equal(tx_add_function_call(&tx, "inc", (const uint8_t *)"{}", 2, RT_TGAS, 0), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit_signed(f, &tx, sk, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "NotEnoughAllowance");
}

static void deleted_key_can_no_longer_sign(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "bob.test", "bob.test", &tx), YB_OK);
    assert_int_equal(tx_add_delete_key(&tx, &f->accounts[1].pk), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
    assert_int_equal(rt_fixture_transfer(f, "bob.test", "alice.test", 1, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(rt_fixture_outcome(f, h)->failure_name, "AccessKeyNotFound");
}

static void stake_is_refused_by_name(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "alice.test", &tx), YB_OK);
    assert_int_equal(tx_add_stake(&tx, rt_near(1), &f->accounts[0].pk), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_string_equal(failure_name(f, h), "StakingNotSupported");
}

static void delete_account_pays_the_beneficiary(void **state)
{
    struct rt_fixture *f = *state;
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "carol.test", "carol.test", &tx), YB_OK);
    assert_int_equal(tx_add_delete_account(&tx, "bob.test"), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
    struct state_account a;
    assert_int_equal(rt_fixture_get_account(f, "carol.test", &a), YB_ENOTFOUND);
    uint64_t gas = one_action_gas(f, CONFIG_FEE_DELETE_ACCOUNT, true);
    assert_true(u128_eq(rt_fixture_balance(f, "bob.test"),
                        START_BALANCE + START_BALANCE - (yb_u128)gas * cfg(f)->gas_price));
    /* someone else may not delete bob */
    assert_int_equal(rt_fixture_tx(f, "alice.test", "bob.test", &tx), YB_OK);
    assert_int_equal(tx_add_delete_account(&tx, "alice.test"), YB_OK);
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_string_equal(failure_name(f, h), "ActorNoPermission");
}

static void call_without_contract_refunds_deposit_and_gas(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(
        rt_fixture_call(f, "alice.test", "bob.test", "hello", "{}", 100 * RT_TGAS, rt_near(3), h),
        YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 3), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "CodeDoesNotExist");
    /* two refunds: the deposit (to the predecessor) and the unused gas (to the signer), with
     * ids sha256(parent ‖ height ‖ index) in that order; the receipt ran at height 2 */
    assert_int_equal(o->n_receipt_ids, 2);
    for (uint64_t i = 0; i < 2; i++) {
        uint8_t want[NEAR_HASH_LEN];
        receipt_id_from_parent(o->id, 2, i, want);
        assert_memory_equal(o->receipt_ids[i], want, NEAR_HASH_LEN);
    }
    for (size_t i = 0; i < o->n_receipt_ids; i++) {
        const struct outcome *r = rt_fixture_outcome(f, o->receipt_ids[i]);
        assert_non_null(r);
        assert_int_equal(r->status, OUTCOME_SUCCESS_VALUE);
        assert_int_equal(r->gas_burnt, 0);
    }
    /* alice paid only the burnt gas; 100 Tgas of prepaid gas came back */
    uint64_t burnt = config_fee_send(cfg(f), CONFIG_FEE_ACTION_RECEIPT_CREATION, false) +
                     config_fee_send(cfg(f), CONFIG_FEE_FUNCTION_CALL, false) +
                     config_fee_send(cfg(f), CONFIG_FEE_FUNCTION_CALL_PER_BYTE, false) * 7 +
                     o->gas_burnt;
    assert_true(u128_eq(rt_fixture_balance(f, "alice.test"),
                        START_BALANCE - (yb_u128)burnt * cfg(f)->gas_price));
    assert_true(u128_eq(rt_fixture_balance(f, "bob.test"), START_BALANCE));
}

static void heights_must_increase_and_may_skip(void **state)
{
    struct rt_fixture *f = *state;
    assert_int_equal(rt_fixture_block(f), YB_OK);
    assert_int_equal(rt_fixture_skip(f, 1000), YB_OK);
    assert_int_equal(f->height, 1001);
    struct store_txn *txn = NULL;
    assert_int_equal(store_write_begin(f->store, &txn), YB_OK);
    struct runtime_block blk = {.height = 1001};
    struct runtime_block_result res;
    runtime_block_result_init(&res);
    assert_int_equal(runtime_apply_block(&f->rt, txn, &blk, &res), YB_EINVAL);
    runtime_block_result_fini(&res);
    store_abort(txn);
}

/* The node's recent blocks: hash i+1 (all bytes) is the block at height 10*(i+1). */
static int lookup(void *ctx, const uint8_t hash[NEAR_HASH_LEN], uint64_t *height)
{
    (void)ctx;
    for (int i = 0; i < NEAR_HASH_LEN; i++) {
        if (hash[i] != hash[0]) {
            return YB_ENOTFOUND;
        }
    }
    if (hash[0] == 0 || hash[0] > 3) {
        return YB_ENOTFOUND;
    }
    *height = 10u * hash[0];
    return YB_OK;
}

static void verify_tx_checks_the_block_hash_window_without_changing_state(void **state)
{
    struct rt_fixture *f = *state;
    f->rt.tx_validity_period = 15;
    struct {
        uint8_t hash_byte;
        uint64_t height;
        const char *expect; /* NULL: valid */
    } cases[] = {
        {9, 30, "InvalidChain"}, /* unknown hash */
        {1, 26, "Expired"},      /* block 10, 16 blocks old */
        {1, 25, NULL},           /* block 10, exactly the window */
        {3, 31, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tx tx;
        uint8_t bh[NEAR_HASH_LEN];
        memset(bh, cases[i].hash_byte, sizeof bh);
        assert_int_equal(tx_init(&tx, "alice.test", &f->accounts[0].pk, 1 + i, "bob.test", bh),
                         YB_OK);
        assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
        struct tx_signed *st = NULL;
        assert_int_equal(tx_sign(&tx, f->accounts[0].sk, &st), YB_OK);
        struct store_txn *snap = NULL;
        assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
        cJSON *err = NULL;
        const char *name = NULL;
        int rc =
            runtime_verify_tx(&f->rt, snap, st, cases[i].height, true, lookup, NULL, &err, &name);
        store_snapshot_end(snap);
        if (cases[i].expect) {
            assert_int_equal(rc, YB_ERUNTIME_INVALID_TX);
            assert_string_equal(name, cases[i].expect);
            cJSON_Delete(err);
        } else {
            assert_int_equal(rc, YB_OK);
            assert_null(err);
        }
        tx_signed_free(st);
    }
    /* admission charged nothing and used no nonce */
    assert_true(u128_eq(rt_fixture_balance(f, "alice.test"), START_BALANCE));
    bool exists = false;
    struct tx_access_key ak;
    assert_int_equal(rt_fixture_get_key(f, "alice.test", &f->accounts[0].pk, &exists, &ak), YB_OK);
    assert_true(exists);
    assert_int_equal(ak.nonce, 0);
    tx_access_key_fini(&ak);
}

static void transfer_to_an_implicit_account_creates_it(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t sk[NEAR_ED25519_SK_LEN];
    struct near_pubkey pk;
    rt_fixture_key("implicit-owner", sk, &pk);
    char id[NEAR_IMPLICIT_ID_LEN + 1];
    near_account_implicit(pk.data, id);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "alice.test", id, rt_near(2), h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_int_equal(rt_fixture_final(f, h, NULL), RT_FINAL_SUCCESS);
    assert_true(u128_eq(rt_fixture_balance(f, id), rt_near(2)));
    /* a transfer to an implicit id also pays for the account and its key (nearcore's
     * transfer_send_fee / transfer_exec_fee) */
    uint64_t gas = one_action_gas(f, CONFIG_FEE_TRANSFER, false) +
                   config_fee_send(cfg(f), CONFIG_FEE_CREATE_ACCOUNT, false) +
                   config_fee_exec(cfg(f), CONFIG_FEE_CREATE_ACCOUNT) +
                   config_fee_send(cfg(f), CONFIG_FEE_ADD_FULL_ACCESS_KEY, false) +
                   config_fee_exec(cfg(f), CONFIG_FEE_ADD_FULL_ACCESS_KEY);
    assert_true(u128_eq(rt_fixture_balance(f, "alice.test"),
                        START_BALANCE - rt_near(2) - (yb_u128)gas * cfg(f)->gas_price));
    bool exists = false;
    struct tx_access_key ak;
    assert_int_equal(rt_fixture_get_key(f, id, &pk, &exists, &ak), YB_OK);
    assert_true(exists);
    assert_true(ak.full_access);
    tx_access_key_fini(&ak);
    /* a named account that does not exist is not created */
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "ghost.test", 1, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    assert_string_equal(failure_name(f, h), "AccountDoesNotExist");
}

static void state_must_be_paid_for(void **state)
{
    struct rt_fixture *f = *state;
    /* 1 yocto cannot pay for the 100 bytes of an account at 10^19 yocto per byte */
    struct tx tx;
    assert_int_equal(rt_fixture_tx(f, "alice.test", "poor.alice.test", &tx), YB_OK);
    assert_int_equal(tx_add_create_account(&tx), YB_OK);
    assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_submit(f, &tx, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = NULL;
    assert_int_equal(rt_fixture_final(f, h, &o), RT_FINAL_FAILURE);
    assert_string_equal(o->failure_name, "LackBalanceForState");
    cJSON *ae = cJSON_GetObjectItem(o->failure, "ActionError");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(ae, "index")));
    struct state_account a;
    assert_int_equal(rt_fixture_get_account(f, "poor.alice.test", &a), YB_ENOTFOUND);
}

static void outcome_view_has_nearcore_shape(void **state)
{
    struct rt_fixture *f = *state;
    uint8_t h[NEAR_HASH_LEN];
    assert_int_equal(rt_fixture_transfer(f, "alice.test", "bob.test", 5, h), YB_OK);
    assert_int_equal(rt_fixture_blocks(f, 2), YB_OK);
    const struct outcome *o = rt_fixture_outcome(f, h);
    cJSON *j = outcome_to_json(o);
    char r[NEAR_HASH_STR_MAX];
    near_hash_format(o->receipt_ids[0], r);
    assert_string_equal(cJSON_GetObjectItem(j, "executor_id")->valuestring, "alice.test");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "status"), "SuccessReceiptId")->valuestring, r);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "receipt_ids"), 0)->valuestring,
                        r);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "tokens_burnt")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "gas_burnt")));
    cJSON_Delete(j);
    j = outcome_to_json(rt_fixture_outcome(f, o->receipt_ids[0]));
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "status"), "SuccessValue")->valuestring, "");
    assert_string_equal(cJSON_GetObjectItem(j, "executor_id")->valuestring, "bob.test");
    cJSON_Delete(j);
}

static void invalid_action_lists_are_refused_before_anything_else(void **state)
{
    struct rt_fixture *f = *state;
    struct {
        const char *expect;
        int shape; /* which action list to build */
    } cases[] = {
        {"DeleteActionMustBeFinal", 0},
        {"FunctionCallZeroAttachedGas", 1},
        {"TotalPrepaidGasExceeded", 2},
    };
    static const uint8_t zero[NEAR_HASH_LEN] = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tx tx;
        assert_int_equal(tx_init(&tx, "alice.test", &f->accounts[0].pk, 1, "alice.test", zero),
                         YB_OK);
        switch (cases[i].shape) {
        case 0:
            assert_int_equal(tx_add_delete_account(&tx, "bob.test"), YB_OK);
            assert_int_equal(tx_add_transfer(&tx, 1), YB_OK);
            break;
        case 1:
            assert_int_equal(tx_add_function_call(&tx, "m", NULL, 0, 0, 0), YB_OK);
            break;
        default:
            assert_int_equal(tx_add_function_call(&tx, "m", NULL, 0, 600 * RT_TGAS * 1000, 0),
                             YB_OK);
            assert_int_equal(tx_add_function_call(&tx, "m", NULL, 0, 600 * RT_TGAS * 1000, 0),
                             YB_OK);
            break;
        }
        struct tx_signed *st = NULL;
        assert_int_equal(tx_sign(&tx, f->accounts[0].sk, &st), YB_OK);
        struct store_txn *snap = NULL;
        assert_int_equal(store_snapshot_begin(f->store, &snap), YB_OK);
        cJSON *err = NULL;
        const char *name = NULL;
        assert_int_equal(runtime_verify_tx(&f->rt, snap, st, 1, true, NULL, NULL, &err, &name),
                         YB_ERUNTIME_INVALID_TX);
        store_snapshot_end(snap);
        assert_string_equal(name, cases[i].expect);
        assert_non_null(
            cJSON_GetObjectItem(cJSON_GetObjectItem(err, "InvalidTxError"), "ActionsValidation"));
        cJSON_Delete(err);
        tx_signed_free(st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(transfer_moves_balance_and_burns_exact_fees),
        T(transfer_to_self_runs_in_the_same_block),
        T(create_account_with_key_then_sign_with_it),
        T(create_existing_account_fails_and_refunds_the_deposit),
        T(top_level_account_needs_the_registrar),
        T(failed_receipt_rolls_back_only_itself),
        T(nonce_replay_is_rejected),
        T(nonce_above_height_times_million_is_rejected),
        T(insufficient_balance_changes_nothing),
        T(unknown_signer_wrong_key_and_bad_signature),
        T(function_call_key_permission_violations),
        T(function_call_key_allowance_is_enforced),
        T(deleted_key_can_no_longer_sign),
        T(stake_is_refused_by_name),
        T(delete_account_pays_the_beneficiary),
        T(call_without_contract_refunds_deposit_and_gas),
        T(heights_must_increase_and_may_skip),
        T(verify_tx_checks_the_block_hash_window_without_changing_state),
        T(transfer_to_an_implicit_account_creates_it),
        T(state_must_be_paid_for),
        T(outcome_view_has_nearcore_shape),
        T(invalid_action_lists_are_refused_before_anything_else),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
