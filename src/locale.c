/*
 * locale.c - languages, time zones and the template filters, all through
 * ICU's C API, so a Chinese recipient reads Chinese dates, currencies and
 * durations (DESIGN §6).
 *
 * Opening an ICU formatter loads locale data and builds patterns, which
 * costs far more than formatting one value; a wave formats per recipient.
 * So formatters are cached per (filter, locale, zone, currency) in a small
 * table behind a mutex, and reused. Never prints; never writes ICU's own
 * defaults (the process's default locale and zone are not ours to change).
 */
#include "tocsin/locale.h"
#include "tocsin/clock.h"
#include "tocsin/mem.h"
#include "tocsin/sanitize.h"

#include <errno.h>
#include <float.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/ucasemap.h>
#include <unicode/ucurr.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/ulistformatter.h>
#include <unicode/uloc.h>
#include <unicode/unumberformatter.h>
#include <unicode/ustring.h>

/* Longer tags and zone names than this are mistakes, not locales. */
#define NAME_MAX_LEN 64
/* A wave uses a handful of (locale, zone) pairs; the table only has to
 * hold those, and evicts the least recently used beyond. */
#define CACHE_SIZE 48
/* Values the date, money and duration filters read are short. */
#define VALUE_MAX_LEN 100
/* Largest epoch second a date filter takes: 9999-12-31T23:59:59Z. */
#define EPOCH_MAX 253402300799LL

enum fkind { F_MONEY, F_DATE, F_DATETIME, F_DURATION, F_CASE, F_ZONE };

static const char *const filter_names[] = {
    "money", "date", "datetime", "duration", "upper", "lower", NULL
};

struct entry {
    int used;
    enum fkind kind;
    char tag[NAME_MAX_LEN];
    char tz[NAME_MAX_LEN];
    char cur[4];
    unsigned long long stamp;
    UNumberFormatter *num;      /* money */
    UNumberFormatter *unit[4];  /* duration: day, hour, minute, second */
    UListFormatter *list;       /* duration */
    UFormattedNumber *res;      /* money, duration: reused per value */
    UDateFormat *dat;           /* date, datetime */
    UCaseMap *cmap;             /* upper, lower */
    UCalendar *cal;             /* tocsin_tz_offset */
    /* The last value and its text: a wave's params (the delay, the credit,
     * the next update) are the same for every recipient, so most filter
     * calls repeat the one before. */
    char memo_in[VALUE_MAX_LEN + 1];
    char memo_out[256];
    size_t memo_len;
    int memo_ok, memo_upper;
};

static struct entry cache[CACHE_SIZE];
static unsigned long long cache_clock;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* How many bytes of 's' to quote in a message: at most 40, cut on a
 * character boundary so the message stays UTF-8. */
static int quote_len(const char *s)
{
    size_t n = strlen(s);

    if (n <= 40)
        return (int)n;
    n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

static int ascii_to_uchars(UChar *u, size_t cap, const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (i + 1 >= cap || (unsigned char)s[i] >= 0x80)
            return -1;
        u[i] = (UChar)s[i];
    }
    u[i] = 0;
    return (int)i;
}

/* BCP 47 tag to ICU locale id; -1 when 'tag' is not well-formed. */
static int icu_id(char *id, size_t cap, const char *tag)
{
    UErrorCode ec = U_ZERO_ERROR;
    int32_t parsed = 0;
    size_t len = tag ? strlen(tag) : 0;

    if (!len || len >= NAME_MAX_LEN)
        return -1;
    uloc_forLanguageTag(tag, id, (int32_t)cap, &parsed, &ec);
    if (U_FAILURE(ec) || ec == U_STRING_NOT_TERMINATED_WARNING ||
        (size_t)parsed != len || !id[0])
        return -1;
    return 0;
}

/* Append ICU's UTF-16 output as UTF-8. CLDR 42 puts a narrow no-break
 * space before "PM" and no-break spaces inside numbers; they become plain
 * spaces, or a Latin-script SMS would leave GSM-7 for UCS-2 and carry
 * less than half the text per segment. */
