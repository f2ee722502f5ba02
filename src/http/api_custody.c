/* api_custody.c — boxes on their way to the lab: handovers, discrepancies, a box's
 * timeline, turnaround limits and the boxes at risk or in breach; alerts. */
#include "http/api.h"

#include "core/alert.h"
#include "core/custody.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *api_scope(const http_req *r) { return r->who.area_id ? r->who.area_path : "/"; }

bool api_round_visible(http_req *r, int64_t *round_id)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return false;
    bool ok = false;
    if (http_parse_id(r->param[0], round_id)) {
        db_stmt *s = db_prepare(c, "SELECT a.path FROM rounds r JOIN areas a ON a.id = r.area_id WHERE r.id = $1");
        if (s) {
            db_bind_i64(s, 1, *round_id);
            if (db_step(s) == DB_ROW) {
                const char *path = db_col_text(s, 0);
                ok = perm_in_scope(&r->who, path) ||
                     (r->who.area_id && strncmp(r->who.area_path, path, strlen(path)) == 0);
            }
            db_done(s);
        }
    }
    if (!ok)
        http_error(r, 404, "round_not_found", "round %.24s does not exist in your area", r->param[0]);
    return ok;
}

static json_t *disc_json(const discrepancy *d)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:i, s:i, s:s, s:s, s:I, s:b}", "id", (json_int_t)d->id, "round",
                          (json_int_t)d->round_id, "box", d->box, "kind", d->kind, "expected", d->expected, "counted",
                          d->counted, "note", d->note, "created_by", d->created_by, "created_at",
                          (json_int_t)d->created_at, "resolved", d->resolved_at != 0);
    json_object_set_new(j, "tube", d->tube[0] ? json_string(d->tube) : json_null());
    if (d->resolved_at)
        json_object_set_new(j, "resolution", json_pack("{s:s, s:s, s:I}", "text", d->resolution, "by", d->resolved_by,
                                                       "at", (json_int_t)d->resolved_at));
    return j;
}

/* ---- POST /api/v1/handovers ---- */

struct ho_op {
    http_req *r;
    handover_input in;
    char vehicle[64];
    const char *damaged[8];
    handover_result out;
    fx_err err;
};

static int ho_job(db_conn *c, void *arg)
{
    struct ho_op *op = arg;
    return handover_record(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int ho_done(http_req *r, int rc)
{
    struct ho_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:b, s:b}", "id", (json_int_t)op->out.id, "box", op->in.box, "to",
                          op->in.to, "count", (json_int_t)op->in.count, "at", (json_int_t)op->in.at, "duplicate",
                          op->out.duplicate, "out_of_order", op->out.out_of_order);
    /* the contract's field: the count mismatch (null when the count was right); all of them in discrepancies */
    json_t *all = json_array();
    json_t *count = json_null();
    for (int i = 0; i < op->out.ndisc; i++) {
        json_array_append_new(all, disc_json(&op->out.disc[i]));
        if (json_is_null(count) && strcmp(op->out.disc[i].kind, "damaged") != 0)
            count = disc_json(&op->out.disc[i]);
    }
    json_object_set_new(j, "discrepancy", count);
    json_object_set_new(j, "discrepancies", all);
    return http_json(r, op->out.duplicate ? 200 : 201, j);
}

