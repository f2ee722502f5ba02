/* disinfect.c — disinfection schedules, the treatment log, overdue places and the
 * schedule a new isolation case's home gets. */
#include "core/disinfect.h"

#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/isolation.h"
#include "core/person.h"
#include "core/site.h"
#include "core/team.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)
#define INTERVAL_MIN 3600
#define INTERVAL_MAX (30 * 86400)

static int audit_json(db_conn *c, const actor *who, const char *action, const char *entity, int64_t id,
                         const fx_str *ch)
{
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    return audit_record(c, &who->log, action, entity, eid, ch->overflow ? "{}" : ch->p);
}

static int check_text(const char *s, const char *field, size_t max, bool required, fx_err *err)
{
    if (required && (!s || !*s))
        return fx_fail(err, FX_EINVAL, "missing_field", "%s: required", field);
    if (s && fx_utf8_len(s) > max)
        return fx_fail(err, FX_EINVAL, "invalid_field", "%s: at most %zu characters", field, max);
    return 0;
}

static int check_interval(int64_t v, fx_err *err)
{
    if (v < INTERVAL_MIN || v > INTERVAL_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_interval", "interval_h: 1 to 720 hours (24: daily, 12: twice a day)");
    return 0;
}

/* ---- schedules ---- */

#define SCHEDULE_SELECT                                                                                      \
    "SELECT d.id, d.area_id, COALESCE(d.site_id, 0), COALESCE(d.household_id, 0), COALESCE(d.isolation_id, 0)," \
    " d.interval_s, COALESCE(d.last_at, 0), d.due_at, d.created_at, d.updated_at, d.active, d.kind, d.place,"   \
    " d.agent, a.code, a.path, d.created_by FROM disinfect_schedules d JOIN areas a ON a.id = d.area_id "

static void read_schedule(db_stmt *s, void *row)
{
    disinfect_schedule *d = row;
    memset(d, 0, sizeof *d);
    d->id = db_col_i64(s, 0);
    d->area_id = db_col_i64(s, 1);
    d->site_id = db_col_i64(s, 2);
    d->household_id = db_col_i64(s, 3);
    d->isolation_id = db_col_i64(s, 4);
    d->interval_s = db_col_i64(s, 5);
    d->last_at = db_col_i64(s, 6);
    d->due_at = db_col_i64(s, 7);
    d->created_at = db_col_i64(s, 8);
    d->updated_at = db_col_i64(s, 9);
    d->active = db_col_i64(s, 10) != 0;
    fx_copy(d->kind, sizeof d->kind, db_col_text(s, 11));
    fx_copy(d->place, sizeof d->place, db_col_text(s, 12));
    fx_copy(d->agent, sizeof d->agent, db_col_text(s, 13));
    fx_copy(d->area_code, sizeof d->area_code, db_col_text(s, 14));
    fx_copy(d->area_path, sizeof d->area_path, db_col_text(s, 15));
    fx_copy(d->created_by, sizeof d->created_by, db_col_text(s, 16));
}

int disinfect_schedule_get(db_conn *c, int64_t id, disinfect_schedule *out)
{
    return db_one_row(c, SCHEDULE_SELECT "WHERE d.id = $1", id, read_schedule, out);
}

/* Where the schedule's place is: its area, its words and the row it links to. */
typedef struct place {
    int64_t area_id, site_id, household_id, isolation_id;
    char path[FX_AREA_PATH_MAX], words[401];
} place;

static int home_place(db_conn *c, const actor *who, int64_t household_id, place *p, fx_err *err)
{
    household h;
    int rc = household_get(c, household_id, &h);
    if (rc < 0)
        return DB_FAIL(err, "read the household");
    if (rc != DB_ROW || !actor_in_scope(who, h.area_path))
        return fx_fail(err, FX_EINVAL, "household_not_found", "household: %lld does not exist in your area",
                       (long long)household_id);
    p->household_id = h.id;
    p->area_id = h.area_id;
    fx_copy(p->path, sizeof p->path, h.area_path);
    fx_copy(p->words, sizeof p->words, h.address);
    return 0;
}

static int resolve_place(db_conn *c, const actor *who, const disinfect_input *in, place *p, fx_err *err)
{
    memset(p, 0, sizeof *p);
    const char *k = in->kind ? in->kind : "";
    int rc;
    if (strcmp(k, "area") == 0) {
        area a;
        if (!in->area || !*in->area)
            return fx_fail(err, FX_EINVAL, "missing_area", "area: the code of the street, compound or building");
        rc = area_get(c, in->area, &a);
        if (rc < 0)
            return DB_FAIL(err, "read the area");
        if (rc != DB_ROW || !actor_in_scope(who, a.path))
            return fx_fail(err, FX_EINVAL, "area_not_found", "area: %s does not exist in your area", in->area);
        p->area_id = a.id;
        fx_copy(p->path, sizeof p->path, a.path);
        fx_copy(p->words, sizeof p->words, a.name);
        return 0;
    }
    if (strcmp(k, "site") == 0) {
        site st;
        rc = in->site_id ? site_get(c, in->site_id, &st) : DB_DONE;
        if (rc < 0)
            return DB_FAIL(err, "read the site");
        if (rc != DB_ROW || !actor_in_scope(who, st.area_path))
            return fx_fail(err, FX_EINVAL, "site_not_found", "site: %lld does not exist in your area",
                           (long long)in->site_id);
        p->site_id = st.id;
        p->area_id = st.area_id;
        fx_copy(p->path, sizeof p->path, st.area_path);
        fx_copy(p->words, sizeof p->words, st.name);
        return 0;
    }
    if (strcmp(k, "home") == 0) {
        if (in->isolation_id) {
            isolation iso;
            rc = iso_get(c, in->isolation_id, &iso);
            if (rc < 0)
                return DB_FAIL(err, "read the isolation case");
            person pr;
            if (rc != DB_ROW || !actor_in_scope(who, iso.area_path) || person_get(c, iso.person_id, &pr) != DB_ROW)
                return fx_fail(err, FX_EINVAL, "isolation_not_found", "isolation: case %lld does not exist in your area",
                               (long long)in->isolation_id);
            if (!pr.household_id)
                return fx_fail(err, FX_ERULE, "no_home", "isolation: the person of case %lld has no household on record",
                               (long long)in->isolation_id);
            p->isolation_id = iso.id;
            return home_place(c, who, pr.household_id, p, err);
        }
        if (!in->household_id)
            return fx_fail(err, FX_EINVAL, "missing_household", "household (or isolation): the home to disinfect");
        return home_place(c, who, in->household_id, p, err);
    }
    return fx_fail(err, FX_EINVAL, "invalid_kind", "kind: area (a street, compound or building), site or home");
}

static int insert_schedule(db_conn *c, const actor *who, const char *kind, const place *p, int64_t interval_s,
                           const char *agent, int64_t *out_id)
{
    db_stmt *s = db_prepare(c, "INSERT INTO disinfect_schedules (id, top_area_id, area_id, kind, site_id, household_id,"
                               " isolation_id, place, interval_s, agent, due_at, created_by, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)");
    if (!s)
        return DB_ERR;
    int64_t now = fx_now();
    *out_id = fx_id_next();
    db_bind_i64(s, 1, *out_id);
    db_bind_i64(s, 2, path_top(p->path));
    db_bind_i64(s, 3, p->area_id);
    db_bind_text(s, 4, kind);
    int64_t links[3] = {p->site_id, p->household_id, p->isolation_id};
    for (int i = 0; i < 3; i++)
        if (links[i])
            db_bind_i64(s, 5 + i, links[i]);
        else
            db_bind_null(s, 5 + i);
    db_bind_text(s, 8, p->words);
    db_bind_i64(s, 9, interval_s);
    db_bind_text(s, 10, agent);
    db_bind_i64(s, 11, now + interval_s); /* never treated: due one interval after it starts */
    db_bind_text(s, 12, who->log.name);
    db_bind_i64(s, 13, now);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

static int audit_schedule(db_conn *c, const actor *who, const char *action, const disinfect_schedule *d)
{
    fx_str ch;
    fx_str_init(&ch, 2048);
    fx_str_adds(&ch, "{\"kind\":");
    fx_str_add_json(&ch, d->kind);
    fx_str_adds(&ch, ",\"place\":");
    fx_str_add_json(&ch, d->place);
    fx_str_addf(&ch, ",\"interval_s\":%lld,\"active\":%s,\"agent\":", (long long)d->interval_s,
                d->active ? "true" : "false");
    fx_str_add_json(&ch, d->agent);
    fx_str_adds(&ch, "}");
    int rc = audit_json(c, who, action, "disinfect_schedule", d->id, &ch);
    fx_str_free(&ch);
    return rc;
}

int disinfect_schedule_create(db_conn *c, const actor *who, const disinfect_input *in, disinfect_schedule *out,
                              fx_err *err)
{
    int rc = check_interval(in->interval_s, err);
    if (rc || (rc = check_text(in->agent, "agent", 50, true, err)))
        return rc;
    place p;
    if ((rc = resolve_place(c, who, in, &p, err)))
        return rc;
    int64_t id;
    rc = insert_schedule(c, who, in->kind, &p, in->interval_s, in->agent, &id);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "case_has_schedule", "isolation: case %lld's home has a schedule already",
                       (long long)p.isolation_id);
    if (rc != 0 || disinfect_schedule_get(c, id, out) != DB_ROW || audit_schedule(c, who, "create", out) != 0)
        return DB_FAIL(err, "save the schedule");
    return 0;
}

int disinfect_schedule_update(db_conn *c, const actor *who, int64_t id, int64_t interval_s, const char *agent,
                              int active, disinfect_schedule *out, fx_err *err)
{
    int rc;
    if (interval_s && (rc = check_interval(interval_s, err)))
        return rc;
    if (agent && (rc = check_text(agent, "agent", 50, true, err)))
        return rc;
    rc = disinfect_schedule_get(c, id, out);
    if (rc < 0)
        return DB_FAIL(err, "read the schedule");
    if (rc != DB_ROW || !actor_in_scope(who, out->area_path))
        return fx_fail(err, FX_ENOTFOUND, "schedule_not_found", "schedule %lld does not exist in your area",
                       (long long)id);
    int64_t iv = interval_s ? interval_s : out->interval_s;
    int64_t since = out->last_at ? out->last_at : out->created_at;
    db_stmt *s = db_prepare(c, "UPDATE disinfect_schedules SET interval_s = $2, agent = $3, active = $4, due_at = $5,"
                               " updated_at = $6 WHERE id = $1");
    if (!s)
        return DB_FAIL(err, "save the schedule");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, iv);
    db_bind_text(s, 3, agent ? agent : out->agent);
    db_bind_i64(s, 4, active < 0 ? out->active : active != 0);
    db_bind_i64(s, 5, since + iv);
    db_bind_i64(s, 6, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || disinfect_schedule_get(c, id, out) != DB_ROW || audit_schedule(c, who, "update", out) != 0)
        return DB_FAIL(err, "save the schedule");
    return 0;
}

