/*
 * test_audience.c - the audience CSV reader: RFC 4180 conformance
 * (csv-spectrum, the RFC's own examples) and what a user sees for every
 * kind of bad file: the error, its line, the warnings and their wording.
 *
 * Most cases run once per read size from 1 byte up, so every block
 * boundary falls inside a BOM, a multibyte character, a quoted field and a
 * CRLF somewhere, and the answer must not change.
 */
#include "unit.h"

#include <dirent.h>
#include <jansson.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tocsin/audience.h"
#include "tocsin/buf.h"
#include "tocsin/error.h"

/* ----- helpers --------------------------------------------------------- */

static char tmpdir[256];

static int group_setup(void **state)
{
    const char *base = getenv("TMPDIR");
    struct tocsin_buf b = TOCSIN_BUF_INIT(sizeof tmpdir - 1);

    (void)state;
    tocsin_buf_addf(&b, "%s/tocsin-audience-XXXXXX",
                    base && *base ? base : "/tmp");
    memcpy(tmpdir, b.ptr, b.len + 1);
    tocsin_buf_cleanup(&b);
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    DIR *d = opendir(tmpdir);
    struct dirent *e;

    (void)state;
    /* a failed test leaves its file behind */
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        tocsin_buf_reset(&b);
        tocsin_buf_addf(&b, "%s/%s", tmpdir, e->d_name);
        unlink(b.ptr);
    }
    if (d)
        closedir(d);
    tocsin_buf_cleanup(&b);
    return rmdir(tmpdir);
}

/* Write 'len' bytes to a file named 'name' in the test folder; the caller
 * unlinks it with done_file(). */
static char *write_file(const char *name, const char *data, size_t len)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    FILE *f;

    tocsin_buf_addf(&b, "%s/%s", tmpdir, name);
    f = fopen(b.ptr, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return tocsin_buf_detach(&b, NULL);
}

static void done_file(char *path)
{
    unlink(path);
    free(path);
}

/* What a stream run shows: its code, error, rows and warnings. */
struct run {
    int rc;
    struct tocsin_error err;
    struct tocsin_buf rows;     /* "LINE:f1|f2|...\n" per row */
    struct tocsin_buf known;    /* "LINE id= email= phone= ...\n" */
    struct tocsin_buf warnings; /* "LINE: msg [hint]\n" */
    struct tocsin_audience_stats stats;
    size_t stop_at;             /* return an error at this row (1-based) */
    size_t calls;
};

static void add_value(struct tocsin_buf *b, const char *name, const char *v)
{
    tocsin_buf_addf(b, " %s=%s", name, v ? v : "(null)");
}

static int collect(void *payload, const struct tocsin_row *row,
                   struct tocsin_error *err)
{
    struct run *r = payload;
    size_t i;

    r->calls++;
    if (r->stop_at && r->calls == r->stop_at)
        return tocsin_error_set(err, TOCSIN_EINPUT, "playbook.lua", 12,
                                "where failed");
    tocsin_buf_addf(&r->rows, "%zu:", row->line);
    for (i = 0; i < row->hdr->n; i++) {
        assert_int_equal(strlen(row->fields[i]), row->lens[i]);
        tocsin_buf_addf(&r->rows, "%s%s", i ? "|" : "", row->fields[i]);
    }
    tocsin_buf_addc(&r->rows, '\n');
    tocsin_buf_addf(&r->known, "%zu", row->line);
    add_value(&r->known, "id", row->id);
    add_value(&r->known, "email", row->email);
    add_value(&r->known, "phone", row->phone);
    add_value(&r->known, "locale", row->locale);
    add_value(&r->known, "tz", row->tz);
    add_value(&r->known, "channels", row->channels);
    add_value(&r->known, "stage", row->stage);
    tocsin_buf_addc(&r->known, '\n');
    return 0;
}

static void run_init(struct run *r)
{
    memset(r, 0, sizeof *r);
    tocsin_error_clear(&r->err);
    tocsin_buf_init(&r->rows, 0);
    tocsin_buf_init(&r->known, 0);
    tocsin_buf_init(&r->warnings, 0);
}

static void run_cleanup(struct run *r)
{
    tocsin_buf_cleanup(&r->rows);
    tocsin_buf_cleanup(&r->known);
    tocsin_buf_cleanup(&r->warnings);
}

static void run_path(struct run *r, const char *path,
                     const struct tocsin_audience_opts *opts)
{
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    size_t i;

    r->rc = tocsin_audience_stream(path, opts, collect, r, &d, &r->stats,
                                   &r->err);
    for (i = 0; i < d.n; i++) {
        const char *base = strrchr(d.items[i].path, '/');

        assert_int_equal(d.items[i].severity, TOCSIN_SEV_WARNING);
        tocsin_buf_addf(&r->warnings, "%s:%d: %s",
                        base ? base + 1 : d.items[i].path, d.items[i].line,
                        d.items[i].msg);
        if (d.items[i].hint[0])
            tocsin_buf_addf(&r->warnings, " [%s]", d.items[i].hint);
        tocsin_buf_addc(&r->warnings, '\n');
    }
    tocsin_diags_cleanup(&d);
}

/* Stream 'data' as file 'name' with the default read size, then with
 * every read size from 1 to 19 and a few larger, and check that each run
 * sees exactly what the first saw. The first run is left in 'out'. */
