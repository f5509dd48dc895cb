/*
 * test_template.c - the Mustache-like renderer: the Mustache spec's core
 * cases read in place, then what tocsin adds (filters, escaping by part,
 * strict names, caps) and every compile error the author can meet.
 */
#include "unit.h"

#include "tocsin/locale.h"
#include "tocsin/template.h"

/* Compile 'src' as if it started at a.lua:10:5, render it with 'ctx' and
 * return the text (the caller frees it), or NULL with 'err' set. */
static char *render_ctx(const char *src, const struct tocsin_render_ctx *ctx,
                        struct tocsin_error *err)
{
    struct tocsin_tpl *t = NULL;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    char *s = NULL;

    if (tocsin_tpl_compile(&t, src, strlen(src), "a.lua", 10, 5, err))
        return NULL;
    if (!tocsin_tpl_render(&out, t, ctx, err))
        s = tocsin_buf_detach(&out, NULL);
    tocsin_buf_cleanup(&out);
    tocsin_tpl_free(t);
    return s;
}

/* Render against one JSON scope given as JSON text. */
static char *render_json(const char *src, const char *data,
                         enum tocsin_escape esc, struct tocsin_error *err)
{
    struct tocsin_render_ctx ctx;
    json_t *j = json_loads(data, JSON_DECODE_ANY, NULL);
    char *s;

    assert_non_null(j);
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = j;
    ctx.n_scopes = 1;
    ctx.escape = esc;
    s = render_ctx(src, &ctx, err);
    json_decref(j);
    return s;
}

static void assert_renders(const char *src, const char *data,
                           enum tocsin_escape esc, const char *want)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *s = render_json(src, data, esc, &err);

    if (!s)
        fail_msg("'%s' failed: %s", src, err.msg);
    assert_string_equal(s, want);
    free(s);
}

/* Compile 'src' (starting at a.lua:10:5) and expect an error. */
static void assert_compile_error(const char *src, int line, int col,
                                 const char *msg)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;

    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "a.lua", 10, 5,
                                        &err),
                     TOCSIN_EINPUT);
    assert_null(t);
    assert_string_equal(err.path, "a.lua");
    if (!strstr(err.msg, msg))
        fail_msg("'%s': got '%s', want '%s'", src, err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
}

static void run_spec(const char *file)
{
    const char *dir = unit_conformance_dir();
    char path[1024];
    json_error_t jerr;
    json_t *root, *tests, *tc;
    size_t i, n_pass = 0, n;

    if (!dir) {
        print_message("mustache spec: conformance folder absent, '%s' "
                      "skipped\n", file);
        skip();
    }
    assert_true(strlen(dir) + strlen(file) + 40 < sizeof path);
    memcpy(path, dir, strlen(dir) + 1);
    memcpy(path + strlen(path), "/mustache-spec/specs/", 22);
    memcpy(path + strlen(path), file, strlen(file) + 1);
    root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("cannot read %s: %s", path, jerr.text);
    tests = json_object_get(root, "tests");
    n = json_array_size(tests);
    assert_true(n > 0);
    json_array_foreach(tests, i, tc) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        struct tocsin_render_ctx ctx;
        struct tocsin_tpl *t = NULL;
        struct tocsin_buf out = TOCSIN_BUF_INIT(0);
        const char *name = json_string_value(json_object_get(tc, "name"));
        const char *tpl = json_string_value(json_object_get(tc, "template"));
        const char *want = json_string_value(json_object_get(tc, "expected"));

        memset(&ctx, 0, sizeof ctx);
        ctx.scopes[0].json = json_object_get(tc, "data");
        ctx.n_scopes = 1;
        ctx.escape = TOCSIN_ESC_HTML;
        if (tocsin_tpl_compile(&t, tpl, strlen(tpl), file, 1, 1, &err) ||
            tocsin_tpl_render(&out, t, &ctx, &err))
            print_message("FAIL %s '%s': %s\n", file, name, err.msg);
        else if (strcmp(out.ptr, want))
            print_message("FAIL %s '%s': got '%s', want '%s'\n", file, name,
                          out.ptr, want);
        else
            n_pass++;
        tocsin_buf_cleanup(&out);
        tocsin_tpl_free(t);
    }
    print_message("mustache spec %s: %zu/%zu cases pass\n", file, n_pass, n);
    json_decref(root);
    assert_int_equal(n_pass, n);
}

