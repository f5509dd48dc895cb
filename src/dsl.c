/*
 * dsl.c - running tocsin.lua and playbooks, and turning what they declared
 * into the C structs of config.h and playbook.h.
 *
 * The user's file runs in the sandbox's environment, where lua/dsl.lua
 * (embedded, trusted, in an environment of its own) has installed the
 * DSL's words. Data crosses once: after the file ran, dsl.lua hands back
 * plain tables and this file copies every field out. Only 'where'
 * functions stay in Lua, as registry references, and
 * tocsin_playbook_match() calls them per audience row.
 */
#include "sandbox_lua.h"
#include "embedded.h"
#include "lualoc.h"
#include "tocsin/audience.h"
#include "tocsin/clock.h"
#include "tocsin/locale.h"
#include "tocsin/mem.h"
#include "tocsin/playbook.h"
#include "tocsin/workspace.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

/* ----- helpers the trusted DSL half calls ------------------------------ */

static int h_duration(lua_State *L)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    int64_t s;

    if (tocsin_duration_parse(&s, luaL_checkstring(L, 1), NULL, 0, &err)) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)s);
    return 1;
}

static int h_rate(lua_State *L)
{
    struct tocsin_error err = TOCSIN_ERROR_INIT;
    double r;

    if (tocsin_rate_parse(&r, luaL_checkstring(L, 1), NULL, 0, &err)) {
        lua_pushnil(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushnumber(L, r);
    return 1;
}

static int h_money(lua_State *L)
{
    char code[4];
    double amount;

    if (tocsin_money_parse(code, &amount, luaL_checkstring(L, 1), NULL, 0,
                           NULL))
        return 0;
    lua_pushnumber(L, amount);
    return 1;
}

static int h_time(lua_State *L)
{
    int64_t t;

    if (tocsin_time_parse(&t, luaL_checkstring(L, 1), NULL))
        return 0;
    lua_pushinteger(L, (lua_Integer)t);
    return 1;
}

static int h_range(lua_State *L)
{
    int a, b;

    if (tocsin_clock_range_parse(&a, &b, luaL_checkstring(L, 1), NULL, 0,
                                 NULL))
        return 0;
    lua_pushboolean(L, 1);
    return 1;
}

static int h_locale(lua_State *L)
{
    lua_pushboolean(L, tocsin_locale_valid(luaL_checkstring(L, 1)));
    return 1;
}

static int h_timezone(lua_State *L)
{
    lua_pushboolean(L, tocsin_tz_valid(luaL_checkstring(L, 1)));
    return 1;
}

static int h_guess(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *v[256];
    size_t n = 0;
    const char *g;

    luaL_checktype(L, 2, LUA_TTABLE);
    while (n < 256) {
        lua_rawgeti(L, 2, (lua_Integer)n + 1);
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        v[n++] = lua_tostring(L, -1); /* stays alive in the table */
        lua_pop(L, 1);
    }
    g = tocsin_did_you_mean(name, v, n);
    if (!g)
        return 0;
    lua_pushstring(L, g);
    return 1;
}

static const luaL_Reg helpers[] = {
    {"duration", h_duration}, {"rate", h_rate},       {"money", h_money},
    {"time", h_time},         {"range", h_range},     {"locale", h_locale},
    {"timezone", h_timezone}, {"guess", h_guess},     {NULL, NULL}};

/* Push the DSL module (lua/dsl.lua's table). [-0, +1, e] */
static int push_module(struct tocsin_sandbox *sb, struct tocsin_error *err)
{
    lua_State *L = tocsin_sandbox_state(sb);
    const struct tocsin_embedded *e = tocsin_embedded_find("lua/dsl.lua");
    int env;

    if (!e)
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "the DSL (lua/dsl.lua) is not built in");
    /* the trusted environment: the real globals, debug, and the helpers */
    lua_newtable(L);
    env = lua_gettop(L);
    lua_newtable(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, env);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    {
        static const char *const libs[] = {"debug", "string", "table",
                                           "math", "utf8", "os", NULL};
        size_t i;

        for (i = 0; libs[i]; i++) {
            lua_getfield(L, -1, libs[i]);
            lua_setfield(L, env, libs[i]);
        }
    }
    lua_pop(L, 1);
    luaL_newlib(L, helpers);
    lua_setfield(L, env, "tocsin");
    if (tocsin_sandbox_load(sb, (const char *)e->data, e->len, "lua/dsl.lua",
                            env, err)) {
        lua_pop(L, 1);
        return TOCSIN_ERUNTIME;
    }
    lua_remove(L, env);
    if (tocsin_sandbox_call(sb, 0, 1, "lua/dsl.lua", err)) {
        err->code = TOCSIN_ERUNTIME;
        return TOCSIN_ERUNTIME;
    }
    return 0;
}

/* ----- reading the result tables --------------------------------------- */

static char *field_str(lua_State *L, int t, const char *k)
{
    char *s = NULL;

    lua_getfield(L, t, k);
    if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
        s = tocsin_xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
    return s;
}

static double field_num(lua_State *L, int t, const char *k, double dflt)
{
    double v = dflt;

    lua_getfield(L, t, k);
    if (lua_type(L, -1) == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static int field_bool(lua_State *L, int t, const char *k, int dflt)
{
    int v = dflt;

    lua_getfield(L, t, k);
    if (lua_type(L, -1) == LUA_TBOOLEAN)
        v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* A list of strings at t[k]. */
static char **field_strv(lua_State *L, int t, const char *k, size_t *n_out)
{
    char **v = NULL;
    size_t n = 0, i, len;

    lua_getfield(L, t, k);
    if (lua_istable(L, -1)) {
        len = (size_t)lua_rawlen(L, -1);
        v = tocsin_xcalloc(len + 1, sizeof *v);
        for (i = 1; i <= len; i++) {
            lua_rawgeti(L, -1, (lua_Integer)i);
            if (lua_isstring(L, -1))
                v[n++] = tocsin_xstrdup(lua_tostring(L, -1));
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    *n_out = n;
    return v;
}

/* Push t[k] if it is a table, returning its length; else push nothing and
 * return -1. */
static int open_list(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return -1;
    }
    return (int)lua_rawlen(L, -1);
}

static void findings_to_diags(lua_State *L, int res, const char *path,
                              struct tocsin_diags *d)
{
    int n = open_list(L, res, "findings"), i;

    for (i = 1; i <= n; i++) {
        char *msg, *hint;
        int line;

        lua_rawgeti(L, -1, i);
        msg = field_str(L, -1, "msg");
        hint = field_str(L, -1, "hint");
        line = (int)field_num(L, -1, "line", 0);
        tocsin_diags_add(d, TOCSIN_SEV_ERROR, path, line, 0, NULL, hint, "%s",
                         msg ? msg : "invalid");
        free(msg);
        free(hint);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
}

/* Run the user's file with the DSL installed. Leaves the result table on
 * the stack. The file's own Lua error, if any, is one more finding. */
static int run_file(struct tocsin_sandbox *sb, const char *kind,
                    const char *path, const char *src, size_t len,
                    void (*fill_ctx)(lua_State *L, int ctx, void *payload),
                    void *payload, struct tocsin_diags *diags,
                    struct tocsin_error *err)
{
    lua_State *L = tocsin_sandbox_state(sb);
    struct tocsin_error ferr = TOCSIN_ERROR_INIT;
    int mod, ctx, failed = 0, rc;

    if ((rc = push_module(sb, err)))
        return rc;
    mod = lua_gettop(L);
    lua_newtable(L);
    ctx = lua_gettop(L);
    lua_pushstring(L, kind);
    lua_setfield(L, ctx, "kind");
    lua_pushstring(L, path);
    lua_setfield(L, ctx, "path");
    if (fill_ctx)
        fill_ctx(L, ctx, payload);
    lua_getfield(L, mod, "install");
    tocsin_sandbox_push_env(sb);
    lua_pushvalue(L, ctx);
    if (tocsin_sandbox_call(sb, 2, 0, "lua/dsl.lua", err)) {
        err->code = TOCSIN_ERUNTIME;
        return TOCSIN_ERUNTIME;
    }
    if (tocsin_sandbox_run(sb, src, len, path, &ferr)) {
        failed = 1;
        tocsin_diags_add_error(diags, &ferr);
    }
    lua_getfield(L, mod, "finish");
    lua_pushvalue(L, ctx);
    lua_pushboolean(L, failed);
    if (tocsin_sandbox_call(sb, 2, 1, "lua/dsl.lua", err)) {
        err->code = TOCSIN_ERUNTIME;
        return TOCSIN_ERUNTIME;
    }
    lua_remove(L, ctx);
    lua_remove(L, mod);
    findings_to_diags(L, lua_gettop(L), path, diags);
    return failed ? TOCSIN_EINPUT : 0;
}

static int read_source(struct tocsin_buf *src, const char *path,
                       struct tocsin_error *err)
{
    int rc = tocsin_read_file(src, path, (size_t)16 << 20, err);

    if (rc && err)
        err->code = TOCSIN_ERUNTIME;
    return rc;
}

/* ----- config ---------------------------------------------------------- */

static void config_defaults(struct tocsin_config *cfg)
{
    if (!cfg->brand.name)
        cfg->brand.name = tocsin_xstrdup("Our store");
    if (!cfg->brand.timezone)
        cfg->brand.timezone = tocsin_xstrdup("UTC");
    if (!cfg->brand.n_locales) {
        tocsin_strv_free(cfg->brand.locales, 0);
        cfg->brand.locales = tocsin_xcalloc(2, sizeof(char *));
        cfg->brand.locales[0] = tocsin_xstrdup("en");
        cfg->brand.n_locales = 1;
    }
    if (!cfg->lua_memory_max)
        cfg->lua_memory_max = (long long)256 << 20;
    if (!cfg->lua_instructions)
        cfg->lua_instructions = 10000000LL;
}

static void read_config(struct tocsin_config *cfg, lua_State *L, int res)
{
    int n, i, j;

    lua_getfield(L, res, "brand");
    if (lua_istable(L, -1)) {
        int b = lua_gettop(L);

        cfg->brand.name = field_str(L, b, "name");
        cfg->brand.support_url = field_str(L, b, "support_url");
        cfg->brand.status_url = field_str(L, b, "status_url");
        cfg->brand.email_from = field_str(L, b, "email_from");
        cfg->brand.timezone = field_str(L, b, "timezone");
        cfg->brand.locales = field_strv(L, b, "locales",
                                        &cfg->brand.n_locales);
        cfg->brand.line = (int)field_num(L, b, "line", 0);
    }
    lua_pop(L, 1);
    n = open_list(L, res, "channels");
    if (n > 0)
        cfg->channels = tocsin_xcalloc((size_t)n, sizeof *cfg->channels);
    for (i = 1; i <= n; i++) {
        struct tocsin_channel_cfg *c = &cfg->channels[cfg->n_channels++];
        int m;

        lua_rawgeti(L, -1, i);
        c->name = field_str(L, -1, "name");
        c->provider = field_str(L, -1, "provider");
        c->line = (int)field_num(L, -1, "line", 0);
        m = open_list(L, -1, "opts");
        if (m > 0)
            c->opts = tocsin_xcalloc((size_t)m, sizeof *c->opts);
        for (j = 1; j <= m; j++) {
            struct tocsin_opt *o = &c->opts[c->n_opts++];

            lua_rawgeti(L, -1, j);
            o->key = field_str(L, -1, "key");
            o->value = field_str(L, -1, "value");
            o->env_name = field_str(L, -1, "env");
            o->line = (int)field_num(L, -1, "line", 0);
            lua_pop(L, 1);
        }
        if (m >= 0)
            lua_pop(L, 1);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
    n = open_list(L, res, "roles");
    if (n > 0)
        cfg->roles = tocsin_xcalloc((size_t)n, sizeof *cfg->roles);
    for (i = 1; i <= n; i++) {
        struct tocsin_role *r = &cfg->roles[cfg->n_roles++];

        lua_rawgeti(L, -1, i);
        r->name = field_str(L, -1, "name");
        r->members = field_strv(L, -1, "members", &r->n_members);
        r->line = (int)field_num(L, -1, "line", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
    lua_getfield(L, res, "settings");
    if (lua_istable(L, -1)) {
        int s = lua_gettop(L);

        cfg->committer = field_str(L, s, "committer");
        cfg->page_dir = field_str(L, s, "page_dir");
        cfg->lua_memory_max = (long long)field_num(L, s, "lua_memory", 0);
        cfg->lua_instructions =
            (long long)field_num(L, s, "lua_instructions", 0);
        cfg->audit_fsync = field_bool(L, s, "audit_fsync", 0);
    }
    lua_pop(L, 1);
}

int tocsin_config_load(struct tocsin_config **out, const char *path,
                       struct tocsin_diags *diags, struct tocsin_error *err)
{
    struct tocsin_config *cfg = tocsin_xcalloc(1, sizeof *cfg);
    struct tocsin_buf src = TOCSIN_BUF_INIT(0);
    struct tocsin_sandbox *sb = NULL;
    size_t before = diags->n_errors;
    int rc = 0;

    cfg->path = tocsin_xstrdup(path ? path : "");
    if (!path)
        goto done;
    if ((rc = read_source(&src, path, err)))
        goto out;
    if ((rc = tocsin_sandbox_new(&sb, NULL, err)))
        goto out;
    rc = run_file(sb, "config", path, src.ptr, src.len, NULL, NULL, diags,
                  err);
    if (rc == TOCSIN_ERUNTIME)
        goto out;
    read_config(cfg, tocsin_sandbox_state(sb), -1);
    rc = diags->n_errors > before ? TOCSIN_EINPUT : 0;
done:
    config_defaults(cfg);
    *out = cfg;
    cfg = NULL;
out:
    tocsin_sandbox_free(sb);
    tocsin_buf_cleanup(&src);
    tocsin_config_free(cfg);
    return rc;
}

/* ----- playbook -------------------------------------------------------- */

struct pb_ctx {
    const struct tocsin_config *cfg;
    const struct tocsin_param_set *sets;
    size_t n_sets;
};

static void fill_playbook_ctx(lua_State *L, int ctx, void *payload)
{
    const struct pb_ctx *c = payload;
    size_t i;

    lua_newtable(L);
    for (i = 0; i < c->n_sets; i++) {
        lua_pushstring(L, c->sets[i].value);
        lua_setfield(L, -2, c->sets[i].key);
    }
    lua_setfield(L, ctx, "sets");
    lua_newtable(L);
    for (i = 0; c->cfg && i < c->cfg->n_roles; i++) {
        lua_pushstring(L, c->cfg->roles[i].name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, ctx, "roles");
    lua_newtable(L);
    for (i = 0; c->cfg && i < c->cfg->n_channels; i++) {
        lua_pushstring(L, c->cfg->channels[i].name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, ctx, "channel_names");
}

static void read_staffing(struct tocsin_staffing *st, lua_State *L, int res)
{
    int n, i;

    lua_getfield(L, res, "staffing");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    res = lua_gettop(L);
    st->present = 1;
    st->line = (int)field_num(L, res, "line", 0);
    st->interval_s = (int64_t)field_num(L, res, "interval_s", 1800);
    st->horizon_s = (int64_t)field_num(L, res, "horizon_s", 72 * 3600);
    st->shrinkage = field_num(L, res, "shrinkage", 0.30);
    st->max_occupancy = field_num(L, res, "max_occupancy", 0.85);
    st->response_rate = field_num(L, res, "rate", 0.1);
    st->peak_after_s = (int64_t)field_num(L, res, "peak_after_s", 3600);
    st->half_life_s = (int64_t)field_num(L, res, "half_life_s", 6 * 3600);
    st->surge_lead_s = (int64_t)field_num(L, res, "surge_lead_s", 1800);
    st->surge_channel = field_str(L, res, "surge_channel");
    st->surge_template = field_str(L, res, "surge_template");
    n = open_list(L, res, "baseline");
    if (n > 0) {
        st->baseline_channels = tocsin_xcalloc((size_t)n, sizeof(char *));
        st->baseline_agents = tocsin_xcalloc((size_t)n, sizeof(double));
    }
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        st->baseline_channels[st->n_baseline] = field_str(L, -1, "channel");
        st->baseline_agents[st->n_baseline++] = field_num(L, -1, "agents", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
    n = open_list(L, res, "surge_max");
    if (n > 0) {
        st->surge_max_channels = tocsin_xcalloc((size_t)n, sizeof(char *));
        st->surge_max_agents = tocsin_xcalloc((size_t)n, sizeof(double));
    }
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        st->surge_max_channels[st->n_surge_max] = field_str(L, -1, "channel");
        st->surge_max_agents[st->n_surge_max++] = field_num(L, -1, "agents",
                                                            0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
    n = open_list(L, res, "mix");
    if (n > 0)
        st->mix = tocsin_xcalloc((size_t)n, sizeof *st->mix);
    for (i = 1; i <= n; i++) {
        struct tocsin_mix *m = &st->mix[st->n_mix++];

        lua_rawgeti(L, -1, i);
        m->channel = field_str(L, -1, "channel");
        m->share = field_num(L, -1, "share", 0);
        m->aht_s = (int64_t)field_num(L, -1, "aht_s", 0);
        m->target_sl = field_num(L, -1, "target_sl", 0);
        m->target_s = (int64_t)field_num(L, -1, "target_s", 0);
        m->concurrency = (int)field_num(L, -1, "concurrency", 1);
        m->reply_within_s = (int64_t)field_num(L, -1, "reply_within_s", 0);
        m->line = (int)field_num(L, -1, "line", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
    lua_pop(L, 1);
}

static enum tocsin_param_kind param_kind(const char *k)
{
    static const char *const names[] = {"string", "number", "integer",
                                        "bool", "duration", "money",
                                        "datetime", "choice"};
    size_t i;

    for (i = 0; k && i < 8; i++)
        if (!strcmp(k, names[i]))
            return (enum tocsin_param_kind)i;
    return TOCSIN_PARAM_STRING;
}

static void read_waves(struct tocsin_playbook *pb, lua_State *L, int res)
{
    int n = open_list(L, res, "waves"), i;

    if (n > 0)
        pb->waves = tocsin_xcalloc((size_t)n, sizeof *pb->waves);
    for (i = 1; i <= n; i++) {
        struct tocsin_wave *w = &pb->waves[pb->n_waves];
        char *kind, *pace;

        lua_rawgeti(L, -1, i);
        w->index = (int)pb->n_waves++;
        w->name = field_str(L, -1, "name");
        kind = field_str(L, -1, "kind");
        w->kind = kind && !strcmp(kind, "every") ? TOCSIN_WAVE_EVERY
                  : kind && !strcmp(kind, "on")  ? TOCSIN_WAVE_ON
                                                 : TOCSIN_WAVE_AT;
        free(kind);
        w->at_s = (int64_t)field_num(L, -1, "at_s", 0);
        w->every_s = (int64_t)field_num(L, -1, "every_s", 0);
        w->until_event = field_str(L, -1, "until_event");
        w->on_event = field_str(L, -1, "on_event");
        w->after_s = (int64_t)field_num(L, -1, "after_s", 0);
        w->audience = field_str(L, -1, "audience");
        w->channels = field_strv(L, -1, "channels", &w->n_channels);
        w->first = field_bool(L, -1, "first", 0);
        w->template_name = field_str(L, -1, "template");
        w->approval = field_str(L, -1, "approval");
        w->compensation = field_str(L, -1, "compensation");
        pace = field_str(L, -1, "pace");
        w->pace = pace && !strcmp(pace, "auto")   ? TOCSIN_PACE_AUTO
                  : pace && !strcmp(pace, "rate") ? TOCSIN_PACE_RATE
                                                  : TOCSIN_PACE_NONE;
        free(pace);
        w->pace_per_s = field_num(L, -1, "pace_per_s", 0);
        w->quiet_hours = field_bool(L, -1, "quiet_hours", 1);
        w->sms_segments = (int)field_num(L, -1, "segments", 3);
        w->line = (int)field_num(L, -1, "line", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);
}

static void read_templates(struct tocsin_playbook *pb, lua_State *L, int res,
                           const struct tocsin_lualoc *loc,
                           struct tocsin_diags *diags)
{
    int n = open_list(L, res, "templates"), i, j, k;
    size_t d;

    if (n > 0)
        pb->templates = tocsin_xcalloc((size_t)n, sizeof *pb->templates);
    for (i = 1; i <= n; i++) {
        struct tocsin_template_def *t = &pb->templates[pb->n_templates++];
        int nl;

        lua_rawgeti(L, -1, i);
        t->name = field_str(L, -1, "name");
        t->line = (int)field_num(L, -1, "line", 0);
        nl = open_list(L, -1, "locales");
        if (nl > 0)
            t->locales = tocsin_xcalloc((size_t)nl, sizeof *t->locales);
        for (j = 1; j <= nl; j++) {
            struct tocsin_template_locale *l = &t->locales[t->n_locales++];
            int np;

            lua_rawgeti(L, -1, j);
            l->locale = field_str(L, -1, "locale");
            l->line = t->line;
            np = open_list(L, -1, "parts");
            if (np > 0)
                l->parts = tocsin_xcalloc((size_t)np, sizeof *l->parts);
            for (k = 1; k <= np; k++) {
                struct tocsin_template_part *p = &l->parts[l->n_parts++];
                const struct tocsin_lualoc_str *s;

                lua_rawgeti(L, -1, k);
                p->name = field_str(L, -1, "name");
                p->source = field_str(L, -1, "source");
                if (!p->source)
                    p->source = tocsin_xstrdup("");
                s = tocsin_lualoc_find(loc, "template", t->name, l->locale,
                                       p->name);
                p->line = s ? s->line : t->line;
                p->col = s ? s->col : 0;
                p->long_string = s ? s->long_string : 0;
                if (s && (!l->line || l->line == t->line))
                    l->line = s->line;
                lua_pop(L, 1);
            }
            if (np >= 0)
                lua_pop(L, 1);
            lua_pop(L, 1);
        }
        if (nl >= 0)
            lua_pop(L, 1);
        lua_pop(L, 1);
        /* "-- tocsin-lint: disable RULE: REASON" inside its braces */
        for (d = 0; d < loc->n_disables; d++) {
            const struct tocsin_lualoc_disable *x = &loc->disables[d];
            size_t wl = strlen("template\x1f");

            if (strncmp(x->decl, "template\x1f", wl) ||
                strcmp(x->decl + wl, t->name))
                continue;
            if (!x->reason) {
                tocsin_diags_add(diags, TOCSIN_SEV_ERROR, pb->path, x->line,
                                 0, NULL, "write: -- tocsin-lint: disable "
                                          "RULE: why it does not apply",
                                 "disabling '%s' needs a reason", x->rule);
                continue;
            }
            t->disabled_rules = tocsin_xreallocarray(
                t->disabled_rules, t->n_disabled + 1, sizeof(char *));
            t->disabled_reasons = tocsin_xreallocarray(
                t->disabled_reasons, t->n_disabled + 1, sizeof(char *));
            t->disabled_rules[t->n_disabled] = tocsin_xstrdup(x->rule);
            t->disabled_reasons[t->n_disabled++] = tocsin_xstrdup(x->reason);
        }
    }
    if (n >= 0)
        lua_pop(L, 1);
}

static void read_playbook(struct tocsin_playbook *pb, lua_State *L, int res,
                          const struct tocsin_lualoc *loc,
                          struct tocsin_diags *diags)
{
    int n, i;

    lua_getfield(L, res, "playbook");
    if (lua_istable(L, -1)) {
        int p = lua_gettop(L);
        const char *k;

        pb->id = field_str(L, p, "id");
        pb->title = field_str(L, p, "title");
        pb->summary = field_str(L, p, "summary");
        pb->line = (int)field_num(L, p, "line", 0);
        pb->jurisdictions = field_strv(L, p, "jurisdictions",
                                       &pb->n_jurisdictions);
        lua_getfield(L, p, "sample");
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                k = lua_tostring(L, -2);
                if (k && lua_isstring(L, -1))
                    json_object_set_new(pb->sample, k,
                                        json_string(lua_tostring(L, -1)));
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);

    n = open_list(L, res, "params");
    if (n > 0)
        pb->params = tocsin_xcalloc((size_t)n, sizeof *pb->params);
    for (i = 1; i <= n; i++) {
        struct tocsin_param *p = &pb->params[pb->n_params++];
        char *kind;

        lua_rawgeti(L, -1, i);
        p->name = field_str(L, -1, "name");
        kind = field_str(L, -1, "kind");
        p->kind = param_kind(kind);
        free(kind);
        p->default_value = field_str(L, -1, "default");
        p->value = field_str(L, -1, "value");
        p->doc = field_str(L, -1, "doc");
        p->choices = field_strv(L, -1, "choices", &p->n_choices);
        p->line = (int)field_num(L, -1, "line", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);

    n = open_list(L, res, "audiences");
    if (n > 0)
        pb->audiences = tocsin_xcalloc((size_t)n, sizeof *pb->audiences);
    for (i = 1; i <= n; i++) {
        struct tocsin_audience_def *a = &pb->audiences[pb->n_audiences++];

        lua_rawgeti(L, -1, i);
        a->name = field_str(L, -1, "name");
        a->doc = field_str(L, -1, "doc");
        a->line = (int)field_num(L, -1, "line", 0);
        lua_getfield(L, -1, "where");
        a->where_ref = lua_isfunction(L, -1)
                           ? luaL_ref(L, LUA_REGISTRYINDEX)
                           : (lua_pop(L, 1), -2);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);

    n = open_list(L, res, "compensations");
    if (n > 0)
        pb->compensations = tocsin_xcalloc((size_t)n,
                                           sizeof *pb->compensations);
    for (i = 1; i <= n; i++) {
        struct tocsin_compensation *c =
            &pb->compensations[pb->n_compensations++];

        lua_rawgeti(L, -1, i);
        c->name = field_str(L, -1, "name");
        c->kind = field_str(L, -1, "kind");
        c->amount = field_str(L, -1, "amount");
        c->codes_path = field_str(L, -1, "codes");
        c->doc = field_str(L, -1, "doc");
        c->line = (int)field_num(L, -1, "line", 0);
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);

    n = open_list(L, res, "deadlines");
    if (n > 0)
        pb->deadlines = tocsin_xcalloc((size_t)n, sizeof *pb->deadlines);
    for (i = 1; i <= n; i++) {
        struct tocsin_deadline *d = &pb->deadlines[pb->n_deadlines++];

        lua_rawgeti(L, -1, i);
        d->name = field_str(L, -1, "name");
        d->within_s = (int64_t)field_num(L, -1, "within_s", 0);
        d->from = field_str(L, -1, "from");
        d->wave = field_str(L, -1, "wave");
        d->line = (int)field_num(L, -1, "line", 0);
        if (!d->from)
            d->from = tocsin_xstrdup("open");
        if (!d->wave)
            d->wave = tocsin_xstrdup("");
        lua_pop(L, 1);
    }
    if (n >= 0)
        lua_pop(L, 1);

    read_staffing(&pb->staffing, L, res);
    read_waves(pb, L, res);
    read_templates(pb, L, res, loc, diags);
}

int tocsin_playbook_load_source(struct tocsin_playbook **out,
                                const char *path, const char *source,
                                size_t len, const struct tocsin_config *cfg,
                                const struct tocsin_param_set *sets,
                                size_t n_sets, struct tocsin_diags *diags,
                                struct tocsin_error *err)
{
    struct tocsin_playbook *pb = tocsin_xcalloc(1, sizeof *pb);
    struct tocsin_sandbox_limits lim = TOCSIN_SANDBOX_LIMITS_INIT;
    struct tocsin_lualoc *loc = NULL;
    struct pb_ctx ctx = {cfg, sets, n_sets};
    size_t before = diags->n_errors;
    lua_State *L;
    int rc;

    pb->path = tocsin_xstrdup(path);
    pb->sample = json_object();
    if (cfg && cfg->lua_memory_max)
        lim.memory_max = (size_t)cfg->lua_memory_max;
    if (cfg && cfg->lua_instructions)
        lim.instructions = cfg->lua_instructions;
    if ((rc = tocsin_sandbox_new(&pb->sb, &lim, err)))
        goto out;
    rc = run_file(pb->sb, "playbook", path, source, len, fill_playbook_ctx,
                  &ctx, diags, err);
    if (rc == TOCSIN_ERUNTIME)
        goto out;
    L = tocsin_sandbox_state(pb->sb);
    loc = tocsin_lualoc_scan(source, len);
    read_playbook(pb, L, lua_gettop(L), loc, diags);
    lua_pop(L, 1);
    pb->source = tocsin_xmemdup(source, len + 1);
    pb->source[len] = '\0';
    pb->source_len = len;
    rc = diags->n_errors > before ? TOCSIN_EINPUT : 0;
    *out = pb;
    pb = NULL;
out:
    tocsin_lualoc_free(loc);
    tocsin_playbook_free(pb);
    return rc;
}

int tocsin_playbook_load(struct tocsin_playbook **out, const char *path,
                         const struct tocsin_config *cfg,
                         const struct tocsin_param_set *sets, size_t n_sets,
                         struct tocsin_diags *diags, struct tocsin_error *err)
{
    struct tocsin_buf src = TOCSIN_BUF_INIT(0);
    int rc;

    if ((rc = read_source(&src, path, err)))
        goto out;
    rc = tocsin_playbook_load_source(out, path, src.ptr, src.len, cfg, sets,
                                     n_sets, diags, err);
out:
    tocsin_buf_cleanup(&src);
    return rc;
}

/* ----- where, per row -------------------------------------------------- */

/* Rows reach 'where' as one read-only view table whose fields are looked up
 * in the current C row on demand, so a rule that reads two columns costs two
 * lookups, not a table of every column per row (a million rows in the plan
 * budget). The view is only valid during the call; keeping it in a global
 * and reading it later sees a later row. */
struct row_view {
    const struct tocsin_row *row;
    const struct tocsin_header *hdr; /* the header 'index' was built for */
};

static int view_index(lua_State *L)
{
    struct row_view *v = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer i;

    if (!v->row)
        return 0;
    /* upvalue 2 maps column name -> 1-based index */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNUMBER)
        return 0;
    i = lua_tointeger(L, -1) - 1;
    if (i < 0 || (size_t)i >= v->row->hdr->n || !v->row->lens[i])
        return 0; /* empty columns are nil */
    lua_pushlstring(L, v->row->fields[i], v->row->lens[i]);
    return 1;
}

static int view_newindex(lua_State *L)
{
    return luaL_error(L, "the audience row is read-only");
}

static int view_next(lua_State *L)
{
    struct row_view *v = lua_touserdata(L, lua_upvalueindex(1));
    size_t i = 0;

    if (!v->row)
        return 0;
    if (!lua_isnil(L, 2)) {
        const char *k = lua_tostring(L, 2);

        for (i = 0; i < v->row->hdr->n; i++)
            if (k && !strcmp(v->row->hdr->names[i], k))
                break;
        i++;
    }
    for (; i < v->row->hdr->n; i++)
        if (v->row->lens[i]) {
            lua_pushstring(L, v->row->hdr->names[i]);
            lua_pushlstring(L, v->row->fields[i], v->row->lens[i]);
            return 2;
        }
    return 0;
}

static int view_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, view_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Push the view (creating it once per playbook) pointing at 'row'. */
static void push_view(lua_State *L, const struct tocsin_row *row)
{
    struct row_view *v;
    size_t c;

    if (lua_getfield(L, LUA_REGISTRYINDEX, "tocsin.row_view") ==
        LUA_TTABLE) {
        lua_getmetatable(L, -1);
        lua_getfield(L, -1, "__state");
        v = lua_touserdata(L, -1);
        lua_pop(L, 2);
    } else {
        lua_pop(L, 1);
        lua_newtable(L);                          /* the view */
        lua_newtable(L);                          /* its metatable */
        v = lua_newuserdatauv(L, sizeof *v, 0);
        memset(v, 0, sizeof *v);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, "__state");
        lua_newtable(L);                          /* name -> index */
        lua_pushvalue(L, -1);
        lua_setfield(L, -4, "__names");
        lua_pushcclosure(L, view_index, 2);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, view_newindex);
        lua_setfield(L, -2, "__newindex");
        lua_getfield(L, -1, "__state");
        lua_pushcclosure(L, view_pairs, 1);
        lua_setfield(L, -2, "__pairs");
        lua_pushliteral(L, "audience row");
        lua_setfield(L, -2, "__metatable");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "tocsin.row_view");
    }
    if (v->hdr != row->hdr) {
        /* a new header: rebuild the name map */
        lua_getmetatable(L, -1);
        lua_getfield(L, -1, "__names");
        for (c = 0; c < row->hdr->n; c++) {
            lua_pushinteger(L, (lua_Integer)c + 1);
            lua_setfield(L, -2, row->hdr->names[c]);
        }
        lua_pop(L, 2);
        v->hdr = row->hdr;
    }
    v->row = row;
}

int tocsin_playbook_match(uint64_t *out, struct tocsin_playbook *pb,
                          const struct tocsin_row *row,
                          struct tocsin_error *err)
{
    lua_State *L = tocsin_sandbox_state(pb->sb);
    size_t i;
    int top = lua_gettop(L), view = 0;

    *out = 0;
    for (i = 0; i < pb->n_audiences && i < 64; i++) {
        const struct tocsin_audience_def *a = &pb->audiences[i];

        if (a->where_ref == -2) {
            *out |= (uint64_t)1 << i;
            continue;
        }
        if (!view) {
            push_view(L, row);
            view = lua_gettop(L);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, a->where_ref);
        lua_pushvalue(L, view);
        if (tocsin_sandbox_call(pb->sb, 1, 1, pb->path, err)) {
            tocsin_error_prefix(err, "audience '%s': where failed on the "
                                     "audience row at line %zu", a->name,
                                row->line);
            lua_settop(L, top);
            return TOCSIN_EINPUT;
        }
        if (lua_toboolean(L, -1))
            *out |= (uint64_t)1 << i;
        lua_pop(L, 1);
    }
    lua_settop(L, top);
    return 0;
}
