#include "core/isolation.h"

#include "core/alert.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/disinfect.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400

bool iso_type_valid(const char *s)
{
    return s && (strcmp(s, "central") == 0 || strcmp(s, "home_isolation") == 0 || strcmp(s, "home_monitoring") == 0);
}

bool iso_reason_valid(const char *s)
{
    static const char *const r[] = {"close_contact", "secondary_contact", "risk_area_arrival", "red_code",
                                    "yellow_code",   "positive_pool",     "confirmed_case"};
    for (size_t i = 0; s && i < sizeof r / sizeof *r; i++)
        if (strcmp(s, r[i]) == 0)
            return true;
    return false;
}

int iso_test_days_parse(const char *s, int days, int out[ISO_TEST_DAYS_MAX])
{
    int n = 0;
    const char *p = s;
    while (p && *p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > days || n == ISO_TEST_DAYS_MAX || (n && v <= out[n - 1]))
            return -1;
        out[n++] = (int)v;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return n ? n : -1;
}

int64_t iso_day0(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int iso_day_of(int64_t day0, int64_t t) { return t < day0 ? 0 : (int)((t - day0) / DAY) + 1; }

/* ---- policies ---- */

#define POLICY_SELECT "SELECT id, type, version, days, test_days, checkins_per_day, created_by, created_at FROM isolation_policies "

static void read_policy(db_stmt *s, void *row)
{
    iso_policy *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    fx_copy(o->type, sizeof o->type, db_col_text(s, 1));
    o->version = (int)db_col_i64(s, 2);
    o->days = (int)db_col_i64(s, 3);
    int n = iso_test_days_parse(db_col_text(s, 4), o->days, o->test_days);
    o->ntest_days = n < 0 ? 0 : n;
    o->checkins_per_day = (int)db_col_i64(s, 5);
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 6));
    o->created_at = db_col_i64(s, 7);
}

static int policy_one(db_conn *c, const char *sql, int64_t id, const char *type, int version, iso_policy *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (type) {
        db_bind_text(s, 1, type);
        db_bind_i64(s, 2, version);
    } else {
        db_bind_i64(s, 1, id);
    }
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_policy(s, out);
    db_done(s);
    return rc;
}

/* version 0: the newest */
static int policy_version(db_conn *c, const char *type, int version, iso_policy *out)
{
    return policy_one(c, POLICY_SELECT "WHERE type = $1 AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1",
                      0, type, version, out);
}

int iso_policy_current(db_conn *c, const char *type, iso_policy *out) { return policy_version(c, type, 0, out); }

int iso_policy_get(db_conn *c, int64_t id, iso_policy *out)
{
    return policy_one(c, POLICY_SELECT "WHERE id = $1", id, NULL, 0, out);
}

