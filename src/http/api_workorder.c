/* api_workorder.c — work orders: pushed by the city platform (JSON or CSV, idempotent by
 * external_id), read back by it (?external_id=), listed, routed and assigned by officers,
 * moved through their statuses by handlers, each with its history. */
#include "http/api.h"

#include "core/workorder.h"
#include "dispatch/dispatch.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static json_t *wo_json(const work_order *o)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:b, s:I, s:s, s:s, s:s, s:I, s:I, s:b}",
                          "id", (json_int_t)o->id, "external_id", o->external_id, "kind", o->kind, "title", o->title,
                          "body", o->body, "subject", "id_number", o->id_number, "name", o->name, "address",
                          o->address, "status", wo_status_name(o->status), "overdue", o->overdue, "deadline",
                          (json_int_t)o->deadline, "routing", o->routing, "feedback", o->feedback, "handled_by",
                          o->handled_by, "created_at", (json_int_t)o->created_at, "updated_at",
                          (json_int_t)o->updated_at, "duplicate", o->duplicate);
    /* area: the workstation it was routed to; null while it waits in triage */
    bool routed = strcmp(o->routing, "triage") != 0 && o->area_code[0];
    json_object_set_new(j, "area", routed ? json_string(o->area_code) : json_null());
    json_object_set_new(j, "queue", o->area_code[0] ? json_string(o->area_code) : json_null());
    json_object_set_new(j, "assignee", o->assignee[0] ? json_string(o->assignee) : json_null());
    json_object_set_new(j, "person", o->person_id ? json_integer(o->person_id) : json_null());
    return j;
}

/* Who routes orders (officers, admins) reads every order in scope; a handler without
 * routing (staff) only the orders assigned to them (contract.md: "work orders assigned to
 * them"), which keeps their subjects' ID numbers from the rest of the workstation. */
static bool wo_reads_all(const http_req *r) { return perm_allows(r->who.role, ACT_WO_ROUTE); }

/* Partners see only the orders they pushed; people, those in their area (the system's
 * triage queue, without area, only system administrators); handlers only their own. */
static bool wo_visible(const http_req *r, const work_order *o)
{
    if (r->who.role == ROLE_PARTNER)
        return o->token_id == r->who.token_id;
    if (!wo_reads_all(r) && (!r->who.user_id || o->assignee_id != r->who.user_id))
        return false;
    if (!o->area_path[0])
        return r->who.role == ROLE_ADMIN && !r->who.area_id;
    return perm_in_scope(&r->who, o->area_path);
}

/* ---- push ---- */

struct push_op {
    http_req *r;
    wo_input in;         /* JSON: one order */
    work_order out;
    fx_err err;
    wo_csv_row *rows;    /* CSV: many */
    int n;
};

static void push_free(void *arg)
{
    struct push_op *op = arg;
    wo_csv_free(op->rows, op->n);
    free(op);
}

static int push_job(db_conn *c, void *arg)
{
    struct push_op *op = arg;
    const principal *p = &op->r->who;
    const char *scope = p->area_id ? p->area_path : NULL;
    if (op->rows)
        return wo_push_rows(c, &op->r->act, p->token_id, p->area_id, scope, op->rows, op->n) ? -1 : 0;
    return wo_push(c, &op->r->act, p->token_id, p->area_id, scope, &op->in, &op->out, &op->err);
}

