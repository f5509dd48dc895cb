/*
 * sandbox.c - a Lua state for files written by non-programmers.
 *
 * The playbook's environment is a fresh table filled from an allow-list:
 * the standard libraries are opened into the registry, never into that
 * table, and only the functions listed below are copied across. Lua's own
 * globals table stays unreachable. Two limits make every call finish:
 *  - a count hook takes 1,000 instructions off a budget at a time and,
 *    once the budget is spent, raises at every later hook; pcall and
 *    xpcall rethrow that error, so a playbook cannot catch its way out;
 *  - the allocator refuses to grow past the memory cap, which also stops
 *    string.rep bombs that run inside one C call the hook never sees.
 * Redis's CVE-2022-0543 came from a sandbox that left 'package' reachable;
 * tests/unit/test_sandbox.c knocks on every door.
 */
#include "sandbox_lua.h"
#include "tocsin/buf.h"
#include "tocsin/mem.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#define HOOK_STEP 1000

struct tocsin_sandbox {
    lua_State *L;
    size_t used, max, cap; /* cap: the configured limit; max may briefly
                              exceed it to report a memory error */
    long long budget, budget_max;
    int last_line;      /* a recent line of the running chunk, from the
                           count hook: memory errors skip the message
                           handler, so this is where they are reported */
    int exhausted;      /* the instruction budget ran out (sticky) */
    int over_memory;    /* the allocator refused (sticky) */
    int env_ref;
};

static const char *const base_allowed[] = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawlen", "rawset", "select", "setmetatable", "getmetatable",
    "tonumber", "tostring", "type", "xpcall", NULL};

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct tocsin_sandbox *sb = ud;
    size_t old = ptr ? osize : 0;

    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && sb->used + (nsize - old) > sb->max) {
        sb->over_memory = 1;
        return NULL;
    }
    ptr = realloc(ptr, nsize);
    if (!ptr) {
        sb->over_memory = 1;
        return NULL;
    }
    sb->used = sb->used - old + nsize;
    return ptr;
}

static struct tocsin_sandbox *self(lua_State *L)
{
    void *ud;

    lua_getallocf(L, &ud);
    return ud;
}

static void hook(lua_State *L, lua_Debug *ar)
{
    struct tocsin_sandbox *sb = self(L);

    if (lua_getinfo(L, "l", ar) && ar->currentline > 0)
        sb->last_line = ar->currentline;
    sb->budget -= HOOK_STEP;
    if (sb->budget <= 0) {
        sb->exhausted = 1;
        /* level 0 inside a hook is the running function: its line */
        luaL_where(L, 0);
        lua_pushliteral(L, "instruction budget exhausted (an endless "
                           "loop?)");
        lua_concat(L, 2);
        lua_error(L);
    }
}

/* pcall and xpcall that cannot swallow the sandbox's own limits. */
static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    struct tocsin_sandbox *sb = self(L);

    if (status != LUA_OK && status != LUA_YIELD) {
        if (sb->exhausted || sb->over_memory)
            return lua_error(L); /* rethrow the message on top */
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int sb_pcall(lua_State *L)
{
    struct tocsin_sandbox *sb = self(L);
    int status;

    luaL_checkany(L, 1);
    if (sb->exhausted)
        return luaL_error(L, "instruction budget exhausted (an endless "
                             "loop?)");
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0,
                        finish_pcall);
    return finish_pcall(L, status, 0);
}

static int sb_xpcall(lua_State *L)
{
    struct tocsin_sandbox *sb = self(L);
    int n = lua_gettop(L), status;

    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (sb->exhausted)
        return luaL_error(L, "instruction budget exhausted (an endless "
                             "loop?)");
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "count");

    if (strcmp(opt, "count"))
        return luaL_error(L, "collectgarbage('%s') is not allowed in a "
                             "playbook (only 'count')", opt);
    lua_pushnumber(L, (lua_Number)self(L)->used / 1024.0);
    return 1;
}

/* string.rep that refuses, with the caller's line, a result larger than
 * the memory left: one C call the count hook cannot interrupt. */
