/* api_session.c — log in, log out, who am I. */
#include "http/api.h"

#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <stdlib.h>
#include <string.h>

json_t *api_user_json(const user *u)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:b, s:b, s:I, s:I}", "id", (json_int_t)u->id, "username",
                     u->username, "display_name", u->display_name, "role", u->role, "area",
                     u->area_id ? u->area_code : NULL, "disabled", u->disabled, "counsellor", u->counsellor,
                     "created_at", (json_int_t)u->created_at, "updated_at", (json_int_t)u->updated_at);
}

int api_fail(http_req *r, int rc, const fx_err *e)
{
    if (e && e->kind)
        return http_fail(r, e);
    if (rc == DB_ECONSTRAINT)
        return http_error(r, 409, "conflict", "this change conflicts with existing data");
    return http_error(r, 500, "internal", "the change could not be saved; try again");
}

void api_fold_username(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

struct login {
    user u;
    char token[FX_TOKEN_LEN];
    char hash[FX_SHA256_HEX];
    int64_t expires_at, session_id;
    audit_actor log;
};

static int login_job(db_conn *c, void *arg)
{
    struct login *l = arg;
    return session_create(c, &l->log, l->u.id, l->u.username, l->hash, l->expires_at, &l->session_id);
}

static int login_finish(http_req *r, int rc)
{
    struct login *l = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, NULL);
    char csrf[33];
    router_csrf_for(l->token, csrf);
    int ttl = r->app->cfg.session_ttl_s;
    const char *secure = r->tls ? "; Secure" : "";
    http_header(r, "Set-Cookie", "fx_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", l->token, ttl,
                secure);
    http_header(r, "Set-Cookie", "fx_csrf=%s; Path=/; Max-Age=%d; SameSite=Strict%s", csrf, ttl, secure);
    return http_json(r, 200,
                     json_pack("{s:s, s:s, s:I, s:o}", "token", l->token, "csrf", csrf, "expires_at",
                               (json_int_t)l->expires_at, "user", api_user_json(&l->u)));
}

static int login(http_req *r)
{
    const char *username_in, *password;
    static const char *const fields[] = {"username", "password", NULL};
    if (http_known_fields(r, fields) || http_str(r, "username", true, 64, &username_in) ||
        http_str(r, "password", true, 1024, &password))
        return HTTP_DONE;
    char username[72], ukey[80], ikey[64];
    fx_copy(username, sizeof username, username_in);
    api_fold_username(username);
    snprintf(ukey, sizeof ukey, "u:%s", username);
    snprintf(ikey, sizeof ikey, "i:%s", r->ip);
    int64_t now = fx_now();
    int wait = throttle_wait(r->app->login_user, ukey, now);
    int wait_ip = throttle_wait(r->app->login_ip, ikey, now);
    if (wait_ip > wait)
        wait = wait_ip;
    if (wait > 0) {
        http_header(r, "Retry-After", "%d", wait);
        return http_error(r, 429, "too_many_attempts",
                          "too many wrong passwords; wait %d minutes and try again, or ask an administrator",
                          (wait + 59) / 60);
    }
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    struct login *l = calloc(1, sizeof *l);
    if (!l)
        return http_error(r, 500, "internal", "out of memory");
    char pwhash[FX_PWHASH_LEN] = "";
    int rc = user_get(c, username, &l->u, pwhash);
    if (rc < 0) {
        free(l);
        return http_error(r, 500, "internal", "could not read the account; try again");
    }
    db_read_end(c); /* no read transaction held through the slow part */
    /* argon2 is meant to be slow: few at a time, so logins cannot starve the server. */
    if (sem_trywait(&r->app->login_slots) != 0) {
        free(l);
        http_header(r, "Retry-After", "1");
        return http_error(r, 503, "busy", "many people are logging in right now; try again in a moment");
    }
    bool ok = fx_password_verify(rc == DB_ROW ? pwhash : NULL, password);
    sem_post(&r->app->login_slots);
    if (!ok) {
        free(l);
        throttle_fail(r->app->login_user, ukey, now);
        throttle_fail(r->app->login_ip, ikey, now);
        fx_log(FX_LOG_WARN, "failed login for %s from %s", username, r->ip);
        return http_error(r, 401, "wrong_credentials", "wrong username or password");
    }
    if (l->u.disabled) {
        free(l);
        return http_error(r, 403, "account_disabled", "this account is disabled; ask an administrator");
    }
    throttle_clear(r->app->login_user, ukey);
    if (fx_token_new('s', l->token) != 0) {
        free(l);
        return http_error(r, 500, "internal", "could not make a session token");
    }
    fx_sha256_hex(l->token, strlen(l->token), l->hash);
    l->expires_at = now + r->app->cfg.session_ttl_s;
    l->log = (audit_actor){.kind = "user", .id = l->u.id, .name = l->u.username, .ip = r->ip,
                           .request_id = r->request_id};
    return http_defer(r, login_job, l, free, login_finish);
}

static int logout_job(db_conn *c, void *arg)
{
    http_req *r = arg;
    return session_revoke(c, &r->act.log, r->who.session_id);
}

static int logout_finish(http_req *r, int rc)
{
    if (rc < 0)
        return api_fail(r, rc, NULL);
    http_header(r, "Set-Cookie", "fx_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    http_header(r, "Set-Cookie", "fx_csrf=; Path=/; Max-Age=0; SameSite=Strict");
    return http_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

static int logout(http_req *r)
{
    if (!r->who.session_id)
        return http_error(r, 400, "not_a_session", "API tokens do not log out; revoke them instead");
    return http_defer(r, logout_job, r, NULL, logout_finish);
}

static int whoami(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    user u;
    if (user_get_id(c, r->who.user_id, &u) != DB_ROW)
        return http_error(r, 401, "session_expired", "your session has ended; log in again");
    return http_json(r, 200, json_pack("{s:o}", "user", api_user_json(&u)));
}

const route api_session_routes[] = {
    {"POST", "/api/v1/session", ACT_PUBLIC, login, ROUTE_JSON, 4096},
    {"DELETE", "/api/v1/session", ACT_SESSION, logout, 0, 0},
    {"GET", "/api/v1/session", ACT_SESSION, whoami, 0, 0},
    {0},
};
