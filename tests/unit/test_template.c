/*
 * test_template.c - the template engine: the Mustache spec's core suites
 * read in place, tocsin's escaping modes, filters and compile errors.
 */
#include "unit.h"

#include <jansson.h>

#include "tocsin/locale.h"
#include "tocsin/template.h"

static int render_json(struct tocsin_buf *out, const char *src,
                       const json_t *data, enum tocsin_escape esc,
                       struct tocsin_error *err)
{
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    int rc;

    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = data;
    ctx.n_scopes = 1;
    ctx.escape = esc;
    ctx.locale = "en";
    ctx.tz = "UTC";
    if ((rc = tocsin_tpl_compile(&t, src, strlen(src), "t.lua", 10, 5, err)))
        return rc;
    rc = tocsin_tpl_render(out, t, &ctx, err);
    tocsin_tpl_free(t);
    return rc;
}

static void run_spec(const char *dir, const char *name, size_t *pass,
                     size_t *total)
{
    char path[4096];
    json_t *doc, *tests;
    size_t i;

    snprintf(path, sizeof path, "%s/mustache-spec/specs/%s.json", dir, name);
    doc = json_load_file(path, 0, NULL);
    assert_non_null(doc);
    tests = json_object_get(doc, "tests");
    for (i = 0; i < json_array_size(tests); i++) {
        json_t *c = json_array_get(tests, i);
        const char *tpl = json_string_value(json_object_get(c, "template"));
        const char *want = json_string_value(json_object_get(c, "expected"));
        struct tocsin_buf out = TOCSIN_BUF_INIT(0);
        struct tocsin_error err = TOCSIN_ERROR_INIT;
        int rc = render_json(&out, tpl, json_object_get(c, "data"),
                             TOCSIN_ESC_HTML, &err);

        (*total)++;
        if (!rc && !strcmp(out.ptr, want))
            (*pass)++;
        else
            print_error("mustache %s / %s: got [%s] want [%s] %s\n", name,
                        json_string_value(json_object_get(c, "name")),
                        out.ptr, want, err.msg);
        tocsin_buf_cleanup(&out);
    }
    json_decref(doc);
}

static void test_mustache_spec_core_suites(void **state)
{
    const char *dir = unit_conformance_dir();
    const char *suites[] = {"interpolation", "sections", "inverted",
                            "comments"};
    size_t pass = 0, total = 0, i;

    (void)state;
    if (!dir)
        skip();
    for (i = 0; i < 4; i++)
        run_spec(dir, suites[i], &pass, &total);
    printf("# mustache-spec: %zu/%zu cases pass\n", pass, total);
    assert_int_equal(total, 110);
    assert_int_equal(pass, total);
}

static void test_flat_scope_and_empty_is_falsey(void **state)
{
    const char *names[] = {"first_name", "coupon"};
    const char *values[] = {"Ana", ""};
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *src = "Hi {{first_name}}{{#coupon}}, code {{coupon}}{{/coupon}}"
                      "{{^coupon}}!{{/coupon}}";

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].names = names;
    ctx.scopes[0].values = values;
    ctx.scopes[0].n = 2;
    ctx.n_scopes = 1;
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "p", 1, 1,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), 0);
    assert_string_equal(out.ptr, "Hi Ana!");
    assert_int_equal(tocsin_tpl_n_refs(t), 4);
    tocsin_tpl_free(t);
    tocsin_buf_cleanup(&out);
}

static void test_header_mode_folds_and_strips_controls(void **state)
{
    json_t *d = json_pack("{s:s}", "id", "A-1\r\nBcc: victim@example.com\x01");
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    assert_int_equal(render_json(&out, "  Order\n {{id}}  late ", d,
                                 TOCSIN_ESC_HEADER, &err), 0);
    assert_string_equal(out.ptr, "Order A-1 Bcc: victim@example.com late");
    assert_null(strchr(out.ptr, '\r'));
    json_decref(d);
    tocsin_buf_cleanup(&out);
}

static void test_markdown_mode_escapes_data(void **state)
{
    json_t *d = json_pack("{s:s}", "n", "[x](javascript:alert(1)) *b*");
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    assert_int_equal(render_json(&out, "Hi {{n}}", d, TOCSIN_ESC_MARKDOWN,
                                 &err), 0);
    assert_string_equal(out.ptr,
                        "Hi \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*b\\*");
    json_decref(d);
    tocsin_buf_cleanup(&out);
}

