/*
 * test_base.c - the base layer: errors, buffers, durations and instants.
 */
#include "unit.h"

#include "tocsin/buf.h"
#include "tocsin/clock.h"
#include "tocsin/error.h"

static void test_error_first_wins(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    assert_int_equal(tocsin_error_set(&err, TOCSIN_EINPUT, "a.lua", 3,
                                      "unknown wave '%s'", "ack"),
                     TOCSIN_EINPUT);
    tocsin_error_set(&err, TOCSIN_ERUNTIME, "b.lua", 9, "later");
    assert_int_equal(err.code, TOCSIN_EINPUT);
    assert_string_equal(err.path, "a.lua");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "unknown wave 'ack'");
    tocsin_error_at(&err, "c.lua", 7);
    assert_string_equal(err.path, "a.lua");
}

static void test_did_you_mean(void **state)
{
    const char *names[] = {"recall", "acknowledge", "banner"};

    (void)state;
    assert_string_equal(tocsin_did_you_mean("recal", names, 3), "recall");
    assert_string_equal(tocsin_did_you_mean("acknowledg", names, 3),
                        "acknowledge");
    assert_null(tocsin_did_you_mean("zebra", names, 3));
    assert_null(tocsin_did_you_mean("recall", names, 3));
}

static void test_buf_cap_is_sticky(void **state)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(8);

    (void)state;
    assert_non_null(b.ptr);
    assert_string_equal(b.ptr, "");
    tocsin_buf_adds(&b, "abcd");
    tocsin_buf_addf(&b, "%d", 123);
    assert_string_equal(b.ptr, "abcd123");
    tocsin_buf_adds(&b, "xy");
    assert_true(tocsin_buf_failed(&b));
    tocsin_buf_adds(&b, "z");
    assert_string_equal(b.ptr, "abcd123");
    tocsin_buf_cleanup(&b);
}

static void test_duration_parse(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int64_t v;

    (void)state;
    assert_int_equal(tocsin_duration_parse(&v, "90s", "p", 1, &err), 0);
    assert_int_equal(v, 90);
    assert_int_equal(tocsin_duration_parse(&v, "1h30m", "p", 1, &err), 0);
    assert_int_equal(v, 5400);
    assert_int_equal(tocsin_duration_parse(&v, "3d", "p", 1, &err), 0);
    assert_int_equal(v, 3 * 86400);
    assert_int_equal(tocsin_duration_parse(&v, "12x", "p.lua", 4, &err),
                     TOCSIN_EINPUT);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "invalid duration '12x'"));
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_duration_parse(&v, "99999999999999d", "p", 1,
                                           &err), TOCSIN_EINPUT);
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_duration_parse(&v, "", "p", 1, &err),
                     TOCSIN_EINPUT);
}

static void test_duration_format(void **state)
{
    char s[32];

    (void)state;
    tocsin_duration_format(s, sizeof s, 5400);
    assert_string_equal(s, "1h30m");
    tocsin_duration_format(s, sizeof s, 0);
    assert_string_equal(s, "0s");
    tocsin_duration_format(s, sizeof s, 2 * 86400 + 5);
    assert_string_equal(s, "2d5s");
}

static void test_time_roundtrip(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int64_t t;
    char s[32];

    (void)state;
    assert_int_equal(tocsin_time_parse(&t, "2026-11-22T09:00:00Z", &err), 0);
    assert_int_equal(t, 1795338000);
    tocsin_time_format(s, sizeof s, t);
    assert_string_equal(s, "2026-11-22T09:00:00Z");
    assert_int_equal(tocsin_time_parse(&t, "2026-11-22T17:00:00+08:00",
                                       &err), 0);
    assert_int_equal(t, 1795338000);
    assert_int_equal(tocsin_time_parse(&t, "2024-02-30", &err),
                     TOCSIN_EINPUT);
}

static void test_rate_parse(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    double r;

    (void)state;
    assert_int_equal(tocsin_rate_parse(&r, "2000/h", "p", 1, &err), 0);
    assert_true(r > 0.5555 && r < 0.5556);
    assert_int_equal(tocsin_rate_parse(&r, "50/s", "p", 1, &err), 0);
    assert_true(r == 50.0);
    assert_int_equal(tocsin_rate_parse(&r, "fast", "p", 1, &err),
                     TOCSIN_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_first_wins),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_buf_cap_is_sticky),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_time_roundtrip),
        cmocka_unit_test(test_rate_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
