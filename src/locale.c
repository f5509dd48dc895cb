/*
 * locale.c - languages, time zones and the localized template filters, on
 * ICU's C API.
 *
 * ICU formatters are expensive to open and cheap to use, and rendering is
 * per recipient, so they are cached per (kind, locale, zone) for the life
 * of the process (tocsin_locale_cleanup() releases them for leak checks).
 * Output is UTF-8; ICU's narrow and non-breaking spaces become plain
 * spaces, so "9:00 PM" stays in the GSM-7 alphabet of an English SMS.
 */
#include "tocsin/locale.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/ulistformatter.h>
#include <unicode/unum.h>
#include <unicode/unumberformatter.h>
#include <unicode/ustring.h>

#define ULOC_CAP 96
#define CACHE_MAX 64

enum ckind { C_MONEY, C_DATE, C_DATETIME, C_LIST, C_UNIT };

struct centry {
    enum ckind kind;
    char key[160];
    void *obj;
};

static struct centry cache[CACHE_MAX];
static size_t n_cache;

static void close_entry(struct centry *e)
{
    switch (e->kind) {
    case C_MONEY:
        unum_close(e->obj);
        break;
    case C_DATE:
    case C_DATETIME:
        udat_close(e->obj);
        break;
    case C_LIST:
        ulistfmt_close(e->obj);
        break;
    case C_UNIT:
        unumf_close(e->obj);
        break;
    }
}

void tocsin_locale_cleanup(void)
{
    size_t i;

    for (i = 0; i < n_cache; i++)
        close_entry(&cache[i]);
    n_cache = 0;
}

static void *cache_get(enum ckind k, const char *key)
{
    size_t i;

    for (i = 0; i < n_cache; i++)
        if (cache[i].kind == k && !strcmp(cache[i].key, key))
            return cache[i].obj;
    return NULL;
}

static void cache_put(enum ckind k, const char *key, void *obj)
{
    struct centry *e;

    if (n_cache == CACHE_MAX) {
        /* full: forget the oldest; a workload that needs more than 64
         * formatters at once is not one we expect */
        close_entry(&cache[0]);
        memmove(cache, cache + 1, (CACHE_MAX - 1) * sizeof *cache);
        n_cache--;
    }
    e = &cache[n_cache++];
    e->kind = k;
    tocsin_format(e->key, sizeof e->key, "%s", key);
    e->obj = obj;
}

/* UTF-8 to UTF-16 into a fixed array. */
static int32_t to16(UChar *out, int32_t cap, const char *s)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;

    u_strFromUTF8(out, cap, &n, s, -1, &st);
    if (U_FAILURE(st) || n >= cap)
        return -1;
    out[n] = 0;
    return n;
}

/* UTF-16 to UTF-8, appended, with ICU's special spaces made plain. */
static void add16(struct tocsin_buf *out, const UChar *s, int32_t n)
{
    char tmp[1024];
    UErrorCode st = U_ZERO_ERROR;
    int32_t k = 0, i;
    UChar *copy = tocsin_xmalloc(((size_t)n + 1) * sizeof *copy);

    for (i = 0; i < n; i++)
        copy[i] = (s[i] == 0x202f || s[i] == 0x00a0 || s[i] == 0x2009)
                      ? 0x20 : s[i];
    u_strToUTF8(tmp, sizeof tmp, &k, copy, n, &st);
    if (U_SUCCESS(st) && k < (int32_t)sizeof tmp) {
        tocsin_buf_add(out, tmp, (size_t)k);
    } else {
        char *big;

        st = U_ZERO_ERROR;
        u_strToUTF8(NULL, 0, &k, copy, n, &st);
        big = tocsin_xmalloc((size_t)k + 1);
        st = U_ZERO_ERROR;
        u_strToUTF8(big, k + 1, &k, copy, n, &st);
        tocsin_buf_add(out, big, (size_t)k);
        free(big);
    }
    free(copy);
}

/* BCP 47 tag to an ICU locale id ("zh-Hant-HK" -> "zh_Hant_HK"). */
static int icu_id(char out[ULOC_CAP], const char *tag)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t parsed = 0;

    uloc_forLanguageTag(tag, out, ULOC_CAP, &parsed, &st);
    return U_SUCCESS(st) && parsed == (int32_t)strlen(tag) && out[0];
}

int tocsin_locale_valid(const char *tag)
{
    char id[ULOC_CAP];

    return tag && *tag && icu_id(id, tag);
}

struct parts {
    char lang[16], script[16];
};