static int sb_rep(lua_State *L)
{
    struct tocsin_sandbox *sb = self(L);
    size_t l, lsep;
    lua_Integer n = luaL_checkinteger(L, 2);
    const char *s = luaL_checklstring(L, 1, &l);
    double total;

    (void)s;
    luaL_optlstring(L, 3, "", &lsep);
    total = n > 0 ? ((double)l + (double)lsep) * (double)n : 0;
    if (total > (double)(sb->max - sb->used))
        return luaL_error(L, "string.rep of %I bytes exceeds the memory "
                             "limit of %d MiB", (lua_Integer)total,
                          (int)(sb->cap >> 20));
    lua_getfield(L, lua_upvalueindex(1), "rep");
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* load(chunk [, name]): text only, always into the sandbox's environment,
 * whatever mode or env the caller asks for. */
static int sb_load(lua_State *L)
{
    struct tocsin_sandbox *sb = self(L);
    size_t len;
    const char *s, *name;

    if (!lua_isstring(L, 1))
        return luaL_error(L, "load accepts only a string of Lua text in a "
                             "playbook");
    s = lua_tolstring(L, 1, &len);
    name = luaL_optstring(L, 2, "=(load)");
    if (len && s[0] == LUA_SIGNATURE[0]) {
        lua_pushnil(L);
        lua_pushstring(L, "binary chunks are not allowed in a playbook");
        return 2;
    }
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

/* A read-only copy of library 'lib' (already open in the registry's
 * loaded table) with only the listed functions, or all but 'except'. */
static void copy_lib(lua_State *L, const char *lib, lua_CFunction open,
                     const char *const *only, const char *except)
{
    luaL_requiref(L, lib, open, 0);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2)
                                                       : NULL;
        int keep = k != NULL;

        if (keep && only) {
            size_t i;

            keep = 0;
            for (i = 0; only[i]; i++)
                if (!strcmp(k, only[i]))
                    keep = 1;
        }
        if (keep && except && !strcmp(k, except))
            keep = 0;
        if (keep) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, -4);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_remove(L, -2);
}

int tocsin_sandbox_new(struct tocsin_sandbox **out,
                       const struct tocsin_sandbox_limits *limits,
                       struct tocsin_error *err)
{
    static const struct tocsin_sandbox_limits defaults =
        TOCSIN_SANDBOX_LIMITS_INIT;
    static const char *const os_allowed[] = {"time", "date", "clock", NULL};
    struct tocsin_sandbox *sb = tocsin_xcalloc(1, sizeof *sb);
    lua_State *L;
    size_t i;

    if (!limits)
        limits = &defaults;
    sb->max = limits->memory_max ? limits->memory_max : defaults.memory_max;
    sb->cap = sb->max;
    sb->budget_max = limits->instructions > 0 ? limits->instructions
                                              : defaults.instructions;
    sb->budget = sb->budget_max;
    L = lua_newstate(l_alloc, sb);
    if (!L) {
        free(sb);
        return tocsin_error_set(err, TOCSIN_ERUNTIME, NULL, 0,
                                "cannot create a Lua state");
    }
    sb->L = L;
    lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_STEP);

    lua_newtable(L); /* the environment */
    luaL_requiref(L, "_G", luaopen_base, 0);
    for (i = 0; base_allowed[i]; i++) {
        lua_getfield(L, -1, base_allowed[i]);
        lua_setfield(L, -3, base_allowed[i]);
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, sb_pcall);
    lua_setfield(L, -2, "pcall");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, -2, "xpcall");
    lua_pushcfunction(L, sb_collectgarbage);
    lua_setfield(L, -2, "collectgarbage");
    lua_pushcfunction(L, sb_load);
    lua_setfield(L, -2, "load");
    lua_pushliteral(L, LUA_VERSION);
    lua_setfield(L, -2, "_VERSION");

    copy_lib(L, LUA_STRLIBNAME, luaopen_string, NULL, "dump");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, LUA_STRLIBNAME);
    lua_remove(L, -2);
    lua_pushcclosure(L, sb_rep, 1);
    lua_setfield(L, -2, "rep");
    /* strings index this copy, not the real library (which has dump), and
     * their shared metatable is protected from getmetatable */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "the string metatable is protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_setfield(L, -2, "string");
    copy_lib(L, LUA_TABLIBNAME, luaopen_table, NULL, NULL);
    lua_setfield(L, -2, "table");
    copy_lib(L, LUA_MATHLIBNAME, luaopen_math, NULL, NULL);
    lua_setfield(L, -2, "math");
    copy_lib(L, LUA_UTF8LIBNAME, luaopen_utf8, NULL, NULL);
    lua_setfield(L, -2, "utf8");
    copy_lib(L, LUA_OSLIBNAME, luaopen_os, os_allowed, NULL);
    lua_setfield(L, -2, "os");
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    sb->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    /* the trusted DSL half needs debug.getinfo for line numbers: it lives
     * in the registry's loaded table, never in the environment */
    luaL_requiref(L, LUA_DBLIBNAME, luaopen_debug, 0);
    lua_pop(L, 1);
    *out = sb;
    return 0;
}

void tocsin_sandbox_free(struct tocsin_sandbox *sb)
{
    if (!sb)
        return;
    lua_close(sb->L);
    free(sb);
}

size_t tocsin_sandbox_memory(const struct tocsin_sandbox *sb)
{
    return sb->used;
}

lua_State *tocsin_sandbox_state(struct tocsin_sandbox *sb)
{
    return sb->L;
}

void tocsin_sandbox_push_env(struct tocsin_sandbox *sb)
{
    lua_rawgeti(sb->L, LUA_REGISTRYINDEX, sb->env_ref);
}

/* Does 'prefix' (n bytes) name 'path' as Lua's short_src would: the path
 * itself, or "..." and its tail when the path is long? */
