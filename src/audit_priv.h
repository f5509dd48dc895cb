/*
 * audit_priv.h - what audit_verify.c needs from audit.c's insides.
 */
#ifndef TOCSIN_AUDIT_PRIV_H
#define TOCSIN_AUDIT_PRIV_H

#include "tocsin/audit.h"

/* "Name <email>" of the configured committer. Borrowed. */
const char *tocsin_audit_committer(struct tocsin_audit *a);

/* Does commit 'tip' equal or descend from 'base' (40-hex ids)? */
int tocsin_audit_descends(struct tocsin_audit *a, const char *tip,
                          const char *base);

#endif
