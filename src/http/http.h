/* http.h — what a request handler sees: the request, the principal, and the
 * calls that answer it. Handlers parse and validate, call core, render JSON.
 * Nothing here depends on libmicrohttpd, so the whole path from a parsed
 * request to its answer runs in unit tests and under the fuzzer. */
#ifndef HTTP_H
#define HTTP_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"
#include "util/fx_str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_QUERY 16
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 6

typedef struct http_app http_app; /* the server's shared state: store, config, throttles */
typedef struct http_req http_req;
typedef struct route route;

/* A handler returns HTTP_DONE after setting the response, or HTTP_PENDING after
 * http_defer(): the response is then made by the finish callback once the
 * write is durable. */
enum { HTTP_DONE = 0, HTTP_PENDING = 1 };
typedef int (*http_handler)(http_req *r);
typedef int (*http_finish)(http_req *r, int rc);

struct http_req {
    /* request, filled by the transport */
    http_app *app;
    const char *method;
    const char *path; /* decoded, without the query */
    struct {
        const char *name, *value;
    } query[HTTP_MAX_QUERY];
    int nquery;
    const char *authorization, *cookie, *content_type, *csrf_header, *accept_encoding, *if_none_match;
    char ip[48];
    bool tls;
    const char *body;
    size_t body_len;
    int body_fd;      /* ROUTE_SPOOL routes: the body in an unnamed file at offset 0 (owned), else -1 */
    char request_id[24];

    /* filled by the router */
    const route *route;
    const char *param[HTTP_MAX_PARAMS];
    char param_buf[512];
    principal who;
    bool cookie_auth;
    actor act; /* who, as core wants it: principal and audit identity */
    json_t *json; /* the parsed body, for routes that take JSON */

    /* response */
    int status;
    char *resp;       /* owned; NULL for an empty body */
    size_t resp_len;
    const char *content_type_out;
    int resp_fd;      /* >= 0: send this file (owned) instead of resp */
    size_t resp_fd_len;
    struct {
        const char *name;
        char *value; /* owned */
    } header[HTTP_MAX_HEADERS];
    int nheader;

    /* a deferred write */
    db_job job;
    http_finish finish;
    void *ctx;                 /* handler state for finish, freed with ctx_free */
    void (*ctx_free)(void *);
};

/* Query argument, NULL when absent. */
const char *http_query(const http_req *r, const char *name);

/* A positive id from a path or query parameter; false when it is not one. */
bool http_parse_id(const char *s, int64_t *out);

/* Responses. http_json takes ownership of body (json_decref'd). */
int http_json(http_req *r, int status, json_t *body);
int http_error(http_req *r, int status, const char *code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Answers with the status that fits e->kind (400, 401, 403, 404, 409, 422, 429, 503, 500). */
int http_fail(http_req *r, const fx_err *e);
int http_status_for(int fx_kind);
void http_header(http_req *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A file made and unlinked in $TMPDIR (else /tmp) for an answer too big for memory: its fd,
 * or -1. The path is kept in path (an XLSX writer opens the file by name) until the caller
 * has written it; http_send_download unlinks it. */
int http_temp_file(const char *tag, char *path, size_t cap);
/* The request body as a file for the CSV readers, which take an fd: an unnamed file in memory
 * (tag names it in /proc), at its start; -1 when it could not be made. The caller closes it. */
int http_body_fd(const http_req *r, const char *tag);

/* A CSV or XLSX download: fn writes it into a temporary file (CSV to the stream csv, XLSX to
 * the file at path; csv is NULL then), counting rows; the answer is sent from that file, so
 * memory stays small whatever the size. name is the file name without its extension. */
typedef int (*http_download_fn)(void *arg, FILE *csv, const char *path, long *rows, fx_err *err);
int http_send_download(http_req *r, bool xlsx, const char *name, http_download_fn fn, void *arg);

/* The list `key` of a batch body {"key":[…]} (no other field, at most max items); NULL after
 * answering 400 (what: what the items are, for the message) or 413. */
json_t *http_batch(http_req *r, const char *key, size_t max, const char *what);

/* Answers with the JSON text built in s (taken and freed); 500 when it could not be built. */
int http_json_text(http_req *r, int status, fx_str *s);

/* Lists: {"items":[…], "next_cursor": "<id>" or null}. */
int http_list(http_req *r, json_t *items, int64_t next_cursor);
/* Renders rows[0..min(n, limit)) with render into a list; n > limit means there is
 * a next page, whose cursor is the int64 id at id_off in rows[limit - 1]. n < 0 answers 500. */
int http_list_rows(http_req *r, const void *rows, size_t elem, int n, int limit, size_t id_off,
                   json_t *(*render)(const void *row));
/* http_list_rows for long lists: each row is written as JSON text by write, no json_t in between. */
int http_list_text(http_req *r, const void *rows, size_t elem, int n, int limit, size_t id_off,
                   void (*write)(fx_str *s, const void *row));
/* Reads limit (1..max, default def) and cursor (an id) from the query;
 * on a bad value answers 400 and returns -1. */
int http_page(http_req *r, int def, int max, int *limit, int64_t *cursor);

/* Fields of the JSON body. Each returns 0, or answers 400 naming the field and
 * what was expected and returns -1. An absent optional field leaves *out NULL
 * (strings) or *present false. */
int http_str(http_req *r, const char *key, bool required, size_t max_chars, const char **out);
int http_int(http_req *r, const char *key, bool required, long long min, long long max, long long *out,
             bool *present);
int http_bool(http_req *r, const char *key, int *out); /* *out: -1 absent, 0, 1 */
/* Refuses fields not in the NULL-terminated list (catches typos such as "nmae"). */
int http_known_fields(http_req *r, const char *const *allowed);

/* Runs fn(arg) through the group-commit writer; finish(r, rc) makes the
 * response after the commit. ctx is freed with ctx_free when the request ends. */
int http_defer(http_req *r, db_write_fn fn, void *ctx, void (*ctx_free)(void *), http_finish finish);
/* A write's state for the object the path's {id} names: a zeroed block of size bytes (freed with free)
 * that begins with `http_req *r` (set to r) and holds the id, an int64_t, at id_off. NULL when it is
 * answered instead: a malformed id is 404 code ("<noun> <id> does not exist"), no memory 500. */
void *http_op_for_id(http_req *r, size_t size, size_t id_off, const char *code, const char *noun);

/* The store and this thread's read connection. */
db *http_db(http_req *r);
db_conn *http_reader(http_req *r);

/* Answers 503 (store unreachable) and returns NULL when no reader could be had. */
db_conn *http_reader_or_503(http_req *r);

#endif
