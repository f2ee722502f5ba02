/* api_dispatch.c — a round's live transport: its setup, its stored plan (made and
 * redone on demand), drivers' own runs, message channels and the outbox.
 * Planning runs on the request thread (bounded like /transport/plan); the plan is
 * stored through the writer. Nothing here sends a message: the sender thread does. */
#include "http/api.h"

#include "core/area.h"
#include "dispatch/dispatch.h"
#include "util/fx_clock.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AT_ONCE 2
#define ITERATIONS_DEFAULT 5000
static _Atomic int planning;

/* ---- setup ---- */

struct setup_op {
    http_req *r;
    int64_t round_id;
    fx_err err;
};

static int setup_job(db_conn *c, void *arg)
{
    struct setup_op *op = arg;
    return dsp_setup_put(c, &op->r->act, op->round_id, op->r->json, &op->err) ? -1 : 0;
}

static int setup_done(http_req *r, int rc)
{
    struct setup_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = dsp_setup_get(http_reader(r), op->round_id);
    return j ? http_json(r, 200, j) : http_error(r, 500, "internal", "the setup was stored but cannot be read");
}

static int put_setup(http_req *r)
{
    struct setup_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->round_id)) {
        free(op);
        return http_error(r, 404, "round_not_found", "round %.24s does not exist in your area", r->param[0]);
    }
    return http_defer(r, setup_job, op, free, setup_done);
}

static int get_setup(http_req *r)
{
    int64_t id;
    if (!api_round_visible(r, &id))
        return HTTP_DONE;
    json_t *j = dsp_setup_get(http_reader(r), id);
    if (!j)
        return http_error(r, 404, "no_transport_setup", "round %lld has no transport setup yet", (long long)id);
    /* the round's map uses the public map's tiles */
    const char *tiles = r->app->cfg.map_tiles;
    json_object_set_new(j, "tiles", tiles && *tiles ? json_string(tiles) : json_null());
    return http_json(r, 200, j);
}

/* ---- plans ---- */

struct plan_op {
    http_req *r;
    dsp_made m;
    int version;
    fx_err err;
};

static void plan_op_free(void *p)
{
    struct plan_op *op = p;
    dsp_made_free(&op->m);
    free(op);
}

static int plan_job(db_conn *c, void *arg)
{
    struct plan_op *op = arg;
    return dsp_store(c, &op->r->act, &op->m, &op->version, &op->err) ? -1 : 0;
}

static int plan_done(http_req *r, int rc)
{
    struct plan_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = json_pack("{s:I, s:i, s:s, s:i, s:O, s:O}", "round", (json_int_t)op->m.round_id, "version", op->version,
                          "reason", op->m.reason, "kept", op->m.kept, "summary",
                          json_object_get(op->m.plan, "summary"), "plan", op->m.plan);
    return http_json(r, 201, j);
}

static int make_plan(http_req *r, bool replan)
{
    int64_t id;
    fx_round rd;
    fx_err e = {0};
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &id) || dsp_round_check(c, &r->act, id, &rd, &e))
        return http_error(r, 404, "round_not_found", "round %.24s does not exist in your area", r->param[0]);
    long iterations = ITERATIONS_DEFAULT;
    const char *it = http_query(r, "iterations");
    if (it) {
        char *end;
        iterations = strtol(it, &end, 10);
        if (end == it || *end || iterations < 1 || iterations > 200000)
            return http_error(r, 400, "invalid_query", "iterations: expected a whole number from 1 to 200000");
    }
    if (atomic_fetch_add(&planning, 1) >= MAX_AT_ONCE) {
        atomic_fetch_sub(&planning, 1);
        http_header(r, "Retry-After", "%d", 5);
        return http_error(r, 503, "busy", "%d plans are being made; try again in a few seconds", MAX_AT_ONCE);
    }
    struct plan_op *op = calloc(1, sizeof *op);
    int rc = op ? dsp_make(c, id, replan, fx_now(), iterations, &op->m, &e) : FX_EBUSY;
    atomic_fetch_sub(&planning, 1);
    if (!op)
        return http_error(r, 503, "busy", "out of memory; try again");
    if (rc) {
        plan_op_free(op);
        return http_fail(r, &e);
    }
    op->r = r;
    return http_defer(r, plan_job, op, plan_op_free, plan_done);
}

static int post_plan(http_req *r) { return make_plan(r, false); }
static int post_replan(http_req *r) { return make_plan(r, true); }

static int get_plan(http_req *r)
{
    int64_t id;
    if (!api_round_visible(r, &id))
        return HTTP_DONE;
    json_t *j = dsp_current(http_reader(r), id);
    return j ? http_json(r, 200, j) : http_error(r, 404, "no_plan", "round %lld has no transport plan yet", (long long)id);
}

