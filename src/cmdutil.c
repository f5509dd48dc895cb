/*
 * cmdutil.c - what several commands share: finding the workspace, loading
 * config and playbook with their findings, parsing --set, and printing
 * findings as JSON for editors.
 */
#include "cmd.h"
#include "tocsin/mem.h"
#include "tocsin/playbook.h"
#include "tocsin/render.h"
#include "tocsin/workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int tocsin_cli_load_config(struct tocsin_loaded *l, struct tocsin_cli *cli,
                           int optional)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int rc;

    memset(l, 0, sizeof *l);
    tocsin_diags_init(&l->diags);
    rc = tocsin_workspace_open(&l->ws, cli->workspace, &err);
    if (rc && !(optional && !cli->workspace))
        return tocsin_cli_error(cli, &err);
    tocsin_error_clear(&err);
    rc = tocsin_config_load(&l->cfg, l->ws ? l->ws->config_path : NULL,
                            &l->diags, &err);
    if (rc == TOCSIN_ERUNTIME || (rc && !l->diags.n_errors))
        return tocsin_cli_error(cli, &err);
    return rc;
}

int tocsin_cli_load_playbook(struct tocsin_loaded *l, const char *arg,
                             const struct tocsin_param_set *sets,
                             size_t n_sets, const char *const *columns,
                             size_t n_columns, struct tocsin_error *err)
{
    struct tocsin_buf path = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = tocsin_workspace_playbook(&path, l->ws, arg, err)))
        goto out;
    rc = tocsin_playbook_load(&l->pb, path.ptr, l->cfg, sets, n_sets,
                              &l->diags, err);
    if (rc == TOCSIN_EINPUT && !err->code && !l->diags.n_errors)
        rc = tocsin_error_set(err, TOCSIN_EINPUT, path.ptr, 0,
                              "invalid playbook");
    if (rc)
        goto out;
    if (tocsin_render_compile(l->pb, &l->diags) ||
        tocsin_render_check_names(l->pb, columns, n_columns, &l->diags))
        rc = TOCSIN_EINPUT;
out:
    tocsin_buf_cleanup(&path);
    return rc;
}

void tocsin_loaded_cleanup(struct tocsin_loaded *l)
{
    tocsin_playbook_free(l->pb);
    tocsin_config_free(l->cfg);
    tocsin_workspace_free(l->ws);
    tocsin_diags_cleanup(&l->diags);
    memset(l, 0, sizeof *l);
}

int tocsin_cli_parse_set(struct tocsin_param_set *out, const char *cmd,
                         const char *arg)
{
    const char *eq = strchr(arg, '=');

    if (!eq || eq == arg)
        return tocsin_cli_usage(cmd, "--set wants KEY=VALUE, got '%s'", arg);
    /* the key is the part before '='; keep argv's memory, cut a copy */
    out->key = tocsin_xstrndup(arg, (size_t)(eq - arg));
    out->value = eq + 1;
    return 0;
}

void tocsin_cli_diags_json(const struct tocsin_diags *d)
{
    json_t *doc = json_object(), *arr = json_array();
    size_t i;
    char *s;

    for (i = 0; i < d->n; i++) {
        const struct tocsin_diag *x = &d->items[i];
        json_t *o = json_object();

        json_object_set_new(o, "file", json_string(x->path));
        json_object_set_new(o, "line", json_integer(x->line));
        json_object_set_new(o, "column", json_integer(x->col));
        json_object_set_new(o, "severity",
                            json_string(x->severity == TOCSIN_SEV_ERROR
                                            ? "error"
                                        : x->severity == TOCSIN_SEV_WARNING
                                            ? "warning"
                                            : "note"));
        json_object_set_new(o, "rule", json_string(x->rule));
        json_object_set_new(o, "message", json_string(x->msg));
        if (x->hint[0])
            json_object_set_new(o, "hint", json_string(x->hint));
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "diagnostics", arr);
    json_object_set_new(doc, "errors", json_integer((json_int_t)d->n_errors));
    json_object_set_new(doc, "warnings",
                        json_integer((json_int_t)d->n_warnings));
    s = json_dumps(doc, JSON_INDENT(2));
    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(doc);
}
