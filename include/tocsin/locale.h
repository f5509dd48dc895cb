/*
 * locale.h - languages, time zones and localized values, all through ICU.
 *
 * The template filters (money, date, datetime, duration, upper, lower) are
 * implemented here so that a Chinese recipient reads Chinese dates,
 * currencies and durations. Locale fallback is script-aware: zh-Hant-HK
 * finds zh-TW, zh-Hans-SG finds zh-CN, en-GB finds en. Never prints.
 */
#ifndef TOCSIN_LOCALE_H
#define TOCSIN_LOCALE_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"

/* Choose which of the 'n' available locales serves 'tag': the exact tag
 * (case-insensitive), then the same language and script (likely subtags
 * filled in by ICU: zh-HK is zh-Hant), then the same language, then
 * available[0] (the brand's first locale). A NULL or empty 'tag' gives
 * available[0]. Returns an index into 'available'; 'n' must be > 0. */
size_t tocsin_locale_pick(const char *tag, const char *const *available,
                          size_t n);

/* Is 'tag' a well-formed BCP 47 tag? */
int tocsin_locale_valid(const char *tag);

/* Is 'tz' a time zone ICU knows ("America/New_York", "Asia/Taipei")? */
int tocsin_tz_valid(const char *tz);

/* The offset from UTC, in seconds, of zone 'tz' at instant 't'.
 * Returns 0 or TOCSIN_EINPUT for an unknown zone. */
int tocsin_tz_offset(int *out, const char *tz, int64_t t,
                     struct tocsin_error *err);

/* Apply template filter 'filter' to 'value' for 'locale' and 'tz',
 * appending to 'out':
 *   money     "USD 20" / "TWD 500" / "CNY 88.5" -> as the locale writes
 *             them: en "$20.00", zh-TW "US$20.00" and "$500.00", zh-CN
 *             "¥88.50"
 *   date      ISO 8601 or epoch seconds -> the locale's long date in 'tz'
 *             ("November 22, 2026", "2026年11月22日"); a bare date
 *             "2026-11-22" is that day in every zone
 *   datetime  ISO 8601 or epoch seconds -> long date and short time with
 *             the zone's short name, in 'tz' ("November 22, 2026 at 9:00 PM
 *             EST", "2026年11月22日 下午9:00 [EST]")
 *   duration  "48h", "1h30m" or seconds -> "2 days", "1 hour, 30 minutes",
 *             "2天", "1小时30分钟"
 *   upper, lower  locale-aware case mapping
 * NULL 'locale' is "en", NULL 'tz' is UTC. No-break spaces in ICU's output
 * become plain spaces (so Latin-script SMS stays GSM-7). 'path'/'line'
 * label errors. Safe to call from several threads (the formatter cache is
 * locked). Returns 0 or TOCSIN_EINPUT (an unknown filter, locale or zone,
 * a value the filter cannot read). */
int tocsin_filter_apply(struct tocsin_buf *out, const char *filter,
                        const char *value, const char *locale, const char *tz,
                        const char *path, int line, struct tocsin_error *err);

/* Parse a money value "USD 20.50" into an ISO 4217 code and an amount:
 * an upper-case code ICU knows, blanks, a non-negative decimal with no
 * more decimals than the currency has ("JPY 10.5" is refused rather than
 * rounded). Returns 0 or TOCSIN_EINPUT. */
int tocsin_money_parse(char code_out[4], double *amount_out, const char *s,
                       const char *path, int line, struct tocsin_error *err);

/* Close the ICU formatters that tocsin_filter_apply() caches per locale,
 * time zone and filter (for leak checkers and long-lived embedders; the
 * next filter reopens what it needs). Not while another thread formats. */
void tocsin_locale_cleanup(void);

#endif
