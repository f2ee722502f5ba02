#include "core/workorder.h"

#include "core/account.h"
#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/result.h"
#include "util/fx_clock.h"
#include "util/fx_csv.h"
#include "util/fx_id.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_CHAR "\xf4\x8f\xbf\xbf" /* the highest code point: prefix + it bounds a prefix range */

static const char *const status_names[] = {"new", "accepted", "in_progress", "done", "returned"};

const char *wo_status_name(int s) { return s >= 0 && s <= WO_RETURNED ? status_names[s] : "new"; }

int wo_status_parse(const char *s)
{
    for (int i = 0; s && i <= WO_RETURNED; i++)
        if (strcmp(s, status_names[i]) == 0)
            return i;
    return -1;
}

unsigned wo_next_allowed(int from)
{
    switch (from) {
    case WO_NEW: return 1u << WO_ACCEPTED | 1u << WO_RETURNED;
    case WO_ACCEPTED: return 1u << WO_IN_PROGRESS | 1u << WO_RETURNED;
    case WO_IN_PROGRESS: return 1u << WO_DONE | 1u << WO_RETURNED;
    default: return 0; /* done and returned are final: the platform closes or re-issues */
    }
}

void wo_allowed_text(int from, char *out, size_t len)
{
    unsigned m = wo_next_allowed(from);
    size_t n = 0;
    out[0] = '\0';
    for (int s = 0; s <= WO_RETURNED && n < len; s++)
        if (m & (1u << s))
            n += (size_t)snprintf(out + n, len - n, "%s%s", n ? " or " : "", status_names[s]);
    if (!m)
        snprintf(out, len, "none (%s is final)", status_names[from]);
}

bool wo_overdue(int status, int64_t deadline, int64_t now)
{
    return status != WO_DONE && status != WO_RETURNED && now > deadline;
}

static int db_fail(fx_err *err, const char *what)
{
    return fx_fail(err, FX_EINTERNAL, "db_error", "could not %s", what);
}

/* ---- routing ---- */

/* The workstation at or above the area with this path; 0 when none. */
static int workstation_of(db_conn *c, const char *path, wo_route_result *out)
{
    int64_t ids[16];
    int n = 0;
    for (const char *p = path; p && *p == '/' && p[1] && n < 16;) {
        ids[n++] = strtoll(p + 1, NULL, 10);
        p = strchr(p + 1, '/');
    }
    for (int i = n - 1; i >= 0; i--) {
        area a;
        int rc = area_get_id(c, ids[i], &a);
        if (rc < 0)
            return rc;
        if (rc == DB_ROW && strcmp(a.kind, "workstation") == 0) {
            out->area_id = a.id;
            fx_copy(out->area_code, sizeof out->area_code, a.code);
            return 1;
        }
    }
    return 0;
}

static bool in_range(const char *path, const char *lo, const char *hi)
{
    return strcmp(path, lo) >= 0 && strcmp(path, hi) < 0;
}

