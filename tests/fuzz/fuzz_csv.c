/*
 * fuzz_csv.c - the audience reader: raw records from memory, and the
 * streaming reader with its validation on the same bytes from a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tocsin/audience.h"

static int record(void *p, size_t line, const char *const *f,
                  const size_t *lens, size_t n)
{
    (void)p;
    (void)line;
    (void)f;
    (void)lens;
    (void)n;
    return 0;
}

static int row(void *p, const struct tocsin_row *r, struct tocsin_error *e)
{
    (void)p;
    (void)e;
    return r->id && r->id[0] == '!' ? TOCSIN_EINPUT : 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct tocsin_diags w = TOCSIN_DIAGS_INIT;
    char path[] = "/tmp/fuzz-csv-XXXXXX";
    int fd;
    FILE *f;

    tocsin_csv_parse_buffer((const char *)data, size, record, NULL, &err);
    fd = mkstemp(path);
    if (fd < 0)
        return 0;
    f = fdopen(fd, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
    o.block = 7; /* records and characters across read boundaries */
    w.max = 20;
    tocsin_error_clear(&err);
    tocsin_audience_stream(path, &o, row, NULL, &w, NULL, &err);
    tocsin_diags_cleanup(&w);
    unlink(path);
    return 0;
}
