#include "core/account.h"

#include "core/area.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool account_username_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > USERNAME_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

const char *account_password_problem(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < PASSWORD_MIN)
        return "the password needs at least 8 characters";
    if (n > PASSWORD_MAX)
        return "the password may have at most 128 characters";
    return NULL;
}

#define USER_SELECT                                                                                          \
    "SELECT u.id, u.username, u.display_name, u.role, u.area_id, COALESCE(a.code, ''), COALESCE(a.path, ''),"  \
    " u.disabled, u.counsellor, u.created_at, u.updated_at, u.password_hash"                                  \
    " FROM users u LEFT JOIN areas a ON a.id = u.area_id "

static void read_user(db_stmt *s, user *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_col_i64(s, 0);
    fx_copy(u->username, sizeof u->username, db_col_text(s, 1));
    fx_copy(u->display_name, sizeof u->display_name, db_col_text(s, 2));
    fx_copy(u->role, sizeof u->role, db_col_text(s, 3));
    u->area_id = db_col_null(s, 4) ? 0 : db_col_i64(s, 4);
    fx_copy(u->area_code, sizeof u->area_code, db_col_text(s, 5));
    fx_copy(u->area_path, sizeof u->area_path, db_col_text(s, 6));
    u->disabled = db_col_i64(s, 7) != 0;
    u->counsellor = db_col_i64(s, 8) != 0;
    u->created_at = db_col_i64(s, 9);
    u->updated_at = db_col_i64(s, 10);
}

int user_get(db_conn *c, const char *username, user *out, char pwhash[FX_PWHASH_LEN])
{
    db_stmt *s = db_prepare(c, USER_SELECT "WHERE u.username = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, username);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        read_user(s, out);
        if (pwhash)
            fx_copy(pwhash, FX_PWHASH_LEN, db_col_text(s, 11));
    }
    db_done(s);
    return rc;
}