static void likely(struct parts *p, const char *tag)
{
    char id[ULOC_CAP], max[ULOC_CAP];
    UErrorCode st = U_ZERO_ERROR;

    memset(p, 0, sizeof *p);
    if (!icu_id(id, tag))
        return;
    uloc_addLikelySubtags(id, max, sizeof max, &st);
    if (U_FAILURE(st))
        tocsin_format(max, sizeof max, "%s", id);
    st = U_ZERO_ERROR;
    uloc_getLanguage(max, p->lang, sizeof p->lang, &st);
    st = U_ZERO_ERROR;
    uloc_getScript(max, p->script, sizeof p->script, &st);
}

static int tag_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
        char y = *b == '_' ? '-' : (char)tolower((unsigned char)*b);

        if (x != y)
            return 0;
    }
    return !*a && !*b;
}

size_t tocsin_locale_pick(const char *tag, const char *const *available,
                          size_t n)
{
    static struct {
        char tag[64];
        const char *const *avail;
        size_t n, pick;
    } memo[16];
    static size_t memo_next;
    struct parts want, have;
    size_t i, lang_match = (size_t)-1;

    if (!tag || !*tag || n == 0)
        return 0;
    for (i = 0; i < 16; i++)
        if (memo[i].avail == available && memo[i].n == n &&
            !strcmp(memo[i].tag, tag))
            return memo[i].pick;
    for (i = 0; i < n; i++)
        if (tag_eq(tag, available[i]))
            goto found;
    likely(&want, tag);
    for (i = 0; want.lang[0] && i < n; i++) {
        likely(&have, available[i]);
        if (strcmp(want.lang, have.lang))
            continue;
        if (!strcmp(want.script, have.script))
            goto found;
        if (lang_match == (size_t)-1 && !have.script[0])
            lang_match = i;
        else if (lang_match == (size_t)-1 && !want.script[0])
            lang_match = i;
    }
    i = lang_match != (size_t)-1 ? lang_match : 0;
found:
    if (strlen(tag) < sizeof memo[0].tag) {
        tocsin_format(memo[memo_next].tag, sizeof memo[0].tag, "%s", tag);
        memo[memo_next].avail = available;
        memo[memo_next].n = n;
        memo[memo_next].pick = i;
        memo_next = (memo_next + 1) % 16;
    }
    return i;
}

int tocsin_tz_valid(const char *tz)
{
    UChar id[128], canon[128];
    UBool sys = 0;
    UErrorCode st = U_ZERO_ERROR;

    if (!tz || !*tz || to16(id, 128, tz) < 0)
        return 0;
    ucal_getCanonicalTimeZoneID(id, -1, canon, 128, &sys, &st);
    return U_SUCCESS(st) && sys;
}

int tocsin_tz_offset(int *out, const char *tz, int64_t t,
                     struct tocsin_error *err)
{
    UChar id[128];
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal;

    if (!tocsin_tz_valid(tz) || to16(id, 128, tz) < 0)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "unknown time zone '%.64s'", tz ? tz : "");
    cal = ucal_open(id, -1, "en", UCAL_GREGORIAN, &st);
    ucal_setMillis(cal, (UDate)t * 1000.0, &st);
    *out = (ucal_get(cal, UCAL_ZONE_OFFSET, &st) +
            ucal_get(cal, UCAL_DST_OFFSET, &st)) / 1000;
    ucal_close(cal);
    if (U_FAILURE(st))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "cannot compute the offset of '%.64s'", tz);
    return 0;
}

int tocsin_money_parse(char code_out[4], double *amount_out, const char *s,
                       const char *path, int line, struct tocsin_error *err)
{
    char *end;
    double v;
    int i;

    for (i = 0; i < 3; i++)
        if (!s[i] || s[i] < 'A' || s[i] > 'Z')
            goto bad;
    if (s[3] != ' ')
        goto bad;
    errno = 0;
    v = strtod(s + 4, &end);
    if (errno || end == s + 4 || *end || !isfinite(v) || v < 0 || v > 1e12 ||
        !isdigit((unsigned char)s[4]))
        goto bad;
    memcpy(code_out, s, 3);
    code_out[3] = '\0';
    *amount_out = v;
    return 0;
bad:
    tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                     "invalid money value '%.64s'", s);
    tocsin_error_hint(err, "write an ISO 4217 code and an amount: "
                           "\"USD 20\", \"TWD 500\", \"CNY 88.50\"");
    return TOCSIN_EINPUT;
}

static int filter_money(struct tocsin_buf *out, const char *value,
                        const char *loc, const char *path, int line,
                        struct tocsin_error *err)
{
    char code[4], key[160];
    double amount;
    UChar cur[4], buf[256];
    UErrorCode st = U_ZERO_ERROR;
    UNumberFormat *f;
    int32_t n;

