/* api_supply.c — supplies: items, warehouses, stock per location and its ledger,
 * movements (receipt, transfer, consumption, adjustment), tomorrow's forecast per site,
 * pick lists per warehouse with their shortfalls, and the forecast's settings. */
#include "http/api.h"

#include "core/supply.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCATIONS_MAX 2000
#define WAREHOUSES_MAX 512

static const char *const risk_names[RISK__COUNT] = {"none", "precaution", "controlled", "sealed"};

static json_t *item_json(const supply_item *it)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)it->id, "code", it->code, "name",
                          it->name, "kind", it->kind, "unit", it->unit, "per_sample", it->per_sample);
    json_object_set_new(j, "pool_size", it->pool_size ? json_integer(it->pool_size) : json_null());
    return j;
}

static int list_items(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    supply_item items[SUPPLY_ITEMS_MAX];
    int n = supply_item_list(c, items, SUPPLY_ITEMS_MAX);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the items");
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, item_json(&items[i]));
    return http_list(r, a, 0);
}

struct item_op {
    http_req *r;
    supply_item in, out;
    fx_err err;
};

static int item_job(db_conn *c, void *arg)
{
    struct item_op *op = arg;
    return supply_item_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int item_done(http_req *r, int rc)
{
    struct item_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, item_json(&op->out));
}

static int post_item(http_req *r)
{
    static const char *const fields[] = {"code", "name", "kind", "unit", "pool_size", "per_sample", NULL};
    if (r->who.role != ROLE_ADMIN && r->who.role != ROLE_OFFICER)
        return http_error(r, 403, "forbidden", "only officers and admins add items");
    const char *code, *name, *kind, *unit, *per = NULL;
    long long pool = 0;
    if (http_known_fields(r, fields) || http_str(r, "code", true, 23, &code) || http_str(r, "name", true, 40, &name) ||
        http_str(r, "kind", true, 16, &kind) || http_str(r, "unit", true, 4, &unit) ||
        http_int(r, "pool_size", false, 1, 20, &pool, NULL) || http_str(r, "per_sample", false, 40, &per))
        return HTTP_DONE;
    struct item_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    fx_copy(op->in.code, sizeof op->in.code, code);
    fx_copy(op->in.name, sizeof op->in.name, name);
    fx_copy(op->in.kind, sizeof op->in.kind, kind);
    fx_copy(op->in.unit, sizeof op->in.unit, unit);
    fx_copy(op->in.per_sample, sizeof op->in.per_sample, per ? per : "");
    op->in.pool_size = (int)pool;
    return http_defer(r, item_job, op, free, item_done);
}

/* ---- locations ---- */

static json_t *location_json(const supply_location *l)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)l->id, "kind", l->kind, "name", l->name,
                          "area", l->area_code, "created_at", (json_int_t)l->created_at);
    json_object_set_new(j, "site", l->site_id ? json_integer(l->site_id) : json_null());
    return j;
}

/* {"swab": 120, …}: the balance of every item held there */
static json_t *stock_json(db_conn *c, int64_t location_id)
{
    supply_stock_row rows[SUPPLY_ITEMS_MAX];
    int n = supply_stock_at(c, location_id, rows, SUPPLY_ITEMS_MAX);
    json_t *o = json_object();
    for (int i = 0; i < n; i++)
        json_object_set_new(o, rows[i].item_code, json_integer(rows[i].qty));
    return o;
}

static int cmp_stock(const void *key, const void *row)
{
    int64_t a = *(const int64_t *)key, b = ((const supply_stock_row *)row)->location_id;
    return a < b ? -1 : a > b;
}