int wo_route(db_conn *c, const char *id_number, const char *address, const char *scope_path, wo_route_result *out)
{
    memset(out, 0, sizeof *out);
    fx_copy(out->routing, sizeof out->routing, "triage");
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    if (id_number && *id_number) {
        time_t now = (time_t)fx_now();
        struct tm tm;
        gmtime_r(&now, &tm);
        fx_idcard card;
        const char *key = fx_idcard_parse(id_number, tm.tm_year + 1900, &card) == FX_ID_OK ? card.number : id_number;
        db_stmt *s = db_prepare(c, "SELECT p.id, a.path FROM persons p JOIN areas a ON a.id = p.area_id"
                                   " WHERE p.id_number = $1");
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, key);
        int rc = db_step(s);
        char path[FX_AREA_PATH_MAX] = "";
        int64_t pid = 0;
        if (rc == DB_ROW && in_range(db_col_text(s, 1), lo, hi)) {
            pid = db_col_i64(s, 0);
            fx_copy(path, sizeof path, db_col_text(s, 1));
        }
        db_done(s);
        if (rc < 0)
            return rc;
        if (pid) {
            out->person_id = pid;
            rc = workstation_of(c, path, out);
            if (rc < 0)
                return rc;
            if (rc) {
                fx_copy(out->routing, sizeof out->routing, "person");
                return 0;
            }
        }
    }
    char key[404], compact[404];
    fx_text_normalize(address ? address : "", key, sizeof key);
    size_t n = 0;
    for (const char *p = key; *p; p++)
        if (*p != ' ')
            compact[n++] = *p;
    compact[n] = '\0';
    if (n < 2)
        return 0;
    char upper[420];
    snprintf(upper, sizeof upper, "%s" MAX_CHAR, compact);
    /* the first and the last household with the prefix: both under one workstation, or triage */
    static const char *const sql[2] = {
        "SELECT a.path FROM households h JOIN areas a ON a.id = h.area_id WHERE h.address_key >= $1"
        " AND h.address_key < $2 AND a.path >= $3 AND a.path < $4 ORDER BY h.address_key LIMIT 1",
        "SELECT a.path FROM households h JOIN areas a ON a.id = h.area_id WHERE h.address_key >= $1"
        " AND h.address_key < $2 AND a.path >= $3 AND a.path < $4 ORDER BY h.address_key DESC LIMIT 1"};
    wo_route_result ends[2];
    for (int i = 0; i < 2; i++) {
        memset(&ends[i], 0, sizeof ends[i]);
        db_stmt *s = db_prepare(c, sql[i]);
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, compact);
        db_bind_text(s, 2, upper);
        db_bind_text(s, 3, lo);
        db_bind_text(s, 4, hi);
        int rc = db_step(s);
        char path[FX_AREA_PATH_MAX] = "";
        if (rc == DB_ROW)
            fx_copy(path, sizeof path, db_col_text(s, 0));
        db_done(s);
        if (rc < 0)
            return rc;
        if (rc != DB_ROW)
            return 0;
        if ((rc = workstation_of(c, path, &ends[i])) <= 0)
            return rc;
    }
    if (ends[0].area_id != ends[1].area_id)
        return 0;
    out->area_id = ends[0].area_id;
    fx_copy(out->area_code, sizeof out->area_code, ends[0].area_code);
    fx_copy(out->routing, sizeof out->routing, "address");
    return 0;
}

/* ---- orders ---- */

#define WO_SELECT                                                                                            \
    "SELECT w.id, COALESCE(w.token_id, 0), COALESCE(w.person_id, 0), COALESCE(w.area_id, 0),"               \
    " COALESCE(w.assignee_id, 0), w.deadline, w.created_at, w.updated_at, w.status, w.external_id, w.kind,"  \
    " w.title, w.body, w.subject_id_number, w.subject_name, w.subject_address, w.routing,"                   \
    " COALESCE(a.code, ''), COALESCE(a.path, ''), COALESCE(u.username, ''), w.feedback, w.handled_by"        \
    " FROM work_orders w LEFT JOIN areas a ON a.id = w.area_id LEFT JOIN users u ON u.id = w.assignee_id "

static void read_wo(db_stmt *s, void *row)
{
    work_order *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->token_id = db_col_i64(s, 1);
    o->person_id = db_col_i64(s, 2);
    o->area_id = db_col_i64(s, 3);
    o->assignee_id = db_col_i64(s, 4);
    o->deadline = db_col_i64(s, 5);
    o->created_at = db_col_i64(s, 6);
    o->updated_at = db_col_i64(s, 7);
    o->status = wo_status_parse(db_col_text(s, 8));
    char *dst[] = {o->external_id, o->kind, o->title, o->body, o->id_number, o->name, o->address, o->routing,
                   o->area_code, o->area_path, o->assignee, o->feedback, o->handled_by};
    size_t len[] = {sizeof o->external_id, sizeof o->kind, sizeof o->title, sizeof o->body, sizeof o->id_number,
                    sizeof o->name, sizeof o->address, sizeof o->routing, sizeof o->area_code, sizeof o->area_path,
                    sizeof o->assignee, sizeof o->feedback, sizeof o->handled_by};
    for (int i = 0; i < 13; i++)
        fx_copy(dst[i], len[i], db_col_text(s, 9 + i));
    o->overdue = wo_overdue(o->status, o->deadline, fx_now());
}