static int post_handover(http_req *r)
{
    static const char *const fields[] = {"box", "to", "vehicle", "by", "received_by", "count", "at", "damaged", "note",
                                         NULL};
    struct ho_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->in.count = -1;
    json_t *v = json_object_get(r->json, "vehicle");
    if (json_is_integer(v))
        snprintf(op->vehicle, sizeof op->vehicle, "%lld", (long long)json_integer_value(v));
    if (http_known_fields(r, fields) || http_str(r, "box", true, BARCODE_MAX, &op->in.box) ||
        http_str(r, "to", true, 10, &op->in.to) || (!json_is_integer(v) && http_str(r, "vehicle", false, 30, &op->in.vehicle)) ||
        http_str(r, "by", false, 50, &op->in.by) || http_str(r, "received_by", false, 50, &op->in.received_by) ||
        http_int(r, "count", true, 0, 100000, &op->in.count, NULL) ||
        http_int(r, "at", true, 1, 4102444800LL, &op->in.at, NULL) || http_str(r, "note", false, 100, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    if (json_is_integer(v))
        op->in.vehicle = op->vehicle;
    json_t *dmg = json_object_get(r->json, "damaged");
    if (dmg && !json_is_null(dmg)) {
        size_t k;
        json_t *it;
        if (!json_is_array(dmg) || json_array_size(dmg) > 8) {
            free(op);
            return http_error(r, 400, "invalid_field", "field \"damaged\" must be a list of up to 8 tube barcodes");
        }
        json_array_foreach(dmg, k, it)
        {
            if (!json_is_string(it) || json_string_length(it) == 0 || json_string_length(it) > BARCODE_MAX) {
                free(op);
                return http_error(r, 400, "invalid_field", "damaged[%zu]: expected a tube barcode", k);
            }
            op->damaged[op->in.n_damaged++] = json_string_value(it);
        }
        op->in.damaged = op->damaged;
    }
    return http_defer(r, ho_job, op, free, ho_done);
}

/* ---- GET /api/v1/boxes/{barcode} ---- */

static json_t *turn_json(const box_turn *t)
{
#define T(v) ((v) ? json_integer(v) : json_null())
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:I, s:I}", "box", t->barcode, "site_area", t->site_area, "stage",
                          t->stage, "tubes", t->tube_count, "resulted", t->resulted, "lab_deadline",
                          (json_int_t)t->lab_deadline, "result_deadline", (json_int_t)t->result_deadline);
    json_object_set_new(j, "sealed_at", json_integer(t->sealed_at));
    json_object_set_new(j, "picked_at", T(t->picked_at));
    json_object_set_new(j, "hub_at", T(t->hub_at));
    json_object_set_new(j, "lab_at", T(t->lab_at));
    json_object_set_new(j, "result_at", T(t->result_at));
#undef T
    json_object_set_new(j, "lab", json_string(t->lab_breach ? "breach" : t->lab_at_risk ? "at_risk" : "ok"));
    json_object_set_new(j, "result", json_string(t->result_breach ? "breach" : t->result_at_risk ? "at_risk" : "ok"));
    return j;
}

static int get_box(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    box_ref b;
    if (box_ref_get(c, r->param[0], &b) != DB_ROW ||
        !(perm_in_scope(&r->who, b.site_path) || perm_in_scope(&r->who, b.round_path)))
        return http_error(r, 404, "box_not_found", "box %.40s does not exist in your area", r->param[0]);
    turnaround_limits lim;
    box_turn t;
    handover h[32];
    discrepancy d[32];
    int nh = handover_list(c, b.id, h, 32), nd = discrepancy_list_box(c, b.id, d, 32);
    if (turnaround_limits_get(c, b.round_id, &lim) != DB_ROW || box_turn_get(c, b.id, &lim, fx_now(), &t) != DB_ROW ||
        nh < 0 || nd < 0)
        return http_error(r, 500, "internal", "could not read the box");
    json_t *j = json_pack("{s:s, s:s, s:I, s:i, s:I}", "box", b.barcode, "seal", b.seal_no, "round",
                          (json_int_t)b.round_id, "tubes", b.tube_count, "sealed_at", (json_int_t)b.sealed_at);
    json_t *tl = json_array();
    json_array_append_new(tl, json_pack("{s:s, s:I, s:i}", "step", "sealed", "at", (json_int_t)b.sealed_at, "count",
                                        b.tube_count));
    for (int i = 0; i < nh; i++)
        json_array_append_new(tl, json_pack("{s:s, s:I, s:i, s:s, s:s, s:s, s:s, s:I}", "step", h[i].to, "at",
                                            (json_int_t)h[i].at, "count", h[i].counted, "vehicle", h[i].vehicle, "by",
                                            h[i].by, "received_by", h[i].received_by, "recorded_by", h[i].recorded_by,
                                            "recorded_at", (json_int_t)h[i].created_at));
    if (t.result_at)
        json_array_append_new(tl, json_pack("{s:s, s:I, s:i}", "step", "result", "at", (json_int_t)t.result_at, "count",
                                            t.resulted));
    json_object_set_new(j, "timeline", tl);
    json_t *dl = json_array();
    for (int i = 0; i < nd; i++)
        json_array_append_new(dl, disc_json(&d[i]));
    json_object_set_new(j, "discrepancies", dl);
    json_object_set_new(j, "turnaround", turn_json(&t));
    return http_json(r, 200, j);
}

