#include "core/merchant.h"

#include "core/area.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define M_SELECT                                                                                             \
    "SELECT m.id, m.area_id, m.created_at, m.updated_at, m.name, COALESCE(m.licence, ''), m.address,"        \
    " m.contact_name, m.contact_phone, a.code, a.path,"                                                       \
    " (SELECT COUNT(*) FROM persons p WHERE p.merchant_id = m.id)"                                            \
    " FROM merchants m JOIN areas a ON a.id = m.area_id "

static void read_m(db_stmt *s, merchant *m)
{
    memset(m, 0, sizeof *m);
    m->id = db_col_i64(s, 0);
    m->area_id = db_col_i64(s, 1);
    m->created_at = db_col_i64(s, 2);
    m->updated_at = db_col_i64(s, 3);
    fx_copy(m->name, sizeof m->name, db_col_text(s, 4));
    fx_copy(m->licence, sizeof m->licence, db_col_text(s, 5));
    fx_copy(m->address, sizeof m->address, db_col_text(s, 6));
    fx_copy(m->contact_name, sizeof m->contact_name, db_col_text(s, 7));
    fx_copy(m->contact_phone, sizeof m->contact_phone, db_col_text(s, 8));
    fx_copy(m->area_code, sizeof m->area_code, db_col_text(s, 9));
    fx_copy(m->area_path, sizeof m->area_path, db_col_text(s, 10));
    m->staff = (int)db_col_i64(s, 11);
}

