/* round.c — rounds, their pooling policy and coverage rows. Exemptions and the
 * untested list are in round_cover.c. */
#include "core/round.h"

#include "core/area.h"
#include "core/positive.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const risk_names[RISK__COUNT] = {"none", "precaution", "controlled", "sealed"};
static const int pool_default[RISK__COUNT] = {20, 20, 10, 1};

int round_risk_rank(const char *s)
{
    for (int i = 0; s && i < RISK__COUNT; i++)
        if (strcmp(s, risk_names[i]) == 0)
            return i;
    return -1;
}

bool round_pool_valid(int n) { return n == 1 || n == 5 || n == 10 || n == 20; }

void round_path_upper(const char *path, char out[FX_AREA_PATH_MAX])
{
    fx_copy(out, FX_AREA_PATH_MAX, path);
    size_t n = strlen(out);
    if (n)
        out[n - 1]++; /* '/' + 1 = '0': every path below sorts before it */
}

#define ROUND_SELECT                                                                                         \
    "SELECT r.id, r.area_id, r.start_at, r.deadline, r.created_at, r.updated_at, r.pool_none,"               \
    " r.pool_precaution, r.pool_controlled, r.pool_sealed, r.name, r.status, a.code, r.created_by"           \
    " FROM rounds r JOIN areas a ON a.id = r.area_id "

static void read_round(db_stmt *s, fx_round *r)
{
    r->id = db_col_i64(s, 0);
    r->area_id = db_col_i64(s, 1);
    r->start_at = db_col_i64(s, 2);
    r->deadline = db_col_i64(s, 3);
    r->created_at = db_col_i64(s, 4);
    r->updated_at = db_col_i64(s, 5);
    for (int i = 0; i < RISK__COUNT; i++)
        r->pool[i] = (int)db_col_i64(s, 6 + i);
    fx_copy(r->name, sizeof r->name, db_col_text(s, 10));
    fx_copy(r->status, sizeof r->status, db_col_text(s, 11));
    fx_copy(r->area_code, sizeof r->area_code, db_col_text(s, 12));
    fx_copy(r->created_by, sizeof r->created_by, db_col_text(s, 13));
}

int round_get(db_conn *c, int64_t id, fx_round *out)
{
    db_stmt *s = db_prepare(c, ROUND_SELECT "WHERE r.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_round(s, out);
    db_done(s);
    return rc;
}

int round_areas(db_conn *c, int64_t round_id, round_area *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT a.id, a.code, a.path FROM round_areas ra JOIN areas a ON a.id = ra.area_id"
                               " WHERE ra.round_id = $1 ORDER BY a.path");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        out[n].id = db_col_i64(s, 0);
        fx_copy(out[n].code, sizeof out[n].code, db_col_text(s, 1));
        fx_copy(out[n].path, sizeof out[n].path, db_col_text(s, 2));
        n++;
    }
    db_done(s);
    return n;
}

static bool overlaps(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return strncmp(a, b, la < lb ? la : lb) == 0;
}

bool round_visible(db_conn *c, const principal *p, int64_t round_id)
{
    if (!p || (p->area_id == 0 && p->role == ROLE_ADMIN))
        return true;
    if (p->area_id == 0)
        return false;
    round_area ra[ROUND_AREAS_MAX];
    int n = round_areas(c, round_id, ra, ROUND_AREAS_MAX);
    for (int i = 0; i < n; i++)
        if (overlaps(ra[i].path, p->area_path))
            return true;
    return false;
}

int round_list(db_conn *c, const char *scope_path, int64_t before_id, fx_round *out, int max)
{
    char upper[FX_AREA_PATH_MAX] = "";
    if (scope_path)
        round_path_upper(scope_path, upper);
    /* a scope area in the caller's subtree, or one containing the caller's area */
    db_stmt *s = db_prepare(c, ROUND_SELECT
                            "WHERE ($1 = '' OR EXISTS (SELECT 1 FROM round_areas ra JOIN areas x ON x.id = ra.area_id"
                            " WHERE ra.round_id = r.id AND ((x.path >= $1 AND x.path < $2)"
                            " OR substr($1, 1, length(x.path)) = x.path)))"
                            " AND ($3 = 0 OR r.id < $3) ORDER BY r.id DESC LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, scope_path ? scope_path : "");
    db_bind_text(s, 2, upper);
    db_bind_i64(s, 3, before_id);
    db_bind_i64(s, 4, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_round(s, &out[n++]);
    db_done(s);
    return n;
}

int round_pool_size(db_conn *c, const fx_round *r, const char *area_path, char risk[16])
{
    /* ids on the path, deepest first */
    int64_t ids[32];
    int n = 0;
    for (const char *p = area_path; p && *p == '/' && p[1] && n < 32;) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (*end != '/')
            break;
        ids[n++] = id;
        p = end;
    }
    int rank = RISK_NONE;
    for (int i = n - 1; i >= 0 && rank == RISK_NONE; i--) {
        db_stmt *s = db_prepare(c, "SELECT risk_level FROM areas WHERE id = $1");
        if (!s)
            break;
        db_bind_i64(s, 1, ids[i]);
        if (db_step(s) == DB_ROW) {
            int k = round_risk_rank(db_col_text(s, 0));
            rank = k > 0 ? k : RISK_NONE;
        }
        db_done(s);
    }
    if (risk)
        fx_copy(risk, 16, risk_names[rank]);
    return r->pool[rank];
}

/* ---- coverage ---- */

int coverage_add(db_conn *c, int64_t round_id, const char *path, int64_t d_in, int64_t d_sampled, int64_t d_exempt)
{
    for (const char *p = path; p && *p == '/' && p[1];) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (*end != '/')
            break;
        db_stmt *s = db_prepare(c, "UPDATE coverage SET in_scope = in_scope + $3, sampled = sampled + $4,"
                                   " exempt = exempt + $5 WHERE round_id = $1 AND area_id = $2");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, round_id);
        db_bind_i64(s, 2, id);
        db_bind_i64(s, 3, d_in);
        db_bind_i64(s, 4, d_sampled);
        db_bind_i64(s, 5, d_exempt);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
        p = end;
    }
    return 0;
}

