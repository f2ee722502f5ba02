/* api_user.c — user administration (admins). */
#include "http/api.h"

#include "util/fx_str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 500

static json_t *render(const void *row) { return api_user_json(row); }

static int list_users(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, PAGE_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    user *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = user_list(c, r->who.area_id ? r->who.area_path : NULL, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(user, id), render);
    free(rows);
    return HTTP_DONE;
}

static int get_user(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    user u;
    if (user_get(c, r->param[0], &u, NULL) != DB_ROW ||
        !perm_in_scope(&r->who, u.area_id ? u.area_path : NULL))
        return http_error(r, 404, "user_not_found", "user %.64s does not exist in your area", r->param[0]);
    return http_json(r, 200, api_user_json(&u));
}

struct user_op {
    http_req *r;
    user_input in;
    char username[USERNAME_MAX + 8];
    char pwhash[FX_PWHASH_LEN];
    user out;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct user_op *op = arg;
    return user_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int update_job(db_conn *c, void *arg)
{
    struct user_op *op = arg;
    return user_update(c, &op->r->act, op->username, &op->in, &op->out, &op->err);
}

static int created(http_req *r, int rc)
{
    struct user_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, api_user_json(&op->out));
}

static int updated(http_req *r, int rc)
{
    struct user_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, api_user_json(&op->out));
}

/* Reads the fields common to create and update; hashes a given password. */
static struct user_op *read_user(http_req *r, bool create)
{
    static const char *const fields[] = {"username", "password", "role", "area", "display_name",
                                         "disabled", "counsellor", NULL};
    user_input in = {.disabled = -1, .counsellor = -1};
    const char *password = NULL;
    if (http_known_fields(r, fields) || http_str(r, "username", create, 64, &in.username) ||
        http_str(r, "password", create, 1024, &password) || http_str(r, "role", create, 16, &in.role) ||
        http_str(r, "area", false, AREA_CODE_MAX, &in.area) ||
        http_str(r, "display_name", false, 60, &in.display_name) || http_bool(r, "disabled", &in.disabled) ||
        http_bool(r, "counsellor", &in.counsellor))
        return NULL;
    const char *problem = password ? account_password_problem(password) : NULL;
    if (problem) {
        http_error(r, 400, "weak_password", "%s", problem);
        return NULL;
    }
    struct user_op *op = calloc(1, sizeof *op);
    if (!op) {
        http_error(r, 500, "internal", "out of memory");
        return NULL;
    }
    op->r = r;
    op->in = in;
    fx_copy(op->username, sizeof op->username, create ? in.username : r->param[0]);
    api_fold_username(op->username);
    op->in.username = op->username;
    if (password) {
        /* argon2 runs here, on the request thread, never on the writer. */
        if (sem_trywait(&r->app->login_slots) != 0) {
            free(op);
            http_header(r, "Retry-After", "1");
            http_error(r, 503, "busy", "the server is busy; try again in a moment");
            return NULL;
        }
        int rc = fx_password_hash(password, op->pwhash);
        sem_post(&r->app->login_slots);
        if (rc != 0) {
            free(op);
            http_error(r, 500, "internal", "could not hash the password");
            return NULL;
        }
        op->in.password_hash = op->pwhash;
    }
    return op;
}

static int create_user(http_req *r)
{
    struct user_op *op = read_user(r, true);
    return op ? http_defer(r, create_job, op, free, created) : HTTP_DONE;
}

static int update_user(http_req *r)
{
    struct user_op *op = read_user(r, false);
    if (op && op->in.username && json_object_get(r->json, "username")) {
        free(op);
        return http_error(r, 400, "invalid_field", "a username cannot be changed; create a new user instead");
    }
    return op ? http_defer(r, update_job, op, free, updated) : HTTP_DONE;
}

const route api_user_routes[] = {
    {"GET", "/api/v1/users", ACT_USER_ADMIN, list_users, 0, 0},
    {"POST", "/api/v1/users", ACT_USER_ADMIN, create_user, ROUTE_JSON, 16384},
    {"GET", "/api/v1/users/{username}", ACT_USER_ADMIN, get_user, 0, 0},
    {"PATCH", "/api/v1/users/{username}", ACT_USER_ADMIN, update_user, ROUTE_JSON, 16384},
    {0},
};
