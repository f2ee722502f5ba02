/* api_result.c — lab results (JSON or CSV), a tube's result history, the positive
 * flow's lists (recalls, pending control, positive pools), the officer's confirming
 * action, and a tube's trace to households and buildings. */
#include "http/api.h"

#include "core/positive.h"
#include "core/result.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- POST /api/v1/results ---- */

struct res_batch {
    http_req *r;
    result_item *items;
    int n;
};

static void batch_free(void *p)
{
    struct res_batch *b = p;
    free(b->items);
    free(b);
}

static int batch_job(db_conn *c, void *arg)
{
    struct res_batch *b = arg;
    return results_post(c, &b->r->act, b->items, b->n);
}

static int batch_done(http_req *r, int rc)
{
    struct res_batch *b = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, NULL);
    json_t *out = json_array();
    int count[3] = {0, 0, 0};
    for (int i = 0; i < b->n; i++) {
        const result_item *it = &b->items[i];
        json_t *j = json_pack("{s:s, s:s}", "tube", it->tube, "status", it->status);
        if (it->row)
            json_object_set_new(j, "row", json_integer(it->row));
        if (it->corrected)
            json_object_set_new(j, "corrected", json_true());
        if (strcmp(it->status, "rejected") == 0)
            json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", it->err.code, "message", it->err.msg));
        count[strcmp(it->status, "ok") == 0 ? 0 : strcmp(it->status, "duplicate") == 0 ? 1 : 2]++;
        json_array_append_new(out, j);
    }
    return http_json(r, 200, json_pack("{s:o, s:i, s:i, s:i}", "results", out, "ok", count[0], "duplicate", count[1],
                                       "rejected", count[2]));
}

/* A JSON item: {"tube","result","ct"?,"at","correction_reason"?}. */
static void json_item(json_t *o, int index, result_item *it)
{
    static const char *const known[] = {"tube", "result", "ct", "at", "correction_reason", NULL};
    memset(it, 0, sizeof *it);
    if (!json_is_object(o)) {
        it->status = "rejected";
        fx_fail(&it->err, FX_EINVAL, "invalid_item", "results[%d]: expected an object {\"tube\",\"result\",\"at\"}",
                index);
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        bool ok = false;
        for (int i = 0; known[i]; i++)
            ok |= strcmp(k, known[i]) == 0;
        if (!ok) {
            it->status = "rejected";
            fx_fail(&it->err, FX_EINVAL, "unknown_field", "results[%d]: unknown field \"%.40s\"", index, k);
            return;
        }
    }
    const char *tube = json_string_value(json_object_get(o, "tube"));
    if (result_item_set_tube(it, tube) != 0)
        return;
    char buf[32] = "";
    json_t *ct = json_object_get(o, "ct"), *at = json_object_get(o, "at");
    if (ct && !json_is_null(ct)) {
        if (json_is_number(ct))
            snprintf(buf, sizeof buf, "%.6g", json_number_value(ct));
        else
            fx_copy(buf, sizeof buf, "not a number");
    }
    char atbuf[64] = "";
    if (json_is_integer(at))
        snprintf(atbuf, sizeof atbuf, "%lld", (long long)json_integer_value(at));
    else if (json_is_string(at))
        fx_copy(atbuf, sizeof atbuf, json_string_value(at));
    if (result_item_set_result(it, json_string_value(json_object_get(o, "result"))) == 0 &&
        result_item_set_ct(it, buf) == 0 && result_item_set_at(it, atbuf) == 0)
        result_item_set_reason(it, json_string_value(json_object_get(o, "correction_reason")));
    if (it->status && it->err.msg[0]) { /* name the item in the message */
        char msg[sizeof it->err.msg + 24];
        snprintf(msg, sizeof msg, "results[%d]: %s", index, it->err.msg);
        fx_copy(it->err.msg, sizeof it->err.msg, msg);
    }
}

