/* api_import.c — registry imports over HTTP: upload a CSV, watch its progress,
 * read the rejects. The file is read by a background thread through the same
 * import engine as the command line. */
#include "http/api.h"

#include "core/export.h"
#include "core/import.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct import_task {
    http_app *app;
    principal who;   /* a copy: the request is gone when the import runs */
    actor act;
    char name[64], ip[48], req_id[24];
    char area[AREA_CODE_MAX + 1];
    char file_name[128];
    const char *kind; /* "persons" or "merchants" */
    int fd;
    long long size;
    int64_t import_id;
    fx_err err;
};

static void *import_thread(void *arg)
{
    struct import_task *t = arg;
    import_opts o = {.kind = t->kind, .area = t->area, .file_name = t->file_name, .import_id = t->import_id,
                     .cancel = &t->app->draining};
    import_progress p;
    fx_err err = {0};
    if (import_run(t->app->db, &t->act, t->fd, &o, &p, &err) != 0)
        fx_log(FX_LOG_WARN, "import %lld failed: %s", (long long)t->import_id, err.msg);
    close(t->fd);
    db_reader_release(t->app->db); /* this thread's read connection goes with it */
    t->app->background--;
    free(t);
    return NULL;
}

static int started(http_req *r, int rc)
{
    struct import_task *t = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &t->err);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Read what the answer needs now: once started, the thread may finish and free t. */
    json_int_t id = (json_int_t)t->import_id, size = (json_int_t)t->size;
    r->app->background++;
    r->ctx = NULL; /* the thread owns the task now */
    if (pthread_create(&th, &attr, import_thread, t) != 0) {
        r->app->background--;
        r->ctx = t;
        pthread_attr_destroy(&attr);
        return http_error(r, 503, "busy", "the import could not be started; try again");
    }
    pthread_attr_destroy(&attr);
    return http_json(r, 202, json_pack("{s:I, s:s, s:I}", "id", id, "status", "running", "bytes_total", size));
}

static void task_free(void *p)
{
    struct import_task *t = p;
    if (t->fd >= 0)
        close(t->fd);
    free(t);
}

static int begin_job(db_conn *c, void *arg)
{
    struct import_task *t = arg;
    import_opts o = {.kind = t->kind, .area = t->area, .file_name = t->file_name};
    return import_create(c, &t->act, &o, t->size, &t->import_id, &t->err);
}

static int start_import(http_req *r, const char *kind)
{
    const char *area_code = http_query(r, "area"), *name = http_query(r, "name");
    if (!area_code)
        return http_error(r, 400, "missing_field", "give area=CODE: the area the people belong to");
    if (!r->body_len || r->body_fd < 0)
        return http_error(r, 400, "empty_file", "the upload is empty: send the CSV file as the request body");
    struct import_task *t = calloc(1, sizeof *t);
    if (!t)
        return http_error(r, 500, "internal", "out of memory");
    t->app = r->app;
    t->kind = kind;
    t->who = r->who;
    fx_copy(t->name, sizeof t->name, r->who.name);
    fx_copy(t->ip, sizeof t->ip, r->ip);
    fx_copy(t->req_id, sizeof t->req_id, r->request_id);
    t->act = (actor){.p = &t->who, .log = r->act.log};
    t->act.log.name = t->name;
    t->act.log.ip = t->ip;
    t->act.log.request_id = t->req_id;
    fx_copy(t->area, sizeof t->area, area_code);
    fx_copy(t->file_name, sizeof t->file_name, name ? name : "upload.csv");
    t->size = (long long)r->body_len;
    t->fd = r->body_fd; /* the upload, spooled to an unnamed file by the server */
    r->body_fd = -1;
    /* The import record is made first, so the answer carries its id. */
    return http_defer(r, begin_job, t, task_free, started);
}

static int import_persons(http_req *r) { return start_import(r, "persons"); }
static int import_merchants(http_req *r) { return start_import(r, "merchants"); }

