/*
 * clock.h - what time it is, and the DSL's durations, rates and instants.
 *
 * All times inside tocsin are seconds since the Unix epoch, UTC, as int64_t.
 * TOCSIN_NOW (ISO 8601) overrides the clock so that tests and drills can
 * step through an incident. Local time and time zones are ICU's business
 * (locale.h), not this file's.
 */
#ifndef TOCSIN_CLOCK_H
#define TOCSIN_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "tocsin/error.h"

/* The largest duration accepted anywhere: 100 years, in seconds. */
#define TOCSIN_DURATION_MAX ((int64_t)100 * 366 * 24 * 3600)

/* Now, from TOCSIN_NOW when set, else the system clock. A malformed
 * TOCSIN_NOW is TOCSIN_EUSAGE. */
int tocsin_clock_now(int64_t *out, struct tocsin_error *err);

/* Parse a duration: one or more <integer><unit> with units s, m, h, d, w
 * ("90s", "10m", "1h30m", "3d"); a bare "0" is zero. Whitespace is not
 * allowed inside. Returns 0 or TOCSIN_EINPUT with a message naming the
 * text. 'path' and 'line' only label the error. */
int tocsin_duration_parse(int64_t *out, const char *s, const char *path,
                          int line, struct tocsin_error *err);

/* Format seconds as the shortest "1h30m"-style duration ("0s" for zero). */
void tocsin_duration_format(char *out, size_t out_len, int64_t secs);

/* Parse an ISO 8601 / RFC 3339 instant: "2026-11-22T09:00:00Z",
 * "2026-11-22T09:00:00+08:00", "2026-11-22T09:00Z", "2026-11-22 09:00:00"
 * (UTC when no offset), or "2026-11-22" (midnight UTC). Fractional seconds
 * are accepted and dropped. Returns 0 or TOCSIN_EINPUT. */
int tocsin_time_parse(int64_t *out, const char *s, struct tocsin_error *err);

/* Format as "2026-11-22T09:00:00Z". 'out' holds at least 21 bytes. */
void tocsin_time_format(char *out, size_t out_len, int64_t t);

/* Parse a rate "50/s", "2000/h", "30/m", "1000/d" into events per second.
 * Returns 0 or TOCSIN_EINPUT. */
int tocsin_rate_parse(double *out, const char *s, const char *path, int line,
                      struct tocsin_error *err);

/* Parse a clock range "21:00-08:00" into minutes after midnight.
 * Returns 0 or TOCSIN_EINPUT. */
int tocsin_clock_range_parse(int *from_min, int *to_min, const char *s,
                             const char *path, int line,
                             struct tocsin_error *err);

/* Monotonic seconds for measuring elapsed time (never for scheduling). */
double tocsin_clock_mono(void);

#endif