static int post_results(http_req *r)
{
    struct res_batch *b = calloc(1, sizeof *b);
    if (!b)
        return http_error(r, 500, "internal", "out of memory");
    b->r = r;
    const char *ct = r->content_type ? r->content_type : "application/json";
    if (strncasecmp(ct, "text/csv", 8) == 0) {
        int fd = http_body_fd(r, "results");
        if (fd < 0) {
            free(b);
            return http_error(r, 500, "internal", "could not read the file");
        }
        fx_err e = {0};
        int rc = result_csv_read(fd, &b->items, &b->n, &e);
        close(fd);
        if (rc) {
            batch_free(b);
            return http_fail(r, &e);
        }
    } else if (strncasecmp(ct, "application/json", 16) == 0) {
        json_error_t je;
        json_t *body = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
        json_t *list = json_object_get(body, "results");
        if (!body || !json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > RESULTS_MAX) {
            json_decref(body);
            free(b);
            return http_error(r, 400, "invalid_json",
                              "send {\"results\":[{\"tube\",\"result\",\"ct\"?,\"at\"}, …]} with 1 to %d items, or "
                              "text/csv with the header tube,result,ct,at",
                              RESULTS_MAX);
        }
        b->n = (int)json_array_size(list);
        b->items = calloc((size_t)b->n, sizeof *b->items);
        if (!b->items) {
            json_decref(body);
            free(b);
            return http_error(r, 500, "internal", "out of memory");
        }
        for (int i = 0; i < b->n; i++)
            json_item(json_array_get(list, (size_t)i), i, &b->items[i]);
        json_decref(body);
    } else {
        free(b);
        return http_error(r, 415, "unsupported_media_type", "send application/json or text/csv");
    }
    return http_defer(r, batch_job, b, batch_free, batch_done);
}

/* ---- a tube: result history, confirm, trace ---- */

static bool tube_visible(http_req *r, tube_ref *t)
{
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return false;
    if (tube_ref_get(c, r->param[0], t) == DB_ROW &&
        (perm_in_scope(&r->who, t->site_path) || perm_in_scope(&r->who, t->round_path)))
        return true;
    http_error(r, 404, "tube_not_found", "tube %.40s does not exist in your area", r->param[0]);
    return false;
}

static json_t *version_json(const result_version *v)
{
    json_t *j = json_pack("{s:i, s:s, s:I, s:s}", "version", v->version, "result", v->result, "at", (json_int_t)v->at,
                          "posted_by", v->posted_by);
    json_object_set_new(j, "ct", v->has_ct ? json_real(v->ct) : json_null());
    if (v->replaced_at)
        json_object_set_new(j, "replaced", json_pack("{s:I, s:s, s:s}", "at", (json_int_t)v->replaced_at, "by",
                                                     v->replaced_by, "reason", v->reason));
    return j;
}

static int get_tube_result(http_req *r)
{
    tube_ref t;
    if (!tube_visible(r, &t))
        return HTTP_DONE;
    result_version v[32];
    int n = result_history(http_reader(r), t.id, v, 32);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the result");
    json_t *hist = json_array();
    for (int i = 1; i < n; i++)
        json_array_append_new(hist, version_json(&v[i]));
    return http_json(r, 200, json_pack("{s:s, s:I, s:o, s:o}", "tube", t.barcode, "round", (json_int_t)t.round_id,
                                       "result", n > 0 ? version_json(&v[0]) : json_null(), "history", hist));
}

static json_t *pool_json(const positive_pool *p)
{
    json_t *j = json_pack("{s:s, s:I, s:s, s:i, s:I, s:s}", "tube", p->tube, "round", (json_int_t)p->round_id,
                          "status", p->status, "members", p->members, "detected_at", (json_int_t)p->detected_at,
                          "site_area", p->site_area);
    if (strcmp(p->status, "confirmed") == 0 || p->decided_at) {
        json_t *hh = json_array(), *bl = json_array();
        for (int i = 0; i < p->nhouseholds; i++)
            json_array_append_new(hh, json_integer(p->households[i]));
        for (int i = 0; i < p->nbuildings; i++)
            json_array_append_new(bl, json_string(p->buildings[i]));
        json_t *iso = json_array(), *zn = json_array();
        for (int i = 0; i < p->nisolations; i++)
            json_array_append_new(iso, json_integer(p->isolations[i]));
        for (int i = 0; i < p->nzones; i++)
            json_array_append_new(zn, json_integer(p->zones[i]));
        json_object_set_new(j, "decision", json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "at",
                                                     (json_int_t)p->decided_at, "by", p->decided_by, "note", p->note,
                                                     "households", hh, "buildings", bl, "isolations", iso, "zones",
                                                     zn));
    } else {
        json_object_set_new(j, "decision", json_null());
    }
    return j;
}

struct confirm_op {
    http_req *r;
    char barcode[BARCODE_MAX + 1];
    const char *note;
    positive_pool out;
    fx_err err;
};

static int confirm_job(db_conn *c, void *arg)
{
    struct confirm_op *op = arg;
    return positive_confirm(c, &op->r->act, op->barcode, op->note, &op->out, &op->err);
}

static int confirm_done(http_req *r, int rc)
{
    struct confirm_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    json_t *j = pool_json(&op->out);
    json_object_set_new(j, "already", json_boolean(op->out.already));
    return http_json(r, 200, j);
}

