/*
 * test_length.c - message lengths: SMS segments, X weighted length,
 * Mastodon and Bluesky lengths, subject columns.
 *
 * The conformance suites are read in place. twitter-text's YAML is read by
 * the small reader below rather than a YAML library (none is among the
 * project's dependencies): the files use one shape throughout - sections
 * at indent 2, "- description:" items, double-quoted scalars on one line,
 * flow lists of strings or integers, and one level of nested mappings -
 * and the reader fails the test loudly on any line it does not know.
 */
#include "unit.h"

#include "tocsin/buf.h"
#include "tocsin/error.h"
#include "tocsin/length.h"

/* ----- helpers ----------------------------------------------------------- */

static void add_cp(struct tocsin_buf *b, unsigned long c)
{
    if (c < 0x80) {
        tocsin_buf_addc(b, (char)c);
    } else if (c < 0x800) {
        tocsin_buf_addc(b, (char)(0xC0 | (c >> 6)));
        tocsin_buf_addc(b, (char)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        tocsin_buf_addc(b, (char)(0xE0 | (c >> 12)));
        tocsin_buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        tocsin_buf_addc(b, (char)(0x80 | (c & 0x3F)));
    } else {
        tocsin_buf_addc(b, (char)(0xF0 | (c >> 18)));
        tocsin_buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
        tocsin_buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        tocsin_buf_addc(b, (char)(0x80 | (c & 0x3F)));
    }
}

/* Copy at most n bytes of src into dst[cap], NUL-terminated. */
static void copy_str(char *dst, size_t cap, const char *src, size_t n)
{
    assert_true(n < cap);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static unsigned long hex(const char *p, int n)
{
    char tmp[9], *end;
    unsigned long v;

    assert_true(n <= 8);
    memcpy(tmp, p, (size_t)n);
    tmp[n] = '\0';
    v = strtoul(tmp, &end, 16);
    assert_true(end == tmp + n);
    return v;
}

/* The TSV escapes of sms-segments and mastodon-length (README). */
static void tsv_decode(struct tocsin_buf *out, const char *p, size_t n)
{
    const char *end = p + n;

    tocsin_buf_reset(out);
    while (p < end) {
        if (*p != '\\') {
            tocsin_buf_addc(out, *p++);
            continue;
        }
        assert_true(p + 1 < end);
        switch (p[1]) {
        case '\\': tocsin_buf_addc(out, '\\'); p += 2; break;
        case 'n': tocsin_buf_addc(out, '\n'); p += 2; break;
        case 'r': tocsin_buf_addc(out, '\r'); p += 2; break;
        case 't': tocsin_buf_addc(out, '\t'); p += 2; break;
        case 'u': add_cp(out, hex(p + 2, 4)); p += 6; break;
        case 'U': add_cp(out, hex(p + 2, 8)); p += 10; break;
        default: fail_msg("unknown escape \\%c", p[1]);
        }
    }
    assert_false(tocsin_buf_failed(out));
}

static char *slurp(const char *dir, const char *rel, size_t *len)
{
    struct tocsin_buf path = TOCSIN_BUF_INIT(4096);
    FILE *f;
    char *data;
    long size;

    tocsin_buf_addf(&path, "%s/%s", dir, rel);
    f = fopen(path.ptr, "rb");
    if (!f)
        fail_msg("cannot open %s", path.ptr);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    data[size] = '\0';
    fclose(f);
    tocsin_buf_cleanup(&path);
    *len = (size_t)size;
    return data;
}

/* Split the next line of a TSV into at most 'max' fields (pointers into
 * the data, which is modified). Returns the field count, 0 at the end. */
static size_t tsv_next(char **cursor, char **fields, size_t *lens, size_t max)
{
    char *p = *cursor, *eol;
    size_t n = 0;

    if (!*p)
        return 0;
    eol = strchr(p, '\n');
    if (!eol)
        eol = p + strlen(p);
    *cursor = *eol ? eol + 1 : eol;
    while (n < max) {
        char *tab = memchr(p, '\t', (size_t)(eol - p));
        char *fend = tab ? tab : eol;

        fields[n] = p;
        lens[n] = (size_t)(fend - p);
        n++;
        if (!tab)
            break;
        p = tab + 1;
    }
    return n;
}

/* ----- a reader for twitter-text's YAML ---------------------------------- */

struct ycase {
    char section[64];
    struct tocsin_buf desc, text;
    char scalar[16];             /* "expected: true" */
    struct tocsin_buf list;      /* strings, each NUL-terminated */
    size_t n_list;
    char keys[16][32];
    long vals[16];
    size_t n_kv;
    long idx[64][2];
    size_t n_idx;
    int line;
};

/* A double-quoted YAML scalar at *p (on its opening quote). */
static void yaml_dq(struct tocsin_buf *out, const char **pp)
{
    const char *p = *pp;
    unsigned long hi = 0;

    assert_int_equal(*p, '"');
    p++;
    tocsin_buf_reset(out);
    while (*p && *p != '"') {
        unsigned long c = 0;

        if (*p != '\\') {
            tocsin_buf_addc(out, *p++);
            continue;
        }
        switch (p[1]) {
        case '"': case '\\': case '/':
            tocsin_buf_addc(out, p[1]);
            p += 2;
            continue;
        case 'n': tocsin_buf_addc(out, '\n'); p += 2; continue;
        case 't': tocsin_buf_addc(out, '\t'); p += 2; continue;
        case 'r': tocsin_buf_addc(out, '\r'); p += 2; continue;
        case '0': tocsin_buf_addc(out, '\0'); p += 2; continue;
        case 'x': c = hex(p + 2, 2); p += 4; break;
        case 'u': c = hex(p + 2, 4); p += 6; break;
        case 'U': c = hex(p + 2, 8); p += 10; break;
        default: fail_msg("unknown YAML escape \\%c", p[1]);
        }
        if (c >= 0xD800 && c <= 0xDBFF) {
            hi = c;
            continue;
        }
        if (c >= 0xDC00 && c <= 0xDFFF && hi) {
            c = 0x10000 + ((hi - 0xD800) << 10) + (c - 0xDC00);
            hi = 0;
        }
        add_cp(out, c);
    }
    assert_int_equal(*p, '"');
    *pp = p + 1;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* [ "a", "b" ] or [ 5, 22 ] */
static void yaml_flow(struct ycase *c, const char *p, int numbers)
{
    struct tocsin_buf s = TOCSIN_BUF_INIT(0);

    assert_int_equal(*p, '[');
    p = skip_ws(p + 1);
    while (*p && *p != ']') {
        if (numbers) {
            char *end;

            assert_true(c->n_idx < 64);
            c->idx[c->n_idx][0] = strtol(p, &end, 10);
            p = skip_ws(end);
            assert_int_equal(*p, ',');
            c->idx[c->n_idx][1] = strtol(p + 1, &end, 10);
            c->n_idx++;
            p = skip_ws(end);
            break;
        }
        yaml_dq(&s, &p);
        tocsin_buf_add(&c->list, s.ptr, s.len);
        tocsin_buf_addc(&c->list, '\0');
        c->n_list++;
        p = skip_ws(p);
        if (*p == ',')
            p = skip_ws(p + 1);
    }
    assert_int_equal(*p, ']');
    tocsin_buf_cleanup(&s);
}

static long yaml_value(const char *p)
{
    char *end;
    long v;

    if (!strncmp(p, "true", 4))
        return 1;
    if (!strncmp(p, "false", 5))
        return 0;
    v = strtol(p, &end, 10);
    assert_true(end != p);
    return v;
}

typedef void (*ycase_fn)(const struct ycase *c, void *payload);

static void ycase_reset(struct ycase *c)
{
    tocsin_buf_reset(&c->desc);
    tocsin_buf_reset(&c->text);
    tocsin_buf_reset(&c->list);
    c->scalar[0] = '\0';
    c->n_list = c->n_kv = c->n_idx = 0;
}

/* Call 'fn' for every case of 'section' in the file. */
static size_t yaml_cases(const char *data, const char *section, ycase_fn fn,
                         void *payload)
{
    struct ycase c;
    const char *line = data;
    int in_case = 0, lineno = 0;
    size_t n = 0;

    memset(&c, 0, sizeof c);
    tocsin_buf_init(&c.desc, 0);
    tocsin_buf_init(&c.text, 0);
    tocsin_buf_init(&c.list, 0);
    while (*line) {
        const char *eol = strchr(line, '\n'), *p;
        size_t ind;
        char *copy;
        size_t len = eol ? (size_t)(eol - line) : strlen(line);

        lineno++;
        copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, line, len);
        copy[len] = '\0';
        line = eol ? eol + 1 : line + len;
        p = copy;
        ind = (size_t)(skip_ws(p) - p);
        p = skip_ws(p);
        if (!*p || *p == '#' || !strcmp(p, "---") || !strcmp(p, "tests:")) {
            free(copy);
            continue;
        }
        if (ind != 2 && strcmp(c.section, section)) {
            free(copy); /* another section: not read */
            continue;
        }
        if (ind == 2) { /* a new section */
            if (in_case && !strcmp(c.section, section)) {
                fn(&c, payload);
                n++;
            }
            in_case = 0;
            copy_str(c.section, sizeof c.section, p,
                     (size_t)(strchr(p, ':') - p));
        } else if (!strncmp(p, "- description:", 14)) {
            if (in_case && !strcmp(c.section, section)) {
                fn(&c, payload);
                n++;
            }
            ycase_reset(&c);
            in_case = 1;
            c.line = lineno;
            p = skip_ws(p + 14);
            yaml_dq(&c.desc, &p);
        } else if (!strncmp(p, "text:", 5)) {
            p = skip_ws(p + 5);
            yaml_dq(&c.text, &p);
        } else if (!strncmp(p, "expected:", 9)) {
            p = skip_ws(p + 9);
            if (*p == '[')
                yaml_flow(&c, p, 0);
            else if (*p)
                copy_str(c.scalar, sizeof c.scalar, p, strlen(p));
        } else if (!strncmp(p, "- url:", 6)) {
            struct tocsin_buf s = TOCSIN_BUF_INIT(0);

            p = skip_ws(p + 6);
            yaml_dq(&s, &p);
            tocsin_buf_add(&c.list, s.ptr, s.len);
            tocsin_buf_addc(&c.list, '\0');
            c.n_list++;
            tocsin_buf_cleanup(&s);
        } else if (!strncmp(p, "indices:", 8)) {
            yaml_flow(&c, skip_ws(p + 8), 1);
        } else if (in_case && ind >= 8 && strchr(p, ':')) {
            const char *colon = strchr(p, ':');

            assert_true(c.n_kv < 16);
            copy_str(c.keys[c.n_kv], sizeof c.keys[0], p,
                     (size_t)(colon - p));
            c.vals[c.n_kv++] = yaml_value(skip_ws(colon + 1));
        } else {
            fail_msg("unknown YAML line %d: %s", lineno, copy);
        }
        free(copy);
    }
    if (in_case && !strcmp(c.section, section)) {
        fn(&c, payload);
        n++;
    }
    tocsin_buf_cleanup(&c.desc);
    tocsin_buf_cleanup(&c.text);
    tocsin_buf_cleanup(&c.list);
    return n;
}

static long kv(const struct ycase *c, const char *key)
{
    size_t k;

    for (k = 0; k < c->n_kv; k++)
        if (!strcmp(c->keys[k], key))
            return c->vals[k];
    fail_msg("line %d: no '%s'", c->line, key);
    return -1;
}

/* ----- conformance: SMS -------------------------------------------------- */

static void test_sms_conformance_examples_all_match(void **state)
{
    const char *dir = unit_conformance_dir();
    struct tocsin_buf text = TOCSIN_BUF_INIT(0);
    char *data, *cur, *f[5];
    size_t len, lens[5], rows = 0, ok = 0;

    (void)state;
    if (!dir)
        skip();
    data = slurp(dir, "sms-segments/examples.tsv", &len);
    cur = data;
    assert_int_equal(tsv_next(&cur, f, lens, 5), 5); /* header */
    while (tsv_next(&cur, f, lens, 5) == 5) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        struct tocsin_sms_count c;
        char want_enc[16];
        unsigned long want_seg = strtoul(f[2], NULL, 10);
        unsigned long want_units = strtoul(f[3], NULL, 10);

        copy_str(want_enc, sizeof want_enc, f[1], lens[1]);
        tsv_decode(&text, f[0], lens[0]);
        assert_int_equal(tocsin_sms_count(&c, text.ptr, text.len, &err), 0);
        rows++;
        if (!strcmp(tocsin_sms_encoding_name(c.encoding), want_enc) &&
            c.segments == want_seg && c.units == want_units)
            ok++;
        else
            print_message("sms row %zu: got %s %zu units %zu segments, "
                          "want %s %lu %lu (%.*s)\n",
                          rows, tocsin_sms_encoding_name(c.encoding),
                          c.units, c.segments, want_enc, want_units,
                          want_seg, (int)lens[4], f[4]);
    }
    print_message("sms-segments/examples.tsv: %zu/%zu rows match\n", ok,
                  rows);
    assert_int_equal(rows, 54);
    assert_int_equal(ok, rows);
    free(data);
    tocsin_buf_cleanup(&text);
}

/* ----- conformance: Mastodon --------------------------------------------- */

static void test_mastodon_conformance_rows_all_match(void **state)
{
    const char *dir = unit_conformance_dir();
    struct tocsin_buf text = TOCSIN_BUF_INIT(0), cw = TOCSIN_BUF_INIT(0);
    struct tocsin_length *lc;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *data, *cur, *f[5];
    size_t len, lens[5], rows = 0, ok = 0;

    (void)state;
    if (!dir)
        skip();
    assert_int_equal(tocsin_length_new(&lc, &err), 0);
    data = slurp(dir, "mastodon-length/mastodon-length.tsv", &len);
    cur = data;
    assert_int_equal(tsv_next(&cur, f, lens, 5), 5);
    while (tsv_next(&cur, f, lens, 5) == 5) {
        struct tocsin_mastodon_count c;
        unsigned long want = strtoul(f[2], NULL, 10);
        int want_valid = !strncmp(f[3], "true", 4);

        tsv_decode(&text, f[0], lens[0]);
        tsv_decode(&cw, f[1], lens[1]);
        assert_int_equal(tocsin_mastodon_count(&c, lc, text.ptr, text.len,
                                               cw.ptr, cw.len, 0, &err),
                         0);
        rows++;
        if (c.length == want && c.valid == want_valid)
            ok++;
        else
            print_message("mastodon row %zu: got %zu %d, want %lu %d "
                          "(%.*s)\n", rows, c.length, c.valid, want,
                          want_valid, (int)lens[4], f[4]);
    }
    print_message("mastodon-length.tsv: %zu/%zu rows match\n", ok, rows);
    assert_int_equal(rows, 18);
    assert_int_equal(ok, rows);
    tocsin_length_free(lc);
    free(data);
    tocsin_buf_cleanup(&text);
    tocsin_buf_cleanup(&cw);
}

/* ----- conformance: twitter-text ----------------------------------------- */

struct xrun {
    struct tocsin_length *lc;
    const struct tocsin_x_config *cfg;
    size_t n, ok;
};

static void check_weighted(const struct ycase *c, void *payload)
{
    struct xrun *r = payload;
    struct tocsin_x_count x;
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    assert_int_equal(tocsin_x_count(&x, r->lc, c->text.ptr, c->text.len,
                                    r->cfg, &err), 0);
    r->n++;
    if ((long)x.weighted_length == kv(c, "weightedLength") &&
        x.valid == kv(c, "valid") &&
        (long)x.permillage == kv(c, "permillage") &&
        x.display_start == kv(c, "displayRangeStart") &&
        x.display_end == kv(c, "displayRangeEnd") &&
        x.valid_start == kv(c, "validRangeStart") &&
        x.valid_end == kv(c, "validRangeEnd"))
        r->ok++;
    else
        print_message("validate.yml:%d %s: got length %zu valid %d "
                      "permillage %zu display %ld-%ld valid %ld-%ld\n",
                      c->line, c->desc.ptr, x.weighted_length, x.valid,
                      x.permillage, x.display_start, x.display_end,
                      x.valid_start, x.valid_end);
}

static void run_weighted(const char *section,
                         const struct tocsin_x_config *cfg, size_t want_n)
{
    const char *dir = unit_conformance_dir();
    struct xrun r = {NULL, cfg, 0, 0};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *data;
    size_t len;

    if (!dir)
        skip();
    assert_int_equal(tocsin_length_new(&r.lc, &err), 0);
    data = slurp(dir, "twitter-text/conformance/validate.yml", &len);
    yaml_cases(data, section, check_weighted, &r);
    print_message("validate.yml %s: %zu/%zu cases match all seven fields\n",
                  section, r.ok, r.n);
    assert_int_equal(r.n, want_n);
    assert_int_equal(r.ok, r.n);
    tocsin_length_free(r.lc);
    free(data);
}

static void test_x_conformance_weighted_v2(void **state)
{
    (void)state;
    run_weighted("WeightedTweetsCounterTest", &tocsin_x_config_v2, 20);
}

static void test_x_conformance_discounted_emoji_v3(void **state)
{
    (void)state;
    run_weighted("WeightedTweetsWithDiscountedEmojiCounterTest",
                 &tocsin_x_config_v3, 22);
}

static void test_x_conformance_directional_markers_v3(void **state)
{
    (void)state;
    run_weighted("UnicodeDirectionalMarkerCounterTest", NULL, 2);
}

/* The links found, as strings, NUL-separated like ycase.list. */
static size_t found_urls(struct tocsin_buf *out, struct tocsin_length *lc,
                         enum tocsin_url_dialect d, const char *text,
                         size_t len, struct tocsin_url_span *spans,
                         size_t max)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t n, k;

    assert_int_equal(tocsin_length_urls(spans, max, &n, lc, d, text, len,
                                        &err), 0);
    assert_true(n <= max);
    tocsin_buf_reset(out);
    for (k = 0; k < n; k++) {
        tocsin_buf_add(out, text + spans[k].start,
                       spans[k].end - spans[k].start);
        tocsin_buf_addc(out, '\0');
    }
    return n;
}

