/* api_site.c — sampling sites: create, list, read, change; staff; queue reports. */
#include "http/api.h"

#include "core/site.h"
#include "util/fx_clock.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 500

static json_t *site_json(db_conn *c, const site *s)
{
    char serves[SITE_SERVES_MAX][65], staff[64][64];
    int ns = c ? site_serves(c, s->id, serves, SITE_SERVES_MAX) : 0;
    int nst = c ? site_staff_list(c, s->id, staff, 64) : 0;
    json_t *jserves = json_array(), *jstaff = json_array();
    for (int i = 0; i < ns; i++)
        json_array_append_new(jserves, json_string(serves[i]));
    for (int i = 0; i < nst; i++)
        json_array_append_new(jstaff, json_string(staff[i]));
    site_status_out st = c ? site_status_now(c, s, fx_now()) : (site_status_out){SITE_RESTING, 0};
    json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:o, s:o, s:s, s:i, s:I, s:I}", "id",
                          (json_int_t)s->id, "name", s->name, "area", s->area_code, "tables", s->tables, "opens",
                          s->opens_min, "closes", s->closes_min, "status", s->status, "queue", s->queue_len, "areas",
                          jserves, "staff", jstaff, "public_status", site_public_name(st.status), "wait_min",
                          st.wait_min, "created_at", (json_int_t)s->created_at, "updated_at",
                          (json_int_t)s->updated_at);
    json_object_set_new(j, "lat", s->has_coords ? json_real(s->lat) : json_null());
    json_object_set_new(j, "lng", s->has_coords ? json_real(s->lng) : json_null());
    json_object_set_new(j, "queue_at", s->queue_at ? json_integer(s->queue_at) : json_null());
    return j;
}

struct site_op {
    http_req *r;
    site_input in;
    const char *serves[SITE_SERVES_MAX];
    int64_t id;
    const char *username;
    bool add;
    int length;
    site out;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct site_op *op = arg;
    return site_create(c, &op->r->act, &op->in, &op->out, &op->err);
}
static int update_job(db_conn *c, void *arg)
{
    struct site_op *op = arg;
    return site_update(c, &op->r->act, op->id, &op->in, &op->out, &op->err);
}
static int staff_job(db_conn *c, void *arg)
{
    struct site_op *op = arg;
    int rc = site_staff_set(c, &op->r->act, op->id, op->username, op->add, &op->err);
    return rc ? rc : site_get(c, op->id, &op->out) == DB_ROW ? 0 : DB_ERR;
}
static int queue_job(db_conn *c, void *arg)
{
    struct site_op *op = arg;
    int rc = site_report_queue(c, &op->r->act, op->id, op->length, &op->err);
    return rc ? rc : site_get(c, op->id, &op->out) == DB_ROW ? 0 : DB_ERR;
}

static int answered(http_req *r, int rc)
{
    struct site_op *op = r->ctx;
    bool create = op->id == 0;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, create ? 201 : 200, site_json(http_reader(r), &op->out));
}

static struct site_op *new_op(http_req *r)
{
    struct site_op *op = calloc(1, sizeof *op);
    if (!op) {
        http_error(r, 500, "internal", "out of memory");
        return NULL;
    }
    op->r = r;
    op->in = (site_input)SITE_INPUT_NONE;
    if (r->param[0] && !http_parse_id(r->param[0], &op->id)) {
        free(op);
        http_error(r, 404, "site_not_found", "site %.24s does not exist in your area", r->param[0]);
        return NULL;
    }
    return op;
}