static int add_uchars(struct tocsin_buf *out, const UChar *u, int32_t n)
{
    char b[2048];
    int32_t len = 0, i, run = 0;
    UErrorCode ec = U_ZERO_ERROR;

    u_strToUTF8(b, (int32_t)sizeof b, &len, u, n, &ec);
    if (U_FAILURE(ec) || len >= (int32_t)sizeof b)
        return -1;
    for (i = 0; i < len; i++) {
        int skip = 0;

        if ((unsigned char)b[i] == 0xC2 && i + 1 < len &&
            (unsigned char)b[i + 1] == 0xA0)
            skip = 2;
        else if ((unsigned char)b[i] == 0xE2 && i + 2 < len &&
                 (unsigned char)b[i + 1] == 0x80 &&
                 ((unsigned char)b[i + 2] == 0xAF ||
                  (unsigned char)b[i + 2] == 0x89))
            skip = 3;
        if (!skip)
            continue;
        tocsin_buf_add(out, b + run, (size_t)(i - run));
        tocsin_buf_addc(out, ' ');
        i += skip - 1;
        run = i + 1;
    }
    tocsin_buf_add(out, b + run, (size_t)(len - run));
    return 0;
}

/* Copy 'v' without surrounding blanks into 'buf'; -1 when too long. */
static int trimmed(char *buf, size_t cap, const char *v)
{
    size_t n;

    while (*v == ' ' || *v == '\t')
        v++;
    n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= cap)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return 0;
}