static int list_locations(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    supply_location *rows = malloc(sizeof *rows * LOCATIONS_MAX);
    supply_stock_row *st = malloc(sizeof *st * LOCATIONS_MAX * 16);
    int n = rows && st ? supply_location_list(c, api_scope(r), rows, LOCATIONS_MAX) : DB_ERR;
    int ns = n >= 0 ? supply_stock_in(c, api_scope(r), st, LOCATIONS_MAX * 16) : DB_ERR;
    if (n < 0 || ns < 0) {
        free(rows);
        free(st);
        return http_error(r, 500, "internal", "could not read the locations");
    }
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = location_json(&rows[i]), *stock = json_object();
        /* the stock rows are by location: find the first of this one's, read on while it lasts */
        const supply_stock_row *x = bsearch(&rows[i].id, st, (size_t)ns, sizeof *st, cmp_stock);
        while (x && x > st && x[-1].location_id == rows[i].id)
            x--;
        for (; x && x < st + ns && x->location_id == rows[i].id; x++)
            json_object_set_new(stock, x->item_code, json_integer(x->qty));
        json_object_set_new(j, "stock", stock);
        json_array_append_new(a, j);
    }
    free(rows);
    free(st);
    return http_list(r, a, 0);
}

static bool visible_location(http_req *r, db_conn *c, supply_location *l)
{
    int64_t id;
    if (http_parse_id(r->param[0], &id) && supply_location_get(c, id, l) == DB_ROW && perm_in_scope(&r->who, l->area_path))
        return true;
    http_error(r, 404, "location_not_found", "location %.24s does not exist in your area", r->param[0]);
    return false;
}

static int get_location(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    supply_location l;
    if (!c || !visible_location(r, c, &l))
        return HTTP_DONE;
    json_t *j = location_json(&l);
    json_object_set_new(j, "stock", stock_json(c, l.id));
    return http_json(r, 200, j);
}

static json_t *movement_json(const supply_movement *m)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)m->id, "batch",
                     (json_int_t)m->batch_id, "kind", m->kind, "location", (json_int_t)m->location_id, "location_name",
                     m->location_name, "item", m->item_code, "delta", (json_int_t)m->delta, "balance",
                     (json_int_t)m->balance, "note", m->note, "created_by", m->created_by, "created_at",
                     (json_int_t)m->created_at);
}
static json_t *render_movement(const void *row) { return movement_json(row); }

static int list_movements(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    supply_location l;
    if (!c || !visible_location(r, c, &l))
        return HTTP_DONE;
    supply_movement *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = supply_movement_list(c, l.id, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(supply_movement, id), render_movement);
    free(rows);
    return HTTP_DONE;
}

struct warehouse_op {
    http_req *r;
    const char *name, *area;
    supply_location out;
    fx_err err;
};

static int warehouse_job(db_conn *c, void *arg)
{
    struct warehouse_op *op = arg;
    return supply_warehouse_create(c, &op->r->act, op->name, op->area, &op->out, &op->err);
}

static int warehouse_done(http_req *r, int rc)
{
    struct warehouse_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, location_json(&op->out));
}

static int post_warehouse(http_req *r)
{
    static const char *const fields[] = {"name", "area", NULL};
    struct warehouse_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (http_known_fields(r, fields) || http_str(r, "name", true, 100, &op->name) ||
        http_str(r, "area", true, 64, &op->area)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, warehouse_job, op, free, warehouse_done);
}

/* ---- movements ---- */

struct move_op {
    http_req *r;
    supply_move_input in;
    supply_movement legs[2];
    int nlegs;
    fx_err err;
};

static int move_job(db_conn *c, void *arg)
{
    struct move_op *op = arg;
    return supply_move(c, &op->r->act, &op->in, op->legs, &op->nlegs, &op->err);
}

static int moved(http_req *r, int rc)
{
    struct move_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *legs = json_array();
    for (int i = 0; i < op->nlegs; i++)
        json_array_append_new(legs, movement_json(&op->legs[i]));
    return http_json(r, 201, json_pack("{s:I, s:s, s:s, s:o}", "batch", (json_int_t)op->legs[0].batch_id, "kind",
                                       op->legs[0].kind, "item", op->legs[0].item_code, "legs", legs));
}

