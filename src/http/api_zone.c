/* api_zone.c — zones with their countdown to lifting, rule sets, gate posts and the
 * gate log (entries, exits, deliveries). */
#include "http/api.h"

#include "core/zone.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *stage_json(const zone_stage *s)
{
    return json_pack("{s:i, s:i, s:i, s:s}", "step", s->step, "quiet_days", s->quiet_days, "negative_round_days",
                     s->negative_days, "to", s->to_kind);
}

static json_t *rule_json(const zone_rule *r)
{
    json_t *st = json_array();
    for (int i = 0; i < r->nstages; i++)
        json_array_append_new(st, stage_json(&r->stages[i]));
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)r->id, "name", r->name, "description", r->description,
                     "stages", st);
}

static json_t *zone_json(const zone *z)
{
#define T(v) ((v) ? json_integer(v) : json_null())
    json_t *cause = json_pack("{s:s, s:s}", "kind", z->cause_kind, "note", z->cause_note);
    json_object_set_new(cause, "tube", z->cause_tube[0] ? json_string(z->cause_tube) : json_null());
    json_object_set_new(cause, "isolation", T(z->cause_isolation_id));
    json_t *j = json_pack("{s:I, s:{s:s, s:s, s:s}, s:s, s:s, s:o, s:s, s:i, s:s, s:I}", "id", (json_int_t)z->id,
                          "area", "code", z->area_code, "name", z->area_name, "kind", z->area_kind, "kind", z->kind,
                          "status", z->status, "cause", cause, "rule", z->rule.name, "stage", z->stage, "created_by",
                          z->created_by, "created_at", (json_int_t)z->created_at);
    json_object_set_new(j, "start", T(z->start_at));
    json_object_set_new(j, "count_from", T(z->count_from));
    json_object_set_new(j, "last_case_at", T(z->last_case_at));
    json_object_set_new(j, "proposed_at", T(z->proposed_at));
    json_object_set_new(j, "lifted_at", T(z->lifted_at));
#undef T
    /* the contract's "conditions still unmet for lifting", for the next stage */
    json_t *unmet = json_array();
    if (z->unmet & ZONE_UNMET_QUIET)
        json_array_append_new(unmet, json_pack("{s:s, s:i, s:I}", "condition", "quiet_days_not_passed", "days",
                                               z->next.quiet_days, "until", (json_int_t)z->quiet_until));
    if (z->unmet & ZONE_UNMET_NEGATIVE_ROUND)
        json_array_append_new(unmet, json_pack("{s:s, s:i, s:i, s:i}", "condition", "no_negative_round", "within_days",
                                               z->next.negative_days, "samples", z->samples, "not_negative",
                                               z->not_negative));
    json_object_set_new(j, "unmet", unmet);
    json_object_set_new(j, "next", z->has_next ? stage_json(&z->next) : json_null());
    json_object_set_new(j, "lift_ready", json_boolean(z->has_next && !z->unmet));
    return j;
}

static json_t *render_zone(const void *row) { return zone_json(row); }

static int list_zones(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    const char *status = http_query(r, "status");
    if (status && strcmp(status, "proposed") != 0 && strcmp(status, "active") != 0 && strcmp(status, "lifted") != 0 &&
        strcmp(status, "dismissed") != 0)
        return http_error(r, 400, "invalid_field", "status: expected proposed, active, lifted or dismissed");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    zone *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = zone_list(c, api_scope(r), status, cursor, fx_now(), rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(zone, id), render_zone);
    free(rows);
    return HTTP_DONE;
}

static int get_zone(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    int64_t id;
    zone z;
    if (!http_parse_id(r->param[0], &id) || zone_get(c, id, fx_now(), &z) != DB_ROW ||
        !perm_in_scope(&r->who, z.area_path))
        return http_error(r, 404, "zone_not_found", "zone %.24s does not exist in your area", r->param[0]);
    zone_gate g[32];
    int ng = zone_gate_list(c, id, g, 32);
    if (ng < 0)
        return http_error(r, 500, "internal", "could not read the gates");
    json_t *j = zone_json(&z), *gates = json_array();
    for (int i = 0; i < ng; i++)
        json_array_append_new(gates, json_pack("{s:I, s:s}", "id", (json_int_t)g[i].id, "name", g[i].name));
    json_object_set_new(j, "gates", gates);
    return http_json(r, 200, j);
}

static int list_rules(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    zone_rule rows[32];
    int n = zone_rule_list(c, rows, 32);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the rule sets");
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, rule_json(&rows[i]));
    return http_list(r, items, 0);
}

