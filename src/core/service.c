#include "core/service.h"

#include "core/account.h"
#include "core/alert.h"
#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)

static int scoped_household(db_conn *c, const actor *who, int64_t id, household *h, fx_err *err)
{
    int rc = household_get(c, id, h);
    if (rc < 0)
        return DB_FAIL(err, "read the household");
    if (rc != DB_ROW || !actor_in_scope(who, h->area_path))
        return fx_fail(err, FX_ENOTFOUND, "household_not_found", "household %lld does not exist in your area",
                       (long long)id);
    return 0;
}

static int scoped_area(db_conn *c, const actor *who, const char *code, area *a, fx_err *err)
{
    int rc = area_get(c, code, a);
    if (rc < 0)
        return DB_FAIL(err, "read the area");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area %s does not exist", code);
    if (!actor_in_scope(who, a->path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %s is outside your area", code);
    return 0;
}

/* ---- windows ---- */

static int insert_window(db_conn *c, const actor *who, int64_t area_id, const char *area_path, int64_t household_id,
                         const char *kind, int64_t starts, int64_t ends, const char *note, int64_t *out_id)
{
    db_stmt *s = db_prepare(c, "INSERT INTO door_windows (id, top_area_id, area_id, household_id, kind, starts_at,"
                               " ends_at, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return DB_ERR;
    *out_id = fx_id_next();
    db_bind_i64(s, 1, *out_id);
    db_bind_i64(s, 2, path_top(area_path));
    db_bind_i64(s, 3, area_id);
    if (household_id)
        db_bind_i64(s, 4, household_id);
    else
        db_bind_null(s, 4);
    db_bind_text(s, 5, kind);
    db_bind_i64(s, 6, starts);
    db_bind_i64(s, 7, ends);
    db_bind_text(s, 8, note ? note : "");
    db_bind_text(s, 9, who->log.name);
    db_bind_i64(s, 10, fx_now());
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static int check_times(int64_t starts, int64_t ends, fx_err *err)
{
    if (ends <= starts)
        return fx_fail(err, FX_EINVAL, "invalid_end", "end must be after start");
    if (ends - starts > 7 * 86400)
        return fx_fail(err, FX_EINVAL, "invalid_end", "a window lasts at most 7 days");
    return 0;
}

#define WINDOW_SELECT                                                                                        \
    "SELECT w.id, COALESCE(w.household_id, 0), w.starts_at, w.ends_at, w.created_at, w.kind, a.code, w.note," \
    " w.created_by FROM door_windows w JOIN areas a ON a.id = w.area_id "

static void read_window(db_stmt *s, void *row)
{
    door_window *w = row;
    memset(w, 0, sizeof *w);
    w->id = db_col_i64(s, 0);
    w->household_id = db_col_i64(s, 1);
    w->starts_at = db_col_i64(s, 2);
    w->ends_at = db_col_i64(s, 3);
    w->created_at = db_col_i64(s, 4);
    fx_copy(w->kind, sizeof w->kind, db_col_text(s, 5));
    fx_copy(w->area_code, sizeof w->area_code, db_col_text(s, 6));
    fx_copy(w->note, sizeof w->note, db_col_text(s, 7));
    fx_copy(w->created_by, sizeof w->created_by, db_col_text(s, 8));
}

int window_create(db_conn *c, const actor *who, const window_input *in, door_window *out, fx_err *err)
{
    if (!in->kind || (strcmp(in->kind, "garbage") != 0 && strcmp(in->kind, "delivery") != 0 &&
                      strcmp(in->kind, "medical") != 0))
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind must be garbage, delivery or medical");
    int rc = check_times(in->starts_at, in->ends_at, err);
    if (rc)
        return rc;
    int64_t area_id;
    char path[FX_AREA_PATH_MAX];
    if (in->household_id) {
        household h;
        if ((rc = scoped_household(c, who, in->household_id, &h, err)))
            return rc;
        area_id = h.area_id;
        fx_copy(path, sizeof path, h.area_path);
    } else if (in->area) {
        area a;
        if ((rc = scoped_area(c, who, in->area, &a, err)))
            return rc;
        area_id = a.id;
        fx_copy(path, sizeof path, a.path);
    } else {
        return fx_fail(err, FX_EINVAL, "missing_field", "give household (one household) or area (all of it)");
    }
    int64_t id;
    if (insert_window(c, who, area_id, path, in->household_id, in->kind, in->starts_at, in->ends_at, in->note, &id))
        return DB_FAIL(err, "save the window");
    db_stmt *s = db_prepare(c, WINDOW_SELECT "WHERE w.id = $1");
    if (!s)
        return DB_FAIL(err, "read the window");
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW)
        read_window(s, out);
    db_done(s);
    char changes[200];
    snprintf(changes, sizeof changes, "{\"kind\":{\"from\":null,\"to\":\"%s\"},\"household\":{\"from\":null,\"to\":%lld}}",
             out->kind, (long long)in->household_id);
    if (rc != DB_ROW || audit_record_id(c, &who->log, "create", "door_window", id, changes) != 0)
        return DB_FAIL(err, "save the window");
    return 0;
}

int window_list(db_conn *c, const char *scope_path, int64_t household_id, int64_t after, int64_t before_id,
                door_window *out, int max)
{
    db_stmt *s = scope_page(c, WINDOW_SELECT "WHERE a.path >= $1 AND a.path < $2 AND w.id < $3 AND w.ends_at > $5"
                                             " AND ($6 = 0 OR w.household_id = $6) ORDER BY w.id DESC LIMIT $4",
                            scope_path, before_id ? before_id : INT64_MAX, max);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 5, after);
    db_bind_i64(s, 6, household_id);
    return db_rows(s, read_window, out, sizeof *out, max);
}

/* ---- garbage rounds ---- */

#define GARBAGE_SELECT                                                                                       \
    "SELECT g.id, g.window_id, g.starts_at, g.ends_at, g.created_at, a.code, a.path, g.note, g.created_by,"   \
    " (SELECT COUNT(*) FROM households h JOIN areas ha ON ha.id = h.area_id"                                  \
    "   WHERE substr(ha.path, 1, length(a.path)) = a.path),"                                                   \
    " (SELECT COUNT(*) FROM garbage_marks m WHERE m.round_id = g.id)"                                          \
    " FROM garbage_rounds g JOIN areas a ON a.id = g.area_id "

static void read_garbage(db_stmt *s, void *row)
{
    garbage_round *g = row;
    memset(g, 0, sizeof *g);
    g->id = db_col_i64(s, 0);
    g->window_id = db_col_i64(s, 1);
    g->starts_at = db_col_i64(s, 2);
    g->ends_at = db_col_i64(s, 3);
    g->created_at = db_col_i64(s, 4);
    fx_copy(g->area_code, sizeof g->area_code, db_col_text(s, 5));
    fx_copy(g->area_path, sizeof g->area_path, db_col_text(s, 6));
    fx_copy(g->note, sizeof g->note, db_col_text(s, 7));
    fx_copy(g->created_by, sizeof g->created_by, db_col_text(s, 8));
    g->households = (int)db_col_i64(s, 9);
    g->done = (int)db_col_i64(s, 10);
}

int garbage_get(db_conn *c, int64_t id, garbage_round *out)
{
    return db_one_row(c, GARBAGE_SELECT "WHERE g.id = $1", id, read_garbage, out);
}

int garbage_create(db_conn *c, const actor *who, const char *area_code, int64_t starts_at, int64_t ends_at,
                   const char *note, garbage_round *out, fx_err *err)
{
    area a;
    int rc = scoped_area(c, who, area_code, &a, err);
    if (rc)
        return rc;
    if (strcmp(a.kind, "building") != 0 && strcmp(a.kind, "compound") != 0 && strcmp(a.kind, "unit") != 0)
        return fx_fail(err, FX_ERULE, "not_building", "area %s is a %s: garbage rounds go over a building", area_code,
                       a.kind);
    if ((rc = check_times(starts_at, ends_at, err)))
        return rc;
    int64_t window_id, id = fx_id_next();
    if (insert_window(c, who, a.id, a.path, 0, "garbage", starts_at, ends_at, note, &window_id))
        return DB_FAIL(err, "save the round's window");
    db_stmt *s = db_prepare(c, "INSERT INTO garbage_rounds (id, top_area_id, area_id, window_id, starts_at, ends_at,"
                               " note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    if (!s)
        return DB_FAIL(err, "save the round");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, path_top(a.path));
    db_bind_i64(s, 3, a.id);
    db_bind_i64(s, 4, window_id);
    db_bind_i64(s, 5, starts_at);
    db_bind_i64(s, 6, ends_at);
    db_bind_text(s, 7, note ? note : "");
    db_bind_text(s, 8, who->log.name);
    db_bind_i64(s, 9, fx_now());
    rc = db_step(s);
    db_done(s);
    char changes[160];
    snprintf(changes, sizeof changes, "{\"area\":{\"from\":null,\"to\":\"%s\"},\"window\":{\"from\":null,\"to\":%lld}}",
             area_code, (long long)window_id);
    if (rc != DB_DONE || garbage_get(c, id, out) != DB_ROW ||
        audit_record_id(c, &who->log, "create", "garbage_round", id, changes) != 0)
        return DB_FAIL(err, "save the round");
    return 0;
}

int garbage_list(db_conn *c, const char *scope_path, int64_t before_id, garbage_round *out, int max)
{
    db_stmt *s = scope_page(c, GARBAGE_SELECT "WHERE a.path >= $1 AND a.path < $2 AND g.id < $3"
                                              " ORDER BY g.id DESC LIMIT $4",
                            scope_path, before_id ? before_id : INT64_MAX, max);
    return s ? db_rows(s, read_garbage, out, sizeof *out, max) : DB_ERR;
}

int garbage_households(db_conn *c, const garbage_round *g, garbage_household *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(g->area_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT h.id, h.address_key, COALESCE(m.done_at, 0), COALESCE(m.done_by, ''),"
                               " EXISTS (SELECT 1 FROM persons p JOIN isolations i ON i.person_id = p.id"
                               "   WHERE p.household_id = h.id AND i.status = 'active')"
                               " FROM households h JOIN areas a ON a.id = h.area_id"
                               " LEFT JOIN garbage_marks m ON m.round_id = $3 AND m.household_id = h.id"
                               " WHERE a.path >= $1 AND a.path < $2 ORDER BY h.address_key LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, g->id);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        garbage_household *h = &out[n++];
        memset(h, 0, sizeof *h);
        h->household_id = db_col_i64(s, 0);
        fx_copy(h->address, sizeof h->address, db_col_text(s, 1));
        h->done_at = db_col_i64(s, 2);
        fx_copy(h->done_by, sizeof h->done_by, db_col_text(s, 3));
        h->isolated = db_col_i64(s, 4) != 0;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

int garbage_mark(db_conn *c, const actor *who, int64_t round_id, int64_t household_id, fx_err *err)
{
    garbage_round g;
    int rc = garbage_get(c, round_id, &g);
    if (rc < 0)
        return DB_FAIL(err, "read the round");
    if (rc != DB_ROW || !actor_in_scope(who, g.area_path))
        return fx_fail(err, FX_ENOTFOUND, "round_not_found", "garbage round %lld does not exist in your area",
                       (long long)round_id);
    household h;
    if ((rc = scoped_household(c, who, household_id, &h, err)))
        return rc;
    if (strncmp(h.area_path, g.area_path, strlen(g.area_path)) != 0)
        return fx_fail(err, FX_ERULE, "household_not_in_round", "household %lld is not in %s", (long long)household_id,
                       g.area_code);
    db_stmt *s = db_prepare(c, "INSERT INTO garbage_marks (round_id, household_id, done_at, done_by)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT (round_id, household_id) DO NOTHING");
    if (!s)
        return DB_FAIL(err, "save the mark");
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, household_id);
    db_bind_i64(s, 3, fx_now());
    db_bind_text(s, 4, who->log.name);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the mark");
    if (db_changes(c) == 0)
        return 0;
    char changes[96];
    snprintf(changes, sizeof changes, "{\"collected\":{\"from\":null,\"to\":%lld}}", (long long)household_id);
    return audit_record_id(c, &who->log, "mark", "garbage_round", round_id, changes) ? DB_FAIL(err, "audit the mark") : 0;
}

/* ---- requests ---- */

bool request_kind_valid(const char *s)
{
    static const char *const k[] = {"groceries", "medicine", "medical", "counselling", "other"};
    for (size_t i = 0; s && i < sizeof k / sizeof *k; i++)
        if (strcmp(s, k[i]) == 0)
            return true;
    return false;
}

#define REQUEST_SELECT                                                                                       \
    "SELECT r.id, r.household_id, COALESCE(r.person_id, 0), COALESCE(r.assignee_id, 0), r.deadline,"          \
    " COALESCE(r.overdue_at, 0), r.created_at, r.updated_at, COALESCE(r.done_at, 0), r.kind, r.status,"       \
    " r.description, r.feedback, COALESCE(u.username, ''), a.code, h.address_key, r.created_by, a.path"     \
    " FROM service_requests r JOIN areas a ON a.id = r.area_id JOIN households h ON h.id = r.household_id"  \
    " LEFT JOIN users u ON u.id = r.assignee_id "

static void read_request(db_stmt *s, service_request *o, char *path)
{
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->household_id = db_col_i64(s, 1);
    o->person_id = db_col_i64(s, 2);
    o->assignee_id = db_col_i64(s, 3);
    o->deadline = db_col_i64(s, 4);
    o->overdue_at = db_col_i64(s, 5);
    o->created_at = db_col_i64(s, 6);
    o->updated_at = db_col_i64(s, 7);
    o->done_at = db_col_i64(s, 8);
    fx_copy(o->kind, sizeof o->kind, db_col_text(s, 9));
    fx_copy(o->status, sizeof o->status, db_col_text(s, 10));
    fx_copy(o->description, sizeof o->description, db_col_text(s, 11));
    fx_copy(o->feedback, sizeof o->feedback, db_col_text(s, 12));
    fx_copy(o->assignee, sizeof o->assignee, db_col_text(s, 13));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 14));
    fx_copy(o->address, sizeof o->address, db_col_text(s, 15));
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 16));
    if (path)
        fx_copy(path, FX_AREA_PATH_MAX, db_col_text(s, 17));
}