int iso_policy_list(db_conn *c, iso_policy *out, int max)
{
    db_stmt *s = db_prepare(c, POLICY_SELECT "ORDER BY type, version LIMIT $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, max);
    return db_rows(s, read_policy, out, sizeof *out, max);
}

int iso_policy_create(db_conn *c, const actor *who, const char *type, int days, const char *test_days,
                      int checkins_per_day, iso_policy *out, fx_err *err)
{
    if (!iso_type_valid(type))
        return fx_fail(err, FX_EINVAL, "invalid_type", "type: expected central, home_isolation or home_monitoring");
    if (days < 1 || days > 60)
        return fx_fail(err, FX_EINVAL, "invalid_days", "days: expected 1 to 60");
    int td[ISO_TEST_DAYS_MAX];
    if (iso_test_days_parse(test_days, days, td) < 0)
        return fx_fail(err, FX_EINVAL, "invalid_test_days",
                       "test_days: expected 1 to %d ascending days between 1 and days (%d)", ISO_TEST_DAYS_MAX, days);
    if (checkins_per_day < 0 || checkins_per_day > 6)
        return fx_fail(err, FX_EINVAL, "invalid_checkins_per_day", "checkins_per_day: expected 0 to 6");
    iso_policy cur;
    int rc = iso_policy_current(c, type, &cur);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the policy");
    int64_t id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO isolation_policies (id, type, version, days, test_days, checkins_per_day,"
                               " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the policy");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, type);
    db_bind_i64(s, 3, rc == DB_ROW ? cur.version + 1 : 1);
    db_bind_i64(s, 4, days);
    db_bind_text(s, 5, test_days);
    db_bind_i64(s, 6, checkins_per_day);
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || iso_policy_get(c, id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the policy");
    char ch[200];
    snprintf(ch, sizeof ch, "{\"type\":\"%s\",\"version\":%d,\"days\":%d,\"test_days\":\"%s\",\"checkins_per_day\":%d}",
             type, out->version, days, test_days, checkins_per_day);
    if (audit_record_id(c, &who->log, "create", "isolation_policy", id, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the policy");
    return 0;
}

/* ---- cases ---- */

#define ISO_SELECT                                                                                           \
    "SELECT i.id, i.person_id, i.area_id, i.start_at, i.day0, i.planned_end, COALESCE(i.tube_id, 0),"        \
    " i.created_at, i.updated_at, COALESCE(i.released_at, 0), i.type, i.reason, i.status, i.note,"           \
    " i.created_by, i.released_by, p.name, a.code, a.path, COALESCE(t.barcode, ''), i.policy_id"              \
    " FROM isolations i JOIN persons p ON p.id = i.person_id JOIN areas a ON a.id = i.area_id"               \
    " LEFT JOIN tubes t ON t.id = i.tube_id "

static void read_iso(db_stmt *s, void *row)
{
    isolation *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->person_id = db_col_i64(s, 1);
    o->area_id = db_col_i64(s, 2);
    o->start_at = db_col_i64(s, 3);
    o->day0 = db_col_i64(s, 4);
    o->planned_end = db_col_i64(s, 5);
    o->tube_id = db_col_i64(s, 6);
    o->created_at = db_col_i64(s, 7);
    o->updated_at = db_col_i64(s, 8);
    o->released_at = db_col_i64(s, 9);
    fx_copy(o->type, sizeof o->type, db_col_text(s, 10));
    fx_copy(o->reason, sizeof o->reason, db_col_text(s, 11));
    fx_copy(o->status, sizeof o->status, db_col_text(s, 12));
    fx_copy(o->note, sizeof o->note, db_col_text(s, 13));
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 14));
    fx_copy(o->released_by, sizeof o->released_by, db_col_text(s, 15));
    fx_copy(o->person_name, sizeof o->person_name, db_col_text(s, 16));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 17));
    fx_copy(o->area_path, sizeof o->area_path, db_col_text(s, 18));
    fx_copy(o->tube, sizeof o->tube, db_col_text(s, 19));
    o->policy.id = db_col_i64(s, 20);
}

/* Rows are read first, policies after: a statement is not stepped while another runs. */
static int fill_policies(db_conn *c, isolation *o, int n)
{
    for (int i = 0; i < n; i++)
        if (iso_policy_get(c, o[i].policy.id, &o[i].policy) != DB_ROW)
            return DB_ERR;
    return 0;
}

int iso_get(db_conn *c, int64_t id, isolation *out)
{
    int rc = db_one_row(c, ISO_SELECT "WHERE i.id = $1", id, read_iso, out);
    if (rc == DB_ROW && fill_policies(c, out, 1) != 0)
        return DB_ERR;
    return rc;
}

int iso_list(db_conn *c, const char *scope_path, const char *status, int64_t after_id, isolation *out, int max)
{
    db_stmt *s = scope_page(c, ISO_SELECT "WHERE a.path >= $1 AND a.path < $2 AND i.id > $3"
                                          " AND ($5 = '' OR i.status = $5) ORDER BY i.id LIMIT $4",
                            scope_path, after_id, max);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 5, status ? status : "");
    int n = db_rows(s, read_iso, out, sizeof *out, max);
    return n > 0 && fill_policies(c, out, n) != 0 ? DB_ERR : n;
}

static int iso_audit(db_conn *c, const actor *who, const char *action, const isolation *o, const char *changes)
{
    return audit_record_id(c, &who->log, action, "isolation", o->id, changes);
}