static void test_filters_localize(void **state)
{
    json_t *d = json_pack("{s:s,s:s,s:s}", "eta", "36h", "credit", "USD 20",
                          "when", "2026-11-22T21:00:00Z");
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    const char *src = "{{eta|duration}}|{{credit|money}}|{{when|date}}|"
                      "{{ when | datetime }}|{{credit|lower}}";

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = d;
    ctx.n_scopes = 1;
    ctx.locale = "en";
    ctx.tz = "America/New_York";
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "p", 1, 1,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), 0);
    assert_non_null(strstr(out.ptr, "1 day, 12 hours|$20.00|"
                                    "November 22, 2026|"));
    assert_non_null(strstr(out.ptr, "4:00 PM")); /* 21:00Z in New York */
    assert_null(strstr(out.ptr, "\xe2\x80\xaf")); /* no narrow NBSP */
    assert_non_null(strstr(out.ptr, "usd 20"));
    tocsin_buf_reset(&out);
    ctx.locale = "zh-TW";
    ctx.tz = "Asia/Taipei";
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), 0);
    /* CLDR's zh unit patterns put a space around the number */
    assert_non_null(strstr(out.ptr, "1 天 12 小時"));
    assert_non_null(strstr(out.ptr, "2026年11月23日")); /* next day in Taipei */
    tocsin_buf_reset(&out);
    ctx.locale = "zh-CN";
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), 0);
    if (!strstr(out.ptr, "12 小时") && !strstr(out.ptr, "12小时"))
        fail_msg("zh-CN: %s", out.ptr);
    tocsin_tpl_free(t);
    json_decref(d);
    tocsin_buf_cleanup(&out);
}

static void test_bad_filter_value_names_the_line(void **state)
{
    json_t *d = json_pack("{s:s}", "credit", "twenty");
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    assert_int_equal(render_json(&out, "a\n\nb {{credit|money}}", d,
                                 TOCSIN_ESC_NONE, &err), TOCSIN_EINPUT);
    assert_int_equal(err.line, 12);
    assert_non_null(strstr(err.msg, "money"));
    json_decref(d);
    tocsin_buf_cleanup(&out);
}

static void expect_compile_error(const char *src, int line, const char *what,
                                 const char *hint)
{
    struct tocsin_tpl *t = NULL;
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "p.lua", 10, 5,
                                        &err), TOCSIN_EINPUT);
    if (err.line != line || !strstr(err.msg, what) ||
        (hint && !strstr(err.hint, hint)))
        fail_msg("want %d '%s' '%s', got %d '%s' '%s'", line, what,
                 hint ? hint : "", err.line, err.msg, err.hint);
}

static void test_compile_errors_point_at_the_tag(void **state)
{
    (void)state;
    expect_compile_error("a\nb {{when|datetme}}", 11, "unknown filter",
                         "did you mean 'datetime'?");
    expect_compile_error("a\n{{#x}}\nb", 11, "never closed", NULL);
    expect_compile_error("{{#x}}\n\n{{/y}}", 12, "does not close", "'{{#x}}'");
    expect_compile_error("x {{/y}}", 10, "closes no section", NULL);
    expect_compile_error("x\n{{> part}}", 11, "partials", NULL);
    expect_compile_error("{{=<% %>=}}", 10, "delimiter", NULL);
    expect_compile_error("x {{y", 10, "unclosed tag", NULL);
    expect_compile_error("{{}}", 10, "empty placeholder", NULL);
}

static void test_strict_unknown_name_hints(void **state)
{
    json_t *d = json_pack("{s:s}", "order_id", "A-1");
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = d;
    ctx.n_scopes = 1;
    ctx.strict = 1;
    assert_int_equal(tocsin_tpl_compile(&t, "x\n{{ordr_id}}", 13, "p", 3, 1,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), TOCSIN_EINPUT);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.hint, "did you mean 'order_id'?");
    tocsin_tpl_free(t);
    json_decref(d);
    tocsin_buf_cleanup(&out);
}

static void test_output_cap(void **state)
{
    json_t *d = json_pack("{s:[iiiiiiiiii]}", "l", 1, 2, 3, 4, 5, 6, 7, 8, 9,
                          10);
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    struct tocsin_buf out = TOCSIN_BUF_INIT(0);
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    const char *src = "{{#l}}0123456789{{/l}}";

    (void)state;
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].json = d;
    ctx.n_scopes = 1;
    ctx.max_len = 50;
    assert_int_equal(tocsin_tpl_compile(&t, src, strlen(src), "p", 1, 1,
                                        &err), 0);
    assert_int_equal(tocsin_tpl_render(&out, t, &ctx, &err), TOCSIN_EINPUT);
    assert_non_null(strstr(err.msg, "longer than"));
    tocsin_tpl_free(t);
    json_decref(d);
    tocsin_buf_cleanup(&out);
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
        cmocka_unit_test(test_mustache_spec_core_suites),
        cmocka_unit_test(test_flat_scope_and_empty_is_falsey),
        cmocka_unit_test(test_header_mode_folds_and_strips_controls),
        cmocka_unit_test(test_markdown_mode_escapes_data),
        cmocka_unit_test(test_filters_localize),
        cmocka_unit_test(test_bad_filter_value_names_the_line),
        cmocka_unit_test(test_compile_errors_point_at_the_tag),
        cmocka_unit_test(test_strict_unknown_name_hints),
        cmocka_unit_test(test_output_cap),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
