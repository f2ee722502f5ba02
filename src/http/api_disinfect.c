/* api_disinfect.c — disinfection: schedules per place, the treatment log, overdue places
 * and the setting that schedules a new isolation case's home. */
#include "http/api.h"

#include "core/disinfect.h"
#include "util/fx_clock.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREATMENTS_SHOWN 20

static json_t *id_or_null(int64_t v) { return v ? json_integer(v) : json_null(); }

static json_t *schedule_json(const disinfect_schedule *d, int64_t now)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:b, s:I, s:b, s:s, s:I}", "id", (json_int_t)d->id, "kind",
                          d->kind, "place", d->place, "area", d->area_code, "interval_s", (json_int_t)d->interval_s,
                          "agent", d->agent, "active", d->active, "due_at", (json_int_t)d->due_at, "overdue",
                          d->active && d->due_at < now, "created_by", d->created_by, "created_at",
                          (json_int_t)d->created_at);
    json_object_set_new(j, "site", id_or_null(d->site_id));
    json_object_set_new(j, "household", id_or_null(d->household_id));
    json_object_set_new(j, "isolation", id_or_null(d->isolation_id));
    json_object_set_new(j, "last_at", id_or_null(d->last_at));
    return j;
}
static json_t *render_schedule(const void *row) { return schedule_json(row, fx_now()); }

static json_t *treatment_json(const disinfect_treatment *t)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)t->id,
                          "schedule", (json_int_t)t->schedule_id, "place", t->place, "team", t->team, "agent", t->agent,
                          "concentration", t->concentration, "at", (json_int_t)t->at, "operator", t->operator_,
                          "note", t->note, "created_by", t->created_by, "created_at", (json_int_t)t->created_at);
    json_object_set_new(j, "team_id", id_or_null(t->team_id));
    return j;
}
static json_t *render_treatment(const void *row) { return treatment_json(row); }

static int list_schedules(http_req *r)
{
    int limit;
    int64_t cursor;
    const char *overdue = http_query(r, "overdue");
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    bool only = overdue && strcmp(overdue, "1") == 0;
    int64_t now = fx_now();
    disinfect_schedule *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = disinfect_schedule_list(c, api_scope(r), only, now, cursor, rows, only ? limit : limit + 1);
    if (only) { /* most overdue first, one page, with how many there are in all */
        int64_t total = disinfect_overdue_count(c, api_scope(r), now);
        json_t *items = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(items, schedule_json(&rows[i], now));
        free(rows);
        if (n < 0 || total < 0) {
            json_decref(items);
            return http_error(r, 500, "internal", "could not read the schedules");
        }
        return http_json(r, 200, json_pack("{s:o, s:n, s:I}", "items", items, "next_cursor", "total", (json_int_t)total));
    }
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(disinfect_schedule, id), render_schedule);
    free(rows);
    return HTTP_DONE;
}

static int get_schedule(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    int64_t id;
    disinfect_schedule d;
    if (!http_parse_id(r->param[0], &id) || disinfect_schedule_get(c, id, &d) != DB_ROW ||
        !perm_in_scope(&r->who, d.area_path))
        return http_error(r, 404, "schedule_not_found", "schedule %.24s does not exist in your area", r->param[0]);
    disinfect_treatment t[TREATMENTS_SHOWN];
    int n = disinfect_treatment_list(c, api_scope(r), id, 0, t, TREATMENTS_SHOWN);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the treatments");
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, treatment_json(&t[i]));
    json_t *j = schedule_json(&d, fx_now());
    json_object_set_new(j, "treatments", a);
    return http_json(r, 200, j);
}

struct schedule_op {
    http_req *r;
    int64_t id, interval_s;
    int active;
    const char *agent;
    disinfect_input in;
    disinfect_schedule out;
    int status;
    fx_err err;
};

static int schedule_create_job(db_conn *c, void *arg)
{
    struct schedule_op *op = arg;
    return disinfect_schedule_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int schedule_update_job(db_conn *c, void *arg)
{
    struct schedule_op *op = arg;
    return disinfect_schedule_update(c, &op->r->act, op->id, op->interval_s, op->agent, op->active, &op->out, &op->err);
}

static int schedule_done(http_req *r, int rc)
{
    struct schedule_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, op->status, schedule_json(&op->out, fx_now()));
}

static int post_schedule(http_req *r)
{
    static const char *const fields[] = {"kind", "area", "site", "household", "isolation", "interval_h", "agent", NULL};
    struct schedule_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->status = 201;
    long long site = 0, hh = 0, iso = 0, hours;
    if (http_known_fields(r, fields) || http_str(r, "kind", true, 8, &op->in.kind) ||
        http_str(r, "area", false, 64, &op->in.area) || http_int(r, "site", false, 1, INT64_MAX, &site, NULL) ||
        http_int(r, "household", false, 1, INT64_MAX, &hh, NULL) ||
        http_int(r, "isolation", false, 1, INT64_MAX, &iso, NULL) ||
        http_int(r, "interval_h", true, 1, 720, &hours, NULL) || http_str(r, "agent", true, 50, &op->in.agent)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.site_id = site;
    op->in.household_id = hh;
    op->in.isolation_id = iso;
    op->in.interval_s = hours * 3600;
    return http_defer(r, schedule_create_job, op, free, schedule_done);
}

static int patch_schedule(http_req *r)
{
    static const char *const fields[] = {"interval_h", "agent", "active", NULL};
    struct schedule_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->status = 200;
    long long hours = 0;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "schedule_not_found", "schedule %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_int(r, "interval_h", false, 1, 720, &hours, NULL) ||
        http_str(r, "agent", false, 50, &op->agent) || http_bool(r, "active", &op->active)) {
        free(op);
        return HTTP_DONE;
    }
    op->interval_s = hours * 3600;
    return http_defer(r, schedule_update_job, op, free, schedule_done);
}

