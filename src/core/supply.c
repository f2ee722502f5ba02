/* supply.c — items, locations, the stock ledger and settings. The forecast, pick
 * lists and shortfalls are in supply_forecast.c. */
#include "core/supply.h"

#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/site.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)

/* ---- items ---- */

#define ITEM_SELECT "SELECT id, COALESCE(pool_size, 0), code, name, kind, unit, per_sample FROM supply_items "

static void read_item(db_stmt *s, void *row)
{
    supply_item *it = row;
    memset(it, 0, sizeof *it);
    it->id = db_col_i64(s, 0);
    it->pool_size = (int)db_col_i64(s, 1);
    fx_copy(it->code, sizeof it->code, db_col_text(s, 2));
    fx_copy(it->name, sizeof it->name, db_col_text(s, 3));
    fx_copy(it->kind, sizeof it->kind, db_col_text(s, 4));
    fx_copy(it->unit, sizeof it->unit, db_col_text(s, 5));
    fx_copy(it->per_sample, sizeof it->per_sample, db_col_text(s, 6));
}

int supply_item_list(db_conn *c, supply_item *out, int max)
{
    db_stmt *s = db_prepare(c, ITEM_SELECT "ORDER BY id");
    if (!s)
        return DB_ERR;
    return db_rows(s, read_item, out, sizeof *out, max);
}

int supply_item_by_code(db_conn *c, const char *code, supply_item *out)
{
    db_stmt *s = db_prepare(c, ITEM_SELECT "WHERE code = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, code);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_item(s, out);
    db_done(s);
    return rc;
}

static bool item_kind_valid(const char *k)
{
    static const char *const kinds[] = {"swab", "tube", "box", "ppe", "disinfectant", "tent", "other"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(k, kinds[i]) == 0)
            return true;
    return false;
}

static bool item_code_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 23)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return false;
    return true;
}

int supply_item_create(db_conn *c, const actor *who, const supply_item *in, supply_item *out, fx_err *err)
{
    if (!item_code_valid(in->code))
        return fx_fail(err, FX_EINVAL, "invalid_code", "code: 1 to 23 of a-z, 0-9 and '-'");
    if (!in->name[0] || fx_utf8_len(in->name) > 40)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: 1 to 40 characters");
    if (!item_kind_valid(in->kind))
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind: swab, tube, box, ppe, disinfectant, tent or other");
    if (!in->unit[0])
        return fx_fail(err, FX_EINVAL, "invalid_unit", "unit: what it is counted in (支, 个, 套, 升 …)");
    bool tube = strcmp(in->kind, "tube") == 0;
    if (tube != (in->pool_size != 0) || (tube && !round_pool_valid(in->pool_size)))
        return fx_fail(err, FX_EINVAL, "invalid_pool_size", tube ? "pool_size: 1, 5, 10 or 20 for a tube"
                                                                  : "pool_size: only tubes have one");
    supply_item have;
    int rc = supply_item_by_code(c, in->code, &have);
    if (rc < 0)
        return DB_FAIL(err, "read the items");
    if (rc == DB_ROW)
        return fx_fail(err, FX_ECONFLICT, "item_exists", "code: an item %s exists already", in->code);
    db_stmt *s = db_prepare(c, "INSERT INTO supply_items (id, code, name, kind, unit, pool_size, per_sample, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return DB_FAIL(err, "save the item");
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, in->code);
    db_bind_text(s, 3, in->name);
    db_bind_text(s, 4, in->kind);
    db_bind_text(s, 5, in->unit);
    if (tube)
        db_bind_i64(s, 6, in->pool_size);
    else
        db_bind_null(s, 6);
    db_bind_text(s, 7, in->per_sample);
    db_bind_i64(s, 8, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || supply_item_by_code(c, in->code, out) != DB_ROW)
        return DB_FAIL(err, "save the item");
    fx_str ch;
    fx_str_init(&ch, 1024);
    fx_str_adds(&ch, "{\"code\":");
    fx_str_add_json(&ch, out->code);
    fx_str_adds(&ch, ",\"name\":");
    fx_str_add_json(&ch, out->name);
    fx_str_adds(&ch, ",\"kind\":");
    fx_str_add_json(&ch, out->kind);
    fx_str_adds(&ch, "}");
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    rc = audit_record(c, &who->log, "create", "supply_item", eid, ch.p);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the item") : 0;
}

