/* api_team.c — teams and their members, mentor pairs (导师帮带) and their log of joint
 * visits and guidance notes. Volunteers read only their own shifts (api_roster.c). */
#include "http/api.h"

#include "core/team.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MEMBERS_MAX 500
#define LOG_MAX 500

bool api_team_refuse_volunteer(http_req *r)
{
    if (r->who.role != ROLE_VOLUNTEER)
        return false;
    http_error(r, 403, "forbidden", "your role (volunteer) sees only your own shifts: GET /api/v1/my/shifts");
    return true;
}

static json_t *who_json(int64_t user_id, int64_t person_id, const char *name)
{
    json_t *j = json_pack("{s:s}", "name", name);
    json_object_set_new(j, "user", user_id ? json_integer(user_id) : json_null());
    json_object_set_new(j, "person", person_id ? json_integer(person_id) : json_null());
    return j;
}

/* {"user":ID}, {"username":…} or {"person":ID} under prefix ("" for a member, "mentor_" or
 * "mentee_" for a pair). */
static int read_who(http_req *r, const char *prefix, team_who *w)
{
    char ku[32], kn[32], kp[32];
    long long u = 0, p = 0;
    bool hu = false, hp = false;
    snprintf(ku, sizeof ku, "%suser", prefix);
    snprintf(kn, sizeof kn, "%susername", prefix);
    snprintf(kp, sizeof kp, "%sperson", prefix);
    if (http_int(r, ku, false, 1, INT64_MAX, &u, &hu) || http_str(r, kn, false, 32, &w->username) ||
        http_int(r, kp, false, 1, INT64_MAX, &p, &hp))
        return -1;
    if (hu + hp + !!w->username != 1) {
        http_error(r, 400, "missing_field", "%s, %s or %s: give exactly one (a user id, a username or a registry person id)",
                   ku, kn, kp);
        return -1;
    }
    w->user_id = u, w->person_id = p;
    return 0;
}

/* ---- teams ---- */

static json_t *team_json(const team *t)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:I}", "id", (json_int_t)t->id, "name", t->name, "kind",
                     t->kind, "area", t->area_code, "note", t->note, "members", t->members, "created_by",
                     t->created_by, "created_at", (json_int_t)t->created_at);
}
static json_t *render_team(const void *row) { return team_json(row); }

static json_t *member_json(const team_member *m)
{
    json_t *j = who_json(m->user_id, m->person_id, m->name);
    json_object_set_new(j, "id", json_integer(m->id));
    json_object_set_new(j, "team", json_integer(m->team_id));
    json_object_set_new(j, "role", json_string(m->role));
    json_object_set_new(j, "created_at", json_integer(m->created_at));
    return j;
}

struct team_op {
    http_req *r;
    const char *area, *name, *kind, *note, *role;
    int64_t id, member_id;
    team_who who;
    team team;
    team_member member;
    fx_err err;
};

static int team_job(db_conn *c, void *arg)
{
    struct team_op *op = arg;
    return team_create(c, &op->r->act, op->area, op->name, op->kind, op->note, &op->team, &op->err);
}

static int team_created(http_req *r, int rc)
{
    struct team_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, team_json(&op->team));
}

static struct team_op *team_op_new(http_req *r)
{
    struct team_op *op = calloc(1, sizeof *op);
    if (!op)
        http_error(r, 500, "internal", "out of memory");
    else
        op->r = r;
    return op;
}

static int post_team(http_req *r)
{
    static const char *const fields[] = {"area", "name", "kind", "note", NULL};
    struct team_op *op = team_op_new(r);
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->area) ||
        http_str(r, "name", true, 100, &op->name) || http_str(r, "kind", true, 24, &op->kind) ||
        http_str(r, "note", false, 400, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, team_job, op, free, team_created);
}

