/* api_checkpoint.c — checkpoints, arrival entries (decided on the server by the rules in
 * force at each entry's time), the returnee register and its export, risk-area lists
 * (CSV) and arrival rule versions. */
#include "http/api.h"

#include "core/checkpoint.h"
#include "core/export.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static json_t *cp_json(const checkpoint *k)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:I}", "id", (json_int_t)k->id, "name", k->name, "area",
                     k->area_code, "posts", k->posts, "hours", k->hours, "created_by", k->created_by, "created_at",
                     (json_int_t)k->created_at);
}

static json_t *arrival_json(const arrival *a)
{
    json_t *cities = json_array();
    for (const char *p = a->cities; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        json_array_append_new(cities, json_stringn(p, n));
        p += n + (bar ? 1 : 0);
    }
    json_t *j = json_pack("{s:I, s:s, s:I, s:{s:I, s:s}, s:b, s:s, s:s, s:o, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:I,"
                          " s:s, s:b}",
                          "id", (json_int_t)a->id, "client_id", a->client_id, "checkpoint",
                          (json_int_t)a->checkpoint_id, "person", "id", (json_int_t)a->person_id, "name",
                          a->person_name, "walk_in", a->walk_in, "plate", a->plate, "health_code", a->health_code,
                          "cities", cities, "purpose", a->purpose, "at", (json_int_t)a->at, "decision", a->decision,
                          "rule", a->rule, "rules_version", a->rules_version, "area", a->area_code, "hardship",
                          a->hardship, "created_at", (json_int_t)a->created_at, "created_by", a->created_by,
                          "duplicate", a->duplicate);
    json_object_set_new(j, "temperature", a->has_temperature ? json_real(a->temperature) : json_null());
    json_object_set_new(j, "household", a->household_id ? json_integer(a->household_id) : json_null());
    json_object_set_new(j, "isolation", a->isolation_id ? json_integer(a->isolation_id) : json_null());
    json_object_set_new(j, "risk_area", a->matched[0] ? json_string(a->matched) : json_null());
    json_object_set_new(j, "request", a->request_id ? json_integer(a->request_id) : json_null());
    api_recall_set(j, a->recall_id, a->recall_round);
    json_object_set_new(j, "checkpoint_name", json_string(a->checkpoint));
    return j;
}

/* ---- checkpoints ---- */

struct cp_op {
    http_req *r;
    const char *name, *area, *hours;
    long long posts;
    checkpoint out;
    fx_err err;
};

static int cp_job(db_conn *c, void *arg)
{
    struct cp_op *op = arg;
    return cp_create(c, &op->r->act, op->name, op->area, (int)op->posts, op->hours, &op->out, &op->err);
}

static int cp_done(http_req *r, int rc)
{
    struct cp_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, cp_json(&op->out));
}

static int post_checkpoint(http_req *r)
{
    static const char *const fields[] = {"name", "area", "posts", "hours", NULL};
    struct cp_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->posts = 1;
    if (http_known_fields(r, fields) || http_str(r, "name", true, 100, &op->name) ||
        http_str(r, "area", true, 64, &op->area) || http_int(r, "posts", false, 1, 50, &op->posts, NULL) ||
        http_str(r, "hours", false, 11, &op->hours)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, cp_job, op, free, cp_done);
}

static json_t *cp_row(const void *row) { return cp_json(row); }

