/*
 * sandbox_lua.h - the sandbox's Lua side, for dsl.c (and lint.c) only.
 * Everyone else sees struct tocsin_sandbox as opaque (sandbox.h).
 */
#ifndef TOCSIN_SANDBOX_LUA_H
#define TOCSIN_SANDBOX_LUA_H

#include <lua.h>

#include "tocsin/sandbox.h"

/* The state. Borrowed for the sandbox's life. */
lua_State *tocsin_sandbox_state(struct tocsin_sandbox *sb);

/* Push the sandbox's environment table (the playbook's globals).
 * [-0, +1, -] */
void tocsin_sandbox_push_env(struct tocsin_sandbox *sb);

/* Call the function below 'nargs' arguments on the stack under a fresh
 * instruction budget and the memory cap, like lua_pcall with 'nresults'.
 * On failure the stack is as lua_pcall leaves it minus the message, and
 * 'err' holds TOCSIN_EINPUT with the file and line taken from the Lua
 * message ('path' when the message names none). */
int tocsin_sandbox_call(struct tocsin_sandbox *sb, int nargs, int nresults,
                        const char *path, struct tocsin_error *err);

/* Load 'src' as a text chunk named "@path" whose _ENV is 'env_index'
 * (an absolute stack index of a table; 0 for the sandbox env), leaving the
 * function on the stack. Binary chunks are refused. [-0, +1, -] on success,
 * [-0, +0, -] on failure. */
int tocsin_sandbox_load(struct tocsin_sandbox *sb, const char *src,
                        size_t len, const char *path, int env_index,
                        struct tocsin_error *err);

/* Turn a Lua error message into 'err' (file:line when it has them). */
void tocsin_sandbox_error(struct tocsin_error *err, const char *msg,
                          const char *path);

#endif
