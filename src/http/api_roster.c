/* api_roster.c — posts, shifts (added a week at a time), the roster checks with each gap,
 * overlap and long shift spelled out, the roster as a spreadsheet, per-area settings, and
 * one's own shifts (the only roster view volunteers have). */
#include "http/api.h"

#include "core/roster.h"
#include "core/team.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POSTS_MAX 2000
#define SHIFTS_MAX 5000
#define SPAN_MAX_S (62 * 86400) /* a check or a list covers at most two months */

/* ---- rendering ---- */

static json_t *post_json(const post *p)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I}", "id", (json_int_t)p->id, "name", p->name,
                          "kind", p->kind, "area", p->area_code, "cover_from", p->cover_from, "cover_to", p->cover_to,
                          "persons", p->persons, "ref_name", p->ref_name, "created_at", (json_int_t)p->created_at);
    json_object_set_new(j, "team", p->team_id ? json_integer(p->team_id) : json_null());
    json_object_set_new(j, "team_name", json_string(p->team_name));
    json_object_set_new(j, "ref", p->ref_id ? json_integer(p->ref_id) : json_null());
    return j;
}

static json_t *shift_json(const shift *s)
{
    char text[64];
    roster_span_text(s->starts_at, s->ends_at, text, sizeof text);
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:f, s:s, s:s}", "id", (json_int_t)s->id,
                          "post", (json_int_t)s->post_id, "post_name", s->post_name, "post_kind", s->post_kind,
                          "member", (json_int_t)s->member_id, "name", s->member_name, "team", (json_int_t)s->team_id,
                          "start", (json_int_t)s->starts_at, "end", (json_int_t)s->ends_at, "hours",
                          (double)(s->ends_at - s->starts_at) / 3600.0, "note", s->note, "text", text);
    json_object_set_new(j, "user", s->user_id ? json_integer(s->user_id) : json_null());
    json_object_set_new(j, "person", s->person_id ? json_integer(s->person_id) : json_null());
    return j;
}

/* from and to from the query (epoch seconds); default: today's local midnight and 7 days on. */
static int read_period(http_req *r, int64_t *from, int64_t *to)
{
    const char *f = http_query(r, "from"), *t = http_query(r, "to");
    long long v;
    *from = roster_day_start(fx_now());
    if (f) {
        if (!fx_parse_i64(f, &v) || v < 1 || v > 4102444800LL)
            return http_error(r, 400, "invalid_field", "from: expected epoch seconds"), -1;
        *from = v;
    }
    *to = *from + 7 * 86400;
    if (t) {
        if (!fx_parse_i64(t, &v) || v < 1 || v > 4102444800LL)
            return http_error(r, 400, "invalid_field", "to: expected epoch seconds"), -1;
        *to = v;
    }
    if (*to <= *from)
        return http_error(r, 400, "invalid_field", "to: must be after from"), -1;
    if (*to - *from > SPAN_MAX_S)
        return http_error(r, 400, "invalid_field", "to: a period spans at most 62 days"), -1;
    return 0;
}

/* An optional id in the query: 0 when absent; -1 (answered 400) when not an id. */
static int query_id(http_req *r, const char *name, int64_t *out)
{
    const char *v = http_query(r, name);
    *out = 0;
    if (v && !http_parse_id(v, out)) {
        http_error(r, 400, "invalid_field", "%s: expected an id", name);
        return -1;
    }
    return 0;
}

/* The read connection, with *scope the path of ?area=CODE (in the caller's scope) or else the
 * caller's own. NULL: answered (503, or 404 for an area outside). */
static db_conn *scoped_reader(http_req *r, area *a, const char **scope)
{
    const char *code = http_query(r, "area");
    db_conn *c = http_reader_or_503(r);
    *scope = api_scope(r);
    if (!c || !code)
        return c;
    if (area_get(c, code, a) != DB_ROW || !perm_in_scope(&r->who, a->path)) {
        http_error(r, 404, "area_not_found", "area: %.64s does not exist in your area", code);
        return NULL;
    }
    *scope = a->path;
    return c;
}

/* ---- posts ---- */

struct post_op {
    http_req *r;
    post_input in;
    post out;
    fx_err err;
};

static int post_job(db_conn *c, void *arg)
{
    struct post_op *op = arg;
    return post_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int post_created(http_req *r, int rc)
{
    struct post_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, post_json(&op->out));
}

