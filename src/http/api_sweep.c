/* api_sweep.c — door-to-door sweeps: question sets, campaigns with their progress, the
 * split among teams, a team's list for the phone, and visits posted as a batch with
 * client ids (per-item results, like the sampling batch). Volunteers see and post only
 * on the teams they are on (checked again in core). */
#include "http/api.h"

#include "core/export.h"
#include "core/sweep.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VISITS_MAX 200

static int64_t member_filter(const http_req *r) { return r->who.role == ROLE_VOLUNTEER ? r->who.user_id : 0; }

static json_t *progress_json(const sweep_progress *p)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "households", p->households, "done", p->done, "remaining",
                     p->households - p->done, "revisit", p->revisit, "refused", p->refused, "follow_up",
                     p->follow_up);
}

static json_t *question_json(const sweep_question *q)
{
    json_t *opts = json_array();
    for (int k = 0; k < q->noptions; k++)
        json_array_append_new(opts, json_string(q->options[k]));
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "key", q->key, "label", q->label, "label_en", q->label_en,
                          "type", sweep_qtype_name(q->type), "required", q->required, "options", opts);
    json_object_set_new(j, "feeds", q->feed ? json_string(sweep_feed_name(q->feed)) : json_null());
    return j;
}

/* with_questions: the questions themselves (a list gives only their count). */
static json_t *qset_json(const sweep_qset *q, bool with_questions)
{
    json_t *j = json_pack("{s:I, s:s, s:i, s:i, s:s, s:I}", "id", (json_int_t)q->id, "name", q->name, "version",
                          q->version, "count", q->n, "created_by", q->created_by, "created_at",
                          (json_int_t)q->created_at);
    if (with_questions) {
        json_t *qs = json_array();
        for (int i = 0; i < q->n; i++)
            json_array_append_new(qs, question_json(&q->q[i]));
        json_object_set_new(j, "questions", qs);
    }
    return j;
}

static json_t *campaign_json(const sweep_campaign *k)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s, s:i}, s:o, s:i, s:s, s:I}", "id", (json_int_t)k->id, "name",
                     k->name, "area", k->area_code, "area_name", k->area_name, "questions", "id",
                     (json_int_t)k->question_set_id, "name", k->qset_name, "version", k->qset_version, "progress",
                     progress_json(&k->p), "unassigned", k->unassigned, "created_by", k->created_by, "created_at",
                     (json_int_t)k->created_at);
}

static json_t *team_json(const sweep_team *t)
{
    json_t *members = json_array();
    for (const char *p = t->members; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(members, json_stringn(p, n));
        p += n + (comma ? 1 : 0);
    }
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)t->id, "campaign",
                          (json_int_t)t->campaign_id, "campaign_name", t->campaign, "name", t->name, "leader",
                          t->leader, "members", members, "progress", progress_json(&t->p));
    json_object_set_new(j, "team_id", t->team_id ? json_integer(t->team_id) : json_null());
    return j;
}

static json_t *campaign_with_teams(const sweep_campaign *k, const sweep_team *teams, int n)
{
    json_t *j = campaign_json(k), *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, team_json(&teams[i]));
    json_object_set_new(j, "teams", list);
    return j;
}

/* ---- question sets ---- */

struct qset_op {
    http_req *r;
    sweep_qset in, out;
    fx_err err;
};

static int qset_job(db_conn *c, void *arg)
{
    struct qset_op *op = arg;
    return sweep_qset_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int qset_done(http_req *r, int rc)
{
    struct qset_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, qset_json(&op->out, true));
}

/* Copies a string field of question i into dst; false (after a 400) when it is not text or too long. */
static bool q_str(http_req *r, json_t *o, size_t i, const char *key, bool required, char *dst, size_t cap)
{
    json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if ((!v && !required) || (s && strlen(s) < cap && (*s || !required))) {
        fx_copy(dst, cap, s ? s : "");
        return true;
    }
    http_error(r, 400, "invalid_field", "questions[%zu].%s: expected text of 1 to %zu bytes", i, key, cap - 1);
    return false;
}