#define COV_SELECT                                                                                           \
    "SELECT a.id, a.code, a.name, a.kind, cv.in_scope, cv.sampled, cv.exempt FROM coverage cv"              \
    " JOIN areas a ON a.id = cv.area_id "

static void read_cov(db_stmt *s, coverage_row *o)
{
    o->area_id = db_col_i64(s, 0);
    fx_copy(o->code, sizeof o->code, db_col_text(s, 1));
    fx_copy(o->name, sizeof o->name, db_col_text(s, 2));
    fx_copy(o->kind, sizeof o->kind, db_col_text(s, 3));
    o->in_scope = db_col_i64(s, 4);
    o->sampled = db_col_i64(s, 5);
    o->exempt = db_col_i64(s, 6);
}

int coverage_get(db_conn *c, int64_t round_id, int64_t area_id, coverage_row *out)
{
    db_stmt *s = db_prepare(c, COV_SELECT "WHERE cv.round_id = $1 AND cv.area_id = $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, area_id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_cov(s, out);
    db_done(s);
    return rc;
}

int coverage_children(db_conn *c, int64_t round_id, int64_t area_id, coverage_row *out, int max)
{
    db_stmt *s = db_prepare(c, COV_SELECT "WHERE cv.round_id = $1 AND a.parent_id = $2 ORDER BY a.code");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, area_id);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_cov(s, &out[n++]);
    db_done(s);
    return n;
}

int coverage_hourly(db_conn *c, int64_t round_id, int64_t area_id, coverage_hour *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT hour, sampled FROM coverage_hourly WHERE round_id = $1 AND area_id = $2"
                               " ORDER BY hour LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, area_id);
    db_bind_i64(s, 3, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        out[n].hour = db_col_i64(s, 0);
        out[n].sampled = db_col_i64(s, 1);
        n++;
    }
    db_done(s);
    return n;
}

/* Coverage rows for a scope area's subtree (in_scope from the registry's counters),
 * then its population added to every area above it. */
static int coverage_fill(db_conn *c, int64_t round_id, const area *a)
{
    char upper[FX_AREA_PATH_MAX];
    round_path_upper(a->path, upper);
    db_stmt *s = db_prepare(c, "INSERT INTO coverage (round_id, area_id, in_scope, sampled, exempt)"
                               " SELECT $1, x.id, COALESCE(n.persons, 0), 0, 0 FROM areas x"
                               " LEFT JOIN area_counts n ON n.area_id = x.id WHERE x.path >= $2 AND x.path < $3"
                               " ON CONFLICT (round_id, area_id) DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_text(s, 2, a->path);
    db_bind_text(s, 3, upper);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_ERR;
    int64_t persons = 0;
    coverage_row own;
    if (coverage_get(c, round_id, a->id, &own) == DB_ROW)
        persons = own.in_scope;
    for (const char *p = a->path; *p == '/' && p[1];) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (*end != '/' || id == a->id)
            break;
        s = db_prepare(c, "INSERT INTO coverage (round_id, area_id, in_scope, sampled, exempt) VALUES ($1, $2, $3, 0, 0)"
                          " ON CONFLICT (round_id, area_id) DO UPDATE SET in_scope = coverage.in_scope + $3");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, round_id);
        db_bind_i64(s, 2, id);
        db_bind_i64(s, 3, persons);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return DB_ERR;
        p = end;
    }
    return 0;
}

