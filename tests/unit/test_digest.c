/*
 * test_digest.c - SHA-256 and HMAC-SHA-256 against published vectors.
 */
#include "unit.h"

#include "tocsin/digest.h"

static void test_sha256_fips180_abc(void **state)
{
    char hex[65];

    (void)state;
    tocsin_sha256_hex(hex, "abc", 3);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
}

static void test_hmac_rfc4231_case2(void **state)
{
    char hex[65];
    const char *data = "what do ya want for nothing?";

    (void)state;
    tocsin_hmac_sha256_hex(hex, "Jefe", 4, data, strlen(data));
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
                             "5a003f089d2739839dec58b964ec3843");
}

static void test_sha256_file_matches_bytes(void **state)
{
    char path[] = "/tmp/tocsin-digest-XXXXXX", a[65], b[65];
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    (void)state;
    fputs("id,email\nC1,a@example.com\n", f);
    fclose(f);
    assert_int_equal(tocsin_sha256_file(a, path, &err), 0);
    tocsin_sha256_hex(b, "id,email\nC1,a@example.com\n",
                      strlen("id,email\nC1,a@example.com\n"));
    assert_string_equal(a, b);
    remove(path);
    assert_int_equal(tocsin_sha256_file(a, path, &err), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_fips180_abc),
        cmocka_unit_test(test_hmac_rfc4231_case2),
        cmocka_unit_test(test_sha256_file_matches_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
