/*
 * fuzz_template.c - compile any bytes as a template, and render what
 * compiles in every escaping mode against a JSON scope and a flat scope.
 */
#include <string.h>

#include <jansson.h>

#include "tocsin/template.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const char *names[] = {"a", "b", "first_name"};
    static const char *values[] = {"x<y>", "", "Ana\r\nBcc: z"};
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    struct tocsin_tpl *t = NULL;
    struct tocsin_render_ctx ctx;
    json_t *j = json_pack("{s:[i,s,{s:s}],s:b,s:s,s:s}", "list", 1, "two",
                          "c", "d", "t", 1, "eta", "1h30m", "money", "USD 5");
    int e;

    if (tocsin_tpl_compile(&t, (const char *)data, size, "fuzz", 1, 1,
                           &err)) {
        json_decref(j);
        return 0;
    }
    memset(&ctx, 0, sizeof ctx);
    ctx.scopes[0].names = names;
    ctx.scopes[0].values = values;
    ctx.scopes[0].n = 3;
    ctx.scopes[1].json = j;
    ctx.n_scopes = 2;
    ctx.locale = "zh-TW";
    ctx.tz = "Asia/Taipei";
    ctx.max_len = 1 << 16;
    for (e = 0; e < 4; e++) {
        struct tocsin_buf out = TOCSIN_BUF_INIT(0);

        ctx.escape = (enum tocsin_escape)e;
        ctx.strict = e & 1;
        tocsin_error_clear(&err);
        tocsin_tpl_render(&out, t, &ctx, &err);
        tocsin_buf_cleanup(&out);
    }
    tocsin_tpl_free(t);
    json_decref(j);
    return 0;
}
