/* api_person.c — persons and households: search, read, register, change, remove. */
#include "http/api.h"

#include "core/person.h"
#include "util/fx_str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_MAX 200

/* A person as this caller may see them: ID, phone and personal code are masked
 * unless the role may see them. */
void api_person_write(fx_str *s, const http_req *r, const person *p)
{
    bool clear = perm_allows(r->who.role, ACT_PERSON_UNMASK);
    char id[40], phone[24];
    if (clear) {
        fx_copy(id, sizeof id, p->id_number);
        fx_copy(phone, sizeof phone, p->phone);
    } else {
        person_mask_id(p->id_number, id);
        person_mask_phone(p->phone, phone);
    }
    fx_str_addf(s, "{\"id\":%lld,\"name\":", (long long)p->id);
    fx_str_add_json(s, p->name);
    fx_str_adds(s, ",\"id_type\":");
    fx_str_add_json(s, p->id_type);
    fx_str_adds(s, ",\"id_number\":");
    fx_str_add_json(s, id);
    fx_str_adds(s, ",\"phone\":");
    fx_str_add_json(s, phone);
    if (p->birth_date)
        fx_str_addf(s, ",\"birth_date\":\"%04d-%02d-%02d\"", p->birth_date / 10000, p->birth_date / 100 % 100,
                    p->birth_date % 100);
    else
        fx_str_adds(s, ",\"birth_date\":null");
    fx_str_adds(s, ",\"sex\":");
    fx_str_add_json(s, p->sex);
    fx_str_adds(s, ",\"category\":");
    fx_str_add_json(s, p->category);
    fx_str_adds(s, ",\"employer\":");
    fx_str_add_json(s, p->employer);
    fx_str_adds(s, ",\"flags\":[");
    for (int i = 0, n = 0; i < 6; i++)
        if (p->flags & (1u << i))
            fx_str_addf(s, "%s\"%s\"", n++ ? "," : "", person_flag_names[i]);
    fx_str_addf(s, "],\"party_member\":%s,\"walk_in\":%s,\"area\":", p->party_member ? "true" : "false",
                p->walk_in ? "true" : "false");
    fx_str_add_json(s, p->area_code);
    fx_str_adds(s, ",\"address\":");
    fx_str_add_json(s, p->address);
    fx_str_addf(s, ",\"masked\":%s,\"created_at\":%lld,\"updated_at\":%lld", clear ? "false" : "true",
                (long long)p->created_at, (long long)p->updated_at);
    const int64_t links[2] = {p->household_id, p->merchant_id};
    for (int i = 0; i < 2; i++) {
        fx_str_adds(s, i ? ",\"merchant\":" : ",\"household\":");
        if (links[i])
            fx_str_addf(s, "%lld", (long long)links[i]);
        else
            fx_str_adds(s, "null");
    }
    if (clear) {
        fx_str_adds(s, ",\"personal_code\":");
        fx_str_add_json(s, p->personal_code);
    }
    fx_str_adds(s, "}");
}

json_t *api_person_json(const http_req *r, const person *p)
{
    fx_str s;
    fx_str_init(&s, (size_t)1 << 16);
    api_person_write(&s, r, p);
    json_t *j = s.overflow || !s.p ? NULL : json_loadb(s.p, s.len, 0, NULL); /* NULL: not UTF-8 (http_json: 500) */
    fx_str_free(&s);
    return j;
}

static _Thread_local const http_req *tl_req;
static void write_person(fx_str *s, const void *row) { api_person_write(s, tl_req, row); }

