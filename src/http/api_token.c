/* api_token.c — API tokens for devices, partner systems and labs (admins). */
#include "http/api.h"

#include "util/fx_str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static json_t *token_json(const api_token *t);
static json_t *render(const void *row) { return token_json(row); }

static json_t *token_json(const api_token *t)
{
    return json_pack("{s:I, s:s, s:s, s:s?, s:I, s:b}", "id", (json_int_t)t->id, "name", t->name, "kind", t->kind,
                     "area", t->area_id ? t->area_code : NULL, "created_at", (json_int_t)t->created_at, "revoked",
                     t->revoked_at != 0);
}

static int list_tokens(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    api_token *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = token_list(c, r->who.area_id ? r->who.area_path : NULL, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(api_token, id), render);
    free(rows);
    return HTTP_DONE;
}

struct token_op {
    http_req *r;
    const char *name, *kind, *area;
    char token[FX_TOKEN_LEN];
    char hash[FX_SHA256_HEX];
    api_token out;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct token_op *op = arg;
    return token_create(c, &op->r->act, op->name, op->kind, op->area, op->hash, &op->out, &op->err);
}

static int revoke_job(db_conn *c, void *arg)
{
    struct token_op *op = arg;
    return token_revoke(c, &op->r->act, op->name, &op->err);
}

static int created(http_req *r, int rc)
{
    struct token_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *body = token_json(&op->out);
    json_object_set_new(body, "token", json_string(op->token)); /* shown this once, never stored */
    return http_json(r, 201, body);
}

static int revoked(http_req *r, int rc)
{
    struct token_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:s}", "revoked", op->name));
}

static int create_token(http_req *r)
{
    static const char *const fields[] = {"name", "kind", "area", NULL};
    struct token_op tmp = {0};
    if (http_known_fields(r, fields) || http_str(r, "name", true, 64, &tmp.name) ||
        http_str(r, "kind", true, 16, &tmp.kind) || http_str(r, "area", false, 64, &tmp.area))
        return HTTP_DONE;
    struct token_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    *op = tmp;
    op->r = r;
    char kind = strcmp(tmp.kind, "device") == 0 ? 'd' : strcmp(tmp.kind, "partner") == 0 ? 'p' : 'l';
    if (fx_token_new(kind, op->token) != 0) {
        free(op);
        return http_error(r, 500, "internal", "could not make a token");
    }
    fx_sha256_hex(op->token, strlen(op->token), op->hash);
    return http_defer(r, create_job, op, free, created);
}

static int revoke_token(http_req *r)
{
    struct token_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->name = r->param[0];
    return http_defer(r, revoke_job, op, free, revoked);
}

const route api_token_routes[] = {
    {"GET", "/api/v1/tokens", ACT_TOKEN_ADMIN, list_tokens, 0, 0},
    {"POST", "/api/v1/tokens", ACT_TOKEN_ADMIN, create_token, ROUTE_JSON, 4096},
    {"DELETE", "/api/v1/tokens/{name}", ACT_TOKEN_ADMIN, revoke_token, 0, 0},
    {0},
};