static void run_blocks(struct run *out, const char *name, const char *data,
                       size_t len, const struct tocsin_audience_opts *base)
{
    static const size_t extra[] = {31, 64, 257, 4096};
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    char *path = write_file(name, data, len);
    size_t bs;

    if (base)
        o = *base;
    run_init(out);
    run_path(out, path, &o);
    for (bs = 1; bs < 20 + sizeof extra / sizeof *extra; bs++) {
        struct run r;

        o.block_size = bs < 20 ? bs : extra[bs - 20];
        run_init(&r);
        run_path(&r, path, &o);
        if (r.rc != out->rc || strcmp(r.err.msg, out->err.msg) ||
            r.err.line != out->err.line ||
            strcmp(r.rows.ptr, out->rows.ptr) ||
            strcmp(r.known.ptr, out->known.ptr) ||
            strcmp(r.warnings.ptr, out->warnings.ptr) ||
            (!r.rc && r.stats.lines != out->stats.lines)) {
            print_message("read size %zu differs:\n%d %d %s\n%s%s---\n%d "
                          "%d %s\n%s%s",
                          o.block_size, out->rc, out->err.line,
                          out->err.msg, out->rows.ptr, out->warnings.ptr,
                          r.rc, r.err.line, r.err.msg, r.rows.ptr,
                          r.warnings.ptr);
            fail();
        }
        run_cleanup(&r);
    }
    done_file(path);
}

#define RUN(r, data) run_blocks((r), __func__, (data), sizeof(data) - 1, NULL)

static void expect_error(const struct run *r, int line, const char *msg)
{
    if (r->rc != TOCSIN_EINPUT || r->err.line != line ||
        !strstr(r->err.msg, msg))
        print_message("got rc %d at line %d: %s\n", r->rc, r->err.line,
                      r->err.msg);
    assert_int_equal(r->rc, TOCSIN_EINPUT);
    assert_int_equal(r->err.line, line);
    assert_non_null(strstr(r->err.msg, msg));
}

/* ----- conformance: csv-spectrum --------------------------------------- */

struct spectrum_ctx {
    json_t *expected;
    size_t row;
};

static int spectrum_row(void *payload, const struct tocsin_row *row,
                        struct tocsin_error *err)
{
    struct spectrum_ctx *c = payload;
    json_t *obj = json_array_get(c->expected, c->row++);
    size_t i;

    (void)err;
    assert_non_null(obj);
    assert_int_equal(json_object_size(obj), row->hdr->n);
    for (i = 0; i < row->hdr->n; i++) {
        json_t *v = json_object_get(obj, row->hdr->names[i]);

        assert_non_null(v);
        assert_int_equal(json_string_length(v), row->lens[i]);
        assert_memory_equal(json_string_value(v), row->fields[i],
                            row->lens[i]);
    }
    return 0;
}

static void test_csv_spectrum_case(void **state)
{
    const char *name = *state, *dir = unit_conformance_dir();
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct tocsin_buf csv = TOCSIN_BUF_INIT(0), js = TOCSIN_BUF_INIT(0);
    size_t bs;

    if (!dir) {
        skip();
        return;
    }
    if (!strcmp(name, "location_coordinates")) {
        print_message("note: csv-spectrum's location_coordinates is broken "
                      "upstream (its JSON is an object, not an array, and "
                      "its phone differs from the CSV): skipped\n");
        skip();
        return;
    }
    tocsin_buf_addf(&csv, "%s/csv-spectrum/csvs/%s.csv", dir, name);
    tocsin_buf_addf(&js, "%s/csv-spectrum/json/%s.json", dir, name);
    o.optional_id = 1;
    /* the whole file in one read, then a byte at a time and in between */
    for (bs = 0; bs <= 8; bs++) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        json_error_t jerr;
        struct spectrum_ctx c = {json_load_file(js.ptr, 0, &jerr), 0};

        assert_non_null(c.expected);
        assert_true(json_is_array(c.expected));
        o.block_size = bs;
        assert_int_equal(tocsin_audience_stream(csv.ptr, &o, spectrum_row,
                                                &c, NULL, NULL, &err),
                         0);
        assert_int_equal(c.row, json_array_size(c.expected));
        json_decref(c.expected);
    }
    tocsin_buf_cleanup(&csv);
    tocsin_buf_cleanup(&js);
}

/* ----- conformance: the RFC 4180 §2 examples --------------------------- */

struct raw_ctx {
    json_t *expected;
    size_t rec;
};

static int rfc_record(void *payload, size_t line, const char *const *fields,
                      const size_t *lens, size_t n)
{
    struct raw_ctx *c = payload;
    json_t *rec = json_array_get(c->expected, c->rec++);
    size_t i;

    (void)line;
    assert_non_null(rec);
    assert_int_equal(json_array_size(rec), n);
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(rec, i);

        assert_int_equal(json_string_length(v), lens[i]);
        assert_memory_equal(json_string_value(v), fields[i], lens[i]);
    }
    return 0;
}

static void test_csv_rfc4180_case(void **state)
{
    size_t idx = (size_t)(*(const int *)*state);
    const char *dir = unit_conformance_dir();
    struct tocsin_buf path = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    json_error_t jerr;
    json_t *all, *c;
    struct raw_ctx ctx;

    if (!dir) {
        skip();
        return;
    }
    tocsin_buf_addf(&path, "%s/csv-rfc4180/rfc.json", dir);
    all = json_load_file(path.ptr, 0, &jerr);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 7);
    c = json_array_get(all, idx);
    ctx.expected = json_object_get(c, "json");
    ctx.rec = 0;
    assert_int_equal(
        tocsin_csv_parse_buffer(json_string_value(json_object_get(c, "csv")),
                                json_string_length(json_object_get(c, "csv")),
                                rfc_record, &ctx, &err),
        0);
    assert_int_equal(ctx.rec, json_array_size(ctx.expected));
    json_decref(all);
    tocsin_buf_cleanup(&path);
}

/* ----- line numbers ---------------------------------------------------- */

static void test_csv_lines_after_multiline_quoted_fields(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\n"
            "a,\"one\ntwo\nthree\"\n"
            "b,plain\n"
            "\n"
            "c,\"x\"\"\ny\"\n"
            "d,\"\n\"\n"
            "e,last");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.rows.ptr, "2:a|one\ntwo\nthree\n"
                                    "5:b|plain\n"
                                    "7:c|x\"\ny\n"
                                    "9:d|\n\n"
                                    "11:e|last\n");
    assert_int_equal(r.stats.rows, 5);
    assert_int_equal(r.stats.lines, 11);
    run_cleanup(&r);
}

