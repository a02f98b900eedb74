/*
 * runtime_logic_keccak — keccak.c's sponge: FIPS SHA-3 vectors (the same sponge with the 0x06
 * domain byte; produced with Python's hashlib) across block boundaries, then Keccak-256/512
 * known answers (original 0x01 padding, as Ethereum and NEAR use).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "keccak.h"

struct vector {
    size_t n; /* input: bytes i % 251 for i < n */
    const char *sha3_256;
    const char *sha3_512;
};

/* Lengths around the 72- and 136-byte rates. */
static const struct vector sha3_vectors[] = {
    {0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
     "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac"
     "558f500199d95b6d3e301758586281dcd26"},
    {1, "5d53469f20fef4f8eab52b88044ede69c77a6a68a60728609fc4a65ff531e7d0",
     "7127aab211f82a18d06cf7578ff49d5089017944139aa60d8bee057811a15fb55a53887600a3eceba004de5110513"
     "9f32506fe5b53e1913bfa6b32e716fe97da"},
    {71, "881ad9ffbd7f090efa51cbdfe93da23a0401f4446f7adf150d1c226851cbfff2",
     "3ccc850d53a1287af7b4560b2ef0d43eb5d9a80d62a0e9cf1dbc040135921104d4395168e90bfc871773ebb34bca1"
     "bd67056e1cc7dc7a48ff7c3167d389f117c"},
    {72, "fe58866b2893c6c40ee832ce40fb6eb4c70ff7c4794380d95c2ebeec62decd31",
     "5d63f2bbe971a983ac6847480106e4e1264ee3a0befd79954914e1d86e795b2e18238f12fc5e46cb9cc78efdec610"
     "a93647cc04e1c23d8caaa6a58c21dd26c07"},
    {73, "797061b3aad8e724740c79dc697ef3de4c96c4db4483dba4e56f852222c72474",
     "921d9b7b2b0f3066a1646dbb058c979cb3925dec0f8c269faaa7f9648e73465ae55ec527257d5d5e1cfdbf5d6799b"
     "ea1004b6186f5108c74e3b92fe924166558"},
    {135, "fded8fd9d6551c601eeb3b7c6bc5e5cfd8aad1d015b7e9aaa9c9b9475231d5e2",
     "d942df0df09ac042cd3b641144c98d8fda0980bb037fc5c0e7f2e9a073b073dc4bb8a8c1f4cb5b45f5805c6523741"
     "ed0571d6779b15829b2faa280fc60b50645"},
    {136, "cf3ccff92480a29160c2d38317c430e14749bfee1788106957dfe73f8c4930e5",
     "ad8edff4f1b7aa1c63bbe49728ab9b165f7245b3d7102e6f99c261fc15d2d0bf6afef6a491720454a1349fbf5d848"
     "854875ac83a1156fd7f6e2a37af26c07fb2"},
    {137, "ce9d7dc90913ee5d92745019479a5352c6d6279bef18ed07dc0a83ee8084daca",
     "3f827e5d7ddbd54ea1dba28cae0154eb5ff8d8d973770865861b7cdf5f091040889d55c0e74b672cead274fac1d4a"
     "559fd9185be898ab8969b5e78681527660d"},
    {300, "4be64d77dff18f218eeb40368f86ed78e6d4f2381c71675ab5ada46aa4fee621",
     "f41046d91092e2fc5dc1d9cc47a02d71f2809a4fa5a4bbacf35e10459ac853cc366c6579ca3705a59ac76ccbf0d83"
     "5f2e56518c441c9d677c6801e19527b3327"},
};

static void hex(const uint8_t *p, size_t n, char *out)
{
    assert_int_equal(hex_encode(p, n, out, 2 * n + 1), 0);
}

static void sponge_matches_sha3_across_blocks(void **state)
{
    uint8_t in[300], out[64];
    char h[129];
    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (uint8_t)(i % 251);
    }
    for (size_t v = 0; v < sizeof(sha3_vectors) / sizeof(sha3_vectors[0]); v++) {
        const struct vector *t = &sha3_vectors[v];
        keccak_sponge(136, 0x06, in, t->n, out, 32);
        hex(out, 32, h);
        assert_string_equal(h, t->sha3_256);
        keccak_sponge(72, 0x06, in, t->n, out, 64);
        hex(out, 64, h);
        assert_string_equal(h, t->sha3_512);
    }
}

static void keccak_known_answers(void **state)
{
    uint8_t out[64];
    char h[129];
    keccak_256(NULL, 0, out);
    hex(out, 32, h);
    assert_string_equal(h, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    keccak_256((const uint8_t *)"abc", 3, out);
    hex(out, 32, h);
    assert_string_equal(h, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    keccak_512(NULL, 0, out);
    hex(out, 64, h);
    assert_string_equal(h, "0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304"
                           "c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sponge_matches_sha3_across_blocks),
        cmocka_unit_test(keccak_known_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