/* Reads the site fields of the body into op->in; answers 400 and returns -1 on a bad one. */
static int read_site(http_req *r, struct site_op *op, bool create)
{
    static const char *const fields[] = {"name", "area", "lat", "lng", "tables", "areas", "opens", "closes",
                                         "status", NULL};
    site_input *in = &op->in;
    long long tables = -1, opens = -1, closes = -1;
    bool has_tables, has_opens, has_closes;
    if (http_known_fields(r, fields) || http_str(r, "name", create, SITE_NAME_MAX, &in->name) ||
        (create && http_str(r, "area", true, 64, &in->area)) || http_str(r, "status", false, 8, &in->status) ||
        http_int(r, "tables", false, 1, 200, &tables, &has_tables) ||
        http_int(r, "opens", false, 0, 1440, &opens, &has_opens) ||
        http_int(r, "closes", false, 0, 1440, &closes, &has_closes))
        return -1;
    if (!create && json_object_get(r->json, "area")) {
        http_error(r, 400, "invalid_field", "area: a site does not move; close it and create another");
        return -1;
    }
    in->tables = has_tables ? (int)tables : -1;
    in->opens_min = has_opens ? (int)opens : -1;
    in->closes_min = has_closes ? (int)closes : -1;
    json_t *lat = json_object_get(r->json, "lat"), *lng = json_object_get(r->json, "lng");
    if (lat || lng) {
        if (!json_is_number(lat) || !json_is_number(lng)) {
            http_error(r, 400, "invalid_coordinates", "lat and lng: numbers, WGS-84, given together");
            return -1;
        }
        in->has_coords = true;
        in->lat = json_number_value(lat);
        in->lng = json_number_value(lng);
    }
    json_t *areas = json_object_get(r->json, "areas");
    if (areas) {
        size_t n = json_array_size(areas);
        if (!json_is_array(areas) || n > SITE_SERVES_MAX) {
            http_error(r, 400, "invalid_areas", "areas: a list of at most %d area codes the site serves",
                       SITE_SERVES_MAX);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (!(op->serves[i] = json_string_value(json_array_get(areas, i)))) {
                http_error(r, 400, "invalid_areas", "areas[%zu]: an area code", i);
                return -1;
            }
        in->serves = op->serves;
        in->nserves = (int)n;
    }
    return 0;
}

static int create_site(http_req *r)
{
    struct site_op *op = new_op(r);
    if (!op)
        return HTTP_DONE;
    if (read_site(r, op, true)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, create_job, op, free, answered);
}

static int update_site(http_req *r)
{
    struct site_op *op = new_op(r);
    if (!op)
        return HTTP_DONE;
    if (read_site(r, op, false)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, update_job, op, free, answered);
}

static int staff_change(http_req *r, bool add)
{
    struct site_op *op = new_op(r);
    if (!op)
        return HTTP_DONE;
    op->add = add;
    if (add) {
        if (http_known_fields(r, (const char *const[]){"username", NULL}) ||
            http_str(r, "username", true, 64, &op->username)) {
            free(op);
            return HTTP_DONE;
        }
    } else {
        op->username = r->param[1];
    }
    return http_defer(r, staff_job, op, free, answered);
}
static int add_staff(http_req *r) { return staff_change(r, true); }
static int remove_staff(http_req *r) { return staff_change(r, false); }

static int report_queue(http_req *r)
{
    struct site_op *op = new_op(r);
    long long len;
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, (const char *const[]){"length", NULL}) ||
        http_int(r, "length", true, 0, 100000, &len, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->length = (int)len;
    return http_defer(r, queue_job, op, free, answered);
}

static _Thread_local db_conn *tl_conn;
static json_t *render(const void *row) { return site_json(tl_conn, row); }

static int list_sites(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, PAGE_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *scope = r->who.area_id ? r->who.area_path : NULL;
    const char *code = http_query(r, "area");
    area a;
    if (code) {
        if (area_get(c, code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
        scope = a.path;
    }
    site *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = site_list(c, scope, cursor, rows, limit + 1);
    tl_conn = c;
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(site, id), render);
    free(rows);
    return HTTP_DONE;
}

static int get_site(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    int64_t id;
    site s;
    if (!http_parse_id(r->param[0], &id) || site_get(c, id, &s) != DB_ROW || !perm_in_scope(&r->who, s.area_path))
        return http_error(r, 404, "site_not_found", "site %.24s does not exist in your area", r->param[0]);
    return http_json(r, 200, site_json(c, &s));
}

const route api_site_routes[] = {
    {"POST", "/api/v1/sites", ACT_ROUND_WRITE, create_site, ROUTE_JSON, 16384},
    {"GET", "/api/v1/sites", ACT_ROUND_READ, list_sites, 0, 0},
    {"GET", "/api/v1/sites/{id}", ACT_ROUND_READ, get_site, 0, 0},
    {"PATCH", "/api/v1/sites/{id}", ACT_ROUND_WRITE, update_site, ROUTE_JSON, 16384},
    {"POST", "/api/v1/sites/{id}/staff", ACT_ROUND_WRITE, add_staff, ROUTE_JSON, 4096},
    {"DELETE", "/api/v1/sites/{id}/staff/{username}", ACT_ROUND_WRITE, remove_staff, 0, 0},
    {"POST", "/api/v1/sites/{id}/queue", ACT_SITE_REPORT, report_queue, ROUTE_JSON, 4096},
    {0},
};