static int post_qset(http_req *r)
{
    if (http_known_fields(r, (const char *const[]){"name", "questions", NULL}))
        return HTTP_DONE;
    const char *name;
    if (http_str(r, "name", true, 100, &name))
        return HTTP_DONE;
    json_t *qs = json_object_get(r->json, "questions");
    if (!json_is_array(qs) || json_array_size(qs) == 0 || json_array_size(qs) > SWEEP_QUESTIONS_MAX)
        return http_error(r, 400, "invalid_field", "questions: expected a list of 1 to %d questions",
                          SWEEP_QUESTIONS_MAX);
    struct qset_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    fx_copy(op->in.name, sizeof op->in.name, name);
    size_t i;
    json_t *o;
    json_array_foreach(qs, i, o)
    {
        sweep_question *q = &op->in.q[op->in.n++];
        char type[16] = "", feed[16] = "";
        json_t *req = json_object_get(o, "required"), *opts = json_object_get(o, "options");
        if (!json_is_object(o)) {
            free(op);
            return http_error(r, 400, "invalid_field", "questions[%zu]: expected an object with key, label, type", i);
        }
        if (!q_str(r, o, i, "key", true, q->key, sizeof q->key) ||
            !q_str(r, o, i, "label", true, q->label, sizeof q->label) ||
            !q_str(r, o, i, "label_en", false, q->label_en, sizeof q->label_en) ||
            !q_str(r, o, i, "type", true, type, sizeof type) || !q_str(r, o, i, "feeds", false, feed, sizeof feed)) {
            free(op);
            return HTTP_DONE;
        }
        q->type = sweep_qtype_parse(type);
        q->feed = sweep_feed_parse(feed);
        if (req && !json_is_boolean(req)) {
            free(op);
            return http_error(r, 400, "invalid_field", "questions[%zu].required: expected true or false", i);
        }
        q->required = json_is_true(req);
        if (opts && (!json_is_array(opts) || json_array_size(opts) > SWEEP_OPTIONS_MAX)) {
            free(op);
            return http_error(r, 400, "invalid_field", "questions[%zu].options: expected a list of up to %d options",
                              i, SWEEP_OPTIONS_MAX);
        }
        size_t k;
        json_t *v;
        json_array_foreach(opts, k, v)
        {
            const char *s = json_string_value(v);
            if (!s || strlen(s) >= sizeof q->options[0]) {
                free(op);
                return http_error(r, 400, "invalid_field", "questions[%zu].options[%zu]: expected text of 1-64 bytes",
                                  i, k);
            }
            fx_copy(q->options[q->noptions++], sizeof q->options[0], s);
        }
    }
    return http_defer(r, qset_job, op, free, qset_done);
}

static int list_qsets(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, 200, &limit, &cursor))
        return HTTP_DONE;
    sweep_qset *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = sweep_qset_list(http_reader(r), cursor, rows, limit + 1);
    json_t *items = json_array();
    for (int i = 0; i < n && i < limit; i++)
        json_array_append_new(items, qset_json(&rows[i], false));
    int64_t next = n > limit ? rows[limit - 1].id : 0;
    free(rows);
    if (n < 0) {
        json_decref(items);
        return http_error(r, 500, "internal", "could not read the question sets");
    }
    return http_list(r, items, next);
}

static int get_qset(http_req *r)
{
    int64_t id;
    sweep_qset *q = malloc(sizeof *q);
    if (!q)
        return http_error(r, 500, "internal", "out of memory");
    if (!http_parse_id(r->param[0], &id) || sweep_qset_get(http_reader(r), id, q) != DB_ROW) {
        free(q);
        return http_error(r, 404, "questions_not_found", "question set %.24s does not exist", r->param[0]);
    }
    int rc = http_json(r, 200, qset_json(q, true));
    free(q);
    return rc;
}

/* ---- campaigns ---- */

struct sweep_op {
    http_req *r;
    const char *name, *area;
    long long qset;
    sweep_campaign out;
    fx_err err;
};

static int sweep_job(db_conn *c, void *arg)
{
    struct sweep_op *op = arg;
    return sweep_create(c, &op->r->act, op->name, op->area, op->qset, &op->out, &op->err);
}

