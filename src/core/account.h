/* account.h — users, login sessions and API tokens.
 *
 * Secrets never reach the database: sessions and tokens are stored as the
 * SHA-256 of a random token, passwords as argon2id hashes. Hash passwords
 * (fx_password_hash) before submitting a write: the writer thread must not
 * spend 30 ms on one request. */
#ifndef ACCOUNT_H
#define ACCOUNT_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_crypto.h"
#include "util/fx_err.h"

#include <stdint.h>

#define USERNAME_MAX 32
#define PASSWORD_MIN 8
#define PASSWORD_MAX 128

typedef struct user {
    int64_t id, area_id, created_at, updated_at;
    char username[USERNAME_MAX + 1];
    char display_name[256];
    char role[16];
    char area_code[65];
    char area_path[FX_AREA_PATH_MAX];
    bool disabled, counsellor;
} user;

/* Usernames: 2-32 of a-z 0-9 . _ - (case-folded by the caller). */
bool account_username_valid(const char *s);
/* NULL when the password is acceptable, else what is wrong with it. */
const char *account_password_problem(const char *pw);

/* DB_ROW with *out (and the password hash, when pwhash is not NULL), DB_DONE, or < 0. */
int user_get(db_conn *c, const char *username, user *out, char pwhash[FX_PWHASH_LEN]);
int user_get_id(db_conn *c, int64_t id, user *out);
/* Users whose area lies in scope_path (NULL: all), id > after_id, by id. Count or < 0. */
int user_list(db_conn *c, const char *scope_path, int64_t after_id, user *out, int max);

typedef struct user_input {
    const char *username, *display_name, *role, *area; /* area: code; NULL keeps (update) */
    const char *password_hash;                         /* from fx_password_hash; NULL keeps */
    int disabled, counsellor;                          /* -1 keeps */
} user_input;

int user_create(db_conn *c, const actor *who, const user_input *in, user *out, fx_err *err);
/* Changes the named user. Disabling or a new password ends the user's sessions. */
int user_update(db_conn *c, const actor *who, const char *username, const user_input *in, user *out,
                fx_err *err);

/* Sessions. token_hash = fx_sha256_hex(token). */
int session_create(db_conn *c, const audit_actor *log, int64_t user_id, const char *username,
                   const char *token_hash, int64_t expires_at, int64_t *session_id);
int session_revoke(db_conn *c, const audit_actor *log, int64_t session_id);
/* DB_ROW with *out for a live session (not expired, revoked or of a disabled user), DB_DONE otherwise. */
int session_lookup(db_conn *c, const char *token_hash, int64_t now, principal *out);

/* API tokens for devices, partner systems and labs. */
typedef struct api_token {
    int64_t id, area_id, created_at, revoked_at;
    char name[65], kind[16], area_code[65];
} api_token;
/* kind: "device", "partner" or "lab"; area: code or NULL. Audited. */
int token_create(db_conn *c, const actor *who, const char *name, const char *kind, const char *area,
                 const char *token_hash, api_token *out, fx_err *err);
int token_revoke(db_conn *c, const actor *who, const char *name, fx_err *err);
/* Tokens whose area lies in scope_path (NULL: all, including those without an area). */
int token_list(db_conn *c, const char *scope_path, int64_t after_id, api_token *out, int max);
int token_lookup(db_conn *c, const char *token_hash, principal *out);

/* Login throttling, in memory: failures per key (a username or an IP) within a
 * window lock the key for the rest of the window. */
typedef struct throttle throttle;
throttle *throttle_new(int max_failures, int window_s);
void throttle_free(throttle *t);
/* Seconds until key may try again, 0 when it may now. */
int throttle_wait(throttle *t, const char *key, int64_t now);
void throttle_fail(throttle *t, const char *key, int64_t now);
void throttle_clear(throttle *t, const char *key);

#endif
