/* api_isolation.c — isolation cases: open, move (transfer), release, check-ins; the daily
 * worklist and its test recalls; 应隔尽隔 gaps; policy versions. */
#include "http/api.h"

#include "core/iso_summary.h"
#include "core/isolation.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *policy_json(const iso_policy *p)
{
    json_t *days = json_array();
    for (int i = 0; i < p->ntest_days; i++)
        json_array_append_new(days, json_integer(p->test_days[i]));
    return json_pack("{s:I, s:s, s:i, s:i, s:o, s:i, s:s, s:I}", "id", (json_int_t)p->id, "type", p->type, "version",
                     p->version, "days", p->days, "test_days", days, "checkins_per_day", p->checkins_per_day,
                     "created_by", p->created_by, "created_at", (json_int_t)p->created_at);
}

static json_t *iso_json(const isolation *o)
{
    json_t *dates = json_array();
    for (int i = 0; i < o->policy.ntest_days; i++)
        json_array_append_new(dates, json_integer(o->day0 + (int64_t)(o->policy.test_days[i] - 1) * 86400));
    json_t *j = json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:o, s:s, s:s, s:I}", "id",
                          (json_int_t)o->id, "person", "id", (json_int_t)o->person_id, "name", o->person_name, "area",
                          o->area_code, "type", o->type, "reason", o->reason, "status", o->status, "policy",
                          policy_json(&o->policy), "start", (json_int_t)o->start_at, "day1", (json_int_t)o->day0,
                          "planned_end", (json_int_t)o->planned_end, "test_dates", dates, "note", o->note,
                          "created_by", o->created_by, "created_at", (json_int_t)o->created_at);
    json_object_set_new(j, "tube", o->tube[0] ? json_string(o->tube) : json_null());
    json_object_set_new(j, "released_at", o->released_at ? json_integer(o->released_at) : json_null());
    if (o->released_at)
        json_object_set_new(j, "released_by", json_string(o->released_by));
    return j;
}

/* The conditions of release still unmet, named as the refusal names them. */
static json_t *release_json(const iso_release_facts *f)
{
    json_t *unmet = json_array();
    if (f->unmet & ISO_UNMET_LAST_DAY)
        json_array_append_new(unmet, json_string("last_day_not_reached"));
    if (f->unmet & ISO_UNMET_NEGATIVE)
        json_array_append_new(unmet, json_string("no_negative_result"));
    json_t *j = json_pack("{s:o, s:I, s:I}", "unmet", unmet, "last_day", (json_int_t)f->last_day_at, "last_test_day",
                          (json_int_t)f->last_test_at);
    json_object_set_new(j, "negative_sample_at", f->negative_at ? json_integer(f->negative_at) : json_null());
    return j;
}

/* ---- one case: the deferred writes share this ---- */

struct iso_op {
    http_req *r;
    int64_t id;
    iso_input in;
    const char *type;
    long long version;
    iso_checkin_input ck;
    char symptoms[200];
    int64_t checkin_id;
    bool flagged;
    int status; /* of a success */
    isolation out;
    fx_err err;
};

static int iso_done(http_req *r, int rc)
{
    struct iso_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, op->status ? op->status : 200, iso_json(&op->out));
}