static int post_post(http_req *r)
{
    static const char *const fields[] = {"area", "name", "kind", "team", "ref", "building", "cover_from", "cover_to",
                                         "persons", NULL};
    struct post_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long team_id = 0, ref = 0, from = 0, to = 1440, persons = 1;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->in.area) ||
        http_str(r, "name", true, 100, &op->in.name) || http_str(r, "kind", true, 16, &op->in.kind) ||
        http_int(r, "team", false, 1, INT64_MAX, &team_id, NULL) || http_int(r, "ref", false, 1, INT64_MAX, &ref, NULL) ||
        http_str(r, "building", false, 64, &op->in.building) ||
        http_int(r, "cover_from", false, 0, 1439, &from, NULL) || http_int(r, "cover_to", false, 1, 1440, &to, NULL) ||
        http_int(r, "persons", false, 1, 20, &persons, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.team_id = team_id, op->in.ref_id = ref;
    op->in.cover_from = (int)from, op->in.cover_to = (int)to, op->in.persons = (int)persons;
    return http_defer(r, post_job, op, free, post_created);
}

static int list_posts(http_req *r)
{
    int64_t team_id;
    if (api_team_refuse_volunteer(r) || query_id(r, "team", &team_id))
        return HTTP_DONE;
    area a;
    const char *scope;
    db_conn *c = scoped_reader(r, &a, &scope);
    if (!c)
        return HTTP_DONE;
    post *rows = malloc(sizeof *rows * POSTS_MAX);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = post_list(c, scope, team_id, rows, POSTS_MAX);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, post_json(&rows[i]));
    free(rows);
    return n < 0 ? (json_decref(items), http_error(r, 500, "internal", "could not read the posts"))
                 : http_list(r, items, 0);
}

/* ---- shifts ---- */

struct shifts_op {
    http_req *r;
    shift_input *in;
    int n;
    int64_t *ids;
    int64_t id;
    fx_err err;
};

static void shifts_op_free(void *arg)
{
    struct shifts_op *op = arg;
    free(op->in);
    free(op->ids);
    free(op);
}

static int shifts_job(db_conn *c, void *arg)
{
    struct shifts_op *op = arg;
    return shift_add(c, &op->r->act, op->in, op->n, op->ids, &op->err);
}

static int shifts_added(http_req *r, int rc)
{
    struct shifts_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *ids = json_array();
    for (int i = 0; i < op->n; i++)
        json_array_append_new(ids, json_integer(op->ids[i]));
    return http_json(r, 201, json_pack("{s:i, s:o}", "added", op->n, "ids", ids));
}

/* One shift object of the batch; errors name shifts[i].field. */
static int read_shift_item(http_req *r, int i, json_t *o, shift_input *x)
{
    static const char *const keys[] = {"post", "member", "start", "end", "note", NULL};
    if (!json_is_object(o))
        return http_error(r, 400, "invalid_field", "shifts[%d]: expected an object", i), -1;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool known = false;
        for (int j = 0; keys[j] && !known; j++)
            known = strcmp(keys[j], k) == 0;
        if (!known)
            return http_error(r, 400, "unknown_field", "shifts[%d].%.40s: unknown field", i, k), -1;
    }
    int64_t *dst[] = {&x->post_id, &x->member_id, &x->starts_at, &x->ends_at};
    for (int j = 0; j < 4; j++) {
        json_t *n = json_object_get(o, keys[j]);
        json_int_t max = j < 2 ? INT64_MAX : 4102444800LL;
        if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > max)
            return http_error(r, 400, n ? "invalid_field" : "missing_field", "shifts[%d].%s: expected %s", i, keys[j],
                              j < 2 ? "an id" : "epoch seconds"),
                   -1;
        *dst[j] = json_integer_value(n);
    }
    json_t *note = json_object_get(o, "note");
    if (note && !json_is_string(note))
        return http_error(r, 400, "invalid_field", "shifts[%d].note: expected a text", i), -1;
    x->note = note ? json_string_value(note) : NULL;
    return 0;
}