/* ---- locations ---- */

#define LOCATION_SELECT                                                                                      \
    "SELECT l.id, l.area_id, COALESCE(l.site_id, 0), l.created_at, l.kind, l.name, a.code, a.path"            \
    " FROM supply_locations l JOIN areas a ON a.id = l.area_id "

static void read_location(db_stmt *s, void *row)
{
    supply_location *l = row;
    memset(l, 0, sizeof *l);
    l->id = db_col_i64(s, 0);
    l->area_id = db_col_i64(s, 1);
    l->site_id = db_col_i64(s, 2);
    l->created_at = db_col_i64(s, 3);
    fx_copy(l->kind, sizeof l->kind, db_col_text(s, 4));
    fx_copy(l->name, sizeof l->name, db_col_text(s, 5));
    fx_copy(l->area_code, sizeof l->area_code, db_col_text(s, 6));
    fx_copy(l->area_path, sizeof l->area_path, db_col_text(s, 7));
}

int supply_location_get(db_conn *c, int64_t id, supply_location *out)
{
    return db_one_row(c, LOCATION_SELECT "WHERE l.id = $1", id, read_location, out);
}

static int insert_location(db_conn *c, const actor *who, const char *kind, const char *name, int64_t area_id,
                           const char *area_path, int64_t site_id, int64_t *out_id)
{
    db_stmt *s = db_prepare(c, "INSERT INTO supply_locations (id, kind, name, top_area_id, area_id, site_id,"
                               " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return DB_ERR;
    *out_id = fx_id_next();
    db_bind_i64(s, 1, *out_id);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, name);
    db_bind_i64(s, 4, path_top(area_path));
    db_bind_i64(s, 5, area_id);
    if (site_id)
        db_bind_i64(s, 6, site_id);
    else
        db_bind_null(s, 6);
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, fx_now());
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