/* validate.yml's "urls" tests Validator#valid_url?, an RFC 3986 grammar
 * that no counter uses. Where that grammar and link extraction answer the
 * same question (a domain host, no userinfo) they must agree; these four
 * are the grammar's alone: userinfo, IP literals, and a query ending in
 * '+', which extraction leaves out of the link as twitter-text does. */
static const char *const validator_only[] = {
    "Valid url: port and userinfo",
    "Valid url: ipv4",
    "Valid url: ipv6",
    "Valid url: sub delims and question marks",
    NULL,
};

struct urlrun {
    struct tocsin_length *lc;
    size_t n, ok, excluded;
    int whole; /* validate.yml: is the text one link, start to end? */
};

static void check_extract(const struct ycase *c, void *payload)
{
    struct urlrun *r = payload;
    struct tocsin_url_span spans[64];
    struct tocsin_buf got = TOCSIN_BUF_INIT(0);
    size_t n = found_urls(&got, r->lc, TOCSIN_URLS_X, c->text.ptr,
                          c->text.len, spans, 64);
    int ok;
    size_t k;

    if (r->whole) {
        for (k = 0; validator_only[k]; k++)
            if (!strcmp(c->desc.ptr, validator_only[k])) {
                r->excluded++;
                tocsin_buf_cleanup(&got);
                return;
            }
    }
    r->n++;
    if (r->whole) {
        int is_url = n == 1 && spans[0].start == 0 &&
                     spans[0].end == c->text.len;

        ok = is_url == !strcmp(c->scalar, "true");
    } else {
        ok = n == c->n_list && got.len == c->list.len &&
             !memcmp(got.ptr, c->list.ptr, got.len);
        if (ok && c->n_idx) {
            ok = c->n_idx == n;
            for (k = 0; ok && k < n; k++)
                ok = (long)spans[k].start16 == c->idx[k][0] &&
                     (long)spans[k].end16 == c->idx[k][1];
        }
    }
    if (ok) {
        r->ok++;
    } else {
        const char *p = got.ptr;

        print_message("%s line %d %s: found %zu:", c->section, c->line,
                      c->desc.ptr, n);
        for (k = 0; k < n; k++, p += strlen(p) + 1)
            print_message(" [%s]", p);
        print_message("\n");
    }
    tocsin_buf_cleanup(&got);
}

