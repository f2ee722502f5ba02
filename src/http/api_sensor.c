/* api_sensor.c — door sensors: registering devices (their token shown once), the events they
 * post with a device token, alarms and their acknowledgement, approved door-opening windows. */
#include "http/api.h"

#include "core/sensor.h"
#include "core/service.h"
#include "ingest/sensor_json.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX 1000

static json_t *device_json(const device *d)
{
    json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)d->id, "device", d->code, "household",
                          (json_int_t)d->household_id, "area", d->area_code, "status", d->status, "door", d->door);
    json_object_set_new(j, "last_seen", d->last_seen ? json_integer(d->last_seen) : json_null());
    json_object_set_new(j, "created_at", json_integer(d->created_at));
    return j;
}
static json_t *render_device(const void *row) { return device_json(row); }

struct device_op {
    http_req *r;
    const char *code;
    int64_t id, household;
    char token[FX_TOKEN_LEN], hash[FX_SHA256_HEX], mqtt_hash[FX_MQTT_HASH_LEN];
    device out;
    fx_err err;
};

static int device_create_job(db_conn *c, void *arg)
{
    struct device_op *op = arg;
    return device_create(c, &op->r->act, op->code, op->household, op->hash, op->mqtt_hash, &op->out, &op->err);
}

static int device_created(http_req *r, int rc)
{
    struct device_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = device_json(&op->out);
    json_object_set_new(j, "token", json_string(op->token)); /* shown this once; only hashes are kept */
    return http_json(r, 201, j);
}