static void test_csv_lines_with_crlf(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\r\n"
            "a,\"one\r\ntwo\"\r\n"
            "\r\n"
            "b,\"x\r\n\r\ny\"\r\n"
            "c,z\r\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.rows.ptr, "2:a|one\r\ntwo\n"
                                    "5:b|x\r\n\r\ny\n"
                                    "8:c|z\n");
    assert_int_equal(r.stats.lines, 8);
    run_cleanup(&r);
}

static void test_csv_error_line_after_crlf_multiline_field(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\r\n"
            "a,\"one\r\ntwo\"\r\n"
            "b,bad\"quote\r\n");
    expect_error(&r, 4, "unexpected quote inside the unquoted column 'note'");
    assert_string_equal(r.rows.ptr, "2:a|one\r\ntwo\n");
    run_cleanup(&r);
}

static void test_csv_trailing_newline_adds_no_record(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id\nA\nB\n\n\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.rows.ptr, "2:A\n3:B\n");
    assert_int_equal(r.stats.lines, 5);
    run_cleanup(&r);
}

/* ----- the header, the BOM --------------------------------------------- */

static void test_csv_bom_is_skipped(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "\xEF\xBB\xBFid,name\nA,\xEF\xBB\xBFx\n");
    assert_int_equal(r.rc, 0);
    /* only the file's first three bytes are a BOM */
    assert_string_equal(r.rows.ptr, "2:A|\xEF\xBB\xBFx\n");
    run_cleanup(&r);
}

static void test_csv_partial_bom_is_invalid_utf8(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "\xEF\xBBid\nA\n");
    expect_error(&r, 1, "invalid UTF-8 in field 1 (byte 1 of the field)");
    run_cleanup(&r);
}

static void test_csv_empty_file_says_header_missing(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "");
    expect_error(&r, 1, "no header row: the file is empty");
    run_cleanup(&r);
    RUN(&r, "\xEF\xBB\xBF\n\r\n");
    expect_error(&r, 1, "no header row: the file has only blank lines");
    run_cleanup(&r);
}

static void test_csv_missing_id_column(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "name,email\nAna,a@example.com\n");
    expect_error(&r, 1, "no 'id' column in the header");
    assert_non_null(strstr(r.err.hint, "header"));
    assert_string_equal(r.rows.ptr, "");
    run_cleanup(&r);
    RUN(&r, "\n\nID,email\n");
    expect_error(&r, 3, "no 'id' column in the header");
    assert_string_equal(r.err.hint,
                        "column names are case-sensitive: name it 'id'");
    run_cleanup(&r);
}

static void test_csv_header_names_empty_or_twice(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,,email\n");
    expect_error(&r, 1, "empty column name in the header (column 2)");
    run_cleanup(&r);
    RUN(&r, "id,email,name,email\n");
    expect_error(&r, 1,
                 "duplicate column 'email' in the header (columns 2 and 4)");
    run_cleanup(&r);
    /* names are taken as written: ' email' is not 'email' */
    RUN(&r, "id,email, email\nA,a@example.com,x\n");
    assert_int_equal(r.rc, 0);
    run_cleanup(&r);
}

static void test_csv_near_miss_columns_warn(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,Email,firstname,order\nA,a@example.com,Ana,1\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(
        r.warnings.ptr,
        "test_csv_near_miss_columns_warn:1: column 'Email' is not the "
        "known column 'email'; it is read as a custom column\n"
        "test_csv_near_miss_columns_warn:1: column 'firstname' is not the "
        "known column 'first_name'; it is read as a custom column\n");
    assert_non_null(strstr(r.known.ptr, "email=(null)"));
    run_cleanup(&r);
}

/* ----- rows ------------------------------------------------------------ */

static void test_csv_empty_id_is_an_error(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,name\nA,Ana\n\"\",Bo\n");
    expect_error(&r, 3, "empty id in row at line 3");
    assert_string_equal(r.rows.ptr, "2:A|Ana\n");
    run_cleanup(&r);
}

static void test_csv_wrong_field_count_says_expected_and_got(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,name,email\nA,Ana,a@example.com\n\"B\nb\",Bo\n");
    expect_error(&r, 3, "row has 2 fields, expected 3 as in the header");
    run_cleanup(&r);
    RUN(&r, "id,name\nA,Ana,Li\n");
    expect_error(&r, 2, "row has 3 fields, expected 2 as in the header");
    assert_string_equal(r.err.hint, "a field that holds a comma must be "
                                    "quoted");
    run_cleanup(&r);
}

static void test_csv_unterminated_quote_names_its_start(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\nA,ok\nB,\"open\nmore\nand more\n");
    expect_error(&r, 3, "unterminated quoted column 'note'");
    assert_string_equal(r.rows.ptr, "2:A|ok\n");
    run_cleanup(&r);
}

static void test_csv_text_after_closing_quote_is_an_error(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\nA,\"x\ny\"z\n");
    expect_error(&r, 3, "unexpected character after the closing quote of "
                        "column 'note'");
    run_cleanup(&r);
}