int iso_create(db_conn *c, const actor *who, const iso_input *in, isolation *out, fx_err *err)
{
    if (!iso_type_valid(in->type))
        return fx_fail(err, FX_EINVAL, "invalid_type", "type: expected home_isolation, central or home_monitoring");
    if (!iso_reason_valid(in->reason))
        return fx_fail(err, FX_EINVAL, "invalid_reason",
                       "reason: expected close_contact, secondary_contact, risk_area_arrival, red_code, yellow_code,"
                       " positive_pool or confirmed_case");
    char note[404];
    fx_text_normalize(in->note ? in->note : "", note, sizeof note);
    if (fx_utf8_len(note) > 100)
        return fx_fail(err, FX_EINVAL, "note_too_long", "note: at most 100 characters");
    person p;
    int rc = person_get(c, in->person_id, &p);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the person");
    if (rc != DB_ROW || !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person %lld does not exist in your area",
                       (long long)in->person_id);
    int64_t existing = 0;
    if (db_one_i64(c, "SELECT id FROM isolations WHERE person_id = $1 AND status = 'active'", p.id, &existing) < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the cases");
    if (existing)
        return fx_fail(err, FX_ECONFLICT, "already_isolated",
                       "person %lld already has an active isolation case %lld: move or release it instead",
                       (long long)p.id, (long long)existing);
    iso_policy pol;
    if (iso_policy_current(c, in->type, &pol) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "no policy for type %s", in->type);
    int64_t now = fx_now(), start = in->start_at ? in->start_at : now, day0 = iso_day0(start);
    int64_t id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO isolations (id, person_id, top_area_id, area_id, type, reason, policy_id, status,"
                      " start_at, day0, planned_end, tube_id, note, created_by, created_at, updated_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11, $12, $13, $14, $14)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the case");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, p.id);
    db_bind_i64(s, 3, path_top(p.area_path));
    db_bind_i64(s, 4, p.area_id);
    db_bind_text(s, 5, in->type);
    db_bind_text(s, 6, in->reason);
    db_bind_i64(s, 7, pol.id);
    db_bind_i64(s, 8, start);
    db_bind_i64(s, 9, day0);
    db_bind_i64(s, 10, day0 + (int64_t)pol.days * DAY);
    if (in->tube_id)
        db_bind_i64(s, 11, in->tube_id);
    else
        db_bind_null(s, 11);
    db_bind_text(s, 12, note);
    db_bind_text(s, 13, who->log.name);
    db_bind_i64(s, 14, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || iso_get(c, id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the case");
    char ch[300];
    snprintf(ch, sizeof ch, "{\"person\":%lld,\"type\":\"%s\",\"reason\":\"%s\",\"policy\":{\"id\":%lld,\"version\":%d},"
                            "\"planned_end\":%lld}",
             (long long)p.id, in->type, in->reason, (long long)pol.id, pol.version, (long long)out->planned_end);
    if (iso_audit(c, who, "create", out, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the case");
    if (disinfect_on_case(c, who, id, p.household_id) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not schedule the disinfection of the case's home");
    return 0;
}

/* The case from id in the actor's scope, else a filled err. */
static int iso_for_write(db_conn *c, const actor *who, int64_t id, isolation *out, fx_err *err)
{
    int rc = iso_get(c, id, out);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the case");
    if (rc != DB_ROW || !actor_in_scope(who, out->area_path))
        return fx_fail(err, FX_ENOTFOUND, "isolation_not_found", "isolation case %lld does not exist in your area",
                       (long long)id);
    if (strcmp(out->status, "active") != 0)
        return fx_fail(err, FX_ECONFLICT, "not_active", "isolation case %lld was released on %lld: nothing to change",
                       (long long)id, (long long)out->released_at);
    return 0;
}

int iso_release_check(db_conn *c, const isolation *iso, int64_t now, iso_release_facts *out)
{
    memset(out, 0, sizeof *out);
    const iso_policy *p = &iso->policy;
    out->last_day_at = iso->day0 + (int64_t)(p->days - 1) * DAY;
    int last_test = p->ntest_days ? p->test_days[p->ntest_days - 1] : p->days;
    out->last_test_at = iso->day0 + (int64_t)(last_test - 1) * DAY;
    db_stmt *s = db_prepare(c, "SELECT COALESCE(MAX(s.taken_at), 0) FROM samples s JOIN results r ON r.tube_id = s.tube_id"
                               " WHERE s.person_id = $1 AND s.taken_at >= $2 AND r.result = 'negative'");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, iso->person_id);
    db_bind_i64(s, 2, out->last_test_at);
    int rc = db_step(s);
    if (rc == DB_ROW)
        out->negative_at = db_col_i64(s, 0);
    db_done(s);
    if (rc != DB_ROW)
        return rc < 0 ? rc : DB_ERR;
    if (now < out->last_day_at)
        out->unmet |= ISO_UNMET_LAST_DAY;
    if (!out->negative_at)
        out->unmet |= ISO_UNMET_NEGATIVE;
    return 0;
}

int iso_release(db_conn *c, const actor *who, int64_t id, isolation *out, fx_err *err)
{
    int rc = iso_for_write(c, who, id, out, err);
    if (rc)
        return rc;
    int64_t now = fx_now();
    iso_release_facts f;
    if (iso_release_check(c, out, now, &f) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the results");
    if (f.unmet) {
        char when[24], test[24];
        fx_time_local(f.last_day_at, when, sizeof when);
        fx_time_local(f.last_test_at, test, sizeof test);
        when[10] = test[10] = '\0'; /* the date */
        return fx_fail(err, FX_ERULE, f.unmet & ISO_UNMET_LAST_DAY ? "last_day_not_reached" : "no_negative_result",
                       "release refused:%s%s%s%s%s", f.unmet & ISO_UNMET_LAST_DAY ? " the case's last day (" : "",
                       f.unmet & ISO_UNMET_LAST_DAY ? when : "", f.unmet & ISO_UNMET_LAST_DAY ? ") has not come;" : "",
                       f.unmet & ISO_UNMET_NEGATIVE ? " no negative result of a sample taken on or after the last test day "
                                                    : "",
                       f.unmet & ISO_UNMET_NEGATIVE ? test : "");
    }
    db_stmt *s = db_prepare(c, "UPDATE isolations SET status = 'released', released_at = $2, released_by = $3,"
                               " updated_at = $2 WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not release the case");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, now);
    db_bind_text(s, 3, who->log.name);
    rc = db_step(s);
    db_done(s);
    char ch[160];
    snprintf(ch, sizeof ch, "{\"status\":{\"from\":\"active\",\"to\":\"released\"},\"negative_sample_at\":%lld}",
             (long long)f.negative_at);
    if (rc != DB_DONE || iso_get(c, id, out) != DB_ROW || iso_audit(c, who, "release", out, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not release the case");
    return 0;
}

int iso_move(db_conn *c, const actor *who, int64_t id, const char *type, int version, isolation *out, fx_err *err)
{
    if (type && !iso_type_valid(type))
        return fx_fail(err, FX_EINVAL, "invalid_type", "type: expected central, home_isolation or home_monitoring");
    int rc = iso_for_write(c, who, id, out, err);
    if (rc)
        return rc;
    const char *to = type ? type : out->type;
    iso_policy pol;
    rc = policy_version(c, to, version, &pol);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the policy");
    if (rc != DB_ROW)
        return fx_fail(err, FX_ENOTFOUND, "policy_not_found", "version: %s has no policy version %d", to, version);
    db_stmt *s = db_prepare(c, "UPDATE isolations SET type = $2, policy_id = $3, planned_end = $4, updated_at = $5"
                               " WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not move the case");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, to);
    db_bind_i64(s, 3, pol.id);
    db_bind_i64(s, 4, out->day0 + (int64_t)pol.days * DAY);
    db_bind_i64(s, 5, fx_now());
    rc = db_step(s);
    db_done(s);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "type", out->type, to);
    audit_changes_i64(&ch, "policy_version", out->policy.version, pol.version);
    audit_changes_i64(&ch, "planned_end", out->planned_end, out->day0 + (int64_t)pol.days * DAY);
    const char *json = audit_changes_json(&ch);
    bool transfer = strcmp(out->type, "central") != 0 && strcmp(to, "central") == 0;
    if (rc != DB_DONE || iso_get(c, id, out) != DB_ROW ||
        iso_audit(c, who, transfer ? "transfer" : "move", out, json) != 0) {
        audit_changes_free(&ch);
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not move the case");
    }
    audit_changes_free(&ch);
    return 0;
}

/* ---- check-ins ---- */

static bool symptom_valid(const char *s, size_t n)
{
    static const char *const k[] = {"fever", "cough", "sore_throat", "fatigue", "loss_of_smell", "diarrhoea",
                                    "breathing", "other"};
    for (size_t i = 0; i < sizeof k / sizeof *k; i++)
        if (strlen(k[i]) == n && strncmp(s, k[i], n) == 0)
            return true;
    return false;
}

int iso_checkin(db_conn *c, const actor *who, int64_t id, const iso_checkin_input *in, int64_t *out_id,
                bool *flagged, fx_err *err)
{
    if (in->has_temperature && (in->temperature < 34.0 || in->temperature > 43.0))
        return fx_fail(err, FX_EINVAL, "invalid_temperature", "temperature: expected degrees Celsius, 34.0 to 43.0");
    for (const char *p = in->symptoms; p && *p;) {
        size_t n = strcspn(p, ",");
        if (!symptom_valid(p, n))
            return fx_fail(err, FX_EINVAL, "invalid_symptoms",
                           "symptoms: expected fever, cough, sore_throat, fatigue, loss_of_smell, diarrhoea,"
                           " breathing or other");
        p += n + (p[n] == ',');
    }
    char note[404];
    fx_text_normalize(in->note ? in->note : "", note, sizeof note);
    if (fx_utf8_len(note) > 100)
        return fx_fail(err, FX_EINVAL, "note_too_long", "note: at most 100 characters");
    isolation iso;
    int rc = iso_for_write(c, who, id, &iso, err);
    if (rc)
        return rc;
    int64_t now = fx_now(), at = in->at ? in->at : now;
    if (at > now + 300)
        return fx_fail(err, FX_ERULE, "at_in_future", "at: the check-in's time is in the future");
    if (at < iso.day0)
        return fx_fail(err, FX_ERULE, "before_start", "at: the check-in is before the case's first day");
    *out_id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO isolation_checkins (id, isolation_id, at, temperature, symptoms, note,"
                               " recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the check-in");
    db_bind_i64(s, 1, *out_id);
    db_bind_i64(s, 2, id);
    db_bind_i64(s, 3, at);
    if (in->has_temperature)
        db_bind_double(s, 4, in->temperature);
    else
        db_bind_null(s, 4);
    db_bind_text(s, 5, in->symptoms ? in->symptoms : "");
    db_bind_text(s, 6, note);
    db_bind_text(s, 7, who->log.name);
    db_bind_i64(s, 8, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the check-in");
    *flagged = (in->has_temperature && in->temperature >= ISO_FEVER) || (in->symptoms && *in->symptoms);
    if (*flagged) {
        int64_t ws;
        char msg[600], cid[24];
        snprintf(msg, sizeof msg, "isolation case %lld (%s): %.1f°C %s — check on them; transfer to central"
                                  " quarantine if needed",
                 (long long)id, iso.person_name, in->has_temperature ? in->temperature : 0.0,
                 in->symptoms ? in->symptoms : "");
        snprintf(cid, sizeof cid, "%lld", (long long)id);
        if (alert_area_for(c, iso.area_path, &ws) != DB_ROW || alert_raise(c, ws, "isolation_checkin", "isolation", cid, msg))
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not raise the alert");
    }
    char ch[200];
    snprintf(ch, sizeof ch, "{\"checkin\":%lld,\"at\":%lld,\"temperature\":%.1f,\"flagged\":%s}", (long long)*out_id,
             (long long)at, in->has_temperature ? in->temperature : 0.0, *flagged ? "true" : "false");
    if (iso_audit(c, who, "checkin", &iso, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the check-in");
    return 0;
}

int iso_checkin_list(db_conn *c, int64_t id, iso_checkin_row *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id, at, temperature, symptoms, note, recorded_by FROM isolation_checkins"
                               " WHERE isolation_id = $1 ORDER BY at DESC, id DESC LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        iso_checkin_row *k = &out[n++];
        memset(k, 0, sizeof *k);
        k->id = db_col_i64(s, 0);
        k->at = db_col_i64(s, 1);
        k->has_temperature = !db_col_null(s, 2);
        k->temperature = db_col_double(s, 2);
        fx_copy(k->symptoms, sizeof k->symptoms, db_col_text(s, 3));
        fx_copy(k->note, sizeof k->note, db_col_text(s, 4));
        fx_copy(k->recorded_by, sizeof k->recorded_by, db_col_text(s, 5));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- the worklist ---- */

static bool is_test_day(const iso_policy *p, int day)
{
    for (int i = 0; i < p->ntest_days; i++)
        if (p->test_days[i] == day)
            return true;
    return false;
}

/* Fills what is due on now's date for one case. */
static int work_fill(db_conn *c, iso_work *w, int64_t now)
{
    const isolation *iso = &w->iso;
    int64_t today = iso_day0(now);
    w->day = iso_day_of(iso->day0, now);
    db_stmt *s = db_prepare(c, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN at >= $2 THEN 1 ELSE 0 END), 0),"
                               " COALESCE(MAX(CASE WHEN at >= $3 AND (temperature >= $4 OR symptoms <> '') THEN 1 ELSE 0 END), 0)"
                               " FROM isolation_checkins WHERE isolation_id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, iso->id);
    db_bind_i64(s, 2, today);
    db_bind_i64(s, 3, now - DAY);
    db_bind_double(s, 4, ISO_FEVER);
    int rc = db_step(s);
    bool flagged = false;
    if (rc == DB_ROW) {
        w->checkins_today = (int)db_col_i64(s, 1);
        flagged = db_col_i64(s, 2) != 0;
    }
    db_done(s);
    if (rc != DB_ROW)
        return rc < 0 ? rc : DB_ERR;
    s = db_prepare(c, "SELECT temperature FROM isolation_checkins WHERE isolation_id = $1 AND temperature IS NOT NULL"
                      " ORDER BY at DESC LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, iso->id);
    if (db_step(s) == DB_ROW)
        w->last_temperature = db_col_double(s, 0);
    db_done(s);
    int due = iso->policy.checkins_per_day - w->checkins_today;
    w->checkins_due = due > 0 ? due : 0;
    /* a test is due on a test day until a sample of that day exists */
    if (is_test_day(&iso->policy, w->day)) {
        s = db_prepare(c, "SELECT 1 FROM samples WHERE person_id = $1 AND taken_at >= $2 LIMIT 1");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, iso->person_id);
        db_bind_i64(s, 2, today);
        w->test_due = db_step(s) != DB_ROW;
        db_done(s);
    }
    w->ending = iso->planned_end <= today + DAY;
    iso_release_facts f;
    if (iso_release_check(c, iso, now, &f) != 0)
        return DB_ERR;
    w->releasable = f.unmet == 0;
    w->transfer = flagged && strcmp(iso->type, "central") != 0;
    return 0;
}

int iso_worklist(db_conn *c, const char *scope_path, int64_t now, int64_t after_id, iso_work *out, int max)
{
    isolation *rows = malloc(sizeof *rows * (size_t)(max > 0 ? max : 1));
    if (!rows)
        return DB_ERR;
    int n = iso_list(c, scope_path, "active", after_id, rows, max);
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].iso = rows[i];
        if (work_fill(c, &out[i], now) != 0) {
            n = DB_ERR;
            break;
        }
    }
    free(rows);
    return n;
}

int iso_recall_tests(db_conn *c, const actor *who, int64_t round_id, int *recalled, fx_err *err)
{
    db_stmt *s = db_prepare(c, "SELECT r.start_at, r.status, a.path FROM rounds r JOIN areas a ON a.id = r.area_id"
                               " WHERE r.id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the round");
    db_bind_i64(s, 1, round_id);
    int rc = db_step(s);
    int64_t start = 0;
    char path[FX_AREA_PATH_MAX] = "", status[16] = "";
    if (rc == DB_ROW) {
        start = db_col_i64(s, 0);
        fx_copy(status, sizeof status, db_col_text(s, 1));
        fx_copy(path, sizeof path, db_col_text(s, 2));
    }
    db_done(s);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the round");
    /* the round's owning area covers the actor's, or lies within it */
    if (rc != DB_ROW || !(actor_in_scope(who, path) || (who->p && who->p->area_id &&
                                                         strncmp(who->p->area_path, path, strlen(path)) == 0)))
        return fx_fail(err, FX_ENOTFOUND, "round_not_found", "round %lld does not exist in your area",
                       (long long)round_id);
    if (strcmp(status, "closed") == 0)
        return fx_fail(err, FX_ERULE, "round_closed", "round %lld is closed: recall into an open round",
                       (long long)round_id);
    int64_t now = fx_now(), date = start > now ? start : now;
    /* the narrower of the round's area and the actor's */
    const char *scope = who->p && who->p->area_id && strlen(who->p->area_path) > strlen(path) ? who->p->area_path : path;
    enum { BATCH = 256 };
    isolation *rows = malloc(sizeof *rows * BATCH);
    if (!rows)
        return fx_fail(err, FX_EINTERNAL, "out_of_memory", "out of memory");
    *recalled = 0;
    int64_t after = 0;
    int n;
    while ((n = iso_list(c, scope, "active", after, rows, BATCH)) > 0) {
        for (int i = 0; i < n; i++) {
            after = rows[i].id;
            if (!is_test_day(&rows[i].policy, iso_day_of(rows[i].day0, date)))
                continue;
            s = db_prepare(c, "INSERT INTO recalls (id, round_id, person_id, tube_id, top_area_id, area_id, reason,"
                              " created_at, isolation_id) VALUES ($1, $2, $3, NULL, $4, $5, 'isolation_test', $6, $7)"
                              " ON CONFLICT (round_id, person_id, reason) WHERE tube_id IS NULL DO NOTHING");
            if (!s) {
                n = DB_ERR;
                break;
            }
            db_bind_i64(s, 1, fx_id_next());
            db_bind_i64(s, 2, round_id);
            db_bind_i64(s, 3, rows[i].person_id);
            db_bind_i64(s, 4, path_top(rows[i].area_path));
            db_bind_i64(s, 5, rows[i].area_id);
            db_bind_i64(s, 6, now);
            db_bind_i64(s, 7, rows[i].id);
            rc = db_step(s);
            db_done(s);
            if (rc != DB_DONE) {
                n = DB_ERR;
                break;
            }
            *recalled += (int)db_changes(c);
        }
        if (n < BATCH)
            break;
    }
    free(rows);
    if (n < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the recalls");
    char ch[80];
    snprintf(ch, sizeof ch, "{\"isolation_tests\":%d}", *recalled);
    if (audit_record_id(c, &who->log, "recall_isolation_tests", "round", round_id, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the recalls");
    return 0;
}

/* ---- 应隔尽隔 ---- */

/* two sources: members of positive pools, and red-code arrivals at checkpoints
 * (arrivals, 0008); a person in both is listed once, as pending_control */
#define GAPS_FROM                                                                                             \
    " FROM (SELECT pc.person_id, pc.created_at AS since, pc.tube_id,"                                         \
    " 'pending_control' AS source FROM pending_control pc"                                                    \
    " WHERE (pc.state = 'pending' OR pc.state = 'confirmed') AND NOT EXISTS (SELECT 1"                        \
    " FROM isolations i WHERE i.person_id = pc.person_id AND i.created_at >= pc.created_at)"                  \
    " UNION ALL SELECT ar.person_id, ar.created_at, NULL, 'red_code_arrival' FROM arrivals ar"                \
    " WHERE ar.health_code = 'red' AND NOT EXISTS (SELECT 1 FROM isolations i"                                \
    " WHERE i.person_id = ar.person_id AND (i.created_at >= ar.created_at OR i.start_at >= ar.at)))"           \
    " g JOIN persons p ON p.id = g.person_id JOIN areas a ON a.id = p.area_id"

int iso_gaps(db_conn *c, const char *scope_path, int64_t after_person, iso_gap *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT g.person_id, MIN(g.since), COALESCE(MIN(g.tube_id), 0), p.name, a.code, a.path,"
                               " MIN(g.source)" GAPS_FROM " WHERE g.person_id > $1 AND a.path >= $2 AND a.path < $3"
                               " GROUP BY g.person_id, p.name, a.code, a.path ORDER BY g.person_id LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_person);
    db_bind_text(s, 2, lo);
    db_bind_text(s, 3, hi);
    db_bind_i64(s, 4, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        iso_gap *g = &out[n++];
        memset(g, 0, sizeof *g);
        g->person_id = db_col_i64(s, 0);
        g->since = db_col_i64(s, 1);
        g->tube_id = db_col_i64(s, 2);
        fx_copy(g->name, sizeof g->name, db_col_text(s, 3));
        fx_copy(g->area_code, sizeof g->area_code, db_col_text(s, 4));
        fx_copy(g->area_path, sizeof g->area_path, db_col_text(s, 5));
        fx_copy(g->source, sizeof g->source, db_col_text(s, 6));
    }
    db_done(s);
    for (int i = 0; rc >= 0 && i < n; i++) {
        s = db_prepare(c, "SELECT barcode FROM tubes WHERE id = $1");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, out[i].tube_id);
        if (db_step(s) == DB_ROW)
            fx_copy(out[i].tube, sizeof out[i].tube, db_col_text(s, 0));
        db_done(s);
    }
    return rc < 0 ? rc : n;
}

int iso_gap_count(db_conn *c, const char *scope_path, int64_t *out)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT COUNT(DISTINCT g.person_id)" GAPS_FROM " WHERE a.path >= $1 AND a.path < $2");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    int rc = db_step(s);
    if (rc == DB_ROW)
        *out = db_col_i64(s, 0);
    db_done(s);
    return rc == DB_ROW ? 0 : DB_ERR;
}