static int create_job(db_conn *c, void *arg)
{
    struct iso_op *op = arg;
    return iso_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static struct iso_op *op_new(http_req *r, bool with_id)
{
    struct iso_op *op = calloc(1, sizeof *op);
    if (!op) {
        http_error(r, 500, "internal", "out of memory");
        return NULL;
    }
    op->r = r;
    if (with_id && !http_parse_id(r->param[0], &op->id)) {
        http_error(r, 404, "isolation_not_found", "isolation case %.24s does not exist", r->param[0]);
        free(op);
        return NULL;
    }
    return op;
}

static int post_isolation(http_req *r)
{
    static const char *const fields[] = {"person", "type", "reason", "start", "note", NULL};
    struct iso_op *op = op_new(r, false);
    if (!op)
        return HTTP_DONE;
    long long person_id, start = 0;
    if (http_known_fields(r, fields) || http_int(r, "person", true, 1, INT64_MAX, &person_id, NULL) ||
        http_str(r, "type", true, 20, &op->in.type) || http_str(r, "reason", true, 24, &op->in.reason) ||
        http_int(r, "start", false, 1, 4102444800LL, &start, NULL) || http_str(r, "note", false, 100, &op->in.note)) {
        free(op);
        return HTTP_DONE;
    }
    op->in.person_id = person_id;
    op->in.start_at = start;
    op->status = 201;
    return http_defer(r, create_job, op, free, iso_done);
}

static int release_job(db_conn *c, void *arg)
{
    struct iso_op *op = arg;
    return iso_release(c, &op->r->act, op->id, &op->out, &op->err);
}

static int release_isolation(http_req *r)
{
    struct iso_op *op = op_new(r, true);
    return op ? http_defer(r, release_job, op, free, iso_done) : HTTP_DONE;
}

static int move_job(db_conn *c, void *arg)
{
    struct iso_op *op = arg;
    return iso_move(c, &op->r->act, op->id, op->type, (int)op->version, &op->out, &op->err);
}

static int move_isolation(http_req *r)
{
    static const char *const fields[] = {"type", "version", NULL};
    struct iso_op *op = op_new(r, true);
    if (!op)
        return HTTP_DONE;
    if (http_known_fields(r, fields) || http_str(r, "type", false, 20, &op->type) ||
        http_int(r, "version", false, 1, 100000, &op->version, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, move_job, op, free, iso_done);
}

static int checkin_job(db_conn *c, void *arg)
{
    struct iso_op *op = arg;
    return iso_checkin(c, &op->r->act, op->id, &op->ck, &op->checkin_id, &op->flagged, &op->err);
}

static int checkin_done(http_req *r, int rc)
{
    struct iso_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    return http_json(r, 201, json_pack("{s:I, s:I, s:b}", "id", (json_int_t)op->checkin_id, "isolation",
                                       (json_int_t)op->id, "flagged", op->flagged));
}

static int post_checkin(http_req *r)
{
    static const char *const fields[] = {"temperature", "symptoms", "note", "at", NULL};
    struct iso_op *op = op_new(r, true);
    if (!op)
        return HTTP_DONE;
    long long at = 0;
    if (http_known_fields(r, fields) || http_str(r, "note", false, 100, &op->ck.note) ||
        http_int(r, "at", false, 1, 4102444800LL, &at, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    op->ck.at = at;
    json_t *t = json_object_get(r->json, "temperature"), *sy = json_object_get(r->json, "symptoms");
    if (t && !json_is_null(t)) {
        if (!json_is_number(t)) {
            free(op);
            return http_error(r, 400, "invalid_field", "field \"temperature\" must be a number of degrees Celsius");
        }
        op->ck.has_temperature = true;
        op->ck.temperature = json_number_value(t);
    }
    if (sy && !json_is_null(sy)) {
        size_t k, used = 0;
        json_t *it;
        if (!json_is_array(sy) || json_array_size(sy) > 8) {
            free(op);
            return http_error(r, 400, "invalid_field", "field \"symptoms\" must be a list of up to 8 symptoms");
        }
        json_array_foreach(sy, k, it)
        {
            if (!json_is_string(it) || json_string_length(it) == 0 || json_string_length(it) > 20) {
                free(op);
                return http_error(r, 400, "invalid_field", "symptoms[%zu]: expected a symptom such as fever", k);
            }
            used += (size_t)snprintf(op->symptoms + used, sizeof op->symptoms - used, "%s%s", k ? "," : "",
                                     json_string_value(it));
        }
    }
    if (!op->ck.has_temperature && !sy) {
        free(op);
        return http_error(r, 400, "missing_field", "a check-in needs temperature and/or symptoms ([] for none)");
    }
    op->ck.symptoms = op->symptoms;
    return http_defer(r, checkin_job, op, free, checkin_done);
}

/* ---- reads ---- */

static int get_isolation(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    int64_t id;
    isolation o;
    if (!http_parse_id(r->param[0], &id) || iso_get(c, id, &o) != DB_ROW || !perm_in_scope(&r->who, o.area_path))
        return http_error(r, 404, "isolation_not_found", "isolation case %.24s does not exist in your area",
                          r->param[0]);
    json_t *j = iso_json(&o);
    iso_release_facts f;
    if (strcmp(o.status, "active") == 0) {
        if (iso_release_check(c, &o, fx_now(), &f) != 0) {
            json_decref(j);
            return http_error(r, 500, "internal", "could not read the results");
        }
        json_object_set_new(j, "release", release_json(&f));
    }
    iso_checkin_row ck[28]; /* two weeks of two a day */
    int n = iso_checkin_list(c, id, ck, 28);
    if (n < 0) {
        json_decref(j);
        return http_error(r, 500, "internal", "could not read the check-ins");
    }
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *sy = json_array();
        for (const char *p = ck[i].symptoms; *p;) {
            size_t len = strcspn(p, ",");
            json_array_append_new(sy, json_stringn(p, len));
            p += len + (p[len] == ',');
        }
        json_t *row = json_pack("{s:I, s:I, s:o, s:s, s:s}", "id", (json_int_t)ck[i].id, "at", (json_int_t)ck[i].at,
                              "symptoms", sy, "note", ck[i].note, "recorded_by", ck[i].recorded_by);
        json_object_set_new(row, "temperature", ck[i].has_temperature ? json_real(ck[i].temperature) : json_null());
        json_array_append_new(list, row);
    }
    json_object_set_new(j, "checkins", list);
    return http_json(r, 200, j);
}

static json_t *render_iso(const void *row) { return iso_json(row); }

static int list_isolations(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    const char *status = http_query(r, "status");
    if (status && strcmp(status, "active") != 0 && strcmp(status, "released") != 0)
        return http_error(r, 400, "invalid_field", "status: expected active or released");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    isolation *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = iso_list(c, api_scope(r), status, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(isolation, id), render_iso);
    free(rows);
    return HTTP_DONE;
}

static json_t *render_work(const void *row)
{
    const iso_work *w = row;
    json_t *j = json_pack("{s:o, s:i, s:i, s:i, s:b, s:b, s:b, s:b}", "isolation", iso_json(&w->iso), "day", w->day,
                          "checkins_today", w->checkins_today, "checkins_due", w->checkins_due, "test_due",
                          w->test_due, "ending", w->ending, "releasable", w->releasable, "transfer", w->transfer);
    json_object_set_new(j, "last_temperature", w->last_temperature > 0 ? json_real(w->last_temperature) : json_null());
    return j;
}

static int get_worklist(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    iso_work *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = iso_worklist(c, api_scope(r), fx_now(), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(iso_work, iso.id), render_work);
    free(rows);
    return HTTP_DONE;
}

static json_t *render_gap(const void *row)
{
    const iso_gap *g = row;
    json_t *j = json_pack("{s:{s:I, s:s}, s:s, s:s, s:I}", "person", "id", (json_int_t)g->person_id, "name", g->name,
                          "area", g->area_code, "source", g->source, "since", (json_int_t)g->since);
    json_object_set_new(j, "tube", g->tube[0] ? json_string(g->tube) : json_null());
    return j;
}

static int get_gaps(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    iso_gap *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = iso_gaps(c, api_scope(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(iso_gap, person_id), render_gap);
    free(rows);
    return HTTP_DONE;
}

/* The dashboard's numbers for ?area=CODE (default: one's area), counted, not listed. */
static int get_summary(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *scope = api_scope(r), *code = http_query(r, "area");
    area a;
    if (code) {
        if (area_get(c, code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
        scope = a.path;
    }
    iso_summary sm;
    if (iso_summary_get(c, scope, fx_now(), &sm) != 0)
        return http_error(r, 500, "internal", "could not count the cases");
    json_t *by_type = json_object(), *alarms = json_object(), *zones = json_object();
    int64_t total = 0, open = 0;
    for (int i = 0; i < ISUM_TYPES; i++) {
        json_object_set_new(by_type, isum_type_names[i], json_integer(sm.active[i]));
        total += sm.active[i];
    }
    for (int i = 0; i < ISUM_ALARM_KINDS; i++) {
        json_object_set_new(alarms, isum_alarm_names[i], json_integer(sm.alarms[i]));
        open += sm.alarms[i];
    }
    json_object_set_new(alarms, "total", json_integer(open));
    for (int i = 0; i < ISUM_ZONE_KINDS; i++) {
        json_t *z = json_pack("{s:I, s:I}", "active", (json_int_t)sm.zones[i].active, "proposed",
                              (json_int_t)sm.zones[i].proposed);
        json_object_set_new(z, "next_stage_at", sm.zones[i].next_at ? json_integer(sm.zones[i].next_at) : json_null());
        json_object_set_new(zones, isum_zone_names[i], z);
    }
    return http_json(r, 200,
                     json_pack("{s:s, s:{s:I, s:o}, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "area", code ? a.code : "",
                               "cases", "active", (json_int_t)total, "by_type", by_type, "ending",
                               (json_int_t)sm.ending, "checkins_due", (json_int_t)sm.checkins_due, "test_due",
                               (json_int_t)sm.test_due, "releasable", (json_int_t)sm.releasable, "gaps",
                               (json_int_t)sm.gaps, "alarms", alarms, "zones", zones));
}

/* ---- test recalls into a round ---- */

struct recall_op {
    http_req *r;
    int64_t round;
    int recalled;
    fx_err err;
};

static int recall_job(db_conn *c, void *arg)
{
    struct recall_op *op = arg;
    return iso_recall_tests(c, &op->r->act, op->round, &op->recalled, &op->err);
}

static int recall_done(http_req *r, int rc)
{
    struct recall_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err)
                  : http_json(r, 200, json_pack("{s:I, s:i}", "round", (json_int_t)op->round, "recalled", op->recalled));
}

static int post_recall_tests(http_req *r)
{
    struct recall_op *op =
        http_op_for_id(r, sizeof *op, offsetof(struct recall_op, round), "round_not_found", "round");
    return op ? http_defer(r, recall_job, op, free, recall_done) : HTTP_DONE;
}

/* ---- policies ---- */

static int list_policies(http_req *r)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    iso_policy rows[200];
    int n = iso_policy_list(c, rows, 200);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the policies");
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, policy_json(&rows[i]));
    return http_list(r, items, 0);
}

struct policy_op {
    http_req *r;
    const char *type;
    long long days, checkins;
    char test_days[80];
    iso_policy out;
    fx_err err;
};

static int policy_job(db_conn *c, void *arg)
{
    struct policy_op *op = arg;
    return iso_policy_create(c, &op->r->act, op->type, (int)op->days, op->test_days, (int)op->checkins, &op->out,
                             &op->err);
}

static int policy_done(http_req *r, int rc)
{
    struct policy_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, policy_json(&op->out));
}

static int post_policy(http_req *r)
{
    static const char *const fields[] = {"type", "days", "test_days", "checkins_per_day", NULL};
    struct policy_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (http_known_fields(r, fields) || http_str(r, "type", true, 20, &op->type) ||
        http_int(r, "days", true, 1, 60, &op->days, NULL) ||
        http_int(r, "checkins_per_day", true, 0, 6, &op->checkins, NULL)) {
        free(op);
        return HTTP_DONE;
    }
    json_t *td = json_object_get(r->json, "test_days"), *it;
    size_t k, used = 0;
    if (!json_is_array(td) || json_array_size(td) == 0 || json_array_size(td) > ISO_TEST_DAYS_MAX) {
        free(op);
        return http_error(r, 400, "invalid_field", "field \"test_days\" must be a list of 1 to %d day numbers, e.g."
                                                   " [1,4,7]", ISO_TEST_DAYS_MAX);
    }
    json_array_foreach(td, k, it)
    {
        if (!json_is_integer(it) || json_integer_value(it) < 1 || json_integer_value(it) > op->days) {
            long long days = op->days;
            free(op);
            return http_error(r, 400, "invalid_field", "test_days[%zu]: expected a day between 1 and days (%lld)", k,
                              days);
        }
        used += (size_t)snprintf(op->test_days + used, sizeof op->test_days - used, "%s%lld", k ? "," : "",
                                 (long long)json_integer_value(it));
    }
    return http_defer(r, policy_job, op, free, policy_done);
}

const route api_isolation_routes[] = {
    /* literal paths before /isolations/{id} */
    {"GET", "/api/v1/isolations/worklist", ACT_ISO_CHECKIN, get_worklist, 0, 0},
    {"GET", "/api/v1/isolations/gaps", ACT_ISO_READ, get_gaps, 0, 0},
    {"GET", "/api/v1/isolations/summary", ACT_ISO_READ, get_summary, 0, 0},
    {"GET", "/api/v1/isolations", ACT_ISO_READ, list_isolations, 0, 0},
    {"POST", "/api/v1/isolations", ACT_ISO_WRITE, post_isolation, ROUTE_JSON, 4096},
    {"GET", "/api/v1/isolations/{id}", ACT_ISO_READ, get_isolation, 0, 0},
    {"POST", "/api/v1/isolations/{id}/release", ACT_ISO_WRITE, release_isolation, 0, 0},
    {"POST", "/api/v1/isolations/{id}/move", ACT_ISO_WRITE, move_isolation, ROUTE_JSON, 1024},
    {"POST", "/api/v1/isolations/{id}/checkins", ACT_ISO_CHECKIN, post_checkin, ROUTE_JSON, 4096},
    {"POST", "/api/v1/rounds/{id}/isolation-recalls", ACT_ISO_CHECKIN, post_recall_tests, 0, 0},
    {"GET", "/api/v1/isolation-policies", ACT_ISO_READ, list_policies, 0, 0},
    {"POST", "/api/v1/isolation-policies", ACT_POLICY_WRITE, post_policy, ROUTE_JSON, 1024},
    {0},
};