    if (tocsin_money_parse(code, &amount, value, path, line, err))
        return TOCSIN_EINPUT;
    tocsin_format(key, sizeof key, "%s", loc);
    if (!(f = cache_get(C_MONEY, key))) {
        f = unum_open(UNUM_CURRENCY, NULL, 0, loc, NULL, &st);
        if (U_FAILURE(st))
            return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                    "cannot format money for '%s'", loc);
        cache_put(C_MONEY, key, f);
    }
    to16(cur, 4, code);
    st = U_ZERO_ERROR;
    n = unum_formatDoubleCurrency(f, amount, cur, buf, 256, NULL, &st);
    if (U_FAILURE(st))
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "cannot format '%s'", value);
    add16(out, buf, n);
    return 0;
}

/* ISO 8601 or epoch seconds. A date without a time is a calendar day, so
 * it is shown in UTC: no zone may move it to the day before. */
static int parse_instant(int64_t *t, int *date_only, const char *value,
                         const char *path, int line, struct tocsin_error *err)
{
    char *end;
    long long v;

    *date_only = 0;
    errno = 0;
    v = strtoll(value, &end, 10);
    if (!errno && end != value && !*end) {
        *t = v;
        return 0;
    }
    if (tocsin_time_parse(t, value, err)) {
        err->line = line;
        tocsin_error_at(err, path, line);
        return TOCSIN_EINPUT;
    }
    *date_only = strlen(value) == 10;
    return 0;
}

static UDateFormat *date_fmt(enum ckind k, const char *loc, const char *tz,
                             const char *path, int line,
                             struct tocsin_error *err)
{
    char key[160];
    UChar ztz[128], pat[128], skel[32];
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *f;

    tocsin_format(key, sizeof key, "%s|%s", loc, tz);
    if ((f = cache_get(k, key)))
        return f;
    if (to16(ztz, 128, tz) < 0 || !tocsin_tz_valid(tz)) {
        tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                         "unknown time zone '%.64s'", tz);
        return NULL;
    }
    if (k == C_DATE) {
        f = udat_open(UDAT_NONE, UDAT_LONG, loc, ztz, -1, NULL, -1, &st);
    } else {
        /* the locale's own order for date, time and a short zone name */
        UDateTimePatternGenerator *g = udatpg_open(loc, &st);
        int32_t n;

        to16(skel, 32, "yMMMMdjmz");
        n = udatpg_getBestPattern(g, skel, -1, pat, 128, &st);
        udatpg_close(g);
        if (U_SUCCESS(st) && n < 128)
            f = udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, ztz, -1, pat, n,
                          &st);
    }
    if (U_FAILURE(st) || !f) {
        tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                         "cannot format dates for '%s'", loc);
        return NULL;
    }
    cache_put(k, key, f);
    return f;
}

static int filter_date(struct tocsin_buf *out, enum ckind k,
                       const char *value, const char *loc, const char *tz,
                       const char *path, int line, struct tocsin_error *err)
{
    UChar buf[256];
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *f;
    int64_t t;
    int date_only;
    int32_t n;

    if (parse_instant(&t, &date_only, value, path, line, err))
        return TOCSIN_EINPUT;
    if (!(f = date_fmt(k, loc, date_only ? "UTC" : tz, path, line, err)))
        return TOCSIN_EINPUT;
    n = udat_format(f, (UDate)t * 1000.0, buf, 256, NULL, &st);
    if (U_FAILURE(st))
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "cannot format '%s'", value);
    add16(out, buf, n);
    return 0;
}

static int unit_part(UChar *out, int32_t cap, const char *loc,
                     const char *unit, int64_t v, struct tocsin_error *err)
{
    char key[160], sk[96];
    UChar skel[96];
    UErrorCode st = U_ZERO_ERROR;
    UNumberFormatter *f;
    UFormattedNumber *r;
    int32_t n;

    tocsin_format(key, sizeof key, "%s|%s", loc, unit);
    if (!(f = cache_get(C_UNIT, key))) {
        tocsin_format(sk, sizeof sk, "measure-unit/duration-%s "
                                     "unit-width-full-name", unit);
        to16(skel, 96, sk);
        f = unumf_openForSkeletonAndLocale(skel, -1, loc, &st);
        if (U_FAILURE(st))
            return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                    "cannot format durations for '%s'", loc);
        cache_put(C_UNIT, key, f);
    }
    r = unumf_openResult(&st);
    unumf_formatInt(f, v, r, &st);
    n = unumf_resultToString(r, out, cap, &st);
    unumf_closeResult(r);
    if (U_FAILURE(st) || n >= cap)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "cannot format a duration");
    out[n] = 0;
    return 0;
}

