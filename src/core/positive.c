#include "core/positive.h"

#include "core/alert.h"
#include "core/area.h"
#include "core/core_internal.h"
#include "core/isolation.h"
#include "core/person_row.h"
#include "core/zone.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A pool holds at most 20; repeat samples may add a few. */
#define MEMBERS_MAX 64

typedef struct member {
    int64_t person_id, area_id, household_id;
    char area_path[FX_AREA_PATH_MAX];
} member;

static int tube_members(db_conn *c, int64_t tube_id, member *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT DISTINCT p.id, p.area_id, COALESCE(p.household_id, 0), a.path FROM samples s"
                               " JOIN persons p ON p.id = s.person_id JOIN areas a ON a.id = p.area_id"
                               " WHERE s.tube_id = $1 ORDER BY p.id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        out[n].person_id = db_col_i64(s, 0);
        out[n].area_id = db_col_i64(s, 1);
        out[n].household_id = db_col_i64(s, 2);
        fx_copy(out[n].area_path, sizeof out[n].area_path, db_col_text(s, 3));
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* The building an area is in (or is): its ancestor-or-self of kind building, else the
 * area itself (a compound or street without buildings). */
static int building_of(db_conn *c, const char *area_path, area *out)
{
    char path[FX_AREA_PATH_MAX];
    fx_copy(path, sizeof path, area_path);
    int64_t self = path_last(path);
    for (;;) {
        int64_t id = path_last(path);
        if (!id)
            break;
        int rc = area_get_id(c, id, out);
        if (rc != DB_ROW)
            return rc < 0 ? rc : DB_ERR;
        if (strcmp(out->kind, "building") == 0)
            return DB_ROW;
        if (area_kind_rank(out->kind) < area_kind_rank("building"))
            break; /* above buildings: there is none */
        path[strlen(path) - 1] = '\0'; /* drop the last id */
        char *slash = strrchr(path, '/');
        if (!slash)
            break;
        slash[1] = '\0';
    }
    return area_get_id(c, self, out);
}

int tube_recall_members(db_conn *c, const tube_ref *t, const char *reason, int *n)
{
    member m[MEMBERS_MAX];
    int nm = tube_members(c, t->id, m, MEMBERS_MAX);
    if (nm < 0)
        return nm;
    *n = nm;
    for (int i = 0; i < nm; i++) {
        db_stmt *s = db_prepare(c, "INSERT INTO recalls (id, round_id, person_id, tube_id, top_area_id, area_id,"
                                   " reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                                   " ON CONFLICT (round_id, person_id, tube_id, reason) DO UPDATE"
                                   " SET done_at = NULL, done_tube_id = NULL WHERE recalls.done_tube_id IS NULL");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, fx_id_next());
        db_bind_i64(s, 2, t->round_id);
        db_bind_i64(s, 3, m[i].person_id);
        db_bind_i64(s, 4, t->id);
        db_bind_i64(s, 5, path_top(m[i].area_path));
        db_bind_i64(s, 6, m[i].area_id);
        db_bind_text(s, 7, reason);
        db_bind_i64(s, 8, fx_now());
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DB_ERR;
    }
    return 0;
}

/* One recall per person, round and kind of field cause: the unique index on tube-less
 * recalls; a retested one is reopened for the new cause. */
#define FIELD_RECALL_INSERT                                                                                   \
    "INSERT INTO recalls (id, round_id, person_id, tube_id, top_area_id, area_id, reason, created_at, cause_id)" \
    " VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8)"

