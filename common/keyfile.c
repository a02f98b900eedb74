/*
 * keyfile.c — NEAR credential files. Key strings are parsed and printed by near.c; this file
 * adds the JSON shape, the cross-checks between the fields, and careful file handling. Every
 * buffer that held a secret key is wiped before it is freed.
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "err.h"
#include "json.h"
#include "log.h"

/* The one place errno becomes an yb_err for this module. */
static int errno_to_err(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        return YB_ENOTFOUND;
    case EACCES:
    case EPERM:
    case EROFS:
        return YB_EPERM;
    case ENAMETOOLONG:
        return YB_EINVAL;
    default:
        return YB_EIO;
    }
}

static int set_account(struct keyfile *kf, const char *account_id)
{
    int rc = near_account_validate_cstr(account_id);
    if (rc != YB_OK) {
        return rc;
    }
    /* Zero the whole array so two keyfiles for one account compare equal with memcmp. */
    memset(kf->account_id, 0, sizeof kf->account_id);
    snprintf(kf->account_id, sizeof kf->account_id, "%s", account_id);
    return YB_OK;
}

int keyfile_generate(struct keyfile *kf, const char *account_id)
{
    int rc = set_account(kf, account_id);
    if (rc != YB_OK) {
        return rc;
    }
    crypto_ed25519_keypair(kf->pk, kf->sk);
    return YB_OK;
}

int keyfile_from_seed(struct keyfile *kf, const char *account_id,
                      const uint8_t seed[ED25519_SEED_LEN])
{
    int rc = set_account(kf, account_id);
    if (rc != YB_OK) {
        return rc;
    }
    crypto_ed25519_from_seed(seed, kf->pk, kf->sk);
    return YB_OK;
}

void keyfile_wipe(struct keyfile *kf)
{
    crypto_wipe(kf, sizeof *kf);
}

/* cJSON frees strings without clearing them; clear the secret key string first. */
static void delete_wiping(cJSON *root)
{
    const char *keys[] = {"private_key", "secret_key"};
    for (size_t i = 0; i < 2; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(root, keys[i]);
        if (cJSON_IsString(v) && v->valuestring != NULL) {
            crypto_wipe(v->valuestring, strlen(v->valuestring));
        }
    }
    cJSON_Delete(root);
}

static int parse_fields(const cJSON *root, struct keyfile *kf)
{
    const char *account = NULL;
    const char *pub = NULL;
    const char *secret = NULL;
    int rc = json_get_str(root, "account_id", &account);
    if (rc != YB_OK) {
        return rc;
    }
    rc = json_get_str(root, "public_key", &pub);
    if (rc != YB_OK) {
        return rc;
    }
    rc = json_get_str(root, "private_key", &secret);
    if (rc == YB_EJSON_MISSING) {
        rc = json_get_str(root, "secret_key", &secret);
    }
    if (rc != YB_OK) {
        return rc;
    }
    rc = set_account(kf, account);
    if (rc != YB_OK) {
        return rc;
    }
    struct near_pubkey pk;
    rc = near_pubkey_parse_cstr(pub, &pk);
    if (rc != YB_OK) {
        return rc;
    }
    rc = near_secret_key_parse(secret, strlen(secret), kf->sk);
    if (rc != YB_OK) {
        return rc;
    }
    if (memcmp(pk.data, kf->sk + ED25519_SEED_LEN, ED25519_PK_LEN) != 0) {
        return YB_EBADKEY;
    }
    memcpy(kf->pk, pk.data, ED25519_PK_LEN);
    return YB_OK;
}

int keyfile_parse(const char *text, size_t len, struct keyfile *out)
{
    cJSON *root = NULL;
    int rc = json_parse(text, len, KEYFILE_MAX_SIZE, &root, NULL);
    if (rc != YB_OK) {
        return rc;
    }
    struct keyfile kf;
    rc = parse_fields(root, &kf);
    delete_wiping(root);
    if (rc == YB_OK) {
        *out = kf;
    }
    keyfile_wipe(&kf);
    return rc;
}

