/*
 * sandbox.h - a Lua state for data written by non-programmers.
 *
 * The environment is built from an allow-list (DESIGN §4), never
 * luaL_openlibs minus deletions: no io, no os beyond time/date/clock, no
 * package/require, load only of text chunks into the sandbox's own
 * environment, no string.dump, no debug, collectgarbage only "count", and the
 * shared string metatable is read-only. A count hook gives each call an
 * instruction budget that keeps raising once exhausted (pcall cannot swallow
 * it); a custom allocator caps memory. Both fail with a clear error.
 *
 * Only sandbox.c and dsl.c include lua.h; to everyone else this is opaque.
 */
#ifndef TOCSIN_SANDBOX_H
#define TOCSIN_SANDBOX_H

#include <stddef.h>

#include "tocsin/error.h"

struct tocsin_sandbox;

struct tocsin_sandbox_limits {
    size_t memory_max;        /* bytes; default 256 MiB */
    long long instructions;   /* per call; default 10,000,000 */
};
#define TOCSIN_SANDBOX_LIMITS_INIT {(size_t)256 << 20, 10000000LL}

/* Make a fresh sandbox. Aborts only on out-of-memory of the host. */
int tocsin_sandbox_new(struct tocsin_sandbox **out,
                       const struct tocsin_sandbox_limits *limits,
                       struct tocsin_error *err);
void tocsin_sandbox_free(struct tocsin_sandbox *sb);

/* Run the text chunk 'src' (named "@path", so Lua's messages carry
 * file:line) in the sandbox's environment under the limits. A syntax error,
 * a runtime error, the budget or the memory cap is TOCSIN_EINPUT with
 * err->path and err->line taken from the Lua message. Binary chunks are
 * refused. */
int tocsin_sandbox_run(struct tocsin_sandbox *sb, const char *src, size_t len,
                       const char *path, struct tocsin_error *err);

/* Bytes currently allocated by the state. */
size_t tocsin_sandbox_memory(const struct tocsin_sandbox *sb);

#endif
