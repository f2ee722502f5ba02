/* api_round.c — rounds: create, list, read; pool size by area; exemptions;
 * coverage, hourly progress and the untested list (and its download); the round
 * at a glance for the dashboard. */
#include "http/api.h"

#include "core/custody.h"
#include "core/export.h"
#include "core/person.h"
#include "core/round.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE_MAX 500

static json_t *round_json(db_conn *c, const fx_round *r)
{
    round_area ra[ROUND_AREAS_MAX];
    int n = c ? round_areas(c, r->id, ra, ROUND_AREAS_MAX) : 0;
    json_t *areas = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(areas, json_string(ra[i].code));
    return json_pack("{s:I, s:s, s:o, s:s, s:I, s:I, s:s, s:{s:i, s:i, s:i, s:i}, s:s, s:I, s:I}", "id",
                     (json_int_t)r->id, "name", r->name, "areas", areas, "area", r->area_code, "start",
                     (json_int_t)r->start_at, "deadline", (json_int_t)r->deadline, "status", r->status, "pool",
                     "sealed", r->pool[RISK_SEALED], "controlled", r->pool[RISK_CONTROLLED], "precaution",
                     r->pool[RISK_PRECAUTION], "none", r->pool[RISK_NONE], "created_by", r->created_by,
                     "created_at", (json_int_t)r->created_at, "updated_at", (json_int_t)r->updated_at);
}

/* The round named in the path, if the caller may see it; else answers 404. */
static bool load_round(http_req *r, db_conn *c, fx_round *out)
{
    int64_t id;
    if (!http_parse_id(r->param[0], &id) || round_get(c, id, out) != DB_ROW || !round_visible(c, &r->who, id)) {
        http_error(r, 404, "round_not_found", "round %.24s does not exist in your area", r->param[0]);
        return false;
    }
    return true;
}

/* The area named by ?area= (default: the caller's own, else the round's owner), in scope. */
static bool load_area(http_req *r, db_conn *c, const fx_round *rd, area *out)
{
    const char *code = http_query(r, "area");
    int rc = code ? area_get(c, code, out)
                  : r->who.area_id ? area_get_id(c, r->who.area_id, out) : area_get_id(c, rd->area_id, out);
    if (rc != DB_ROW || !perm_in_scope(&r->who, out->path)) {
        http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code ? code : "");
        return false;
    }
    return true;
}

struct round_op {
    http_req *r;
    round_input in;
    const char *codes[ROUND_AREAS_MAX];
    fx_round out;
    int64_t round_id, person_id;
    const char *reason, *note;
    exemption ex;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct round_op *op = arg;
    return round_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int created(http_req *r, int rc)
{
    struct round_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, round_json(http_reader(r), &op->out));
}

static int create_round(http_req *r)
{
    static const char *const fields[] = {"name", "areas", "start", "deadline", "pool_sealed", "pool_controlled",
                                         "pool_precaution", "pool_none", NULL};
    const char *name;
    long long start, deadline, pool[RISK__COUNT] = {0};
    static const char *const pool_keys[RISK__COUNT] = {"pool_none", "pool_precaution", "pool_controlled",
                                                       "pool_sealed"};
    if (http_known_fields(r, fields) || http_str(r, "name", true, ROUND_NAME_MAX, &name) ||
        http_int(r, "start", true, 1, 1LL << 40, &start, NULL) ||
        http_int(r, "deadline", true, 1, 1LL << 40, &deadline, NULL))
        return HTTP_DONE;
    for (int i = 0; i < RISK__COUNT; i++)
        if (http_int(r, pool_keys[i], false, 1, 20, &pool[i], NULL))
            return HTTP_DONE;
    json_t *areas = json_object_get(r->json, "areas");
    size_t n = json_array_size(areas);
    if (!json_is_array(areas) || n < 1 || n > ROUND_AREAS_MAX)
        return http_error(r, 400, "invalid_areas", "areas: a list of 1 to %d area codes", ROUND_AREAS_MAX);
    struct round_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    for (size_t i = 0; i < n; i++) {
        op->codes[i] = json_string_value(json_array_get(areas, i));
        if (!op->codes[i]) {
            free(op);
            return http_error(r, 400, "invalid_areas", "areas[%zu]: an area code", i);
        }
    }
    op->r = r;
    op->in = (round_input){.name = name, .areas = op->codes, .nareas = (int)n, .start_at = start, .deadline = deadline};
    for (int i = 0; i < RISK__COUNT; i++)
        op->in.pool[i] = (int)pool[i];
    return http_defer(r, create_job, op, free, created);
}

static _Thread_local db_conn *tl_conn;
static json_t *render_round(const void *row) { return round_json(tl_conn, row); }

static int list_rounds(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, PAGE_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    fx_round *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = round_list(c, r->who.area_id ? r->who.area_path : NULL, cursor, rows, limit + 1);
    tl_conn = c;
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(fx_round, id), render_round);
    free(rows);
    return HTTP_DONE;
}