static int push_done(http_req *r, int rc)
{
    struct push_op *op = r->ctx;
    if (!op->rows) {
        if (rc < 0)
            return api_fail(r, rc, &op->err);
        return http_json(r, op->out.duplicate ? 200 : 201, wo_json(&op->out));
    }
    if (rc < 0)
        return http_error(r, 500, "internal", "the orders could not be stored");
    json_t *results = json_array();
    int ok = 0, dup = 0, bad = 0;
    for (int i = 0; i < op->n; i++) {
        const wo_csv_row *it = &op->rows[i];
        const char *st = it->err.kind ? "rejected" : it->duplicate ? "duplicate" : "ok";
        json_t *j = json_pack("{s:I, s:s, s:s}", "row", (json_int_t)it->row, "external_id", it->in.external_id, "status",
                              st);
        if (it->err.kind)
            json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", it->err.code, "message", it->err.msg));
        else
            json_object_set_new(j, "id", json_integer(it->id));
        json_array_append_new(results, j);
        ok += !it->err.kind && !it->duplicate;
        dup += !it->err.kind && it->duplicate;
        bad += it->err.kind != 0;
    }
    return http_json(r, 200, json_pack("{s:o, s:i, s:i, s:i}", "results", results, "ok", ok, "duplicate", dup,
                                       "rejected", bad));
}

/* text/csv: wo_csv_read's columns. */
static int read_csv(http_req *r, struct push_op *op)
{
    int fd = http_body_fd(r, "orders");
    if (fd < 0)
        return http_error(r, 500, "internal", "could not read the file");
    fx_err e = {0};
    int rc = wo_csv_read(fd, &op->rows, &op->n, &e);
    close(fd);
    if (rc)
        return strcmp(e.code, "too_many_rows") == 0 ? http_error(r, 413, e.code, "%s", e.msg) : http_fail(r, &e);
    return -1; /* read: go on */
}

static int read_json(http_req *r, struct push_op *op)
{
    static const char *const fields[] = {"external_id", "kind", "title", "subject", "deadline", "body", NULL};
    json_error_t je;
    r->json = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(r->json))
        return http_error(r, 400, "invalid_json", "send a JSON object {\"external_id\",\"title\",\"deadline\",…}");
    wo_input *in = &op->in;
    long long deadline;
    if (http_known_fields(r, fields) || http_str(r, "external_id", true, 64, &in->external_id) ||
        http_str(r, "kind", false, 32, &in->kind) || http_str(r, "title", true, 100, &in->title) ||
        http_str(r, "body", false, 1000, &in->body) ||
        http_int(r, "deadline", true, 1, 4102444800LL, &deadline, NULL))
        return HTTP_DONE;
    in->deadline = deadline;
    json_t *subj = json_object_get(r->json, "subject");
    if (subj && !json_is_object(subj))
        return http_error(r, 400, "invalid_field", "subject: expected {\"id_number\"?, \"name\"?, \"address\"?}");
    in->id_number = json_string_value(json_object_get(subj, "id_number"));
    in->name = json_string_value(json_object_get(subj, "name"));
    in->address = json_string_value(json_object_get(subj, "address"));
    return -1;
}

static int post_orders(http_req *r)
{
    struct push_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    const char *ct = r->content_type ? r->content_type : "application/json";
    int rc = strncasecmp(ct, "text/csv", 8) == 0 ? read_csv(r, op)
             : strncasecmp(ct, "application/json", 16) == 0
                 ? read_json(r, op)
                 : http_error(r, 415, "unsupported_media_type", "send application/json or text/csv");
    if (rc != -1) {
        push_free(op);
        return HTTP_DONE;
    }
    return http_defer(r, push_job, op, push_free, push_done);
}

/* ---- read ---- */

static json_t *history_json(db_conn *c, int64_t id)
{
    wo_event ev[200];
    int n = wo_history(c, id, ev, 200);
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s}", "at", (json_int_t)ev[i].at, "actor",
                                           ev[i].actor, "action", ev[i].action, "status", ev[i].status, "detail",
                                           ev[i].detail));
    return a;
}

static json_t *wo_row(const void *row) { return wo_json(row); }