int round_create(db_conn *c, const actor *who, const round_input *in, fx_round *out, fx_err *err)
{
    size_t len = in->name ? fx_utf8_len(in->name) : 0;
    if (len == 0 || len > ROUND_NAME_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: give the round a name of 1 to %d characters",
                       ROUND_NAME_MAX);
    if (in->nareas < 1 || in->nareas > ROUND_AREAS_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_areas", "areas: list 1 to %d area codes", ROUND_AREAS_MAX);
    if (in->start_at <= 0 || in->deadline <= in->start_at)
        return fx_fail(err, FX_EINVAL, "invalid_deadline", "deadline must come after start (epoch seconds)");
    int pool[RISK__COUNT];
    for (int i = 0; i < RISK__COUNT; i++) {
        pool[i] = in->pool[i] ? in->pool[i] : pool_default[i];
        if (!round_pool_valid(pool[i]))
            return fx_fail(err, FX_EINVAL, "invalid_pool_size", "pool_%s must be 1, 5, 10 or 20", risk_names[i]);
    }
    area *areas = malloc(sizeof *areas * (size_t)in->nareas);
    if (!areas)
        return fx_fail(err, FX_EINTERNAL, "internal", "out of memory");
    int rc = 0;
    for (int i = 0; i < in->nareas && !rc; i++) {
        if (area_get(c, in->areas[i], &areas[i]) != DB_ROW || !actor_in_scope(who, areas[i].path))
            rc = fx_fail(err, FX_EINVAL, "area_not_found", "areas[%d]: %.64s does not exist in your area", i,
                         in->areas[i]);
    }
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->created_at = out->updated_at = fx_now();
    out->start_at = in->start_at;
    out->deadline = in->deadline;
    memcpy(out->pool, pool, sizeof pool);
    fx_copy(out->name, sizeof out->name, in->name);
    fx_copy(out->status, sizeof out->status, "open");
    fx_copy(out->created_by, sizeof out->created_by, who->log.name ? who->log.name : "");
    out->area_id = who->p && who->p->area_id ? who->p->area_id : (rc ? 0 : areas[0].id);
    db_stmt *s = rc ? NULL
                    : db_prepare(c, "INSERT INTO rounds (id, name, area_id, start_at, deadline, pool_sealed,"
                                    " pool_controlled, pool_precaution, pool_none, status, created_by, created_at,"
                                    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $11)");
    if (!rc && !s)
        rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not save the round");
    if (s) {
        db_bind_i64(s, 1, out->id);
        db_bind_text(s, 2, out->name);
        db_bind_i64(s, 3, out->area_id);
        db_bind_i64(s, 4, out->start_at);
        db_bind_i64(s, 5, out->deadline);
        db_bind_i64(s, 6, pool[RISK_SEALED]);
        db_bind_i64(s, 7, pool[RISK_CONTROLLED]);
        db_bind_i64(s, 8, pool[RISK_PRECAUTION]);
        db_bind_i64(s, 9, pool[RISK_NONE]);
        db_bind_text(s, 10, out->created_by);
        db_bind_i64(s, 11, out->created_at);
        if (db_step(s) != DB_DONE)
            rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not save the round");
        db_done(s);
    }
    fx_str codes;
    fx_str_init(&codes, 8192);
    for (int i = 0; i < in->nareas && !rc; i++) {
        bool nested = false; /* an area inside another listed one is already covered */
        for (int j = 0; j < in->nareas && !nested; j++)
            nested = j != i && strncmp(areas[i].path, areas[j].path, strlen(areas[j].path)) == 0 &&
                     (strcmp(areas[i].path, areas[j].path) != 0 || j < i);
        if (nested)
            continue;
        s = db_prepare(c, "INSERT INTO round_areas (round_id, area_id) VALUES ($1, $2)");
        if (!s) {
            rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not save the round's areas");
            break;
        }
        db_bind_i64(s, 1, out->id);
        db_bind_i64(s, 2, areas[i].id);
        int st = db_step(s);
        db_done(s);
        if (st != DB_DONE || coverage_fill(c, out->id, &areas[i]) != 0)
            rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not save the round's areas");
        fx_str_addf(&codes, "%s%s", codes.len ? "," : "", areas[i].code);
    }
    int attached = 0; /* field recalls waiting for a round over these areas */
    if (!rc && recall_attach_pending(c, out->id, &attached) != 0)
        rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not attach the pending recalls");
    audit_changes ch;
    audit_changes_init(&ch);
    if (!rc) {
        audit_changes_text(&ch, "areas", NULL, codes.p ? codes.p : "");
        if (attached)
            audit_changes_i64(&ch, "recalls_attached", 0, attached);
        area owner;
        if (area_get_id(c, out->area_id, &owner) == DB_ROW)
            fx_copy(out->area_code, sizeof out->area_code, owner.code);
        audit_changes_text(&ch, "name", NULL, out->name);
        audit_changes_i64(&ch, "start", 0, out->start_at);
        audit_changes_i64(&ch, "deadline", 0, out->deadline);
        char idbuf[24];
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)out->id);
        if (audit_record(c, &who->log, "create", "round", idbuf, audit_changes_json(&ch)) < 0)
            rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log");
    }
    audit_changes_free(&ch);
    fx_str_free(&codes);
    free(areas);
    return rc;
}