static void test_spec_interpolation(void **state)
{
    (void)state;
    run_spec("interpolation.json");
}

static void test_spec_sections(void **state)
{
    (void)state;
    run_spec("sections.json");
}

static void test_spec_inverted(void **state)
{
    (void)state;
    run_spec("inverted.json");
}

static void test_spec_comments(void **state)
{
    (void)state;
    run_spec("comments.json");
}

static void test_flat_scope_is_searched_by_name(void **state)
{
    static const char *const names[] = {"id", "first_name", "coupon"};
    static const char *const values[] = {"C1", "Ana", ""};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    json_t *params = json_pack("{s:s, s:s}", "first_name", "Params",
                               "brand", "Acme");
    char *s;

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].names = names;
    ctx.scopes[0].values = values;
    ctx.scopes[0].n = 3;
    ctx.scopes[1].json = params;
    ctx.n_scopes = 2;
    s = render_ctx("Hi {{first_name}} from {{brand}}"
                   "{{#coupon}}, code {{.}}{{/coupon}}"
                   "{{^coupon}}, no code{{/coupon}}{{#id}} ({{.}}){{/id}}",
                   &ctx, &err);
    assert_non_null(s);
    assert_string_equal(s, "Hi Ana from Acme, no code (C1)");
    free(s);
    json_decref(params);
}

static void test_json_values_print_as_written(void **state)
{
    (void)state;
    assert_renders("{{i}} {{r}} {{big}} {{neg}} {{t}} {{f}} [{{n}}] [{{o}}]",
                   "{\"i\": 85, \"r\": 1.21, \"big\": 1e21, \"neg\": -7,"
                   " \"t\": true, \"f\": false, \"n\": null, \"o\": {}}",
                   TOCSIN_ESC_NONE, "85 1.21 1e+21 -7 true false [] []");
    assert_renders("{{#zero}}zero is truthy{{/zero}}{{^e}}, empty is not"
                   "{{/e}}",
                   "{\"zero\": 0, \"e\": \"\"}", TOCSIN_ESC_NONE,
                   "zero is truthy, empty is not");
}

static void test_html_escapes_apostrophe_too(void **state)
{
    (void)state;
    assert_renders("<p title=\"{{v}}\">{{v}} {{{v}}} {{&v}}</p>",
                   "{\"v\": \"<O'Neil & \\\"Co\\\">\"}", TOCSIN_ESC_HTML,
                   "<p title=\"&lt;O&#39;Neil &amp; &quot;Co&quot;&gt;\">"
                   "&lt;O&#39;Neil &amp; &quot;Co&quot;&gt; <O'Neil & \"Co\">"
                   " <O'Neil & \"Co\"></p>");
    assert_renders("{{v}}", "{\"v\": \"<b>\"}", TOCSIN_ESC_NONE, "<b>");
}

static void test_markdown_mode_escapes_punctuation(void **state)
{
    (void)state;
    assert_renders("Hi {{v}} and *{{{v}}}*", "{\"v\": \"*Ana* [x](y)\"}",
                   TOCSIN_ESC_MARKDOWN,
                   "Hi \\*Ana\\* \\[x\\]\\(y\\) and **Ana* [x](y)*");
}

static void test_whitespace_inside_tags_and_filters(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *s;

    (void)state;
    s = render_json("{{ name | upper }}|{{name|lower}}|{{{ name|upper }}}",
                    "{\"name\": \"Ana <Li>\"}", TOCSIN_ESC_HTML, &err);
    assert_non_null(s);
    assert_string_equal(s, "ANA &lt;LI&gt;|ana &lt;li&gt;|ANA <LI>");
    free(s);
}