static void run_urls(const char *file, const char *section, int whole,
                     size_t want_n)
{
    const char *dir = unit_conformance_dir();
    struct urlrun r = {NULL, 0, 0, 0, whole};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *data;
    size_t len;

    if (!dir)
        skip();
    assert_int_equal(tocsin_length_new(&r.lc, &err), 0);
    data = slurp(dir, file, &len);
    yaml_cases(data, section, check_extract, &r);
    print_message("%s %s: %zu/%zu cases match", file, section, r.ok, r.n);
    if (r.excluded)
        print_message(" (%zu validator-only cases not run)", r.excluded);
    print_message("\n");
    assert_int_equal(r.n, want_n);
    assert_int_equal(r.ok, r.n);
    tocsin_length_free(r.lc);
    free(data);
}

static void test_x_conformance_extract_urls(void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/extract.yml", "urls", 0, 91);
}

static void test_x_conformance_extract_urls_with_indices(void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/extract.yml", "urls_with_indices", 0,
             10);
}

static void test_x_conformance_extract_urls_with_directional_markers(
    void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/extract.yml",
             "urls_with_directional_markers", 0, 2);
}

static void test_x_conformance_extract_tco_urls_with_params(void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/extract.yml", "tco_urls_with_params",
             0, 5);
}

static void test_x_conformance_url_validity_by_extraction(void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/validate.yml", "urls", 1, 20);
}

