/*
 * hashset.c - open addressing with linear probing over a power-of-two table.
 */
#include "tocsin/hashset.h"
#include "tocsin/mem.h"

#include <stdlib.h>

uint64_t tocsin_hash64(const void *p, size_t len, int fold)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = s[i];

        if (fold && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h ^= c;
        h *= 1099511628211ULL;
    }
    /* FNV's low bits are weak for table indexing: finish with the
     * splitmix64 avalanche */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

static void grow(struct tocsin_hashset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024, i;
    uint64_t *old = s->slots;
    size_t old_cap = s->cap;

    s->slots = tocsin_xcalloc(cap, sizeof *s->slots);
    s->cap = cap;
    for (i = 0; i < old_cap; i++) {
        uint64_t h = old[i];
        size_t j;

        if (!h)
            continue;
        for (j = (size_t)h & (cap - 1); s->slots[j]; j = (j + 1) & (cap - 1))
            ;
        s->slots[j] = h;
    }
    free(old);
}

int tocsin_hashset_add(struct tocsin_hashset *s, uint64_t h)
{
    size_t j;

    if (!h)
        h = 1;
    if ((s->n + 1) * 4 > s->cap * 3)
        grow(s);
    for (j = (size_t)h & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1))
        if (s->slots[j] == h)
            return 0;
    s->slots[j] = h;
    s->n++;
    return 1;
}

int tocsin_hashset_has(const struct tocsin_hashset *s, uint64_t h)
{
    size_t j;

    if (!s->cap)
        return 0;
    if (!h)
        h = 1;
    for (j = (size_t)h & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1))
        if (s->slots[j] == h)
            return 1;
    return 0;
}

void tocsin_hashset_cleanup(struct tocsin_hashset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}