static int post_shifts(http_req *r)
{
    static const char *const fields[] = {"shifts", NULL};
    if (http_known_fields(r, fields))
        return HTTP_DONE;
    json_t *arr = json_object_get(r->json, "shifts");
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n < 1 || n > ROSTER_BATCH_MAX)
        return http_error(r, 400, arr ? "invalid_field" : "missing_field",
                          "shifts: expected a list of 1 to %d shifts {post, member, start, end, note?}",
                          ROSTER_BATCH_MAX);
    struct shifts_op *op = calloc(1, sizeof *op);
    if (op) {
        op->in = calloc(n, sizeof *op->in);
        op->ids = calloc(n, sizeof *op->ids);
    }
    if (!op || !op->in || !op->ids) {
        if (op)
            shifts_op_free(op);
        return http_error(r, 500, "internal", "out of memory");
    }
    op->r = r;
    op->n = (int)n;
    for (size_t i = 0; i < n; i++)
        if (read_shift_item(r, (int)i, json_array_get(arr, i), &op->in[i])) {
            shifts_op_free(op);
            return HTTP_DONE;
        }
    return http_defer(r, shifts_job, op, shifts_op_free, shifts_added);
}

static int shift_del_job(db_conn *c, void *arg)
{
    struct shifts_op *op = arg;
    return shift_delete(c, &op->r->act, op->id, &op->err);
}

static int shift_deleted(http_req *r, int rc)
{
    struct shifts_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:b}", "removed", 1));
}

static int delete_shift(http_req *r)
{
    struct shifts_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "shift_not_found", "shift %.24s does not exist", r->param[0]);
    }
    return http_defer(r, shift_del_job, op, shifts_op_free, shift_deleted);
}

static int answer_shifts(http_req *r, db_conn *c, const shift_query *q)
{
    shift *rows = malloc(sizeof *rows * SHIFTS_MAX);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = shift_list(c, q, rows, SHIFTS_MAX);
    if (n < 0) {
        free(rows);
        return http_error(r, 500, "internal", "could not read the shifts");
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, shift_json(&rows[i]));
    free(rows);
    json_t *j = json_pack("{s:o, s:I, s:I, s:b}", "items", items, "from", (json_int_t)q->from, "to", (json_int_t)q->to,
                          "truncated", n == SHIFTS_MAX);
    json_object_set_new(j, "next_cursor", json_null());
    return http_json(r, 200, j);
}

static int list_shifts(http_req *r)
{
    shift_query q = {0};
    if (api_team_refuse_volunteer(r) || query_id(r, "post", &q.post_id) || query_id(r, "team", &q.team_id) ||
        read_period(r, &q.from, &q.to))
        return HTTP_DONE;
    area a;
    db_conn *c = scoped_reader(r, &a, &q.scope_path);
    return c ? answer_shifts(r, c, &q) : HTTP_DONE;
}

/* GET /api/v1/my/shifts: the caller's own shifts, whatever the role (volunteers: only these; drivers and
 * registrars stand on rosters too, so the route asks only for a login). */
static int my_shifts(http_req *r)
{
    shift_query q = {.scope_path = "/", .user_id = r->who.user_id};
    if (!r->who.user_id)
        return http_error(r, 403, "forbidden", "only a person's login has shifts");
    const char *f = http_query(r, "from");
    if (read_period(r, &q.from, &q.to))
        return HTTP_DONE;
    if (!f) /* from now on, including a shift under way */
        q.from = fx_now();
    db_conn *c = http_reader_or_503(r);
    return c ? answer_shifts(r, c, &q) : HTTP_DONE;
}

/* ---- checks ---- */

static json_t *gap_json(const post *p, const rs_gap *g)
{
    char text[64];
    roster_span_text(g->from, g->to, text, sizeof text);
    return json_pack("{s:I, s:s, s:I, s:I, s:I, s:i, s:i, s:s}", "post", (json_int_t)p->id, "post_name", p->name,
                     "from", (json_int_t)g->from, "to", (json_int_t)g->to, "minutes", (json_int_t)((g->to - g->from) / 60),
                     "on_duty", g->on_duty, "needed", g->needed, "text", text);
}

static const post *find_post(const roster_report *rep, int64_t id)
{
    for (int i = 0; i < rep->nposts; i++)
        if (rep->posts[i].id == id)
            return &rep->posts[i];
    return NULL;
}