static int search_persons(http_req *r)
{
    person_query q = {.q = http_query(r, "q"), .name = http_query(r, "name"), .id_number = http_query(r, "id_number"),
                      .phone = http_query(r, "phone"), .address = http_query(r, "address")};
    q.scope_path = r->who.area_id ? r->who.area_path : NULL;
    int limit;
    int64_t cursor;
    if (http_page(r, 50, SEARCH_MAX, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    const char *area_code = http_query(r, "area"), *hh = http_query(r, "household"), *mer = http_query(r, "merchant");
    area a;
    bool searching = q.q || q.name || q.id_number || q.phone || q.address;
    bool listing = (area_code && !searching) || hh || mer;
    if (area_code) {
        if (area_get(c, area_code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
            return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", area_code);
        if (searching) { /* a search within that area: it narrows the caller's scope */
            q.scope_path = a.path;
        } else {
            q.area_path = a.path;
            q.area_id = a.id;
        }
    }
    if (hh) {
        household h;
        if (!http_parse_id(hh, &q.household_id) || household_get(c, q.household_id, &h) != DB_ROW ||
            !perm_in_scope(&r->who, h.area_path))
            return http_error(r, 404, "household_not_found", "household %.24s does not exist in your area", hh);
    }
    if (mer && !http_parse_id(mer, &q.merchant_id))
        return http_error(r, 400, "invalid_merchant", "merchant must be a merchant id");
    q.after_id = cursor;
    person *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    fx_err err = {0};
    int n = person_search(c, &q, rows, listing ? limit + 1 : limit, &err);
    if (n < 0) {
        free(rows);
        return http_fail(r, &err);
    }
    if (mer) { /* merchant staff: only those in scope */
        int k = 0;
        for (int i = 0; i < n; i++)
            if (perm_in_scope(&r->who, rows[i].area_path))
                rows[k++] = rows[i];
        n = k;
    }
    tl_req = r;
    http_list_text(r, rows, sizeof *rows, n, limit, offsetof(person, id), write_person);
    free(rows);
    return HTTP_DONE;
}

static int get_person(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    person p;
    if (!http_parse_id(r->param[0], &id) || person_get(c, id, &p) != DB_ROW || !perm_in_scope(&r->who, p.area_path))
        return http_error(r, 404, "person_not_found", "person %.24s does not exist in your area", r->param[0]);
    return http_json(r, 200, api_person_json(r, &p));
}

/* For sampling tables: one person by the code on their card or their full ID number. */
static int lookup_person(http_req *r)
{
    const char *code = http_query(r, "code"), *idn = http_query(r, "id_number");
    if (!code && !idn)
        return http_error(r, 400, "missing_field", "give code (the personal code card) or id_number");
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    person p;
    int rc;
    if (code) {
        rc = person_get_by_code(c, code, &p);
    } else {
        person_query q = {.id_number = idn};
        fx_err err = {0};
        rc = person_search(c, &q, &p, 1, &err) == 1 ? DB_ROW : DB_DONE;
    }
    if (rc != DB_ROW)
        return http_error(r, 404, "person_not_found",
                          "nobody is registered with this %s; register them as a walk-in", code ? "code" : "ID number");
    return http_json(r, 200, api_person_json(r, &p));
}

struct person_op {
    http_req *r;
    person_input in;
    int64_t id;
    person out;
    fx_err err;
};

static int create_job(db_conn *c, void *arg)
{
    struct person_op *op = arg;
    return person_create(c, &op->r->act, &op->in, &op->out, &op->err);
}

static int update_job(db_conn *c, void *arg)
{
    struct person_op *op = arg;
    return person_update(c, &op->r->act, op->id, &op->in, &op->out, &op->err);
}

static int delete_job(db_conn *c, void *arg)
{
    struct person_op *op = arg;
    return person_delete(c, &op->r->act, op->id, &op->err);
}

static int created(http_req *r, int rc)
{
    struct person_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, api_person_json(r, &op->out));
}

static int updated(http_req *r, int rc)
{
    struct person_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, api_person_json(r, &op->out));
}

static int deleted(http_req *r, int rc)
{
    struct person_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)op->id));
}

/* flags: ["elderly", "alone", …] → bits; -1 when absent. */
static int read_flags(http_req *r, long *out)
{
    json_t *v = json_object_get(r->json, "flags");
    *out = -1;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        http_error(r, 400, "invalid_field", "field \"flags\" must be a list such as [\"elderly\", \"alone\"]");
        return -1;
    }
    size_t i;
    json_t *it;
    unsigned bits = 0;
    json_array_foreach(v, i, it) {
        unsigned b = json_is_string(it) ? person_flag_parse(json_string_value(it)) : 0;
        if (!b) {
            http_error(r, 400, "invalid_field",
                       "flags: each must be one of elderly, alone, no_smartphone, chronic, pregnant, disabled");
            return -1;
        }
        bits |= b;
    }
    *out = bits;
    return 0;
}

