/*
 * lock.h - one 'tocsin run' per incident at a time. An exclusive flock on
 * .tocsin/locks/<ID>.lock, held for the life of the process (the kernel
 * drops it when the process dies, even by kill -9, so there are no stale
 * locks to clean up).
 */
#ifndef TOCSIN_LOCK_H
#define TOCSIN_LOCK_H

#include "tocsin/error.h"

struct tocsin_lock;

/* Take the lock or fail at once: TOCSIN_EBUSY "incident X is being run by
 * another tocsin (pid N)". */
int tocsin_lock_incident(struct tocsin_lock **out, const char *state_dir,
                         const char *incident, struct tocsin_error *err);
void tocsin_lock_release(struct tocsin_lock *l);

#endif