static int list_teams(http_req *r)
{
    int limit;
    int64_t cursor;
    const char *kind = http_query(r, "kind");
    if (api_team_refuse_volunteer(r) || http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    if (kind && !team_kind_valid(kind))
        return http_error(r, 400, "invalid_field", "kind: expected duty, screening, disinfection, volunteer_services, "
                                                   "party_branch, sampling or transport");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    team *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = team_list(c, api_scope(r), kind, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(team, id), render_team);
    free(rows);
    return HTTP_DONE;
}

/* The team of param[0] in the caller's scope, else 404 (answered). */
static bool visible_team(http_req *r, db_conn *c, team *t)
{
    int64_t id;
    if (http_parse_id(r->param[0], &id) && team_get(c, id, t) == DB_ROW && perm_in_scope(&r->who, t->area_path))
        return true;
    http_error(r, 404, "team_not_found", "team %.24s does not exist in your area", r->param[0]);
    return false;
}

static int get_team(http_req *r)
{
    if (api_team_refuse_volunteer(r))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    team t;
    if (!c || !visible_team(r, c, &t))
        return HTTP_DONE;
    team_member *m = malloc(sizeof *m * MEMBERS_MAX);
    if (!m)
        return http_error(r, 500, "internal", "out of memory");
    int n = member_list(c, t.id, m, MEMBERS_MAX);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, member_json(&m[i]));
    free(m);
    json_t *j = team_json(&t);
    json_object_set_new(j, "items", items);
    return http_json(r, 200, j);
}

static int member_job(db_conn *c, void *arg)
{
    struct team_op *op = arg;
    return member_add(c, &op->r->act, op->id, &op->who, op->role, &op->member, &op->err);
}

static int member_added(http_req *r, int rc)
{
    struct team_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, member_json(&op->member));
}

static int post_member(http_req *r)
{
    static const char *const fields[] = {"user", "username", "person", "role", NULL};
    struct team_op *op = team_op_new(r);
    if (!op)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "team_not_found", "team %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || read_who(r, "", &op->who) || http_str(r, "role", true, 16, &op->role)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, member_job, op, free, member_added);
}

static int member_del_job(db_conn *c, void *arg)
{
    struct team_op *op = arg;
    return member_remove(c, &op->r->act, op->id, op->member_id, &op->err);
}

static int member_removed(http_req *r, int rc)
{
    struct team_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:b}", "removed", 1));
}

static int delete_member(http_req *r)
{
    struct team_op *op = team_op_new(r);
    if (!op)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &op->id) || !http_parse_id(r->param[1], &op->member_id)) {
        free(op);
        return http_error(r, 404, "member_not_found", "member %.24s of team %.24s does not exist", r->param[1],
                          r->param[0]);
    }
    return http_defer(r, member_del_job, op, free, member_removed);
}

/* ---- mentor pairs ---- */

static json_t *pair_json(const mentor_pair *p)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:I}", "id", (json_int_t)p->id, "area", p->area_code,
                          "note", p->note, "visits", p->visits, "notes", p->notes, "created_by", p->created_by,
                          "created_at", (json_int_t)p->created_at);
    json_object_set_new(j, "mentor", who_json(p->mentor.user_id, p->mentor.person_id, p->mentor_name));
    json_object_set_new(j, "mentee", who_json(p->mentee.user_id, p->mentee.person_id, p->mentee_name));
    json_object_set_new(j, "last_visit", p->last_visit ? json_integer(p->last_visit) : json_null());
    return j;
}
static json_t *render_pair(const void *row) { return pair_json(row); }

static json_t *log_json(const mentor_log *l)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)l->id, "pair",
                     (json_int_t)l->pair_id, "kind", l->kind, "place", l->place, "at", (json_int_t)l->at, "note",
                     l->note, "created_by", l->created_by, "created_at", (json_int_t)l->created_at);
}

struct pair_op {
    http_req *r;
    const char *area, *note, *kind, *place;
    int64_t id, at;
    team_who mentor, mentee;
    mentor_pair out;
    mentor_log log;
    fx_err err;
};