int supply_warehouse_create(db_conn *c, const actor *who, const char *name, const char *area_code,
                            supply_location *out, fx_err *err)
{
    if (!name || !*name || fx_utf8_len(name) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: 1 to 100 characters");
    area a;
    int rc = area_get(c, area_code, &a);
    if (rc < 0)
        return DB_FAIL(err, "read the area");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %s does not exist", area_code);
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %s is outside your area", area_code);
    int64_t id;
    if (insert_location(c, who, "warehouse", name, a.id, a.path, 0, &id) != 0 ||
        supply_location_get(c, id, out) != DB_ROW)
        return DB_FAIL(err, "save the warehouse");
    fx_str ch;
    fx_str_init(&ch, 1024);
    fx_str_adds(&ch, "{\"name\":{\"from\":null,\"to\":");
    fx_str_add_json(&ch, name);
    fx_str_addf(&ch, "},\"area\":{\"from\":null,\"to\":");
    fx_str_add_json(&ch, area_code);
    fx_str_adds(&ch, "}}");
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    rc = audit_record(c, &who->log, "create", "supply_location", eid, ch.p);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the warehouse") : 0;
}

int supply_location_list(db_conn *c, const char *scope_path, supply_location *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, LOCATION_SELECT "WHERE a.path >= $1 AND a.path < $2"
                                               " ORDER BY l.kind = 'site', l.name, l.id LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, max);
    return db_rows(s, read_location, out, sizeof *out, max);
}

/* The location a movement names, in the actor's scope; a site's made on first use. */
static int resolve_place(db_conn *c, const actor *who, const supply_place *p, const char *field,
                         supply_location *out, fx_err *err)
{
    int rc;
    if (p->location_id) {
        rc = supply_location_get(c, p->location_id, out);
        if (rc < 0)
            return DB_FAIL(err, "read the location");
        if (rc != DB_ROW || !actor_in_scope(who, out->area_path))
            return fx_fail(err, FX_EINVAL, "location_not_found", "%s: location %lld does not exist in your area",
                           field, (long long)p->location_id);
        return 0;
    }
    site st;
    rc = site_get(c, p->site_id, &st);
    if (rc < 0)
        return DB_FAIL(err, "read the site");
    if (rc != DB_ROW || !actor_in_scope(who, st.area_path))
        return fx_fail(err, FX_EINVAL, "site_not_found", "%s_site: site %lld does not exist in your area", field,
                       (long long)p->site_id);
    rc = db_one_row(c, LOCATION_SELECT "WHERE l.site_id = $1", st.id, read_location, out);
    if (rc == DB_ROW)
        return 0;
    int64_t id;
    if (rc < 0 || insert_location(c, who, "site", st.name, st.area_id, st.area_path, st.id, &id) != 0 ||
        supply_location_get(c, id, out) != DB_ROW)
        return DB_FAIL(err, "save the site's stock location");
    return 0;
}

/* ---- stock ---- */

#define STOCK_SELECT                                                                                         \
    "SELECT st.location_id, st.item_id, st.qty, st.updated_at, i.code FROM supply_stock st"                    \
    " JOIN supply_items i ON i.id = st.item_id "

static int read_stock(db_stmt *s, supply_stock_row *out, int max)
{
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        supply_stock_row *r = &out[n++];
        r->location_id = db_col_i64(s, 0);
        r->item_id = db_col_i64(s, 1);
        r->qty = db_col_i64(s, 2);
        r->updated_at = db_col_i64(s, 3);
        fx_copy(r->item_code, sizeof r->item_code, db_col_text(s, 4));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

int supply_stock_at(db_conn *c, int64_t location_id, supply_stock_row *out, int max)
{
    db_stmt *s = db_prepare(c, STOCK_SELECT "WHERE st.location_id = $1 ORDER BY i.id");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, location_id);
    return read_stock(s, out, max);
}

int supply_stock_in(db_conn *c, const char *scope_path, supply_stock_row *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, STOCK_SELECT "JOIN supply_locations l ON l.id = st.location_id JOIN areas a ON a.id = l.area_id"
                                            " WHERE a.path >= $1 AND a.path < $2 ORDER BY st.location_id, i.id LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, max);
    return read_stock(s, out, max);
}

static int stock_qty(db_conn *c, int64_t location_id, int64_t item_id, int64_t *qty)
{
    db_stmt *s = db_prepare(c, "SELECT qty FROM supply_stock WHERE location_id = $1 AND item_id = $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, location_id);
    db_bind_i64(s, 2, item_id);
    int rc = db_step(s);
    *qty = rc == DB_ROW ? db_col_i64(s, 0) : 0;
    db_done(s);
    return rc < 0 ? rc : 0;
}

/* One leg: the balance and its ledger row. Refuses a balance below zero in words. */
static int apply_leg(db_conn *c, const actor *who, const char *kind, int64_t batch, const supply_location *loc,
                     const supply_item *it, int64_t delta, const char *note, supply_movement *leg, fx_err *err)
{
    int64_t have;
    if (stock_qty(c, loc->id, it->id, &have) < 0)
        return DB_FAIL(err, "read the stock");
    if (have + delta < 0)
        return fx_fail(err, FX_ERULE, "insufficient_stock",
                       "not enough %s (%s) at %s: %lld %s in stock, %lld asked, %lld short", it->name, it->code,
                       loc->name, (long long)have, it->unit, (long long)-delta, (long long)(-delta - have));
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO supply_stock (location_id, item_id, qty, updated_at) VALUES ($1, $2, $3, $4)"
                               " ON CONFLICT (location_id, item_id) DO UPDATE SET qty = excluded.qty,"
                               " updated_at = excluded.updated_at");
    if (!s)
        return DB_FAIL(err, "save the stock");
    db_bind_i64(s, 1, loc->id);
    db_bind_i64(s, 2, it->id);
    db_bind_i64(s, 3, have + delta);
    db_bind_i64(s, 4, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the stock");
    memset(leg, 0, sizeof *leg);
    leg->id = fx_id_next();
    leg->batch_id = batch;
    leg->location_id = loc->id;
    leg->item_id = it->id;
    leg->delta = delta;
    leg->balance = have + delta;
    leg->created_at = now;
    fx_copy(leg->kind, sizeof leg->kind, kind);
    fx_copy(leg->item_code, sizeof leg->item_code, it->code);
    fx_copy(leg->location_name, sizeof leg->location_name, loc->name);
    fx_copy(leg->note, sizeof leg->note, note ? note : "");
    fx_copy(leg->created_by, sizeof leg->created_by, who->log.name);
    s = db_prepare(c, "INSERT INTO supply_movements (id, batch_id, kind, location_id, item_id, delta, balance, note,"
                      " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return DB_FAIL(err, "save the movement");
    db_bind_i64(s, 1, leg->id);
    db_bind_i64(s, 2, batch);
    db_bind_text(s, 3, kind);
    db_bind_i64(s, 4, loc->id);
    db_bind_i64(s, 5, it->id);
    db_bind_i64(s, 6, delta);
    db_bind_i64(s, 7, leg->balance);
    db_bind_text(s, 8, leg->note);
    db_bind_text(s, 9, who->log.name);
    db_bind_i64(s, 10, now);
    rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : DB_FAIL(err, "save the movement");
}

static bool place_given(const supply_place *p) { return p->location_id || p->site_id; }

int supply_move(db_conn *c, const actor *who, const supply_move_input *in, supply_movement legs[2], int *nlegs,
                fx_err *err)
{
    const char *k = in->kind ? in->kind : "";
    bool receipt = strcmp(k, "receipt") == 0, transfer = strcmp(k, "transfer") == 0,
         consumption = strcmp(k, "consumption") == 0, adjustment = strcmp(k, "adjustment") == 0;
    if (!receipt && !transfer && !consumption && !adjustment)
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind: receipt, transfer, consumption or adjustment");
    if (adjustment ? in->qty == 0 : in->qty <= 0)
        return fx_fail(err, FX_EINVAL, "invalid_qty",
                       adjustment ? "qty: a correction other than 0 (negative to take stock off)"
                                  : "qty: a whole number above 0");
    bool need_from = transfer || consumption, need_to = !consumption;
    if (need_from != place_given(&in->from))
        return fx_fail(err, FX_EINVAL, need_from ? "missing_from" : "unexpected_from",
                       need_from ? "from: the location (or from_site: the site) the items leave"
                                 : "from: not used for a %s", k);
    if (need_to != place_given(&in->to))
        return fx_fail(err, FX_EINVAL, need_to ? "missing_to" : "unexpected_to",
                       need_to ? "to: the location (or to_site: the site) the items go to (adjustment: the one counted)"
                               : "to: not used for a %s", k);
    supply_item it;
    int rc = supply_item_by_code(c, in->item ? in->item : "", &it);
    if (rc < 0)
        return DB_FAIL(err, "read the item");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "item_not_found", "item: no item has the code \"%.40s\"",
                       in->item ? in->item : "");
    supply_location from, to;
    if (need_from && (rc = resolve_place(c, who, &in->from, "from", &from, err)))
        return rc;
    if (need_to && (rc = resolve_place(c, who, &in->to, "to", &to, err)))
        return rc;
    if (transfer && from.id == to.id)
        return fx_fail(err, FX_EINVAL, "same_location", "to: a transfer goes to another location than from");
    int64_t batch = fx_id_next();
    *nlegs = 0;
    if (need_from && (rc = apply_leg(c, who, k, batch, &from, &it, -in->qty, in->note, &legs[(*nlegs)++], err)))
        return rc;
    if (need_to && (rc = apply_leg(c, who, k, batch, &to, &it, in->qty, in->note, &legs[(*nlegs)++], err)))
        return rc;
    fx_str ch;
    fx_str_init(&ch, 2048);
    fx_str_adds(&ch, "{\"kind\":");
    fx_str_add_json(&ch, k);
    fx_str_adds(&ch, ",\"item\":");
    fx_str_add_json(&ch, it.code);
    fx_str_addf(&ch, ",\"qty\":%lld", (long long)in->qty);
    for (int i = 0; i < *nlegs; i++)
        fx_str_addf(&ch, ",\"location_%lld\":{\"from\":%lld,\"to\":%lld}", (long long)legs[i].location_id,
                    (long long)(legs[i].balance - legs[i].delta), (long long)legs[i].balance);
    fx_str_adds(&ch, "}");
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)batch);
    rc = audit_record(c, &who->log, "create", "supply_movement", eid, ch.p);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the movement") : 0;
}