static int get_round(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    if (!c || !load_round(r, c, &rd))
        return HTTP_DONE;
    return http_json(r, 200, round_json(c, &rd));
}

/* The default pool size for tubes in an area of this round (its risk level). */
static int get_pool(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    char risk[16];
    int size = round_pool_size(c, &rd, a.path, risk);
    return http_json(r, 200, json_pack("{s:s, s:s, s:i}", "area", a.code, "risk_level", risk, "pool_size", size));
}

/* ---- coverage ---- */

static json_t *cov_json(const coverage_row *v)
{
    int64_t untested = v->in_scope - v->sampled - v->exempt;
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "area", v->code, "name", v->name, "kind", v->kind,
                     "in_scope", (json_int_t)v->in_scope, "sampled", (json_int_t)v->sampled, "exempt",
                     (json_int_t)v->exempt, "untested", (json_int_t)untested);
}

static int get_coverage(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    coverage_row top;
    db_read_begin(c);
    if (coverage_get(c, rd.id, a.id, &top) != DB_ROW) {
        db_read_end(c);
        return http_error(r, 404, "area_not_covered", "round %lld does not cover area %s", (long long)rd.id, a.code);
    }
    enum { MAXC = 1000 };
    coverage_row *kids = malloc(sizeof *kids * MAXC);
    int n = kids ? coverage_children(c, rd.id, a.id, kids, MAXC) : -1;
    db_read_end(c);
    if (n < 0) {
        free(kids);
        return http_error(r, 500, "internal", "could not read the coverage; try again");
    }
    json_t *j = cov_json(&top), *items = json_array();
    coverage_row direct = top; /* people registered in the area itself, in none of its children */
    fx_copy(direct.kind, sizeof direct.kind, "direct");
    for (int i = 0; i < n; i++) {
        json_array_append_new(items, cov_json(&kids[i]));
        direct.in_scope -= kids[i].in_scope;
        direct.sampled -= kids[i].sampled;
        direct.exempt -= kids[i].exempt;
    }
    if (n > 0 && (direct.in_scope || direct.sampled || direct.exempt))
        json_array_append_new(items, cov_json(&direct));
    free(kids);
    json_object_set_new(j, "items", items);
    return http_json(r, 200, j);
}

static int get_hourly(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    enum { MAXH = 24 * 31 };
    coverage_hour *h = malloc(sizeof *h * MAXH);
    int n = h ? coverage_hourly(c, rd.id, a.id, h, MAXH) : -1;
    if (n < 0) {
        free(h);
        return http_error(r, 500, "internal", "could not read the progress; try again");
    }
    json_t *items = json_array();
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        total += h[i].sampled;
        json_array_append_new(items, json_pack("{s:I, s:I, s:I}", "hour", (json_int_t)h[i].hour, "sampled",
                                               (json_int_t)h[i].sampled, "cumulative", (json_int_t)total));
    }
    free(h);
    return http_json(r, 200, json_pack("{s:s, s:o}", "area", a.code, "items", items));
}

static _Thread_local const http_req *tl_req;
static void write_person(fx_str *s, const void *row) { api_person_write(s, tl_req, row); }

static int get_untested(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 1000, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    person *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = round_untested(c, rd.id, a.path, cursor, rows, limit + 1);
    tl_req = r;
    http_list_text(r, rows, sizeof *rows, n, limit, offsetof(person, id), write_person);
    free(rows);
    return HTTP_DONE;
}

struct untested_dl {
    db_conn *c;
    int64_t round_id;
    const char *area_path;
    const export_opts *o;
};

static int untested_download(void *arg, FILE *csv, const char *path, long *rows, fx_err *err)
{
    struct untested_dl *d = arg;
    return export_untested(d->c, d->round_id, d->area_path, d->o, csv, path, rows, err);
}

/* GET /rounds/{id}/untested/export?area=&format=csv|xlsx&lang=en — the untested list as a
 * download, masked like the persons export (export_untested, as `fangxian export untested`). */
static int export_untested_list(http_req *r)
{
    const char *fmt = http_query(r, "format"), *lang = http_query(r, "lang");
    export_opts o = {.xlsx = fmt && strcmp(fmt, "xlsx") == 0, .mask = !perm_allows(r->who.role, ACT_PERSON_UNMASK),
                     .english = lang && strcmp(lang, "en") == 0};
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0)
        return http_error(r, 400, "invalid_format", "format is csv or xlsx");
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    struct untested_dl dl = {c, rd.id, a.path, &o};
    char name[96];
    snprintf(name, sizeof name, "untested-%lld-%s", (long long)rd.id, a.code);
    return http_send_download(r, o.xlsx, name, untested_download, &dl);
}

/* GET /rounds/{id}/summary?area= — the dashboard's numbers: the area's coverage counters
 * and the round's open work (round_glance_get: index ranges, never a scan of the round). */