static void test_csv_spaces_are_part_of_fields(void **state)
{
    struct run r;

    (void)state;
    /* RFC 4180 §2.4; a tab is kept as well */
    RUN(&r, "id,name\n A , Ana Li \n\tB\t,\" q \"\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.rows.ptr, "2: A | Ana Li \n3:\tB\t| q \n");
    run_cleanup(&r);
    /* so a space before a quote makes the quote part of an unquoted
     * field, and a space after a closing quote is stray text */
    RUN(&r, "id,name\nA, \"Ana\"\n");
    expect_error(&r, 2, "unexpected quote inside the unquoted column "
                        "'name'");
    run_cleanup(&r);
    RUN(&r, "id,name\nA,\"Ana\" \n");
    expect_error(&r, 2, "unexpected character after the closing quote");
    run_cleanup(&r);
}

static void test_csv_invalid_utf8_names_its_line(void **state)
{
    struct run r;

    (void)state;
    /* an overlong '/' on the second line of a quoted field */
    RUN(&r, "id,note\nA,ok\nB,\"fine\nbad \xC0\xAF\"\n");
    expect_error(&r, 4, "invalid UTF-8 in column 'note' (byte 10 of the "
                        "field)");
    assert_string_equal(r.err.hint, "save the file as 'CSV UTF-8'");
    assert_string_equal(r.rows.ptr, "2:A|ok\n");
    run_cleanup(&r);
    /* a surrogate, and a code point above U+10FFFF */
    RUN(&r, "id\n\xED\xA0\x80\n");
    expect_error(&r, 2, "invalid UTF-8 in column 'id'");
    run_cleanup(&r);
    RUN(&r, "id\n\xF4\x90\x80\x80\n");
    expect_error(&r, 2, "invalid UTF-8 in column 'id'");
    run_cleanup(&r);
}

static void test_csv_stray_ff_after_spaces_keeps_place(void **state)
{
    struct run r;

    (void)state;
    /* 0xFF can never be UTF-8; the spaces before it in the same field,
     * on earlier lines and in earlier rows must be counted as spaces */
    RUN(&r, "id,note\nA, a b \nB,\" x\n y \xFF\"\n");
    expect_error(&r, 4, "invalid UTF-8 in column 'note' (byte 7 of the "
                        "field)");
    assert_string_equal(r.rows.ptr, "2:A| a b \n");
    run_cleanup(&r);
    RUN(&r, "id,note\nA,\t\xFE\t\n");
    expect_error(&r, 2, "(byte 2 of the field)");
    run_cleanup(&r);
}

static void test_csv_multibyte_characters_across_blocks(void **state)
{
    struct run r;

    (void)state;
    /* every read size puts a boundary inside one of these */
    RUN(&r, "id,name\nA,\xC3\xA9\xE5\x8F\xB0\xF0\x9F\x98\x80x\n"
            "B,\"\xE5\x8F\xB0\n\xF0\x9F\x98\x80,\"\"\"\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.rows.ptr, "2:A|\xC3\xA9\xE5\x8F\xB0\xF0\x9F\x98"
                                    "\x80x\n"
                                    "3:B|\xE5\x8F\xB0\n\xF0\x9F\x98\x80,\"\n");
    run_cleanup(&r);
    /* a truncated sequence at the end of a quoted field split anywhere */
    RUN(&r, "id,name\nA,\"ok\nok\xE5\x8F\"\n");
    expect_error(&r, 3, "invalid UTF-8 in column 'name' (byte 6 of the "
                        "field)");
    run_cleanup(&r);
}

static void test_csv_invalid_utf8_at_the_64k_boundary(void **state)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    struct run r;
    size_t pad;
    char *path;

    (void)state;
    /* the default read is 64 KiB: put a 4-byte character across it, in a
     * quoted field that also spans the boundary, once valid and once
     * with its last byte wrong */
    tocsin_buf_adds(&b, "id,note\nA,\"");
    pad = 65536 - b.len - 2;
    while (pad--)
        tocsin_buf_addc(&b, pad % 100 == 0 ? '\n' : 'x');
    tocsin_buf_adds(&b, "\xF0\x9F\x98\x80\"\nB,y\n");
    path = write_file("boundary.csv", b.ptr, b.len);
    run_init(&r);
    run_path(&r, path, NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.rows.ptr, "\n659:B|y\n"));
    run_cleanup(&r);
    done_file(path);
    b.ptr[b.len - 7] = 'z';
    path = write_file("boundary.csv", b.ptr, b.len);
    run_init(&r);
    run_path(&r, path, NULL);
    expect_error(&r, 658, "invalid UTF-8 in column 'note'");
    run_cleanup(&r);
    done_file(path);
    tocsin_buf_cleanup(&b);
}

static void test_csv_nul_byte_is_an_error(void **state)
{
    static const char data[] = "id,name\nA,x\0y\n";
    struct run r;

    (void)state;
    run_blocks(&r, "nul.csv", data, sizeof data - 1, NULL);
    expect_error(&r, 2, "NUL byte in column 'name'");
    run_cleanup(&r);
}

static void test_csv_utf16_file_gets_a_hint(void **state)
{
    static const char data[] = "\xFF\xFEi\0d\0\n\0";
    struct run r;

    (void)state;
    run_blocks(&r, "utf16.csv", data, sizeof data - 1, NULL);
    expect_error(&r, 1, "invalid UTF-8 in field 1 (byte 1 of the field)");
    assert_string_equal(r.err.hint,
                        "the file is UTF-16; save it as 'CSV UTF-8'");
    run_cleanup(&r);
}

static void test_csv_ten_megabyte_field_is_an_error(void **state)
{
    size_t big = (size_t)10 << 20, i;
    char *data = malloc(big + 64), *path;
    struct run r;
    size_t len;

    (void)state;
    assert_non_null(data);
    /* unquoted: the field ends, and is refused at its line */
    len = 0;
    memcpy(data, "id,note\nA,x\nB,", 14);
    len = 14;
    memset(data + len, 'y', big);
    len += big;
    memcpy(data + len, "\nC,z\n", 5);
    len += 5;
    path = write_file("big.csv", data, len);
    run_init(&r);
    run_path(&r, path, NULL);
    expect_error(&r, 3, "field 2 is larger than the limit of 1048576 bytes");
    assert_string_equal(r.rows.ptr, "2:A|x\n");
    run_cleanup(&r);
    done_file(path);
    /* a quote that is never closed swallows the file: the same error at
     * the line where the field starts, with a hint */
    memcpy(data, "id,note\nA,x\nB,\"", 15);
    for (i = 15; i < big; i++)
        data[i] = i % 80 ? 'y' : '\n';
    path = write_file("big.csv", data, big);
    run_init(&r);
    run_path(&r, path, NULL);
    expect_error(&r, 3, "field 2 is larger than the limit of 1048576 bytes");
    assert_string_equal(r.err.hint, "is a quote missing its closing quote?");
    run_cleanup(&r);
    done_file(path);
    free(data);
}

