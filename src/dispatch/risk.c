/* risk.c — a round's boxes that will or may miss their deadline, for officers: the
 * stored plan's boxes planned to reach the hub late, and sealed boxes not yet at the
 * hub or lab that custody's turnaround limits put in (or past) the warning window.
 * Also the dashboard's counts per open round, read from the plan's stored count and
 * an index range of boxes (no plan is parsed there). */
#include "core/area.h"
#include "core/custody.h"
#include "dispatch/dispatch_internal.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Overdue boxes older than this are left to the turnaround's breaches: still on the road
 * after half a day, a box is a search, not a transport plan's concern. */
#define OVERDUE_HORIZON_S (12 * 3600)

/* [lo, hi) of the area paths in the subtree of path (as core's scope_range). */
static void subtree(const char *path, char lo[FX_AREA_PATH_MAX], char hi[FX_AREA_PATH_MAX])
{
    fx_copy(lo, FX_AREA_PATH_MAX, path && *path ? path : "/");
    fx_copy(hi, FX_AREA_PATH_MAX, lo);
    hi[strlen(hi) - 1] = '0'; /* '0' follows '/' */
}

/* Custody's boxes of a round in the warning window of the lab limit or past it (within the
 * horizon), neither at the hub nor at the lab. The first column is a count when counting. */
#define CUSTODY_WHERE                                                                                               \
    " FROM boxes b LEFT JOIN box_turnaround t ON t.box_id = b.id JOIN sites s ON s.id = b.site_id"                \
    " JOIN areas a ON a.id = s.area_id WHERE b.round_id = $1 AND b.sealed_at > $2 - $5 AND b.sealed_at <= $2 - $3 + $4" \
    " AND t.hub_at IS NULL AND t.lab_at IS NULL AND a.path >= $6 AND a.path < $7"

static db_stmt *custody_query(db_conn *c, const char *sql, int64_t round_id, const char *scope, int64_t now,
                              const turnaround_limits *lim)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    subtree(scope, lo, hi);
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return NULL;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, now);
    db_bind_i64(s, 3, (int64_t)lim->to_lab_min * 60);
    db_bind_i64(s, 4, (int64_t)lim->lab_warn_min * 60);
    db_bind_i64(s, 5, OVERDUE_HORIZON_S);
    db_bind_text(s, 6, lo);
    db_bind_text(s, 7, hi);
    return s;
}

typedef struct site_info {
    char id[24], name[401], code[65];
    bool in_scope;
} site_info;

/* A plan site's name, area code and whether it lies in scope (looked up once per site). */
static const site_info *site_of(db_conn *c, site_info **cache, int *n, const char *id, const char *scope)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*cache)[i].id, id) == 0)
            return &(*cache)[i];
    site_info *grown = realloc(*cache, (size_t)(*n + 1) * sizeof **cache);
    if (!grown)
        return NULL;
    *cache = grown;
    site_info *si = &grown[(*n)++];
    memset(si, 0, sizeof *si);
    fx_copy(si->id, sizeof si->id, id);
    fx_copy(si->name, sizeof si->name, id);
    si->in_scope = !scope; /* a site the store does not know is shown only to those who see everything */
    char *end;
    long long sid = strtoll(id, &end, 10);
    db_stmt *s = *id && !*end ? db_prepare(c, "SELECT s.name, a.code, a.path FROM sites s JOIN areas a ON a.id = s.area_id"
                                              " WHERE s.id = $1")
                              : NULL;
    if (s) {
        db_bind_i64(s, 1, sid);
        if (db_step(s) == DB_ROW) {
            fx_copy(si->name, sizeof si->name, db_col_text(s, 0));
            fx_copy(si->code, sizeof si->code, db_col_text(s, 1));
            const char *path = db_col_text(s, 2);
            si->in_scope = !scope || strncmp(path, scope, strlen(scope)) == 0;
        }
        db_done(s);
    }
    return si;
}

/* The vehicle whose run picks up each box: {box id: vehicle} (none for a run of a driver
 * whose handover named no vehicle). */
static json_t *pickers(const json_t *plan)
{
    json_t *out = json_object(), *run, *stop, *id;
    size_t k, i, j;
    json_array_foreach(json_object_get(plan, "runs"), k, run)
    {
        json_t *veh = json_object_get(run, "vehicle");
        json_array_foreach(json_object_get(run, "stops"), i, stop)
            json_array_foreach(json_object_get(stop, "pickup"), j, id) if (json_is_string(id) && json_string_length(veh))
                json_object_set(out, json_string_value(id), veh);
    }
    return out;
}

static int severity(const char *status) { return strcmp(status, "overdue") == 0 ? 2 : strcmp(status, "late") == 0; }