static int sweep_done(http_req *r, int rc)
{
    struct sweep_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, campaign_json(&op->out));
}

static int post_sweep(http_req *r)
{
    struct sweep_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (http_known_fields(r, (const char *const[]){"name", "area", "questions", NULL}) ||
        http_str(r, "name", true, 100, &op->name) || http_str(r, "area", true, 64, &op->area) ||
        http_int(r, "questions", true, 1, INT64_MAX, &op->qset, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, sweep_job, op, free, sweep_done);
}

static json_t *campaign_row(const void *row) { return campaign_json(row); }

static int list_sweeps(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 50, 200, &limit, &cursor))
        return HTTP_DONE;
    /* a volunteer sees the campaigns of their teams, whatever their area; ?area=CODE: those within it */
    const char *scope = member_filter(r) ? "/" : api_scope(r), *code = http_query(r, "area");
    area a;
    if (code && (area_get(http_reader(r), code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path)))
        return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
    if (code)
        scope = a.path;
    sweep_campaign *rows = calloc((size_t)limit + 1, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = sweep_list(http_reader(r), scope, member_filter(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(sweep_campaign, id), campaign_row);
    free(rows);
    return HTTP_DONE;
}

/* The campaign {id} of param[0] as the caller may see it, with its teams (a volunteer's own). */
static int get_sweep(http_req *r)
{
    int64_t id;
    sweep_campaign k;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &id) || sweep_get(c, id, &k) != DB_ROW ||
        (!member_filter(r) && !perm_in_scope(&r->who, k.area_path)))
        return http_error(r, 404, "sweep_not_found", "campaign %.24s does not exist in your area", r->param[0]);
    sweep_team *teams = calloc(50, sizeof *teams);
    if (!teams)
        return http_error(r, 500, "internal", "out of memory");
    int n = sweep_teams(c, id, member_filter(r), teams, 50);
    if (n < 0 || (n == 0 && member_filter(r))) {
        free(teams);
        return n < 0 ? http_error(r, 500, "internal", "could not read the teams")
                     : http_error(r, 404, "sweep_not_found", "campaign %.24s has no team you are on", r->param[0]);
    }
    json_t *j = campaign_with_teams(&k, teams, n);
    free(teams);
    return http_json(r, 200, j);
}

struct split_op {
    http_req *r;
    int64_t id;
    sweep_team_input teams[50];
    int n, nout;
    sweep_campaign k;
    sweep_team out[50];
    fx_err err;
};

static int split_job(db_conn *c, void *arg)
{
    struct split_op *op = arg;
    int rc = sweep_split(c, &op->r->act, op->id, op->teams, op->n, &op->err);
    if (rc)
        return rc;
    op->nout = sweep_teams(c, op->id, 0, op->out, 50);
    if (op->nout < 0 || sweep_get(c, op->id, &op->k) != DB_ROW)
        return fx_fail(&op->err, FX_EINTERNAL, "db_error", "could not read the split back");
    return 0;
}

static int split_done(http_req *r, int rc)
{
    struct split_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    return http_json(r, 200, campaign_with_teams(&op->k, op->out, op->nout));
}

