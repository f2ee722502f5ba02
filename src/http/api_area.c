/* api_area.c — the area tree: list, read, create, change, delete. */
#include "http/api.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 500

json_t *api_area_json(const area *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s, s:I, s:I}", "id", (json_int_t)a->id, "code", a->code, "name",
                     a->name, "kind", a->kind, "parent", a->parent_id ? a->parent_code : NULL, "risk_level",
                     a->risk_level, "created_at", (json_int_t)a->created_at, "updated_at",
                     (json_int_t)a->updated_at);
}

static json_t *render(const void *row) { return api_area_json(row); }

static int list_areas(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, PAGE_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *parent_code = http_query(r, "parent");
    area parent = {0};
    if (parent_code) {
        if (area_get(c, parent_code, &parent) != DB_ROW || !perm_in_scope(&r->who, parent.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", parent_code);
    }
    area *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    const char *scope = r->who.area_id ? r->who.area_path : NULL;
    int n = area_list(c, scope, parent.id, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(area, id), render);
    free(rows);
    return HTTP_DONE;
}

static int get_area(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    area a;
    if (area_get(c, r->param[0], &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
        return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", r->param[0]);
    return http_json(r, 200, api_area_json(&a));
}

struct area_op {
    http_req *r;
    area_input in;
    const char *code;
    area out;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct area_op *op = arg;
    return area_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int update_job(db_conn *c, void *arg)
{
    struct area_op *op = arg;
    return area_update(c, &op->r->act, op->code, &op->in, &op->out, &op->err);
}

static int delete_job(db_conn *c, void *arg)
{
    struct area_op *op = arg;
    return area_delete(c, &op->r->act, op->code, &op->err);
}

static int created(http_req *r, int rc)
{
    struct area_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, api_area_json(&op->out));
}

static int updated(http_req *r, int rc)
{
    struct area_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, api_area_json(&op->out));
}

static int deleted(http_req *r, int rc)
{
    struct area_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:s}", "deleted", op->code));
}

static struct area_op *new_op(http_req *r)
{
    struct area_op *op = calloc(1, sizeof *op);
    if (op) {
        op->r = r;
        op->code = r->param[0];
    } else {
        http_error(r, 500, "internal", "out of memory");
    }
    return op;
}

/* Reads the area fields a route allows and queues job; finish renders its answer. */
static int defer_area(http_req *r, const char *const *fields, bool create, db_write_fn job, http_finish finish)
{
    area_input in = {0};
    if (http_known_fields(r, fields) || http_str(r, "code", create, AREA_CODE_MAX, &in.code) ||
        http_str(r, "name", create, AREA_NAME_MAX, &in.name) || http_str(r, "kind", create, 16, &in.kind) ||
        http_str(r, "parent", false, AREA_CODE_MAX, &in.parent) ||
        http_str(r, "risk_level", false, 16, &in.risk_level))
        return HTTP_DONE;
    struct area_op *op = new_op(r);
    if (!op)
        return HTTP_DONE;
    op->in = in;
    return http_defer(r, job, op, free, finish);
}

static int create_area(http_req *r)
{
    static const char *const fields[] = {"code", "name", "kind", "parent", "risk_level", NULL};
    return defer_area(r, fields, true, create_job, created);
}

static int update_area(http_req *r)
{
    static const char *const fields[] = {"name", "parent", "risk_level", NULL};
    return defer_area(r, fields, false, update_job, updated);
}

static int delete_area(http_req *r)
{
    struct area_op *op = new_op(r);
    return op ? http_defer(r, delete_job, op, free, deleted) : HTTP_DONE;
}

static json_t *counts_json(db_conn *c, const area *a)
{
    db_stmt *s = db_prepare(c, "SELECT persons, households, merchants, floating, employees, vulnerable"
                               " FROM area_counts WHERE area_id = $1");
    long long v[6] = {0};
    if (s) {
        db_bind_i64(s, 1, a->id);
        if (db_step(s) == DB_ROW)
            for (int i = 0; i < 6; i++)
                v[i] = db_col_i64(s, i);
        db_done(s);
    }
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "code", a->code, "name", a->name, "kind",
                     a->kind, "persons", (json_int_t)v[0], "households", (json_int_t)v[1], "merchants",
                     (json_int_t)v[2], "floating", (json_int_t)v[3], "employees", (json_int_t)v[4], "vulnerable",
                     (json_int_t)v[5]);
}

/* Population of an area and of each child area, from counters kept current as
 * people are registered: no scan at request time. */
static int area_stats(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    area a;
    if (area_get(c, r->param[0], &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
        return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", r->param[0]);
    json_t *j = counts_json(c, &a);
    json_t *children = json_array();
    area rows[50];
    int64_t after = 0;
    int n;
    while ((n = area_list(c, NULL, a.id, after, rows, 50)) > 0) {
        for (int i = 0; i < n; i++)
            json_array_append_new(children, counts_json(c, &rows[i]));
        after = rows[n - 1].id;
        if (n < 50)
            break;
    }
    json_object_set_new(j, "children", children);
    return http_json(r, 200, j);
}

const route api_area_routes[] = {
    {"GET", "/api/v1/areas/{code}/stats", ACT_AREA_READ, area_stats, 0, 0},
    {"GET", "/api/v1/areas", ACT_AREA_READ, list_areas, 0, 0},
    {"POST", "/api/v1/areas", ACT_AREA_WRITE, create_area, ROUTE_JSON, 16384},
    {"GET", "/api/v1/areas/{code}", ACT_AREA_READ, get_area, 0, 0},
    {"PATCH", "/api/v1/areas/{code}", ACT_AREA_WRITE, update_area, ROUTE_JSON, 16384},
    {"DELETE", "/api/v1/areas/{code}", ACT_AREA_WRITE, delete_area, 0, 0},
    {0},
};