static void test_csv_limits_on_columns_records_and_rows(void **state)
{
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    static const char data[] = "id,a,b\nA,1,2\nB,3,4\nC,5,6\n";
    struct run r;

    (void)state;
    o.max_fields = 2;
    run_blocks(&r, "cols.csv", data, sizeof data - 1, &o);
    expect_error(&r, 1, "record has more than 2 fields");
    run_cleanup(&r);
    o.max_fields = 0;
    o.max_rows = 2;
    run_blocks(&r, "rows.csv", data, sizeof data - 1, &o);
    expect_error(&r, 4, "more than 2 rows");
    assert_string_equal(r.rows.ptr, "2:A|1|2\n3:B|3|4\n");
    assert_int_equal(r.stats.rows, 2);
    run_cleanup(&r);
    o.max_rows = 0;
    o.max_record = 6;
    run_blocks(&r, "record.csv", data, sizeof data - 1, &o);
    expect_error(&r, 1, "record is larger than the limit of 6 bytes");
    run_cleanup(&r);
}

static void test_csv_missing_file_is_an_error(void **state)
{
    struct run r;

    (void)state;
    run_init(&r);
    run_path(&r, "/nonexistent/tocsin/audience.csv", NULL);
    assert_int_equal(r.rc, TOCSIN_EINPUT);
    assert_string_equal(r.err.path, "/nonexistent/tocsin/audience.csv");
    assert_non_null(strstr(r.err.msg, "cannot open"));
    run_cleanup(&r);
}

/* ----- duplicate ids --------------------------------------------------- */

static void test_csv_duplicate_id_names_both_lines(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,note\nA,\"x\ny\"\nB,z\nC,\"\n\"\nA,w\n");
    expect_error(&r, 7, "duplicate id in row at line 7; first seen at line "
                        "2");
    assert_string_equal(r.rows.ptr, "2:A|x\ny\n4:B|z\n5:C|\n\n");
    run_cleanup(&r);
}

static void test_csv_duplicate_id_among_many_rows(void **state)
{
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    struct tocsin_audience_opts o = TOCSIN_AUDIENCE_OPTS_INIT;
    struct run r;
    size_t i;
    char *path;

    (void)state;
    tocsin_buf_adds(&b, "id,email\n");
    for (i = 0; i < 200000; i++)
        tocsin_buf_addf(&b, "C%zu,c%zu@example.com\n", i, i);
    tocsin_buf_adds(&b, "C123456,again@example.com\n");
    path = write_file("many.csv", b.ptr, b.len);
    run_init(&r);
    run_path(&r, path, NULL);
    expect_error(&r, 200002, "duplicate id in row at line 200002; first "
                             "seen at line 123458");
    assert_int_equal(r.stats.rows, 200001);
    run_cleanup(&r);
    /* the check can be turned off */
    o.check_dup_ids = 0;
    run_init(&r);
    run_path(&r, path, &o);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.rows, 200001);
    run_cleanup(&r);
    done_file(path);
    tocsin_buf_cleanup(&b);
}

static void test_csv_duplicate_id_on_stdin_names_both_lines(void **state)
{
    static const char data[] = "id\nA\nB\n\"\nB\"\nB\n";
    char *path = write_file("stdin.csv", data, sizeof data - 1);
    struct run r;

    (void)state;
    assert_non_null(freopen(path, "rb", stdin));
    run_init(&r);
    run_path(&r, "-", NULL);
    expect_error(&r, 6, "duplicate id in row at line 6; first seen at line "
                        "3");
    assert_string_equal(r.err.path, "<stdin>");
    run_cleanup(&r);
    done_file(path);
}