static int my_runs(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    /* a driver's runs are those of the vehicles the setup names them for; tokens drive nothing */
    json_t *items = r->who.user_id ? dsp_driver_runs(c, r->who.name) : json_array();
    return http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

static const char *scope(const http_req *r) { return r->who.area_id ? r->who.area_path : NULL; }

/* ---- boxes at risk ---- */

static int get_at_risk(http_req *r)
{
    int64_t id;
    if (!api_round_visible(r, &id))
        return HTTP_DONE;
    db_conn *c = http_reader(r);
    db_read_begin(c);
    json_t *j = dsp_at_risk(c, id, scope(r), fx_now());
    db_read_end(c);
    return j ? http_json(r, 200, j) : http_error(r, 500, "internal", "could not read the round's boxes; try again");
}

/* The dashboard's counts: open rounds overlapping the area (default: one's own). */
static int at_risk_counts(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *code = http_query(r, "area");
    area a = {.path = "/", .code = ""};
    if (code || r->who.area_id) {
        int rc = code ? area_get(c, code, &a) : area_get_id(c, r->who.area_id, &a);
        if (rc != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code ? code : "");
    }
    db_read_begin(c);
    json_t *items = dsp_at_risk_counts(c, a.path, scope(r), fx_now());
    db_read_end(c);
    if (!items)
        return http_error(r, 500, "internal", "could not read the rounds; try again");
    json_int_t late = 0, risk = 0, overdue = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        late += json_integer_value(json_object_get(it, "planned_late"));
        risk += json_integer_value(json_object_get(it, "at_risk"));
        overdue += json_integer_value(json_object_get(it, "overdue"));
    }
    return http_json(r, 200, json_pack("{s:s, s:o, s:I, s:I, s:I}", "area", a.code,
                                       "items", items, "planned_late", late, "at_risk", risk, "overdue", overdue));
}

static int get_outbox(http_req *r)
{
    int64_t id;
    if (!api_round_visible(r, &id))
        return HTTP_DONE;
    const char *l = http_query(r, "limit");
    long limit = l ? strtol(l, NULL, 10) : 100;
    if (limit < 1 || limit > 500)
        return http_error(r, 400, "invalid_query", "limit: expected a whole number from 1 to 500");
    return http_json(r, 200,
                     json_pack("{s:o, s:n}", "items", dsp_outbox_list(http_reader(r), id, (int)limit), "next_cursor"));
}

/* ---- channels ---- */

struct ch_op {
    http_req *r;
    int64_t id;
    fx_err err;
};

static int ch_create_job(db_conn *c, void *arg)
{
    struct ch_op *op = arg;
    return dsp_channel_create(c, &op->r->act, op->r->json, &op->id, &op->err) ? -1 : 0;
}

static int ch_update_job(db_conn *c, void *arg)
{
    struct ch_op *op = arg;
    return dsp_channel_update(c, &op->r->act, op->id, op->r->json, &op->err) ? -1 : 0;
}

static int ch_done(http_req *r, int rc)
{
    struct ch_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = dsp_channel_get(http_reader(r), op->id, NULL);
    return j ? http_json(r, strcmp(r->method, "POST") == 0 ? 201 : 200, j)
             : http_error(r, 500, "internal", "the channel was stored but cannot be read");
}

static int post_channel(http_req *r)
{
    struct ch_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    return http_defer(r, ch_create_job, op, free, ch_done);
}

static int patch_channel(http_req *r)
{
    struct ch_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "channel_not_found", "channel %.24s does not exist in your area", r->param[0]);
    }
    return http_defer(r, ch_update_job, op, free, ch_done);
}

static int list_channels(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    return http_json(r, 200, json_pack("{s:o, s:n}", "items", dsp_channel_list(c, scope(r)), "next_cursor"));
}

static int get_channel(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    json_t *j = http_parse_id(r->param[0], &id) ? dsp_channel_get(c, id, scope(r)) : NULL;
    return j ? http_json(r, 200, j)
             : http_error(r, 404, "channel_not_found", "channel %.24s does not exist in your area", r->param[0]);
}

const route api_dispatch_routes[] = {
    {"PUT", "/api/v1/rounds/{id}/transport", ACT_TRANSPORT_SETUP, put_setup, ROUTE_JSON, (size_t)4 << 20},
    {"GET", "/api/v1/rounds/{id}/transport", ACT_TRANSPORT_READ, get_setup, 0, 0},
    {"POST", "/api/v1/rounds/{id}/transport/plan", ACT_TRANSPORT_SETUP, post_plan, 0, 0},
    {"POST", "/api/v1/rounds/{id}/transport/replan", ACT_TRANSPORT_SETUP, post_replan, 0, 0},
    {"GET", "/api/v1/rounds/{id}/transport/plan", ACT_TRANSPORT_READ, get_plan, 0, 0},
    {"GET", "/api/v1/rounds/{id}/outbox", ACT_TRANSPORT_READ, get_outbox, 0, 0},
    {"GET", "/api/v1/transport/my-runs", ACT_TRANSPORT_RUNS, my_runs, 0, 0},
    {"GET", "/api/v1/rounds/{id}/transport/at-risk", ACT_TRANSPORT_READ, get_at_risk, 0, 0},
    {"GET", "/api/v1/transport/at-risk", ACT_TRANSPORT_READ, at_risk_counts, 0, 0},
    {"POST", "/api/v1/channels", ACT_CHANNEL_ADMIN, post_channel, ROUTE_JSON, 0},
    {"GET", "/api/v1/channels", ACT_CHANNEL_ADMIN, list_channels, 0, 0},
    {"GET", "/api/v1/channels/{id}", ACT_CHANNEL_ADMIN, get_channel, 0, 0},
    {"PATCH", "/api/v1/channels/{id}", ACT_CHANNEL_ADMIN, patch_channel, ROUTE_JSON, 0},
    {0},
};