static int list_checkpoints(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    checkpoint *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = cp_list(http_reader(r), api_scope(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(checkpoint, id), cp_row);
    free(rows);
    return HTTP_DONE;
}

/* ---- entries ---- */

struct entry_op {
    http_req *r;
    int64_t checkpoint;
    arrival_input in;
    arrival out;
    fx_err err;
};

static int entry_job(db_conn *c, void *arg)
{
    struct entry_op *op = arg;
    return arrival_record(c, &op->r->act, op->checkpoint, &op->in, &op->out, &op->err);
}

static int entry_done(http_req *r, int rc)
{
    struct entry_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    return http_json(r, op->out.duplicate ? 200 : 201, arrival_json(&op->out));
}

static const char *opt_str(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static int post_entry(http_req *r)
{
    static const char *const fields[] = {"id", "person", "plate", "health_code", "cities", "temperature", "purpose",
                                         "household", "hardship", "at", NULL};
    struct entry_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    arrival_input *in = &op->in;
    long long hh = 0, at = 0;
    if (!http_parse_id(r->param[0], &op->checkpoint)) {
        free(op);
        return http_error(r, 404, "checkpoint_not_found", "checkpoint %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "id", true, 64, &in->client_id) ||
        http_str(r, "plate", false, 10, &in->plate) || http_str(r, "health_code", true, 6, &in->health_code) ||
        http_str(r, "purpose", false, 100, &in->purpose) || http_str(r, "hardship", false, 100, &in->hardship) ||
        http_int(r, "household", false, 1, INT64_MAX, &hh, NULL) ||
        http_int(r, "at", false, 1, 4102444800LL, &at, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    in->household_id = hh;
    in->at = at;
    json_t *who = json_object_get(r->json, "person");
    in->code = opt_str(who, "code");
    in->id_number = opt_str(who, "id_number");
    in->name = opt_str(who, "name");
    in->phone = opt_str(who, "phone");
    if (!json_is_object(who) || (!in->code && !in->id_number)) {
        free(op);
        return http_error(r, 400, "missing_field",
                          "person: expected {\"code\"} or {\"id_number\"} (with \"name\" and \"phone\" for a walk-in)");
    }
    json_t *t = json_object_get(r->json, "temperature");
    if (t && !json_is_null(t)) {
        if (!json_is_number(t)) {
            free(op);
            return http_error(r, 400, "invalid_field", "temperature: expected a number of °C, e.g. 36.6");
        }
        in->has_temperature = true;
        in->temperature = json_number_value(t);
    }
    json_t *cities = json_object_get(r->json, "cities");
    if (cities && !json_is_array(cities)) {
        free(op);
        return http_error(r, 400, "invalid_field", "cities: expected a list of places visited in the last 14 days");
    }
    size_t i;
    json_t *v;
    json_array_foreach(cities, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || i >= ARRIVAL_CITIES_MAX || strlen(s) > 100 || strchr(s, '|')) {
            free(op);
            return http_error(r, 400, "invalid_field", "cities[%zu]: expected up to %d place names of 1-100 bytes (no |)",
                              i, ARRIVAL_CITIES_MAX);
        }
        in->cities[in->ncities++] = s;
    }
    return http_defer(r, entry_job, op, free, entry_done);
}

static json_t *arrival_row(const void *row) { return arrival_json(row); }

/* The scope of a register: ?area=CODE inside one's own, else one's own. NULL after a 404. */
static const char *register_scope(http_req *r, db_conn *c, area *a)
{
    const char *code = http_query(r, "area");
    if (!code)
        return api_scope(r);
    if (area_get(c, code, a) != DB_ROW || !perm_in_scope(&r->who, a->path)) {
        http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
        return NULL;
    }
    return a->path;
}

static int list_arrivals(http_req *r)
{
    int limit;
    int64_t cursor;
    db_conn *c = http_reader_or_503(r);
    if (!c || http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    area a;
    const char *scope = register_scope(r, c, &a);
    if (!scope)
        return HTTP_DONE;
    arrival *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = arrival_list(c, scope, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(arrival, id), arrival_row);
    free(rows);
    return HTTP_DONE;
}

struct returnees_dl {
    db_conn *c;
    const char *scope;
    const export_opts *o;
};

static int returnees_download(void *arg, FILE *csv, const char *path, long *rows, fx_err *err)
{
    struct returnees_dl *d = arg;
    return arrival_export(d->c, d->scope, d->o, csv, path, rows, err);
}

/* GET /api/v1/exports/returnees?area=CODE&format=csv|xlsx — the register as a download. */
static int export_returnees(http_req *r)
{
    const char *fmt = http_query(r, "format");
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0)
        return http_error(r, 400, "invalid_format", "format: expected csv or xlsx");
    /* the register holds whoever passed a checkpoint of the area, registered there or not:
     * staff see unmasked IDs of their own area only (contract.md, "Roles") */
    export_opts o = {.xlsx = fmt && strcmp(fmt, "xlsx") == 0, .mask = !perm_allows(r->who.role, ACT_PERSON_UNMASK),
                     .english = http_query(r, "lang") && strcmp(http_query(r, "lang"), "en") == 0,
                     .unmask_scope = r->who.role == ROLE_STAFF ? r->who.area_path : NULL};
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    area a;
    const char *scope = register_scope(r, c, &a);
    if (!scope)
        return HTTP_DONE;
    struct returnees_dl dl = {c, scope, &o};
    return http_send_download(r, o.xlsx, "returnees", returnees_download, &dl);
}

/* ---- risk areas ---- */

struct risk_op {
    http_req *r;
    risk_row *rows;
    int n, stored;
    fx_err err;
};

static void risk_op_free(void *arg)
{
    struct risk_op *op = arg;
    free(op->rows);
    free(op);
}

static int risk_job(db_conn *c, void *arg)
{
    struct risk_op *op = arg;
    return risk_store(c, &op->r->act, op->rows, op->n, &op->stored, &op->err);
}

static int risk_done(http_req *r, int rc)
{
    struct risk_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *rejected = json_array();
    for (int i = 0; i < op->n; i++)
        if (op->rows[i].err.kind)
            json_array_append_new(rejected, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)op->rows[i].row, "code",
                                                      op->rows[i].err.code, "message", op->rows[i].err.msg));
    return http_json(r, 200, json_pack("{s:i, s:I, s:o}", "stored", op->stored, "rejected_count",
                                       (json_int_t)json_array_size(rejected), "rejected", rejected));
}

static int post_risk_areas(http_req *r)
{
    const char *ct = r->content_type ? r->content_type : "";
    if (strncasecmp(ct, "text/csv", 8) != 0)
        return http_error(r, 415, "unsupported_media_type", "send text/csv with the header name,level,valid_from,valid_to");
    struct risk_op *op = calloc(1, sizeof *op);
    int fd = op ? http_body_fd(r, "risk") : -1;
    if (fd < 0) {
        free(op);
        return http_error(r, 500, "internal", "could not read the file");
    }
    op->r = r;
    fx_err e = {0};
    int rc = risk_csv_read(fd, &op->rows, &op->n, &e);
    close(fd);
    if (rc) {
        risk_op_free(op);
        return http_fail(r, &e);
    }
    return http_defer(r, risk_job, op, risk_op_free, risk_done);
}

static json_t *risk_row_json(const void *row)
{
    const risk_area *a = row;
    return json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)a->id, "name", a->name, "level", a->level,
                     "valid_from", (json_int_t)a->valid_from, "valid_to", (json_int_t)a->valid_to);
}

