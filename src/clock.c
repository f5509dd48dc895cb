/*
 * clock.c - instants, durations and rates, all in UTC seconds.
 *
 * Parsing is strict: every loop over input has a bound and every number
 * goes through strtoll with an end pointer and an overflow check, because
 * these strings come from playbooks written by people and from the command
 * line.
 */
#include "tocsin/clock.h"
#include "tocsin/buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int tocsin_clock_now(int64_t *out, struct tocsin_error *err)
{
    const char *s = getenv("TOCSIN_NOW");

    if (s && *s) {
        if (tocsin_time_parse(out, s, err)) {
            if (err) {
                err->code = TOCSIN_EUSAGE;
                tocsin_error_prefix(err, "TOCSIN_NOW");
            }
            return TOCSIN_EUSAGE;
        }
        return 0;
    }
    *out = (int64_t)time(NULL);
    return 0;
}

double tocsin_clock_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t unit_seconds(char u)
{
    switch (u) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    default: return 0;
    }
}

int tocsin_duration_parse(int64_t *out, const char *s, const char *path,
                          int line, struct tocsin_error *err)
{
    const char *p = s;
    int64_t total = 0;
    int parts = 0;

    if (!s || !*s)
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "empty duration");
    if (!strcmp(s, "0")) {
        *out = 0;
        return 0;
    }
    while (*p) {
        char *end;
        long long v;
        int64_t mult;

        if (!is_digit(*p) || parts > 8)
            goto bad;
        errno = 0;
        v = strtoll(p, &end, 10);
        if (errno || end == p)
            goto bad;
        mult = unit_seconds(*end);
        if (!mult)
            goto bad;
        if (v > TOCSIN_DURATION_MAX / mult ||
            total > TOCSIN_DURATION_MAX - v * mult)
            return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                    "duration '%s' is too long (at most 100 "
                                    "years)", s);
        total += v * mult;
        p = end + 1;
        parts++;
    }
    *out = total;
    return 0;
bad:
    tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                     "invalid duration '%.64s'", s);
    tocsin_error_hint(err, "write a number and a unit: \"90s\", \"10m\", "
                           "\"12h\", \"3d\", \"1h30m\"");
    return TOCSIN_EINPUT;
}

void tocsin_duration_format(char *out, size_t out_len, int64_t secs)
{
    static const struct { char u; int64_t s; } units[] = {
        {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    struct tocsin_buf b = TOCSIN_BUF_INIT(64);
    size_t i, n;

    if (out_len == 0)
        return;
    if (secs == 0)
        tocsin_buf_adds(&b, "0s");
    if (secs < 0) {
        tocsin_buf_addc(&b, '-');
        secs = -secs;
    }
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (secs >= units[i].s) {
            tocsin_buf_addf(&b, "%lld%c", (long long)(secs / units[i].s),
                            units[i].u);
            secs %= units[i].s;
        }
    }
    n = b.len < out_len ? b.len : out_len - 1;
    memcpy(out, b.ptr, n);
    out[n] = '\0';
    tocsin_buf_cleanup(&b);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    *y = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y += *m <= 2;
}

static int fixed_digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dm[m - 1];
}

int tocsin_time_parse(int64_t *out, const char *s, struct tocsin_error *err)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, se = 0, off = 0;

    if (!s)
        goto bad;
    if (fixed_digits(&p, 4, &y) || *p++ != '-' || fixed_digits(&p, 2, &mo) ||
        *p++ != '-' || fixed_digits(&p, 2, &d))
        goto bad;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        goto bad;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (fixed_digits(&p, 2, &h) || *p++ != ':' || fixed_digits(&p, 2, &mi))
            goto bad;
        if (*p == ':') {
            p++;
            if (fixed_digits(&p, 2, &se))
                goto bad;
            if (*p == '.' || *p == ',') {
                int k = 0;

                p++;
                if (!is_digit(*p))
                    goto bad;
                while (is_digit(*p) && k++ < 12)
                    p++;
            }
        }
        if (h > 23 || mi > 59 || se > 60)
            goto bad;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om = 0;

            p++;
            if (fixed_digits(&p, 2, &oh))
                goto bad;
            if (*p == ':')
                p++;
            if (is_digit(*p) && fixed_digits(&p, 2, &om))
                goto bad;
            if (oh > 23 || om > 59)
                goto bad;
            off = sign * (oh * 3600 + om * 60);
        }
    }
    if (*p)
        goto bad;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
           mi * 60 + (se == 60 ? 59 : se) - off;
    return 0;
bad:
    tocsin_error_set(err, TOCSIN_EINPUT, NULL, 0, "invalid time '%.64s'",
                     s ? s : "");
    tocsin_error_hint(err, "use ISO 8601, e.g. 2026-11-22T09:00:00Z");
    return TOCSIN_EINPUT;
}

void tocsin_time_format(char *out, size_t out_len, int64_t t)
{
    int64_t days = t / 86400, rem = t % 86400, y;
    unsigned m, d;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    tocsin_format(out, out_len, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y,
             m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

int tocsin_rate_parse(double *out, const char *s, const char *path, int line,
                      struct tocsin_error *err)
{
    char *end;
    double v;
    int64_t per;

    if (!s || !is_digit(*s))
        goto bad;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end != '/' || v <= 0 || v > 1e9)
        goto bad;
    end++;
    if (!*end)
        goto bad;
    if (end[1] == '\0') {
        per = unit_seconds(*end);
    } else if (tocsin_duration_parse(&per, end, path, line, NULL)) {
        goto bad;
    }
    if (per <= 0)
        goto bad;
    *out = v / (double)per;
    return 0;
bad:
    tocsin_error_set(err, TOCSIN_EINPUT, path, line, "invalid rate '%.64s'",
                     s ? s : "");
    tocsin_error_hint(err, "write a count per unit: \"50/s\", \"2000/h\"");
    return TOCSIN_EINPUT;
}

int tocsin_clock_range_parse(int *from_min, int *to_min, const char *s,
                             const char *path, int line,
                             struct tocsin_error *err)
{
    const char *p = s;
    int h1, m1, h2, m2;

    if (!s || fixed_digits(&p, 2, &h1) || *p++ != ':' ||
        fixed_digits(&p, 2, &m1) || *p++ != '-' || fixed_digits(&p, 2, &h2) ||
        *p++ != ':' || fixed_digits(&p, 2, &m2) || *p || h1 > 24 || h2 > 24 ||
        m1 > 59 || m2 > 59)
        return tocsin_error_set(err, TOCSIN_EINPUT, path, line,
                                "invalid time range '%.64s' (want "
                                "\"21:00-08:00\")", s ? s : "");
    *from_min = h1 * 60 + m1;
    *to_min = h2 * 60 + m2;
    return 0;
}