int keyfile_format(const struct keyfile *kf, char **out)
{
    /* strnlen: a caller's struct need not hold a NUL; a full array is one byte too long. */
    size_t idlen = strnlen(kf->account_id, sizeof kf->account_id);
    int rc = idlen == sizeof kf->account_id ? YB_EACCOUNT_LEN
                                            : near_account_validate(kf->account_id, idlen);
    if (rc != YB_OK) {
        return rc;
    }
    /* Refuse to write a file that keyfile_parse would refuse to read. */
    uint8_t pk[ED25519_PK_LEN];
    uint8_t sk[ED25519_SK_LEN];
    crypto_ed25519_from_seed(kf->sk, pk, sk);
    bool ok = memcmp(sk, kf->sk, ED25519_SK_LEN) == 0 && memcmp(pk, kf->pk, ED25519_PK_LEN) == 0;
    crypto_wipe(sk, sizeof sk);
    if (!ok) {
        return YB_EBADKEY;
    }
    struct near_pubkey npk = {.type = NEAR_KEY_ED25519};
    memcpy(npk.data, kf->pk, ED25519_PK_LEN);
    char pub[NEAR_PUBKEY_STR_MAX];
    char secret[NEAR_SECKEY_STR_MAX];
    rc = near_pubkey_format(&npk, pub);
    if (rc == YB_OK) {
        rc = near_secret_key_format(kf->sk, secret);
    }
    if (rc != YB_OK) {
        crypto_wipe(secret, sizeof secret);
        return rc;
    }
    cJSON *root = cJSON_CreateObject();
    ok = root != NULL && cJSON_AddStringToObject(root, "account_id", kf->account_id) != NULL &&
         cJSON_AddStringToObject(root, "public_key", pub) != NULL &&
         cJSON_AddStringToObject(root, "private_key", secret) != NULL;
    crypto_wipe(secret, sizeof secret);
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    delete_wiping(root);
    if (text == NULL) {
        return YB_ENOMEM;
    }
    *out = text;
    return YB_OK;
}

void keyfile_free_text(char *text)
{
    if (text != NULL) {
        crypto_wipe(text, strlen(text));
        free(text);
    }
}

int keyfile_read(const char *path, struct keyfile *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno_to_err(errno);
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return errno_to_err(e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return YB_EIO;
    }
    if (st.st_size > KEYFILE_MAX_SIZE) {
        close(fd);
        return YB_ETOOBIG;
    }
    if ((st.st_mode & 077) != 0) {
        log_warn("YB-KEYFILE-MODE", "key file %s is readable by others (mode %03o); use 0600", path,
                 (unsigned)(st.st_mode & 0777));
    }
    /* Read up to one byte past the cap: the file may have grown since fstat. */
    char buf[KEYFILE_MAX_SIZE + 1];
    size_t len = 0;
    int rc = YB_OK;
    while (len < sizeof buf) {
        ssize_t n = read(fd, buf + len, sizeof buf - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = errno_to_err(errno);
            break;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    if (rc == YB_OK) {
        rc = len > KEYFILE_MAX_SIZE ? YB_ETOOBIG : keyfile_parse(buf, len, out);
    }
    crypto_wipe(buf, sizeof buf);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            return errno_to_err(errno);
        }
        p += w;
        n -= (size_t)w;
    }
    return YB_OK;
}

/* fsync the directory holding path so the rename itself survives a crash. */
static void sync_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int keyfile_write(const char *path, const struct keyfile *kf)
{
    char *text = NULL;
    int rc = keyfile_format(kf, &text);
    if (rc != YB_OK) {
        return rc;
    }
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        keyfile_free_text(text);
        return YB_EINVAL;
    }
    /* mkstemp creates the file with mode 0600, so the key is never briefly world-readable. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = errno_to_err(errno);
        keyfile_free_text(text);
        return rc;
    }
    rc = write_all(fd, text, strlen(text));
    if (rc == YB_OK) {
        rc = write_all(fd, "\n", 1);
    }
    keyfile_free_text(text);
    if (rc == YB_OK && fchmod(fd, 0600) != 0) {
        rc = errno_to_err(errno);
    }
    if (rc == YB_OK && fsync(fd) != 0) {
        rc = errno_to_err(errno);
    }
    if (close(fd) != 0 && rc == YB_OK) {
        rc = errno_to_err(errno);
    }
    if (rc == YB_OK && rename(tmp, path) != 0) {
        rc = errno_to_err(errno);
    }
    if (rc != YB_OK) {
        unlink(tmp);
        return rc;
    }
    sync_parent_dir(path);
    return YB_OK;
}