static int wo_one(db_conn *c, const char *sql, int64_t id, const char *text, work_order *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (text)
        db_bind_text(s, 1, text);
    else
        db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_wo(s, out);
    db_done(s);
    return rc;
}

int wo_get(db_conn *c, int64_t id, work_order *out) { return wo_one(c, WO_SELECT "WHERE w.id = $1", id, NULL, out); }

int wo_get_external(db_conn *c, const char *external_id, work_order *out)
{
    return wo_one(c, WO_SELECT "WHERE w.external_id = $1", 0, external_id, out);
}

int wo_list(db_conn *c, const char *scope_path, const wo_filter *f, int64_t after_id, work_order *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    bool all = !scope_path || strcmp(scope_path, "/") == 0; /* the system's triage queue has no area */
    db_stmt *s = db_prepare(c, WO_SELECT "WHERE w.id > $1 AND (($2 = 1 AND w.area_id IS NULL) OR (a.path >= $3 AND"
                                         " a.path < $4)) AND ($5 = 0 OR w.assignee_id = $5) AND ($6 = 0 OR"
                                         " ((w.status = 'new' OR w.status = 'accepted' OR w.status = 'in_progress')"
                                         " AND w.deadline < $7)) AND ($9 = '' OR w.status = $9) AND ($10 = 0 OR"
                                         " w.routing = 'triage') ORDER BY w.id LIMIT $8");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_i64(s, 2, all);
    db_bind_text(s, 3, lo);
    db_bind_text(s, 4, hi);
    db_bind_i64(s, 5, f->assignee_id);
    db_bind_i64(s, 6, f->overdue_only);
    db_bind_i64(s, 7, fx_now());
    db_bind_i64(s, 8, max);
    db_bind_text(s, 9, f->status >= 0 ? wo_status_name(f->status) : "");
    db_bind_i64(s, 10, f->triage_only);
    return db_rows(s, read_wo, out, sizeof *out, max);
}

static int text_field(const char *v, const char *name, size_t max_chars, bool required, fx_err *err)
{
    if (!v || !*v)
        return required ? fx_fail(err, FX_EINVAL, "missing_field", "%s: required", name) : 0;
    if (fx_utf8_len(v) > max_chars)
        return fx_fail(err, FX_EINVAL, "invalid_field", "%s: at most %zu characters", name, max_chars);
    return 0;
}