static int pair_job(db_conn *c, void *arg)
{
    struct pair_op *op = arg;
    return mentor_create(c, &op->r->act, op->area, &op->mentor, &op->mentee, op->note, &op->out, &op->err);
}

static int pair_created(http_req *r, int rc)
{
    struct pair_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, pair_json(&op->out));
}

static int post_pair(http_req *r)
{
    static const char *const fields[] = {"area",          "mentor_user",   "mentor_username", "mentor_person",
                                         "mentee_user",   "mentee_username", "mentee_person", "note",
                                         NULL};
    struct pair_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->area) ||
        read_who(r, "mentor_", &op->mentor) || read_who(r, "mentee_", &op->mentee) ||
        http_str(r, "note", false, 400, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, pair_job, op, free, pair_created);
}

static int list_pairs(http_req *r)
{
    int limit;
    int64_t cursor;
    if (api_team_refuse_volunteer(r) || http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    mentor_pair *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = mentor_list(c, api_scope(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(mentor_pair, id), render_pair);
    free(rows);
    return HTTP_DONE;
}

static int get_pair(http_req *r)
{
    int64_t id;
    mentor_pair p;
    if (api_team_refuse_volunteer(r))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &id) || mentor_get(c, id, &p) != DB_ROW || !perm_in_scope(&r->who, p.area_path))
        return http_error(r, 404, "pair_not_found", "mentor pair %.24s does not exist in your area", r->param[0]);
    mentor_log *l = malloc(sizeof *l * LOG_MAX);
    if (!l)
        return http_error(r, 500, "internal", "out of memory");
    int n = mentor_log_list(c, id, l, LOG_MAX);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, log_json(&l[i]));
    free(l);
    json_t *j = pair_json(&p);
    json_object_set_new(j, "log", items);
    return http_json(r, 200, j);
}

static int log_job(db_conn *c, void *arg)
{
    struct pair_op *op = arg;
    return mentor_log_add(c, &op->r->act, op->id, op->kind, op->place, op->at, op->note, &op->log, &op->err);
}

static int logged(http_req *r, int rc)
{
    struct pair_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, log_json(&op->log));
}

static int post_log(http_req *r)
{
    static const char *const fields[] = {"kind", "place", "at", "note", NULL};
    struct pair_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long at = 0;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "pair_not_found", "mentor pair %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "kind", true, 12, &op->kind) ||
        http_str(r, "place", false, 200, &op->place) || http_int(r, "at", false, 1, 4102444800LL, &at, NULL) ||
        http_str(r, "note", false, 1000, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    op->at = at;
    return http_defer(r, log_job, op, free, logged);
}

const route api_team_routes[] = {
    {"GET", "/api/v1/teams", ACT_TEAM_READ, list_teams, 0, 0},
    {"POST", "/api/v1/teams", ACT_TEAM_WRITE, post_team, ROUTE_JSON, 4096},
    {"GET", "/api/v1/teams/{id}", ACT_TEAM_READ, get_team, 0, 0},
    {"POST", "/api/v1/teams/{id}/members", ACT_TEAM_WRITE, post_member, ROUTE_JSON, 1024},
    {"DELETE", "/api/v1/teams/{id}/members/{member}", ACT_TEAM_WRITE, delete_member, 0, 0},
    {"GET", "/api/v1/mentor-pairs", ACT_TEAM_READ, list_pairs, 0, 0},
    {"POST", "/api/v1/mentor-pairs", ACT_TEAM_WRITE, post_pair, ROUTE_JSON, 4096},
    {"GET", "/api/v1/mentor-pairs/{id}", ACT_TEAM_READ, get_pair, 0, 0},
    {"POST", "/api/v1/mentor-pairs/{id}/logs", ACT_TEAM_WRITE, post_log, ROUTE_JSON, 8192},
    {0},
};
