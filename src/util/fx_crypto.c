#include "util/fx_crypto.h"

#include <argon2.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <string.h>

#define PW_T_COST 2
#define PW_M_COST 19456 /* KiB */
#define PW_LANES 1
#define PW_SALT 16
#define PW_HASH 32

int fx_random(void *buf, size_t len)
{
    return gnutls_rnd(GNUTLS_RND_KEY, buf, len) == 0 ? 0 : -1;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static size_t base64(const unsigned char *in, size_t n, char *out)
{
    static const char b[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = b[v >> 18 & 63];
        out[o++] = b[v >> 12 & 63];
        out[o++] = i + 1 < n ? b[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

int fx_mqtt_password_hash(const char *password, char out[FX_MQTT_HASH_LEN])
{
    unsigned char salt[12], hash[64];
    if (fx_random(salt, sizeof salt) != 0)
        return -1;
    gnutls_datum_t key = {(unsigned char *)password, (unsigned)strlen(password)};
    gnutls_datum_t sd = {salt, sizeof salt};
    if (gnutls_pbkdf2(GNUTLS_MAC_SHA512, &key, &sd, 101, hash, sizeof hash) != 0)
        return -1;
    char s64[24], h64[92];
    base64(salt, sizeof salt, s64);
    base64(hash, sizeof hash, h64);
    size_t len = (size_t)snprintf(out, FX_MQTT_HASH_LEN, "$7$101$%s$%s", s64, h64);
    return len < FX_MQTT_HASH_LEN ? 0 : -1;
}

int fx_token_new(char kind, char out[FX_TOKEN_LEN])
{
    unsigned char raw[32];
    if (fx_random(raw, sizeof raw) != 0)
        return -1;
    out[0] = 'f';
    out[1] = 'x';
    out[2] = kind;
    out[3] = '_';
    to_hex(raw, sizeof raw, out + 4);
    return 0;
}

void fx_sha256_hex(const void *data, size_t len, char out[FX_SHA256_HEX])
{
    unsigned char digest[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest);
    to_hex(digest, sizeof digest, out);
}

int fx_password_hash(const char *password, char out[FX_PWHASH_LEN])
{
    unsigned char salt[PW_SALT];
    if (fx_random(salt, sizeof salt) != 0)
        return -1;
    int rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, password, strlen(password), salt,
                                   sizeof salt, PW_HASH, out, FX_PWHASH_LEN);
    return rc == ARGON2_OK ? 0 : -1;
}

bool fx_password_verify(const char *encoded, const char *password)
{
    /* A fixed valid hash stands in for a missing one so that a login for an
     * unknown user costs as much as one for a known user. */
    static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$ZmFuZ3hpYW4tZHVtbXktcw$"
                                "BLQxI1Q+tLWJXQ6AI1OSi2YCeL1XHjOV6DiTItAWKKc";
    const char *h = encoded && *encoded ? encoded : dummy;
    int rc = argon2id_verify(h, password, strlen(password));
    return encoded && *encoded && rc == ARGON2_OK;
}

bool fx_str_eq_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = (unsigned char)(la != lb);
    size_t n = la < lb ? la : lb;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}
