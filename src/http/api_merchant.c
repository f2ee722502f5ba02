/* api_merchant.c — merchants and party-member contact households. */
#include "http/api.h"

#include "core/merchant.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static json_t *merchant_json(const merchant *m)
{
    return json_pack("{s:I, s:s, s:s?, s:s, s:s, s:s, s:s, s:i, s:I}", "id", (json_int_t)m->id, "name", m->name,
                     "licence", m->licence[0] ? m->licence : NULL, "area", m->area_code, "address", m->address,
                     "contact_name", m->contact_name, "contact_phone", m->contact_phone, "staff", m->staff,
                     "created_at", (json_int_t)m->created_at);
}

static json_t *render_merchant(const void *row) { return merchant_json(row); }

static int list_merchants(http_req *r)
{
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *code = http_query(r, "area");
    const char *path = r->who.area_id ? r->who.area_path : "/";
    area a;
    if (code) {
        if (area_get(c, code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
        path = a.path;
    }
    merchant *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = merchant_list(c, path, http_query(r, "q"), cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(merchant, id), render_merchant);
    free(rows);
    return HTTP_DONE;
}

static int get_merchant(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    merchant m;
    if (!http_parse_id(r->param[0], &id) || merchant_get(c, id, &m) != DB_ROW || !perm_in_scope(&r->who, m.area_path))
        return http_error(r, 404, "merchant_not_found", "merchant %.24s does not exist in your area", r->param[0]);
    return http_json(r, 200, merchant_json(&m));
}

struct m_op {
    http_req *r;
    merchant_input in;
    int64_t id, member, household;
    merchant out;
    fx_err err;
    int kind; /* 0 create, 1 update, 2 delete */
};

static int m_job(db_conn *c, void *arg)
{
    struct m_op *op = arg;
    const actor *who = &op->r->act;
    return op->kind == 0   ? merchant_create(c, who, &op->in, &op->out, &op->err)
           : op->kind == 1 ? merchant_update(c, who, op->id, &op->in, &op->out, &op->err)
                           : merchant_delete(c, who, op->id, &op->err);
}

static int m_done(http_req *r, int rc)
{
    struct m_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    if (op->kind == 2)
        return http_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)op->id));
    return http_json(r, op->kind == 0 ? 201 : 200, merchant_json(&op->out));
}

static int defer_merchant(http_req *r, int kind)
{
    static const char *const fields[] = {"name", "licence", "area", "address", "contact_name", "contact_phone", NULL};
    merchant_input in = {0};
    if (kind != 2 && (http_known_fields(r, fields) || http_str(r, "name", kind == 0, 100, &in.name) ||
                      http_str(r, "licence", false, 40, &in.licence) || http_str(r, "area", kind == 0, 64, &in.area) ||
                      http_str(r, "address", false, 100, &in.address) ||
                      http_str(r, "contact_name", false, 50, &in.contact_name) ||
                      http_str(r, "contact_phone", false, 30, &in.contact_phone)))
        return HTTP_DONE;
    struct m_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->in = in;
    op->kind = kind;
    if (kind != 0 && !http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "merchant_not_found", "merchant %.24s does not exist", r->param[0]);
    }
    return http_defer(r, m_job, op, free, m_done);
}

static int create_merchant(http_req *r) { return defer_merchant(r, 0); }
static int update_merchant(http_req *r) { return defer_merchant(r, 1); }
static int delete_merchant(http_req *r) { return defer_merchant(r, 2); }

/* ---- party-member contact households ---- */

static int list_contacts(http_req *r)
{
    int64_t member = 0, household = 0;
    const char *m = http_query(r, "member"), *h = http_query(r, "household");
    if ((m && !http_parse_id(m, &member)) || (h && !http_parse_id(h, &household)) || (!member && !household))
        return http_error(r, 400, "missing_field", "give member=PERSON_ID or household=HOUSEHOLD_ID");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    party_contact rows[200];
    int n = party_contact_list(c, r->who.area_id ? r->who.area_path : NULL, member, household, rows, 200);
    if (n < 0)
        return http_error(r, 500, "internal", "could not read the contacts");
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "member", (json_int_t)rows[i].member_id,
                                               "member_name", rows[i].member_name, "household",
                                               (json_int_t)rows[i].household_id, "address",
                                               rows[i].household_address, "area", rows[i].area_code, "created_at",
                                               (json_int_t)rows[i].created_at));
    return http_list(r, items, 0);
}

static int contact_job(db_conn *c, void *arg)
{
    struct m_op *op = arg;
    return op->kind == 0 ? party_contact_add(c, &op->r->act, op->member, op->household, &op->err)
                         : party_contact_remove(c, &op->r->act, op->member, op->household, &op->err);
}

static int contact_done(http_req *r, int rc)
{
    struct m_op *op = r->ctx;
    if (rc < 0)
        return api_fail(r, rc, &op->err);
    return http_json(r, op->kind == 0 ? 201 : 200,
                     json_pack("{s:I, s:I, s:b}", "member", (json_int_t)op->member, "household",
                               (json_int_t)op->household, "removed", op->kind != 0));
}

static int defer_contact(http_req *r, int kind, long long member, long long household)
{
    struct m_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->kind = kind;
    op->member = member;
    op->household = household;
    return http_defer(r, contact_job, op, free, contact_done);
}

static int add_contact(http_req *r)
{
    static const char *const fields[] = {"member", "household", NULL};
    long long member, household;
    if (http_known_fields(r, fields) || http_int(r, "member", true, 1, INT64_MAX, &member, NULL) ||
        http_int(r, "household", true, 1, INT64_MAX, &household, NULL))
        return HTTP_DONE;
    return defer_contact(r, 0, member, household);
}

static int remove_contact(http_req *r)
{
    int64_t member = 0, household = 0;
    const char *m = http_query(r, "member"), *h = http_query(r, "household");
    if (!m || !h || !http_parse_id(m, &member) || !http_parse_id(h, &household))
        return http_error(r, 400, "missing_field", "give member=PERSON_ID and household=HOUSEHOLD_ID");
    return defer_contact(r, 1, member, household);
}

const route api_merchant_routes[] = {
    {"GET", "/api/v1/merchants", ACT_PERSON_READ, list_merchants, 0, 0},
    {"POST", "/api/v1/merchants", ACT_PERSON_WRITE, create_merchant, ROUTE_JSON, 8192},
    {"GET", "/api/v1/merchants/{id}", ACT_PERSON_READ, get_merchant, 0, 0},
    {"PATCH", "/api/v1/merchants/{id}", ACT_PERSON_WRITE, update_merchant, ROUTE_JSON, 8192},
    {"DELETE", "/api/v1/merchants/{id}", ACT_PERSON_WRITE, delete_merchant, 0, 0},
    {"GET", "/api/v1/party-contacts", ACT_PERSON_READ, list_contacts, 0, 0},
    {"POST", "/api/v1/party-contacts", ACT_PERSON_WRITE, add_contact, ROUTE_JSON, 1024},
    {"DELETE", "/api/v1/party-contacts", ACT_PERSON_WRITE, remove_contact, 0, 0},
    {0},
};