static int post_split(http_req *r)
{
    if (http_known_fields(r, (const char *const[]){"teams", NULL}))
        return HTTP_DONE;
    json_t *teams = json_object_get(r->json, "teams");
    if (!json_is_array(teams) || json_array_size(teams) == 0 || json_array_size(teams) > 50)
        return http_error(r, 400, "invalid_field",
                          "teams: expected a list of 1 to 50 teams {\"name\", \"leader\", \"members\":[usernames], \"team\"?}");
    struct split_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "sweep_not_found", "campaign %.24s does not exist", r->param[0]);
    }
    size_t i;
    json_t *t;
    json_array_foreach(teams, i, t)
    {
        sweep_team_input *in = &op->teams[op->n++];
        json_t *members = json_object_get(t, "members");
        in->name = json_string_value(json_object_get(t, "name"));
        in->leader = json_string_value(json_object_get(t, "leader"));
        json_t *standing = json_object_get(t, "team");
        if (standing && (!json_is_integer(standing) || json_integer_value(standing) <= 0)) {
            free(op);
            return http_error(r, 400, "invalid_field", "teams[%zu].team: expected the id of a standing team", i);
        }
        in->team_id = standing ? json_integer_value(standing) : 0;
        if (!in->name || !in->leader) {
            free(op);
            return http_error(r, 400, "invalid_field", "teams[%zu]: expected \"name\" and \"leader\" (a username)", i);
        }
        if (members && (!json_is_array(members) || json_array_size(members) > 50)) {
            free(op);
            return http_error(r, 400, "invalid_field", "teams[%zu].members: expected a list of up to 50 usernames", i);
        }
        size_t k;
        json_t *m;
        json_array_foreach(members, k, m)
        {
            if (!(in->members[in->nmembers++] = json_string_value(m))) {
                free(op);
                return http_error(r, 400, "invalid_field", "teams[%zu].members[%zu]: expected a username", i, k);
            }
        }
    }
    return http_defer(r, split_job, op, free, split_done);
}

/* GET /api/v1/sweep-teams — the teams the caller leads or is on, newest campaign first
 * (the phone's choice of list). */
static int my_teams(http_req *r)
{
    sweep_team *rows = calloc(200, sizeof *rows);
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = r->who.user_id ? sweep_teams(http_reader(r), 0, r->who.user_id, rows, 200) : 0;
    json_t *items = json_array();
    for (int i = n - 1; i >= 0; i--)
        json_array_append_new(items, team_json(&rows[i]));
    free(rows);
    if (n < 0) {
        json_decref(items);
        return http_error(r, 500, "internal", "could not read the teams");
    }
    return http_list(r, items, 0);
}

/* ---- a team's list ---- */

static void household_write(fx_str *s, const sweep_household *h, const sweep_resident *res, int nres, int *ri)
{
    fx_str_addf(s, "{\"id\":%lld,\"seq\":%d,\"address\":", (long long)h->household_id, h->seq);
    fx_str_add_json(s, h->address);
    fx_str_adds(s, ",\"room\":");
    fx_str_add_json(s, h->room);
    fx_str_adds(s, ",\"area\":");
    fx_str_add_json(s, h->area_code);
    if (h->outcome[0])
        fx_str_addf(s, ",\"outcome\":\"%s\",\"last_at\":%lld", h->outcome, (long long)h->last_at);
    else
        fx_str_adds(s, ",\"outcome\":null,\"last_at\":null");
    fx_str_addf(s, ",\"visits\":%d,\"residents\":[", h->visits);
    for (int first = 1; *ri < nres && res[*ri].household_id == h->household_id; (*ri)++, first = 0) {
        fx_str_addf(s, "%s{\"id\":%lld,\"name\":", first ? "" : ",", (long long)res[*ri].id);
        fx_str_add_json(s, res[*ri].name);
        fx_str_adds(s, "}");
    }
    fx_str_adds(s, "]}");
}

/* GET /api/v1/sweep-teams/{id}/households — the team's doors in walking order, each with
 * its last outcome and residents; the first page carries the team and the questions. */