/* A day count as int: out-of-range values stay out of range for the core's check. */
static int day_count(const json_t *v)
{
    json_int_t d = json_integer_value(v);
    return d < -1 ? -1 : d > 1000 ? 1000 : (int)d;
}

struct rule_op {
    http_req *r;
    zone_rule in, out;
    fx_err err;
};

static int rule_job(db_conn *c, void *arg)
{
    struct rule_op *op = arg;
    return zone_rule_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int rule_done(http_req *r, int rc)
{
    struct rule_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, rule_json(&op->out));
}

static int post_rule(http_req *r)
{
    static const char *const fields[] = {"name", "description", "stages", NULL};
    struct rule_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    const char *name, *desc = NULL;
    if (http_known_fields(r, fields) || http_str(r, "name", true, 30, &name) ||
        http_str(r, "description", false, 100, &desc)) {
        free(op);
        return HTTP_DONE;
    }
    fx_copy(op->in.name, sizeof op->in.name, name);
    fx_copy(op->in.description, sizeof op->in.description, desc ? desc : "");
    json_t *st = json_object_get(r->json, "stages"), *it;
    size_t k;
    if (!json_is_array(st) || json_array_size(st) == 0 || json_array_size(st) > ZONE_STAGES_MAX) {
        free(op);
        return http_error(r, 400, "invalid_field", "field \"stages\" must be a list of 1 to %d stages",
                          ZONE_STAGES_MAX);
    }
    json_array_foreach(st, k, it)
    {
        json_t *q = json_object_get(it, "quiet_days"), *n = json_object_get(it, "negative_round_days"),
               *to = json_object_get(it, "to");
        if (!json_is_object(it) || json_object_size(it) != 3 || !json_is_integer(q) || !json_is_integer(n) ||
            !json_is_string(to) || json_string_length(to) >= sizeof op->in.stages[0].to_kind) {
            free(op);
            return http_error(r, 400, "invalid_field",
                              "stages[%zu]: expected {\"quiet_days\":N, \"negative_round_days\":N, \"to\":KIND}", k);
        }
        zone_stage *z = &op->in.stages[op->in.nstages++];
        z->step = (int)k + 1;
        z->quiet_days = day_count(q);
        z->negative_days = day_count(n);
        fx_copy(z->to_kind, sizeof z->to_kind, json_string_value(to));
    }
    return http_defer(r, rule_job, op, free, rule_done);
}

/* ---- writes on a zone ---- */

enum zone_act { Z_CREATE, Z_ACTIVATE, Z_DISMISS, Z_LIFT };

struct zone_op {
    http_req *r;
    enum zone_act act;
    int64_t id;
    zone_input in;
    zone out;
    fx_err err;
};

static int zone_job(db_conn *c, void *arg)
{
    struct zone_op *op = arg;
    const actor *who = &op->r->act;
    switch (op->act) {
    case Z_CREATE:
        return zone_create(c, who, &op->in, &op->out, &op->err);
    case Z_ACTIVATE:
        return zone_activate(c, who, op->id, &op->out, &op->err);
    case Z_DISMISS:
        return zone_dismiss(c, who, op->id, &op->out, &op->err);
    case Z_LIFT:
        return zone_lift(c, who, op->id, &op->out, &op->err);
    }
    return DB_ERR;
}

static int zone_done(http_req *r, int rc)
{
    struct zone_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, op->act == Z_CREATE ? 201 : 200, zone_json(&op->out));
}

static int post_zone(http_req *r)
{
    static const char *const fields[] = {"area", "kind", "rule", "tube", "isolation", "note", NULL};
    struct zone_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->act = Z_CREATE;
    long long iso = 0;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->in.area) ||
        http_str(r, "kind", true, 12, &op->in.kind) || http_str(r, "rule", false, 60, &op->in.rule) ||
        http_str(r, "tube", false, 32, &op->in.tube) || http_int(r, "isolation", false, 1, INT64_MAX, &iso, NULL) ||
        http_str(r, "note", false, 100, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.isolation = iso;
    return http_defer(r, zone_job, op, free, zone_done);
}

static int zone_act_on(http_req *r, enum zone_act act)
{
    struct zone_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->act = act;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "zone_not_found", "zone %.24s does not exist", r->param[0]);
    }
    return http_defer(r, zone_job, op, free, zone_done);
}

static int activate_zone(http_req *r) { return zone_act_on(r, Z_ACTIVATE); }
static int dismiss_zone(http_req *r) { return zone_act_on(r, Z_DISMISS); }
static int lift_zone(http_req *r) { return zone_act_on(r, Z_LIFT); }