static int post_movement(http_req *r)
{
    static const char *const fields[] = {"kind", "item", "qty", "from", "to", "from_site", "to_site", "note", NULL};
    struct move_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long qty, from = 0, to = 0, from_site = 0, to_site = 0;
    if (http_known_fields(r, fields) || http_str(r, "kind", true, 16, &op->in.kind) ||
        http_str(r, "item", true, 24, &op->in.item) ||
        http_int(r, "qty", true, -100000000LL, 100000000LL, &qty, NULL) ||
        http_int(r, "from", false, 1, INT64_MAX, &from, NULL) || http_int(r, "to", false, 1, INT64_MAX, &to, NULL) ||
        http_int(r, "from_site", false, 1, INT64_MAX, &from_site, NULL) ||
        http_int(r, "to_site", false, 1, INT64_MAX, &to_site, NULL) || http_str(r, "note", false, 200, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    if ((from && from_site) || (to && to_site)) {
        free(op);
        return http_error(r, 400, "ambiguous_place", "%s: give a location or a site, not both",
                          from && from_site ? "from" : "to");
    }
    op->in.qty = qty;
    op->in.from = (supply_place){.location_id = from, .site_id = from_site};
    op->in.to = (supply_place){.location_id = to, .site_id = to_site};
    return http_defer(r, move_job, op, free, moved);
}

/* ---- forecast and pick lists ---- */

/* 0, or answers 404 when the round is not one the caller may see. */
static int round_in_view(http_req *r, int64_t round_id)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return -1;
    fx_round rd;
    if (round_get(c, round_id, &rd) == DB_ROW && round_visible(c, &r->who, round_id))
        return 0;
    http_error(r, 404, "round_not_found", "round: %lld does not exist in your area", (long long)round_id);
    return -1;
}

/* ?round=ID (optional): the round whose pool policy applies. */
static int round_param(http_req *r, int64_t *round_id)
{
    const char *v = http_query(r, "round");
    *round_id = 0;
    if (v && *v && !http_parse_id(v, round_id)) {
        http_error(r, 400, "invalid_round", "round: a round id");
        return -1;
    }
    return *round_id ? round_in_view(r, *round_id) : 0;
}

static json_t *policy_json(const supply_forecast *f)
{
    json_t *pool = json_object();
    for (int l = 0; l < RISK__COUNT; l++)
        json_object_set_new(pool, risk_names[l], json_integer(f->policy.pool[l]));
    json_t *j = json_pack("{s:o, s:{s:f, s:i, s:i, s:i}}", "pool", pool, "settings", "wastage_pct",
                          f->set.wastage_pct, "tubes_per_box", f->set.tubes_per_box, "people_per_sampler",
                          f->set.people_per_sampler, "ppe_per_staff", f->set.ppe_per_staff);
    json_object_set_new(j, "round", f->policy.id ? json_pack("{s:I, s:s}", "id", (json_int_t)f->policy.id, "name",
                                                             f->policy.name)
                                                 : json_null());
    return j;
}

static void write_site(fx_str *s, const supply_site_forecast *x)
{
    const supply_calc_out *k = &x->calc;
    fx_str_addf(s, "{\"site\":%lld,\"name\":", (long long)x->site_id);
    fx_str_add_json(s, x->site_name);
    fx_str_adds(s, ",\"area\":");
    fx_str_add_json(s, x->area_code);
    fx_str_addf(s, ",\"headcount\":%lld,\"source\":\"%s\",\"last_round\":", (long long)k->headcount,
                k->from_history ? "last_round" : "population");
    if (x->round_id)
        fx_str_addf(s, "%lld", (long long)x->round_id);
    else
        fx_str_adds(s, "null");
    fx_str_adds(s, ",\"heads\":{");
    for (int l = 0; l < RISK__COUNT; l++)
        fx_str_addf(s, "%s\"%s\":%lld", l ? "," : "", risk_names[l], (long long)k->heads[l]);
    fx_str_addf(s, "},\"tables\":%d,\"staff\":%lld,\"warehouse\":", x->tables, (long long)k->staff);
    if (x->warehouse_id) {
        fx_str_addf(s, "{\"id\":%lld,\"name\":", (long long)x->warehouse_id);
        fx_str_add_json(s, x->warehouse_name);
        fx_str_adds(s, "}");
    } else {
        fx_str_adds(s, "null");
    }
    fx_str_adds(s, ",\"lines\":[");
    bool first = true;
    for (int f = 0; f < SUPPLY_F__COUNT; f++) {
        if (!k->need[f] && !x->stock[f])
            continue;
        fx_str_addf(s, "%s{\"item\":\"%s\",\"base\":%lld,\"need\":%lld,\"stock\":%lld,\"pick\":%lld,\"why\":",
                    first ? "" : ",", supply_forecast_code(f), (long long)k->base[f], (long long)k->need[f],
                    (long long)x->stock[f], (long long)x->pick[f]);
        fx_str_add_json(s, k->why[f]);
        fx_str_adds(s, "}");
        first = false;
    }
    fx_str_adds(s, "]}");
}

/* Answers a whole forecast as JSON text: a city's 6,400 sites without a json_t per number. */
static int send_forecast(http_req *r, const supply_forecast *f, json_t *extra)
{
    json_t *head = policy_json(f);
    if (extra)
        json_object_update(head, extra);
    char *h = json_dumps(head, JSON_COMPACT);
    json_decref(head);
    fx_str s;
    fx_str_init(&s, (size_t)64 << 20);
    fx_str_add(&s, h, strlen(h) - 1); /* without its closing brace */
    free(h);
    fx_str_adds(&s, ",\"sites\":[");
    for (int i = 0; i < f->nsites; i++) {
        if (i)
            fx_str_adds(&s, ",");
        write_site(&s, &f->sites[i]);
    }
    fx_str_adds(&s, "]}");
    if (s.overflow || !s.p) {
        fx_str_free(&s);
        return http_error(r, 500, "internal", "the forecast could not be built; try again");
    }
    free(r->resp);
    r->resp_len = s.len;
    r->resp = fx_str_take(&s);
    r->content_type_out = "application/json; charset=utf-8";
    r->status = 200;
    return HTTP_DONE;
}

static json_t *totals_json(const supply_pick_total *t)
{
    json_t *items = json_object(), *words = json_array();
    for (int f = 0; f < SUPPLY_F__COUNT; f++) {
        if (!t->pick[f] && !t->stock[f])
            continue;
        json_object_set_new(items, supply_forecast_code(f),
                            json_pack("{s:I, s:I, s:I}", "pick", (json_int_t)t->pick[f], "stock",
                                      (json_int_t)t->stock[f], "shortfall", (json_int_t)t->shortfall[f]));
        if (t->shortfall[f]) {
            char w[600];
            snprintf(w, sizeof w, "%s: %lld to pick, %lld in stock, %lld short", supply_forecast_code(f),
                     (long long)t->pick[f], (long long)t->stock[f], (long long)t->shortfall[f]);
            json_array_append_new(words, json_string(w));
        }
    }
    json_t *j = json_pack("{s:i, s:o, s:o}", "sites", t->sites, "items", items, "shortfalls", words);
    json_object_set_new(j, "warehouse", t->warehouse_id ? json_pack("{s:I, s:s, s:s}", "id",
                                                                    (json_int_t)t->warehouse_id, "name",
                                                                    t->warehouse_name, "area", t->area_code)
                                                        : json_null());
    return j;
}

static int pick_answer(http_req *r, db_conn *c, const supply_forecast *f, int raised)
{
    supply_pick_total *t = malloc(sizeof *t * WAREHOUSES_MAX);
    if (!t)
        return http_error(r, 500, "internal", "out of memory");
    int n = supply_pick_totals(c, f, t, WAREHOUSES_MAX);
    if (n < 0) {
        free(t);
        return http_error(r, 500, "internal", "could not read the warehouses' stock");
    }
    json_t *ws = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(ws, totals_json(&t[k]));
    free(t);
    json_t *extra = json_pack("{s:o}", "warehouses", ws);
    if (raised >= 0)
        json_object_set_new(extra, "alerts_raised", json_integer(raised));
    int rc = send_forecast(r, f, extra);
    json_decref(extra);
    return rc;
}

/* The forecast (picks false) or the pick lists, read afresh for the caller's area;
 * raised >= 0 adds how many alerts a flag just raised. */
static int answer(http_req *r, int64_t round_id, bool picks, int raised)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    supply_forecast f;
    fx_err e = {0};
    if (supply_forecast_run(c, api_scope(r), round_id, &f, &e))
        return http_fail(r, &e);
    int rc = picks ? pick_answer(r, c, &f, raised) : send_forecast(r, &f, NULL);
    supply_forecast_free(&f);
    return rc;
}

