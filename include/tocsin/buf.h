/*
 * buf.h - the one growable string.
 *
 * Invariants (git's strbuf, curl's dynbuf, SQLite's StrAccum):
 *  - 'ptr' is never NULL and always NUL-terminated, even when empty;
 *  - 'max' caps the length (0 means TOCSIN_BUF_MAX_DEFAULT); an append that
 *    would exceed it sets 'failed' and is dropped whole;
 *  - failure is sticky: once failed, appends do nothing, so code appends
 *    freely and checks tocsin_buf_failed() once.
 * Memory exhaustion aborts (mem.h); only the cap fails softly.
 */
#ifndef TOCSIN_BUF_H
#define TOCSIN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define TOCSIN_BUF_MAX_DEFAULT ((size_t)1 << 30)

extern char tocsin_buf_empty[1];

struct tocsin_buf {
    char *ptr;
    size_t len, cap, max;
    int failed;
};

#define TOCSIN_BUF_INIT(m) {tocsin_buf_empty, 0, 0, (m), 0}

void tocsin_buf_init(struct tocsin_buf *b, size_t max);
void tocsin_buf_cleanup(struct tocsin_buf *b);
/* Empty the buffer (keeping its memory) and clear the failure flag. */
void tocsin_buf_reset(struct tocsin_buf *b);
/* Hand the string over; the buffer is re-initialised empty. The caller
 * frees the result with free(). */
char *tocsin_buf_detach(struct tocsin_buf *b, size_t *len_out);

void tocsin_buf_add(struct tocsin_buf *b, const void *p, size_t n);
void tocsin_buf_adds(struct tocsin_buf *b, const char *s);
void tocsin_buf_addc(struct tocsin_buf *b, char c);
void tocsin_buf_addf(struct tocsin_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tocsin_buf_vaddf(struct tocsin_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Shorten to 'len' bytes (no-op when already shorter). */
void tocsin_buf_truncate(struct tocsin_buf *b, size_t len);

/* Format into a fixed array, truncating (the one snprintf for callers
 * outside buf.c and error.c). */
void tocsin_format(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int tocsin_buf_failed(const struct tocsin_buf *b)
{
    return b->failed;
}

#endif