static int all_digits(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void tag_norm(char *out, size_t cap, const char *tag)
{
    size_t i;

    for (i = 0; tag[i] && i + 1 < cap; i++)
        out[i] = tag[i] == '_' ? '-' : tag[i];
    out[i] = '\0';
}

/* The tag with ICU's likely subtags added ("zh-HK" is zh_Hant_HK), split
 * into language and script; all empty when the tag is not well-formed. */
struct maxed {
    char full[ULOC_FULLNAME_CAPACITY];
    char lang[ULOC_LANG_CAPACITY];
    char script[ULOC_SCRIPT_CAPACITY];
};

static void maximize(struct maxed *m, const char *tag)
{
    char norm[NAME_MAX_LEN], id[ULOC_FULLNAME_CAPACITY];
    UErrorCode ec = U_ZERO_ERROR;

    memset(m, 0, sizeof *m);
    tag_norm(norm, sizeof norm, tag);
    if (icu_id(id, sizeof id, norm))
        return;
    uloc_addLikelySubtags(id, m->full, (int32_t)sizeof m->full, &ec);
    uloc_getLanguage(m->full, m->lang, (int32_t)sizeof m->lang, &ec);
    uloc_getScript(m->full, m->script, (int32_t)sizeof m->script, &ec);
    if (U_FAILURE(ec) || ec == U_STRING_NOT_TERMINATED_WARNING)
        memset(m, 0, sizeof *m);
}

static int same_tag(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;

        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static size_t pick_uncached(const char *tag, const char *const *available,
                            size_t n)
{
    struct maxed want, have;
    size_t i, lang_script = n, lang = n;

    maximize(&want, tag);
    if (!want.lang[0])
        return 0;
    for (i = 0; i < n; i++) {
        maximize(&have, available[i]);
        if (!have.lang[0] || strcmp(have.lang, want.lang))
            continue;
        if (!strcmp(have.full, want.full))
            return i;
        if (lang_script == n && !strcmp(have.script, want.script))
            lang_script = i;
        if (lang == n)
            lang = i;
    }
    return lang_script < n ? lang_script : lang < n ? lang : 0;
}

size_t tocsin_locale_pick(const char *tag, const char *const *available,
                          size_t n)
{
    /* a million recipients carry a handful of distinct tags: remember the
     * last answers (keyed by the list, which lives as long as its
     * template) so ICU is asked once per tag, not once per row */
    static struct {
        char tag[64];
        const char *const *avail;
        size_t n, pick;
    } memo[32];
    static size_t next;
    size_t i;

    if (!n || !tag || !*tag)
        return 0;
    /* the common case, per recipient: an exact tag, and no ICU at all */
    for (i = 0; i < n; i++)
        if (same_tag(tag, available[i]))
            return i;
    for (i = 0; i < 32; i++)
        if (memo[i].avail == available && memo[i].n == n &&
            !strcmp(memo[i].tag, tag))
            return memo[i].pick;
    i = pick_uncached(tag, available, n);
    if (strlen(tag) < sizeof memo[0].tag) {
        memcpy(memo[next].tag, tag, strlen(tag) + 1);
        memo[next].avail = available;
        memo[next].n = n;
        memo[next].pick = i;
        next = (next + 1) % 32;
    }
    return i;
}

int tocsin_locale_valid(const char *tag)
{
    char id[ULOC_FULLNAME_CAPACITY];

    return tag && !icu_id(id, sizeof id, tag);
}

static int tz_valid_uncached(const char *tz);

int tocsin_tz_valid(const char *tz)
{
    static char memo[16][64];
    static int memo_ok[16];
    static size_t next;
    size_t i;
    int ok;

    if (!tz || !*tz)
        return 0;
    for (i = 0; i < 16; i++)
        if (memo[i][0] && !strcmp(memo[i], tz))
            return memo_ok[i];
    ok = tz_valid_uncached(tz);
    if (strlen(tz) < sizeof memo[0]) {
        memcpy(memo[next], tz, strlen(tz) + 1);
        memo_ok[next] = ok;
        next = (next + 1) % 16;
    }
    return ok;
}

static int tz_valid_uncached(const char *tz)
{
    UChar u[NAME_MAX_LEN], canon[NAME_MAX_LEN];
    UErrorCode ec = U_ZERO_ERROR;
    UBool system = 0;
    int n;

    if (!tz || !*tz || (n = ascii_to_uchars(u, NAME_MAX_LEN, tz)) < 0)
        return 0;
    ucal_getCanonicalTimeZoneID(u, n, canon, NAME_MAX_LEN, &system, &ec);
    /* custom ids ("GMT+05:00") are not zones: they have no DST rules */
    return U_SUCCESS(ec) && system;
}

static void entry_close(struct entry *e)
{
    size_t i;

    if (e->num)
        unumf_close(e->num);
    for (i = 0; i < 4; i++)
        if (e->unit[i])
            unumf_close(e->unit[i]);
    if (e->list)
        ulistfmt_close(e->list);
    if (e->res)
        unumf_closeResult(e->res);
    if (e->dat)
        udat_close(e->dat);
    if (e->cmap)
        ucasemap_close(e->cmap);
    if (e->cal)
        ucal_close(e->cal);
    memset(e, 0, sizeof *e);
}

void tocsin_locale_cleanup(void)
{
    size_t i;

    pthread_mutex_lock(&cache_lock);
    for (i = 0; i < CACHE_SIZE; i++)
        entry_close(&cache[i]);
    cache_clock = 0;
    pthread_mutex_unlock(&cache_lock);
}

static UNumberFormatter *open_skeleton(const char *skel, const char *id)
{
    UChar u[128];
    UErrorCode ec = U_ZERO_ERROR;
    UNumberFormatter *f;
    int n = ascii_to_uchars(u, 128, skel);

    if (n < 0)
        return NULL;
    f = unumf_openForSkeletonAndLocale(u, n, id, &ec);
    if (U_FAILURE(ec)) {
        if (f)
            unumf_close(f);
        return NULL;
    }
    return f;
}

/* The long date and short time with the zone's short name, in the order
 * and words the locale uses: "November 22, 2026 at 9:00 PM EST",
 * "2026年11月22日 下午9:00 [EST]". A skeleton rather than a date and time
 * style, because ICU's styles put the zone only in the long time, which
 * also shows seconds. */
static UDateFormat *open_datetime(const char *id, const UChar *tz, int tz_len)
{
    static const UChar skel[] = {'y', 'M', 'M', 'M', 'M', 'd', 'j', 'm', 'z',
                                 0};
    UErrorCode ec = U_ZERO_ERROR;
    UDateTimePatternGenerator *g = udatpg_open(id, &ec);
    UDateFormat *f = NULL;
    UChar pat[128];
    int32_t n;

    if (U_FAILURE(ec))
        goto out;
    n = udatpg_getBestPattern(g, skel, -1, pat, 128, &ec);
    if (U_FAILURE(ec) || n >= 128)
        goto out;
    f = udat_open(UDAT_PATTERN, UDAT_PATTERN, id, tz, tz_len, pat, n, &ec);
    if (U_FAILURE(ec) && f) {
        udat_close(f);
        f = NULL;
    }
out:
    if (g)
        udatpg_close(g);
    return f;
}

static int entry_open(struct entry *e, const char *id, const UChar *tz,
                      int tz_len)
{
    static const char *const units[4] = {"day", "hour", "minute", "second"};
    UErrorCode ec = U_ZERO_ERROR;
    size_t i;

    switch (e->kind) {
    case F_MONEY: {
        struct tocsin_buf b = TOCSIN_BUF_INIT(0);

        tocsin_buf_addf(&b, "currency/%s", e->cur);
        e->num = open_skeleton(b.ptr, id);
        tocsin_buf_cleanup(&b);
        e->res = unumf_openResult(&ec);
        return e->num && U_SUCCESS(ec) ? 0 : -1;
    }
    case F_DURATION:
        for (i = 0; i < 4; i++) {
            struct tocsin_buf b = TOCSIN_BUF_INIT(0);

            tocsin_buf_addf(&b, "measure-unit/duration-%s "
                                "unit-width-full-name", units[i]);
            e->unit[i] = open_skeleton(b.ptr, id);
            tocsin_buf_cleanup(&b);
            if (!e->unit[i])
                return -1;
        }
        e->list = ulistfmt_openForType(id, ULISTFMT_TYPE_UNITS,
                                       ULISTFMT_WIDTH_WIDE, &ec);
        if (U_SUCCESS(ec))
            e->res = unumf_openResult(&ec);
        return U_SUCCESS(ec) ? 0 : -1;
    case F_DATE:
        e->dat = udat_open(UDAT_NONE, UDAT_LONG, id, tz, tz_len, NULL, 0,
                           &ec);
        return U_SUCCESS(ec) ? 0 : -1;
    case F_DATETIME:
        e->dat = open_datetime(id, tz, tz_len);
        return e->dat ? 0 : -1;
    case F_CASE:
        e->cmap = ucasemap_open(id, 0, &ec);
        return U_SUCCESS(ec) ? 0 : -1;
    case F_ZONE:
        e->cal = ucal_open(tz, tz_len, "en", UCAL_GREGORIAN, &ec);
        return U_SUCCESS(ec) ? 0 : -1;
    }
    return -1;
}

/* The cached formatter for 'kind' in 'tag' and 'tz' (and currency 'cur'),
 * opened on first use. Called with cache_lock held. NULL with 'err' set
 * for an unknown locale or zone. */
static struct entry *entry_get(enum fkind kind, const char *tag,
                               const char *tz, const char *cur,
                               const char *path, int line,
                               struct tocsin_error *err)
{
    char id[ULOC_FULLNAME_CAPACITY] = "";
    UChar utz[NAME_MAX_LEN] = {0};
    struct entry *e = NULL;
    size_t i;
    int tz_len = 0;

    for (i = 0; i < CACHE_SIZE; i++) {
        struct entry *c = &cache[i];

        if (c->used && c->kind == kind && !strcmp(c->tag, tag) &&
            !strcmp(c->tz, tz) && !strcmp(c->cur, cur)) {
            c->stamp = ++cache_clock;
            return c;
        }
    }
    if (kind != F_ZONE && icu_id(id, sizeof id, tag)) {
        tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                         "unknown locale '%.*s'", quote_len(tag), tag);
        tocsin_error_hint(err, "use a BCP 47 tag such as en, zh-TW or "
                               "zh-Hans-SG");
        return NULL;
    }
    if (*tz) {
        if (!tocsin_tz_valid(tz)) {
            tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                             "unknown time zone '%.*s'", quote_len(tz), tz);
            tocsin_error_hint(err, "use an IANA zone such as "
                                   "America/New_York or Asia/Taipei");
            return NULL;
        }
        tz_len = ascii_to_uchars(utz, NAME_MAX_LEN, tz);
    }
    for (i = 0; i < CACHE_SIZE; i++) {
        if (!cache[i].used) {
            e = &cache[i];
            break;
        }
        if (!e || cache[i].stamp < e->stamp)
            e = &cache[i];
    }
    entry_close(e);
    e->kind = kind;
    memcpy(e->tag, tag, strlen(tag) + 1);
    memcpy(e->tz, tz, strlen(tz) + 1);
    memcpy(e->cur, cur, strlen(cur) + 1);
    if (entry_open(e, id, utz, tz_len)) {
        entry_close(e);
        tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                         "ICU cannot open a %s formatter for locale '%s'",
                         kind == F_ZONE   ? "time zone"
                         : kind == F_CASE ? "case"
                                          : filter_names[kind],
                         tag);
        return NULL;
    }
    e->used = 1;
    e->stamp = ++cache_clock;
    return e;
}