static int get_summary(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    area a;
    if (!c || !load_round(r, c, &rd) || !load_area(r, c, &rd, &a))
        return HTTP_DONE;
    coverage_row top;
    round_glance g;
    db_read_begin(c);
    int cov = coverage_get(c, rd.id, a.id, &top);
    int rc = round_glance_get(c, rd.id, a.path, fx_now(), &g);
    db_read_end(c);
    if (rc < 0 || cov < 0)
        return http_error(r, 500, "internal", "could not read the round; try again");
    json_t *j = cov == DB_ROW ? cov_json(&top)
                              : json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i}", "area", a.code, "name", a.name, "kind",
                                          a.kind, "in_scope", 0, "sampled", 0, "exempt", 0, "untested", 0);
    json_object_set_new(j, "round", json_integer(rd.id));
    json_object_set_new(j, "open_discrepancies", json_integer(g.open_discrepancies));
    json_object_set_new(j, "positives_pending", json_integer(g.positives_pending));
    json_object_set_new(j, "boxes_at_risk", json_integer(g.boxes_at_risk));
    return http_json(r, 200, j);
}

/* ---- exemptions ---- */

static json_t *exempt_json(const exemption *e)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "person", (json_int_t)e->person_id, "name",
                     e->person_name, "area", e->area_code, "reason", e->reason, "note", e->note, "created_by",
                     e->created_by, "created_at", (json_int_t)e->created_at);
}
static json_t *render_exempt(const void *row) { return exempt_json(row); }

static int exempt_job(db_conn *c, void *arg)
{
    struct round_op *op = arg;
    if (op->reason)
        return exempt_add(c, &op->r->act, op->round_id, op->person_id, op->reason, op->note, &op->ex, &op->err);
    return exempt_remove(c, &op->r->act, op->round_id, op->person_id, &op->err);
}

static int exempt_done(http_req *r, int rc)
{
    struct round_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    if (op->reason)
        return http_json(r, 201, exempt_json(&op->ex));
    return http_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)op->person_id));
}

static int post_exemption(http_req *r)
{
    static const char *const fields[] = {"person", "reason", "note", NULL};
    long long person_id;
    const char *reason, *note;
    int64_t round_id;
    if (http_known_fields(r, fields) || http_int(r, "person", true, 1, INT64_MAX, &person_id, NULL) ||
        http_str(r, "reason", true, 16, &reason) || http_str(r, "note", false, EXEMPT_NOTE_MAX, &note))
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &round_id))
        return http_error(r, 404, "round_not_found", "round %.24s does not exist in your area", r->param[0]);
    struct round_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    *op = (struct round_op){.r = r, .round_id = round_id, .person_id = person_id, .reason = reason, .note = note};
    return http_defer(r, exempt_job, op, free, exempt_done);
}

static int delete_exemption(http_req *r)
{
    int64_t round_id, person_id;
    if (!http_parse_id(r->param[0], &round_id) || !http_parse_id(r->param[1], &person_id))
        return http_error(r, 404, "exemption_not_found", "no such exemption");
    struct round_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    *op = (struct round_op){.r = r, .round_id = round_id, .person_id = person_id};
    return http_defer(r, exempt_job, op, free, exempt_done);
}

static int list_exemptions(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, PAGE_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    fx_round rd;
    if (!c || !load_round(r, c, &rd))
        return HTTP_DONE;
    exemption *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = exempt_list(c, rd.id, r->who.area_id ? r->who.area_path : NULL, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(exemption, person_id), render_exempt);
    free(rows);
    return HTTP_DONE;
}

const route api_round_routes[] = {
    {"POST", "/api/v1/rounds", ACT_ROUND_WRITE, create_round, ROUTE_JSON, 65536},
    {"GET", "/api/v1/rounds", ACT_ROUND_READ, list_rounds, 0, 0},
    {"GET", "/api/v1/rounds/{id}", ACT_ROUND_READ, get_round, 0, 0},
    {"GET", "/api/v1/rounds/{id}/pool", ACT_ROUND_READ, get_pool, 0, 0},
    {"GET", "/api/v1/rounds/{id}/coverage", ACT_ROUND_READ, get_coverage, 0, 0},
    {"GET", "/api/v1/rounds/{id}/coverage/hourly", ACT_ROUND_READ, get_hourly, 0, 0},
    {"GET", "/api/v1/rounds/{id}/untested", ACT_ROUND_READ, get_untested, 0, 0},
    {"GET", "/api/v1/rounds/{id}/exemptions", ACT_ROUND_READ, list_exemptions, 0, 0},
    {"POST", "/api/v1/rounds/{id}/exemptions", ACT_EXEMPT, post_exemption, ROUTE_JSON, 16384},
    {"DELETE", "/api/v1/rounds/{id}/exemptions/{person}", ACT_EXEMPT, delete_exemption, 0, 0},
    {"GET", "/api/v1/rounds/{id}/untested/export", ACT_ROUND_READ, export_untested_list, 0, 0},
    {"GET", "/api/v1/rounds/{id}/summary", ACT_ROUND_READ, get_summary, 0, 0},
    {0},
};