static int by_deadline(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "deadline_at"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "deadline_at"));
    return (x > y) - (x < y);
}

/* Minutes from a to b, rounded toward zero. */
static json_t *minutes(int64_t a, int64_t b) { return json_integer((json_int_t)((b - a) / 60)); }

/* The plan's late boxes in scope, and a {barcode: plan box} index of all its boxes. */
static void plan_part(db_conn *c, const dsp_setup *st, const json_t *plan, const char *scope, int64_t now,
                      json_t *items, json_t *by_barcode)
{
    json_t *veh = pickers(plan), *b;
    site_info *sites = NULL;
    int nsites = 0;
    size_t k;
    json_array_foreach(json_object_get(plan, "boxes"), k, b)
    {
        const char *id = json_string_value(json_object_get(b, "id")), *site = json_string_value(json_object_get(b, "site"));
        const char *barcode = json_string_value(json_object_get(b, "barcode"));
        if (!id || !site)
            continue;
        int64_t sealed = dsp_at(st, (int)json_integer_value(json_object_get(b, "sealed")));
        int64_t deadline = sealed + (int64_t)st->deadline * 60;
        json_t *delivered = json_object_get(b, "delivered");
        const site_info *si = site_of(c, &sites, &nsites, site, scope);
        if (!si || !si->in_scope)
            continue;
        json_t *it = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:I, s:o, s:O}", "box", barcode ? barcode : id,
                               "plan_box", id, "barcode", barcode ? json_string(barcode) : json_null(), "site", site,
                               "site_name", si->name, "area", si->code, "sealed_at", (json_int_t)sealed, "deadline_at",
                               (json_int_t)deadline, "expected_at",
                               json_is_integer(delivered) ? json_integer(dsp_at(st, (int)json_integer_value(delivered)))
                                                          : json_null(),
                               "vehicle", json_object_get(veh, id) ? json_object_get(veh, id) : json_null());
        if (barcode)
            json_object_set(by_barcode, barcode, it);
        if (json_integer_value(json_object_get(b, "late_min")) > 0) {
            json_object_set_new(it, "status", json_string("late"));
            json_object_set_new(it, "late_min", json_integer(json_integer_value(json_object_get(b, "late_min"))));
            json_object_set_new(it, "left_min", minutes(now, deadline));
            json_array_append(items, it);
        }
        json_decref(it);
    }
    free(sites);
    json_decref(veh);
}

/* The vehicle a box was last handed to, "" when none. */
static void last_vehicle(db_conn *c, const char *barcode, char out[DSP_ID_MAX])
{
    out[0] = 0;
    db_stmt *s = db_prepare(c, "SELECT h.vehicle FROM handovers h JOIN boxes b ON b.id = h.box_id"
                               " WHERE b.barcode = $1 AND h.to_kind = 'driver' AND h.vehicle <> '' ORDER BY h.at DESC LIMIT 1");
    if (!s)
        return;
    db_bind_text(s, 1, barcode);
    if (db_step(s) == DB_ROW)
        fx_copy(out, DSP_ID_MAX, db_col_text(s, 0));
    db_done(s);
}

static int custody_part(db_conn *c, int64_t round_id, const char *scope, int64_t now, json_t *items, json_t *by_barcode)
{
    turnaround_limits lim;
    if (turnaround_limits_get(c, round_id, &lim) != DB_ROW)
        return -1;
    db_stmt *s = custody_query(c, "SELECT b.barcode, b.site_id, s.name, a.code, b.sealed_at" CUSTODY_WHERE " ORDER BY b.sealed_at",
                               round_id, scope, now, &lim);
    if (!s)
        return -1;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *barcode = db_col_text(s, 0);
        int64_t sealed = db_col_i64(s, 4), deadline = sealed + (int64_t)lim.to_lab_min * 60;
        const char *status = now > deadline ? "overdue" : "at_risk";
        char veh[DSP_ID_MAX];
        last_vehicle(c, barcode, veh);
        json_t *it = json_object_get(by_barcode, barcode);
        if (it) { /* the plan knows it: one entry, the worse of the two judgements */
            if (!json_object_get(it, "status")) { /* on time by the plan, at risk by the clock */
                json_object_set_new(it, "late_min", json_integer(0));
                json_object_set_new(it, "left_min",
                                    minutes(now, (int64_t)json_integer_value(json_object_get(it, "deadline_at"))));
                json_array_append(items, it);
            }
            const char *had = json_string_value(json_object_get(it, "status"));
            if (!had || severity(status) > severity(had))
                json_object_set_new(it, "status", json_string(status));
            json_object_set_new(it, "lab_deadline_at", json_integer(deadline));
        } else {
            char site[24];
            snprintf(site, sizeof site, "%lld", (long long)db_col_i64(s, 1));
            it = json_pack("{s:s, s:n, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:n, s:s}", "box", barcode, "plan_box",
                           "barcode", barcode, "site", site, "site_name", db_col_text(s, 2), "area", db_col_text(s, 3),
                           "sealed_at", (json_int_t)sealed, "deadline_at", (json_int_t)deadline, "lab_deadline_at",
                           (json_int_t)deadline, "expected_at", "status", status);
            json_object_set_new(it, "late_min", json_integer(now > deadline ? (now - deadline) / 60 : 0));
            json_object_set_new(it, "left_min", minutes(now, deadline));
            json_object_set_new(it, "vehicle", veh[0] ? json_string(veh) : json_null());
            json_array_append_new(items, it);
            continue;
        }
        if (veh[0]) /* where it really is beats where the plan meant it to be */
            json_object_set_new(it, "vehicle", json_string(veh));
    }
    db_done(s);
    return rc < 0 ? -1 : 0;
}