static int filter_duration(struct tocsin_buf *out, const char *value,
                           const char *loc, const char *path, int line,
                           struct tocsin_error *err)
{
    static const struct {
        const char *unit;
        int64_t secs;
    } units[] = {{"day", 86400}, {"hour", 3600}, {"minute", 60},
                 {"second", 1}};
    UChar parts[4][96], buf[512];
    const UChar *items[4];
    int32_t lens[4], n;
    size_t i, k = 0;
    int64_t s;
    char *end;
    long long v;
    UErrorCode st = U_ZERO_ERROR;
    UListFormatter *lf;

    errno = 0;
    v = strtoll(value, &end, 10);
    if (!errno && end != value && !*end && v >= 0) {
        s = v;
    } else if (tocsin_duration_parse(&s, value, path, line, err)) {
        return TOCSIN_EINPUT;
    }
    for (i = 0; i < 4; i++) {
        int64_t q = s / units[i].secs;

        /* seconds only when the whole duration is under a minute */
        if (!q || (units[i].secs == 1 && k))
            continue;
        if (unit_part(parts[k], 96, loc, units[i].unit, q, err)) {
            tocsin_error_at(err, path, line);
            return TOCSIN_EINPUT;
        }
        items[k] = parts[k];
        lens[k] = -1;
        k++;
        s %= units[i].secs;
    }
    if (!k) {
        if (unit_part(parts[0], 96, loc, "second", 0, err))
            return TOCSIN_EINPUT;
        add16(out, parts[0], u_strlen(parts[0]));
        return 0;
    }
    if (!(lf = cache_get(C_LIST, loc))) {
        lf = ulistfmt_openForType(loc, ULISTFMT_TYPE_UNITS,
                                  ULISTFMT_WIDTH_WIDE, &st);
        if (U_FAILURE(st))
            return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                    "cannot join durations for '%s'", loc);
        cache_put(C_LIST, loc, lf);
    }
    n = ulistfmt_format(lf, items, lens, (int32_t)k, buf, 512, &st);
    if (U_FAILURE(st))
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "cannot format '%s'", value);
    add16(out, buf, n);
    return 0;
}

static int filter_case(struct tocsin_buf *out, int upper, const char *value,
                       const char *loc, struct tocsin_error *err)
{
    size_t len = strlen(value);
    UChar *in, *res;
    int32_t n, m;
    UErrorCode st = U_ZERO_ERROR;

    if (len > (size_t)1 << 20)
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "value too long to change case");
    in = tocsin_xmalloc((len + 1) * sizeof *in);
    res = tocsin_xmalloc((3 * len + 4) * sizeof *res);
    u_strFromUTF8(in, (int32_t)len + 1, &n, value, (int32_t)len, &st);
    if (U_SUCCESS(st)) {
        m = upper ? u_strToUpper(res, (int32_t)(3 * len + 4), in, n, loc, &st)
                  : u_strToLower(res, (int32_t)(3 * len + 4), in, n, loc,
                                 &st);
        if (U_SUCCESS(st))
            add16(out, res, m);
    }
    free(in);
    free(res);
    if (U_FAILURE(st))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "cannot change the case of a value");
    return 0;
}

int tocsin_filter_apply(struct tocsin_buf *out, const char *filter,
                        const char *value, const char *locale, const char *tz,
                        const char *path, int line, struct tocsin_error *err)
{
    char loc[ULOC_CAP];

    if (!value || !*value)
        return 0; /* empty stays empty: {{#x}}...{{/x}} guards */
    if (!locale || !icu_id(loc, locale))
        tocsin_format(loc, sizeof loc, "en");
    if (!tz || !*tz)
        tz = "UTC";
    if (!strcmp(filter, "money"))
        return filter_money(out, value, loc, path, line, err);
    if (!strcmp(filter, "date"))
        return filter_date(out, C_DATE, value, loc, tz, path, line, err);
    if (!strcmp(filter, "datetime"))
        return filter_date(out, C_DATETIME, value, loc, tz, path, line, err);
    if (!strcmp(filter, "duration"))
        return filter_duration(out, value, loc, path, line, err);
    if (!strcmp(filter, "upper") || !strcmp(filter, "lower"))
        return filter_case(out, filter[0] == 'u', value, loc, err);
    return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                            "unknown filter '%s'", filter);
}