/* ---- gates ---- */

struct gate_op {
    http_req *r;
    int64_t id; /* the zone (add a gate) or the gate (log) */
    const char *name;
    gate_input in;
    zone_gate gate;
    gate_entry entry;
    fx_err err;
};

static int gate_job(db_conn *c, void *arg)
{
    struct gate_op *op = arg;
    return zone_gate_add(c, &op->r->act, op->id, op->name, &op->gate, &op->err);
}

static int gate_done(http_req *r, int rc)
{
    struct gate_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err)
                  : http_json(r, 201, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)op->gate.id, "zone",
                                                (json_int_t)op->gate.zone_id, "name", op->gate.name));
}

static int post_gate(http_req *r)
{
    static const char *const fields[] = {"name", NULL};
    struct gate_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "zone_not_found", "zone %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "name", true, 50, &op->name)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, gate_job, op, free, gate_done);
}

static json_t *entry_json(const gate_entry *e)
{
    json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I}", "id", (json_int_t)e->id, "gate",
                          (json_int_t)e->gate_id, "zone", (json_int_t)e->zone_id, "kind", e->kind, "name", e->name,
                          "note", e->note, "at", (json_int_t)e->at, "recorded_by", e->recorded_by, "created_at",
                          (json_int_t)e->created_at);
    json_object_set_new(j, "person", e->person_id ? json_integer(e->person_id) : json_null());
    json_object_set_new(j, "household", e->household_id ? json_integer(e->household_id) : json_null());
    return j;
}

static int log_job(db_conn *c, void *arg)
{
    struct gate_op *op = arg;
    return gate_log_add(c, &op->r->act, op->id, &op->in, &op->entry, &op->err);
}

static int log_done(http_req *r, int rc)
{
    struct gate_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, entry_json(&op->entry));
}

static int post_gate_log(http_req *r)
{
    static const char *const fields[] = {"kind", "person", "name", "household", "note", "at", NULL};
    struct gate_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long person_id = 0, hh = 0, at = 0;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "gate_not_found", "gate %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "kind", true, 10, &op->in.kind) ||
        http_int(r, "person", false, 1, INT64_MAX, &person_id, NULL) || http_str(r, "name", false, 50, &op->in.name) ||
        http_int(r, "household", false, 1, INT64_MAX, &hh, NULL) || http_str(r, "note", false, 100, &op->in.note) ||
        http_int(r, "at", false, 1, 4102444800LL, &at, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.person_id = person_id;
    op->in.household_id = hh;
    op->in.at = at;
    return http_defer(r, log_job, op, free, log_done);
}

static json_t *render_entry(const void *row) { return entry_json(row); }

static int list_gate_log(http_req *r)
{
    int limit;
    int64_t cursor, gate;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    gate_entry *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = http_parse_id(r->param[0], &gate) ? gate_log_list(c, api_scope(r), gate, cursor, rows, limit + 1)
                                              : DB_ENOTFOUND;
    if (n == DB_ENOTFOUND)
        http_error(r, 404, "gate_not_found", "gate %.24s does not exist in your area", r->param[0]);
    else
        http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(gate_entry, id), render_entry);
    free(rows);
    return HTTP_DONE;
}

const route api_zone_routes[] = {
    {"GET", "/api/v1/zones", ACT_ISO_READ, list_zones, 0, 0},
    {"POST", "/api/v1/zones", ACT_ZONE_WRITE, post_zone, ROUTE_JSON, 4096},
    {"GET", "/api/v1/zones/{id}", ACT_ISO_READ, get_zone, 0, 0},
    {"POST", "/api/v1/zones/{id}/activate", ACT_ZONE_WRITE, activate_zone, 0, 0},
    {"POST", "/api/v1/zones/{id}/dismiss", ACT_ZONE_WRITE, dismiss_zone, 0, 0},
    {"POST", "/api/v1/zones/{id}/lift", ACT_ZONE_WRITE, lift_zone, 0, 0},
    {"POST", "/api/v1/zones/{id}/gates", ACT_ZONE_WRITE, post_gate, ROUTE_JSON, 1024},
    {"GET", "/api/v1/gates/{id}/log", ACT_ISO_READ, list_gate_log, 0, 0},
    {"POST", "/api/v1/gates/{id}/log", ACT_ISO_CHECKIN, post_gate_log, ROUTE_JSON, 2048},
    {"GET", "/api/v1/zone-rules", ACT_ISO_READ, list_rules, 0, 0},
    {"POST", "/api/v1/zone-rules", ACT_POLICY_WRITE, post_rule, ROUTE_JSON, 2048},
    {0},
};