static json_t *report_json(const roster_report *rep, int64_t from, int64_t to, bool gaps_only)
{
    json_t *gaps = json_array(), *ov = json_array(), *lg = json_array(), *posts = json_array();
    for (int i = 0; i < rep->nposts; i++) {
        json_t *p = post_json(&rep->posts[i]);
        int ng = 0;
        for (int k = 0; k < rep->ngaps; k++)
            ng += rep->gaps[k].post_id == rep->posts[i].id;
        json_object_set_new(p, "gaps", json_integer(ng));
        json_array_append_new(posts, p);
    }
    for (int i = 0; i < rep->ngaps; i++) {
        const post *p = find_post(rep, rep->gaps[i].post_id);
        if (p)
            json_array_append_new(gaps, gap_json(p, &rep->gaps[i].g));
    }
    for (int i = 0; i < rep->noverlaps; i++) {
        const rs_overlap *o = &rep->overlaps[i];
        const shift *a = &rep->shifts[o->a], *b = &rep->shifts[o->b];
        char text[64];
        roster_span_text(o->from, o->to, text, sizeof text);
        json_t *j = json_pack("{s:s, s:I, s:I, s:I, s:s, s:o, s:o}", "name", b->member_name, "from", (json_int_t)o->from,
                              "to", (json_int_t)o->to, "minutes", (json_int_t)((o->to - o->from) / 60), "text", text,
                              "a", shift_json(a), "b", shift_json(b));
        json_object_set_new(j, "user", b->user_id ? json_integer(b->user_id) : json_null());
        json_object_set_new(j, "person", b->person_id ? json_integer(b->person_id) : json_null());
        json_array_append_new(ov, j);
    }
    for (int i = 0; i < rep->nlongs; i++) {
        const shift *s = &rep->shifts[rep->longs[i]];
        json_array_append_new(lg, json_pack("{s:o, s:f, s:f}", "shift", shift_json(s), "hours",
                                            (double)(s->ends_at - s->starts_at) / 3600.0, "limit_hours",
                                            rep->long_limit[i] / 60.0));
    }
    json_t *j = json_pack("{s:I, s:I, s:o, s:o, s:b}", "from", (json_int_t)from, "to", (json_int_t)to, "posts", posts,
                          "gaps", gaps, "truncated", rep->truncated);
    if (gaps_only) {
        json_decref(ov), json_decref(lg);
    } else {
        json_object_set_new(j, "overlaps", ov);
        json_object_set_new(j, "long", lg);
    }
    return j;
}

static int run_check(http_req *r, int64_t from, int64_t to, bool gaps_only)
{
    int64_t team_id, post_id;
    if (query_id(r, "team", &team_id) || query_id(r, "post", &post_id))
        return HTTP_DONE;
    area a;
    const char *scope;
    db_conn *c = scoped_reader(r, &a, &scope);
    if (!c)
        return HTTP_DONE;
    roster_report rep;
    db_read_begin(c);
    int rc = roster_check(c, scope, team_id, post_id, from, to, gaps_only, &rep);
    db_read_end(c);
    if (rc < 0) {
        roster_report_free(&rep);
        return http_error(r, 500, "internal", "could not check the roster");
    }
    json_t *j = report_json(&rep, from, to, gaps_only);
    roster_report_free(&rep);
    return http_json(r, 200, j);
}

static int check_roster(http_req *r)
{
    int64_t from, to;
    if (api_team_refuse_volunteer(r) || read_period(r, &from, &to))
        return HTTP_DONE;
    return run_check(r, from, to, false);
}

/* GET /api/v1/roster/gaps[?hours=24]: the dashboard's posts with gaps from now on. */
static int upcoming_gaps(http_req *r)
{
    const char *h = http_query(r, "hours");
    long long hours = 24;
    if (api_team_refuse_volunteer(r))
        return HTTP_DONE;
    if (h && (!fx_parse_i64(h, &hours) || hours < 1 || hours > 168))
        return http_error(r, 400, "invalid_field", "hours: expected 1 to 168");
    int64_t now = fx_now() / 60 * 60;
    return run_check(r, now, now + hours * 3600, true);
}

/* ---- export ---- */

struct roster_dl {
    db_conn *c;
    const shift_query *q;
    const export_opts *o;
};

static int roster_download(void *arg, FILE *csv, const char *path, long *rows, fx_err *err)
{
    struct roster_dl *d = arg;
    return roster_export(d->c, d->q, d->o, csv, path, rows, err);
}