int wo_check(const wo_input *in, fx_err *err)
{
    if (text_field(in->external_id, "external_id", 64, true, err) || text_field(in->title, "title", 100, true, err) ||
        text_field(in->kind, "kind", 32, false, err) || text_field(in->body, "body", 1000, false, err) ||
        text_field(in->id_number, "subject.id_number", 32, false, err) ||
        text_field(in->name, "subject.name", 50, false, err) || text_field(in->address, "subject.address", 100, false, err))
        return FX_EINVAL;
    for (const char *p = in->external_id; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
            return fx_fail(err, FX_EINVAL, "invalid_field", "external_id: no quotes, backslashes or control characters");
    if (in->deadline <= 0 || in->deadline > 4102444800LL)
        return fx_fail(err, FX_EINVAL, "invalid_field", "deadline: expected epoch seconds before 2100");
    return 0;
}

static int add_event(db_conn *c, int64_t order_id, const char *actor_name, const char *action, int status,
                     const char *detail)
{
    db_stmt *s = db_prepare(c, "INSERT INTO work_order_events (id, order_id, at, actor, action, status, detail)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, order_id);
    db_bind_i64(s, 3, fx_now());
    db_bind_text(s, 4, actor_name);
    db_bind_text(s, 5, action);
    db_bind_text(s, 6, wo_status_name(status));
    db_bind_text(s, 7, detail ? detail : "");
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static int audit_wo(db_conn *c, const actor *who, const char *action, const work_order *o, const char *detail_json)
{
    char idt[24];
    snprintf(idt, sizeof idt, "%lld", (long long)o->id);
    return audit_record(c, &who->log, action, "work_order", idt, detail_json);
}

int wo_push(db_conn *c, const actor *who, int64_t token_id, int64_t triage_area_id, const char *triage_path,
            const wo_input *in, work_order *out, fx_err *err)
{
    int rc = wo_check(in, err);
    if (rc)
        return rc;
    rc = wo_get_external(c, in->external_id, out);
    if (rc < 0)
        return db_fail(err, "read the orders");
    if (rc == DB_ROW) { /* pushed again: the first push stands */
        char q[72];
        if (token_id && out->token_id != token_id)
            return fx_fail(err, FX_ECONFLICT, "external_id_taken", "external_id: %s was pushed by another system",
                           fx_text_quote(in->external_id, q, sizeof q));
        out->duplicate = true;
        return 0;
    }
    wo_route_result rt;
    if (wo_route(c, in->id_number, in->address, triage_path, &rt) < 0)
        return db_fail(err, "route the order");
    int64_t id = fx_id_next(), now = fx_now(), area_id = rt.area_id ? rt.area_id : triage_area_id;
    db_stmt *s = db_prepare(c, "INSERT INTO work_orders (id, external_id, token_id, kind, title, body,"
                               " subject_id_number, subject_name, subject_address, person_id, area_id, routing, status,"
                               " deadline, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
                               " $12, 'new', $13, $14, $14)");
    if (!s)
        return db_fail(err, "save the order");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, in->external_id);
    if (token_id)
        db_bind_i64(s, 3, token_id);
    else
        db_bind_null(s, 3);
    db_bind_text(s, 4, in->kind ? in->kind : "");
    db_bind_text(s, 5, in->title);
    db_bind_text(s, 6, in->body ? in->body : "");
    db_bind_text(s, 7, in->id_number ? in->id_number : "");
    db_bind_text(s, 8, in->name ? in->name : "");
    db_bind_text(s, 9, in->address ? in->address : "");
    if (rt.person_id)
        db_bind_i64(s, 10, rt.person_id);
    else
        db_bind_null(s, 10);
    if (area_id)
        db_bind_i64(s, 11, area_id);
    else
        db_bind_null(s, 11);
    db_bind_text(s, 12, rt.routing);
    db_bind_i64(s, 13, in->deadline);
    db_bind_i64(s, 14, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || wo_get(c, id, out) != DB_ROW)
        return db_fail(err, "save the order");
    char detail[200];
    snprintf(detail, sizeof detail, "routed by %s to %s", rt.routing, rt.area_id ? rt.area_code : "triage");
    fx_str ch;
    fx_str_init(&ch, 4096);
    fx_str_adds(&ch, "{\"external_id\":");
    fx_str_add_json(&ch, in->external_id);
    fx_str_addf(&ch, ",\"routing\":\"%s\",\"area\":", rt.routing);
    fx_str_add_json(&ch, out->area_code);
    fx_str_addf(&ch, ",\"deadline\":%lld}", (long long)in->deadline);
    rc = add_event(c, id, who->log.name, "push", WO_NEW, detail) || audit_wo(c, who, "push", out, ch.p);
    fx_str_free(&ch);
    return rc ? db_fail(err, "record the order's history") : 0;
}

/* The order as the actor may change it: 404 outside scope (triage without area: admins). */
static int wo_for_change(db_conn *c, const actor *who, int64_t id, work_order *o, fx_err *err)
{
    int rc = wo_get(c, id, o);
    if (rc < 0)
        return db_fail(err, "read the order");
    bool visible = rc == DB_ROW && (o->area_path[0] ? actor_in_scope(who, o->area_path)
                                                    : !who->p || (who->p->role == ROLE_ADMIN && !who->p->area_id));
    if (!visible)
        return fx_fail(err, FX_ENOTFOUND, "work_order_not_found", "work order %lld does not exist in your area",
                       (long long)id);
    return 0;
}

int wo_assign(db_conn *c, const actor *who, int64_t id, const char *area_code, const char *username, work_order *out,
              fx_err *err)
{
    work_order o;
    int rc = wo_for_change(c, who, id, &o, err);
    if (rc)
        return rc;
    if (o.status == WO_DONE || o.status == WO_RETURNED)
        return fx_fail(err, FX_ERULE, "order_closed", "work order %lld is %s: it can no longer be routed or assigned",
                       (long long)id, wo_status_name(o.status));
    int64_t area_id = o.area_id, assignee = o.assignee_id;
    char path[FX_AREA_PATH_MAX];
    fx_copy(path, sizeof path, o.area_path);
    const char *routing = o.routing;
    if (area_code) {
        area a;
        rc = area_get(c, area_code, &a);
        if (rc < 0)
            return db_fail(err, "read the area");
        if (rc != DB_ROW)
            return fx_fail(err, FX_EINVAL, "unknown_area", "area: %.64s does not exist", area_code);
        if (!actor_in_scope(who, a.path))
            return fx_fail(err, FX_EPERM, "outside_area", "area: %.64s is outside your area", area_code);
        area_id = a.id;
        fx_copy(path, sizeof path, a.path);
        routing = "manual";
    }
    if (username) {
        user u;
        rc = user_get(c, username, &u, NULL);
        if (rc < 0)
            return db_fail(err, "read the user");
        if (rc != DB_ROW || !actor_in_scope(who, u.area_path))
            return fx_fail(err, FX_EINVAL, "unknown_user", "user: %.32s does not exist in your area", username);
        if (!perm_allows(perm_role_parse(u.role), ACT_WO_HANDLE))
            return fx_fail(err, FX_ERULE, "assignee_cannot_handle",
                           "user: %.32s is a %s and cannot be the assignee: work orders are handled by staff, "
                           "officers and admins", username, u.role);
        if (!path[0] || strncmp(u.area_path, path, strlen(path)) != 0)
            return fx_fail(err, FX_ERULE, "assignee_outside_order_area",
                           "user: %.32s works outside the order's area %s and cannot be the assignee: route the "
                           "order there first", username, area_code ? area_code : o.area_code[0] ? o.area_code : "(triage)");
        assignee = u.id;
    } else if (area_code && assignee) {
        /* re-routed: an assignee who does not work in the new area no longer handles it */
        user u;
        rc = user_get(c, o.assignee, &u, NULL);
        if (rc < 0)
            return db_fail(err, "read the assignee");
        if (rc != DB_ROW || strncmp(u.area_path, path, strlen(path)) != 0)
            assignee = 0;
    }
    db_stmt *s = db_prepare(c, "UPDATE work_orders SET area_id = $2, routing = $3, assignee_id = $4, updated_at = $5"
                               " WHERE id = $1");
    if (!s)
        return db_fail(err, "save the order");
    db_bind_i64(s, 1, id);
    if (area_id)
        db_bind_i64(s, 2, area_id);
    else
        db_bind_null(s, 2);
    db_bind_text(s, 3, routing);
    if (assignee)
        db_bind_i64(s, 4, assignee);
    else
        db_bind_null(s, 4);
    db_bind_i64(s, 5, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || wo_get(c, id, out) != DB_ROW)
        return db_fail(err, "save the order");
    char detail[300];
    int len = snprintf(detail, sizeof detail, "area %s, assignee %s", out->area_code[0] ? out->area_code : "(triage)",
                       out->assignee[0] ? out->assignee : "(none)");
    if (o.assignee[0] && !out->assignee[0])
        snprintf(detail + len, sizeof detail - (size_t)len, " (%s, who works outside it, no longer assigned)",
                 o.assignee);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "area", o.area_code, out->area_code);
    audit_changes_text(&ch, "assignee", o.assignee, out->assignee);
    rc = add_event(c, id, who->log.name, area_code ? "route" : "assign", out->status, detail) ||
         audit_wo(c, who, "assign", out, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc ? db_fail(err, "record the order's history") : 0;
}

int wo_set_status(db_conn *c, const actor *who, int64_t id, const char *status, const char *feedback,
                  work_order *out, fx_err *err)
{
    int to = wo_status_parse(status);
    if (to < 0)
        return fx_fail(err, FX_EINVAL, "invalid_status", "status: expected new, accepted, in_progress, done or returned");
    if (feedback && fx_utf8_len(feedback) > 500)
        return fx_fail(err, FX_EINVAL, "invalid_field", "feedback: at most 500 characters");
    work_order o;
    int rc = wo_for_change(c, who, id, &o, err);
    if (rc)
        return rc;
    /* handlers change their own orders; officers (who route) any order in their area */
    if (who->p && !actor_may(who, ACT_WO_ROUTE) && o.assignee_id != who->p->user_id)
        return fx_fail(err, FX_EPERM, "not_assignee", "work order %lld is not assigned to you", (long long)id);
    if (!(wo_next_allowed(o.status) & (1u << to))) {
        char allowed[80];
        wo_allowed_text(o.status, allowed, sizeof allowed);
        return fx_fail(err, FX_ERULE, "invalid_transition", "status: %s cannot become %s; allowed next: %s",
                       wo_status_name(o.status), status, allowed);
    }
    if ((to == WO_DONE || to == WO_RETURNED) && (!feedback || !*feedback))
        return fx_fail(err, FX_EINVAL, "missing_field", "feedback: required when an order is %s (what was done, or why it goes back)",
                       status);
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "UPDATE work_orders SET status = $2, feedback = CASE WHEN $3 = '' THEN feedback ELSE $3"
                               " END, handled_by = $4, updated_at = $5 WHERE id = $1");
    if (!s)
        return db_fail(err, "save the order");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, status);
    db_bind_text(s, 3, feedback ? feedback : "");
    db_bind_text(s, 4, who->log.name);
    db_bind_i64(s, 5, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || wo_get(c, id, out) != DB_ROW)
        return db_fail(err, "save the order");
    /* the platform's webhook format (contract.md); a sender delivers the queue */
    fx_str p;
    fx_str_init(&p, 8192);
    fx_str_adds(&p, "{\"external_id\":");
    fx_str_add_json(&p, out->external_id);
    fx_str_addf(&p, ",\"status\":\"%s\",\"feedback\":", status);
    fx_str_add_json(&p, feedback ? feedback : "");
    fx_str_adds(&p, ",\"handled_by\":");
    fx_str_add_json(&p, who->log.name);
    fx_str_addf(&p, ",\"at\":%lld}", (long long)now);
    s = db_prepare(c, "INSERT INTO work_order_feedback (id, order_id, payload, created_at) VALUES ($1, $2, $3, $4)");
    if (!s) {
        fx_str_free(&p);
        return db_fail(err, "queue the feedback");
    }
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, id);
    db_bind_text(s, 3, p.p);
    db_bind_i64(s, 4, now);
    rc = db_step(s);
    db_done(s);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "status", wo_status_name(o.status), status);
    audit_changes_text(&ch, "feedback", o.feedback, out->feedback);
    if (rc == DB_DONE)
        rc = add_event(c, id, who->log.name, "status", to, feedback) || audit_wo(c, who, "status", out, audit_changes_json(&ch));
    else
        rc = -1;
    audit_changes_free(&ch);
    fx_str_free(&p);
    return rc ? db_fail(err, "record the order's history") : 0;
}