static int list_orders(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *ext = http_query(r, "external_id");
    if (ext) {
        work_order o;
        if (wo_get_external(c, ext, &o) != DB_ROW || !wo_visible(r, &o))
            return http_error(r, 404, "work_order_not_found", "no work order with external_id %.64s", ext);
        return http_json(r, 200, wo_json(&o));
    }
    if (r->who.role == ROLE_PARTNER)
        return http_error(r, 400, "missing_query", "external_id: give the order's external_id");
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    const char *overdue = http_query(r, "overdue"), *mine = http_query(r, "mine"), *triage = http_query(r, "triage"),
               *status = http_query(r, "status");
    wo_filter f = WO_FILTER_NONE;
    f.assignee_id = (mine && strcmp(mine, "1") == 0) || !wo_reads_all(r) ? r->who.user_id : 0;
    f.overdue_only = overdue && strcmp(overdue, "1") == 0;
    f.triage_only = triage && strcmp(triage, "1") == 0;
    if (status && (f.status = wo_status_parse(status)) < 0)
        return http_error(r, 400, "invalid_query", "status: expected new, accepted, in_progress, done or returned");
    work_order *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    bool all = r->who.role == ROLE_ADMIN && !r->who.area_id;
    int n = wo_list(c, all ? NULL : r->who.area_path, &f, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(work_order, id), wo_row);
    free(rows);
    return HTTP_DONE;
}

static int get_order(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    work_order o;
    if (!http_parse_id(r->param[0], &id) || wo_get(c, id, &o) != DB_ROW || !wo_visible(r, &o))
        return http_error(r, 404, "work_order_not_found", "work order %.24s does not exist in your area", r->param[0]);
    json_t *j = wo_json(&o);
    json_object_set_new(j, "history", history_json(c, id));
    if (r->who.role != ROLE_PARTNER) /* feedback deliveries and alarms, with their outcome */
        json_object_set_new(j, "messages", dsp_order_outbox(c, id));
    return http_json(r, 200, j);
}

/* ---- change ---- */

struct change_op {
    http_req *r;
    int64_t id;
    const char *area, *user, *status, *feedback;
    work_order out;
    fx_err err;
};

static int assign_job(db_conn *c, void *arg)
{
    struct change_op *op = arg;
    return wo_assign(c, &op->r->act, op->id, op->area, op->user, &op->out, &op->err);
}

static int status_job(db_conn *c, void *arg)
{
    struct change_op *op = arg;
    return wo_set_status(c, &op->r->act, op->id, op->status, op->feedback, &op->out, &op->err);
}

static int change_done(http_req *r, int rc)
{
    struct change_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, wo_json(&op->out));
}

static struct change_op *change_new(http_req *r)
{
    struct change_op *op = calloc(1, sizeof *op);
    if (!op) {
        http_error(r, 500, "internal", "out of memory");
        return NULL;
    }
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        http_error(r, 404, "work_order_not_found", "work order %.24s does not exist", r->param[0]);
        free(op);
        return NULL;
    }
    return op;
}

static int assign_order(http_req *r)
{
    static const char *const fields[] = {"area", "user", NULL};
    struct change_op *op = change_new(r);
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "area", false, 64, &op->area) ||
        http_str(r, "user", false, 32, &op->user)) {
        free(op);
        return HTTP_DONE;
    }
    if (!op->area && !op->user) {
        free(op);
        return http_error(r, 400, "missing_field", "area or user: say where the order goes or who handles it");
    }
    return http_defer(r, assign_job, op, free, change_done);
}

static int status_order(http_req *r)
{
    static const char *const fields[] = {"status", "feedback", NULL};
    struct change_op *op = change_new(r);
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "status", true, 16, &op->status) ||
        http_str(r, "feedback", false, 500, &op->feedback)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, status_job, op, free, change_done);
}

const route api_workorder_routes[] = {
    {"POST", "/api/v1/work-orders", ACT_WO_PUSH, post_orders, 0, 8u << 20},
    {"GET", "/api/v1/work-orders", ACT_WO_READ, list_orders, 0, 0},
    {"GET", "/api/v1/work-orders/{id}", ACT_WO_READ, get_order, 0, 0},
    {"POST", "/api/v1/work-orders/{id}/assign", ACT_WO_ROUTE, assign_order, ROUTE_JSON, 4096},
    {"POST", "/api/v1/work-orders/{id}/status", ACT_WO_HANDLE, status_order, ROUTE_JSON, 8192},
    {0},
};
