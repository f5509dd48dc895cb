/*
 * test_locale.c - locale fallback, zones and the ICU filters. Expected
 * strings are ICU 72's own output for fixed cases (CLDR 42), with its
 * no-break spaces turned into plain ones as locale.c documents.
 */
#include "unit.h"

#include "tocsin/locale.h"

/* 2026-11-23T02:00:00Z: 9 PM on the 22nd in New York, 10 AM on the 23rd
 * in Taipei and Shanghai. */
#define EVENING "2026-11-23T02:00:00Z"

/* Apply 'filter' and return the text (static), or NULL with 'err' set. */
static const char *apply(const char *filter, const char *value,
                         const char *locale, const char *tz,
                         struct tocsin_error *err)
{
    static char text[512];
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    int rc;

    tocsin_error_clear(err);
    rc = tocsin_filter_apply(&out, filter, value, locale, tz, "p.lua", 7,
                             err);
    if (!rc) {
        assert_true(out.len < sizeof text);
        memcpy(text, out.ptr, out.len + 1);
    }
    tocsin_buf_cleanup(&out);
    return rc ? NULL : text;
}

static void assert_filter(const char *filter, const char *value,
                          const char *locale, const char *tz,
                          const char *want)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *got = apply(filter, value, locale, tz, &err);

    if (!got)
        fail_msg("%s('%s') in %s failed: %s", filter, value, locale,
                 err.msg);
    assert_string_equal(got, want);
}

static void assert_filter_error(const char *filter, const char *value,
                                const char *locale, const char *tz,
                                const char *msg)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    if (apply(filter, value, locale, tz, &err))
        fail_msg("%s('%s') should fail", filter, value ? value : "(null)");
    assert_int_equal(err.code, TOCSIN_EINPUT);
    assert_string_equal(err.path, "p.lua");
    assert_int_equal(err.line, 7);
    if (!strstr(err.msg, msg))
        fail_msg("%s('%s'): got '%s', want '%s'", filter,
                 value ? value : "(null)", err.msg, msg);
}

