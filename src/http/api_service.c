/* api_service.c — resident services: garbage rounds with a mark per household, service
 * requests (status flow, assignee, deadline, feedback, overdue), counselling notes. */
#include "http/api.h"

#include "core/service.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_HOUSEHOLDS_MAX 2000

static bool refuse_volunteer(http_req *r)
{
    if (r->who.role != ROLE_VOLUNTEER)
        return false;
    http_error(r, 403, "forbidden", "your role (volunteer) may work only on the requests assigned to you");
    return true;
}

/* ---- garbage rounds ---- */

static json_t *garbage_json(const garbage_round *g)
{
    return json_pack("{s:I, s:s, s:I, s:I, s:I, s:s, s:i, s:i, s:s, s:I}", "id", (json_int_t)g->id, "area", g->area_code,
                     "window", (json_int_t)g->window_id, "start", (json_int_t)g->starts_at, "end",
                     (json_int_t)g->ends_at, "note", g->note, "households", g->households, "done", g->done,
                     "created_by", g->created_by, "created_at", (json_int_t)g->created_at);
}
static json_t *render_garbage(const void *row) { return garbage_json(row); }

struct garbage_op {
    http_req *r;
    const char *area, *note;
    int64_t id, household, starts, ends;
    garbage_round out;
    fx_err err;
};

static int garbage_job(db_conn *c, void *arg)
{
    struct garbage_op *op = arg;
    return garbage_create(c, &op->r->act, op->area, op->starts, op->ends, op->note, &op->out, &op->err);
}

static int garbage_created(http_req *r, int rc)
{
    struct garbage_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, garbage_json(&op->out));
}

static int post_garbage(http_req *r)
{
    static const char *const fields[] = {"area", "start", "end", "note", NULL};
    if (refuse_volunteer(r))
        return HTTP_DONE;
    struct garbage_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long start, end;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->area) ||
        http_int(r, "start", true, 1, 4102444800LL, &start, NULL) ||
        http_int(r, "end", true, 1, 4102444800LL, &end, NULL) || http_str(r, "note", false, 400, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    op->starts = start;
    op->ends = end;
    return http_defer(r, garbage_job, op, free, garbage_created);
}

static int list_garbage(http_req *r)
{
    int limit;
    int64_t cursor;
    if (refuse_volunteer(r) || http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    garbage_round *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = garbage_list(c, api_scope(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(garbage_round, id), render_garbage);
    free(rows);
    return HTTP_DONE;
}

static int get_garbage(http_req *r)
{
    int64_t id;
    if (refuse_volunteer(r))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    garbage_round g;
    if (!http_parse_id(r->param[0], &id) || garbage_get(c, id, &g) != DB_ROW || !perm_in_scope(&r->who, g.area_path))
        return http_error(r, 404, "round_not_found", "garbage round %.24s does not exist in your area", r->param[0]);
    garbage_household *hh = malloc(sizeof *hh * ROUND_HOUSEHOLDS_MAX);
    if (!hh)
        return http_error(r, 500, "internal", "out of memory");
    int n = garbage_households(c, &g, hh, ROUND_HOUSEHOLDS_MAX);
    if (n < 0) {
        free(hh);
        return http_error(r, 500, "internal", "could not read the round's households");
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:b}", "household", (json_int_t)hh[i].household_id, "address",
                              hh[i].address, "isolated", hh[i].isolated);
        json_object_set_new(o, "done_at", hh[i].done_at ? json_integer(hh[i].done_at) : json_null());
        if (hh[i].done_at)
            json_object_set_new(o, "done_by", json_string(hh[i].done_by));
        json_array_append_new(items, o);
    }
    free(hh);
    json_t *j = garbage_json(&g);
    json_object_set_new(j, "items", items);
    return http_json(r, 200, j);
}

static int mark_job(db_conn *c, void *arg)
{
    struct garbage_op *op = arg;
    int rc = garbage_mark(c, &op->r->act, op->id, op->household, &op->err);
    return rc ? rc : (garbage_get(c, op->id, &op->out) == DB_ROW ? 0 : DB_ERR);
}

static int marked(http_req *r, int rc)
{
    struct garbage_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, garbage_json(&op->out));
}

static int post_mark(http_req *r)
{
    static const char *const fields[] = {"household", NULL};
    if (refuse_volunteer(r))
        return HTTP_DONE;
    struct garbage_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long hh;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "round_not_found", "garbage round %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_int(r, "household", true, 1, INT64_MAX, &hh, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->household = hh;
    return http_defer(r, mark_job, op, free, marked);
}

/* ---- requests ---- */

static json_t *request_json(const service_request *q, int64_t now)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:s, s:s, s:I, s:I}", "id", (json_int_t)q->id,
                          "household", (json_int_t)q->household_id, "area", q->area_code, "address", q->address, "kind",
                          q->kind, "status", q->status, "description", q->description, "deadline",
                          (json_int_t)q->deadline, "overdue", !q->done_at && q->deadline < now, "feedback", q->feedback,
                          "created_by", q->created_by, "created_at", (json_int_t)q->created_at, "updated_at",
                          (json_int_t)q->updated_at);
    json_object_set_new(j, "person", q->person_id ? json_integer(q->person_id) : json_null());
    json_object_set_new(j, "assignee", q->assignee[0] ? json_string(q->assignee) : json_null());
    json_object_set_new(j, "done_at", q->done_at ? json_integer(q->done_at) : json_null());
    return j;
}

struct request_op {
    http_req *r;
    int64_t id;
    int status;
    request_input in;
    service_request out;
    fx_err err;
};