int disinfect_schedule_list(db_conn *c, const char *scope_path, bool overdue_only, int64_t now, int64_t before_id,
                            disinfect_schedule *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    /* overdue: a range of the partial index on due_at, most overdue first */
    db_stmt *s = db_prepare(c, overdue_only ? SCHEDULE_SELECT "WHERE d.active = 1 AND d.due_at < $3"
                                                              " AND a.path >= $1 AND a.path < $2 ORDER BY d.due_at LIMIT $4"
                                            : SCHEDULE_SELECT "WHERE a.path >= $1 AND a.path < $2 AND d.id < $3"
                                                              " ORDER BY d.id DESC LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, overdue_only ? now : (before_id ? before_id : INT64_MAX));
    db_bind_i64(s, 4, max);
    return db_rows(s, read_schedule, out, sizeof *out, max);
}

int64_t disinfect_overdue_count(db_conn *c, const char *scope_path, int64_t now)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT COUNT(*) FROM disinfect_schedules d JOIN areas a ON a.id = d.area_id"
                               " WHERE d.active = 1 AND d.due_at < $3 AND a.path >= $1 AND a.path < $2");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, now);
    int rc = db_step(s);
    int64_t n = rc == DB_ROW ? db_col_i64(s, 0) : rc;
    db_done(s);
    return n;
}