static int confirm_positive(http_req *r)
{
    static const char *const fields[] = {"note", NULL};
    struct confirm_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    fx_copy(op->barcode, sizeof op->barcode, r->param[0]);
    if (http_known_fields(r, fields) || http_str(r, "note", false, 100, &op->note)) {
        free(op);
        return HTTP_DONE;
    }
    return http_defer(r, confirm_job, op, free, confirm_done);
}

/* A person in a list or trace, masked as the person API masks: the ID number and phone
 * in full only for roles that may see them, and only within their area. */
static json_t *who_json(const http_req *r, int64_t id, const char *name, const char *id_number, const char *phone,
                        const char *area_code, const char *area_path)
{
    bool clear = perm_allows(r->who.role, ACT_PERSON_UNMASK) && perm_in_scope(&r->who, area_path);
    char idm[40], ph[24];
    if (clear) {
        fx_copy(idm, sizeof idm, id_number);
        fx_copy(ph, sizeof ph, phone);
    } else {
        person_mask_id(id_number, idm);
        person_mask_phone(phone, ph);
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)id, "name", name, "id_number", idm, "phone",
                     ph, "area", area_code, "masked", !clear);
}

static json_t *trace_person_json(const http_req *r, const trace_person *t, bool member)
{
    json_t *j = who_json(r, t->p.id, t->p.name, t->p.id_number, t->p.phone, t->p.area_code, t->p.area_path);
    json_object_set_new(j, "household", t->p.household_id ? json_integer(t->p.household_id) : json_null());
    json_object_set_new(j, "address", json_string(t->p.address));
    if (member) {
        json_object_set_new(j, "recall", t->recall[0] ? json_pack("{s:s, s:b}", "reason", t->recall, "done",
                                                                  t->recall_done)
                                                      : json_null());
        json_object_set_new(j, "control", t->control[0] ? json_string(t->control) : json_null());
    }
    return j;
}

static int trace(http_req *r)
{
    tube_ref t;
    if (!tube_visible(r, &t))
        return HTTP_DONE;
    long long limit = 100;
    const char *l = http_query(r, "limit");
    if (l && (!fx_parse_i64(l, &limit) || limit < 0 || limit > 1000))
        return http_error(r, 400, "invalid_field", "limit: co-residents listed per building, 0 to 1000");
    tube_trace tr;
    if (tube_trace_get(http_reader(r), t.barcode, (int)limit, &tr) != DB_ROW)
        return http_error(r, 500, "internal", "could not trace the tube");
    json_t *members = json_array(), *households = json_array(), *buildings = json_array();
    for (int i = 0; i < tr.nmembers; i++)
        json_array_append_new(members, trace_person_json(r, &tr.members[i], true));
    /* households: each member's household, with all its people */
    for (int i = 0; i < tr.nmembers; i++) {
        int64_t h = tr.members[i].p.household_id;
        bool seen = !h;
        for (int k = 0; k < i && !seen; k++)
            seen = tr.members[k].p.household_id == h;
        if (seen)
            continue;
        json_t *people = json_array();
        for (int k = 0; k < tr.nmembers; k++)
            if (tr.members[k].p.household_id == h)
                json_array_append_new(people, trace_person_json(r, &tr.members[k], false));
        for (int k = 0; k < tr.nhousemates; k++)
            if (tr.housemates[k].p.household_id == h)
                json_array_append_new(people, trace_person_json(r, &tr.housemates[k], false));
        json_array_append_new(households, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)h, "address",
                                                    tr.members[i].p.address, "residents", people));
    }
    for (int b = 0; b < tr.nbuildings; b++) {
        json_t *people = json_array();
        for (int k = 0; k < tr.nco_residents; k++)
            if (tr.co_residents[k].building_id == tr.buildings[b].id)
                json_array_append_new(people, trace_person_json(r, &tr.co_residents[k], false));
        json_array_append_new(buildings, json_pack("{s:s, s:s, s:i, s:o}", "code", tr.buildings[b].code, "name",
                                                   tr.buildings[b].name, "residents_total",
                                                   tr.buildings[b].residents_total, "other_residents", people));
    }
    int recalled = 0, pending = 0;
    for (int i = 0; i < tr.nmembers; i++) {
        recalled += tr.members[i].recall[0] && !tr.members[i].recall_done;
        pending += strcmp(tr.members[i].control, "pending") == 0;
    }
    json_t *isos = json_array(), *zones = json_array();
    for (int i = 0; tr.has_pool && i < tr.pool.nisolations; i++)
        json_array_append_new(isos, json_integer(tr.pool.isolations[i]));
    for (int i = 0; tr.has_pool && i < tr.pool.nzones; i++)
        json_array_append_new(zones, json_integer(tr.pool.zones[i]));
    json_t *done = json_pack("{s:i, s:i, s:o, s:o, s:o}", "recalled", recalled, "pending_control", pending, "decision",
                             tr.has_pool ? pool_json(&tr.pool) : json_null(), "isolations", isos, "zones", zones);
    json_t *j = json_pack("{s:s, s:I, s:s?, s:o, s:o, s:o, s:b, s:o}", "tube", t.barcode, "round",
                          (json_int_t)t.round_id, "result", tr.result[0] ? tr.result : NULL, "members", members,
                          "households", households, "buildings", buildings, "other_residents_cut",
                          tr.co_residents_cut, "actions", done);
    tube_trace_free(&tr);
    return http_json(r, 200, j);
}