static int post_device(http_req *r)
{
    static const char *const fields[] = {"device", "household", NULL};
    struct device_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long hh;
    if (http_known_fields(r, fields) || http_str(r, "device", true, SENSOR_CODE_MAX, &op->code) ||
        http_int(r, "household", true, 1, INT64_MAX, &hh, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->household = hh;
    if (!sensor_code_valid(op->code)) {
        free(op);
        return http_error(r, 400, "invalid_device", "device must be 1-64 letters, digits, '-', '_' or '.'");
    }
    if (fx_token_new('d', op->token) != 0 || fx_mqtt_password_hash(op->token, op->mqtt_hash) != 0) {
        free(op);
        return http_error(r, 500, "internal", "could not make a token");
    }
    fx_sha256_hex(op->token, strlen(op->token), op->hash);
    return http_defer(r, device_create_job, op, free, device_created);
}

static int list_devices(http_req *r)
{
    int limit;
    int64_t cursor, hh = 0;
    const char *h = http_query(r, "household");
    if (h && !http_parse_id(h, &hh))
        return http_error(r, 400, "invalid_query", "household must be a household id");
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    device *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = device_list(c, api_scope(r), hh, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(device, id), render_device);
    free(rows);
    return HTTP_DONE;
}

static int device_disable_job(db_conn *c, void *arg)
{
    struct device_op *op = arg;
    return device_disable(c, &op->r->act, op->id, &op->out, &op->err);
}

static int device_done(http_req *r, int rc)
{
    struct device_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, device_json(&op->out));
}

static int disable_device(http_req *r)
{
    struct device_op *op = http_op_for_id(r, sizeof *op, offsetof(struct device_op, id), "device_not_found", "device");
    return op ? http_defer(r, device_disable_job, op, free, device_done) : HTTP_DONE;
}

/* ---- events ---- */

struct events_op {
    http_req *r;
    int n, nvalid;
    sensor_event *ev;    /* the valid ones, in order */
    int *slot;           /* ev[k] answers item slot[k] */
    sensor_result *res;  /* per item */
};

static void events_free(void *p)
{
    struct events_op *op = p;
    free(op->ev);
    free(op->slot);
    free(op->res);
    free(op);
}

static int events_job(db_conn *c, void *arg)
{
    struct events_op *op = arg;
    sensor_result *tmp = calloc((size_t)op->nvalid + 1, sizeof *tmp);
    if (!tmp)
        return DB_ERR;
    int rc = sensor_ingest(c, &op->r->act.log, "http", op->ev, op->nvalid, tmp);
    for (int k = 0; k < op->nvalid; k++)
        op->res[op->slot[k]] = tmp[k];
    free(tmp);
    return rc;
}

static int events_done(http_req *r, int rc)
{
    struct events_op *op = r->ctx;
    if (rc < 0)
        return http_error(r, 500, "internal", "the events could not be saved; send them again");
    static const char *const names[] = {"ok", "duplicate", "rejected"};
    int count[3] = {0, 0, 0};
    json_t *items = json_array();
    json_t *in = json_object_get(r->json, "events");
    for (int i = 0; i < op->n; i++) {
        const sensor_result *s = &op->res[i];
        count[s->status]++;
        json_t *o = json_pack("{s:s}", "status", names[s->status]);
        json_t *id = json_object_get(json_array_get(in, (size_t)i), "id");
        if (id)
            json_object_set(o, "id", id);
        if (s->alarm_id)
            json_object_set_new(o, "alarm", json_integer(s->alarm_id));
        if (s->status == SENSOR_REJECTED)
            json_object_set_new(o, "error", json_pack("{s:s, s:s}", "code", s->err.code, "message", s->err.msg));
        json_array_append_new(items, o);
    }
    return http_json(r, 200, json_pack("{s:o, s:i, s:i, s:i}", "results", items, "ok", count[0], "duplicate", count[1],
                                       "rejected", count[2]));
}

static int post_events(http_req *r)
{
    if (!r->who.token_id)
        return http_error(r, 403, "device_token_required", "door-sensor events are posted with the device's own token");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    device self;
    int rc = device_for_token(c, r->who.token_id, &self);
    if (rc != DB_ROW)
        return rc < 0 ? http_error(r, 503, "store_unavailable", "the database cannot be read right now")
                      : http_error(r, 403, "device_token_required", "this token belongs to no active device");
    json_t *events = json_object_get(r->json, "events");
    if (!json_is_array(events) || json_array_size(events) == 0 || json_array_size(events) > EVENTS_MAX)
        return http_error(r, 400, "invalid_field", "events must be a list of 1 to %d events", EVENTS_MAX);
    if (json_object_size(r->json) != 1)
        return http_error(r, 400, "unknown_field", "the body holds only \"events\"");
    struct events_op *op = calloc(1, sizeof *op);
    int n = (int)json_array_size(events);
    if (op) {
        op->ev = calloc((size_t)n, sizeof *op->ev);
        op->slot = calloc((size_t)n, sizeof *op->slot);
        op->res = calloc((size_t)n, sizeof *op->res);
    }
    if (!op || !op->ev || !op->slot || !op->res) {
        if (op)
            events_free(op);
        return http_error(r, 500, "internal", "out of memory");
    }
    op->r = r;
    op->n = n;
    for (int i = 0; i < n; i++) {
        sensor_event *ev = &op->ev[op->nvalid];
        if (!sensor_event_parse(json_array_get(events, (size_t)i), i, ev, &op->res[i]))
            continue;
        /* a device speaks only for itself */
        if (strcmp(ev->device, self.code) != 0) {
            events_free(op);
            return http_error(r, 403, "other_device", "events[%d].device: this token may post only for device %s", i,
                              self.code);
        }
        op->slot[op->nvalid++] = i;
    }
    return http_defer(r, events_job, op, events_free, events_done);
}

/* ---- alarms ---- */

static json_t *alarm_json(const sensor_alarm *a)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)a->id, "kind", a->kind,
                          "device", a->device_code, "household", (json_int_t)a->household_id, "area", a->area_code,
                          "address", a->address, "at", (json_int_t)a->at, "raised_at", (json_int_t)a->raised_at,
                          "status", a->status);
    json_object_set_new(j, "event", a->event_id ? json_integer(a->event_id) : json_null());
    if (a->acknowledged_at)
        json_object_set_new(j, "acknowledged", json_pack("{s:s, s:s, s:s, s:I}", "outcome", a->outcome, "note", a->note,
                                                         "by", a->acknowledged_by, "at", (json_int_t)a->acknowledged_at));
    else
        json_object_set_new(j, "acknowledged", json_null());
    return j;
}
static json_t *render_alarm(const void *row) { return alarm_json(row); }

static int list_alarms(http_req *r)
{
    int limit;
    int64_t cursor;
    const char *open = http_query(r, "open"), *kind = http_query(r, "kind");
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    sensor_alarm *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = alarm_list(c, api_scope(r), open && strcmp(open, "1") == 0, kind, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(sensor_alarm, id), render_alarm);
    free(rows);
    return HTTP_DONE;
}

