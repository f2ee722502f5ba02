/* respond.c — building answers: JSON bodies, the error envelope, lists, headers. */
#include "http/router.h"

#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *http_query(const http_req *r, const char *name)
{
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].name, name) == 0)
            return r->query[i].value ? r->query[i].value : "";
    return NULL;
}

bool http_parse_id(const char *s, int64_t *out)
{
    long long v;
    if (!s || !fx_parse_i64(s, &v) || v <= 0)
        return false;
    *out = v;
    return true;
}

int http_json(http_req *r, int status, json_t *body)
{
    if (!body) { /* a renderer failed (out of memory, or text that is not UTF-8): never an empty answer */
        status = 500;
        body = json_pack("{s:{s:s, s:s}}", "error", "code", "internal", "message",
                         "the answer could not be built; try again");
    }
    free(r->resp);
    r->resp = body ? json_dumps(body, JSON_COMPACT) : NULL;
    r->resp_len = r->resp ? strlen(r->resp) : 0;
    r->content_type_out = "application/json; charset=utf-8";
    r->status = status;
    json_decref(body);
    if (body && !r->resp) { /* out of memory while rendering */
        r->status = 500;
        r->resp = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
        r->resp_len = r->resp ? strlen(r->resp) : 0;
    }
    return HTTP_DONE;
}

static int error_v(http_req *r, int status, const char *code, const char *fmt, va_list ap)
{
    char raw[512], msg[1024];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* Messages quote what the client sent and are cut to size: make them valid UTF-8
     * (bad or cut-off bytes become U+FFFD) so the envelope can always be built. */
    fx_text_normalize(raw, msg, sizeof msg);
    return http_json(r, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg));
}

int http_error(http_req *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(r, status, code, fmt, ap);
    va_end(ap);
    return HTTP_DONE;
}

int http_status_for(int kind)
{
    switch (kind) {
    case FX_EINVAL: return 400;
    case FX_EAUTH: return 401;
    case FX_EPERM: return 403;
    case FX_ENOTFOUND: return 404;
    case FX_ECONFLICT: return 409;
    case FX_ERULE: return 422;
    case FX_ETHROTTLE: return 429;
    case FX_EBUSY: return 503;
    default: return 500;
    }
}

int http_fail(http_req *r, const fx_err *e)
{
    int status = http_status_for(e->kind);
    if (status == 503)
        http_header(r, "Retry-After", "2");
    if (status == 500 && !e->code[0])
        return http_error(r, 500, "internal", "something went wrong on the server; try again");
    return http_error(r, status, e->code[0] ? e->code : "error", "%s", e->msg);
}

void http_header(http_req *r, const char *name, const char *fmt, ...)
{
    if (r->nheader >= HTTP_MAX_HEADERS)
        return;
    char *v = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&v, fmt, ap) < 0)
        v = NULL;
    va_end(ap);
    if (!v)
        return;
    r->header[r->nheader].name = name;
    r->header[r->nheader].value = v;
    r->nheader++;
}

int http_list(http_req *r, json_t *items, int64_t next_cursor)
{
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    if (next_cursor > 0) {
        char cur[24];
        snprintf(cur, sizeof cur, "%lld", (long long)next_cursor);
        json_object_set_new(body, "next_cursor", json_string(cur));
    } else {
        json_object_set_new(body, "next_cursor", json_null());
    }
    return http_json(r, 200, body);
}

int http_list_rows(http_req *r, const void *rows, size_t elem, int n, int limit, size_t id_off,
                   json_t *(*render)(const void *row))
{
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the list; try again");
    const char *base = rows;
    json_t *items = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(items, render(base + (size_t)i * elem));
    int64_t next = 0;
    if (n > limit)
        memcpy(&next, base + (size_t)(limit - 1) * elem + id_off, sizeof next);
    return http_list(r, items, next);
}