static void read_request_row(db_stmt *s, void *row) { read_request(s, row, NULL); }

static int request_row(db_conn *c, int64_t id, service_request *out, char path[FX_AREA_PATH_MAX])
{
    db_stmt *s = db_prepare(c, REQUEST_SELECT "WHERE r.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_request(s, out, path);
    db_done(s);
    return rc;
}

static bool is_volunteer(const actor *who) { return who->p && who->p->role == ROLE_VOLUNTEER; }

int request_get(db_conn *c, const actor *who, int64_t id, service_request *out, fx_err *err)
{
    char path[FX_AREA_PATH_MAX] = "";
    int rc = request_row(c, id, out, path);
    if (rc < 0)
        return DB_FAIL(err, "read the request");
    if (rc != DB_ROW || !actor_in_scope(who, path) || (is_volunteer(who) && out->assignee_id != who->p->user_id))
        return fx_fail(err, FX_ENOTFOUND, "request_not_found", "request %lld does not exist in your area",
                       (long long)id);
    return 0;
}

/* An assignee: an enabled user whose scope covers the request's area. */
static int find_assignee(db_conn *c, const char *username, const char *req_path, int64_t *out_id, fx_err *err)
{
    user u;
    int rc = user_get(c, username, &u, NULL);
    if (rc < 0)
        return DB_FAIL(err, "read the assignee");
    principal p = {.role = perm_role_parse(u.role), .user_id = u.id, .area_id = u.area_id};
    fx_copy(p.area_path, sizeof p.area_path, u.area_path);
    if (rc != DB_ROW || u.disabled || !perm_allows(p.role, ACT_SERVICE) || !perm_in_scope(&p, req_path))
        return fx_fail(err, FX_EINVAL, "invalid_assignee",
                       "assignee must be an enabled officer, staff member or volunteer whose area covers the request");
    *out_id = u.id;
    return 0;
}

int request_create(db_conn *c, const actor *who, const request_input *in, service_request *out, fx_err *err)
{
    if (is_volunteer(who))
        return fx_fail(err, FX_EPERM, "forbidden", "volunteers work on requests assigned to them; staff record them");
    if (!request_kind_valid(in->kind))
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind must be groceries, medicine, medical, counselling or other");
    household h;
    int rc = scoped_household(c, who, in->household_id, &h, err);
    if (rc)
        return rc;
    if (in->person_id) {
        person p;
        if (person_get(c, in->person_id, &p) != DB_ROW || p.household_id != in->household_id)
            return fx_fail(err, FX_EINVAL, "invalid_person", "person %lld does not live in household %lld",
                           (long long)in->person_id, (long long)in->household_id);
    }
    int64_t now = fx_now(), assignee = 0;
    if (in->deadline <= now)
        return fx_fail(err, FX_EINVAL, "invalid_deadline", "deadline must be in the future");
    if (in->assignee && (rc = find_assignee(c, in->assignee, h.area_path, &assignee, err)))
        return rc;
    int64_t id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO service_requests (id, top_area_id, area_id, household_id, person_id, kind,"
                               " status, description, assignee_id, deadline, created_by, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)");
    if (!s)
        return DB_FAIL(err, "save the request");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, path_top(h.area_path));
    db_bind_i64(s, 3, h.area_id);
    db_bind_i64(s, 4, h.id);
    if (in->person_id)
        db_bind_i64(s, 5, in->person_id);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, in->kind);
    db_bind_text(s, 7, assignee ? "assigned" : "open");
    db_bind_text(s, 8, in->description ? in->description : "");
    if (assignee)
        db_bind_i64(s, 9, assignee);
    else
        db_bind_null(s, 9);
    db_bind_i64(s, 10, in->deadline);
    db_bind_text(s, 11, who->log.name);
    db_bind_i64(s, 12, now);
    rc = db_step(s);
    db_done(s);
    char path[FX_AREA_PATH_MAX];
    if (rc != DB_DONE || request_row(c, id, out, path) != DB_ROW)
        return DB_FAIL(err, "save the request");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "kind", NULL, in->kind);
    audit_changes_text(&ch, "status", NULL, out->status);
    audit_changes_text(&ch, "assignee", NULL, out->assignee[0] ? out->assignee : NULL);
    audit_changes_i64(&ch, "deadline", 0, in->deadline);
    rc = audit_record_id(c, &who->log, "create", "service_request", id, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc ? DB_FAIL(err, "audit the request") : 0;
}

