/*
 * buf.c - growable strings with a cap and a sticky failure flag.
 */
#include "tocsin/buf.h"
#include "tocsin/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char tocsin_buf_empty[1];

void tocsin_buf_init(struct tocsin_buf *b, size_t max)
{
    b->ptr = tocsin_buf_empty;
    b->len = b->cap = 0;
    b->max = max;
    b->failed = 0;
}

void tocsin_buf_cleanup(struct tocsin_buf *b)
{
    if (b->cap)
        free(b->ptr);
    tocsin_buf_init(b, b->max);
}

void tocsin_buf_reset(struct tocsin_buf *b)
{
    b->len = 0;
    b->ptr[0] = '\0';
    b->failed = 0;
}

char *tocsin_buf_detach(struct tocsin_buf *b, size_t *len_out)
{
    char *p = b->cap ? b->ptr : tocsin_xstrdup("");

    if (len_out)
        *len_out = b->len;
    tocsin_buf_init(b, b->max);
    return p;
}

static int grow(struct tocsin_buf *b, size_t extra)
{
    size_t max = b->max ? b->max : TOCSIN_BUF_MAX_DEFAULT, want, cap;

    if (b->failed)
        return -1;
    if (extra > max || b->len > max - extra) {
        b->failed = 1;
        return -1;
    }
    want = b->len + extra + 1;
    if (want <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > ((size_t)-1) / 2 ? want : cap * 2;
    if (b->cap) {
        b->ptr = tocsin_xrealloc(b->ptr, cap);
    } else {
        b->ptr = tocsin_xmalloc(cap);
        b->ptr[0] = '\0';
    }
    b->cap = cap;
    return 0;
}

void tocsin_buf_add(struct tocsin_buf *b, const void *p, size_t n)
{
    /* the common case - room already, under the cap - without a call */
    if (!(b->cap && n < b->cap - b->len && !b->failed &&
          (!b->max || b->len + n <= b->max)) &&
        grow(b, n))
        return;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void tocsin_buf_adds(struct tocsin_buf *b, const char *s)
{
    tocsin_buf_add(b, s, strlen(s));
}

void tocsin_buf_addc(struct tocsin_buf *b, char c)
{
    if (!(b->cap && b->len + 1 < b->cap && !b->failed &&
          (!b->max || b->len + 1 <= b->max)) &&
        grow(b, 1))
        return;
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}

void tocsin_buf_vaddf(struct tocsin_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    if (b->failed)
        return;
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || grow(b, (size_t)n))
        return;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void tocsin_buf_addf(struct tocsin_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tocsin_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void tocsin_buf_truncate(struct tocsin_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->ptr[len] = '\0';
    }
}

void tocsin_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if (!cap)
        return;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
}