/* ---- treatments ---- */

struct treat_op {
    http_req *r;
    treatment_input in;
    disinfect_treatment out;
    fx_err err;
};

static int treat_job(db_conn *c, void *arg)
{
    struct treat_op *op = arg;
    return disinfect_treat(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int treated(http_req *r, int rc)
{
    struct treat_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, treatment_json(&op->out));
}

static int post_treatment(http_req *r)
{
    static const char *const fields[] = {"team", "team_id", "agent", "concentration", "at", "operator", "note", NULL};
    struct treat_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    long long team_id = 0, at = 0;
    if (!http_parse_id(r->param[0], &op->in.schedule_id)) {
        free(op);
        return http_error(r, 404, "schedule_not_found", "schedule %.24s does not exist", r->param[0]);
    }
    if (http_known_fields(r, fields) || http_str(r, "team", false, 50, &op->in.team) ||
        http_int(r, "team_id", false, 1, INT64_MAX, &team_id, NULL) || http_str(r, "agent", false, 50, &op->in.agent) ||
        http_str(r, "concentration", false, 30, &op->in.concentration) ||
        http_int(r, "at", false, 1, 4102444800LL, &at, NULL) || http_str(r, "operator", false, 30, &op->in.operator_) ||
        http_str(r, "note", false, 100, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.team_id = team_id;
    op->in.at = at;
    return http_defer(r, treat_job, op, free, treated);
}

static int list_treatments(http_req *r)
{
    int limit;
    int64_t cursor, schedule = 0;
    const char *sv = http_query(r, "schedule");
    if (http_page(r, 50, 500, &limit, &cursor))
        return HTTP_DONE;
    if (sv && *sv && !http_parse_id(sv, &schedule))
        return http_error(r, 400, "invalid_schedule", "schedule: a schedule id");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    disinfect_treatment *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = disinfect_treatment_list(c, api_scope(r), schedule, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(disinfect_treatment, id), render_treatment);
    free(rows);
    return HTTP_DONE;
}

/* ---- settings ---- */

static json_t *settings_json(const disinfect_settings *s)
{
    return json_pack("{s:b, s:I, s:s, s:s, s:I}", "auto_home", s->auto_home, "home_interval_h",
                     (json_int_t)(s->home_interval_s / 3600), "home_agent", s->home_agent, "updated_by", s->updated_by,
                     "updated_at", (json_int_t)s->updated_at);
}

static int get_settings(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    disinfect_settings s;
    if (disinfect_settings_get(c, &s) != 0)
        return http_error(r, 500, "internal", "could not read the settings");
    return http_json(r, 200, settings_json(&s));
}

struct settings_op {
    http_req *r;
    int auto_home;
    long long hours;
    const char *agent;
    disinfect_settings out;
    fx_err err;
};

static int settings_job(db_conn *c, void *arg)
{
    struct settings_op *op = arg;
    if (disinfect_settings_get(c, &op->out) != 0)
        return fx_fail(&op->err, FX_EINTERNAL, "db_error", "could not read the settings");
    if (op->auto_home >= 0)
        op->out.auto_home = op->auto_home;
    if (op->hours)
        op->out.home_interval_s = op->hours * 3600;
    if (op->agent)
        fx_copy(op->out.home_agent, sizeof op->out.home_agent, op->agent);
    int rc = disinfect_settings_set(c, &op->r->act, &op->out, &op->err);
    return rc ? rc : (disinfect_settings_get(c, &op->out) == 0 ? 0 : DB_ERR);
}

static int settings_done(http_req *r, int rc)
{
    struct settings_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, settings_json(&op->out));
}

static int put_settings(http_req *r)
{
    static const char *const fields[] = {"auto_home", "home_interval_h", "home_agent", NULL};
    if (r->who.role != ROLE_ADMIN && r->who.role != ROLE_OFFICER)
        return http_error(r, 403, "forbidden", "only officers and admins change the disinfection settings");
    struct settings_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (http_known_fields(r, fields) || http_bool(r, "auto_home", &op->auto_home) ||
        http_int(r, "home_interval_h", false, 1, 720, &op->hours, NULL) ||
        http_str(r, "home_agent", false, 50, &op->agent)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, settings_job, op, free, settings_done);
}

const route api_disinfect_routes[] = {
    {"GET", "/api/v1/disinfection/schedules", ACT_DISINFECT_READ, list_schedules, 0, 0},
    {"POST", "/api/v1/disinfection/schedules", ACT_DISINFECT_WRITE, post_schedule, ROUTE_JSON, 2048},
    {"GET", "/api/v1/disinfection/schedules/{id}", ACT_DISINFECT_READ, get_schedule, 0, 0},
    {"PATCH", "/api/v1/disinfection/schedules/{id}", ACT_DISINFECT_WRITE, patch_schedule, ROUTE_JSON, 1024},
    {"POST", "/api/v1/disinfection/schedules/{id}/treatments", ACT_DISINFECT_WRITE, post_treatment, ROUTE_JSON, 2048},
    {"GET", "/api/v1/disinfection/treatments", ACT_DISINFECT_READ, list_treatments, 0, 0},
    {"GET", "/api/v1/disinfection/settings", ACT_DISINFECT_READ, get_settings, 0, 0},
    {"PUT", "/api/v1/disinfection/settings", ACT_DISINFECT_WRITE, put_settings, ROUTE_JSON, 1024},
    {0},
};