static json_t *import_json(db_stmt *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:o}",
                     "id", (json_int_t)db_col_i64(s, 0), "kind", db_col_text(s, 1), "area", db_col_text(s, 2),
                     "file_name", db_col_text(s, 3), "encoding", db_col_text(s, 4), "status", db_col_text(s, 5),
                     "rows", (json_int_t)db_col_i64(s, 6), "accepted", (json_int_t)db_col_i64(s, 7), "merged",
                     (json_int_t)db_col_i64(s, 8), "unchanged", (json_int_t)db_col_i64(s, 9), "rejected",
                     (json_int_t)db_col_i64(s, 10), "bytes_total", (json_int_t)db_col_i64(s, 11), "bytes_done",
                     (json_int_t)db_col_i64(s, 12), "message", db_col_text(s, 13), "created_by", db_col_text(s, 14),
                     "created_at", (json_int_t)db_col_i64(s, 15), "finished_at",
                     db_col_null(s, 16) ? json_null() : json_integer(db_col_i64(s, 16)));
}

#define IMPORT_SELECT                                                                                        \
    "SELECT i.id, i.kind, a.code, i.file_name, i.encoding, i.status, i.rows_total, i.accepted, i.merged,"     \
    " i.unchanged, i.rejected, i.bytes_total, i.bytes_done, i.message, i.created_by, i.created_at,"           \
    " i.finished_at, a.path FROM imports i JOIN areas a ON a.id = i.area_id "

/* The import named in the path, positioned on its row (IMPORT_SELECT), if it is
 * in the caller's area; else answers 404 and returns NULL. Give it back with db_done. */
static db_stmt *find_import(http_req *r, db_conn *c, long long *id)
{
    if (!fx_parse_i64(r->param[0], id)) {
        http_error(r, 404, "import_not_found", "there is no import %.24s", r->param[0]);
        return NULL;
    }
    db_stmt *s = db_prepare(c, IMPORT_SELECT "WHERE i.id = $1");
    if (!s) {
        http_error(r, 500, "internal", "could not read the import");
        return NULL;
    }
    db_bind_i64(s, 1, *id);
    if (db_step(s) != DB_ROW || !perm_in_scope(&r->who, db_col_text(s, 17))) {
        db_done(s);
        http_error(r, 404, "import_not_found", "there is no import %lld in your area", *id);
        return NULL;
    }
    return s;
}

static int get_import(http_req *r)
{
    long long id;
    db_conn *c = http_reader_or_503(r);
    db_stmt *s = c ? find_import(r, c, &id) : NULL;
    if (!s)
        return HTTP_DONE;
    json_t *j = import_json(s);
    db_done(s);
    return http_json(r, 200, j);
}

static int list_imports(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 20, 100, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    db_stmt *s = db_prepare(c, IMPORT_SELECT "WHERE i.id < $1 ORDER BY i.id DESC LIMIT $2");
    if (!s)
        return http_error(r, 500, "internal", "could not read imports");
    db_bind_i64(s, 1, cursor ? cursor : INT64_MAX);
    db_bind_i64(s, 2, 1000); /* filtered by scope below; a page stops at limit */
    json_t *items = json_array();
    int64_t last = 0;
    bool more = false;
    while (db_step(s) == DB_ROW) {
        if (!perm_in_scope(&r->who, db_col_text(s, 17)))
            continue;
        if ((int)json_array_size(items) == limit) {
            more = true;
            break;
        }
        last = db_col_i64(s, 0);
        json_array_append_new(items, import_json(s));
    }
    db_done(s);
    return http_list(r, items, more ? last : 0);
}

struct reject_out {
    json_t *items;
    fx_str csv;
    bool as_csv;
    int n, max;
};

static void csv_cell(fx_str *s, const char *v)
{
    fx_str_adds(s, "\"");
    for (; *v; v++)
        fx_str_adds(s, *v == '"' ? "\"\"" : (char[2]){*v, 0});
    fx_str_adds(s, "\"");
}