static void test_x_conformance_urls_without_protocol(void **state)
{
    (void)state;
    run_urls("twitter-text/conformance/validate.yml", "urls_without_protocol",
             1, 5);
}

/* ----- behaviour: SMS ---------------------------------------------------- */

static void test_sms_smart_quote_forces_ucs2_and_is_named(void **state)
{
    /* 157 characters, straight quotes but one curly one at column 41 */
    const char *text = "Acme: sorry, order #A1042 is late and we\xE2\x80"
                       "\x99ll write by 6pm with news. Track it at "
                       "acme.example/t/A1042 and reply STOP to opt out. "
                       "Sorry again from all at Acme.";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count c;
    struct tocsin_sms_suggest sg;
    struct tocsin_buf why = TOCSIN_BUF_INIT(0);

    (void)state;
    assert_int_equal(tocsin_sms_count(&c, text, strlen(text), &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_UCS2);
    assert_int_equal(c.ucs2_char, 0x2019);
    assert_int_equal(c.ucs2_at.line, 1);
    assert_int_equal(c.ucs2_at.col, 41);
    assert_int_equal(c.ucs2_at.offset, 40);
    assert_int_equal(c.units, 157);
    assert_int_equal(c.segments, 3);

    assert_int_equal(tocsin_sms_gsm_suggest(&sg, text, strlen(text), &err),
                     0);
    assert_int_equal(sg.n_swaps, 1);
    assert_int_equal(sg.swaps[0].from, 0x2019);
    assert_string_equal(sg.swaps[0].to, "'");
    assert_int_equal(sg.swaps[0].n, 1);
    assert_int_equal(sg.n_unfixable, 0);
    assert_int_equal(sg.after.encoding, TOCSIN_SMS_GSM7);
    assert_int_equal(sg.after.units, 157);
    assert_int_equal(sg.after.segments, 1);

    assert_int_equal(tocsin_sms_explain(&why, text, strlen(text), &err), 0);
    assert_string_equal(why.ptr,
                        "'\xE2\x80\x99' (U+2019) at column 41 forces UCS-2: "
                        "3 segments instead of 1; GSM-7 stand-ins: "
                        "\xE2\x80\x99 -> '");
    tocsin_buf_cleanup(&why);
}

static void test_sms_suggest_lists_each_typographic_character(void **state)
{
    /* “Sorry” – we’re late… twice’ */
    const char *text = "\xE2\x80\x9CSorry\xE2\x80\x9D \xE2\x80\x93 we"
                       "\xE2\x80\x99re late\xE2\x80\xA6\xC2\xA0twice\xE2"
                       "\x80\x99";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_suggest sg;
    struct tocsin_buf why = TOCSIN_BUF_INIT(0);

    (void)state;
    assert_int_equal(tocsin_sms_gsm_suggest(&sg, text, strlen(text), &err),
                     0);
    assert_int_equal(sg.n_swaps, 6);
    assert_int_equal(sg.swaps[0].from, 0x201C);
    assert_string_equal(sg.swaps[0].to, "\"");
    assert_int_equal(sg.swaps[1].from, 0x201D);
    assert_int_equal(sg.swaps[2].from, 0x2013);
    assert_string_equal(sg.swaps[2].to, "-");
    assert_int_equal(sg.swaps[3].from, 0x2019);
    assert_int_equal(sg.swaps[3].n, 2);
    assert_int_equal(sg.swaps[4].from, 0x2026);
    assert_string_equal(sg.swaps[4].to, "...");
    assert_int_equal(sg.swaps[5].from, 0xA0);
    /* "\"Sorry\" - we're late... twice'" */
    assert_int_equal(sg.after.encoding, TOCSIN_SMS_GSM7);
    assert_int_equal(sg.after.units, 30);
    assert_int_equal(tocsin_sms_explain(&why, text, strlen(text), &err), 0);
    assert_non_null(strstr(why.ptr, "forces UCS-2 (1 segment either way)"));
    assert_non_null(strstr(why.ptr, "\xE2\x80\x99 -> ' (2x)"));
    assert_non_null(strstr(why.ptr, "\xE2\x80\xA6 -> ..."));
    assert_non_null(strstr(why.ptr, "U+00A0 -> space"));
    tocsin_buf_cleanup(&why);
}

static void test_sms_emoji_has_no_stand_in(void **state)
{
    const char *text = "Hi\n\xE2\x80\x99 ok \xF0\x9F\x98\x80";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_suggest sg;
    struct tocsin_buf why = TOCSIN_BUF_INIT(0);

    (void)state;
    assert_int_equal(tocsin_sms_gsm_suggest(&sg, text, strlen(text), &err),
                     0);
    assert_int_equal(sg.n_unfixable, 1);
    assert_int_equal(sg.first_unfixable, 0x1F600);
    assert_int_equal(sg.unfixable_at.line, 2);
    assert_int_equal(sg.unfixable_at.col, 6);
    assert_int_equal(sg.after.encoding, TOCSIN_SMS_UCS2);
    assert_int_equal(tocsin_sms_explain(&why, text, strlen(text), &err), 0);
    assert_string_equal(why.ptr,
                        "'\xE2\x80\x99' (U+2019) at line 2, column 1 forces "
                        "UCS-2 (1 segment); so does '\xF0\x9F\x98\x80' "
                        "(U+1F600) at line 2, column 6, which has no GSM-7 "
                        "stand-in");
    tocsin_buf_cleanup(&why);
}

static void test_sms_gsm_text_explains_nothing(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf why = TOCSIN_BUF_INIT(0);
    struct tocsin_sms_count c;

    (void)state;
    assert_int_equal(tocsin_sms_explain(&why, "Price: 5 \xE2\x82\xAC {ok}",
                                        17, &err), 0);
    assert_string_equal(why.ptr, "");
    assert_int_equal(tocsin_sms_count(&c, "Price: 5 \xE2\x82\xAC {ok}", 17,
                                      &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_GSM7);
    assert_int_equal(c.units, 18); /* €, { and } are escape pairs */
    tocsin_buf_cleanup(&why);
}

static void test_sms_escape_pair_is_never_split(void **state)
{
    struct tocsin_buf t = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count c;
    int i;

    (void)state;
    for (i = 0; i < 152; i++)
        tocsin_buf_addc(&t, 'a');
    tocsin_buf_adds(&t, "\xE2\x82\xAC"); /* septets 153-154 */
    for (i = 0; i < 7; i++)
        tocsin_buf_addc(&t, 'a');
    assert_int_equal(tocsin_sms_count(&c, t.ptr, t.len, &err), 0);
    assert_int_equal(c.units, 161);
    assert_int_equal(c.segments, 2);
    assert_int_equal(c.per_segment, 153);
    /* part 1 holds 152 septets; part 2 the pair and seven more */
    assert_int_equal(c.free_units, 153 - 9);
    tocsin_buf_cleanup(&t);
}

static void test_sms_surrogate_pair_is_never_split(void **state)
{
    struct tocsin_buf t = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count c;
    int i;

    (void)state;
    for (i = 0; i < 66; i++)
        tocsin_buf_addc(&t, 'a');
    tocsin_buf_adds(&t, "\xF0\x9F\x93\xA6"); /* units 67-68 */
    for (i = 0; i < 4; i++)
        tocsin_buf_addc(&t, 'a');
    assert_int_equal(tocsin_sms_count(&c, t.ptr, t.len, &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_UCS2);
    assert_int_equal(c.units, 72);
    assert_int_equal(c.segments, 2);
    assert_int_equal(c.free_units, 67 - 6);
    tocsin_buf_cleanup(&t);
}

static void test_sms_empty_text_is_zero_segments(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count c;

    (void)state;
    assert_int_equal(tocsin_sms_count(&c, "", 0, &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_GSM7);
    assert_int_equal(c.units, 0);
    assert_int_equal(c.segments, 0);
    assert_int_equal(c.free_units, 160);
}

static void test_sms_combining_mark_forces_ucs2(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count c;

    (void)state;
    /* "é" written as e + U+0301 is two UTF-16 units; U+00E9 is GSM */
    assert_int_equal(tocsin_sms_count(&c, "caf\x65\xCC\x81", 6, &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_UCS2);
    assert_int_equal(c.units, 5);
    assert_int_equal(c.ucs2_char, 0x301);
    assert_int_equal(tocsin_sms_count(&c, "caf\xC3\xA9", 5, &err), 0);
    assert_int_equal(c.encoding, TOCSIN_SMS_GSM7);
    assert_int_equal(c.units, 4);
}

/* ----- behaviour: graphemes ---------------------------------------------- */

#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D" \
               "\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6"

static void test_zwj_family_is_one_grapheme_everywhere(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_bluesky_count b;
    struct tocsin_mastodon_count m;
    struct tocsin_x_count x;
    struct tocsin_sms_count s;

    (void)state;
    assert_int_equal(tocsin_bluesky_count(&b, NULL, "Hi " FAMILY,
                                          strlen("Hi " FAMILY), &err), 0);
    assert_int_equal(b.graphemes, 4);
    assert_int_equal(b.bytes, 28);
    assert_true(b.valid);
    assert_int_equal(tocsin_mastodon_count(&m, NULL, "Hi " FAMILY,
                                           strlen("Hi " FAMILY), NULL, 0, 0,
                                           &err), 0);
    assert_int_equal(m.length, 4);
    assert_int_equal(m.limit, 500);
    assert_int_equal(tocsin_x_count(&x, NULL, "Hi " FAMILY,
                                    strlen("Hi " FAMILY), NULL, &err), 0);
    assert_int_equal(x.weighted_length, 5);
    assert_int_equal(tocsin_x_count(&x, NULL, "Hi " FAMILY,
                                    strlen("Hi " FAMILY),
                                    &tocsin_x_config_v2, &err), 0);
    assert_int_equal(x.weighted_length, 14); /* 4 x 2 + 3 ZWJ + "Hi " */
    assert_int_equal(tocsin_sms_count(&s, FAMILY, strlen(FAMILY), &err), 0);
    assert_int_equal(s.units, 11);
}

static void test_combining_marks_join_their_base(void **state)
{
    /* "Ame\u0301lie" and a Devanagari conjunct: 5 and 1 graphemes */
    const char *latin = "Ame\xCC\x81lie", *deva = "\xE0\xA4\x95\xE0\xA5\x8D"
                                                  "\xE0\xA4\xB7";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_bluesky_count b;
    struct tocsin_x_count x;
    struct tocsin_subject_count sc;

    (void)state;
    assert_int_equal(tocsin_bluesky_count(&b, NULL, latin, strlen(latin),
                                          &err), 0);
    assert_int_equal(b.graphemes, 6);
    assert_int_equal(tocsin_bluesky_count(&b, NULL, deva, strlen(deva),
                                          &err), 0);
    assert_int_equal(b.graphemes, 1);
    /* X composes to U+00E9 first (NFC): six code points of weight 1 */
    assert_int_equal(tocsin_x_count(&x, NULL, latin, strlen(latin), NULL,
                                    &err), 0);
    assert_int_equal(x.weighted_length, 6);
    assert_int_equal(x.display_end, 6); /* 7 units in, 6 after NFC */
    assert_int_equal(tocsin_subject_columns(&sc, NULL, latin, strlen(latin),
                                            &err), 0);
    assert_int_equal(sc.columns, 6);
}

/* ----- behaviour: X and Mastodon links ----------------------------------- */

static void test_x_scheme_less_link_needs_a_real_tld(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_x_count x;
    struct tocsin_mastodon_count m;

    (void)state;
    assert_int_equal(tocsin_x_count(&x, NULL, "track at acme.shop/o/123 now",
                                    28, NULL, &err), 0);
    assert_int_equal(x.n_urls, 1);
    assert_int_equal(x.weighted_length, 9 + 23 + 4);
    assert_int_equal(tocsin_x_count(&x, NULL, "see acme.notatld/o/123 now",
                                    26, NULL, &err), 0);
    assert_int_equal(x.n_urls, 0);
    assert_int_equal(x.weighted_length, 26);
    /* Mastodon wants a scheme */
    assert_int_equal(tocsin_mastodon_count(&m, NULL, "track at acme.shop/o/1",
                                           22, NULL, 0, 0, &err), 0);
    assert_int_equal(m.n_urls, 0);
    assert_int_equal(m.length, 22);
}

/* Found by fuzz_length: the "any '.' at all?" shortcut stopped at U+0000
 * (and read past the text when there was none). */
static void test_links_after_a_nul_character_are_found(void **state)
{
    const char text[] = "Hi\0 see https://acme.com/x";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_x_count x;
    struct tocsin_mastodon_count m;

    (void)state;
    assert_int_equal(tocsin_x_count(&x, NULL, text, sizeof text - 1, NULL,
                                    &err), 0);
    assert_int_equal(x.n_urls, 1);
    assert_int_equal(x.weighted_length, 8 + 23);
    assert_int_equal(tocsin_mastodon_count(&m, NULL, text, sizeof text - 1,
                                           NULL, 0, 0, &err), 0);
    assert_int_equal(m.n_urls, 1);
    assert_int_equal(m.length, 8 + 23);
}

static void test_mastodon_counts_gemini_links_and_remote_mentions(
    void **state)
{
    const char *t = "Ask @care@social.acme.example or see "
                    "gemini://status.acme.com/incident/a-very-long-page";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_mastodon_count m;

    (void)state;
    assert_int_equal(tocsin_mastodon_count(&m, NULL, t, strlen(t), "Outage",
                                           6, 0, &err), 0);
    assert_int_equal(m.n_urls, 1);
    assert_int_equal(m.n_mentions, 1);
    /* "Outage" + "Ask @care or see " + 23 */
    assert_int_equal(m.length, 6 + 17 + 23);
}

static void test_mastodon_limit_is_configurable(void **state)
{
    struct tocsin_buf t = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_mastodon_count m;
    int i;

    (void)state;
    for (i = 0; i < 600; i++)
        tocsin_buf_addc(&t, 'a');
    assert_int_equal(tocsin_mastodon_count(&m, NULL, t.ptr, t.len, NULL, 0,
                                           0, &err), 0);
    assert_false(m.valid);
    assert_int_equal(tocsin_mastodon_count(&m, NULL, t.ptr, t.len, NULL, 0,
                                           1000, &err), 0);
    assert_true(m.valid);
    assert_int_equal(m.limit, 1000);
    tocsin_buf_cleanup(&t);
}

/* ----- behaviour: subject ------------------------------------------------ */

static void test_subject_counts_wide_characters_twice(void **state)
{
    /* "訂單延誤" (4 wide) + " order 42" (9) */
    const char *t = "\xE8\xA8\x82\xE5\x96\xAE\xE5\xBB\xB6\xE8\xAA\xA4"
                    " order 42";
    struct tocsin_buf longer = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_subject_count sc;
    int i;

    (void)state;
    assert_int_equal(tocsin_subject_columns(&sc, NULL, t, strlen(t), &err),
                     0);
    assert_int_equal(sc.columns, 17);
    assert_true(sc.fits);
    assert_int_equal(sc.overflow_offset, strlen(t));
    for (i = 0; i < 40; i++) /* 80 columns: the 40th does not fit */
        tocsin_buf_adds(&longer, "\xE8\xA8\x82");
    assert_int_equal(tocsin_subject_columns(&sc, NULL, longer.ptr,
                                            longer.len, &err), 0);
    assert_int_equal(sc.columns, 80);
    assert_false(sc.fits);
    assert_int_equal(sc.overflow_offset, 39 * 3);
    tocsin_buf_cleanup(&longer);
}

/* ----- errors and size --------------------------------------------------- */

static void test_invalid_utf8_is_an_error_naming_the_byte(void **state)
{
    static const char *const bad[] = {
        "ok \xC3",             /* truncated */
        "ok \xC0\xAF",         /* overlong '/' */
        "ok \xED\xA0\x80",     /* a surrogate */
        "ok \xF4\x90\x80\x80", /* above U+10FFFF */
        "ok \xFF",
    };
    struct tocsin_length *lc;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t k;

    (void)state;
    assert_int_equal(tocsin_length_new(&lc, &err), 0);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t n = strlen(bad[k]);
        struct tocsin_sms_count s;
        struct tocsin_sms_suggest sg;
        struct tocsin_x_count x;
        struct tocsin_mastodon_count m;
        struct tocsin_bluesky_count b;
        struct tocsin_subject_count sc;
        struct tocsin_url_span span;
        struct tocsin_buf why = TOCSIN_BUF_INIT(0);
        size_t nu;

#define BAD(call)                                                          \
    do {                                                                   \
        tocsin_error_clear(&err);                                          \
        assert_int_equal(call, TOCSIN_EINPUT);                             \
        assert_string_equal(err.msg, "invalid UTF-8 at byte 3");           \
    } while (0)
        BAD(tocsin_sms_count(&s, bad[k], n, &err));
        BAD(tocsin_sms_gsm_suggest(&sg, bad[k], n, &err));
        BAD(tocsin_sms_explain(&why, bad[k], n, &err));
        BAD(tocsin_x_count(&x, lc, bad[k], n, NULL, &err));
        BAD(tocsin_mastodon_count(&m, lc, bad[k], n, NULL, 0, 0, &err));
        BAD(tocsin_mastodon_count(&m, lc, "fine", 4, bad[k], n, 0, &err));
        BAD(tocsin_bluesky_count(&b, lc, bad[k], n, &err));
        BAD(tocsin_subject_columns(&sc, lc, bad[k], n, &err));
        BAD(tocsin_length_urls(&span, 1, &nu, lc, TOCSIN_URLS_X, bad[k], n,
                               &err));
#undef BAD
        tocsin_buf_cleanup(&why);
    }
    tocsin_length_free(lc);
}

static void test_text_over_a_megabyte_is_refused(void **state)
{
    size_t n = TOCSIN_LENGTH_MAX_TEXT + 1;
    char *big = malloc(n);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_sms_count s;
    struct tocsin_bluesky_count b;

    (void)state;
    assert_non_null(big);
    memset(big, 'a', n);
    assert_int_equal(tocsin_sms_count(&s, big, n, &err), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "more than the 1048576"));
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_bluesky_count(&b, NULL, big, n, &err),
                     TOCSIN_EINPUT);
    free(big);
}

/* 100 KB, including the shapes that make a backtracking URL matcher
 * quadratic or worse; each must come back with the exact count. */
static void test_100kb_inputs_are_counted_exactly(void **state)
{
    struct tocsin_buf t = TOCSIN_BUF_INIT(0);
    struct tocsin_length *lc;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_x_count x;
    struct tocsin_mastodon_count m;
    struct tocsin_bluesky_count b;
    struct tocsin_sms_count s;
    struct tocsin_subject_count sc;
    int i;

    (void)state;
    assert_int_equal(tocsin_length_new(&lc, &err), 0);

    for (i = 0; i < 50000; i++) /* "a.a.a.a..." */
        tocsin_buf_adds(&t, "a.");
    assert_int_equal(tocsin_x_count(&x, lc, t.ptr, t.len, NULL, &err), 0);
    assert_int_equal(x.n_urls, 0);
    assert_int_equal(x.weighted_length, 100000);
    assert_int_equal(tocsin_sms_count(&s, t.ptr, t.len, &err), 0);
    assert_int_equal(s.segments, (100000 + 152) / 153);

    tocsin_buf_reset(&t); /* a Latin-accent run: every char may precede */
    for (i = 0; i < 50000; i++)
        tocsin_buf_adds(&t, "\xC3\xA9");
    tocsin_buf_adds(&t, ".com");
    assert_int_equal(tocsin_x_count(&x, lc, t.ptr, t.len, NULL, &err), 0);
    /* one 50,004-unit link: far over 4,096, so no link at all */
    assert_int_equal(x.n_urls, 0);
    assert_int_equal(x.weighted_length, 50004);

    tocsin_buf_reset(&t); /* prose with two links per 88 bytes */
    for (i = 0; i < 1200; i++)
        tocsin_buf_adds(&t, "Sorry, your order is late. See https://acme."
                            "shop/help?o=1 for news and acme.com too. ");
    assert_int_equal(t.len, 1200 * 85);
    assert_int_equal(tocsin_x_count(&x, lc, t.ptr, t.len, NULL, &err), 0);
    assert_int_equal(x.n_urls, 2400);
    /* both links count 23 on X; only the one with a scheme on Mastodon */
    assert_int_equal(x.weighted_length, 1200 * (85 - 26 - 8 + 2 * 23));
    assert_int_equal(tocsin_mastodon_count(&m, lc, t.ptr, t.len, NULL, 0, 0,
                                           &err), 0);
    assert_int_equal(m.n_urls, 1200);
    assert_int_equal(m.length, 1200 * (85 - 26 + 23));
    assert_int_equal(tocsin_bluesky_count(&b, lc, t.ptr, t.len, &err), 0);
    assert_int_equal(b.graphemes, t.len);
    assert_false(b.valid);
    assert_int_equal(tocsin_subject_columns(&sc, lc, t.ptr, t.len, &err), 0);
    assert_int_equal(sc.columns, t.len);

    tocsin_buf_reset(&t); /* "http://x.co/" then 100 KB of '(' */
    tocsin_buf_adds(&t, "http://x.co/");
    for (i = 0; i < 100000; i++)
        tocsin_buf_addc(&t, '(');
    assert_int_equal(tocsin_x_count(&x, lc, t.ptr, t.len, NULL, &err), 0);
    assert_int_equal(x.n_urls, 1);
    assert_int_equal(x.weighted_length, 23 + 100000);

    tocsin_buf_reset(&t); /* "@a@a@a..." */
    for (i = 0; i < 50000; i++)
        tocsin_buf_adds(&t, "@a");
    assert_int_equal(tocsin_mastodon_count(&m, lc, t.ptr, t.len, NULL, 0, 0,
                                           &err), 0);
    /* each candidate is followed by another at sign (end_mention_match),
     * or preceded by a word character: no mention at all */
    assert_int_equal(m.n_mentions, 0);
    assert_int_equal(m.length, 100000);

    tocsin_length_free(lc);
    tocsin_buf_cleanup(&t);
}

static void test_reused_state_gives_the_same_counts(void **state)
{
    static const char *const texts[] = {
        "See https://acme.example/x and acme.com",
        "\xF0\x9F\x98\x80 sorry \xE2\x80\x99",
        "",
        "   ",
        "@bob@x.example hi",
    };
    struct tocsin_length *lc;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    size_t k;
    int round;

    (void)state;
    assert_int_equal(tocsin_length_new(&lc, &err), 0);
    for (round = 0; round < 2; round++) {
        for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
            struct tocsin_x_count a, b;
            struct tocsin_mastodon_count ma, mb;

            assert_int_equal(tocsin_x_count(&a, lc, texts[k],
                                            strlen(texts[k]), NULL, &err),
                             0);
            assert_int_equal(tocsin_x_count(&b, NULL, texts[k],
                                            strlen(texts[k]), NULL, &err),
                             0);
            assert_memory_equal(&a, &b, sizeof a);
            assert_int_equal(tocsin_mastodon_count(&ma, lc, texts[k],
                                                   strlen(texts[k]), NULL,
                                                   0, 0, &err), 0);
            assert_int_equal(tocsin_mastodon_count(&mb, NULL, texts[k],
                                                   strlen(texts[k]), NULL,
                                                   0, 0, &err), 0);
            assert_memory_equal(&ma, &mb, sizeof ma);
        }
    }
    tocsin_length_free(lc);
}

static void test_blank_text_is_empty_for_x_and_mastodon(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_x_count x;
    struct tocsin_mastodon_count m;

    (void)state;
    assert_int_equal(tocsin_x_count(&x, NULL, " \n\t", 3, NULL, &err), 0);
    assert_int_equal(x.weighted_length, 0);
    assert_false(x.valid);
    /* countable_text is '' when the text is blank; the CW still counts */
    assert_int_equal(tocsin_mastodon_count(&m, NULL, " \xE3\x80\x80 ", 5,
                                           "CW", 2, 0, &err), 0);
    assert_int_equal(m.length, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sms_conformance_examples_all_match),
        cmocka_unit_test(test_mastodon_conformance_rows_all_match),
        cmocka_unit_test(test_x_conformance_weighted_v2),
        cmocka_unit_test(test_x_conformance_discounted_emoji_v3),
        cmocka_unit_test(test_x_conformance_directional_markers_v3),
        cmocka_unit_test(test_x_conformance_extract_urls),
        cmocka_unit_test(test_x_conformance_extract_urls_with_indices),
        cmocka_unit_test(
            test_x_conformance_extract_urls_with_directional_markers),
        cmocka_unit_test(test_x_conformance_extract_tco_urls_with_params),
        cmocka_unit_test(test_x_conformance_urls_without_protocol),
        cmocka_unit_test(test_x_conformance_url_validity_by_extraction),
        cmocka_unit_test(test_sms_smart_quote_forces_ucs2_and_is_named),
        cmocka_unit_test(test_sms_suggest_lists_each_typographic_character),
        cmocka_unit_test(test_sms_emoji_has_no_stand_in),
        cmocka_unit_test(test_sms_gsm_text_explains_nothing),
        cmocka_unit_test(test_sms_escape_pair_is_never_split),
        cmocka_unit_test(test_sms_surrogate_pair_is_never_split),
        cmocka_unit_test(test_sms_empty_text_is_zero_segments),
        cmocka_unit_test(test_sms_combining_mark_forces_ucs2),
        cmocka_unit_test(test_zwj_family_is_one_grapheme_everywhere),
        cmocka_unit_test(test_combining_marks_join_their_base),
        cmocka_unit_test(test_x_scheme_less_link_needs_a_real_tld),
        cmocka_unit_test(test_links_after_a_nul_character_are_found),
        cmocka_unit_test(
            test_mastodon_counts_gemini_links_and_remote_mentions),
        cmocka_unit_test(test_mastodon_limit_is_configurable),
        cmocka_unit_test(test_subject_counts_wide_characters_twice),
        cmocka_unit_test(test_invalid_utf8_is_an_error_naming_the_byte),
        cmocka_unit_test(test_text_over_a_megabyte_is_refused),
        cmocka_unit_test(test_100kb_inputs_are_counted_exactly),
        cmocka_unit_test(test_reused_state_gives_the_same_counts),
        cmocka_unit_test(test_blank_text_is_empty_for_x_and_mastodon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