int wo_history(db_conn *c, int64_t id, wo_event *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id, at, actor, action, status, detail FROM work_order_events"
                               " WHERE order_id = $1 ORDER BY id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        wo_event *e = &out[n++];
        e->id = db_col_i64(s, 0);
        e->at = db_col_i64(s, 1);
        fx_copy(e->actor, sizeof e->actor, db_col_text(s, 2));
        fx_copy(e->action, sizeof e->action, db_col_text(s, 3));
        fx_copy(e->status, sizeof e->status, db_col_text(s, 4));
        fx_copy(e->detail, sizeof e->detail, db_col_text(s, 5));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- CSV ---- */

static int csv_col(const fx_csv_row *h, const char *name)
{
    for (int i = 0; i < h->nfields; i++)
        if (strcasecmp(h->fields[i], name) == 0)
            return i;
    return -1;
}

void wo_csv_free(wo_csv_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        for (int k = 0; k < 7; k++)
            free(rows[i].own[k]);
    free(rows);
}

/* One record into r: its texts, its deadline, and the first thing wrong with it. */
static void csv_row(const fx_csv_row *row, const int col[7], int dl, wo_csv_row *r)
{
    memset(r, 0, sizeof *r);
    r->row = row->record;
    const char **dst[7] = {&r->in.external_id, &r->in.kind, &r->in.title, &r->in.id_number, &r->in.name,
                           &r->in.address, &r->in.body};
    for (int k = 0; k < 7; k++) {
        r->own[k] = strdup(col[k] >= 0 && col[k] < row->nfields ? row->fields[col[k]] : "");
        *dst[k] = r->own[k] ? r->own[k] : "";
    }
    const char *d = dl < row->nfields ? row->fields[dl] : "";
    if (row->problem) {
        fx_fail(&r->err, FX_EINVAL, "unreadable_row", "row %ld: %s", r->row, row->problem);
        return;
    }
    if (!result_parse_time(d, &r->in.deadline) || r->in.deadline <= 0) {
        char q[32];
        fx_fail(&r->err, FX_EINVAL, "invalid_field",
                "row %ld, deadline: expected epoch seconds or ISO 8601 with an offset, not \"%s\"", r->row,
                fx_text_quote(d, q, sizeof q));
        return;
    }
    if (wo_check(&r->in, &r->err)) {
        char m[sizeof r->err.msg];
        snprintf(m, sizeof m, "row %ld, %.270s", r->row, r->err.msg);
        fx_copy(r->err.msg, sizeof r->err.msg, m);
    }
}

int wo_csv_read(int fd, wo_csv_row **rows, int *n, fx_err *err)
{
    char msg[200];
    *rows = NULL;
    *n = 0;
    fx_csv *csv = fx_csv_open(fd, 0, msg, sizeof msg);
    if (!csv)
        return fx_fail(err, FX_EINVAL, "unreadable_file", "%s", msg);
    static const char *const names[7] = {"external_id", "kind", "title", "id_number", "name", "address", "body"};
    int col[7] = {-1, -1, -1, -1, -1, -1, -1}, dl = -1, cap = 0;
    fx_csv_row row;
    int rc = fx_csv_next(csv, &row);
    for (int k = 0; rc == 1 && k < 7; k++)
        col[k] = csv_col(&row, names[k]);
    if (rc == 1)
        dl = csv_col(&row, "deadline");
    if (rc != 1 || col[0] < 0 || col[2] < 0 || dl < 0) {
        fx_csv_close(csv);
        return fx_fail(err, FX_EINVAL, "missing_column", "the first row must name the columns external_id,title,deadline "
                                                          "(and kind,id_number,name,address,body as needed)");
    }
    while ((rc = fx_csv_next(csv, &row)) == 1) {
        if (*n == WO_CSV_MAX) {
            rc = fx_fail(err, FX_EINVAL, "too_many_rows", "at most %d orders in one file", WO_CSV_MAX);
            break;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            wo_csv_row *g = realloc(*rows, sizeof *g * (size_t)cap);
            if (!g) {
                rc = fx_fail(err, FX_EINTERNAL, "internal", "out of memory");
                break;
            }
            *rows = g;
        }
        csv_row(&row, col, dl, &(*rows)[(*n)++]);
    }
    if (rc < 0 && !err->kind)
        fx_fail(err, FX_EINVAL, "unreadable_file", "%s", row.problem ? row.problem : "the file could not be read");
    else if (rc == 0 && *n == 0)
        fx_fail(err, FX_EINVAL, "empty_file", "the file has no orders below its header");
    fx_csv_close(csv);
    if (err->kind) {
        wo_csv_free(*rows, *n);
        *rows = NULL;
        *n = 0;
        return err->kind;
    }
    return 0;
}

int wo_push_rows(db_conn *c, const actor *who, int64_t token_id, int64_t triage_area_id, const char *triage_path,
                 wo_csv_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        wo_csv_row *r = &rows[i];
        if (r->err.kind)
            continue;
        work_order *o = malloc(sizeof *o);
        int rc = o ? wo_push(c, who, token_id, triage_area_id, triage_path, &r->in, o, &r->err)
                   : fx_fail(&r->err, FX_EINTERNAL, "internal", "out of memory");
        if (!rc)
            r->id = o->id, r->duplicate = o->duplicate;
        else if (rc != FX_EINTERNAL) {
            char m[sizeof r->err.msg];
            snprintf(m, sizeof m, "row %ld, %.270s", r->row, r->err.msg);
            fx_copy(r->err.msg, sizeof r->err.msg, m);
        }
        free(o);
        if (rc == FX_EINTERNAL)
            return rc;
    }
    return 0;
}
