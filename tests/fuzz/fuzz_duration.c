/*
 * fuzz_duration.c - the parsers of durations, instants, rates and clock
 * ranges that read playbooks and the command line.
 */
#include <stdlib.h>
#include <string.h>

#include "tocsin/clock.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *s = malloc(size + 1), out[64];
    int64_t v;
    double r;
    int a, b;

    memcpy(s, data, size);
    s[size] = '\0';
    if (!tocsin_duration_parse(&v, s, "f", 1, &err))
        tocsin_duration_format(out, sizeof out, v);
    tocsin_error_clear(&err);
    if (!tocsin_time_parse(&v, s, &err))
        tocsin_time_format(out, sizeof out, v);
    tocsin_error_clear(&err);
    tocsin_rate_parse(&r, s, "f", 1, &err);
    tocsin_error_clear(&err);
    tocsin_clock_range_parse(&a, &b, s, "f", 1, &err);
    free(s);
    return 0;
}