/* Which status may follow which (the request's flow). */
static bool transition_ok(const char *from, const char *to)
{
    static const struct {
        const char *from, *to;
    } ok[] = {{"open", "assigned"},        {"open", "cancelled"},      {"assigned", "in_progress"},
              {"assigned", "open"},        {"assigned", "cancelled"},  {"assigned", "done"},
              {"in_progress", "done"},     {"in_progress", "cancelled"}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcmp(ok[i].from, from) == 0 && strcmp(ok[i].to, to) == 0)
            return true;
    return strcmp(from, to) == 0;
}

int request_update(db_conn *c, const actor *who, int64_t id, const request_input *in, service_request *out,
                   fx_err *err)
{
    service_request cur;
    int rc = request_get(c, who, id, &cur, err);
    if (rc)
        return rc;
    char path[FX_AREA_PATH_MAX];
    if (request_row(c, id, &cur, path) != DB_ROW)
        return DB_FAIL(err, "read the request");
    if (is_volunteer(who) && (in->assignee || in->deadline))
        return fx_fail(err, FX_EPERM, "forbidden", "volunteers report progress and feedback; staff assign requests");
    if (strcmp(cur.status, "done") == 0 || strcmp(cur.status, "cancelled") == 0)
        return fx_fail(err, FX_ECONFLICT, "request_closed", "request %lld is %s already", (long long)id, cur.status);
    int64_t assignee = cur.assignee_id;
    if (in->assignee && (rc = find_assignee(c, in->assignee, path, &assignee, err)))
        return rc;
    const char *status = in->status ? in->status : cur.status;
    /* naming an assignee on an open request assigns it */
    if (!in->status && in->assignee && strcmp(cur.status, "open") == 0)
        status = "assigned";
    if (strcmp(status, "open") != 0 && strcmp(status, "assigned") != 0 && strcmp(status, "in_progress") != 0 &&
        strcmp(status, "done") != 0 && strcmp(status, "cancelled") != 0)
        return fx_fail(err, FX_EINVAL, "invalid_status", "status must be open, assigned, in_progress, done or cancelled");
    if (!transition_ok(cur.status, status))
        return fx_fail(err, FX_ERULE, "invalid_transition", "a request that is %s cannot become %s", cur.status, status);
    if ((strcmp(status, "assigned") == 0 || strcmp(status, "in_progress") == 0) && !assignee)
        return fx_fail(err, FX_ERULE, "assignee_required", "name an assignee before the request is %s", status);
    const char *feedback = in->feedback ? in->feedback : cur.feedback;
    if (strcmp(status, "done") == 0 && !*feedback)
        return fx_fail(err, FX_ERULE, "feedback_required", "say what was done (feedback) before closing the request");
    int64_t now = fx_now(), deadline = in->deadline ? in->deadline : cur.deadline;
    bool closed = strcmp(status, "done") == 0 || strcmp(status, "cancelled") == 0;
    if (strcmp(status, "open") == 0)
        assignee = 0;
    db_stmt *s = db_prepare(c, "UPDATE service_requests SET status = $2, assignee_id = $3, feedback = $4,"
                               " deadline = $5, updated_at = $6, done_at = $7,"
                               " overdue_at = CASE WHEN $5 <> deadline THEN NULL ELSE overdue_at END WHERE id = $1");
    if (!s)
        return DB_FAIL(err, "save the request");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, status);
    if (assignee)
        db_bind_i64(s, 3, assignee);
    else
        db_bind_null(s, 3);
    db_bind_text(s, 4, feedback);
    db_bind_i64(s, 5, deadline);
    db_bind_i64(s, 6, now);
    if (closed)
        db_bind_i64(s, 7, now);
    else
        db_bind_null(s, 7);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || request_row(c, id, out, NULL) != DB_ROW)
        return DB_FAIL(err, "save the request");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "status", cur.status, out->status);
    audit_changes_text(&ch, "assignee", cur.assignee, out->assignee);
    audit_changes_text(&ch, "feedback", cur.feedback, out->feedback);
    audit_changes_i64(&ch, "deadline", cur.deadline, out->deadline);
    rc = audit_record_id(c, &who->log, "update", "service_request", id, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc ? DB_FAIL(err, "audit the request") : 0;
}

