/*
 * embedded.h - files compiled into the binary at build time (tools/embed.c):
 * lua/ (the DSL's Lua half, linter rules), playbooks/ and their samples.
 */
#ifndef TOCSIN_EMBEDDED_H
#define TOCSIN_EMBEDDED_H

#include <stddef.h>

struct tocsin_embedded {
    const char *name;          /* "lua/dsl.lua", "playbooks/recall.lua" */
    const unsigned char *data; /* NUL-terminated for convenience */
    size_t len;
};

extern const struct tocsin_embedded tocsin_embedded_files[];
extern const size_t tocsin_n_embedded;

/* The embedded file called 'name', or NULL. */
const struct tocsin_embedded *tocsin_embedded_find(const char *name);

#endif