static int team_households(http_req *r)
{
    int64_t id, cursor;
    int limit;
    sweep_team t;
    db_conn *c = http_reader_or_503(r);
    if (!c || http_page(r, 2000, 5000, &limit, &cursor))
        return HTTP_DONE;
    sweep_campaign k;
    bool found = http_parse_id(r->param[0], &id) && sweep_team_get(c, id, &t) == DB_ROW &&
                 sweep_get(c, t.campaign_id, &k) == DB_ROW;
    bool member = found && sweep_team_member(c, id, r->who.user_id);
    if (!found || (!member && (member_filter(r) || !perm_in_scope(&r->who, k.area_path))))
        return http_error(r, 404, "team_not_found", "team %.24s does not exist in your area, or you are not on it",
                          r->param[0]);
    sweep_household *rows = calloc((size_t)limit + 1, sizeof *rows);
    sweep_qset *q = malloc(sizeof *q);
    sweep_resident *res = NULL;
    int n = rows && q ? sweep_team_households(c, id, (int)cursor, rows, limit + 1) : -1;
    int shown = n > limit ? limit : n, nres = 0;
    /* every resident of the page's doors: a dormitory room holds many, so the room grows until they fit */
    for (int cap = limit * 4; n > 0 && cap <= 1 << 22; cap *= 2) {
        sweep_resident *grown = realloc(res, sizeof *res * (size_t)cap);
        if (!grown) {
            nres = -1;
            break;
        }
        res = grown;
        nres = sweep_team_residents(c, id, (int)cursor, rows[shown - 1].seq, res, cap);
        if (nres < cap)
            break;
    }
    char *hj = NULL;
    if (n >= 0 && nres >= 0 && sweep_qset_get(c, k.question_set_id, q) == DB_ROW) {
        json_t *head = json_pack("{s:o, s:o, s:o}", "team", team_json(&t), "campaign", campaign_json(&k),
                                 "questions", qset_json(q, true));
        hj = json_dumps(head, JSON_COMPACT);
        json_decref(head);
    }
    free(q);
    if (!hj) {
        free(rows), free(res);
        return http_error(r, 500, "internal", "could not read the team's list");
    }
    fx_str s;
    fx_str_init(&s, (size_t)64 << 20);
    fx_str_add(&s, hj, strlen(hj) - 1); /* the object, open for the items */
    free(hj);
    fx_str_adds(&s, ",\"items\":[");
    int ri = 0;
    for (int i = 0; i < shown; i++) {
        if (i)
            fx_str_adds(&s, ",");
        household_write(&s, &rows[i], res, nres, &ri);
    }
    if (n > limit)
        fx_str_addf(&s, "],\"next_cursor\":\"%d\"}", rows[limit - 1].seq);
    else
        fx_str_adds(&s, "],\"next_cursor\":null}");
    free(rows), free(res);
    return http_json_text(r, 200, &s);
}

struct sweep_dl {
    db_conn *c;
    int64_t id;
    const export_opts *o;
};

static int sweep_download(void *arg, FILE *csv, const char *path, long *rows, fx_err *err)
{
    struct sweep_dl *d = arg;
    return sweep_export(d->c, d->id, d->o, csv, path, rows, err);
}

/* GET /api/v1/exports/sweeps/{id}?format=csv|xlsx&lang=en — the campaign's register. */
static int export_sweep(http_req *r)
{
    const char *fmt = http_query(r, "format");
    if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "xlsx") != 0)
        return http_error(r, 400, "invalid_format", "format: expected csv or xlsx");
    export_opts o = {.xlsx = fmt && strcmp(fmt, "xlsx") == 0,
                     .english = http_query(r, "lang") && strcmp(http_query(r, "lang"), "en") == 0};
    int64_t id;
    sweep_campaign k;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    if (!http_parse_id(r->param[0], &id) || sweep_get(c, id, &k) != DB_ROW || !perm_in_scope(&r->who, k.area_path))
        return http_error(r, 404, "sweep_not_found", "campaign %.24s does not exist in your area", r->param[0]);
    struct sweep_dl dl = {c, id, &o};
    return http_send_download(r, o.xlsx, "sweep", sweep_download, &dl);
}

/* ---- visits ---- */

struct visit_item {
    sweep_visit_input in;
    sweep_answer answers[SWEEP_QUESTIONS_MAX];
    char hash[FX_SHA256_HEX];
    char *answers_json;
    const char *id; /* as sent, for the answer */
    bool rejected;
    fx_err err;
    sweep_visit out;
};

struct visits_op {
    http_req *r;
    struct visit_item *items;
    size_t n;
};

static void visits_free(void *arg)
{
    struct visits_op *op = arg;
    for (size_t i = 0; op->items && i < op->n; i++)
        free(op->items[i].answers_json);
    free(op->items);
    free(op);
}