static void test_filters_use_the_recipient_locale(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    json_t *p = json_pack("{s:s, s:s, s:I}", "credit", "USD 20", "eta", "36h",
                          "at", (json_int_t)1795399200);
    char *s;

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = p;
    ctx.n_scopes = 1;
    ctx.locale = "zh-CN";
    ctx.tz = "Asia/Shanghai";
    s = render_ctx("{{credit|money}} {{eta|duration}} {{at|date}}", &ctx,
                   &err);
    assert_non_null(s);
    assert_string_equal(s, "US$20.00 1天12小时 2026年11月23日");
    free(s);
    ctx.locale = "en";
    ctx.tz = "America/New_York";
    s = render_ctx("{{credit|money}} {{eta|duration}} {{at|date}}", &ctx,
                   &err);
    assert_non_null(s);
    assert_string_equal(s, "$20.00 1 day, 12 hours November 22, 2026");
    free(s);
    json_decref(p);
}

static void test_filter_error_names_the_placeholder(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    char *s;

    (void)state;
    s = render_json("Hello\n  you get {{credit|money}}",
                    "{\"credit\": \"twenty dollars\"}", TOCSIN_ESC_NONE,
                    &err);
    assert_null(s);
    assert_int_equal(err.code, TOCSIN_EINPUT);
    assert_int_equal(err.line, 11);
    assert_int_equal(err.col, 11);
    assert_string_equal(err.msg, "{{credit|money}}: cannot read 'twenty "
                                 "dollars' as money");
    assert_true(strstr(err.hint, "USD 20") != NULL);
}

/* The compiler's list and the formatters in locale.c must agree, or a
 * template that compiles would fail at every render. */
static void test_every_listed_filter_formats(void **state)
{
    static const char *const sample[] = {"USD 20", "2026-11-22", "2026-11-22",
                                         "1h", "a", "A"};
    size_t i;

    (void)state;
    for (i = 0; tocsin_filter_names[i]; i++) {
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        struct tocsin_buf out = TOCSIN_BUF_INIT(0);

        assert_true(i < sizeof sample / sizeof sample[0]);
        if (tocsin_filter_apply(&out, tocsin_filter_names[i], sample[i], "en",
                                NULL, "a.lua", 1, &err))
            fail_msg("%s: %s", tocsin_filter_names[i], err.msg);
        assert_true(out.len > 0);
        tocsin_buf_cleanup(&out);
    }
    assert_int_equal(i, 6);
}

static void test_missing_value_skips_its_filter(void **state)
{
    (void)state;
    assert_renders("[{{nope|date}}][{{empty|money}}][{{n|duration}}]",
                   "{\"empty\": \"\", \"n\": null}", TOCSIN_ESC_NONE,
                   "[][][]");
}