int request_list(db_conn *c, const principal *p, const char *status, bool overdue_only, int64_t now,
                 int64_t before_id, service_request *out, int max)
{
    db_stmt *s = scope_page(c, REQUEST_SELECT "WHERE a.path >= $1 AND a.path < $2 AND r.id < $3"
                                              " AND ($5 = '' OR r.status = $5) AND ($6 = 0 OR (r.done_at IS NULL"
                                              " AND r.deadline < $7)) AND ($8 = 0 OR r.assignee_id = $8)"
                                              " ORDER BY r.id DESC LIMIT $4",
                            p->area_id ? p->area_path : NULL, before_id ? before_id : INT64_MAX, max);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 5, status ? status : "");
    db_bind_i64(s, 6, overdue_only);
    db_bind_i64(s, 7, now);
    db_bind_i64(s, 8, p->role == ROLE_VOLUNTEER ? p->user_id : 0);
    return db_rows(s, read_request_row, out, sizeof *out, max);
}

#define OVERDUE_BATCH 256

int request_check_overdue(db_conn *c, int64_t now)
{
    struct due {
        int64_t id, deadline;
        char kind[16], path[FX_AREA_PATH_MAX], address[200];
    } *rows = malloc(sizeof *rows * OVERDUE_BATCH);
    if (!rows)
        return DB_ERR;
    int total = 0, n, rc = 0;
    do {
        db_stmt *s = db_prepare(c, "SELECT r.id, r.deadline, r.kind, a.path, h.address_key FROM service_requests r"
                                   " JOIN areas a ON a.id = r.area_id JOIN households h ON h.id = r.household_id"
                                   " WHERE r.deadline < $1 AND r.overdue_at IS NULL AND r.done_at IS NULL LIMIT $2");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_i64(s, 1, now);
        db_bind_i64(s, 2, OVERDUE_BATCH);
        n = 0;
        while (n < OVERDUE_BATCH && (rc = db_step(s)) == DB_ROW) {
            rows[n].id = db_col_i64(s, 0);
            rows[n].deadline = db_col_i64(s, 1);
            fx_copy(rows[n].kind, sizeof rows[n].kind, db_col_text(s, 2));
            fx_copy(rows[n].path, sizeof rows[n].path, db_col_text(s, 3));
            fx_copy(rows[n].address, sizeof rows[n].address, db_col_text(s, 4));
            n++;
        }
        db_done(s);
        if (rc < 0)
            break;
        rc = 0;
        for (int i = 0; i < n && rc >= 0; i++) {
            s = db_prepare(c, "UPDATE service_requests SET overdue_at = $2 WHERE id = $1");
            if (!s) {
                rc = DB_ERR;
                break;
            }
            db_bind_i64(s, 1, rows[i].id);
            db_bind_i64(s, 2, now);
            rc = db_step(s) == DB_DONE ? 0 : DB_ERR;
            db_done(s);
            int64_t ws;
            char msg[400], eid[24], when[24];
            fx_time_local(rows[i].deadline, when, sizeof when);
            snprintf(msg, sizeof msg, "%s request for %s is overdue (deadline %s)", rows[i].kind, rows[i].address, when);
            snprintf(eid, sizeof eid, "%lld", (long long)rows[i].id);
            if (rc == 0 && (alert_area_for(c, rows[i].path, &ws) != DB_ROW ||
                            alert_raise(c, ws, "request_overdue", "service_request", eid, msg) != 0))
                rc = DB_ERR;
        }
        total += n;
    } while (n == OVERDUE_BATCH && rc >= 0);
    free(rows);
    if (rc < 0)
        return rc;
    if (total > 0) {
        audit_actor clock = {.kind = "system", .name = "clock", .ip = "", .request_id = ""};
        char changes[64];
        snprintf(changes, sizeof changes, "{\"overdue\":%d}", total);
        if (audit_record(c, &clock, "raise", "service_request", "overdue", changes) != 0)
            return DB_ERR;
    }
    return total;
}

