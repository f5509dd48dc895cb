/*
 * digest.c - thin wrappers over OpenSSL's EVP digests and HMAC.
 */
#include "tocsin/digest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

void tocsin_hex(char *out, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void tocsin_sha256(unsigned char out[32], const void *data, size_t len)
{
    unsigned int n = 32;

    EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

void tocsin_sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char md[32];

    tocsin_sha256(md, data, len);
    tocsin_hex(out, md, 32);
}

int tocsin_sha256_file(char out[65], const char *path,
                       struct tocsin_error *err)
{
    unsigned char buf[1 << 16], md[32];
    unsigned int n = 32;
    EVP_MD_CTX *ctx;
    FILE *f = fopen(path, "rb");
    size_t k;
    int rc = 0;

    if (!f)
        return tocsin_error_set(err, errno == ENOENT ? TOCSIN_EINPUT
                                                     : TOCSIN_ERUNTIME,
                                path, 0, "cannot open: %s", strerror(errno));
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot start SHA-256");
        goto out;
    }
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(ctx, buf, k);
    if (ferror(f)) {
        rc = tocsin_error_set(err, TOCSIN_ERUNTIME, path, 0,
                              "cannot read: %s", strerror(errno));
        goto out;
    }
    EVP_DigestFinal_ex(ctx, md, &n);
    tocsin_hex(out, md, 32);
out:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return rc;
}

void tocsin_hmac_sha256_hex(char out[65], const void *key, size_t key_len,
                            const void *data, size_t len)
{
    unsigned char md[32];
    unsigned int n = 32;

    HMAC(EVP_sha256(), key, (int)key_len, data, len, md, &n);
    tocsin_hex(out, md, 32);
}