/* ---- treatments ---- */

int disinfect_treat(db_conn *c, const actor *who, const treatment_input *in, disinfect_treatment *out, fx_err *err)
{
    int rc;
    if ((rc = check_text(in->team, "team", 50, false, err)) || (rc = check_text(in->agent, "agent", 50, false, err)) ||
        (rc = check_text(in->concentration, "concentration", 30, false, err)) ||
        (rc = check_text(in->operator_, "operator", 30, false, err)) || (rc = check_text(in->note, "note", 100, false, err)))
        return rc;
    if ((!in->team || !*in->team) && !in->team_id)
        return fx_fail(err, FX_EINVAL, "missing_team", "team: the team that did it (its name, or team_id)");
    team tm = {0};
    if (in->team_id) {
        rc = team_get(c, in->team_id, &tm);
        if (rc < 0)
            return DB_FAIL(err, "read the team");
        if (rc != DB_ROW || !actor_in_scope(who, tm.area_path))
            return fx_fail(err, FX_EINVAL, "team_not_found", "team_id: team %lld does not exist in your area",
                           (long long)in->team_id);
    }
    int64_t now = fx_now(), at = in->at ? in->at : now;
    if (at > now + 300)
        return fx_fail(err, FX_EINVAL, "invalid_at", "at: a treatment is logged once done, not in the future");
    disinfect_schedule d;
    rc = disinfect_schedule_get(c, in->schedule_id, &d);
    if (rc < 0)
        return DB_FAIL(err, "read the schedule");
    if (rc != DB_ROW || !actor_in_scope(who, d.area_path))
        return fx_fail(err, FX_ENOTFOUND, "schedule_not_found", "schedule %lld does not exist in your area",
                       (long long)in->schedule_id);
    if (at < d.created_at - 86400)
        return fx_fail(err, FX_EINVAL, "invalid_at", "at: before the schedule began");
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->schedule_id = d.id;
    out->team_id = in->team_id;
    out->at = at;
    out->created_at = now;
    fx_copy(out->team, sizeof out->team, in->team && *in->team ? in->team : tm.name); /* the roster's name */
    fx_copy(out->agent, sizeof out->agent, in->agent && *in->agent ? in->agent : d.agent);
    fx_copy(out->concentration, sizeof out->concentration, in->concentration ? in->concentration : "");
    fx_copy(out->operator_, sizeof out->operator_, in->operator_ && *in->operator_ ? in->operator_ : who->log.name);
    fx_copy(out->note, sizeof out->note, in->note ? in->note : "");
    fx_copy(out->place, sizeof out->place, d.place);
    fx_copy(out->created_by, sizeof out->created_by, who->log.name);
    db_stmt *s = db_prepare(c, "INSERT INTO disinfect_treatments (id, schedule_id, team, team_id, agent, concentration,"
                               " at, operator, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                               " $10, $11)");
    if (!s)
        return DB_FAIL(err, "save the treatment");
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, d.id);
    db_bind_text(s, 3, out->team);
    if (out->team_id)
        db_bind_i64(s, 4, out->team_id);
    else
        db_bind_null(s, 4);
    db_bind_text(s, 5, out->agent);
    db_bind_text(s, 6, out->concentration);
    db_bind_i64(s, 7, at);
    db_bind_text(s, 8, out->operator_);
    db_bind_text(s, 9, out->note);
    db_bind_text(s, 10, who->log.name);
    db_bind_i64(s, 11, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the treatment");
    /* a treatment logged late for an earlier time never moves the due time back */
    s = db_prepare(c, "UPDATE disinfect_schedules SET last_at = $2, due_at = $2 + interval_s, updated_at = $3"
                      " WHERE id = $1 AND (last_at IS NULL OR last_at < $2)");
    if (!s)
        return DB_FAIL(err, "save the schedule");
    db_bind_i64(s, 1, d.id);
    db_bind_i64(s, 2, at);
    db_bind_i64(s, 3, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the schedule");
    fx_str ch;
    fx_str_init(&ch, 2048);
    fx_str_addf(&ch, "{\"schedule\":%lld,\"at\":%lld,\"team\":", (long long)d.id, (long long)at);
    fx_str_add_json(&ch, out->team);
    fx_str_adds(&ch, ",\"agent\":");
    fx_str_add_json(&ch, out->agent);
    fx_str_adds(&ch, ",\"concentration\":");
    fx_str_add_json(&ch, out->concentration);
    fx_str_adds(&ch, ",\"operator\":");
    fx_str_add_json(&ch, out->operator_);
    fx_str_adds(&ch, "}");
    rc = audit_json(c, who, "create", "disinfect_treatment", out->id, &ch);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the treatment") : 0;
}

int disinfect_treatment_list(db_conn *c, const char *scope_path, int64_t schedule_id, int64_t before_id,
                             disinfect_treatment *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT t.id, t.schedule_id, COALESCE(t.team_id, 0), t.at, t.created_at, t.team, t.agent,"
                               " t.concentration, t.operator, t.note, d.place, t.created_by FROM disinfect_treatments t"
                               " JOIN disinfect_schedules d ON d.id = t.schedule_id JOIN areas a ON a.id = d.area_id"
                               " WHERE a.path >= $1 AND a.path < $2 AND ($3 = 0 OR t.schedule_id = $3) AND t.id < $4"
                               " ORDER BY t.id DESC LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, schedule_id);
    db_bind_i64(s, 4, before_id ? before_id : INT64_MAX);
    db_bind_i64(s, 5, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        disinfect_treatment *t = &out[n++];
        memset(t, 0, sizeof *t);
        t->id = db_col_i64(s, 0);
        t->schedule_id = db_col_i64(s, 1);
        t->team_id = db_col_i64(s, 2);
        t->at = db_col_i64(s, 3);
        t->created_at = db_col_i64(s, 4);
        fx_copy(t->team, sizeof t->team, db_col_text(s, 5));
        fx_copy(t->agent, sizeof t->agent, db_col_text(s, 6));
        fx_copy(t->concentration, sizeof t->concentration, db_col_text(s, 7));
        fx_copy(t->operator_, sizeof t->operator_, db_col_text(s, 8));
        fx_copy(t->note, sizeof t->note, db_col_text(s, 9));
        fx_copy(t->place, sizeof t->place, db_col_text(s, 10));
        fx_copy(t->created_by, sizeof t->created_by, db_col_text(s, 11));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- settings and the home of a new case ---- */

int disinfect_settings_get(db_conn *c, disinfect_settings *out)
{
    db_stmt *s = db_prepare(c, "SELECT auto_home, home_interval_s, home_agent, updated_by, updated_at"
                               " FROM disinfect_settings WHERE id = 1");
    if (!s)
        return DB_ERR;
    int rc = db_step(s);
    memset(out, 0, sizeof *out);
    if (rc == DB_ROW) {
        out->auto_home = db_col_i64(s, 0) != 0;
        out->home_interval_s = db_col_i64(s, 1);
        fx_copy(out->home_agent, sizeof out->home_agent, db_col_text(s, 2));
        fx_copy(out->updated_by, sizeof out->updated_by, db_col_text(s, 3));
        out->updated_at = db_col_i64(s, 4);
    }
    db_done(s);
    return rc == DB_ROW ? 0 : DB_ERR;
}

int disinfect_settings_set(db_conn *c, const actor *who, const disinfect_settings *in, fx_err *err)
{
    int rc = check_interval(in->home_interval_s, err);
    if (rc || (rc = check_text(in->home_agent, "home_agent", 50, true, err)))
        return rc;
    db_stmt *s = db_prepare(c, "UPDATE disinfect_settings SET auto_home = $1, home_interval_s = $2, home_agent = $3,"
                               " updated_by = $4, updated_at = $5 WHERE id = 1");
    if (!s)
        return DB_FAIL(err, "save the settings");
    db_bind_i64(s, 1, in->auto_home);
    db_bind_i64(s, 2, in->home_interval_s);
    db_bind_text(s, 3, in->home_agent);
    db_bind_text(s, 4, who->log.name);
    db_bind_i64(s, 5, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the settings");
    fx_str ch;
    fx_str_init(&ch, 1024);
    fx_str_addf(&ch, "{\"auto_home\":%s,\"home_interval_s\":%lld,\"home_agent\":", in->auto_home ? "true" : "false",
                (long long)in->home_interval_s);
    fx_str_add_json(&ch, in->home_agent);
    fx_str_adds(&ch, "}");
    rc = audit_json(c, who, "update", "disinfect_settings", 1, &ch);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the settings") : 0;
}

int disinfect_on_case(db_conn *c, const actor *who, int64_t isolation_id, int64_t household_id)
{
    disinfect_settings set;
    if (disinfect_settings_get(c, &set) != 0)
        return DB_ERR;
    if (!set.auto_home || !household_id)
        return 0;
    int64_t have = 0;
    if (db_one_i64(c, "SELECT COUNT(*) FROM disinfect_schedules WHERE household_id = $1 AND active = 1", household_id,
                   &have) != DB_ROW)
        return DB_ERR;
    if (have)
        return 0; /* a second case in the same home: one schedule does */
    actor sys = *who;
    sys.p = NULL; /* the case was opened in scope; its home is too */
    disinfect_input in = {.kind = "home", .household_id = household_id, .interval_s = set.home_interval_s,
                          .agent = set.home_agent};
    place p;
    fx_err e;
    int64_t id;
    disinfect_schedule d;
    if (resolve_place(c, &sys, &in, &p, &e) != 0)
        return DB_ERR;
    p.isolation_id = isolation_id;
    if (insert_schedule(c, who, "home", &p, set.home_interval_s, set.home_agent, &id) != 0 ||
        disinfect_schedule_get(c, id, &d) != DB_ROW || audit_schedule(c, who, "create", &d) != 0)
        return DB_ERR;
    return 0;
}
