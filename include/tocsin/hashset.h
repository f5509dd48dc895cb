/*
 * hashset.h - a set of 64-bit hashes, for de-duplicating addresses while
 * streaming millions of rows in little memory (8 bytes a slot, load <= 3/4).
 *
 * A set of hashes, not of strings: two different addresses whose 64-bit
 * hashes collide would count as one. With a million addresses that chance is
 * about 3 in 100 million per wave; docs/plan.md says so.
 */
#ifndef TOCSIN_HASHSET_H
#define TOCSIN_HASHSET_H

#include <stddef.h>
#include <stdint.h>

struct tocsin_hashset {
    uint64_t *slots; /* 0 marks an empty slot; hash 0 is stored as 1 */
    size_t cap, n;
};

#define TOCSIN_HASHSET_INIT {NULL, 0, 0}

/* Insert 'h'. Returns 1 when it was new, 0 when already present. */
int tocsin_hashset_add(struct tocsin_hashset *s, uint64_t h);
int tocsin_hashset_has(const struct tocsin_hashset *s, uint64_t h);
void tocsin_hashset_cleanup(struct tocsin_hashset *s);

/* A 64-bit hash of 'len' bytes (FNV-1a with a final avalanche mix); with
 * 'fold' set, ASCII letters hash as lowercase (email addresses). */
uint64_t tocsin_hash64(const void *p, size_t len, int fold);

#endif