static void test_pick_is_script_aware(void **state)
{
    const char *const av[] = {"en", "zh-TW", "zh-CN"};
    const char *const fr_first[] = {"fr", "en-US"};

    (void)state;
    assert_int_equal(tocsin_locale_pick("zh-TW", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("ZH_tw", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("zh-Hant-HK", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("zh-HK", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("zh-MO", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("zh-Hant", av, 3), 1);
    assert_int_equal(tocsin_locale_pick("zh-Hans-SG", av, 3), 2);
    assert_int_equal(tocsin_locale_pick("zh-SG", av, 3), 2);
    assert_int_equal(tocsin_locale_pick("zh", av, 3), 2);
    assert_int_equal(tocsin_locale_pick("en-GB", av, 3), 0);
    assert_int_equal(tocsin_locale_pick("fr", av, 3), 0);
    assert_int_equal(tocsin_locale_pick("not a tag!", av, 3), 0);
    assert_int_equal(tocsin_locale_pick("", av, 3), 0);
    assert_int_equal(tocsin_locale_pick(NULL, av, 3), 0);
    /* same language beats the brand default; exact region beats both */
    assert_int_equal(tocsin_locale_pick("en-GB", fr_first, 2), 1);
    assert_int_equal(tocsin_locale_pick("en", fr_first, 2), 1);
    assert_int_equal(tocsin_locale_pick("de", fr_first, 2), 0);
}

static void test_locale_and_zone_validity(void **state)
{
    (void)state;
    assert_true(tocsin_locale_valid("en"));
    assert_true(tocsin_locale_valid("zh-Hant-HK"));
    assert_true(tocsin_locale_valid("zh-TW"));
    assert_false(tocsin_locale_valid("en_US"));
    assert_false(tocsin_locale_valid("en-"));
    assert_false(tocsin_locale_valid("!!"));
    assert_false(tocsin_locale_valid(""));
    assert_false(tocsin_locale_valid(NULL));
    assert_true(tocsin_tz_valid("America/New_York"));
    assert_true(tocsin_tz_valid("Asia/Taipei"));
    assert_true(tocsin_tz_valid("UTC"));
    assert_false(tocsin_tz_valid("america/new_york"));
    assert_false(tocsin_tz_valid("Mars/Olympus_Mons"));
    assert_false(tocsin_tz_valid("GMT+05:00"));
    assert_false(tocsin_tz_valid(""));
    assert_false(tocsin_tz_valid(NULL));
    assert_false(tocsin_tz_valid("Asia/\xe5\x8f\xb0\xe5\x8c\x97"));
}

static void test_tz_offset_follows_dst(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int off = 1;

    (void)state;
    /* 2026-01-15T12:00:00Z and 2026-07-01T12:00:00Z */
    assert_int_equal(tocsin_tz_offset(&off, "America/New_York", 1768478400,
                                      &err), 0);
    assert_int_equal(off, -5 * 3600);
    assert_int_equal(tocsin_tz_offset(&off, "America/New_York", 1782907200,
                                      &err), 0);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(tocsin_tz_offset(&off, "Asia/Taipei", 1782907200, &err),
                     0);
    assert_int_equal(off, 8 * 3600);
    assert_int_equal(tocsin_tz_offset(&off, "Asia/Kolkata", 0, &err), 0);
    assert_int_equal(off, 19800);
    assert_int_equal(tocsin_tz_offset(&off, "Mars/Base", 0, &err),
                     TOCSIN_EINPUT);
    assert_string_equal(err.msg, "unknown time zone 'Mars/Base'");
}

static void test_money_parse(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char code[4];
    double amount = 0;

    (void)state;
    assert_int_equal(tocsin_money_parse(code, &amount, "USD 20.50", "p", 1,
                                        &err), 0);
    assert_string_equal(code, "USD");
    assert_true(amount == 20.5);
    assert_int_equal(tocsin_money_parse(code, &amount, " TWD  500 ", "p", 1,
                                        &err), 0);
    assert_string_equal(code, "TWD");
    assert_true(amount == 500);
    assert_int_equal(tocsin_money_parse(code, &amount, "JPY 1200", "p", 1,
                                        &err), 0);
}

static void test_money_parse_refuses_odd_values(void **state)
{
    static const struct { const char *s, *hint; } bad[] = {
        {"usd 20", "write a currency code"},
        {"USD", "write a currency code"},
        {"USD20", "write a currency code"},
        {"USD -5", "write a currency code"},
        {"USD 1e3", "write a currency code"},
        {"USD 20.", "write a currency code"},
        {"USD 1,000", "write a currency code"},
        {"USD 20 USD", "write a currency code"},
        {"XYZ 5", "not an ISO 4217 code"},
        {"JPY 10.5", "the currency has no decimals"},
        {"USD 1.005", "more decimals than the currency"},
        {"USD 1234567890123456", "too large"},
        {"", "write a currency code"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        char code[4];
        double amount;

        assert_int_equal(tocsin_money_parse(code, &amount, bad[i].s,
                                            "pb.lua", 12, &err),
                         TOCSIN_EINPUT);
        assert_string_equal(err.path, "pb.lua");
        assert_int_equal(err.line, 12);
        assert_true(strstr(err.msg, "invalid money") != NULL);
        if (!strstr(err.hint, bad[i].hint))
            fail_msg("'%s': hint '%s', want '%s'", bad[i].s, err.hint,
                     bad[i].hint);
    }
}

static void test_money_as_each_locale_writes_it(void **state)
{
    (void)state;
    assert_filter("money", "USD 20", "en", NULL, "$20.00");
    assert_filter("money", "USD 20", "zh-TW", NULL, "US$20.00");
    assert_filter("money", "USD 20", "zh-CN", NULL, "US$20.00");
    assert_filter("money", "TWD 500", "zh-TW", NULL, "$500.00");
    assert_filter("money", "TWD 500", "en", NULL, "NT$500.00");
    assert_filter("money", "CNY 88.5", "zh-CN", NULL, "¥88.50");
    assert_filter("money", "USD 1234.5", "en", NULL, "$1,234.50");
    assert_filter("money", "JPY 1200", "en", NULL, "¥1,200");
    /* French groups with a narrow no-break space and puts a no-break
     * space before the symbol: both become plain spaces */
    assert_filter("money", "EUR 1234.5", "fr", NULL, "1 234,50 €");
}

static void test_date_is_the_long_date_in_the_zone(void **state)
{
    (void)state;
    assert_filter("date", EVENING, "en", "America/New_York",
                  "November 22, 2026");
    assert_filter("date", EVENING, "zh-TW", "Asia/Taipei", "2026年11月23日");
    assert_filter("date", EVENING, "zh-CN", "Asia/Shanghai",
                  "2026年11月23日");
    assert_filter("date", "1795399200", "en", "America/New_York",
                  "November 22, 2026");
    assert_filter("date", "2026-11-22T21:00:00-05:00", "en", NULL,
                  "November 23, 2026");
    /* a bare date is that calendar day wherever the recipient is */
    assert_filter("date", "2026-11-22", "en", "America/Los_Angeles",
                  "November 22, 2026");
    assert_filter("date", "2026-11-22", "zh-TW", "Pacific/Kiritimati",
                  "2026年11月22日");
}

static void test_datetime_has_time_and_zone(void **state)
{
    (void)state;
    assert_filter("datetime", EVENING, "en", "America/New_York",
                  "November 22, 2026 at 9:00 PM EST");
    assert_filter("datetime", EVENING, "zh-TW", "America/New_York",
                  "2026年11月22日 下午9:00 [EST]");
    assert_filter("datetime", EVENING, "zh-TW", "Asia/Taipei",
                  "2026年11月23日 上午10:00 [GMT+8]");
    assert_filter("datetime", EVENING, "zh-CN", "Asia/Shanghai",
                  "2026年11月23日 GMT+8 10:00");
    assert_filter("datetime", EVENING, "en", NULL,
                  "November 23, 2026 at 2:00 AM UTC");
}

static void test_duration_in_words(void **state)
{
    (void)state;
    assert_filter("duration", "48h", "en", NULL, "2 days");
    assert_filter("duration", "36h", "en", NULL, "1 day, 12 hours");
    assert_filter("duration", "1h30m", "en", NULL, "1 hour, 30 minutes");
    assert_filter("duration", "5400", "en", NULL, "1 hour, 30 minutes");
    assert_filter("duration", "1d1h1m1s", "en", NULL,
                  "1 day, 1 hour, 1 minute, 1 second");
    assert_filter("duration", "2w", "en", NULL, "14 days");
    assert_filter("duration", "0", "en", NULL, "0 seconds");
    /* CLDR 42 spaces Traditional Chinese units; Simplified it does not */
    assert_filter("duration", "1h30m", "zh-TW", NULL, "1 小時 30 分鐘");
    assert_filter("duration", "48h", "zh-TW", NULL, "2 天");
    assert_filter("duration", "1h30m", "zh-CN", NULL, "1小时30分钟");
    assert_filter("duration", "36h", "zh-CN", NULL, "1天12小时");
}

static void test_case_mapping_is_locale_aware(void **state)
{
    (void)state;
    assert_filter("upper", "istanbul", "en", NULL, "ISTANBUL");
    assert_filter("upper", "istanbul", "tr", NULL, "İSTANBUL");
    assert_filter("upper", "Straße", "de", NULL, "STRASSE");
    assert_filter("lower", "ΟΔΟΣ", "el", NULL, "οδος");
    assert_filter("lower", "İ", "tr", NULL, "i");
    assert_filter("upper", "訂單 a1", "zh-TW", NULL, "訂單 A1");
}

/* The same value again (a wave's params) is answered from memory: it must
 * still depend on the filter, the locale and the zone. */
static void test_repeated_values_stay_right(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 2; i++) {
        assert_filter("upper", "Abc", "en", NULL, "ABC");
        assert_filter("lower", "Abc", "en", NULL, "abc");
        assert_filter("date", EVENING, "en", "Asia/Taipei",
                      "November 23, 2026");
        assert_filter("date", EVENING, "en", "America/New_York",
                      "November 22, 2026");
        assert_filter("datetime", EVENING, "en", "Asia/Taipei",
                      "November 23, 2026 at 10:00 AM GMT+8");
        assert_filter("money", "USD 20", "zh-TW", NULL, "US$20.00");
        assert_filter("money", "USD 21", "zh-TW", NULL, "US$21.00");
    }
}

static void test_long_value_case_mapping(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    char *big = malloc(20001);

    (void)state;
    memset(big, 'a', 20000);
    big[20000] = '\0';
    assert_int_equal(tocsin_filter_apply(&out, "upper", big, "en", NULL,
                                         "p", 1, &err), 0);
    assert_int_equal(out.len, 20000);
    assert_int_equal(out.ptr[19999], 'A');
    tocsin_buf_cleanup(&out);
    free(big);
}

static void test_odd_values_are_clear_errors(void **state)
{
    (void)state;
    assert_filter_error("money", "twenty", "en", NULL,
                        "cannot read 'twenty' as money");
    assert_filter_error("money", "", "en", NULL, "cannot read '' as money");
    assert_filter_error("money", NULL, "en", NULL, "as money");
    assert_filter_error("money", "XYZ 1", "en", NULL, "as money");
    assert_filter_error("date", "yesterday", "en", NULL,
                        "cannot read 'yesterday' as a time");
    assert_filter_error("date", "2026-13-01", "en", NULL, "as a time");
    assert_filter_error("date", "99999999999999", "en", NULL, "as a time");
    assert_filter_error("date", "-", "en", NULL, "as a time");
    assert_filter_error("datetime", "2026-11-22T25:00:00Z", "en", NULL,
                        "as a time");
    assert_filter_error("duration", "-5", "en", NULL,
                        "cannot read '-5' as a duration");
    assert_filter_error("duration", "1h 30m", "en", NULL, "as a duration");
    assert_filter_error("duration", "soon", "en", NULL, "as a duration");
    assert_filter_error("duration", "99999999999d", "en", NULL,
                        "as a duration");
    assert_filter_error("upper", "bad \xff utf8", "en", NULL,
                        "not valid UTF-8");
    assert_filter_error("datetme", "x", "en", NULL,
                        "unknown filter 'datetme'; did you mean "
                        "'datetime'?");
    assert_filter_error("date", EVENING, "en", "Mars/Base",
                        "unknown time zone 'Mars/Base'");
    assert_filter_error("upper", "x", "en_US!", NULL,
                        "unknown locale 'en_US!'");
    assert_filter_error("money", "USD 1", "e-US", NULL,
                        "unknown locale");
}

static void test_long_values_are_quoted_short(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char v[300];

    (void)state;
    memset(v, 'x', sizeof v - 1);
    v[sizeof v - 1] = '\0';
    assert_null(apply("date", v, "en", NULL, &err));
    assert_true(strlen(err.msg) < 80);
    /* cut on a character boundary: 13 three-byte characters and a bit */
    memset(v, 0, sizeof v);
    for (size_t i = 0; i < 20; i++)
        memcpy(v + 3 * i, "\xe5\xa4\xa9", 3);
    assert_null(apply("money", v, "zh-TW", NULL, &err));
    assert_true(strstr(err.msg, "'\xe5\xa4\xa9\xe5\xa4\xa9") != NULL);
    assert_true(strstr(err.msg, "\xe5\xa4\xa9' as money") != NULL);
}

/* More (locale, zone) pairs than the cache holds: entries are evicted and
 * reopened, and every answer stays right. */
static void test_cache_evicts_and_reopens(void **state)
{
    static const char *const locs[] = {"en", "zh-TW", "zh-CN"};
    struct tocsin_buf tz = TOCSIN_BUF_INIT(0);
    int round, h;
    size_t l;

    (void)state;
    for (round = 0; round < 2; round++) {
        for (l = 0; l < 3; l++) {
            for (h = 1; h <= 12; h++) {
                struct tocsin_error err = TOCSIN_ERROR_INIT;
                const char *got;

                tocsin_buf_reset(&tz);
                tocsin_buf_addf(&tz, "Etc/GMT+%d", h);
                got = apply("date", "2026-11-22T06:00:00Z", locs[l], tz.ptr,
                            &err);
                assert_non_null(got);
                /* 06:00Z is still the 22nd up to GMT-6, then the 21st */
                if (l == 0)
                    assert_string_equal(got, h <= 6 ? "November 22, 2026"
                                                    : "November 21, 2026");
                else
                    assert_string_equal(got, h <= 6 ? "2026年11月22日"
                                                    : "2026年11月21日");
            }
        }
        tocsin_locale_cleanup();
    }
    tocsin_buf_cleanup(&tz);
    assert_filter("money", "USD 20", "en", NULL, "$20.00");
}

static int teardown(void **state)
{
    (void)state;
    tocsin_locale_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick_is_script_aware),
        cmocka_unit_test(test_locale_and_zone_validity),
        cmocka_unit_test(test_tz_offset_follows_dst),
        cmocka_unit_test(test_money_parse),
        cmocka_unit_test(test_money_parse_refuses_odd_values),
        cmocka_unit_test(test_money_as_each_locale_writes_it),
        cmocka_unit_test(test_date_is_the_long_date_in_the_zone),
        cmocka_unit_test(test_datetime_has_time_and_zone),
        cmocka_unit_test(test_duration_in_words),
        cmocka_unit_test(test_case_mapping_is_locale_aware),
        cmocka_unit_test(test_repeated_values_stay_right),
        cmocka_unit_test(test_long_value_case_mapping),
        cmocka_unit_test(test_odd_values_are_clear_errors),
        cmocka_unit_test(test_long_values_are_quoted_short),
        cmocka_unit_test(test_cache_evicts_and_reopens),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