static void test_header_never_carries_cr_lf_or_nul(void **state)
{
    static const char *const names[] = {"order_id", "name"};
    static const char *const values[] = {"A1\r\nBcc: victim@example.com",
                                         "Ana\x01\x7f\tLi\n"};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    json_t *p = json_object();
    char *s;
    size_t i;

    (void)state;
    json_object_set_new(p, "nul", json_stringn("x\0y\r\nz", 6));
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].names = names;
    ctx.scopes[0].values = values;
    ctx.scopes[0].n = 2;
    ctx.scopes[1].json = p;
    ctx.n_scopes = 2;
    ctx.escape = TOCSIN_ESC_HEADER;
    s = render_ctx("  We're sorry:\r\n order {{order_id}}\n"
                   "{{{name}}} {{&nul}} \xe2\x80\xa8 end  ", &ctx, &err);
    assert_non_null(s);
    assert_string_equal(s, "We're sorry: order A1 Bcc: victim@example.com "
                           "Ana Li x y z end");
    for (i = 0; s[i]; i++)
        assert_true((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
    free(s);
    json_decref(p);
}

static void test_header_of_100k_is_capped(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_tpl *t = NULL;
    char *big = malloc(100 * 1024 + 1);
    json_t *p;
    const char *src = "Order {{big}} is late";

    (void)state;
    memset(big, 'x', 100 * 1024);
    memset(big + 5000, '\n', 10);
    big[100 * 1024] = '\0';
    p = json_pack("{s:s}", "big", big);
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = p;
    ctx.n_scopes = 1;
    ctx.escape = TOCSIN_ESC_HEADER;
    ctx.max_len = 998;
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "a.lua", 3, 11,
                                        &err), 0);
    tocsin_buf_adds(&out, "Subject: ");
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "rendered text is longer than 998 bytes");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 17);
    /* the caller's buffer is as it was */
    assert_string_equal(out.ptr, "Subject: ");
    assert_false(tocsin_buf_failed(&out));
    /* under the default 1 MiB cap it renders, on one line */
    ctx.max_len = 0;
    tocsin_error_clear(&err);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), 0);
    assert_int_equal(out.len, 9 + 6 + 100 * 1024 - 10 + 1 + 8);
    assert_null(memchr(out.ptr, '\n', out.len));
    tocsin_buf_cleanup(&out);
    tocsin_tpl_free(t);
    json_decref(p);
    free(big);
}

static void test_output_cap_and_callers_buffer_cap(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf out = TOCSIN_BUF_INIT(16);
    struct tocsin_tpl *t = NULL;
    json_t *p = json_pack("{s:[iiiiiiiiii]}", "l", 1, 2, 3, 4, 5, 6, 7, 8, 9,
                          10);
    const char *src = "{{#l}}item {{.}};{{/l}}";

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = p;
    ctx.n_scopes = 1;
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "a.lua", 1, 1,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), TOCSIN_EINPUT);
    assert_true(strstr(err.msg, "rendered text is longer than") != NULL);
    assert_int_equal(out.len, 0);
    tocsin_buf_cleanup(&out);
    tocsin_tpl_free(t);
    json_decref(p);
}

static void test_nested_sections_over_long_lists_stop(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    json_t *l = json_array(), *p;
    struct tocsin_render_ctx ctx;
    char *s;
    int i;

    (void)state;
    for (i = 0; i < 1000; i++)
        json_array_append_new(l, json_integer(i));
    p = json_pack("{s:o}", "l", l);
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = p;
    ctx.n_scopes = 1;
    ctx.max_len = 1000;
    s = render_ctx("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}", &ctx,
                   &err);
    assert_null(s);
    assert_true(strstr(err.msg, "template does too much work") != NULL);
    json_decref(p);
}

static void test_strict_unknown_placeholder_guesses(void **state)
{
    static const char *const names[] = {"id", "first_name"};
    static const char *const values[] = {"C1", "Ana"};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_render_ctx ctx;
    json_t *p = json_pack("{s:{s:s}}", "order", "id", "A1");
    char *s;

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].names = names;
    ctx.scopes[0].values = values;
    ctx.scopes[0].n = 2;
    ctx.scopes[1].json = p;
    ctx.n_scopes = 2;
    s = render_ctx("Hi {{frist_name}}", &ctx, &err);
    assert_non_null(s);
    assert_string_equal(s, "Hi ");
    free(s);
    ctx.strict = 1;
    s = render_ctx("Hi\n {{frist_name}}", &ctx, &err);
    assert_null(s);
    assert_string_equal(err.msg, "unknown placeholder 'frist_name'; did you "
                                 "mean 'first_name'?");
    assert_int_equal(err.line, 11);
    assert_int_equal(err.col, 2);
    tocsin_error_clear(&err);
    s = render_ctx("{{order.idd}}", &ctx, &err);
    assert_null(s);
    assert_string_equal(err.msg, "unknown placeholder 'order.idd'; did you "
                                 "mean 'order.id'?");
    tocsin_error_clear(&err);
    s = render_ctx("{{#zzz}}x{{/zzz}}", &ctx, &err);
    assert_null(s);
    assert_string_equal(err.msg, "unknown placeholder 'zzz'");
    json_decref(p);
}

