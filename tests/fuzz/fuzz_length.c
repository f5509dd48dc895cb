/*
 * fuzz_length.c - every length counter on arbitrary bytes.
 *
 * The first byte picks the Mastodon limit and splits the rest into a
 * content warning and a text, so both inputs of tocsin_mastodon_count are
 * fuzzed. Ill-formed UTF-8 must come back as TOCSIN_EINPUT, never a crash;
 * well-formed text must satisfy the invariants checked below, which hold
 * whatever the text is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tocsin/buf.h"
#include "tocsin/error.h"
#include "tocsin/length.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tocsin_length *lc;

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count sms;
    struct tocsin_sms_suggest sg;
    struct tocsin_x_count x, x2;
    struct tocsin_mastodon_count m;
    struct tocsin_bluesky_count b;
    struct tocsin_subject_count sc;
    struct tocsin_url_span spans[16];
    struct tocsin_buf why = TOCSIN_BUF_INIT(0);
    const char *text, *cw;
    size_t len, cw_len, n, k;
    int rc, mrc, bad;

    if (!lc && tocsin_length_new(&lc, &err))
        abort();
    if (size < 1)
        return 0;
    cw_len = size > 1 ? data[0] % size : 0;
    cw = (const char *)data + 1;
    if (cw_len > size - 1)
        cw_len = size - 1;
    text = cw + cw_len;
    len = size - 1 - cw_len;

    rc = tocsin_sms_count(&sms, text, len, &err);
    bad = rc != 0;
    check(rc == 0 || rc == TOCSIN_EINPUT);
    if (!bad) {
        size_t single = sms.encoding == TOCSIN_SMS_GSM7 ? 160 : 70;
        size_t multi = sms.encoding == TOCSIN_SMS_GSM7 ? 153 : 67;

        check(sms.units >= len / 4);
        check(sms.segments == 0 ? sms.units == 0 : 1);
        check(sms.units <= single ? sms.segments <= 1
                                  : sms.segments * multi >= sms.units &&
                                        (sms.segments - 1) * (multi - 1) <
                                            sms.units);
        check(sms.free_units <= sms.per_segment);
        check((sms.encoding == TOCSIN_SMS_UCS2) == (sms.ucs2_char != 0 ||
                                                    sms.ucs2_at.col != 0));
    }

    rc = tocsin_sms_gsm_suggest(&sg, text, len, &err);
    check(bad ? rc == TOCSIN_EINPUT : rc == 0);
    if (!bad) {
        check(sg.n_swaps <= TOCSIN_SMS_MAX_SWAPS);
        check((sg.after.encoding == TOCSIN_SMS_GSM7) == (sg.n_unfixable == 0));
        for (k = 0; k < sg.n_swaps; k++)
            check(sg.swaps[k].n > 0 && sg.swaps[k].to != NULL);
    }
    rc = tocsin_sms_explain(&why, text, len, &err);
    check(bad ? rc == TOCSIN_EINPUT : rc == 0);
    check(!bad && sms.encoding == TOCSIN_SMS_GSM7 ? why.len == 0 : 1);
    tocsin_buf_cleanup(&why);

    rc = tocsin_x_count(&x, lc, text, len, NULL, &err);
    check(bad ? rc == TOCSIN_EINPUT : rc == 0);
    if (!bad) {
        /* the same with a temporary state, and under v2 (no emoji
         * discount, so never lighter) */
        check(tocsin_x_count(&x2, NULL, text, len, NULL, &err) == 0);
        check(!memcmp(&x, &x2, sizeof x));
        check(tocsin_x_count(&x2, lc, text, len, &tocsin_x_config_v2,
                             &err) == 0);
        check(x2.weighted_length >= x.weighted_length);
        check(x.valid ? x.weighted_length <= 280 : 1);
        check(x.permillage == x.weighted_length * 1000 / 280);
    }

    mrc = tocsin_mastodon_count(&m, lc, text, len, cw, cw_len,
                                size % 3 ? 0 : 100, &err);
    check(mrc == 0 || mrc == TOCSIN_EINPUT);
    check(bad ? mrc == TOCSIN_EINPUT : 1);
    if (mrc == 0)
        check(m.valid == (m.length <= m.limit));

    rc = tocsin_bluesky_count(&b, lc, text, len, &err);
    check(bad ? rc == TOCSIN_EINPUT : rc == 0);
    if (!bad) {
        check(b.graphemes <= len && b.bytes == len);
        if (mrc == 0 && m.n_urls == 0 && m.n_mentions == 0 && cw_len == 0 &&
            m.length)
            check(m.length == b.graphemes);
    }

    rc = tocsin_subject_columns(&sc, lc, text, len, &err);
    check(bad ? rc == TOCSIN_EINPUT : rc == 0);
    if (!bad) {
        check(sc.columns <= 2 * b.graphemes);
        check(sc.fits ? sc.overflow_offset == len : sc.overflow_offset < len);
    }

    for (k = 0; k < 2; k++) {
        size_t j, prev = 0;

        rc = tocsin_length_urls(spans, 16, &n, lc,
                                k ? TOCSIN_URLS_MASTODON : TOCSIN_URLS_X,
                                text, len, &err);
        check(bad ? rc == TOCSIN_EINPUT : rc == 0);
        for (j = 0; !bad && j < n && j < 16; j++) {
            check(spans[j].start >= prev && spans[j].end > spans[j].start);
            check(spans[j].end <= len);
            prev = spans[j].end;
        }
    }
    return 0;
}