int recall_field(db_conn *c, int64_t person_id, int64_t area_id, const char *reason, int64_t cause_id,
                 int64_t *recall_id, int64_t *round_id)
{
    *recall_id = *round_id = 0;
    area a;
    int rc = area_get_id(c, area_id, &a);
    if (rc != DB_ROW)
        return rc < 0 ? rc : DB_ERR;
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "SELECT r.id FROM rounds r JOIN round_areas ra ON ra.round_id = r.id"
                               " JOIN areas sa ON sa.id = ra.area_id WHERE r.status = 'open' AND r.deadline > $1"
                               " AND substr($2, 1, length(sa.path)) = sa.path ORDER BY r.deadline, r.id LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, now);
    db_bind_text(s, 2, a.path);
    if ((rc = db_step(s)) == DB_ROW)
        *round_id = db_col_i64(s, 0);
    db_done(s);
    if (rc < 0)
        return rc;
    s = db_prepare(c, *round_id ? FIELD_RECALL_INSERT " ON CONFLICT (round_id, person_id, reason) WHERE tube_id IS NULL"
                                  " DO UPDATE SET done_at = NULL, done_tube_id = NULL, created_at = excluded.created_at,"
                                  " cause_id = excluded.cause_id WHERE recalls.done_at IS NOT NULL"
                                : FIELD_RECALL_INSERT " ON CONFLICT (person_id, reason) WHERE round_id IS NULL DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    *round_id ? db_bind_i64(s, 2, *round_id) : db_bind_null(s, 2);
    db_bind_i64(s, 3, person_id);
    db_bind_i64(s, 4, path_top(a.path));
    db_bind_i64(s, 5, area_id);
    db_bind_text(s, 6, reason);
    db_bind_i64(s, 7, now);
    db_bind_i64(s, 8, cause_id);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    s = db_prepare(c, "SELECT id FROM recalls WHERE person_id = $1 AND reason = $2 AND tube_id IS NULL"
                      " AND round_id IS $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, person_id);
    db_bind_text(s, 2, reason);
    *round_id ? db_bind_i64(s, 3, *round_id) : db_bind_null(s, 3);
    if ((rc = db_step(s)) == DB_ROW)
        *recall_id = db_col_i64(s, 0);
    db_done(s);
    return rc == DB_ROW ? 0 : rc < 0 ? rc : DB_ERR;
}

int recall_attach_pending(db_conn *c, int64_t round_id, int *n)
{
    *n = 0;
    db_stmt *s = db_prepare(c, "UPDATE recalls SET round_id = $1 WHERE round_id IS NULL AND EXISTS (SELECT 1"
                               " FROM round_areas ra JOIN areas sa ON sa.id = ra.area_id JOIN areas a"
                               " ON a.id = recalls.area_id WHERE ra.round_id = $1"
                               " AND substr(a.path, 1, length(sa.path)) = sa.path)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    *n = (int)db_changes(c);
    return 0;
}

int recall_round(db_conn *c, int64_t id, int64_t *round_id)
{
    *round_id = 0;
    return db_one_i64(c, "SELECT COALESCE(round_id, 0) FROM recalls WHERE id = $1", id, round_id);
}

/* One alert per workstation of the members, saying how many of them live there. */
static int alert_workstations(db_conn *c, const tube_ref *t, const member *m, int nm, const char *kind,
                              const char *what)
{
    int64_t ws[MEMBERS_MAX];
    int count[MEMBERS_MAX], nws = 0;
    for (int i = 0; i < nm; i++) {
        int64_t id;
        if (alert_area_for(c, m[i].area_path, &id) != DB_ROW)
            return DB_ERR;
        int k = 0;
        while (k < nws && ws[k] != id)
            k++;
        if (k == nws) {
            ws[nws] = id;
            count[nws++] = 0;
        }
        count[k]++;
    }
    for (int k = 0; k < nws; k++) {
        char msg[400];
        snprintf(msg, sizeof msg, "tube %s %s: %d member(s) live in your area", t->barcode, what, count[k]);
        if (alert_raise(c, ws[k], kind, "tube", t->barcode, msg) != 0)
            return DB_ERR;
    }
    return 0;
}

int positive_pool_start(db_conn *c, const actor *who, const tube_ref *t)
{
    member m[MEMBERS_MAX];
    int nm = tube_members(c, t->id, m, MEMBERS_MAX);
    if (nm < 0)
        return nm;
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO positive_pools (tube_id, round_id, top_area_id, area_id, status, members,"
                               " detected_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (tube_id) DO UPDATE"
                               " SET status = 'pending', members = $5, detected_at = $6, decided_at = NULL,"
                               " decided_by = '', note = ''");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_i64(s, 2, t->round_id);
    db_bind_i64(s, 3, path_top(t->site_path));
    db_bind_i64(s, 4, path_last(t->site_path));
    db_bind_i64(s, 5, nm);
    db_bind_i64(s, 6, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    for (int i = 0; i < nm; i++) {
        s = db_prepare(c, "INSERT INTO pending_control (person_id, tube_id, round_id, top_area_id, area_id, state,"
                          " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)"
                          " ON CONFLICT (person_id, tube_id) DO UPDATE SET state = 'pending', updated_at = $6");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, m[i].person_id);
        db_bind_i64(s, 2, t->id);
        db_bind_i64(s, 3, t->round_id);
        db_bind_i64(s, 4, path_top(m[i].area_path));
        db_bind_i64(s, 5, m[i].area_id);
        db_bind_i64(s, 6, now);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DB_ERR;
    }
    for (int i = 0; i < nm; i++)
        if ((rc = zone_positive_inside(c, who, m[i].area_path, now, t->barcode)) != 0)
            return rc;
    int recalled;
    if ((rc = tube_recall_members(c, t, "positive_pool", &recalled)) != 0 ||
        (rc = alert_workstations(c, t, m, nm, "positive_pool",
                                 "is a positive pool; its members are pending control and recalled for a single-tube "
                                 "retest")) != 0)
        return rc;
    char changes[160];
    snprintf(changes, sizeof changes, "{\"members\":%d,\"pending_control\":%d,\"recalled\":%d}", nm, nm, recalled);
    return audit_record(c, &who->log, "positive_pool", "tube", t->barcode, changes);
}

/* A result corrected away from positive: the pool is withdrawn and its holds lifted. */
static int positive_pool_withdraw(db_conn *c, const actor *who, const tube_ref *t)
{
    member m[MEMBERS_MAX];
    int nm = tube_members(c, t->id, m, MEMBERS_MAX);
    if (nm < 0)
        return nm;
    int64_t now = fx_now();
    static const char *const sql[] = {
        "UPDATE positive_pools SET status = 'withdrawn' WHERE tube_id = $1",
        "UPDATE pending_control SET state = 'cleared', updated_at = $2 WHERE tube_id = $1 AND state = 'pending'",
        "UPDATE recalls SET done_at = $2 WHERE tube_id = $1 AND reason = 'positive_pool' AND done_at IS NULL",
    };
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
        db_stmt *s = db_prepare(c, sql[i]);
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, t->id);
        db_bind_i64(s, 2, now);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DB_ERR;
    }
    int rc = alert_workstations(c, t, m, nm, "positive_withdrawn",
                                "was corrected and is no longer positive; pending control and its recalls are lifted "
                                "(a confirmed decision stays until an officer reviews it)");
    return rc ? rc : audit_record(c, &who->log, "positive_withdrawn", "tube", t->barcode, NULL);
}

static int cancel_recalls(db_conn *c, const tube_ref *t, const char *reason)
{
    db_stmt *s = db_prepare(c, "UPDATE recalls SET done_at = $2 WHERE tube_id = $1 AND reason = $3 AND done_at IS NULL");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_i64(s, 2, fx_now());
    db_bind_text(s, 3, reason);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

/* This tube was a retest for members recalled by an earlier tube: sampled after it was sealed. */
static int complete_recalls(db_conn *c, const tube_ref *t)
{
    db_stmt *s = db_prepare(c, "UPDATE recalls SET done_at = $3, done_tube_id = $1 WHERE round_id = $2"
                               " AND done_at IS NULL AND (tube_id IS NULL OR tube_id <> $1) AND person_id IN (SELECT s.person_id"
                               " FROM samples s WHERE s.tube_id = $1 AND s.taken_at > COALESCE((SELECT"
                               " COALESCE(o.sealed_at, o.opened_at) FROM tubes o WHERE o.id = recalls.tube_id),"
                               " recalls.created_at))");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, t->id);
    db_bind_i64(s, 2, t->round_id);
    db_bind_i64(s, 3, fx_now());
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int result_consequences(db_conn *c, const actor *who, const tube_ref *t, const char *old_result,
                        const char *new_result)
{
    bool was_pos = old_result && strcmp(old_result, "positive") == 0;
    bool was_inv = old_result && strcmp(old_result, "invalid") == 0;
    bool pos = strcmp(new_result, "positive") == 0, inv = strcmp(new_result, "invalid") == 0;
    int rc = 0, n;
    if (was_pos && !pos)
        rc = positive_pool_withdraw(c, who, t);
    if (!rc && was_inv && !inv)
        rc = cancel_recalls(c, t, "invalid");
    if (!rc && !inv)
        rc = complete_recalls(c, t);
    if (!rc && inv)
        rc = tube_recall_members(c, t, "invalid", &n);
    if (!rc && pos)
        rc = positive_pool_start(c, who, t);
    return rc;
}

/* ---- the officer's decision ---- */

#define POOL_SELECT                                                                                          \
    "SELECT pp.tube_id, pp.round_id, pp.detected_at, COALESCE(pp.decided_at, 0), pp.members, t.barcode,"     \
    " pp.status, pp.decided_by, pp.note, a.code FROM positive_pools pp JOIN tubes t ON t.id = pp.tube_id"     \
    " JOIN areas a ON a.id = pp.area_id "

static void read_pool(db_stmt *s, positive_pool *o)
{
    memset(o, 0, sizeof *o);
    o->tube_id = db_col_i64(s, 0);
    o->round_id = db_col_i64(s, 1);
    o->detected_at = db_col_i64(s, 2);
    o->decided_at = db_col_i64(s, 3);
    o->members = (int)db_col_i64(s, 4);
    fx_copy(o->tube, sizeof o->tube, db_col_text(s, 5));
    fx_copy(o->status, sizeof o->status, db_col_text(s, 6));
    fx_copy(o->decided_by, sizeof o->decided_by, db_col_text(s, 7));
    fx_copy(o->note, sizeof o->note, db_col_text(s, 8));
    fx_copy(o->site_area, sizeof o->site_area, db_col_text(s, 9));
}

static int read_targets(db_conn *c, positive_pool *o)
{
    db_stmt *s = db_prepare(c, "SELECT ct.kind, ct.target_id, COALESCE(a.code, '') FROM control_targets ct"
                               " LEFT JOIN areas a ON ct.kind = 'building' AND a.id = ct.target_id"
                               " WHERE ct.tube_id = $1 ORDER BY ct.kind, ct.target_id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, o->tube_id);
    int rc;
    o->nhouseholds = o->nbuildings = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (strcmp(db_col_text(s, 0), "household") == 0 && o->nhouseholds < CONTROL_MAX)
            o->households[o->nhouseholds++] = db_col_i64(s, 1);
        else if (strcmp(db_col_text(s, 0), "building") == 0 && o->nbuildings < CONTROL_MAX)
            fx_copy(o->buildings[o->nbuildings++], sizeof o->buildings[0], db_col_text(s, 2));
    }
    db_done(s);
    if (rc < 0)
        return rc;
    static const char *const follow[] = {"SELECT id FROM isolations WHERE tube_id = $1 ORDER BY id",
                                         "SELECT id FROM zones WHERE cause_tube_id = $1 ORDER BY id"};
    o->nisolations = o->nzones = 0;
    for (int k = 0; k < 2; k++) {
        int64_t *ids = k ? o->zones : o->isolations;
        int *n = k ? &o->nzones : &o->nisolations;
        if (!(s = db_prepare(c, follow[k])))
            return DB_ERR;
        db_bind_i64(s, 1, o->tube_id);
        while ((rc = db_step(s)) == DB_ROW && *n < CONTROL_MAX)
            ids[(*n)++] = db_col_i64(s, 0);
        db_done(s);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int positive_get(db_conn *c, int64_t tube_id, positive_pool *out)
{
    db_stmt *s = db_prepare(c, POOL_SELECT "WHERE pp.tube_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_pool(s, out);
    db_done(s);
    if (rc == DB_ROW && read_targets(c, out) != 0)
        return DB_ERR;
    return rc;
}

int positive_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_id, positive_pool *out,
                  int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, POOL_SELECT "WHERE pp.round_id = $1 AND pp.tube_id > $2 AND a.path >= $3"
                                           " AND a.path < $4 ORDER BY pp.tube_id LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_id);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_pool(s, &out[n++]);
    db_done(s);
    for (int i = 0; rc >= 0 && i < n; i++)
        if (read_targets(c, &out[i]) != 0)
            rc = DB_ERR;
    return rc < 0 ? rc : n;
}

static int add_target(db_conn *c, int64_t tube_id, const char *kind, int64_t target, int64_t now)
{
    db_stmt *s = db_prepare(c, "INSERT INTO control_targets (tube_id, kind, target_id, created_at)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT (tube_id, kind, target_id) DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tube_id);
    db_bind_text(s, 2, kind);
    db_bind_i64(s, 3, target);
    db_bind_i64(s, 4, now);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int positive_confirm(db_conn *c, const actor *who, const char *barcode, const char *note, positive_pool *out,
                     fx_err *err)
{
    char text[404];
    fx_text_normalize(note ? note : "", text, sizeof text);
    if (fx_utf8_len(text) > 100)
        return fx_fail(err, FX_EINVAL, "note_too_long", "note: at most 100 characters");
    tube_ref t;
    int rc = tube_ref_get(c, barcode, &t);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the tube");
    if (rc != DB_ROW || !(actor_in_scope(who, t.round_path) || actor_in_scope(who, t.site_path)))
        return fx_fail(err, FX_ENOTFOUND, "tube_not_found", "tube %.40s does not exist in your area", barcode);
    rc = positive_get(c, t.id, out);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the pool");
    if (rc != DB_ROW)
        return fx_fail(err, FX_ERULE, "not_positive", "tube %s has no positive result to confirm", t.barcode);
    if (strcmp(out->status, "withdrawn") == 0)
        return fx_fail(err, FX_ERULE, "pool_withdrawn",
                       "tube %s was corrected and is no longer positive: nothing to confirm", t.barcode);
    if (strcmp(out->status, "confirmed") == 0) {
        out->already = true; /* a second click changes nothing */
        return 0;
    }
    member m[MEMBERS_MAX];
    int nm = tube_members(c, t.id, m, MEMBERS_MAX);
    if (nm < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the members");
    int64_t now = fx_now();
    /* 1. what comes under control: the members' households and their buildings */
    for (int i = 0; i < nm; i++) {
        area b;
        if ((m[i].household_id && add_target(c, t.id, "household", m[i].household_id, now) != 0) ||
            building_of(c, m[i].area_path, &b) != DB_ROW || add_target(c, t.id, "building", b.id, now) != 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the households and buildings");
    }
    /* 2. the members: from pending to confirmed control; 3. the decision itself */
    db_stmt *s = db_prepare(c, "UPDATE pending_control SET state = 'confirmed', updated_at = $2"
                               " WHERE tube_id = $1 AND state = 'pending'");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the decision");
    db_bind_i64(s, 1, t.id);
    db_bind_i64(s, 2, now);
    rc = db_step(s);
    db_done(s);
    s = rc == DB_DONE ? db_prepare(c, "UPDATE positive_pools SET status = 'confirmed', decided_at = $2,"
                                      " decided_by = $3, note = $4 WHERE tube_id = $1")
                      : NULL;
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the decision");
    db_bind_i64(s, 1, t.id);
    db_bind_i64(s, 2, now);
    db_bind_text(s, 3, who->log.name);
    db_bind_text(s, 4, text);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the decision");
    /* 4. an isolation case per member (the confirmation covers every member, wherever
     * they live: the tube was in the officer's area), a proposed zone per building */
    actor sys = *who;
    sys.p = NULL;
    int isolated = 0, proposed = 0;
    for (int i = 0; i < nm; i++) {
        iso_input in = {.person_id = m[i].person_id, .type = "home_isolation", .reason = "positive_pool",
                        .tube_id = t.id};
        isolation iso;
        fx_err e;
        rc = iso_create(c, &sys, &in, &iso, &e);
        if (rc != 0 && rc != FX_ECONFLICT) /* already isolated: that case stands */
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not open the isolation cases: %s", e.msg);
        isolated += rc == 0;
    }
    for (int i = 0; i < nm; i++) {
        area b;
        int64_t zid;
        if (building_of(c, m[i].area_path, &b) != DB_ROW || zone_propose(c, who, b.id, t.id, &zid) != 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not propose the zones");
        proposed += zid != 0;
    }
    if (positive_get(c, t.id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the decision");
    fx_str ch;
    fx_str_init(&ch, 8192);
    fx_str_addf(&ch, "{\"status\":{\"from\":\"pending\",\"to\":\"confirmed\"},\"members\":%d,\"households\":[", nm);
    for (int i = 0; i < out->nhouseholds; i++)
        fx_str_addf(&ch, "%s%lld", i ? "," : "", (long long)out->households[i]);
    fx_str_adds(&ch, "],\"buildings\":[");
    for (int i = 0; i < out->nbuildings; i++) {
        if (i)
            fx_str_adds(&ch, ",");
        fx_str_add_json(&ch, out->buildings[i]);
    }
    fx_str_addf(&ch, "],\"isolations_opened\":%d,\"zones_proposed\":%d}", isolated, proposed);
    rc = ch.overflow ? -1 : audit_record(c, &who->log, "confirm_positive", "tube", t.barcode, ch.p);
    fx_str_free(&ch);
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the decision");
    return 0;
}

/* ---- lists ---- */

static void read_control(db_stmt *s, control_row *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->person_id = db_col_i64(s, 1);
    o->tube_id = db_col_i64(s, 2);
    o->created_at = db_col_i64(s, 3);
    o->done_at = db_col_i64(s, 4);
    o->done_tube_id = db_col_i64(s, 5);
    fx_copy(o->reason, sizeof o->reason, db_col_text(s, 6));
    fx_copy(o->tube, sizeof o->tube, db_col_text(s, 7));
    fx_copy(o->done_tube, sizeof o->done_tube, db_col_text(s, 8));
    o->cause_id = db_col_i64(s, 14);
    fx_copy(o->name, sizeof o->name, db_col_text(s, 9));
    fx_copy(o->id_number, sizeof o->id_number, db_col_text(s, 10));
    fx_copy(o->phone, sizeof o->phone, db_col_text(s, 11));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 12));
    fx_copy(o->area_path, sizeof o->area_path, db_col_text(s, 13));
}

int recall_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t tube_id, bool open_only,
                int64_t after_id, control_row *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT r.id, r.person_id, COALESCE(r.tube_id, 0), r.created_at, COALESCE(r.done_at, 0),"
                               " COALESCE(r.done_tube_id, 0), r.reason, COALESCE(t.barcode, ''), COALESCE(dt.barcode, ''),"
                               " p.name, p.id_number, p.phone, a.code, a.path, COALESCE(r.cause_id, 0) FROM recalls r"
                               " LEFT JOIN tubes t ON t.id = r.tube_id"
                               " LEFT JOIN tubes dt ON dt.id = r.done_tube_id JOIN persons p ON p.id = r.person_id"
                               " JOIN areas a ON a.id = r.area_id WHERE r.round_id = $1 AND r.id > $2"
                               " AND a.path >= $3 AND a.path < $4 AND ($5 = 0 OR r.tube_id = $5)"
                               " AND ($6 = 0 OR r.done_at IS NULL) ORDER BY r.id LIMIT $7");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_id);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, tube_id);
    db_bind_i64(s, 6, open_only);
    db_bind_i64(s, 7, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_control(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

int pending_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_person, control_row *out,
                 int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT 0, pc.person_id, pc.tube_id, pc.created_at, 0, 0, pc.state, t.barcode, '',"
                               " p.name, p.id_number, p.phone, a.code, a.path, 0 FROM pending_control pc"
                               " JOIN tubes t ON t.id = pc.tube_id JOIN persons p ON p.id = pc.person_id"
                               " JOIN areas a ON a.id = pc.area_id WHERE pc.round_id = $1 AND pc.state = 'pending'"
                               " AND pc.person_id > $2 AND a.path >= $3 AND a.path < $4 ORDER BY pc.person_id LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_person);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        read_control(s, &out[n]);
        out[n].id = out[n].person_id; /* the page cursor */
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- trace ---- */

static int grow(trace_person **arr, int n, int *cap)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 16;
    trace_person *p = realloc(*arr, sizeof **arr * (size_t)nc);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static bool has_person(const trace_person *a, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (a[i].p.id == id)
            return true;
    return false;
}

/* Reads persons of stmt s (PERSON_COLUMNS) into *arr, skipping those already in skip lists. */
static int read_people(db_stmt *s, trace_person **arr, int *n, int *cap, int limit, const tube_trace *tr,
                       int64_t building_id, bool *cut)
{
    int rc, taken = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        person p;
        person_read_row(s, &p);
        if (has_person(tr->members, tr->nmembers, p.id) || has_person(tr->housemates, tr->nhousemates, p.id) ||
            has_person(*arr, *n, p.id))
            continue;
        if (taken == limit) {
            *cut = true;
            break;
        }
        if (grow(arr, *n, cap) != 0)
            return DB_ERR;
        trace_person *tp = &(*arr)[(*n)++];
        memset(tp, 0, sizeof *tp);
        tp->p = p;
        tp->building_id = building_id;
        taken++;
    }
    return rc < 0 ? rc : 0;
}

int tube_trace_get(db_conn *c, const char *barcode, int co_limit, tube_trace *tr)
{
    memset(tr, 0, sizeof *tr);
    int rc = tube_ref_get(c, barcode, &tr->tube);
    if (rc != DB_ROW)
        return rc;
    db_stmt *s = db_prepare(c, "SELECT result FROM results WHERE tube_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tr->tube.id);
    if (db_step(s) == DB_ROW)
        fx_copy(tr->result, sizeof tr->result, db_col_text(s, 0));
    db_done(s);
    int cap_m = 0, cap_h = 0, cap_c = 0, cap_b = 0;
    bool cut = false;
    /* members, with what was done about each from this tube */
    s = db_prepare(c, PERSON_SELECT "WHERE p.id IN (SELECT person_id FROM samples WHERE tube_id = $1) ORDER BY p.id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, tr->tube.id);
    rc = read_people(s, &tr->members, &tr->nmembers, &cap_m, MEMBERS_MAX, tr, 0, &cut);
    db_done(s);
    for (int i = 0; rc == 0 && i < tr->nmembers; i++) {
        trace_person *m = &tr->members[i];
        m->member = true;
        area b;
        if (building_of(c, m->p.area_path, &b) != DB_ROW) {
            rc = DB_ERR;
            break;
        }
        m->building_id = b.id;
        s = db_prepare(c, "SELECT r.reason, r.done_at IS NOT NULL, COALESCE(pc.state, '') FROM samples sm"
                          " LEFT JOIN recalls r ON r.tube_id = sm.tube_id AND r.person_id = sm.person_id"
                          " LEFT JOIN pending_control pc ON pc.tube_id = sm.tube_id AND pc.person_id = sm.person_id"
                          " WHERE sm.tube_id = $1 AND sm.person_id = $2 ORDER BY r.id DESC LIMIT 1");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_i64(s, 1, tr->tube.id);
        db_bind_i64(s, 2, m->p.id);
        if (db_step(s) == DB_ROW) {
            fx_copy(m->recall, sizeof m->recall, db_col_null(s, 0) ? "" : db_col_text(s, 0));
            m->recall_done = m->recall[0] && db_col_i64(s, 1);
            fx_copy(m->control, sizeof m->control, db_col_text(s, 2));
        }
        db_done(s);
        /* the building, once */
        int k = 0;
        while (k < tr->nbuildings && tr->buildings[k].id != b.id)
            k++;
        if (k == tr->nbuildings) {
            if (tr->nbuildings == cap_b) {
                cap_b = cap_b ? cap_b * 2 : 8;
                trace_building *nb = realloc(tr->buildings, sizeof *nb * (size_t)cap_b);
                if (!nb) {
                    rc = DB_ERR;
                    break;
                }
                tr->buildings = nb;
            }
            trace_building *tb = &tr->buildings[tr->nbuildings++];
            memset(tb, 0, sizeof *tb);
            tb->id = b.id;
            fx_copy(tb->code, sizeof tb->code, b.code);
            fx_copy(tb->name, sizeof tb->name, b.name);
        }
    }
    /* their households' other people */
    for (int i = 0; rc == 0 && i < tr->nmembers; i++) {
        if (!tr->members[i].p.household_id)
            continue;
        s = db_prepare(c, PERSON_SELECT "WHERE p.household_id = $1 ORDER BY p.id");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_i64(s, 1, tr->members[i].p.household_id);
        rc = read_people(s, &tr->housemates, &tr->nhousemates, &cap_h, 1000, tr, tr->members[i].building_id, &cut);
        db_done(s);
    }
    /* the other residents of their buildings */
    for (int k = 0; rc == 0 && k < tr->nbuildings; k++) {
        area b;
        char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
        if (area_get_id(c, tr->buildings[k].id, &b) != DB_ROW) {
            rc = DB_ERR;
            break;
        }
        scope_range(b.path, lo, hi);
        s = db_prepare(c, "SELECT COUNT(*) FROM persons p JOIN areas a ON a.id = p.area_id"
                          " WHERE a.path >= $1 AND a.path < $2");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
        if (db_step(s) == DB_ROW)
            tr->buildings[k].residents_total = (int)db_col_i64(s, 0);
        db_done(s);
        s = db_prepare(c, PERSON_SELECT "WHERE a.path >= $1 AND a.path < $2 ORDER BY a.path, p.id LIMIT $3");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
        /* enough rows to skip members and housemates and still fill co_limit */
        db_bind_i64(s, 3, co_limit + tr->nmembers + tr->nhousemates + 1);
        bool cut_b = false;
        rc = read_people(s, &tr->co_residents, &tr->nco_residents, &cap_c, co_limit, tr, b.id, &cut_b);
        db_done(s);
        tr->co_residents_cut |= cut_b;
    }
    if (rc == 0) {
        int prc = positive_get(c, tr->tube.id, &tr->pool);
        if (prc < 0)
            rc = prc;
        tr->has_pool = prc == DB_ROW;
    }
    if (rc != 0) {
        tube_trace_free(tr);
        return rc < 0 ? rc : DB_ERR;
    }
    return DB_ROW;
}

void tube_trace_free(tube_trace *tr)
{
    free(tr->members);
    free(tr->housemates);
    free(tr->co_residents);
    free(tr->buildings);
    tr->members = tr->housemates = tr->co_residents = NULL;
    tr->buildings = NULL;
    tr->nmembers = tr->nhousemates = tr->nco_residents = tr->nbuildings = 0;
}