/* ---- round lists ---- */

static _Thread_local const http_req *tl_req;

static json_t *render_control(const void *row)
{
    const control_row *c = row;
    json_t *j = who_json(tl_req, c->person_id, c->name, c->id_number, c->phone, c->area_code, c->area_path);
    json_t *o = json_pack("{s:o, s:s?, s:s, s:I}", "person", j, "tube", c->tube[0] ? c->tube : NULL, "reason", c->reason, "created_at",
                          (json_int_t)c->created_at);
    if (c->id != c->person_id) { /* a recall */
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "done", json_boolean(c->done_at != 0));
        json_object_set_new(o, "retest_tube", c->done_tube[0] ? json_string(c->done_tube) : json_null());
        /* a field finding's recall names its checkpoint entry or sweep visit */
        bool field = strcmp(c->reason, "arrival") == 0 || strcmp(c->reason, "sweep_visit") == 0;
        json_object_set_new(o, "cause", field ? json_pack("{s:s, s:I}", "kind", c->reason, "id",
                                                          (json_int_t)c->cause_id)
                                              : json_null());
    }
    return o;
}

void api_recall_set(json_t *j, int64_t recall_id, int64_t round_id)
{
    json_object_set_new(j, "recall", recall_id && round_id ? json_pack("{s:I, s:I}", "id", (json_int_t)recall_id,
                                                                       "round", (json_int_t)round_id)
                                                           : json_null());
    json_object_set_new(j, "pending_recall", recall_id && !round_id ? json_integer(recall_id) : json_null());
}

static int list_control(http_req *r, bool recalls)
{
    int64_t round;
    int limit;
    int64_t cursor, tube_id = 0;
    if (http_page(r, 100, 500, &limit, &cursor) || !api_round_visible(r, &round))
        return HTTP_DONE;
    db_conn *c = http_reader(r);
    const char *tube = http_query(r, "tube"), *open = http_query(r, "open");
    if (recalls && tube) {
        tube_ref t;
        if (tube_ref_get(c, tube, &t) != DB_ROW || t.round_id != round)
            return http_error(r, 404, "tube_not_found", "tube %.40s is not a tube of round %lld", tube,
                              (long long)round);
        tube_id = t.id;
    }
    control_row *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = recalls ? recall_list(c, round, api_scope(r), tube_id, open && strcmp(open, "1") == 0, cursor, rows,
                                  limit + 1)
                    : pending_list(c, round, api_scope(r), cursor, rows, limit + 1);
    tl_req = r;
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(control_row, id), render_control);
    free(rows);
    return HTTP_DONE;
}

static int list_recalls(http_req *r) { return list_control(r, true); }
static int list_pending(http_req *r) { return list_control(r, false); }

static json_t *render_pool(const void *row) { return pool_json(row); }

static int list_positives(http_req *r)
{
    int64_t round;
    int limit;
    int64_t cursor;
    if (http_page(r, 50, 100, &limit, &cursor) || !api_round_visible(r, &round))
        return HTTP_DONE;
    positive_pool *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = positive_list(http_reader(r), round, api_scope(r), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(positive_pool, tube_id), render_pool);
    free(rows);
    return HTTP_DONE;
}

const route api_result_routes[] = {
    {"POST", "/api/v1/results", ACT_RESULT_POST, post_results, 0, 8u << 20},
    {"GET", "/api/v1/tubes/{barcode}/result", ACT_ROUND_READ, get_tube_result, 0, 0},
    {"POST", "/api/v1/tubes/{barcode}/confirm", ACT_POSITIVE_ACT, confirm_positive, ROUTE_JSON, 2048},
    {"GET", "/api/v1/tubes/{barcode}/trace", ACT_ROUND_READ, trace, 0, 0},
    {"GET", "/api/v1/rounds/{id}/recalls", ACT_ROUND_READ, list_recalls, 0, 0},
    {"GET", "/api/v1/rounds/{id}/pending-control", ACT_ROUND_READ, list_pending, 0, 0},
    {"GET", "/api/v1/rounds/{id}/positives", ACT_ROUND_READ, list_positives, 0, 0},
    {0},
};
