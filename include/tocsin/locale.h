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
 *   money     "USD 20" / "TWD 500" / "CNY 88.5" -> "$20.00", "NT$500.00",
 *             "¥88.50" as the locale writes them
 *   date      ISO 8601 or epoch seconds -> the locale's long date in 'tz'
 *   datetime  ISO 8601 or epoch seconds -> long date and short time with
 *             the zone, in 'tz'
 *   duration  "48h", "1h30m" or seconds -> "2 days", "1 hour, 30 minutes",
 *             "2天", "1小時30分鐘"
 *   upper, lower  locale-aware case mapping
 * 'path'/'line' label errors. Returns 0 or TOCSIN_EINPUT (an unknown filter,
 * a value the filter cannot read). */
int tocsin_filter_apply(struct tocsin_buf *out, const char *filter,
                        const char *value, const char *locale, const char *tz,
                        const char *path, int line, struct tocsin_error *err);

/* Parse a money value "USD 20.50" into an ISO 4217 code and an amount.
 * Returns 0 or TOCSIN_EINPUT. */
int tocsin_money_parse(char code_out[4], double *amount_out, const char *s,
                       const char *path, int line, struct tocsin_error *err);

/* Release the cached ICU formatters (for leak-checked tests). */
void tocsin_locale_cleanup(void);

#endif