static void add_reject(long long row, const char *level, const char *field, const char *reason, const char *raw,
                       void *ud)
{
    struct reject_out *o = ud;
    if (o->n++ >= o->max)
        return;
    if (o->as_csv) {
        fx_str_addf(&o->csv, "%lld,%s,", row, level);
        csv_cell(&o->csv, field);
        fx_str_adds(&o->csv, ",");
        csv_cell(&o->csv, reason);
        fx_str_adds(&o->csv, ",");
        csv_cell(&o->csv, raw);
        fx_str_adds(&o->csv, "\r\n");
    } else {
        json_array_append_new(o->items, json_pack("{s:I, s:s, s:s, s:s, s:s}", "row", (json_int_t)row, "level", level,
                                                  "field", field, "reason", reason, "raw", raw));
    }
}

static int get_rejects(http_req *r)
{
    long long id;
    db_conn *c = http_reader_or_503(r);
    db_stmt *s = c ? find_import(r, c, &id) : NULL;
    if (!s)
        return HTTP_DONE;
    db_done(s);
    const char *fmt = http_query(r, "format");
    struct reject_out o = {.as_csv = fmt && strcmp(fmt, "csv") == 0, .max = 100000};
    if (o.as_csv) {
        fx_str_init(&o.csv, 256u << 20);
        fx_str_adds(&o.csv, "\xef\xbb\xbfrow,level,field,reason,raw\r\n");
    } else {
        o.items = json_array();
        o.max = 1000;
    }
    import_rejects(c, id, add_reject, &o);
    if (!o.as_csv)
        return http_json(r, 200, json_pack("{s:o, s:i}", "items", o.items, "total", o.n));
    r->status = 200;
    r->content_type_out = "text/csv; charset=utf-8";
    http_header(r, "Content-Disposition", "attachment; filename=\"import-%lld-rejects.csv\"", id);
    r->resp_len = o.csv.len;
    r->resp = fx_str_take(&o.csv);
    return HTTP_DONE;
}

struct persons_dl {
    db_conn *c;
    const person_query *q;
    const export_opts *o;
};

static int persons_download(void *arg, FILE *csv, const char *path, long *rows, fx_err *err)
{
    struct persons_dl *d = arg;
    return export_persons(d->c, d->q, d->o, csv, path, rows, err);
}

/* GET /api/v1/exports/persons?area=CODE|q=…&format=csv|xlsx — a download. */
static int export_list(http_req *r)
{
    const char *fmt = http_query(r, "format"), *area_code = http_query(r, "area");
    export_opts o = {.xlsx = fmt && strcmp(fmt, "xlsx") == 0, .mask = !perm_allows(r->who.role, ACT_PERSON_UNMASK),
                     .english = http_query(r, "lang") && strcmp(http_query(r, "lang"), "en") == 0};
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0)
        return http_error(r, 400, "invalid_format", "format is csv or xlsx");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    person_query q = {.q = http_query(r, "q"), .name = http_query(r, "name"), .phone = http_query(r, "phone"),
                      .address = http_query(r, "address"), .id_number = http_query(r, "id_number"),
                      .scope_path = r->who.area_id ? r->who.area_path : NULL};
    area a;
    if (area_code) {
        if (area_get(c, area_code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", area_code);
        q.area_path = a.path;
    } else if (!q.q && !q.name && !q.phone && !q.address && !q.id_number) {
        q.area_path = r->who.area_id ? r->who.area_path : "/";
    }
    struct persons_dl dl = {c, &q, &o};
    char name[96];
    snprintf(name, sizeof name, "persons-%s", area_code ? area_code : "search");
    return http_send_download(r, o.xlsx, name, persons_download, &dl);
}

const route api_import_routes[] = {
    {"GET", "/api/v1/exports/persons", ACT_IMPORT, export_list, 0, 0},
    {"POST", "/api/v1/imports/persons", ACT_IMPORT, import_persons, ROUTE_SPOOL, 0},
    {"POST", "/api/v1/imports/merchants", ACT_IMPORT, import_merchants, ROUTE_SPOOL, 0},
    {"GET", "/api/v1/imports", ACT_IMPORT, list_imports, 0, 0},
    {"GET", "/api/v1/imports/{id}", ACT_IMPORT, get_import, 0, 0},
    {"GET", "/api/v1/imports/{id}/rejects", ACT_IMPORT, get_rejects, 0, 0},
    {0},
};