int http_list_text(http_req *r, const void *rows, size_t elem, int n, int limit, size_t id_off,
                   void (*write)(fx_str *s, const void *row))
{
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the list; try again");
    const char *base = rows;
    fx_str s;
    fx_str_init(&s, (size_t)64 << 20);
    fx_str_adds(&s, "{\"items\":[");
    for (int i = 0; i < n && i < limit; i++) {
        if (i)
            fx_str_adds(&s, ",");
        write(&s, base + (size_t)i * elem);
    }
    int64_t next = 0;
    if (n > limit)
        memcpy(&next, base + (size_t)(limit - 1) * elem + id_off, sizeof next);
    if (next > 0)
        fx_str_addf(&s, "],\"next_cursor\":\"%lld\"}", (long long)next);
    else
        fx_str_adds(&s, "],\"next_cursor\":null}");
    return http_json_text(r, 200, &s);
}

json_t *http_batch(http_req *r, const char *key, size_t max, const char *what)
{
    if (http_known_fields(r, (const char *const[]){key, NULL}))
        return NULL;
    json_t *list = json_object_get(r->json, key);
    if (!json_is_array(list)) {
        char code[40];
        snprintf(code, sizeof code, "invalid_%s", key);
        http_error(r, 400, code, "%s: a list of %s", key, what);
        return NULL;
    }
    if (json_array_size(list) > max) {
        http_error(r, 413, "batch_too_large", "%s: at most %zu in one batch; send the rest in another", key, max);
        return NULL;
    }
    return list;
}

int http_json_text(http_req *r, int status, fx_str *s)
{
    if (s->overflow || !s->p) {
        fx_str_free(s);
        return http_error(r, 500, "internal", "the answer could not be built; try again");
    }
    free(r->resp);
    r->resp_len = s->len;
    r->resp = fx_str_take(s);
    r->content_type_out = "application/json; charset=utf-8";
    r->status = status;
    return HTTP_DONE;
}

int http_page(http_req *r, int def, int max, int *limit, int64_t *cursor)
{
    long long v;
    const char *l = http_query(r, "limit"), *c = http_query(r, "cursor");
    *limit = def;
    *cursor = 0;
    if (l) {
        if (!fx_parse_i64(l, &v) || v < 1 || v > max) {
            http_error(r, 400, "invalid_limit", "limit must be a whole number from 1 to %d", max);
            return -1;
        }
        *limit = (int)v;
    }
    if (c && *c) {
        if (!fx_parse_i64(c, &v) || v < 0) {
            http_error(r, 400, "invalid_cursor", "cursor must be the next_cursor of an earlier page");
            return -1;
        }
        *cursor = v;
    }
    return 0;
}

int http_str(http_req *r, const char *key, bool required, size_t max_chars, const char **out)
{
    json_t *v = json_object_get(r->json, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            http_error(r, 400, "missing_field", "field \"%s\" is required", key);
        return required ? -1 : 0;
    }
    if (!json_is_string(v)) {
        http_error(r, 400, "invalid_field", "field \"%s\" must be a string", key);
        return -1;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        http_error(r, 400, "invalid_field", "field \"%s\" must not contain NUL characters", key);
        return -1;
    }
    if (max_chars && fx_utf8_len(s) > max_chars) {
        http_error(r, 400, "invalid_field", "field \"%s\" is too long: at most %zu characters", key, max_chars);
        return -1;
    }
    *out = s;
    return 0;
}

int http_int(http_req *r, const char *key, bool required, long long min, long long max, long long *out,
             bool *present)
{
    json_t *v = json_object_get(r->json, key);
    if (present)
        *present = false;
    if (!v || json_is_null(v)) {
        if (required)
            http_error(r, 400, "missing_field", "field \"%s\" is required", key);
        return required ? -1 : 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        http_error(r, 400, "invalid_field", "field \"%s\" must be a whole number from %lld to %lld", key, min,
                   max);
        return -1;
    }
    *out = json_integer_value(v);
    if (present)
        *present = true;
    return 0;
}