/* ---- discrepancies ---- */

static json_t *render_disc(const void *row) { return disc_json(row); }

static int list_discrepancies(http_req *r)
{
    int64_t round;
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor) || !api_round_visible(r, &round))
        return HTTP_DONE;
    const char *open = http_query(r, "open");
    discrepancy *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = discrepancy_list(http_reader(r), round, api_scope(r), open && strcmp(open, "1") == 0, cursor, rows,
                             limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(discrepancy, id), render_disc);
    free(rows);
    return HTTP_DONE;
}

struct res_op {
    http_req *r;
    int64_t id;
    const char *text;
    discrepancy out;
    fx_err err;
};

static int res_job(db_conn *c, void *arg)
{
    struct res_op *op = arg;
    return discrepancy_resolve(c, &op->r->act, op->id, op->text, &op->out, &op->err);
}

static int res_done(http_req *r, int rc)
{
    struct res_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, disc_json(&op->out));
}

static int resolve_discrepancy(http_req *r)
{
    static const char *const fields[] = {"resolution", NULL};
    struct res_op *op =
        http_op_for_id(r, sizeof *op, offsetof(struct res_op, id), "discrepancy_not_found", "discrepancy");
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "resolution", true, 100, &op->text)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, res_job, op, free, res_done);
}

/* ---- turnaround ---- */

static json_t *limits_json(const turnaround_limits *l)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:b}", "to_lab_min", l->to_lab_min, "to_result_min", l->to_result_min,
                     "lab_warn_min", l->lab_warn_min, "result_warn_min", l->result_warn_min, "own", l->own);
}

static json_t *render_turn(const void *row) { return turn_json(row); }

static int list_turnaround(http_req *r)
{
    int64_t round;
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor) || !api_round_visible(r, &round))
        return HTTP_DONE;
    const char *view = http_query(r, "view");
    enum turn_view v;
    if (!view || strcmp(view, "at_risk") == 0)
        v = TURN_AT_RISK;
    else if (strcmp(view, "breaches") == 0)
        v = TURN_BREACHES;
    else
        return http_error(r, 400, "invalid_field", "view: expected at_risk or breaches");
    box_turn *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = turnaround_list(http_reader(r), round, api_scope(r), v, fx_now(), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(box_turn, box_id), render_turn);
    free(rows);
    return HTTP_DONE;
}

static int get_limits(http_req *r)
{
    int64_t round;
    if (!api_round_visible(r, &round))
        return HTTP_DONE;
    turnaround_limits l;
    if (turnaround_limits_get(http_reader(r), round, &l) != DB_ROW)
        return http_error(r, 500, "internal", "could not read the limits");
    return http_json(r, 200, limits_json(&l));
}

struct lim_op {
    http_req *r;
    int64_t round;
    turnaround_limits in, out;
    fx_err err;
};

static int lim_job(db_conn *c, void *arg)
{
    struct lim_op *op = arg;
    return turnaround_limits_set(c, &op->r->act, op->round, &op->in, &op->out, &op->err);
}

static int lim_done(http_req *r, int rc)
{
    struct lim_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, limits_json(&op->out));
}

