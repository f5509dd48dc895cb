/*
 * unit.h - what every cmocka unit test includes. cmocka needs these system
 * headers first, in this order.
 */
#ifndef TOCSIN_UNIT_H
#define TOCSIN_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

/* The conformance folder ($TOCSIN_CONFORMANCE, else ../shared/conformance
 * from the repository), or NULL when absent: tests that need it skip with
 * a message saying so. */
static inline const char *unit_conformance_dir(void)
{
    const char *env = getenv("TOCSIN_CONFORMANCE");
    const char *path = env && *env ? env : "../shared/conformance";
    struct stat st;

    if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "note: conformance folder '%s' is absent; "
                        "its cases are skipped\n", path);
        return NULL;
    }
    return path;
}

#endif