json_t *dsp_at_risk(db_conn *c, int64_t round_id, const char *scope, int64_t now)
{
    json_t *items = json_array(), *by_barcode = json_object(), *version = json_null(), *deadline = json_null();
    dsp_setup *st = malloc(sizeof *st);
    if (st && dsp_load(c, round_id, st) == DB_ROW) {
        json_t *cur = dsp_current(c, round_id);
        if (cur) {
            version = json_integer(json_integer_value(json_object_get(cur, "version")));
            plan_part(c, st, json_object_get(cur, "plan"), scope, now, items, by_barcode);
        }
        deadline = json_integer(st->deadline);
        json_decref(cur);
        dsp_unload(st);
    }
    free(st);
    int rc = custody_part(c, round_id, scope, now, items, by_barcode);
    json_decref(by_barcode);
    if (rc < 0) {
        json_decref(items), json_decref(version), json_decref(deadline);
        return NULL;
    }
    size_t n = json_array_size(items);
    json_t **v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        json_decref(items), json_decref(version), json_decref(deadline);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(items, i));
    qsort(v, n, sizeof *v, by_deadline);
    json_array_clear(items);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, v[i]);
    free(v);
    return json_pack("{s:I, s:o, s:o, s:I, s:o}", "round", (json_int_t)round_id, "version", version, "deadline_min",
                     deadline, "now", (json_int_t)now, "items", items);
}

json_t *dsp_at_risk_counts(db_conn *c, const char *area_path, const char *scope, int64_t now)
{
    /* open rounds whose area holds area_path or lies inside it, and that the reader may see */
    db_stmt *s = db_prepare(c, "SELECT r.id, r.name, a.path, p.version, COALESCE(p.late_boxes, 0) FROM rounds r"
                               " JOIN areas a ON a.id = r.area_id"
                               " LEFT JOIN transport_plans p ON p.round_id = r.id AND p.current = 1"
                               " WHERE r.status = 'open' ORDER BY r.id DESC LIMIT 200");
    if (!s)
        return NULL;
    json_t *items = json_array();
    size_t alen = strlen(area_path), slen = scope ? strlen(scope) : 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *path = db_col_text(s, 2);
        size_t plen = strlen(path);
        bool overlaps = strncmp(path, area_path, plen < alen ? plen : alen) == 0;
        bool visible = !scope || strncmp(path, scope, plen < slen ? plen : slen) == 0;
        if (!overlaps || !visible)
            continue;
        json_array_append_new(items, json_pack("{s:I, s:s, s:o, s:I}", "round", (json_int_t)db_col_i64(s, 0), "name",
                                               db_col_text(s, 1), "version",
                                               db_col_null(s, 3) ? json_null() : json_integer(db_col_i64(s, 3)),
                                               "planned_late", (json_int_t)db_col_i64(s, 4)));
    }
    db_done(s);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        turnaround_limits lim;
        int64_t id = json_integer_value(json_object_get(it, "round"));
        db_stmt *q = turnaround_limits_get(c, id, &lim) == DB_ROW
                         ? custody_query(c, "SELECT COALESCE(SUM(b.sealed_at >= $2 - $3), 0), COUNT(*)" CUSTODY_WHERE,
                                         id, area_path, now, &lim)
                         : NULL;
        if (!q || db_step(q) != DB_ROW) {
            if (q)
                db_done(q);
            json_decref(items);
            return NULL;
        }
        json_object_set_new(it, "at_risk", json_integer(db_col_i64(q, 0)));
        json_object_set_new(it, "overdue", json_integer(db_col_i64(q, 1) - db_col_i64(q, 0)));
        db_done(q);
    }
    return rc < 0 ? (json_decref(items), NULL) : items;
}