struct ack_op {
    http_req *r;
    int64_t id;
    const char *outcome, *note;
    sensor_alarm out;
    fx_err err;
};

static int ack_job(db_conn *c, void *arg)
{
    struct ack_op *op = arg;
    return alarm_ack(c, &op->r->act, op->id, op->outcome, op->note, &op->out, &op->err);
}

static int ack_done(http_req *r, int rc)
{
    struct ack_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, alarm_json(&op->out));
}

static int ack_alarm(http_req *r)
{
    static const char *const fields[] = {"outcome", "note", NULL};
    struct ack_op *op = http_op_for_id(r, sizeof *op, offsetof(struct ack_op, id), "alarm_not_found", "alarm");
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "outcome", true, 24, &op->outcome) ||
        http_str(r, "note", false, 400, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, ack_job, op, free, ack_done);
}

/* ---- approved windows ---- */

static json_t *window_json(const door_window *w)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)w->id, "kind", w->kind, "area",
                          w->area_code, "start", (json_int_t)w->starts_at, "end", (json_int_t)w->ends_at, "note",
                          w->note, "created_by", w->created_by, "created_at", (json_int_t)w->created_at);
    json_object_set_new(j, "household", w->household_id ? json_integer(w->household_id) : json_null());
    return j;
}
static json_t *render_window(const void *row) { return window_json(row); }

struct window_op {
    http_req *r;
    window_input in;
    door_window out;
    fx_err err;
};

static int window_job(db_conn *c, void *arg)
{
    struct window_op *op = arg;
    return window_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int window_done(http_req *r, int rc)
{
    struct window_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, window_json(&op->out));
}

/* Volunteers reach only the requests assigned to them. */
static bool refuse_volunteer(http_req *r)
{
    if (r->who.role != ROLE_VOLUNTEER)
        return false;
    http_error(r, 403, "forbidden", "your role (volunteer) may work only on the requests assigned to you");
    return true;
}

static int post_window(http_req *r)
{
    static const char *const fields[] = {"household", "area", "kind", "start", "end", "note", NULL};
    if (refuse_volunteer(r))
        return HTTP_DONE;
    struct window_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long hh = 0, start, end;
    if (http_known_fields(r, fields) || http_int(r, "household", false, 1, INT64_MAX, &hh, NULL) ||
        http_str(r, "area", false, 64, &op->in.area) || http_str(r, "kind", true, 12, &op->in.kind) ||
        http_int(r, "start", true, 1, 4102444800LL, &start, NULL) ||
        http_int(r, "end", true, 1, 4102444800LL, &end, NULL) || http_str(r, "note", false, 400, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.household_id = hh;
    op->in.starts_at = start;
    op->in.ends_at = end;
    return http_defer(r, window_job, op, free, window_done);
}

static int list_windows(http_req *r)
{
    int limit;
    int64_t cursor, hh = 0;
    if (refuse_volunteer(r))
        return HTTP_DONE;
    const char *h = http_query(r, "household"), *all = http_query(r, "all");
    if (h && !http_parse_id(h, &hh))
        return http_error(r, 400, "invalid_query", "household must be a household id");
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    door_window *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    /* current and coming windows unless all=1 */
    int n = window_list(c, api_scope(r), hh, all && strcmp(all, "1") == 0 ? 0 : fx_now(), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(door_window, id), render_window);
    free(rows);
    return HTTP_DONE;
}

const route api_sensor_routes[] = {
    {"POST", "/api/v1/devices/events", ACT_DEVICE_EVENT, post_events, ROUTE_JSON, 256 * 1024},
    {"GET", "/api/v1/devices", ACT_DEVICE_ADMIN, list_devices, 0, 0},
    {"POST", "/api/v1/devices", ACT_DEVICE_ADMIN, post_device, ROUTE_JSON, 1024},
    {"POST", "/api/v1/devices/{id}/disable", ACT_DEVICE_ADMIN, disable_device, 0, 0},
    {"GET", "/api/v1/alarms", ACT_ALARM, list_alarms, 0, 0},
    {"POST", "/api/v1/alarms/{id}/ack", ACT_ALARM, ack_alarm, ROUTE_JSON, 2048},
    {"GET", "/api/v1/door-windows", ACT_SERVICE, list_windows, 0, 0},
    {"POST", "/api/v1/door-windows", ACT_SERVICE, post_window, ROUTE_JSON, 2048},
    {0},
};