int tocsin_tz_offset(int *out, const char *tz, int64_t t,
                     struct tocsin_error *err)
{
    UErrorCode ec = U_ZERO_ERROR;
    struct entry *e;
    int32_t zone, dst;
    int rc = 0;

    if (!tz || strlen(tz) >= NAME_MAX_LEN || !tocsin_tz_valid(tz))
        return tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                                "unknown time zone '%.*s'",
                                tz ? quote_len(tz) : 0, tz ? tz : "");
    pthread_mutex_lock(&cache_lock);
    e = entry_get(F_ZONE, "", tz, "", NULL, 0, err);
    if (!e) {
        rc = TOCSIN_EINPUT;
        goto out;
    }
    ucal_setMillis(e->cal, (UDate)t * 1000.0, &ec);
    zone = ucal_get(e->cal, UCAL_ZONE_OFFSET, &ec);
    dst = ucal_get(e->cal, UCAL_DST_OFFSET, &ec);
    if (U_FAILURE(ec)) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0,
                              "cannot find the offset of '%s' at that time "
                              "(%s)", tz, u_errorName(ec));
        goto out;
    }
    *out = (zone + dst) / 1000;
out:
    pthread_mutex_unlock(&cache_lock);
    return rc;
}

/* "USD 20.50": an upper-case ISO 4217 code ICU knows, blanks, and a plain
 * decimal amount with no more decimals than the currency has. The amount
 * stays text in 'amount' so it is formatted exactly, never via a double.
 * Returns 0, or -1 with 'why' saying what is wrong. */
