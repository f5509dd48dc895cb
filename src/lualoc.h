/*
 * lualoc.h - where things are in a Lua source file, for diagnostics that
 * point inside a declaration: the line and column where each string value
 * of `word "name" { key = { key = "..." } }` starts, and the
 * `-- tocsin-lint: disable RULE: REASON` comments inside a declaration's
 * braces. A scanner, not a parser: it reads what the loader already ran.
 */
#ifndef TOCSIN_LUALOC_H
#define TOCSIN_LUALOC_H

#include <stddef.h>

struct tocsin_lualoc_str {
    char *path;      /* "template\x1f" "ack\x1f" "zh-TW\x1f" "text" */
    int line, col;   /* first character of the value */
    int long_string; /* [[...]]: lines inside are exact */
};

struct tocsin_lualoc_disable {
    char *decl;      /* "template\x1f" "ack" */
    char *rule, *reason; /* reason NULL when missing */
    int line;
};

struct tocsin_lualoc {
    struct tocsin_lualoc_str *strs;
    size_t n_strs;
    struct tocsin_lualoc_disable *disables;
    size_t n_disables;
};

/* Scan 'len' bytes of Lua source. Never fails: unterminated constructs end
 * the scan. Free with tocsin_lualoc_free(). */
struct tocsin_lualoc *tocsin_lualoc_scan(const char *src, size_t len);
void tocsin_lualoc_free(struct tocsin_lualoc *l);

/* The string at word/name/k1/k2 (k2 may be NULL), or NULL. Borrowed. */
const struct tocsin_lualoc_str *
tocsin_lualoc_find(const struct tocsin_lualoc *l, const char *word,
                   const char *name, const char *k1, const char *k2);

#endif