static void test_csv_duplicate_id_in_a_pipe_names_both_lines(void **state)
{
    static const char data[] = "id,n\nA,1\nB,2\nA,3\n";
    struct tocsin_buf path = TOCSIN_BUF_INIT(0);
    struct run r;
    pid_t pid;
    int status;

    (void)state;
    /* --audience <(cmd): a named pipe cannot be read a second time, and
     * opening it again would wait for a writer forever */
    tocsin_buf_addf(&path, "%s/pipe.csv", tmpdir);
    assert_int_equal(mkfifo(path.ptr, 0600), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(path.ptr, "wb");

        if (f) {
            fwrite(data, 1, sizeof data - 1, f);
            fclose(f);
        }
        _exit(0);
    }
    run_init(&r);
    run_path(&r, path.ptr, NULL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    expect_error(&r, 4, "duplicate id in row at line 4; first seen at line "
                        "2");
    run_cleanup(&r);
    unlink(path.ptr);
    tocsin_buf_cleanup(&path);
}

/* ----- known columns and warnings -------------------------------------- */

static void test_csv_bad_values_warn_without_customer_data(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,email,phone,locale,tz,channels,stage\n"
            "C1,ana@example.com,+15550001111,zh-TW,Asia/Taipei,sms;-email,"
            "loyal\n"
            "C2,bo at example.com,555-0101,zh_TW,,sms;;email,complaints\n"
            "C3,,,,,,\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(
        r.known.ptr,
        "2 id=C1 email=ana@example.com phone=+15550001111 locale=zh-TW "
        "tz=Asia/Taipei channels=sms;-email stage=loyal\n"
        "3 id=C2 email=(null) phone=(null) locale=(null) tz=(null) "
        "channels=(null) stage=(null)\n"
        "4 id=C3 email=(null) phone=(null) locale=(null) tz=(null) "
        "channels=(null) stage=(null)\n");
    assert_string_equal(
        r.warnings.ptr,
        "test_csv_bad_values_warn_without_customer_data:3: invalid email "
        "in row 'C2'; skipped for email\n"
        "test_csv_bad_values_warn_without_customer_data:3: invalid phone "
        "in row 'C2'; skipped for sms [a phone is written in E.164: '+', "
        "the country code and the number, 8 to 15 digits, no spaces]\n"
        "test_csv_bad_values_warn_without_customer_data:3: invalid locale "
        "in row 'C2'; the brand's first locale is used [BCP 47 tags use "
        "'-', not '_': 'zh-TW']\n"
        "test_csv_bad_values_warn_without_customer_data:3: invalid "
        "channels in row 'C2'; the wave's channel order is used [channel "
        "names separated by ';', an opt-out marked with '-': "
        "'sms;email;-social']\n"
        "test_csv_bad_values_warn_without_customer_data:3: unknown stage "
        "in row 'C2'; ignored [did you mean 'complaint'?]\n");
    assert_null(strstr(r.warnings.ptr, "bo at"));
    assert_null(strstr(r.warnings.ptr, "555-0101"));
    assert_int_equal(r.stats.bad_emails, 1);
    assert_int_equal(r.stats.bad_phones, 1);
    assert_int_equal(r.stats.bad_locales, 1);
    assert_int_equal(r.stats.bad_channels, 1);
    assert_int_equal(r.stats.bad_stages, 1);
    run_cleanup(&r);
}

static void test_csv_row_named_safely_in_warnings(void **state)
{
    struct run r;

    (void)state;
    /* an id with a line break and a long one are shown tamed */
    RUN(&r, "id,email\n\"a\nb\",x\n"
            "0123456789012345678901234567890123456789012345678901234567890"
            "123456789,y\n");
    assert_int_equal(r.rc, 0);
    assert_string_equal(
        r.warnings.ptr,
        "test_csv_row_named_safely_in_warnings:2: invalid email in row "
        "'a?b'; skipped for email\n"
        "test_csv_row_named_safely_in_warnings:4: invalid email in row "
        "'012345678901234567890123456789012345678901234567890123456789..."
        "'; skipped for email\n");
    run_cleanup(&r);
}

static void test_csv_warnings_are_capped_and_counted(void **state)
{
    static const char data[] = "id,email\nA,x\nB,y\nC,z\nD,w\nE,v\n";
    struct tocsin_diags d = TOCSIN_DIAGS_INIT;
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_audience_stats st;
    char *path = write_file("cap.csv", data, sizeof data - 1);
    struct run r;

    (void)state;
    run_init(&r);
    d.max = 2;
    assert_int_equal(tocsin_audience_stream(path, NULL, collect, &r, &d, &st,
                                            &err),
                     0);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.n_warnings, 5);
    assert_int_equal(d.n_dropped, 3);
    assert_int_equal(d.items[1].line, 3);
    assert_int_equal(st.bad_emails, 5);
    tocsin_diags_cleanup(&d);
    run_cleanup(&r);
    done_file(path);
}

static void test_csv_row_callback_error_stops_the_stream(void **state)
{
    static const char data[] = "id\nA\nB\nC\nD\n";
    char *path = write_file("stop.csv", data, sizeof data - 1);
    struct run r;

    (void)state;
    run_init(&r);
    r.stop_at = 2;
    run_path(&r, path, NULL);
    assert_int_equal(r.rc, TOCSIN_EINPUT);
    assert_int_equal(r.calls, 2);
    /* the callback's own error, not overwritten */
    assert_string_equal(r.err.path, "playbook.lua");
    assert_int_equal(r.err.line, 12);
    assert_string_equal(r.err.msg, "where failed");
    assert_int_equal(r.stats.rows, 2);
    run_cleanup(&r);
    done_file(path);
}

static void test_csv_stats_count_rows_and_lines(void **state)
{
    struct run r;

    (void)state;
    RUN(&r, "id,email,phone\nA,a@example.com,+15550001111\nB,b,+1\n\n"
            "C,\"c@example.com\",\"+4930123456\"");
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.stats.rows, 3);
    assert_int_equal(r.stats.lines, 5);
    assert_int_equal(r.stats.bad_emails, 1);
    assert_int_equal(r.stats.bad_phones, 1);
    run_cleanup(&r);
}

/* ----- the header alone, row lookups, raw records ---------------------- */

static int get_row(void *payload, const struct tocsin_row *row,
                   struct tocsin_error *err)
{
    struct tocsin_buf *b = payload;
    const char *v = tocsin_row_get(row, "order_status");

    (void)err;
    tocsin_buf_addf(b, "%s/%s;", v ? v : "(null)",
                    tocsin_row_get(row, "nope") ? "?" : "(null)");
    return 0;
}

