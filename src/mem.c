/*
 * mem.c - aborting allocators. Out of memory is not an error a user can
 * act on; the journal's transactions make dying safe.
 */
#include "tocsin/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t n)
{
    fprintf(stderr, "tocsin: fatal: out of memory allocating %zu bytes\n", n);
    abort();
}

void *tocsin_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        die_oom(n);
    return p;
}

void *tocsin_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        die_oom(n * size);
    return p;
}

void *tocsin_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        die_oom(n);
    return q;
}

void *tocsin_xreallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        die_oom(SIZE_MAX);
    return tocsin_xrealloc(p, n * size);
}

char *tocsin_xstrdup(const char *s)
{
    return tocsin_xmemdup(s, strlen(s) + 1);
}

char *tocsin_xstrndup(const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX)
        die_oom(n);
    p = tocsin_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void *tocsin_xmemdup(const void *p, size_t n)
{
    void *q = tocsin_xmalloc(n);

    if (n)
        memcpy(q, p, n);
    return q;
}

void tocsin_strv_free(char **v, size_t n)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
