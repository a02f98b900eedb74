/*
 * keyfile.h — NEAR credential files, as near-cli and near-api-js keep them in
 * ~/.near-credentials/<network>/<account>.json:
 *
 *   {"account_id":"alice.test.near","public_key":"ed25519:<base58 32 bytes>",
 *    "private_key":"ed25519:<base58 64 bytes: seed ‖ public key>"}
 *
 * On read, "secret_key" is accepted in place of "private_key" (older tools write it). Both key
 * strings and the account id are checked: the secret key's public half must be the key its seed
 * derives, and "public_key" must be that same key — otherwise YB_EBADKEY, so a mixed-up file can
 * never sign as someone else. Files are written atomically (temporary file, fsync, rename) with
 * mode 0600, and reads refuse files over KEYFILE_MAX_SIZE.
 *
 * crypto_init() must have run first (keys are generated and checked through libsodium).
 * Thread rules: reentrant; no shared state.
 */
#ifndef YB_KEYFILE_H
#define YB_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "near.h"

/* A credentials file is ~250 bytes; anything much larger is not one. */
#define KEYFILE_MAX_SIZE 4096

struct keyfile {
    char account_id[NEAR_ACCOUNT_ID_MAX + 1];
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sk[ED25519_SK_LEN]; /* seed ‖ pk */
};

/*
 * Fills kf for account_id with a fresh key pair (account_id borrowed).
 * Errors: YB_EACCOUNT_LEN, YB_EACCOUNT_CHAR, YB_EACCOUNT_SEP.
 */
int keyfile_generate(struct keyfile *kf, const char *account_id);
/* Fills kf for account_id from a 32-byte seed (deterministic: tests, genesis). Errors as above. */
int keyfile_from_seed(struct keyfile *kf, const char *account_id,
                      const uint8_t seed[ED25519_SEED_LEN]);

/*
 * Parses credentials JSON text[0..len) (borrowed, need not be NUL-terminated) into *out.
 * Errors: YB_ETOOBIG (len > KEYFILE_MAX_SIZE), YB_EJSON, YB_EJSON_MISSING, YB_EJSON_TYPE,
 * YB_EACCOUNT_* (bad account_id), YB_EKEYTYPE (not ed25519), YB_EBASE58, YB_EBADKEY (wrong
 * length, secret key's halves disagree, or public_key is not the secret key's).
 */
int keyfile_parse(const char *text, size_t len, struct keyfile *out);
/* The JSON text of kf, NUL-terminated; *out returned (free with keyfile_free_text, which wipes
 * it). Errors: YB_EACCOUNT_* (kf->account_id invalid), YB_EBADKEY (kf->pk is not sk's), YB_ENOMEM.
 */
int keyfile_format(const struct keyfile *kf, char **out);
/* Wipes and frees text from keyfile_format; NULL is allowed. */
void keyfile_free_text(char *text);

/*
 * Reads and parses the file at path (borrowed). Warns (log id YB-KEYFILE-MODE) when the file is
 * readable by group or others. Errors: YB_ENOTFOUND, YB_EPERM, YB_EIO (includes not a regular
 * file), YB_ETOOBIG (over KEYFILE_MAX_SIZE), and keyfile_parse's errors.
 */
int keyfile_read(const char *path, struct keyfile *out);
/*
 * Writes kf to path (borrowed) atomically with mode 0600, replacing any existing file; the
 * directory must exist. Errors: keyfile_format's, YB_EINVAL (path too long), YB_ENOTFOUND (no
 * such directory), YB_EPERM, YB_EIO.
 */
int keyfile_write(const char *path, const struct keyfile *kf);

/* Zeroes kf (the secret key included). */
void keyfile_wipe(struct keyfile *kf);

#endif