static int money_split(char code[4], char *amount, size_t cap,
                       const char *s, const char **why)
{
    UErrorCode ec = U_ZERO_ERROR;
    UChar ucode[4];
    size_t i, int_digits = 0, frac_digits = 0;
    int32_t allowed;
    const char *p = s;

    *why = "write a currency code and an amount: \"USD 20\", \"TWD 500\"";
    while (*p == ' ' || *p == '\t')
        p++;
    for (i = 0; i < 3; i++) {
        if (p[i] < 'A' || p[i] > 'Z')
            return -1;
        code[i] = p[i];
        ucode[i] = (UChar)p[i];
    }
    code[3] = '\0';
    ucode[3] = 0;
    p += 3;
    if (*p != ' ' && *p != '\t')
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    for (i = 0; p[i] >= '0' && p[i] <= '9'; i++)
        int_digits++;
    if (p[i] == '.')
        for (i++; p[i] >= '0' && p[i] <= '9'; i++)
            frac_digits++;
    if (!int_digits || (p[int_digits] == '.' && !frac_digits))
        return -1;
    if (int_digits > 15) {
        *why = "the amount is too large";
        return -1;
    }
    if (i >= cap)
        return -1;
    memcpy(amount, p, i);
    amount[i] = '\0';
    for (p += i; *p == ' ' || *p == '\t'; p++)
        ;
    if (*p)
        return -1;
    if (!ucurr_isAvailable(ucode, -DBL_MAX, DBL_MAX, &ec) || U_FAILURE(ec)) {
        *why = "the currency is not an ISO 4217 code";
        return -1;
    }
    allowed = ucurr_getDefaultFractionDigits(ucode, &ec);
    if (U_SUCCESS(ec) && frac_digits > (size_t)allowed) {
        *why = allowed ? "the amount has more decimals than the currency"
                       : "the currency has no decimals";
        return -1;
    }
    return 0;
}

int tocsin_money_parse(char code_out[4], double *amount_out, const char *s,
                       const char *path, int line, struct tocsin_error *err)
{
    char amount[40];
    const char *why;

    if (!s || money_split(code_out, amount, sizeof amount, s, &why)) {
        tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                         "invalid money '%.*s'", s ? quote_len(s) : 0,
                         s ? s : "");
        tocsin_error_hint(err, "%s", why);
        return TOCSIN_EINPUT;
    }
    *amount_out = strtod(amount, NULL);
    return 0;
}