static void test_refs_list_every_placeholder(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;
    const char *src = "Hi {{first_name}},\n{{#items}}  {{ eta | duration }}"
                      "{{/items}}{{! no }}{{{a.b}}}{{.}}";
    const struct tocsin_tpl_ref *r;

    (void)state;
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "p.lua", 40, 12,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_n_refs(t), 5);
    r = tocsin_tpl_ref(t, 0);
    assert_string_equal(r->name, "first_name");
    assert_null(r->filter);
    assert_int_equal(r->line, 40);
    assert_int_equal(r->col, 15);
    assert_int_equal(r->section, 0);
    r = tocsin_tpl_ref(t, 1);
    assert_string_equal(r->name, "items");
    assert_int_equal(r->section, 1);
    assert_int_equal(r->line, 41);
    assert_int_equal(r->col, 1);
    r = tocsin_tpl_ref(t, 2);
    assert_string_equal(r->name, "eta");
    assert_string_equal(r->filter, "duration");
    assert_int_equal(r->col, 13);
    assert_string_equal(tocsin_tpl_ref(t, 3)->name, "a.b");
    assert_string_equal(tocsin_tpl_ref(t, 4)->name, ".");
    tocsin_tpl_free(t);
}

static void test_unknown_filter_suggests_and_points(void **state)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;
    const char *src = "line one\nWe will write by {{next|datetme}}.";

    (void)state;
    assert_compile_error(src, 11, 18,
                         "unknown filter 'datetme'; did you mean "
                         "'datetime'?");
    assert_compile_error("{{x|frobnicate}}", 10, 5,
                         "unknown filter 'frobnicate'");
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "a.lua", 10, 5,
                                        &err), TOCSIN_EINPUT);
    assert_true(strstr(err.hint, "money, date, datetime") != NULL);
}

static void test_refused_constructs(void **state)
{
    (void)state;
    assert_compile_error("a {{> footer}}", 10, 7,
                         "partials ('{{>name}}') are not supported");
    assert_compile_error("x\n{{=<% %>=}}", 11, 1,
                         "delimiter changes ('{{=...=}}') are not supported");
    assert_compile_error("{{<parent}}{{/parent}}", 10, 5,
                         "template inheritance ('{{<') is not supported");
    assert_compile_error("{{$block}}{{/block}}", 10, 5,
                         "template inheritance ('{{$') is not supported");
}

static void test_section_errors_name_the_line(void **state)
{
    (void)state;
    assert_compile_error("a\n{{#items}}\n{{/itemz}}\n", 12, 1,
                         "'{{/itemz}}' does not close '{{#items}}' (opened "
                         "at line 11)");
    assert_compile_error("a\n\n  {{^coupon}}\nno code\n", 12, 3,
                         "unclosed section '{{^coupon}}'");
    assert_compile_error("ok {{/x}}", 10, 8, "'{{/x}}' closes no section");
    assert_compile_error("{{#a|upper}}{{/a}}", 10, 5,
                         "a section cannot have a filter");
}

static void test_tag_errors_name_the_line(void **state)
{
    (void)state;
    assert_compile_error("Hi\n{{name\n", 11, 1,
                         "unclosed tag: '{{' has no '}}'");
    assert_compile_error("Hi {{name} and {{other}}", 10, 8,
                         "unclosed tag: '{{' has no '}}' before the next "
                         "'{{'");
    assert_compile_error("{{{raw}}", 10, 5, "unclosed tag: '{{{' has no "
                                            "'}}}'");
    assert_compile_error("x {{ }}", 10, 7, "empty tag");
    assert_compile_error("{{first name}}", 10, 5,
                         "invalid placeholder name 'first name'");
    assert_compile_error("{{a..b}}", 10, 5, "invalid placeholder name 'a..b'");
    assert_compile_error("{{x|upper|lower}}", 10, 5,
                         "one filter per placeholder");
    assert_compile_error("{{x|}}", 10, 5, "missing filter name after '|'");
}