static void test_audience_header_and_row_get(void **state)
{
    static const char data[] = "\xEF\xBB\xBFid,order_status,email\n"
                               "A,pending,a@example.com\nB,shipped,\n";
    char *path = write_file("hdr.csv", data, sizeof data - 1);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);
    struct tocsin_header *h = NULL;

    (void)state;
    assert_int_equal(tocsin_audience_header(&h, path, &err), 0);
    assert_int_equal(h->n, 3);
    assert_string_equal(h->names[0], "id");
    assert_string_equal(h->names[1], "order_status");
    assert_int_equal(h->known[TOCSIN_COL_ID], 0);
    assert_int_equal(h->known[TOCSIN_COL_EMAIL], 2);
    assert_true(h->known[TOCSIN_COL_PHONE] == TOCSIN_COL_NONE);
    tocsin_header_free(h);
    assert_int_equal(tocsin_audience_stream(path, NULL, get_row, &b, NULL,
                                            NULL, &err),
                     0);
    assert_string_equal(b.ptr, "pending/(null);shipped/(null);");
    tocsin_buf_cleanup(&b);
    done_file(path);
    path = write_file("hdr.csv", "name\n", 5);
    assert_int_equal(tocsin_audience_header(&h, path, &err), TOCSIN_EINPUT);
    assert_null(h);
    assert_string_equal(err.msg, "no 'id' column in the header");
    done_file(path);
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_audience_header(&h, "/nonexistent/a.csv", &err),
                     TOCSIN_EINPUT);
    assert_null(h);
    assert_non_null(strstr(err.msg, "cannot open"));
}

static int raw_log(void *payload, size_t line, const char *const *fields,
                   const size_t *lens, size_t n)
{
    struct tocsin_buf *b = payload;
    size_t i;

    tocsin_buf_addf(b, "%zu:", line);
    for (i = 0; i < n; i++)
        tocsin_buf_addf(b, "%s[%zu]", fields[i], lens[i]);
    tocsin_buf_addc(b, ';');
    return line >= 6 ? TOCSIN_EINPUT : 0;
}

static void test_csv_parse_buffer_gives_records_and_lines(void **state)
{
    static const char data[] = "a,b\r\n\"c\r\n\",\n\n\"\"\r\ne\nf\ng\n";
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_buf b = TOCSIN_BUF_INIT(0);

    (void)state;
    /* no header: records of any width; a callback can stop the parse */
    assert_int_equal(tocsin_csv_parse_buffer(data, sizeof data - 1, raw_log,
                                             &b, &err),
                     TOCSIN_EINPUT);
    assert_string_equal(b.ptr, "1:a[1]b[1];2:c\r\n[3][0];5:[0];6:e[1];");
    assert_int_equal(err.line, 6);
    tocsin_buf_cleanup(&b);
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_csv_parse_buffer("a,\"b", 4, raw_log, &b, &err),
                     TOCSIN_EINPUT);
    assert_string_equal(err.msg, "unterminated quoted field 2: it runs to "
                                 "the end of the file");
    tocsin_buf_cleanup(&b);
}

/* ----- validators ------------------------------------------------------ */

static void test_email_validator(void **state)
{
    static const char *const good[] = {
        "ana@example.com", "a.b+tag@mail.example.co.uk", "x@xn--fsq.tw",
        "\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.com", "a@b-c.io"};
    static const char *const bad[] = {
        "", "ana", "@example.com", "ana@", "ana@example", "a b@example.com",
        "a@b@example.com", "ana@example.c", "ana@-example.com",
        "ana@example-.com", "ana@exa mple.com", "ana@example..com",
        "ana@example.com.", ".ana@example.com", "an..a@example.com",
        "ana.@example.com", "<ana>@example.com", "a,b@example.com",
        "ana@1.2.3.4", "ana@[1.2.3.4]", "a\r\n@example.com",
        "ana@exam_ple.com"};
    struct tocsin_buf addr = TOCSIN_BUF_INIT(0);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(tocsin_email_valid(good[i]));
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (tocsin_email_valid(bad[i]))
            print_message("accepted '%s'\n", bad[i]);
        assert_false(tocsin_email_valid(bad[i]));
    }
    /* a local part of 64 bytes is fine, 65 is not (RFC 5321 §4.5.3.1) */
    for (i = 0; i < 64; i++)
        tocsin_buf_addc(&addr, 'a');
    tocsin_buf_adds(&addr, "@example.com");
    assert_true(tocsin_email_valid(addr.ptr));
    tocsin_buf_reset(&addr);
    for (i = 0; i < 65; i++)
        tocsin_buf_addc(&addr, 'a');
    tocsin_buf_adds(&addr, "@example.com");
    assert_false(tocsin_email_valid(addr.ptr));
    /* 254 bytes in all at most: "x@" and labels of 63, 63, 63 and 60 */
    tocsin_buf_reset(&addr);
    tocsin_buf_adds(&addr, "x@");
    for (i = 0; i < 249; i++)
        tocsin_buf_addc(&addr, i % 64 == 63 ? '.' : 'a');
    assert_int_equal(addr.len, 251);
    tocsin_buf_adds(&addr, "com");
    assert_int_equal(addr.len, 254);
    assert_true(tocsin_email_valid(addr.ptr));
    tocsin_buf_reset(&addr);
    tocsin_buf_adds(&addr, "xx@");
    for (i = 0; i < 249; i++)
        tocsin_buf_addc(&addr, i % 64 == 63 ? '.' : 'a');
    tocsin_buf_adds(&addr, "com");
    assert_false(tocsin_email_valid(addr.ptr));
    tocsin_buf_cleanup(&addr);
}

static void test_phone_validator(void **state)
{
    (void)state;
    assert_true(tocsin_phone_valid("+15550001111"));
    assert_true(tocsin_phone_valid("+88612345678"));
    assert_true(tocsin_phone_valid("+12345678"));
    assert_true(tocsin_phone_valid("+123456789012345"));
    assert_false(tocsin_phone_valid("+1234567"));
    assert_false(tocsin_phone_valid("+1234567890123456"));
    assert_false(tocsin_phone_valid("15550001111"));
    assert_false(tocsin_phone_valid("+05550001111"));
    assert_false(tocsin_phone_valid("+1 555 000 1111"));
    assert_false(tocsin_phone_valid("+1-555-000-1111"));
    assert_false(tocsin_phone_valid("+"));
    assert_false(tocsin_phone_valid(""));
}