int supply_movement_list(db_conn *c, int64_t location_id, int64_t before_id, supply_movement *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT m.id, m.batch_id, m.location_id, m.item_id, m.delta, m.balance, m.created_at,"
                               " m.kind, i.code, l.name, m.note, m.created_by FROM supply_movements m"
                               " JOIN supply_items i ON i.id = m.item_id JOIN supply_locations l ON l.id = m.location_id"
                               " WHERE m.location_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, location_id);
    db_bind_i64(s, 2, before_id ? before_id : INT64_MAX);
    db_bind_i64(s, 3, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        supply_movement *m = &out[n++];
        memset(m, 0, sizeof *m);
        m->id = db_col_i64(s, 0);
        m->batch_id = db_col_i64(s, 1);
        m->location_id = db_col_i64(s, 2);
        m->item_id = db_col_i64(s, 3);
        m->delta = db_col_i64(s, 4);
        m->balance = db_col_i64(s, 5);
        m->created_at = db_col_i64(s, 6);
        fx_copy(m->kind, sizeof m->kind, db_col_text(s, 7));
        fx_copy(m->item_code, sizeof m->item_code, db_col_text(s, 8));
        fx_copy(m->location_name, sizeof m->location_name, db_col_text(s, 9));
        fx_copy(m->note, sizeof m->note, db_col_text(s, 10));
        fx_copy(m->created_by, sizeof m->created_by, db_col_text(s, 11));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- settings ---- */

int supply_settings_get(db_conn *c, supply_settings *out)
{
    db_stmt *s = db_prepare(c, "SELECT wastage_pct, tubes_per_box, people_per_sampler, ppe_per_staff, updated_at,"
                               " updated_by FROM supply_settings WHERE id = 1");
    if (!s)
        return DB_ERR;
    int rc = db_step(s);
    memset(out, 0, sizeof *out);
    if (rc == DB_ROW) {
        out->wastage_pct = db_col_double(s, 0);
        out->tubes_per_box = (int)db_col_i64(s, 1);
        out->people_per_sampler = (int)db_col_i64(s, 2);
        out->ppe_per_staff = (int)db_col_i64(s, 3);
        out->updated_at = db_col_i64(s, 4);
        fx_copy(out->updated_by, sizeof out->updated_by, db_col_text(s, 5));
    }
    db_done(s);
    return rc == DB_ROW ? 0 : DB_ERR;
}

int supply_settings_set(db_conn *c, const actor *who, const supply_settings *in, fx_err *err)
{
    if (!(in->wastage_pct >= 0 && in->wastage_pct <= 100))
        return fx_fail(err, FX_EINVAL, "invalid_wastage_pct", "wastage_pct: 0 to 100 (per cent)");
    if (in->tubes_per_box < 1 || in->tubes_per_box > 10000)
        return fx_fail(err, FX_EINVAL, "invalid_tubes_per_box", "tubes_per_box: 1 to 10000");
    if (in->people_per_sampler < 1 || in->people_per_sampler > 100000)
        return fx_fail(err, FX_EINVAL, "invalid_people_per_sampler", "people_per_sampler: 1 to 100000");
    if (in->ppe_per_staff < 0 || in->ppe_per_staff > 100)
        return fx_fail(err, FX_EINVAL, "invalid_ppe_per_staff", "ppe_per_staff: 0 to 100");
    supply_settings old;
    if (supply_settings_get(c, &old) != 0)
        return DB_FAIL(err, "read the settings");
    db_stmt *s = db_prepare(c, "UPDATE supply_settings SET wastage_pct = $1, tubes_per_box = $2, people_per_sampler = $3,"
                               " ppe_per_staff = $4, updated_by = $5, updated_at = $6 WHERE id = 1");
    if (!s)
        return DB_FAIL(err, "save the settings");
    db_bind_double(s, 1, in->wastage_pct);
    db_bind_i64(s, 2, in->tubes_per_box);
    db_bind_i64(s, 3, in->people_per_sampler);
    db_bind_i64(s, 4, in->ppe_per_staff);
    db_bind_text(s, 5, who->log.name);
    db_bind_i64(s, 6, fx_now());
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the settings");
    char ch[400];
    snprintf(ch, sizeof ch,
             "{\"wastage_pct\":{\"from\":%g,\"to\":%g},\"tubes_per_box\":{\"from\":%d,\"to\":%d},"
             "\"people_per_sampler\":{\"from\":%d,\"to\":%d},\"ppe_per_staff\":{\"from\":%d,\"to\":%d}}",
             old.wastage_pct, in->wastage_pct, old.tubes_per_box, in->tubes_per_box, old.people_per_sampler,
             in->people_per_sampler, old.ppe_per_staff, in->ppe_per_staff);
    return audit_record(c, &who->log, "update", "supply_settings", "1", ch) ? DB_FAIL(err, "audit the settings") : 0;
}