static int request_create_job(db_conn *c, void *arg)
{
    struct request_op *op = arg;
    return request_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int request_update_job(db_conn *c, void *arg)
{
    struct request_op *op = arg;
    return request_update(c, &op->r->act, op->id, &op->in, &op->out, &op->err);
}

static int request_done(http_req *r, int rc)
{
    struct request_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, op->status, request_json(&op->out, fx_now()));
}

static int post_request(http_req *r)
{
    static const char *const fields[] = {"household", "person", "kind", "description", "deadline", "assignee", NULL};
    struct request_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->status = 201;
    long long hh, person_id = 0, deadline;
    if (http_known_fields(r, fields) || http_int(r, "household", true, 1, INT64_MAX, &hh, NULL) ||
        http_int(r, "person", false, 1, INT64_MAX, &person_id, NULL) || http_str(r, "kind", true, 16, &op->in.kind) ||
        http_str(r, "description", false, 1000, &op->in.description) ||
        http_int(r, "deadline", true, 1, 4102444800LL, &deadline, NULL) ||
        http_str(r, "assignee", false, 32, &op->in.assignee)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.household_id = hh;
    op->in.person_id = person_id;
    op->in.deadline = deadline;
    return http_defer(r, request_create_job, op, free, request_done);
}

static int patch_request(http_req *r)
{
    static const char *const fields[] = {"status", "assignee", "feedback", "deadline", NULL};
    struct request_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->status = 200;
    long long deadline = 0;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "request_not_found", "request %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "status", false, 16, &op->in.status) ||
        http_str(r, "assignee", false, 32, &op->in.assignee) ||
        http_str(r, "feedback", false, 1000, &op->in.feedback) ||
        http_int(r, "deadline", false, 1, 4102444800LL, &deadline, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.deadline = deadline;
    return http_defer(r, request_update_job, op, free, request_done);
}

static int get_request(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &id))
        return http_error(r, 404, "request_not_found", "request %.24s does not exist", r->param[0]);
    service_request q;
    fx_err e = {0};
    if (request_get(c, &r->act, id, &q, &e))
        return http_fail(r, &e);
    return http_json(r, 200, request_json(&q, fx_now()));
}

static json_t *render_request(const void *row) { return request_json(row, fx_now()); }

static int list_requests(http_req *r)
{
    int limit;
    int64_t cursor;
    const char *status = http_query(r, "status"), *overdue = http_query(r, "overdue");
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    service_request *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int64_t now = fx_now();
    int n = request_list(c, &r->who, status, overdue && strcmp(overdue, "1") == 0, now, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(service_request, id), render_request);
    free(rows);
    return HTTP_DONE;
}

/* ---- counselling notes ---- */

#define NOTES_MAX 200

static json_t *note_json(const counselling_note *n)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)n->id, "person", (json_int_t)n->person_id,
                          "body", n->body, "created_by", n->created_by, "created_at", (json_int_t)n->created_at);
    json_object_set_new(j, "request", n->request_id ? json_integer(n->request_id) : json_null());
    return j;
}

struct note_op {
    http_req *r;
    int64_t person, request;
    const char *body;
    counselling_note out;
    fx_err err;
};

static int note_job(db_conn *c, void *arg)
{
    struct note_op *op = arg;
    return note_create(c, &op->r->act, op->person, op->request, op->body, &op->out, &op->err);
}

static int note_done(http_req *r, int rc)
{
    struct note_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, note_json(&op->out));
}

static int post_note(http_req *r)
{
    static const char *const fields[] = {"body", "request", NULL};
    struct note_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long request = 0;
    if (!http_parse_id(r->param[0], &op->person)) {
        free(op);
        return http_error(r, 404, "person_not_found", "person %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "body", true, 4000, &op->body) ||
        http_int(r, "request", false, 1, INT64_MAX, &request, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->request = request;
    return http_defer(r, note_job, op, free, note_done);
}

static int list_notes(http_req *r)
{
    int64_t person_id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &person_id))
        return http_error(r, 404, "person_not_found", "person %.24s does not exist", r->param[0]);
    counselling_note *rows = malloc(sizeof *rows * NOTES_MAX);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    fx_err e = {0};
    int n = note_list(c, &r->who, person_id, rows, NOTES_MAX, &e);
    if (n < 0) {
        free(rows);
        return http_fail(r, &e);
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, note_json(&rows[i]));
    free(rows);
    return http_list(r, items, 0);
}

const route api_service_routes[] = {
    {"GET", "/api/v1/garbage-rounds", ACT_SERVICE, list_garbage, 0, 0},
    {"POST", "/api/v1/garbage-rounds", ACT_SERVICE, post_garbage, ROUTE_JSON, 2048},
    {"GET", "/api/v1/garbage-rounds/{id}", ACT_SERVICE, get_garbage, 0, 0},
    {"POST", "/api/v1/garbage-rounds/{id}/marks", ACT_SERVICE, post_mark, ROUTE_JSON, 256},
    {"GET", "/api/v1/requests", ACT_SERVICE, list_requests, 0, 0},
    {"POST", "/api/v1/requests", ACT_SERVICE, post_request, ROUTE_JSON, 4096},
    {"GET", "/api/v1/requests/{id}", ACT_SERVICE, get_request, 0, 0},
    {"PATCH", "/api/v1/requests/{id}", ACT_SERVICE, patch_request, ROUTE_JSON, 4096},
    {"GET", "/api/v1/persons/{id}/counselling-notes", ACT_COUNSEL, list_notes, 0, 0},
    {"POST", "/api/v1/persons/{id}/counselling-notes", ACT_COUNSEL, post_note, ROUTE_JSON, 16384},
    {0},
};