int user_get_id(db_conn *c, int64_t id, user *out)
{
    db_stmt *s = db_prepare(c, USER_SELECT "WHERE u.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_user(s, out);
    db_done(s);
    return rc;
}

int user_list(db_conn *c, const char *scope_path, int64_t after_id, user *out, int max)
{
    db_stmt *s = db_prepare(c, USER_SELECT "WHERE u.id > $1 AND ($2 = '' OR substr(COALESCE(a.path, ''), 1, "
                                           "length($2)) = $2) ORDER BY u.id LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_text(s, 2, scope_path ? scope_path : "");
    db_bind_i64(s, 3, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_user(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

/* Resolves an area code for a user or token, within the actor's scope. */
static int scoped_area(db_conn *c, const actor *who, const char *code, area *a, fx_err *err)
{
    int rc = area_get(c, code, a);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read area %s", code);
    if (rc == DB_DONE)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area %s does not exist", code);
    if (!actor_in_scope(who, a->path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %s is outside your area", code);
    return 0;
}

static int end_sessions(db_conn *c, int64_t user_id)
{
    db_stmt *s = db_prepare(c, "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_now());
    db_bind_i64(s, 2, user_id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int user_create(db_conn *c, const actor *who, const user_input *in, user *out, fx_err *err)
{
    if (!account_username_valid(in->username))
        return fx_fail(err, FX_EINVAL, "invalid_username",
                       "username must be 2-32 of a-z, 0-9, '.', '_' or '-', e.g. zhang.wei");
    enum fx_role role = perm_role_parse(in->role);
    if (role == ROLE_NONE)
        return fx_fail(err, FX_EINVAL, "invalid_role",
                       "role must be one of admin, officer, staff, registrar, driver, lab, volunteer");
    if (!in->password_hash)
        return fx_fail(err, FX_EINVAL, "password_required", "a password is required");
    area a = {0};
    int rc;
    if (in->area && *in->area) {
        if ((rc = scoped_area(c, who, in->area, &a, err)))
            return rc;
    } else if (role != ROLE_ADMIN) {
        return fx_fail(err, FX_EINVAL, "area_required", "every %s needs an area: give its code with area",
                       in->role);
    } else if (!actor_in_scope(who, NULL)) {
        return fx_fail(err, FX_EPERM, "outside_area", "only a system administrator may create one");
    }
    user probe;
    if (user_get(c, in->username, &probe, NULL) == DB_ROW)
        return fx_fail(err, FX_ECONFLICT, "username_taken", "username %s is already taken", in->username);

    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->area_id = a.id;
    out->created_at = out->updated_at = fx_now();
    fx_copy(out->username, sizeof out->username, in->username);
    fx_copy(out->display_name, sizeof out->display_name, in->display_name ? in->display_name : "");
    fx_copy(out->role, sizeof out->role, in->role);
    fx_copy(out->area_code, sizeof out->area_code, a.code);
    fx_copy(out->area_path, sizeof out->area_path, a.path);
    out->disabled = in->disabled > 0;
    out->counsellor = in->counsellor > 0;

    db_stmt *s = db_prepare(c, "INSERT INTO users (id, username, display_name, password_hash, role, area_id,"
                               " counsellor, disabled, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the user");
    db_bind_i64(s, 1, out->id);
    db_bind_text(s, 2, out->username);
    db_bind_text(s, 3, out->display_name);
    db_bind_text(s, 4, in->password_hash);
    db_bind_text(s, 5, out->role);
    if (a.id)
        db_bind_i64(s, 6, a.id);
    else
        db_bind_null(s, 6);
    db_bind_i64(s, 7, out->counsellor);
    db_bind_i64(s, 8, out->disabled);
    db_bind_i64(s, 9, out->created_at);
    rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "username_taken", "username %s is already taken", in->username);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the user");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "role", NULL, out->role);
    audit_changes_text(&ch, "area", NULL, a.id ? a.code : NULL);
    audit_changes_text(&ch, "display_name", NULL, out->display_name);
    audit_changes_i64(&ch, "counsellor", 0, out->counsellor);
    audit_changes_i64(&ch, "disabled", 0, out->disabled);
    rc = audit_record(c, &who->log, "create", "user", out->username, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

int user_update(db_conn *c, const actor *who, const char *username, const user_input *in, user *out,
                fx_err *err)
{
    user cur;
    int rc = user_get(c, username, &cur, NULL);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read user %s", username);
    if (rc == DB_DONE || !actor_in_scope(who, cur.area_id ? cur.area_path : NULL))
        return fx_fail(err, FX_ENOTFOUND, "user_not_found", "user %s does not exist in your area", username);
    *out = cur;
    if (in->role) {
        if (perm_role_parse(in->role) == ROLE_NONE)
            return fx_fail(err, FX_EINVAL, "invalid_role",
                           "role must be one of admin, officer, staff, registrar, driver, lab, volunteer");
        fx_copy(out->role, sizeof out->role, in->role);
    }
    if (in->area) {
        area a = {0};
        if (*in->area && (rc = scoped_area(c, who, in->area, &a, err)))
            return rc;
        out->area_id = a.id;
        fx_copy(out->area_code, sizeof out->area_code, a.code);
        fx_copy(out->area_path, sizeof out->area_path, a.path);
    }
    if (!out->area_id && strcmp(out->role, "admin") != 0)
        return fx_fail(err, FX_EINVAL, "area_required", "every %s needs an area", out->role);
    if (!out->area_id && !actor_in_scope(who, NULL))
        return fx_fail(err, FX_EPERM, "outside_area", "only a system administrator may make a user unbound");
    if (in->display_name)
        fx_copy(out->display_name, sizeof out->display_name, in->display_name);
    if (in->disabled >= 0)
        out->disabled = in->disabled > 0;
    if (in->counsellor >= 0)
        out->counsellor = in->counsellor > 0;
    if (who->p && who->p->user_id == cur.id && (out->disabled || strcmp(out->role, cur.role) != 0))
        return fx_fail(err, FX_ERULE, "own_account", "you may not disable yourself or change your own role");

    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "role", cur.role, out->role);
    audit_changes_text(&ch, "area", cur.area_code, out->area_code);
    audit_changes_text(&ch, "display_name", cur.display_name, out->display_name);
    audit_changes_i64(&ch, "disabled", cur.disabled, out->disabled);
    audit_changes_i64(&ch, "counsellor", cur.counsellor, out->counsellor);
    if (in->password_hash)
        audit_changes_text(&ch, "password", "(old)", "(new)");
    const char *changes = audit_changes_json(&ch);
    if (!changes) {
        audit_changes_free(&ch);
        return 0;
    }
    out->updated_at = fx_now();
    db_stmt *s = db_prepare(c, "UPDATE users SET role = $1, area_id = $2, display_name = $3, disabled = $4,"
                               " counsellor = $5, updated_at = $6, password_hash = COALESCE($7, password_hash)"
                               " WHERE id = $8");
    rc = DB_ERR;
    if (s) {
        db_bind_text(s, 1, out->role);
        if (out->area_id)
            db_bind_i64(s, 2, out->area_id);
        else
            db_bind_null(s, 2);
        db_bind_text(s, 3, out->display_name);
        db_bind_i64(s, 4, out->disabled);
        db_bind_i64(s, 5, out->counsellor);
        db_bind_i64(s, 6, out->updated_at);
        db_bind_text(s, 7, in->password_hash);
        db_bind_i64(s, 8, cur.id);
        rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
        db_done(s);
    }
    /* A disabled account or a changed password must not keep working elsewhere. */
    if (rc == 0 && (out->disabled || in->password_hash || strcmp(out->role, cur.role) != 0 ||
                    out->area_id != cur.area_id))
        rc = end_sessions(c, cur.id);
    if (rc == 0)
        rc = audit_record(c, &who->log, "update", "user", cur.username, changes);
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not save user %s", username) : 0;
}

int session_create(db_conn *c, const audit_actor *log, int64_t user_id, const char *username,
                   const char *token_hash, int64_t expires_at, int64_t *session_id)
{
    db_stmt *s = db_prepare(c, "INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, ip)"
                               " VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return DB_ERR;
    *session_id = fx_id_next();
    db_bind_i64(s, 1, *session_id);
    db_bind_text(s, 2, token_hash);
    db_bind_i64(s, 3, user_id);
    db_bind_i64(s, 4, fx_now());
    db_bind_i64(s, 5, expires_at);
    db_bind_text(s, 6, log->ip ? log->ip : "");
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    char detail[64];
    snprintf(detail, sizeof detail, "{\"session\":\"%lld\"}", (long long)*session_id);
    return audit_record(c, log, "login", "user", username, detail);
}

int session_revoke(db_conn *c, const audit_actor *log, int64_t session_id)
{
    db_stmt *s = db_prepare(c, "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_now());
    db_bind_i64(s, 2, session_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    char detail[64];
    snprintf(detail, sizeof detail, "{\"session\":\"%lld\"}", (long long)session_id);
    return audit_record(c, log, "logout", "user", log->name ? log->name : "", detail);
}

int session_lookup(db_conn *c, const char *token_hash, int64_t now, principal *out)
{
    db_stmt *s = db_prepare(c, "SELECT s.id, u.id, u.username, u.role, COALESCE(u.area_id, 0),"
                               " COALESCE(a.path, ''), u.counsellor"
                               " FROM sessions s JOIN users u ON u.id = s.user_id"
                               " LEFT JOIN areas a ON a.id = u.area_id"
                               " WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"
                               " AND u.disabled = 0");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, token_hash);
    db_bind_i64(s, 2, now);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->session_id = db_col_i64(s, 0);
        out->user_id = db_col_i64(s, 1);
        fx_copy(out->name, sizeof out->name, db_col_text(s, 2));
        out->role = perm_role_parse(db_col_text(s, 3));
        out->area_id = db_col_i64(s, 4);
        fx_copy(out->area_path, sizeof out->area_path, db_col_text(s, 5));
        out->counsellor = db_col_i64(s, 6) != 0;
    }
    db_done(s);
    return rc;
}

static enum fx_role token_role(const char *kind)
{
    if (strcmp(kind, "device") == 0)
        return ROLE_DEVICE;
    if (strcmp(kind, "partner") == 0)
        return ROLE_PARTNER;
    if (strcmp(kind, "lab") == 0)
        return ROLE_LABSYS;
    return ROLE_NONE;
}

int token_create(db_conn *c, const actor *who, const char *name, const char *kind, const char *area_code,
                 const char *token_hash, api_token *out, fx_err *err)
{
    if (!area_code_valid(name))
        return fx_fail(err, FX_EINVAL, "invalid_name", "token name must be 1-64 letters, digits, '-', '_' or '.'");
    if (!kind || token_role(kind) == ROLE_NONE)
        return fx_fail(err, FX_EINVAL, "invalid_kind", "token kind must be device, partner or lab");
    area a = {0};
    int rc;
    if (area_code && *area_code) {
        if ((rc = scoped_area(c, who, area_code, &a, err)))
            return rc;
    } else if (!actor_in_scope(who, NULL)) {
        return fx_fail(err, FX_EINVAL, "area_required", "give the token an area within yours");
    }
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->area_id = a.id;
    out->created_at = fx_now();
    fx_copy(out->name, sizeof out->name, name);
    fx_copy(out->kind, sizeof out->kind, kind);
    fx_copy(out->area_code, sizeof out->area_code, a.code);
    db_stmt *s = db_prepare(c, "INSERT INTO api_tokens (id, name, kind, area_id, token_hash, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the token");
    db_bind_i64(s, 1, out->id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, kind);
    if (a.id)
        db_bind_i64(s, 4, a.id);
    else
        db_bind_null(s, 4);
    db_bind_text(s, 5, token_hash);
    db_bind_i64(s, 6, out->created_at);
    rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "name_taken", "a token named %s exists already", name);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the token");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "kind", NULL, kind);
    audit_changes_text(&ch, "area", NULL, a.id ? a.code : NULL);
    rc = audit_record(c, &who->log, "create", "token", name, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

int token_revoke(db_conn *c, const actor *who, const char *name, fx_err *err)
{
    db_stmt *q = db_prepare(c, "SELECT COALESCE(a.path, '') FROM api_tokens t LEFT JOIN areas a ON a.id = t.area_id"
                               " WHERE t.name = $1");
    if (!q)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the token");
    db_bind_text(q, 1, name);
    bool visible = db_step(q) == DB_ROW && actor_in_scope(who, *db_col_text(q, 0) ? db_col_text(q, 0) : NULL);
    db_done(q);
    if (!visible)
        return fx_fail(err, FX_ENOTFOUND, "token_not_found", "no active token is named %s in your area", name);
    db_stmt *s = db_prepare(c, "UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not revoke the token");
    db_bind_i64(s, 1, fx_now());
    db_bind_text(s, 2, name);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not revoke the token");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ENOTFOUND, "token_not_found", "no active token is named %s", name);
    rc = audit_record(c, &who->log, "revoke", "token", name, NULL);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

int token_list(db_conn *c, const char *scope_path, int64_t after_id, api_token *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT t.id, t.name, t.kind, COALESCE(t.area_id, 0), COALESCE(a.code, ''),"
                               " t.created_at, COALESCE(t.revoked_at, 0)"
                               " FROM api_tokens t LEFT JOIN areas a ON a.id = t.area_id"
                               " WHERE t.id > $1 AND ($3 = '' OR substr(COALESCE(a.path, ''), 1, length($3)) = $3)"
                               " ORDER BY t.id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_i64(s, 2, max);
    db_bind_text(s, 3, scope_path ? scope_path : "");
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        api_token *t = &out[n++];
        memset(t, 0, sizeof *t);
        t->id = db_col_i64(s, 0);
        fx_copy(t->name, sizeof t->name, db_col_text(s, 1));
        fx_copy(t->kind, sizeof t->kind, db_col_text(s, 2));
        t->area_id = db_col_i64(s, 3);
        fx_copy(t->area_code, sizeof t->area_code, db_col_text(s, 4));
        t->created_at = db_col_i64(s, 5);
        t->revoked_at = db_col_i64(s, 6);
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

int token_lookup(db_conn *c, const char *token_hash, principal *out)
{
    db_stmt *s = db_prepare(c, "SELECT t.id, t.name, t.kind, COALESCE(t.area_id, 0), COALESCE(a.path, '')"
                               " FROM api_tokens t LEFT JOIN areas a ON a.id = t.area_id"
                               " WHERE t.token_hash = $1 AND t.revoked_at IS NULL");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, token_hash);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->token_id = db_col_i64(s, 0);
        fx_copy(out->name, sizeof out->name, db_col_text(s, 1));
        out->role = token_role(db_col_text(s, 2));
        out->area_id = db_col_i64(s, 3);
        fx_copy(out->area_path, sizeof out->area_path, db_col_text(s, 4));
    }
    db_done(s);
    return rc;
}

/* ---- throttling ---- */

#define THROTTLE_SLOTS 4096

struct throttle_slot {
    uint64_t key;
    int64_t first, last;
    int failures;
};

struct throttle {
    pthread_mutex_t mu;
    int max_failures, window_s;
    struct throttle_slot slot[THROTTLE_SLOTS];
};

static uint64_t key_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h | 1; /* 0 marks an empty slot */
}

throttle *throttle_new(int max_failures, int window_s)
{
    throttle *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->mu, NULL);
    t->max_failures = max_failures;
    t->window_s = window_s;
    return t;
}

void throttle_free(throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t);
}

/* The key's slot; with create, the slot it may take (its own, a free one or the stalest). */
static struct throttle_slot *find(throttle *t, uint64_t k, bool create)
{
    struct throttle_slot *victim = NULL;
    for (unsigned i = 0; i < 8; i++) {
        struct throttle_slot *s = &t->slot[(k + i) % THROTTLE_SLOTS];
        if (s->key == k)
            return s;
        if (!victim || (victim->key != 0 && (s->key == 0 || s->last < victim->last)))
            victim = s;
    }
    if (!create)
        return NULL;
    *victim = (struct throttle_slot){.key = k};
    return victim;
}

int throttle_wait(throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->mu);
    struct throttle_slot *s = find(t, key_hash(key), false);
    int wait = 0;
    if (s && s->failures >= t->max_failures && now < s->first + t->window_s)
        wait = (int)(s->first + t->window_s - now);
    pthread_mutex_unlock(&t->mu);
    return wait;
}

void throttle_fail(throttle *t, const char *key, int64_t now)
{
    pthread_mutex_lock(&t->mu);
    struct throttle_slot *s = find(t, key_hash(key), true);
    if (s->failures == 0 || now >= s->first + t->window_s) {
        s->first = now;
        s->failures = 0;
    }
    s->failures++;
    s->last = now;
    pthread_mutex_unlock(&t->mu);
}

void throttle_clear(throttle *t, const char *key)
{
    pthread_mutex_lock(&t->mu);
    struct throttle_slot *s = find(t, key_hash(key), false);
    if (s)
        *s = (struct throttle_slot){0};
    pthread_mutex_unlock(&t->mu);
}