static int list_risk_areas(http_req *r)
{
    int limit;
    int64_t cursor, at = 0;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    const char *at_s = http_query(r, "at");
    if (at_s && !http_parse_id(at_s, &at))
        return http_error(r, 400, "invalid_query", "at: expected epoch seconds");
    risk_area *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = risk_list(http_reader(r), at, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(risk_area, id), risk_row_json);
    free(rows);
    return HTTP_DONE;
}

/* ---- rules ---- */

static json_t *rules_json(const arrival_rules *v)
{
    return json_pack("{s:I, s:i, s:I, s:f, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:I}", "id", (json_int_t)v->id,
                     "version", v->version, "effective_from", (json_int_t)v->effective_from, "fever", v->fever,
                     "on_fever", arrival_decision_name(v->on_fever), "on_red", arrival_decision_name(v->on_red),
                     "on_high", arrival_decision_name(v->on_high), "on_yellow", arrival_decision_name(v->on_yellow),
                     "on_medium", arrival_decision_name(v->on_medium), "lookback_days", v->lookback_days,
                     "created_by", v->created_by, "created_at", (json_int_t)v->created_at);
}

static int list_rules(http_req *r)
{
    arrival_rules rows[100];
    int n = arrival_rules_list(http_reader(r), rows, 100);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the rules");
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, rules_json(&rows[i]));
    return http_list(r, items, 0);
}