int merchant_get(db_conn *c, int64_t id, merchant *out)
{
    db_stmt *s = db_prepare(c, M_SELECT "WHERE m.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_m(s, out);
    db_done(s);
    return rc;
}

int merchant_list(db_conn *c, const char *area_path, const char *name_prefix, int64_t after_id, merchant *out,
                  int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX], upper[420];
    fx_copy(lo, sizeof lo, area_path && *area_path ? area_path : "/");
    fx_copy(hi, sizeof hi, lo);
    hi[strlen(hi) - 1] = '0';
    db_stmt *s;
    if (name_prefix && *name_prefix) {
        snprintf(upper, sizeof upper, "%s\xf4\x8f\xbf\xbf", name_prefix);
        s = db_prepare(c, M_SELECT "WHERE m.name >= $4 AND m.name < $5 AND a.path >= $1 AND a.path < $2"
                                   " AND m.id > $3 ORDER BY m.id LIMIT $6");
    } else {
        s = db_prepare(c, M_SELECT "WHERE a.path >= $1 AND a.path < $2 AND m.id > $3 ORDER BY m.id LIMIT $6");
    }
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, after_id);
    if (name_prefix && *name_prefix) {
        db_bind_text(s, 4, name_prefix);
        db_bind_text(s, 5, upper);
    }
    db_bind_i64(s, 6, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_m(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

/* Normalises the text fields present in in into m; checks them. */
static int apply(const merchant_input *in, merchant *m, bool create, fx_err *err)
{
    if (in->name || create) {
        fx_text_normalize(in->name ? in->name : "", m->name, sizeof m->name);
        if (!m->name[0])
            return fx_fail(err, FX_EINVAL, "name_required", "name: the merchant's name is missing");
        if (fx_utf8_len(m->name) > 100)
            return fx_fail(err, FX_EINVAL, "name_too_long", "name: at most 100 characters");
    }
    if (in->licence) {
        char tmp[128];
        size_t n = 0;
        fx_text_normalize(in->licence, tmp, sizeof tmp);
        for (const char *p = tmp; *p && n < sizeof m->licence - 1; p++)
            if (*p != ' ')
                m->licence[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        m->licence[n] = '\0';
        if (n > 30)
            return fx_fail(err, FX_EINVAL, "invalid_licence", "licence: at most 30 letters and digits");
    }
    if (in->address)
        fx_text_normalize(in->address, m->address, sizeof m->address);
    if (in->contact_name)
        fx_text_normalize(in->contact_name, m->contact_name, sizeof m->contact_name);
    if (in->contact_phone) {
        if (*in->contact_phone && !fx_phone_normalize(in->contact_phone, m->contact_phone))
            return fx_fail(err, FX_EINVAL, "invalid_phone", "contact_phone: '%.30s' is not a phone number",
                           in->contact_phone);
        if (!*in->contact_phone)
            m->contact_phone[0] = '\0';
    }
    return 0;
}

static int resolve_area(db_conn *c, const actor *who, const char *code, merchant *m, fx_err *err)
{
    area a;
    if (area_get(c, code, &a) != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %.64s does not exist", code);
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area %.64s is outside your area", code);
    m->area_id = a.id;
    fx_copy(m->area_code, sizeof m->area_code, a.code);
    fx_copy(m->area_path, sizeof m->area_path, a.path);
    return 0;
}

static int store(db_conn *c, const merchant *m, bool create)
{
    db_stmt *s = db_prepare(c, create ? "INSERT INTO merchants (id, top_area_id, area_id, name, licence, address,"
                                        " contact_name, contact_phone, created_at, updated_at)"
                                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
                                      : "UPDATE merchants SET top_area_id = $2, area_id = $3, name = $4,"
                                        " licence = $5, address = $6, contact_name = $7, contact_phone = $8,"
                                        " updated_at = $9 WHERE id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, m->id);
    db_bind_i64(s, 2, strtoll(m->area_path + 1, NULL, 10));
    db_bind_i64(s, 3, m->area_id);
    db_bind_text(s, 4, m->name);
    if (m->licence[0])
        db_bind_text(s, 5, m->licence);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, m->address);
    db_bind_text(s, 7, m->contact_name);
    db_bind_text(s, 8, m->contact_phone);
    db_bind_i64(s, 9, m->updated_at);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

static int audit_m(db_conn *c, const actor *who, const char *action, const merchant *from, const merchant *to)
{
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", from ? from->name : NULL, to ? to->name : NULL);
    audit_changes_text(&ch, "licence", from ? from->licence : NULL, to ? to->licence : NULL);
    audit_changes_text(&ch, "area", from ? from->area_code : NULL, to ? to->area_code : NULL);
    audit_changes_text(&ch, "address", from ? from->address : NULL, to ? to->address : NULL);
    audit_changes_text(&ch, "contact_name", from ? from->contact_name : NULL, to ? to->contact_name : NULL);
    audit_changes_text(&ch, "contact_phone", from ? from->contact_phone : NULL, to ? to->contact_phone : NULL);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)(to ? to->id : from->id));
    const char *json = audit_changes_json(&ch);
    int rc = json || strcmp(action, "update") != 0 ? audit_record(c, &who->log, action, "merchant", id, json) : 0;
    audit_changes_free(&ch);
    return rc;
}

int merchant_create(db_conn *c, const actor *who, const merchant_input *in, merchant *out, fx_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = apply(in, out, true, err);
    if (rc)
        return rc;
    if (!in->area || !*in->area)
        return fx_fail(err, FX_EINVAL, "area_required", "area: give the street or compound the merchant is on");
    if ((rc = resolve_area(c, who, in->area, out, err)))
        return rc;
    out->id = fx_id_next();
    out->created_at = out->updated_at = fx_now();
    rc = store(c, out, true);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "licence_taken", "another merchant has licence %s", out->licence);
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the merchant");
    area_delta d = {.merchants = 1};
    if (area_counts_add(c, out->area_path, &d) != 0 || audit_m(c, who, "create", NULL, out) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the merchant");
    return 0;
}

int merchant_update(db_conn *c, const actor *who, int64_t id, const merchant_input *in, merchant *out, fx_err *err)
{
    merchant cur;
    if (merchant_get(c, id, &cur) != DB_ROW || !actor_in_scope(who, cur.area_path))
        return fx_fail(err, FX_ENOTFOUND, "merchant_not_found", "merchant %lld does not exist in your area",
                       (long long)id);
    *out = cur;
    int rc = apply(in, out, false, err);
    if (rc)
        return rc;
    if (in->area && *in->area && (rc = resolve_area(c, who, in->area, out, err)))
        return rc;
    out->updated_at = fx_now();
    rc = store(c, out, false);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "licence_taken", "another merchant has licence %s", out->licence);
    if (rc != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the merchant");
    if (out->area_id != cur.area_id) {
        area_delta minus = {.merchants = -1}, plus = {.merchants = 1};
        if (area_counts_add(c, cur.area_path, &minus) || area_counts_add(c, out->area_path, &plus))
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not update the area counts");
    }
    return audit_m(c, who, "update", &cur, out) ? fx_fail(err, FX_EINTERNAL, "db_error", "audit failed") : 0;
}

int merchant_delete(db_conn *c, const actor *who, int64_t id, fx_err *err)
{
    merchant cur;
    if (merchant_get(c, id, &cur) != DB_ROW || !actor_in_scope(who, cur.area_path))
        return fx_fail(err, FX_ENOTFOUND, "merchant_not_found", "merchant %lld does not exist in your area",
                       (long long)id);
    if (cur.staff)
        return fx_fail(err, FX_ECONFLICT, "has_staff", "merchant %lld still has %d staff registered: change them first",
                       (long long)id, cur.staff);
    db_stmt *s = db_prepare(c, "DELETE FROM merchants WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the merchant");
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the merchant");
    area_delta d = {.merchants = -1};
    if (area_counts_add(c, cur.area_path, &d) != 0 || audit_m(c, who, "delete", &cur, NULL) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not delete the merchant");
    return 0;
}

/* ---- party-member contact households ---- */

int party_contact_add(db_conn *c, const actor *who, int64_t member_id, int64_t household_id, fx_err *err)
{
    person m;
    household h;
    if (person_get(c, member_id, &m) != DB_ROW || !actor_in_scope(who, m.area_path))
        return fx_fail(err, FX_EINVAL, "member_not_found", "member: person %lld does not exist in your area",
                       (long long)member_id);
    if (!m.party_member)
        return fx_fail(err, FX_ERULE, "not_party_member", "%s is not registered as a party member", m.name);
    if (household_get(c, household_id, &h) != DB_ROW || !actor_in_scope(who, h.area_path))
        return fx_fail(err, FX_EINVAL, "household_not_found", "household: %lld does not exist in your area",
                       (long long)household_id);
    db_stmt *s = db_prepare(c, "INSERT INTO party_contacts (member_id, household_id, created_at) VALUES ($1, $2, $3)"
                               " ON CONFLICT (member_id, household_id) DO NOTHING");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the contact");
    db_bind_i64(s, 1, member_id);
    db_bind_i64(s, 2, household_id);
    db_bind_i64(s, 3, fx_now());
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the contact");
    char id[48], detail[160];
    snprintf(id, sizeof id, "%lld:%lld", (long long)member_id, (long long)household_id);
    snprintf(detail, sizeof detail, "{\"member\":%lld,\"household\":%lld}", (long long)member_id,
             (long long)household_id);
    return audit_record(c, &who->log, "create", "party_contact", id, detail) ? fx_fail(err, FX_EINTERNAL, "db_error",
                                                                                       "audit failed")
                                                                             : 0;
}

int party_contact_remove(db_conn *c, const actor *who, int64_t member_id, int64_t household_id, fx_err *err)
{
    household h;
    if (household_get(c, household_id, &h) != DB_ROW || !actor_in_scope(who, h.area_path))
        return fx_fail(err, FX_ENOTFOUND, "not_found", "no such contact in your area");
    db_stmt *s = db_prepare(c, "DELETE FROM party_contacts WHERE member_id = $1 AND household_id = $2");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not remove the contact");
    db_bind_i64(s, 1, member_id);
    db_bind_i64(s, 2, household_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not remove the contact");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ENOTFOUND, "not_found", "no such contact in your area");
    char id[48];
    snprintf(id, sizeof id, "%lld:%lld", (long long)member_id, (long long)household_id);
    return audit_record(c, &who->log, "delete", "party_contact", id, NULL) ? fx_fail(err, FX_EINTERNAL, "db_error",
                                                                                     "audit failed")
                                                                           : 0;
}

int party_contact_list(db_conn *c, const char *scope_path, int64_t member_id, int64_t household_id,
                       party_contact *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    fx_copy(lo, sizeof lo, scope_path && *scope_path ? scope_path : "/");
    fx_copy(hi, sizeof hi, lo);
    hi[strlen(hi) - 1] = '0';
    db_stmt *s = db_prepare(c, member_id ? "SELECT pc.member_id, pc.household_id, pc.created_at, p.name,"
                                           " h.address_key, a.code FROM party_contacts pc"
                                           " JOIN persons p ON p.id = pc.member_id"
                                           " JOIN households h ON h.id = pc.household_id"
                                           " JOIN areas a ON a.id = h.area_id"
                                           " WHERE pc.member_id = $3 AND a.path >= $1 AND a.path < $2 LIMIT $4"
                                         : "SELECT pc.member_id, pc.household_id, pc.created_at, p.name,"
                                           " h.address_key, a.code FROM party_contacts pc"
                                           " JOIN persons p ON p.id = pc.member_id"
                                           " JOIN households h ON h.id = pc.household_id"
                                           " JOIN areas a ON a.id = h.area_id"
                                           " WHERE pc.household_id = $3 AND a.path >= $1 AND a.path < $2 LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, member_id ? member_id : household_id);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        party_contact *pc = &out[n++];
        pc->member_id = db_col_i64(s, 0);
        pc->household_id = db_col_i64(s, 1);
        pc->created_at = db_col_i64(s, 2);
        fx_copy(pc->member_name, sizeof pc->member_name, db_col_text(s, 3));
        fx_copy(pc->household_address, sizeof pc->household_address, db_col_text(s, 4));
        fx_copy(pc->area_code, sizeof pc->area_code, db_col_text(s, 5));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}