static int defer_person(http_req *r, bool create)
{
    static const char *const fields[] = {"name", "id_type", "id_number", "phone", "category", "employer", "area",
                                         "room", "address", "household", "merchant", "flags", "party_member",
                                         NULL};
    person_input in = PERSON_INPUT_NONE;
    long long hh = 0, mer = 0;
    bool has_mer = false;
    int party;
    if (http_known_fields(r, fields) || http_str(r, "name", create, 100, &in.name) ||
        http_str(r, "id_type", false, 16, &in.id_type) || http_str(r, "id_number", create, 40, &in.id_number) ||
        http_str(r, "phone", false, 30, &in.phone) || http_str(r, "category", false, 20, &in.category) ||
        http_str(r, "employer", false, 100, &in.employer) || http_str(r, "area", false, 64, &in.area) ||
        http_str(r, "room", false, 20, &in.room) || http_str(r, "address", false, 100, &in.address) ||
        http_int(r, "household", false, 1, INT64_MAX, &hh, NULL) ||
        http_int(r, "merchant", false, 0, INT64_MAX, &mer, &has_mer) || read_flags(r, &in.flags) ||
        http_bool(r, "party_member", &party))
        return HTTP_DONE;
    in.household_id = hh;
    in.merchant_id = has_mer ? (mer ? mer : -1) : 0;
    in.party_member = party;
    struct person_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    op->in = in;
    if (!create && !http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "person_not_found", "person %.24s does not exist", r->param[0]);
    }
    return http_defer(r, create ? create_job : update_job, op, free, create ? created : updated);
}

static int create_person(http_req *r) { return defer_person(r, true); }
static int update_person(http_req *r) { return defer_person(r, false); }

static int delete_person(http_req *r)
{
    struct person_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "person_not_found", "person %.24s does not exist", r->param[0]);
    }
    return http_defer(r, delete_job, op, free, deleted);
}

/* ---- households ---- */

static json_t *household_json(const household *h)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:I}", "id", (json_int_t)h->id, "area", h->area_code, "room",
                     h->room, "address", h->address, "full_address", h->address_key, "members", h->members,
                     "created_at", (json_int_t)h->created_at);
}

static json_t *render_household(const void *row) { return household_json(row); }

static int list_households(http_req *r)
{
    const char *code = http_query(r, "area");
    if (!code)
        return http_error(r, 400, "missing_field", "give area=CODE");
    int limit;
    int64_t cursor;
    if (http_page(r, 100, 500, &limit, &cursor))
        return HTTP_DONE;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    area a;
    if (area_get(c, code, &a) != DB_ROW || !perm_in_scope(&r->who, a.path))
        return http_error(r, 404, "area_not_found", "area %.64s does not exist in your area", code);
    household *rows = malloc(sizeof *rows * (size_t)(limit + 1));
    if (!rows)
        return http_error(r, 500, "internal", "out of memory");
    int n = household_list(c, a.id, a.path, cursor, rows, limit + 1);
    http_list_rows(r, rows, sizeof *rows, n, limit, offsetof(household, id), render_household);
    free(rows);
    return HTTP_DONE;
}

static int get_household(http_req *r)
{
    int64_t id;
    db_conn *c = http_reader_or_503(r);
    if (!c)
        return HTTP_DONE;
    household h;
    if (!http_parse_id(r->param[0], &id) || household_get(c, id, &h) != DB_ROW || !perm_in_scope(&r->who, h.area_path))
        return http_error(r, 404, "household_not_found", "household %.24s does not exist in your area", r->param[0]);
    json_t *j = household_json(&h);
    person rows[64];
    person_query q = {.household_id = id};
    fx_err err = {0};
    int n = person_search(c, &q, rows, 64, &err);
    json_t *members = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(members, api_person_json(r, &rows[i]));
    json_object_set_new(j, "persons", members);
    return http_json(r, 200, j);
}

