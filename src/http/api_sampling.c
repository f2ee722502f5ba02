/* api_sampling.c — POST /api/v1/sampling/batch: events from sampling handhelds
 * (contract.md). The body is read into events here; the whole batch is one
 * writer job (one commit); the answer lists each event's result in order. */
#include "http/api.h"

#include "core/sampling.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct batch_op {
    http_req *r;
    sampling_event *ev;
    const char **tubes; /* every box_seal's tube list, one array */
    size_t n;
    sampling_summary sum;
};

static void op_free(void *p)
{
    struct batch_op *op = p;
    free(op->ev);
    free(op->tubes);
    free(op);
}

static const char *str_field(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* Reads one event; a wrong shape marks it rejected, naming the field. */
static void read_event(json_t *o, size_t i, sampling_event *e, const char ***tubes)
{
    if (!json_is_object(o)) {
        sampling_reject(e, "invalid_event", "events[%zu]: each event is a JSON object", i);
        return;
    }
    json_t *id = json_object_get(o, "id");
    e->id = json_string_value(id);
    if (!e->id || !*e->id || fx_utf8_len(e->id) > SAMPLING_ID_MAX) {
        e->id = NULL;
        sampling_reject(e, "missing_id", "events[%zu].id: a unique string of 1 to %d characters made by the handheld",
                        i, SAMPLING_ID_MAX);
        return;
    }
    const char *type = str_field(o, "type");
    static const char *const types[] = {"tube_open", "sample", "tube_seal", "box_seal"};
    int t = -1;
    for (int k = 0; k < 4 && type; k++)
        if (strcmp(type, types[k]) == 0)
            t = k;
    if (t < 0) {
        sampling_reject(e, "invalid_type", "events[%zu].type must be tube_open, sample, tube_seal or box_seal", i);
        return;
    }
    e->type = (enum sev_type)t;
    json_t *at = json_object_get(o, "at");
    if (!json_is_integer(at) || json_integer_value(at) <= 0) {
        sampling_reject(e, "invalid_at", "events[%zu].at: the time it happened, epoch seconds", i);
        return;
    }
    e->at = json_integer_value(at);
    if (e->type != SEV_BOX_SEAL) {
        e->tube = str_field(o, "tube");
        if (!e->tube || !*e->tube || strlen(e->tube) > 64) {
            sampling_reject(e, "invalid_tube", "events[%zu].tube: the tube's barcode (1 to 64 characters)", i);
            return;
        }
    }
    if (e->type == SEV_TUBE_OPEN) {
        json_t *r = json_object_get(o, "round"), *s = json_object_get(o, "site"), *p = json_object_get(o, "pool_size");
        e->round_id = json_is_integer(r) ? json_integer_value(r) : 0;
        e->site_id = json_is_integer(s) ? json_integer_value(s) : 0;
        e->pool_size = json_is_integer(p) ? (int)json_integer_value(p) : 0;
        if (e->round_id <= 0 || e->site_id <= 0)
            sampling_reject(e, "invalid_event", "events[%zu]: tube_open needs round and site (ids)", i);
        else if (!(e->pool_size == 1 || e->pool_size == 5 || e->pool_size == 10 || e->pool_size == 20))
            sampling_reject(e, "invalid_pool_size", "events[%zu].pool_size must be 1, 5, 10 or 20", i);
    } else if (e->type == SEV_SAMPLE) {
        json_t *p = json_object_get(o, "person");
        e->id_number = str_field(p, "id_number");
        e->code = str_field(p, "code");
        e->name = str_field(p, "name");
        e->phone = str_field(p, "phone");
        if (!json_is_object(p) || (!e->id_number && !e->code) || (e->code && e->id_number))
            sampling_reject(e, "invalid_person",
                            "events[%zu].person: give {\"code\"} or {\"id_number\"} (with name and phone for a walk-in)", i);
    } else if (e->type == SEV_BOX_SEAL) {
        e->box = str_field(o, "box");
        e->seal = str_field(o, "seal");
        json_t *list = json_object_get(o, "tubes");
        size_t n = json_array_size(list);
        if (!e->box || !*e->box || strlen(e->box) > 64 || !e->seal || !*e->seal || strlen(e->seal) > 64) {
            sampling_reject(e, "invalid_event", "events[%zu]: box_seal needs box (barcode) and seal (seal number)", i);
            return;
        }
        if (n == 0 || n > SAMPLING_BOX_TUBES_MAX) {
            sampling_reject(e, "invalid_tubes", "events[%zu].tubes: 1 to %d tube barcodes", i, SAMPLING_BOX_TUBES_MAX);
            return;
        }
        e->tubes = *tubes;
        e->ntubes = n;
        for (size_t k = 0; k < n; k++) {
            const char *bc = json_string_value(json_array_get(list, k));
            if (!bc || !*bc) {
                sampling_reject(e, "invalid_tubes", "events[%zu].tubes[%zu]: a tube barcode", i, k);
                return;
            }
            (*tubes)[k] = bc;
        }
        *tubes += n;
    }
}

static int batch_job(db_conn *c, void *arg)
{
    struct batch_op *op = arg;
    return sampling_apply(c, &op->r->act, op->ev, op->n, &op->sum);
}

static int batch_done(http_req *r, int rc)
{
    struct batch_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, NULL);
    static const char *const status[] = {"ok", "duplicate", "rejected"};
    fx_str s;
    fx_str_init(&s, (size_t)64 << 20);
    fx_str_adds(&s, "{\"results\":[");
    for (size_t i = 0; i < op->n; i++) {
        const sampling_event *e = &op->ev[i];
        fx_str_adds(&s, i ? ",{\"id\":" : "{\"id\":");
        if (e->id)
            fx_str_add_json(&s, e->id);
        else
            fx_str_adds(&s, "null");
        fx_str_addf(&s, ",\"status\":\"%s\"", status[e->status]);
        if (e->warnings) {
            const char *w[4];
            int nw = sampling_warning_names(e->warnings, w);
            fx_str_adds(&s, ",\"warnings\":[");
            for (int k = 0; k < nw; k++)
                fx_str_addf(&s, "%s\"%s\"", k ? "," : "", w[k]);
            fx_str_adds(&s, "]");
        }
        if (e->status == SEV_REJECTED) {
            fx_str_addf(&s, ",\"error\":{\"code\":\"%s\",\"message\":", e->err_code);
            fx_str_add_json(&s, e->err_msg);
            fx_str_adds(&s, "}");
        }
        fx_str_adds(&s, "}");
    }
    fx_str_addf(&s, "],\"summary\":{\"ok\":%ld,\"duplicate\":%ld,\"rejected\":%ld,\"samples\":%ld}}", op->sum.ok,
                op->sum.duplicate, op->sum.rejected, op->sum.samples);
    return http_json_text(r, 200, &s);
}

static int post_batch(http_req *r)
{
    json_t *events = http_batch(r, "events", SAMPLING_BATCH_MAX, "sampling events");
    if (!events)
        return HTTP_DONE;
    size_t n = json_array_size(events);
    size_t ntubes = 0;
    for (size_t i = 0; i < n; i++)
        ntubes += json_array_size(json_object_get(json_array_get(events, i), "tubes"));
    struct batch_op *op = calloc(1, sizeof *op);
    if (op) {
        op->ev = calloc(n ? n : 1, sizeof *op->ev);
        op->tubes = calloc(ntubes ? ntubes : 1, sizeof *op->tubes);
    }
    if (!op || !op->ev || !op->tubes) {
        if (op)
            op_free(op);
        return http_error(r, 500, "internal", "out of memory");
    }
    op->r = r;
    op->n = n;
    const char **next = op->tubes;
    for (size_t i = 0; i < n; i++)
        read_event(json_array_get(events, i), i, &op->ev[i], &next);
    return http_defer(r, batch_job, op, op_free, batch_done);
}

const route api_sampling_routes[] = {
    {"POST", "/api/v1/sampling/batch", ACT_SAMPLING, post_batch, ROUTE_JSON, (size_t)8 << 20},
    {0},
};