struct rules_op {
    http_req *r;
    arrival_rules in, out;
    fx_err err;
};

static int rules_job(db_conn *c, void *arg)
{
    struct rules_op *op = arg;
    return arrival_rules_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int rules_done(http_req *r, int rc)
{
    struct rules_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, rules_json(&op->out));
}

/* Every field but effective_from may be left out: it keeps the version in force now. */
static int post_rules(http_req *r)
{
    static const char *const fields[] = {"effective_from", "fever", "on_fever", "on_red", "on_high", "on_yellow",
                                         "on_medium", "lookback_days", NULL};
    struct rules_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long from = 0, lookback;
    bool has_lookback;
    if (arrival_rules_at(http_reader(r), fx_now(), &op->in) != DB_ROW) {
        free(op);
        return http_error(r, 500, "internal", "could not read the rules in force");
    }
    if (http_known_fields(r, fields) || http_int(r, "effective_from", false, 0, 4102444800LL, &from, NULL) ||
        http_int(r, "lookback_days", false, 1, 28, &lookback, &has_lookback)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.effective_from = from;
    if (has_lookback)
        op->in.lookback_days = (int)lookback;
    json_t *fever = json_object_get(r->json, "fever");
    if (fever && !json_is_number(fever)) {
        free(op);
        return http_error(r, 400, "invalid_field", "fever: expected a temperature in °C, e.g. 37.3");
    }
    if (fever)
        op->in.fever = json_number_value(fever);
    const char *keys[] = {"on_fever", "on_red", "on_high", "on_yellow", "on_medium"};
    int *dst[] = {&op->in.on_fever, &op->in.on_red, &op->in.on_high, &op->in.on_yellow, &op->in.on_medium};
    for (int i = 0; i < 5; i++) {
        json_t *v = json_object_get(r->json, keys[i]);
        if (!v)
            continue;
        if ((*dst[i] = arrival_decision_parse(json_string_value(v))) < 0) {
            free(op);
            return http_error(r, 400, "invalid_field", "%s: expected pass, home_monitoring, home_isolation or refer",
                              keys[i]);
        }
    }
    return http_defer(r, rules_job, op, free, rules_done);
}

const route api_checkpoint_routes[] = {
    {"POST", "/api/v1/checkpoints", ACT_CHECKPOINT_WRITE, post_checkpoint, ROUTE_JSON, 4096},
    {"GET", "/api/v1/checkpoints", ACT_ARRIVAL_READ, list_checkpoints, 0, 0},
    {"POST", "/api/v1/checkpoints/{id}/entries", ACT_ARRIVAL, post_entry, ROUTE_JSON, 16384},
    {"GET", "/api/v1/arrivals", ACT_ARRIVAL_READ, list_arrivals, 0, 0},
    {"GET", "/api/v1/exports/returnees", ACT_ARRIVAL_READ, export_returnees, 0, 0},
    {"POST", "/api/v1/risk-areas", ACT_RISK_WRITE, post_risk_areas, 0, 8u << 20},
    {"GET", "/api/v1/risk-areas", ACT_ARRIVAL_READ, list_risk_areas, 0, 0},
    {"GET", "/api/v1/arrival-rules", ACT_ARRIVAL_READ, list_rules, 0, 0},
    {"POST", "/api/v1/arrival-rules", ACT_POLICY_WRITE, post_rules, ROUTE_JSON, 4096},
    {0},
};
