/*
 * digest.h - SHA-256 and HMAC-SHA-256 as lowercase hex, by OpenSSL's
 * libcrypto. Used for the audience digest, the hash of each text sent and
 * the pseudonymous recipient keys of the audit receipts.
 */
#ifndef TOCSIN_DIGEST_H
#define TOCSIN_DIGEST_H

#include <stddef.h>

#include "tocsin/error.h"

/* SHA-256 of 'len' bytes as 64 hex digits and a NUL. */
void tocsin_sha256_hex(char out[65], const void *data, size_t len);

/* SHA-256 of the file at 'path', streamed. Returns 0 or TOCSIN_ERUNTIME
 * (or TOCSIN_EINPUT when it does not exist) naming the path. */
int tocsin_sha256_file(char out[65], const char *path,
                       struct tocsin_error *err);

/* HMAC-SHA-256 of 'len' bytes under 'key' as 64 hex digits and a NUL. */
void tocsin_hmac_sha256_hex(char out[65], const void *key, size_t key_len,
                            const void *data, size_t len);

/* Raw 32-byte digests, for callers that keep them compactly. */
void tocsin_sha256(unsigned char out[32], const void *data, size_t len);

/* Hex of 'n' bytes; 'out' holds 2n+1. */
void tocsin_hex(char *out, const unsigned char *bytes, size_t n);

#endif