static void test_columns_count_characters(void **state)
{
    (void)state;
    assert_compile_error("親愛的顧客\n您好 {{x|dat}}", 11, 4,
                         "unknown filter 'dat'; did you mean 'date'?");
    assert_compile_error("親愛的 {{x|dat}}", 10, 9, "unknown filter 'dat'");
}

static void test_invalid_utf8_is_refused(void **state)
{
    (void)state;
    assert_compile_error("ok\nbad \xc3\x28 here", 11, 5,
                         "template is not valid UTF-8");
    assert_compile_error("\xed\xa0\x80", 10, 5,
                         "template is not valid UTF-8");
}

static void test_nesting_is_bounded(void **state)
{
    struct tocsin_buf src = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;
    int i;

    (void)state;
    for (i = 0; i < 64; i++)
        tocsin_buf_adds(&src, "{{#a}}");
    for (i = 0; i < 64; i++)
        tocsin_buf_adds(&src, "{{/a}}");
    assert_int_equal(tocsin_tpl_compile(&t, src.ptr, src.len, "a.lua", 1, 1,
                                        &err), 0);
    tocsin_tpl_free(t);
    tocsin_buf_reset(&src);
    for (i = 0; i < 65; i++)
        tocsin_buf_adds(&src, "{{#a}}");
    assert_int_equal(tocsin_tpl_compile(&t, src.ptr, src.len, "a.lua", 1, 1,
                                        &err), TOCSIN_EINPUT);
    assert_string_equal(err.msg, "sections nested more than 64 deep");
    assert_int_equal(err.col, 1 + 64 * 6);
    tocsin_buf_cleanup(&src);
}

static void test_standalone_lines_with_crlf(void **state)
{
    (void)state;
    assert_renders("Hi\r\n  {{#ok}}  \r\nyes\r\n{{/ok}}\r\n{{! note }}\r\nend",
                   "{\"ok\": true}", TOCSIN_ESC_NONE, "Hi\r\nyes\r\nend");
    assert_renders("a {{#ok}}\nb{{/ok}}", "{\"ok\": true}", TOCSIN_ESC_NONE,
                   "a \nb");
}

static int teardown(void **state)
{
    (void)state;
    tocsin_locale_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_interpolation),
        cmocka_unit_test(test_spec_sections),
        cmocka_unit_test(test_spec_inverted),
        cmocka_unit_test(test_spec_comments),
        cmocka_unit_test(test_flat_scope_is_searched_by_name),
        cmocka_unit_test(test_json_values_print_as_written),
        cmocka_unit_test(test_html_escapes_apostrophe_too),
        cmocka_unit_test(test_markdown_mode_escapes_punctuation),
        cmocka_unit_test(test_whitespace_inside_tags_and_filters),
        cmocka_unit_test(test_filters_use_the_recipient_locale),
        cmocka_unit_test(test_filter_error_names_the_placeholder),
        cmocka_unit_test(test_every_listed_filter_formats),
        cmocka_unit_test(test_missing_value_skips_its_filter),
        cmocka_unit_test(test_header_never_carries_cr_lf_or_nul),
        cmocka_unit_test(test_header_of_100k_is_capped),
        cmocka_unit_test(test_output_cap_and_callers_buffer_cap),
        cmocka_unit_test(test_nested_sections_over_long_lists_stop),
        cmocka_unit_test(test_strict_unknown_placeholder_guesses),
        cmocka_unit_test(test_refs_list_every_placeholder),
        cmocka_unit_test(test_unknown_filter_suggests_and_points),
        cmocka_unit_test(test_refused_constructs),
        cmocka_unit_test(test_section_errors_name_the_line),
        cmocka_unit_test(test_tag_errors_name_the_line),
        cmocka_unit_test(test_columns_count_characters),
        cmocka_unit_test(test_invalid_utf8_is_refused),
        cmocka_unit_test(test_nesting_is_bounded),
        cmocka_unit_test(test_standalone_lines_with_crlf),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