static void test_utf8_invalid_at(void **state)
{
    static const struct {
        const char *s;
        long at;
    } cases[] = {
        {"plain ascii text, long enough for words", -1},
        {"caf\xC3\xA9 \xE5\x8F\xB0\xE7\x81\xA3 \xF0\x9F\x98\x80", -1},
        {"\xEF\xBF\xBF\xF4\x8F\xBF\xBF", -1},     /* U+FFFF, U+10FFFF */
        {"ab\xC0\xAF", 2},                        /* overlong '/' */
        {"ab\xC1\xBF", 2},                        /* overlong */
        {"\xE0\x80\xAF", 0},                      /* overlong 3-byte */
        {"xx\xF0\x80\x80\xAF", 2},                /* overlong 4-byte */
        {"12345678\xED\xA0\x80", 8},              /* surrogate D800 */
        {"\xED\xBF\xBF", 0},                      /* surrogate DFFF */
        {"\xF4\x90\x80\x80", 0},                  /* U+110000 */
        {"\xF5\x80\x80\x80", 0},
        {"abc\xFF", 3},
        {"abc\x80", 3},                           /* lone continuation */
        {"abc\xE5\x8F", 3},                       /* truncated */
        {"abc\xE5\x8Fz", 3},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(tocsin_utf8_invalid_at(cases[i].s,
                                                strlen(cases[i].s)),
                         cases[i].at);
    assert_int_equal(tocsin_utf8_invalid_at("a\0b", 3), -1);
}

static void test_stages_list(void **state)
{
    size_t n = 0;

    (void)state;
    while (tocsin_stages[n])
        n++;
    assert_int_equal(n, 9);
    assert_string_equal(tocsin_stages[0], "lost");
    assert_string_equal(tocsin_stages[4], "not_dissatisfied");
    assert_string_equal(tocsin_stages[8], "loyal");
}

#define SPECTRUM(name)                                                   \
    {                                                                    \
        "test_csv_spectrum_" #name, test_csv_spectrum_case, NULL, NULL, \
            (void *)#name                                                \
    }
#define RFC(i)                                                              \
    {                                                                       \
        "test_csv_rfc4180_example_" #i, test_csv_rfc4180_case, NULL, NULL, \
            (void *)&rfc_index[i]                                           \
    }

static const int rfc_index[7] = {0, 1, 2, 3, 4, 5, 6};

int main(void)
{
    const struct CMUnitTest tests[] = {
        SPECTRUM(comma_in_quotes),
        SPECTRUM(empty),
        SPECTRUM(empty_crlf),
        SPECTRUM(escaped_quotes),
        SPECTRUM(json),
        SPECTRUM(location_coordinates),
        SPECTRUM(newlines),
        SPECTRUM(newlines_crlf),
        SPECTRUM(quotes_and_newlines),
        SPECTRUM(simple),
        SPECTRUM(simple_crlf),
        SPECTRUM(utf8),
        RFC(0),
        RFC(1),
        RFC(2),
        RFC(3),
        RFC(4),
        RFC(5),
        RFC(6),
        cmocka_unit_test(test_csv_lines_after_multiline_quoted_fields),
        cmocka_unit_test(test_csv_lines_with_crlf),
        cmocka_unit_test(test_csv_error_line_after_crlf_multiline_field),
        cmocka_unit_test(test_csv_trailing_newline_adds_no_record),
        cmocka_unit_test(test_csv_bom_is_skipped),
        cmocka_unit_test(test_csv_partial_bom_is_invalid_utf8),
        cmocka_unit_test(test_csv_empty_file_says_header_missing),
        cmocka_unit_test(test_csv_missing_id_column),
        cmocka_unit_test(test_csv_header_names_empty_or_twice),
        cmocka_unit_test(test_csv_near_miss_columns_warn),
        cmocka_unit_test(test_csv_empty_id_is_an_error),
        cmocka_unit_test(test_csv_wrong_field_count_says_expected_and_got),
        cmocka_unit_test(test_csv_unterminated_quote_names_its_start),
        cmocka_unit_test(test_csv_text_after_closing_quote_is_an_error),
        cmocka_unit_test(test_csv_spaces_are_part_of_fields),
        cmocka_unit_test(test_csv_invalid_utf8_names_its_line),
        cmocka_unit_test(test_csv_stray_ff_after_spaces_keeps_place),
        cmocka_unit_test(test_csv_multibyte_characters_across_blocks),
        cmocka_unit_test(test_csv_invalid_utf8_at_the_64k_boundary),
        cmocka_unit_test(test_csv_nul_byte_is_an_error),
        cmocka_unit_test(test_csv_utf16_file_gets_a_hint),
        cmocka_unit_test(test_csv_ten_megabyte_field_is_an_error),
        cmocka_unit_test(test_csv_limits_on_columns_records_and_rows),
        cmocka_unit_test(test_csv_missing_file_is_an_error),
        cmocka_unit_test(test_csv_duplicate_id_names_both_lines),
        cmocka_unit_test(test_csv_duplicate_id_among_many_rows),
        cmocka_unit_test(test_csv_duplicate_id_on_stdin_names_both_lines),
        cmocka_unit_test(test_csv_duplicate_id_in_a_pipe_names_both_lines),
        cmocka_unit_test(test_csv_bad_values_warn_without_customer_data),
        cmocka_unit_test(test_csv_row_named_safely_in_warnings),
        cmocka_unit_test(test_csv_warnings_are_capped_and_counted),
        cmocka_unit_test(test_csv_row_callback_error_stops_the_stream),
        cmocka_unit_test(test_csv_stats_count_rows_and_lines),
        cmocka_unit_test(test_audience_header_and_row_get),
        cmocka_unit_test(test_csv_parse_buffer_gives_records_and_lines),
        cmocka_unit_test(test_email_validator),
        cmocka_unit_test(test_phone_validator),
        cmocka_unit_test(test_utf8_invalid_at),
        cmocka_unit_test(test_stages_list),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
