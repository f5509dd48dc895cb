/*
 * mem.h - allocation that does not fail.
 *
 * These abort on out-of-memory (redis's zmalloc, git's xmalloc): the journal
 * is transactional, so dying loses nothing, and callers stay simple. The Lua
 * memory cap is a user error and lives in sandbox.c, not here.
 * Sizes are overflow-checked before allocating.
 */
#ifndef TOCSIN_MEM_H
#define TOCSIN_MEM_H

#include <stddef.h>

void *tocsin_xmalloc(size_t n);
void *tocsin_xcalloc(size_t n, size_t size);
void *tocsin_xrealloc(void *p, size_t n);
void *tocsin_xreallocarray(void *p, size_t n, size_t size);
char *tocsin_xstrdup(const char *s);
char *tocsin_xstrndup(const char *s, size_t n);
void *tocsin_xmemdup(const void *p, size_t n);

/* Free every string of a NULL-terminated or counted array, then the array. */
void tocsin_strv_free(char **v, size_t n);

#endif
