/* fx_crypto.h — random tokens, SHA-256 and password hashing.
 * Random bytes and digests come from GnuTLS, password hashes from libargon2. */
#ifndef FX_CRYPTO_H
#define FX_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>

#define FX_SHA256_HEX 65   /* 64 hex digits + NUL */
#define FX_TOKEN_LEN 69    /* "fx" + kind letter + "_" + 64 hex + NUL */
#define FX_PWHASH_LEN 128  /* encoded argon2id string, with room */

/* Fills buf with len cryptographically random bytes. 0 or -1. */
int fx_random(void *buf, size_t len);

/* A new secret token "fx<kind>_<64 hex>" (kind: 's' session, 'd' device,
 * 'p' partner, 'l' lab). Only its hash is ever stored. */
int fx_token_new(char kind, char out[FX_TOKEN_LEN]);

/* Lower-case hex SHA-256 of data. */
void fx_sha256_hex(const void *data, size_t len, char out[FX_SHA256_HEX]);

/* password as mosquitto_passwd writes it for mosquitto 2 ("$7$101$<salt>$<hash>": PBKDF2-HMAC-SHA512,
 * 101 iterations, 12-byte salt, base64), so the broker can check a device's token. 0 or -1. */
#define FX_MQTT_HASH_LEN 128
int fx_mqtt_password_hash(const char *password, char out[FX_MQTT_HASH_LEN]);

/* argon2id with OWASP's parameters (t=2, m=19 MiB, p=1). 0 or -1. */
int fx_password_hash(const char *password, char out[FX_PWHASH_LEN]);
/* true when password matches the encoded hash. Always spends the full cost. */
bool fx_password_verify(const char *encoded, const char *password);

/* Constant-time equality of two NUL-terminated strings. */
bool fx_str_eq_ct(const char *a, const char *b);

#endif