static int export_roster(http_req *r)
{
    const char *fmt = http_query(r, "format");
    shift_query q = {0};
    if (api_team_refuse_volunteer(r))
        return HTTP_DONE;
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0)
        return http_error(r, 400, "invalid_format", "format: expected csv or xlsx");
    if (query_id(r, "post", &q.post_id) || query_id(r, "team", &q.team_id) || read_period(r, &q.from, &q.to))
        return HTTP_DONE;
    export_opts o = {.xlsx = !fmt || strcmp(fmt, "xlsx") == 0,
                     .english = http_query(r, "lang") && strcmp(http_query(r, "lang"), "en") == 0};
    area a;
    db_conn *c = scoped_reader(r, &a, &q.scope_path);
    if (!c)
        return HTTP_DONE;
    struct roster_dl dl = {c, &q, &o};
    return http_send_download(r, o.xlsx, "roster", roster_download, &dl);
}

/* ---- settings ---- */

struct settings_op {
    http_req *r;
    const char *area;
    int limit, lead;
    fx_err err;
};

static int settings_job(db_conn *c, void *arg)
{
    struct settings_op *op = arg;
    return roster_settings_put(c, &op->r->act, op->area, op->limit, op->lead, &op->err);
}

static int settings_json(http_req *r, db_conn *c, const char *path, const char *code)
{
    roster_settings s;
    if (roster_settings_for(c, path, &s) < 0)
        return http_error(r, 500, "internal", "could not read the settings");
    json_t *j = json_pack("{s:s, s:i, s:i}", "area", code, "shift_limit_min", s.shift_limit_min, "lead_min", s.lead_min);
    json_object_set_new(j, "set_at", s.area_code[0] ? json_string(s.area_code) : json_null());
    return http_json(r, 200, j);
}

static int settings_saved(http_req *r, int rc)
{
    struct settings_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    db_conn *c = http_reader_or_503(r);
    area a;
    if (!c || area_get(c, op->area, &a) != DB_ROW)
        return c ? http_error(r, 500, "internal", "could not read the settings") : HTTP_DONE;
    return settings_json(r, c, a.path, a.code);
}

static int put_settings(http_req *r)
{
    static const char *const fields[] = {"area", "shift_limit_min", "lead_min", NULL};
    struct settings_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long limit, lead = ROSTER_LEAD_DEFAULT_MIN;
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &op->area) ||
        http_int(r, "shift_limit_min", true, 60, 2880, &limit, NULL) ||
        http_int(r, "lead_min", false, 0, 1440, &lead, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->limit = (int)limit, op->lead = (int)lead;
    return http_defer(r, settings_job, op, free, settings_saved);
}

static int get_settings(http_req *r)
{
    if (api_team_refuse_volunteer(r))
        return HTTP_DONE;
    area a = {0};
    const char *scope;
    db_conn *c = scoped_reader(r, &a, &scope);
    return c ? settings_json(r, c, scope, a.code) : HTTP_DONE;
}

const route api_roster_routes[] = {
    {"GET", "/api/v1/posts", ACT_TEAM_READ, list_posts, 0, 0},
    {"POST", "/api/v1/posts", ACT_TEAM_WRITE, post_post, ROUTE_JSON, 4096},
    {"GET", "/api/v1/shifts", ACT_TEAM_READ, list_shifts, 0, 0},
    {"POST", "/api/v1/shifts", ACT_TEAM_WRITE, post_shifts, ROUTE_JSON, 256 * 1024},
    {"DELETE", "/api/v1/shifts/{id}", ACT_TEAM_WRITE, delete_shift, 0, 0},
    {"GET", "/api/v1/my/shifts", ACT_SESSION, my_shifts, 0, 0},
    {"GET", "/api/v1/roster/check", ACT_TEAM_READ, check_roster, 0, 0},
    {"GET", "/api/v1/roster/gaps", ACT_TEAM_READ, upcoming_gaps, 0, 0},
    {"GET", "/api/v1/roster/export", ACT_TEAM_READ, export_roster, 0, 0},
    {"GET", "/api/v1/roster/settings", ACT_TEAM_READ, get_settings, 0, 0},
    {"PUT", "/api/v1/roster/settings", ACT_TEAM_WRITE, put_settings, ROUTE_JSON, 1024},
    {0},
};