/* Epoch seconds or ISO 8601. A bare date ("2026-11-22") is a calendar
 * day, not an instant: '*whole_day' asks for it to be shown in UTC, where
 * tocsin_time_parse put its midnight, so no zone moves it a day back. */
static int read_time(int64_t *t, int *whole_day, const char *v)
{
    char *end;
    long long n;

    *whole_day = 0;
    if (all_digits(v)) {
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno || *end || n > EPOCH_MAX || n < -EPOCH_MAX)
            return -1;
        *t = n;
        return 0;
    }
    if (tocsin_time_parse(t, v, NULL))
        return -1;
    *whole_day = strlen(v) == 10;
    return 0;
}

static int read_duration(int64_t *d, const char *v)
{
    char *end;
    long long n;

    if (v[0] >= '0' && v[0] <= '9' && all_digits(v)) {
        errno = 0;
        n = strtoll(v, &end, 10);
        if (errno || *end || n > TOCSIN_DURATION_MAX)
            return -1;
        *d = n;
        return 0;
    }
    return tocsin_duration_parse(d, v, NULL, 0, NULL) ? -1 : 0;
}

static int fmt_money(struct tocsin_buf *out, struct entry *e,
                     const char *amount)
{
    UErrorCode ec = U_ZERO_ERROR;
    UChar u[256];
    int32_t n;

    unumf_formatDecimal(e->num, amount, -1, e->res, &ec);
    n = unumf_resultToString(e->res, u, 256, &ec);
    if (U_FAILURE(ec) || n >= 256)
        return -1;
    return add_uchars(out, u, n);
}

static int fmt_date(struct tocsin_buf *out, struct entry *e, int64_t t)
{
    UErrorCode ec = U_ZERO_ERROR;
    UChar u[256];
    int32_t n;

    n = udat_format(e->dat, (UDate)t * 1000.0, u, 256, NULL, &ec);
    if (U_FAILURE(ec) || n >= 256)
        return -1;
    return add_uchars(out, u, n);
}

/* "1 day, 12 hours", "1 天 12 小時": each non-zero unit, largest first,
 * in full words, joined as the locale joins a list of units. */
static int fmt_duration(struct tocsin_buf *out, struct entry *e, int64_t d)
{
    UChar items[4][96], u[512];
    const UChar *ptrs[4];
    int32_t lens[4], n;
    int64_t parts[4];
    size_t i, k = 0;
    UErrorCode ec = U_ZERO_ERROR;

    parts[0] = d / 86400;
    parts[1] = d / 3600 % 24;
    parts[2] = d / 60 % 60;
    parts[3] = d % 60;
    for (i = 0; i < 4; i++) {
        if (!parts[i] && (d || i < 3))
            continue;
        unumf_formatInt(e->unit[i], parts[i], e->res, &ec);
        lens[k] = unumf_resultToString(e->res, items[k], 96, &ec);
        if (U_FAILURE(ec) || lens[k] >= 96)
            return -1;
        ptrs[k] = items[k];
        k++;
    }
    n = ulistfmt_format(e->list, ptrs, lens, (int32_t)k, u, 512, &ec);
    if (U_FAILURE(ec) || n >= 512)
        return -1;
    return add_uchars(out, u, n);
}

static int fmt_case(struct tocsin_buf *out, struct entry *e, const char *v,
                    int upper)
{
    char stack[512], *dst = stack;
    int32_t cap = (int32_t)sizeof stack, n;
    size_t len = strlen(v);
    UErrorCode ec = U_ZERO_ERROR;

    if (len > INT32_MAX / 4)
        return -1;
    for (;;) {
        n = upper ? ucasemap_utf8ToUpper(e->cmap, dst, cap, v, (int32_t)len,
                                         &ec)
                  : ucasemap_utf8ToLower(e->cmap, dst, cap, v, (int32_t)len,
                                         &ec);
        if (ec != U_BUFFER_OVERFLOW_ERROR || dst != stack)
            break;
        ec = U_ZERO_ERROR;
        cap = n + 1;
        dst = tocsin_xmalloc((size_t)cap);
    }
    if (U_SUCCESS(ec))
        tocsin_buf_add(out, dst, (size_t)n);
    if (dst != stack)
        free(dst);
    return U_SUCCESS(ec) ? 0 : -1;
}

