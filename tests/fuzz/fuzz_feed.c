/*
 * fuzz_feed.c - libFuzzer target for the RSS/Atom reader and the keyword
 * matcher: any bytes must give items or a TOCSIN_EINPUT, never a crash,
 * a leak or a hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tocsin/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kw[] = {"seam", "脫線", "CAFÉ", "ß"};
    struct tocsin_feed_limits lim = {1 << 20, 64};
    struct tocsin_feed *f = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t i;

    if (tocsin_feed_parse(&f, (const char *)data, size,
                          "http://fuzz.example/a/feed.xml", &lim, &err)) {
        if (err.code != TOCSIN_EINPUT || !err.msg[0])
            abort();
        return 0;
    }
    for (i = 0; i < f->n_items; i++) {
        if (!f->items[i].id[0])
            abort();
        (void)tocsin_feed_match(&f->items[i], kw, 4);
    }
    tocsin_feed_free(f);
    return 0;
}