struct hh_op {
    http_req *r;
    const char *area, *room, *address;
    int64_t id;
    household out;
    fx_err err;
};

static int hh_create_job(db_conn *c, void *arg)
{
    struct hh_op *op = arg;
    area a;
    if (area_get(c, op->area, &a) != DB_ROW)
        return fx_fail(&op->err, FX_EINVAL, "area_not_found", "area: %.64s does not exist", op->area);
    if (!actor_in_scope(&op->r->act, a.path))
        return fx_fail(&op->err, FX_EPERM, "outside_area", "area %.64s is outside your area", op->area);
    bool created;
    int rc = household_ensure(c, &op->r->act, a.id, op->room, op->address, &op->out, &created, &op->err);
    if (rc == 0 && !created)
        return fx_fail(&op->err, FX_ECONFLICT, "household_exists", "this household is registered already (id %lld)",
                       (long long)op->out.id);
    if (rc == 0) {
        char idbuf[24];
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)op->out.id);
        rc = audit_record(c, &op->r->act.log, "create", "household", idbuf, NULL);
    }
    return rc;
}

static int hh_created(http_req *r, int rc)
{
    struct hh_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 201, household_json(&op->out));
}

static int create_household(http_req *r)
{
    static const char *const fields[] = {"area", "room", "address", NULL};
    struct hh_op tmp = {.r = r};
    if (http_known_fields(r, fields) || http_str(r, "area", true, 64, &tmp.area) ||
        http_str(r, "room", false, 20, &tmp.room) || http_str(r, "address", false, 100, &tmp.address))
        return HTTP_DONE;
    if (!(tmp.room && *tmp.room) && !(tmp.address && *tmp.address))
        return http_error(r, 400, "missing_field", "give room (in a unit) or address");
    struct hh_op *op = malloc(sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    *op = tmp;
    return http_defer(r, hh_create_job, op, free, hh_created);
}

static int hh_delete_job(db_conn *c, void *arg)
{
    struct hh_op *op = arg;
    return household_delete(c, &op->r->act, op->id, &op->err);
}

static int hh_deleted(http_req *r, int rc)
{
    struct hh_op *op = r->ctx;
    return rc < 0 ? api_fail(r, rc, &op->err) : http_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)op->id));
}

static int delete_household(http_req *r)
{
    struct hh_op *op = calloc(1, sizeof *op);
    if (!op)
        return http_error(r, 500, "internal", "out of memory");
    op->r = r;
    if (!http_parse_id(r->param[0], &op->id)) {
        free(op);
        return http_error(r, 404, "household_not_found", "household %.24s does not exist", r->param[0]);
    }
    return http_defer(r, hh_delete_job, op, free, hh_deleted);
}

const route api_person_routes[] = {
    {"GET", "/api/v1/persons", ACT_PERSON_READ, search_persons, 0, 0},
    {"GET", "/api/v1/persons/lookup", ACT_PERSON_LOOKUP, lookup_person, 0, 0},
    {"POST", "/api/v1/persons", ACT_PERSON_WRITE, create_person, ROUTE_JSON, 16384},
    {"GET", "/api/v1/persons/{id}", ACT_PERSON_READ, get_person, 0, 0},
    {"PATCH", "/api/v1/persons/{id}", ACT_PERSON_WRITE, update_person, ROUTE_JSON, 16384},
    {"DELETE", "/api/v1/persons/{id}", ACT_PERSON_WRITE, delete_person, 0, 0},
    {"GET", "/api/v1/households", ACT_PERSON_READ, list_households, 0, 0},
    {"POST", "/api/v1/households", ACT_PERSON_WRITE, create_household, ROUTE_JSON, 4096},
    {"GET", "/api/v1/households/{id}", ACT_PERSON_READ, get_household, 0, 0},
    {"DELETE", "/api/v1/households/{id}", ACT_PERSON_WRITE, delete_household, 0, 0},
    {0},
};