int http_bool(http_req *r, const char *key, int *out)
{
    json_t *v = json_object_get(r->json, key);
    *out = -1;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v)) {
        http_error(r, 400, "invalid_field", "field \"%s\" must be true or false", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

int http_known_fields(http_req *r, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(r->json, key, v) {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (!*a) {
            fx_str list;
            fx_str_init(&list, 1024);
            for (a = allowed; *a; a++)
                fx_str_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
            http_error(r, 400, "unknown_field", "field \"%.64s\" is not known here; known fields: %s", key,
                       list.p ? list.p : "");
            fx_str_free(&list);
            return -1;
        }
    }
    return 0;
}

int http_defer(http_req *r, db_write_fn fn, void *ctx, void (*ctx_free)(void *), http_finish finish)
{
    r->job.fn = fn;
    r->job.arg = ctx;
    r->ctx = ctx;
    r->ctx_free = ctx_free;
    r->finish = finish;
    return HTTP_PENDING;
}

void *http_op_for_id(http_req *r, size_t size, size_t id_off, const char *code, const char *noun)
{
    char *op = calloc(1, size);
    if (!op) {
        http_error(r, 500, "internal", "out of memory");
        return NULL;
    }
    memcpy(op, &r, sizeof r);
    int64_t id;
    if (!http_parse_id(r->param[0], &id)) {
        free(op);
        http_error(r, 404, code, "%s %.24s does not exist", noun, r->param[0]);
        return NULL;
    }
    memcpy(op + id_off, &id, sizeof id);
    return op;
}

db *http_db(http_req *r) { return r->app->db; }
db_conn *http_reader(http_req *r) { return db_reader(r->app->db); }

db_conn *http_reader_or_503(http_req *r)
{
    db_conn *c = db_reader(r->app->db);
    if (!c) {
        http_header(r, "Retry-After", "5");
        http_error(r, 503, "store_unavailable", "the database cannot be read right now; try again shortly");
    }
    return c;
}

void http_req_cleanup(http_req *r)
{
    free(r->resp);
    r->resp = NULL;
    if (r->resp_fd >= 0)
        close(r->resp_fd);
    r->resp_fd = -1;
    if (r->body_fd >= 0)
        close(r->body_fd);
    r->body_fd = -1;
    for (int i = 0; i < r->nheader; i++)
        free(r->header[i].value);
    r->nheader = 0;
    json_decref(r->json);
    r->json = NULL;
    if (r->ctx_free && r->ctx)
        r->ctx_free(r->ctx);
    r->ctx = NULL;
}

int http_temp_file(const char *tag, char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    if (snprintf(path, cap, "%s/fangxian-%s-XXXXXX", dir, tag) >= (int)cap)
        return -1;
    return mkstemp(path);
}

int http_body_fd(const http_req *r, const char *tag)
{
    int fd = memfd_create(tag, MFD_CLOEXEC);
    size_t off = 0;
    while (fd >= 0 && off < r->body_len) {
        ssize_t w = write(fd, r->body + off, r->body_len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (fd >= 0 && (off < r->body_len || lseek(fd, 0, SEEK_SET) != 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

int http_send_download(http_req *r, bool xlsx, const char *name, http_download_fn fn, void *arg)
{
    char path[512];
    int fd = http_temp_file("download", path, sizeof path);
    if (fd < 0)
        return http_error(r, 500, "internal", "could not prepare the download");
    FILE *f = xlsx ? NULL : fdopen(dup(fd), "w");
    long rows = 0;
    fx_err err = {0};
    int rc = !xlsx && !f ? fx_fail(&err, FX_EINTERNAL, "internal", "could not prepare the download")
                         : fn(arg, f, path, &rows, &err);
    if (f)
        fclose(f);
    unlink(path);
    off_t size = lseek(fd, 0, SEEK_END);
    if (rc != 0 || size < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        return rc ? http_fail(r, &err) : http_error(r, 500, "internal", "could not write the download");
    }
    r->status = 200;
    r->resp_fd = fd;
    r->resp_fd_len = (size_t)size;
    r->content_type_out = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               : "text/csv; charset=utf-8";
    http_header(r, "Content-Disposition", "attachment; filename=\"%s.%s\"", name, xlsx ? "xlsx" : "csv");
    http_header(r, "X-Rows", "%ld", rows);
    return HTTP_DONE;
}