static int names_path(const char *prefix, size_t n, const char *path)
{
    size_t pl = strlen(path);

    if (n == pl && !strncmp(prefix, path, n))
        return 1;
    return n > 3 && !strncmp(prefix, "...", 3) && pl >= n - 3 &&
           !strncmp(path + pl - (n - 3), prefix + 3, n - 3);
}

void tocsin_sandbox_error(struct tocsin_error *err, const char *msg,
                          const char *path)
{
    const char *p = msg, *colon = strchr(msg, ':');
    long line = 0;

    /* "path:12: message" - Lua names the chunk "@path" as "path" */
    while (path && colon && colon - msg < 400) {
        char *end;

        line = strtol(colon + 1, &end, 10);
        if (end != colon + 1 && *end == ':' &&
            names_path(msg, (size_t)(colon - msg), path)) {
            p = end + 1;
            while (*p == ' ')
                p++;
            break;
        }
        line = 0;
        colon = strchr(colon + 1, ':');
    }
    tocsin_error_set(err, TOCSIN_EINPUT, path, (int)line, "%s", p);
}

/* The message handler: runs where the error happened, before the stack
 * unwinds, so it can add the file and line to messages that have none (a
 * memory error raised inside string.rep, say). */
static int add_position(lua_State *L)
{
    struct tocsin_sandbox *sb = self(L);
    lua_Debug ar;
    int level;

    if (!lua_isstring(L, 1)) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_isstring(L, -1))
            return 1;
        lua_pushfstring(L, "(error object is a %s value)",
                        luaL_typename(L, 1));
        return 1;
    }
    /* room to build the message even at the memory cap */
    if (sb->over_memory)
        sb->max += (size_t)1 << 20;
    for (level = 0; level < 20 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            const char *m = lua_tostring(L, 1);
            size_t n = strlen(ar.short_src);

            if (strncmp(m, ar.short_src, n) || m[n] != ':')
                lua_pushfstring(L, "%s:%d: %s", ar.short_src,
                                ar.currentline, m);
            else
                lua_pushvalue(L, 1);
            return 1;
        }
    }
    lua_pushvalue(L, 1);
    return 1;
}

int tocsin_sandbox_call(struct tocsin_sandbox *sb, int nargs, int nresults,
                        const char *path, struct tocsin_error *err)
{
    lua_State *L = sb->L;
    int base = lua_gettop(L) - nargs, status;

    sb->budget = sb->budget_max;
    sb->exhausted = 0;
    sb->over_memory = 0;
    sb->last_line = 0;
    lua_pushcfunction(L, add_position);
    lua_insert(L, base);
    status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    if (status == LUA_OK)
        return 0;
    if (sb->over_memory || status == LUA_ERRMEM) {
        struct tocsin_error where = TOCSIN_ERROR_INIT;
        const char *lm = lua_tostring(L, -1);

        tocsin_sandbox_error(&where, lm ? lm : "", path);
        if (!where.line)
            where.line = sb->last_line;
        tocsin_error_set(err, TOCSIN_EINPUT, path, where.line,
                         "memory limit of %zu MiB exceeded", sb->cap >> 20);
        tocsin_error_hint(err, "a playbook declares; it should not build "
                               "large strings or tables");
    } else {
        const char *msg = lua_tostring(L, -1);

        tocsin_sandbox_error(err, msg ? msg : "unknown Lua error", path);
    }
    lua_pop(L, 1);
    sb->over_memory = 0;
    sb->exhausted = 0;
    sb->max = sb->cap;
    lua_gc(L, LUA_GCCOLLECT);
    return TOCSIN_EINPUT;
}

int tocsin_sandbox_load(struct tocsin_sandbox *sb, const char *src,
                        size_t len, const char *path, int env_index,
                        struct tocsin_error *err)
{
    lua_State *L = sb->L;
    struct tocsin_buf name = TOCSIN_BUF_INIT(0);
    int status;

    if (len && src[0] == LUA_SIGNATURE[0])
        return tocsin_error_set(err, TOCSIN_EINPUT, path, 1,
                                "binary chunks are not allowed: a playbook "
                                "is Lua text");
    tocsin_buf_addf(&name, "@%s", path);
    sb->over_memory = 0;
    status = luaL_loadbufferx(L, src, len, name.ptr, "t");
    tocsin_buf_cleanup(&name);
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);

        if (status == LUA_ERRMEM || sb->over_memory)
            tocsin_error_set(err, TOCSIN_EINPUT, path, 0,
                             "memory limit exceeded while reading the file");
        else
            tocsin_sandbox_error(err, msg ? msg : "cannot load", path);
        lua_pop(L, 1);
        return TOCSIN_EINPUT;
    }
    if (env_index)
        lua_pushvalue(L, env_index);
    else
        lua_rawgeti(L, LUA_REGISTRYINDEX, sb->env_ref);
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 0;
}

int tocsin_sandbox_run(struct tocsin_sandbox *sb, const char *src, size_t len,
                       const char *path, struct tocsin_error *err)
{
    int rc;

    if ((rc = tocsin_sandbox_load(sb, src, len, path, 0, err)))
        return rc;
    return tocsin_sandbox_call(sb, 0, 0, path, err);
}