/* ---- counselling notes ---- */

int note_create(db_conn *c, const actor *who, int64_t person_id, int64_t request_id, const char *body,
                counselling_note *out, fx_err *err)
{
    person p;
    int rc = person_get(c, person_id, &p);
    if (rc < 0)
        return DB_FAIL(err, "read the person");
    if (rc != DB_ROW || !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person %lld does not exist in your area",
                       (long long)person_id);
    if (request_id) {
        service_request r;
        if ((rc = request_get(c, who, request_id, &r, err)))
            return rc;
        if (r.household_id != p.household_id)
            return fx_fail(err, FX_EINVAL, "invalid_request", "request %lld is not for this person's household",
                           (long long)request_id);
    }
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->person_id = person_id;
    out->request_id = request_id;
    out->created_at = fx_now();
    fx_copy(out->body, sizeof out->body, body);
    fx_copy(out->created_by, sizeof out->created_by, who->log.name);
    db_stmt *s = db_prepare(c, "INSERT INTO counselling_notes (id, top_area_id, area_id, person_id, request_id, body,"
                               " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return DB_FAIL(err, "save the note");
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, path_top(p.area_path));
    db_bind_i64(s, 3, p.area_id);
    db_bind_i64(s, 4, person_id);
    if (request_id)
        db_bind_i64(s, 5, request_id);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, body);
    db_bind_text(s, 7, out->created_by);
    db_bind_i64(s, 8, out->created_at);
    rc = db_step(s);
    db_done(s);
    /* the audit entry names the note, never its words */
    char changes[96];
    snprintf(changes, sizeof changes, "{\"person\":{\"from\":null,\"to\":%lld}}", (long long)person_id);
    if (rc != DB_DONE || audit_record_id(c, &who->log, "create", "counselling_note", out->id, changes) != 0)
        return DB_FAIL(err, "save the note");
    return 0;
}

int note_list(db_conn *c, const principal *p, int64_t person_id, counselling_note *out, int max, fx_err *err)
{
    person who;
    int rc = person_get(c, person_id, &who);
    if (rc < 0)
        return DB_FAIL(err, "read the person");
    if (rc != DB_ROW || !perm_in_scope(p, who.area_path))
        return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person %lld does not exist in your area",
                       (long long)person_id);
    db_stmt *s = db_prepare(c, "SELECT id, COALESCE(request_id, 0), created_at, body, created_by FROM counselling_notes"
                               " WHERE person_id = $1 ORDER BY id DESC LIMIT $2");
    if (!s)
        return DB_FAIL(err, "read the notes");
    db_bind_i64(s, 1, person_id);
    db_bind_i64(s, 2, max);
    int n = 0;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        counselling_note *o = &out[n++];
        memset(o, 0, sizeof *o);
        o->id = db_col_i64(s, 0);
        o->person_id = person_id;
        o->request_id = db_col_i64(s, 1);
        o->created_at = db_col_i64(s, 2);
        fx_copy(o->body, sizeof o->body, db_col_text(s, 3));
        fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 4));
    }
    db_done(s);
    return rc < 0 ? DB_FAIL(err, "read the notes") : n;
}