static int get_forecast(http_req *r)
{
    int64_t round_id;
    return round_param(r, &round_id) ? HTTP_DONE : answer(r, round_id, false, -1);
}

static int get_pick_lists(http_req *r)
{
    int64_t round_id;
    return round_param(r, &round_id) ? HTTP_DONE : answer(r, round_id, true, -1);
}

struct flag_op {
    http_req *r;
    int64_t round_id;
    int raised;
    fx_err err;
};

static int flag_job(db_conn *c, void *arg)
{
    struct flag_op *op = arg;
    supply_forecast f;
    int rc = supply_forecast_run(c, api_scope(op->r), op->round_id, &f, &op->err);
    if (rc)
        return rc;
    supply_pick_total *t = malloc(sizeof *t * WAREHOUSES_MAX);
    int n = t ? supply_pick_totals(c, &f, t, WAREHOUSES_MAX) : DB_ERR;
    op->raised = n < 0 ? n : supply_flag_shortfalls(c, &f, t, n);
    free(t);
    supply_forecast_free(&f);
    return op->raised < 0 ? op->raised : 0;
}

static int flagged(http_req *r, int rc)
{
    struct flag_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : answer(r, op->round_id, true, op->raised);
}

/* Tells the warehouses' officers of each shortfall for the round, once per round and item. */
static int post_shortfalls(http_req *r)
{
    static const char *const fields[] = {"round", NULL};
    long long round_id;
    if (http_known_fields(r, fields) || http_int(r, "round", true, 1, INT64_MAX, &round_id, NULL))
        return HTTP_DONE;
    if (round_in_view(r, round_id))
        return HTTP_DONE;
    struct flag_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->round_id = round_id;
    return http_defer(r, flag_job, op, free, flagged);
}

