/*
 * length_tables.h - private to length.c: the TLD tables of length_tables.c.
 * Each array is sorted bytewise (strcmp) and holds lowercase UTF-8 labels.
 */
#ifndef TOCSIN_LENGTH_TABLES_H
#define TOCSIN_LENGTH_TABLES_H

#include <stddef.h>

extern const char *const tocsin_length_cctlds[];
extern const size_t tocsin_length_n_cctlds;
extern const char *const tocsin_length_gtlds[];
extern const size_t tocsin_length_n_gtlds;

#endif