static void reject(struct visit_item *it, size_t i, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reject(struct visit_item *it, size_t i, const char *code, const char *fmt, ...)
{
    char msg[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    it->rejected = true;
    fx_fail(&it->err, FX_EINVAL, code, "visits[%zu]%s", i, msg);
}

static int64_t opt_id(json_t *o, const char *key, bool *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        *bad = true;
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* Reads one visit; a wrong shape marks it rejected, naming the field. */
static void read_visit(json_t *o, size_t i, struct visit_item *it)
{
    sweep_visit_input *in = &it->in;
    if (!json_is_object(o)) {
        reject(it, i, "invalid_visit", ": each visit is a JSON object");
        return;
    }
    it->id = json_string_value(json_object_get(o, "id"));
    in->client_id = it->id;
    static const char *const known[] = {"id", "team", "household", "person", "outcome", "answers", "note", "at"};
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        size_t k = 0;
        while (k < sizeof known / sizeof *known && strcmp(key, known[k]) != 0)
            k++;
        if (k == sizeof known / sizeof *known) {
            reject(it, i, "unknown_field", ".%.40s: not a field of a visit", key);
            return;
        }
    }
    bool bad = false;
    in->team_id = opt_id(o, "team", &bad);
    in->household_id = opt_id(o, "household", &bad);
    in->person_id = opt_id(o, "person", &bad);
    in->at = opt_id(o, "at", &bad);
    if (bad || !in->team_id || !in->household_id) {
        reject(it, i, "invalid_field", ".team, .household, .person, .at: positive whole numbers (ids, epoch seconds); team and household are required");
        return;
    }
    in->outcome = sweep_outcome_parse(json_string_value(json_object_get(o, "outcome")));
    json_t *note = json_object_get(o, "note");
    in->note = json_string_value(note);
    if (note && (!in->note || fx_utf8_len(in->note) > 400)) {
        reject(it, i, "invalid_field", ".note: expected text of up to 400 characters");
        return;
    }
    json_t *answers = json_object_get(o, "answers");
    if (answers && !json_is_object(answers)) {
        reject(it, i, "invalid_field", ".answers: expected an object of question key to answer");
        return;
    }
    json_object_foreach(answers, key, v)
    {
        if (json_is_null(v))
            continue;
        if (in->nanswers == SWEEP_QUESTIONS_MAX) {
            reject(it, i, "invalid_field", ".answers: at most %d answers", SWEEP_QUESTIONS_MAX);
            return;
        }
        sweep_answer *a = &it->answers[in->nanswers++];
        a->key = key;
        if (json_is_string(v)) {
            a->kind = SA_STRING;
            a->text = json_string_value(v);
        } else if (json_is_number(v)) {
            a->kind = SA_NUMBER;
            a->number = json_number_value(v);
        } else if (json_is_boolean(v)) {
            a->kind = SA_BOOL;
            a->boolean = json_is_true(v);
        } else if (json_is_array(v) && json_array_size(v) <= SWEEP_PLACES_MAX) {
            a->kind = SA_LIST;
            size_t k;
            json_t *e;
            json_array_foreach(v, k, e)
            {
                if (!(a->list[a->nlist++] = json_string_value(e))) {
                    reject(it, i, "invalid_answer", ".answers.%.32s: expected a list of place names", key);
                    return;
                }
            }
        } else {
            reject(it, i, "invalid_answer", ".answers.%.32s: expected text, a number, true/false or a list of up to %d places", key, SWEEP_PLACES_MAX);
            return;
        }
    }
    it->answers_json = answers ? json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    in->answers = it->answers;
    in->answers_json = it->answers_json;
    /* the whole item as sent, canonical: the same id with another body is a conflict */
    char *body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    if (body)
        fx_sha256_hex(body, strlen(body), it->hash);
    free(body);
    in->body_hash = it->hash;
}

static int visits_job(db_conn *c, void *arg)
{
    struct visits_op *op = arg;
    for (size_t i = 0; i < op->n; i++) {
        struct visit_item *it = &op->items[i];
        if (it->rejected)
            continue;
        /* one visit's failure rolls back only its own changes */
        if (db_exec(c, "SAVEPOINT sweep_visit") != DB_OK)
            return DB_ERR;
        int rc = sweep_visit_record(c, &op->r->act, &it->in, &it->out, &it->err);
        if (rc < 0) {
            it->rejected = true;
            char msg[sizeof it->err.msg + 32];
            snprintf(msg, sizeof msg, "visits[%zu].%s", i, it->err.msg);
            fx_copy(it->err.msg, sizeof it->err.msg, msg);
            if (db_exec(c, "ROLLBACK TO sweep_visit") != DB_OK)
                return DB_ERR;
        }
        if (db_exec(c, "RELEASE sweep_visit") != DB_OK)
            return DB_ERR;
    }
    return 0;
}

static int visits_done(http_req *r, int rc)
{
    struct visits_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, NULL);
    json_t *results = json_array();
    int counts[3] = {0};
    for (size_t i = 0; i < op->n; i++) {
        struct visit_item *it = &op->items[i];
        const sweep_visit *v = &it->out;
        int st = it->rejected ? 2 : v->duplicate ? 1 : 0;
        counts[st]++;
        static const char *const status[] = {"ok", "duplicate", "rejected"};
        json_t *j = json_pack("{s:o, s:s}", "id", it->id ? json_string(it->id) : json_null(), "status", status[st]);
        if (it->rejected) {
            json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", it->err.code, "message", it->err.msg));
        } else {
            json_object_set_new(j, "visit", json_integer(v->id));
            json_object_set_new(j, "outcome", json_string(v->outcome));
            json_object_set_new(j, "decision", v->decision[0] ? json_string(v->decision) : json_null());
            json_object_set_new(j, "rule", v->rule[0] ? json_string(v->rule) : json_null());
            json_object_set_new(j, "isolation", v->isolation_id ? json_integer(v->isolation_id) : json_null());
            json_object_set_new(j, "request", v->request_id ? json_integer(v->request_id) : json_null());
            api_recall_set(j, v->recall_id, v->recall_round);
        }
        json_array_append_new(results, j);
    }
    return http_json(r, 200, json_pack("{s:o, s:{s:i, s:i, s:i}}", "results", results, "summary", "ok", counts[0],
                                       "duplicate", counts[1], "rejected", counts[2]));
}

static int post_visits(http_req *r)
{
    json_t *visits = http_batch(r, "visits", VISITS_MAX, "door-to-door visits");
    if (!visits)
        return HTTP_DONE;
    size_t n = json_array_size(visits);
    struct visits_op *op = calloc(1, sizeof *op);
    if (op)
        op->items = calloc(n ? n : 1, sizeof *op->items);
    if (!op || !op->items) {
        free(op);
        return http_error(r, 500, "internal", "out of memory");
    }
    op->r = r;
    op->n = n;
    for (size_t i = 0; i < n; i++)
        read_visit(json_array_get(visits, i), i, &op->items[i]);
    return http_defer(r, visits_job, op, visits_free, visits_done);
}

const route api_sweep_routes[] = {
    {"POST", "/api/v1/sweep-questions", ACT_SWEEP_WRITE, post_qset, ROUTE_JSON, 65536},
    {"GET", "/api/v1/sweep-questions", ACT_SWEEP_READ, list_qsets, 0, 0},
    {"GET", "/api/v1/sweep-questions/{id}", ACT_SWEEP_READ, get_qset, 0, 0},
    {"POST", "/api/v1/sweeps", ACT_SWEEP_WRITE, post_sweep, ROUTE_JSON, 4096},
    {"GET", "/api/v1/sweeps", ACT_SWEEP_READ, list_sweeps, 0, 0},
    {"GET", "/api/v1/sweeps/{id}", ACT_SWEEP_READ, get_sweep, 0, 0},
    {"GET", "/api/v1/exports/sweeps/{id}", ACT_SWEEP_WRITE, export_sweep, 0, 0},
    {"POST", "/api/v1/sweeps/{id}/split", ACT_SWEEP_WRITE, post_split, ROUTE_JSON, 65536},
    {"GET", "/api/v1/sweep-teams", ACT_SWEEP_READ, my_teams, 0, 0},
    {"GET", "/api/v1/sweep-teams/{id}/households", ACT_SWEEP_READ, team_households, 0, 0},
    {"POST", "/api/v1/sweep-visits", ACT_SWEEP_VISIT, post_visits, ROUTE_JSON, (size_t)2 << 20},
    {0},
};