/* ---- settings ---- */

static json_t *settings_json(const supply_settings *s)
{
    json_t *j = json_pack("{s:f, s:i, s:i, s:i, s:s, s:I}", "wastage_pct", s->wastage_pct, "tubes_per_box",
                          s->tubes_per_box, "people_per_sampler", s->people_per_sampler, "ppe_per_staff",
                          s->ppe_per_staff, "updated_by", s->updated_by, "updated_at", (json_int_t)s->updated_at);
    return j;
}

static int get_settings(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    supply_settings s;
    if (supply_settings_get(c, &s) != 0)
        return http_error(r, 500, "internal", "could not read the settings");
    return http_json(r, 200, settings_json(&s));
}

struct settings_op {
    http_req *r;
    json_t *body;
    supply_settings in;
    fx_err err;
};

static int settings_job(db_conn *c, void *arg)
{
    struct settings_op *op = arg;
    supply_settings cur;
    if (supply_settings_get(c, &cur) != 0)
        return fx_fail(&op->err, FX_EINTERNAL, "db_error", "could not read the settings");
    /* absent fields stay as they are */
    json_t *w = json_object_get(op->body, "wastage_pct");
    op->in.wastage_pct = w ? json_number_value(w) : cur.wastage_pct;
    json_t *v;
    op->in.tubes_per_box = (v = json_object_get(op->body, "tubes_per_box")) ? (int)json_integer_value(v) : cur.tubes_per_box;
    op->in.people_per_sampler =
        (v = json_object_get(op->body, "people_per_sampler")) ? (int)json_integer_value(v) : cur.people_per_sampler;
    op->in.ppe_per_staff = (v = json_object_get(op->body, "ppe_per_staff")) ? (int)json_integer_value(v) : cur.ppe_per_staff;
    int rc = supply_settings_set(c, &op->r->act, &op->in, &op->err);
    return rc ? rc : (supply_settings_get(c, &op->in) == 0 ? 0 : DB_ERR);
}