static int cannot_read(struct tocsin_error *err, const char *path, int line,
                       const char *value, const char *as, const char *hint)
{
    tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                     "cannot read '%.*s' as %s", quote_len(value), value, as);
    tocsin_error_hint(err, "%s", hint);
    return TOCSIN_EINPUT;
}

int tocsin_filter_apply(struct tocsin_buf *out, const char *filter,
                        const char *value, const char *locale, const char *tz,
                        const char *path, int line, struct tocsin_error *err)
{
    char v[VALUE_MAX_LEN + 1], code[4] = "", amount[40];
    const char *why;
    enum fkind kind;
    struct entry *e;
    int64_t num = 0;
    int whole_day = 0, rc = 0, upper = 0;
    size_t i, at;

    for (i = 0; filter_names[i] && strcmp(filter_names[i], filter); i++)
        ;
    if (!filter_names[i]) {
        const char *guess = tocsin_did_you_mean(filter, filter_names, 6);

        if (guess)
            return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                    "unknown filter '%.*s'; did you mean "
                                    "'%s'?", quote_len(filter), filter,
                                    guess);
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "unknown filter '%.*s'", quote_len(filter),
                                filter);
    }
    kind = i <= 3 ? (enum fkind)i : F_CASE;
    upper = i == 4;
    if (!value)
        value = "";
    if (!locale || !*locale)
        locale = "en";
    if (!tz || !*tz)
        tz = "UTC";
    if (tocsin_utf8_check(value, strlen(value)) < strlen(value))
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "the value for '%s' is not valid UTF-8",
                                filter);
    if (strlen(locale) >= NAME_MAX_LEN)
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "unknown locale '%.*s'", quote_len(locale),
                                locale);
    if (strlen(tz) >= NAME_MAX_LEN)
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "unknown time zone '%.*s'", quote_len(tz),
                                tz);
    switch (kind) {
    case F_MONEY:
        why = "write a currency code and an amount: \"USD 20\", \"TWD 500\"";
        if (trimmed(v, sizeof v, value) ||
            money_split(code, amount, sizeof amount, v, &why))
            return cannot_read(err, path, line, value, "money", why);
        break;
    case F_DATE:
    case F_DATETIME:
        if (trimmed(v, sizeof v, value) || read_time(&num, &whole_day, v))
            return cannot_read(err, path, line, value, "a time",
                               "use ISO 8601 (\"2026-11-22T09:00:00Z\", "
                               "\"2026-11-22\") or seconds since 1970");
        if (whole_day && kind == F_DATE)
            tz = "UTC";
        break;
    case F_DURATION:
        if (trimmed(v, sizeof v, value) || read_duration(&num, v))
            return cannot_read(err, path, line, value, "a duration",
                               "write \"48h\", \"1h30m\", \"3d\" or a "
                               "number of seconds");
        break;
    default:
        break;
    }
    pthread_mutex_lock(&cache_lock);
    e = entry_get(kind, locale,
                  kind == F_DATE || kind == F_DATETIME ? tz : "", code, path,
                  line, err);
    if (!e) {
        rc = TOCSIN_EINPUT;
        goto out;
    }
    if (e->memo_ok && e->memo_upper == upper && !strcmp(e->memo_in, value)) {
        tocsin_buf_add(out, e->memo_out, e->memo_len);
        goto out;
    }
    at = out->len;
    switch (kind) {
    case F_MONEY:
        rc = fmt_money(out, e, amount);
        break;
    case F_DATE:
    case F_DATETIME:
        rc = fmt_date(out, e, num);
        break;
    case F_DURATION:
        rc = fmt_duration(out, e, num);
        break;
    default:
        rc = fmt_case(out, e, value, upper);
        break;
    }
    if (rc) {
        rc = tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                              "ICU cannot format '%.*s' with '%s' for "
                              "locale '%s'", quote_len(value), value, filter,
                              locale);
    } else if (strlen(value) <= VALUE_MAX_LEN && !tocsin_buf_failed(out) &&
               out->len - at < sizeof e->memo_out) {
        memcpy(e->memo_in, value, strlen(value) + 1);
        memcpy(e->memo_out, out->ptr + at, out->len - at);
        e->memo_len = out->len - at;
        e->memo_upper = upper;
        e->memo_ok = 1;
    }
out:
    pthread_mutex_unlock(&cache_lock);
    return rc;
}