static int set_limits(http_req *r)
{
    static const char *const fields[] = {"to_lab_min", "to_result_min", "lab_warn_min", "result_warn_min", NULL};
    struct lim_op *op = http_op_for_id(r, sizeof *op, offsetof(struct lim_op, round), "round_not_found", "round");
    if (!op)
        return HTTP_DONE;
    long long v[4] = {0, 0, 0, 0};
    if (http_known_fields(r, fields) || http_int(r, "to_lab_min", false, 1, 7 * 1440, &v[0], NULL) ||
        http_int(r, "to_result_min", false, 1, 7 * 1440, &v[1], NULL) ||
        http_int(r, "lab_warn_min", false, 1, 7 * 1440, &v[2], NULL) ||
        http_int(r, "result_warn_min", false, 1, 7 * 1440, &v[3], NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->in = (turnaround_limits){(int)v[0], (int)v[1], (int)v[2], (int)v[3], true};
    return http_defer(r, lim_job, op, free, lim_done);
}

/* ---- alerts ---- */

static json_t *alert_json(const alert *a)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)a->id, "area", a->area_code,
                          "kind", a->kind, "entity", a->entity, "entity_id", a->entity_id, "message", a->message,
                          "created_at", (json_int_t)a->created_at, "acknowledged", a->acknowledged_at != 0);
    if (a->acknowledged_at)
        json_object_set_new(j, "acknowledgement", json_pack("{s:s, s:I}", "by", a->acknowledged_by, "at",
                                                            (json_int_t)a->acknowledged_at));
    return j;
}

static int list_alerts(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *scope = api_scope(r), *code = http_query(r, "area"), *open = http_query(r, "open");
    area a;
    if (code) {
        if (area_get(c, code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
        scope = a.path;
    }
    alert *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = alert_list(c, scope, open && strcmp(open, "1") == 0, http_query(r, "kind"), cursor, rows, limit + 1);
    if (n < 0) {
        free(rows);
        return http_error(r, 500, "internal", "could not read the alerts");
    }
    json_t *items = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(items, alert_json(&rows[i]));
    int64_t next = n > limit ? rows[limit - 1].id : 0; /* newest first: the cursor is the last id shown */
    free(rows);
    return http_list(r, items, next);
}

struct ack_op {
    http_req *r;
    int64_t id;
    alert out;
    fx_err err;
};

static int ack_job(db_conn *c, void *arg)
{
    struct ack_op *op = arg;
    return alert_ack(c, &op->r->act, op->id, &op->out, &op->err);
}

static int ack_done(http_req *r, int rc)
{
    struct ack_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, alert_json(&op->out));
}

static int ack_alert(http_req *r)
{
    struct ack_op *op = http_op_for_id(r, sizeof *op, offsetof(struct ack_op, id), "alert_not_found", "alert");
    return op ? http_defer(r, ack_job, op, free, ack_done) : HTTP_DONE;
}

const route api_custody_routes[] = {
    {"POST", "/api/v1/handovers", ACT_CUSTODY, post_handover, ROUTE_JSON, 8192},
    {"GET", "/api/v1/boxes/{barcode}", ACT_CUSTODY, get_box, 0, 0},
    {"GET", "/api/v1/rounds/{id}/discrepancies", ACT_ROUND_READ, list_discrepancies, 0, 0},
    {"POST", "/api/v1/discrepancies/{id}/resolve", ACT_POSITIVE_ACT, resolve_discrepancy, ROUTE_JSON, 2048},
    {"GET", "/api/v1/rounds/{id}/turnaround", ACT_ROUND_READ, list_turnaround, 0, 0},
    {"GET", "/api/v1/rounds/{id}/turnaround-limits", ACT_ROUND_READ, get_limits, 0, 0},
    {"PUT", "/api/v1/rounds/{id}/turnaround-limits", ACT_ROUND_WRITE, set_limits, ROUTE_JSON, 1024},
    {"GET", "/api/v1/alerts", ACT_ROUND_READ, list_alerts, 0, 0},
    {"POST", "/api/v1/alerts/{id}/ack", ACT_ROUND_READ, ack_alert, 0, 0},
    {0},
};