static int settings_done(http_req *r, int rc)
{
    struct settings_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, settings_json(&op->in));
}

static int put_settings(http_req *r)
{
    static const char *const fields[] = {"wastage_pct", "tubes_per_box", "people_per_sampler", "ppe_per_staff", NULL};
    if (r->who.role != ROLE_ADMIN && r->who.role != ROLE_OFFICER)
        return http_error(r, 403, "forbidden", "only officers and admins change the forecast's settings");
    if (http_known_fields(r, fields))
        return HTTP_DONE;
    json_t *w = json_object_get(r->json, "wastage_pct");
    if (w && !json_is_number(w))
        return http_error(r, 400, "invalid_wastage_pct", "wastage_pct: a number of per cent, 0 to 100");
    long long dummy;
    if (http_int(r, "tubes_per_box", false, 1, 10000, &dummy, NULL) ||
        http_int(r, "people_per_sampler", false, 1, 100000, &dummy, NULL) ||
        http_int(r, "ppe_per_staff", false, 0, 100, &dummy, NULL))
        return HTTP_DONE;
    struct settings_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->body = r->json;
    return http_defer(r, settings_job, op, free, settings_done);
}

const route api_supply_routes[] = {
    {"GET", "/api/v1/supply/items", ACT_SUPPLY_READ, list_items, 0, 0},
    {"POST", "/api/v1/supply/items", ACT_SUPPLY_WRITE, post_item, ROUTE_JSON, 1024},
    {"GET", "/api/v1/supply/locations", ACT_SUPPLY_READ, list_locations, 0, 0},
    {"POST", "/api/v1/supply/warehouses", ACT_SUPPLY_WRITE, post_warehouse, ROUTE_JSON, 1024},
    {"GET", "/api/v1/supply/locations/{id}", ACT_SUPPLY_READ, get_location, 0, 0},
    {"GET", "/api/v1/supply/locations/{id}/movements", ACT_SUPPLY_READ, list_movements, 0, 0},
    {"POST", "/api/v1/supply/movements", ACT_SUPPLY_WRITE, post_movement, ROUTE_JSON, 2048},
    {"GET", "/api/v1/supply/forecast", ACT_SUPPLY_READ, get_forecast, 0, 0},
    {"GET", "/api/v1/supply/pick-lists", ACT_SUPPLY_READ, get_pick_lists, 0, 0},
    {"POST", "/api/v1/supply/shortfalls", ACT_SUPPLY_WRITE, post_shortfalls, ROUTE_JSON, 256},
    {"GET", "/api/v1/supply/settings", ACT_SUPPLY_READ, get_settings, 0, 0},
    {"PUT", "/api/v1/supply/settings", ACT_SUPPLY_WRITE, put_settings, ROUTE_JSON, 1024},
    {0},
};
