#include "core/zone.h"

#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/custody.h"
#include "core/isolation.h"
#include "core/person.h"
#include "core/round.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

unsigned zone_stage_unmet(const zone_stage *st, int64_t now, int64_t count_from, int samples, int not_negative)
{
    unsigned unmet = 0;
    if (now < count_from + (int64_t)st->quiet_days * DAY)
        unmet |= ZONE_UNMET_QUIET;
    if (st->negative_days > 0 && (samples == 0 || not_negative > 0))
        unmet |= ZONE_UNMET_NEGATIVE_ROUND;
    return unmet;
}

/* ---- rule sets ---- */

static int rule_stages(db_conn *c, zone_rule *r)
{
    db_stmt *s = db_prepare(c, "SELECT step, quiet_days, negative_days, to_kind FROM zone_rule_stages"
                               " WHERE rule_id = $1 ORDER BY step");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, r->id);
    int rc;
    r->nstages = 0;
    while ((rc = db_step(s)) == DB_ROW && r->nstages < ZONE_STAGES_MAX) {
        zone_stage *st = &r->stages[r->nstages++];
        st->step = (int)db_col_i64(s, 0);
        st->quiet_days = (int)db_col_i64(s, 1);
        st->negative_days = (int)db_col_i64(s, 2);
        fx_copy(st->to_kind, sizeof st->to_kind, db_col_text(s, 3));
    }
    db_done(s);
    return rc < 0 ? rc : 0;
}

static int rule_one(db_conn *c, const char *sql, int64_t id, const char *name, zone_rule *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    if (name)
        db_bind_text(s, 1, name);
    else
        db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        memset(out, 0, sizeof *out);
        out->id = db_col_i64(s, 0);
        fx_copy(out->name, sizeof out->name, db_col_text(s, 1));
        fx_copy(out->description, sizeof out->description, db_col_text(s, 2));
    }
    db_done(s);
    if (rc == DB_ROW && rule_stages(c, out) != 0)
        return DB_ERR;
    return rc;
}

int zone_rule_get(db_conn *c, int64_t id, zone_rule *out)
{
    return rule_one(c, "SELECT id, name, description FROM zone_rules WHERE id = $1", id, NULL, out);
}

int zone_rule_by_name(db_conn *c, const char *name, zone_rule *out)
{
    /* no name: the first preset */
    return name ? rule_one(c, "SELECT id, name, description FROM zone_rules WHERE name = $1", 0, name, out)
                : rule_one(c, "SELECT id, name, description FROM zone_rules WHERE id >= $1 ORDER BY id LIMIT 1", 0,
                           NULL, out);
}

int zone_rule_list(db_conn *c, zone_rule *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id FROM zone_rules ORDER BY id LIMIT $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, max);
    int64_t ids[64];
    int n = 0, rc = DB_DONE;
    while (n < max && n < 64 && (rc = db_step(s)) == DB_ROW)
        ids[n++] = db_col_i64(s, 0);
    db_done(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++)
        if (zone_rule_get(c, ids[i], &out[i]) != DB_ROW)
            return DB_ERR;
    return n;
}

int zone_rule_create(db_conn *c, const actor *who, const zone_rule *in, zone_rule *out, fx_err *err)
{
    char name[404], desc[404];
    fx_text_normalize(in->name, name, sizeof name);
    fx_text_normalize(in->description, desc, sizeof desc);
    if (!*name || fx_utf8_len(name) > 30)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: 1 to 30 characters");
    if (fx_utf8_len(desc) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_description", "description: at most 100 characters");
    if (in->nstages < 1 || in->nstages > ZONE_STAGES_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_stages", "stages: 1 to %d stages", ZONE_STAGES_MAX);
    for (int i = 0; i < in->nstages; i++) {
        const zone_stage *st = &in->stages[i];
        bool last = i == in->nstages - 1, lifts = strcmp(st->to_kind, "lifted") == 0;
        if (st->quiet_days < 1 || st->quiet_days > 60 || (i && st->quiet_days < in->stages[i - 1].quiet_days))
            return fx_fail(err, FX_EINVAL, "invalid_stages",
                           "stages[%d].quiet_days: 1 to 60, counted from the zone's start, not below the stage before", i);
        if (st->negative_days < 0 || st->negative_days > 14)
            return fx_fail(err, FX_EINVAL, "invalid_stages", "stages[%d].negative_round_days: 0 (none) to 14", i);
        if (last != lifts || (!lifts && strcmp(st->to_kind, "controlled") != 0 && strcmp(st->to_kind, "precaution") != 0))
            return fx_fail(err, FX_EINVAL, "invalid_stages",
                           "stages[%d].to: controlled or precaution before the last stage, lifted for the last", i);
    }
    int64_t id = fx_id_next(), now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO zone_rules (id, name, description, created_at) VALUES ($1, $2, $3, $4)"
                               " ON CONFLICT (name) DO NOTHING");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the rule set");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, desc);
    db_bind_i64(s, 4, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the rule set");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "rule_exists", "name: a rule set named %s exists", name);
    fx_str ch;
    fx_str_init(&ch, 1024);
    fx_str_adds(&ch, "{\"name\":");
    fx_str_add_json(&ch, name);
    fx_str_adds(&ch, ",\"stages\":[");
    for (int i = 0; i < in->nstages; i++) {
        const zone_stage *st = &in->stages[i];
        s = db_prepare(c, "INSERT INTO zone_rule_stages (rule_id, step, quiet_days, negative_days, to_kind)"
                          " VALUES ($1, $2, $3, $4, $5)");
        if (!s) {
            fx_str_free(&ch);
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the rule set");
        }
        db_bind_i64(s, 1, id);
        db_bind_i64(s, 2, i + 1);
        db_bind_i64(s, 3, st->quiet_days);
        db_bind_i64(s, 4, st->negative_days);
        db_bind_text(s, 5, st->to_kind);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) {
            fx_str_free(&ch);
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the rule set");
        }
        fx_str_addf(&ch, "%s[%d,%d,\"%s\"]", i ? "," : "", st->quiet_days, st->negative_days, st->to_kind);
    }
    fx_str_adds(&ch, "]}");
    rc = ch.overflow ? DB_ERR : audit_record_id(c, &who->log, "create", "zone_rule", id, ch.p);
    fx_str_free(&ch);
    if (rc != 0 || zone_rule_get(c, id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the rule set");
    return 0;
}

/* ---- zones ---- */

#define ZONE_SELECT                                                                                          \
    "SELECT z.id, z.area_id, COALESCE(z.cause_tube_id, 0), COALESCE(z.cause_isolation_id, 0),"               \
    " COALESCE(z.start_at, 0), COALESCE(z.count_from, 0), COALESCE(z.last_case_at, 0), COALESCE(z.stage_at, 0),"\
    " COALESCE(z.proposed_at, 0), COALESCE(z.lifted_at, 0), z.created_at, z.updated_at, z.stage, z.kind,"    \
    " z.status, z.cause_kind, z.cause_note, z.created_by, a.code, a.name, a.kind, a.path,"                   \
    " COALESCE(t.barcode, ''), z.rule_id FROM zones z JOIN areas a ON a.id = z.area_id"                       \
    " LEFT JOIN tubes t ON t.id = z.cause_tube_id "

static void read_zone(db_stmt *s, void *row)
{
    zone *o = row;
    memset(o, 0, sizeof *o);
    int64_t *f[] = {&o->id,          &o->area_id,    &o->cause_tube_id, &o->cause_isolation_id,
                    &o->start_at,    &o->count_from, &o->last_case_at,  &o->stage_at,
                    &o->proposed_at, &o->lifted_at,  &o->created_at,    &o->updated_at};
    for (int i = 0; i < 12; i++)
        *f[i] = db_col_i64(s, i);
    o->stage = (int)db_col_i64(s, 12);
    fx_copy(o->kind, sizeof o->kind, db_col_text(s, 13));
    fx_copy(o->status, sizeof o->status, db_col_text(s, 14));
    fx_copy(o->cause_kind, sizeof o->cause_kind, db_col_text(s, 15));
    fx_copy(o->cause_note, sizeof o->cause_note, db_col_text(s, 16));
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 17));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 18));
    fx_copy(o->area_name, sizeof o->area_name, db_col_text(s, 19));
    fx_copy(o->area_kind, sizeof o->area_kind, db_col_text(s, 20));
    fx_copy(o->area_path, sizeof o->area_path, db_col_text(s, 21));
    fx_copy(o->cause_tube, sizeof o->cause_tube, db_col_text(s, 22));
    o->rule.id = db_col_i64(s, 23);
}

/* The rule, and for an active zone its next stage and what is unmet at now. */
static int zone_evaluate(db_conn *c, zone *z, int64_t now)
{
    if (zone_rule_get(c, z->rule.id, &z->rule) != DB_ROW)
        return DB_ERR;
    if (strcmp(z->status, "active") != 0 || z->stage < 1 || z->stage > z->rule.nstages)
        return 0;
    z->has_next = true;
    z->next = z->rule.stages[z->stage - 1];
    z->quiet_until = z->count_from + (int64_t)z->next.quiet_days * DAY;
    if (z->next.negative_days > 0) {
        char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
        scope_range(z->area_path, lo, hi);
        db_stmt *s = db_prepare(c, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.result = 'negative' THEN 0 ELSE 1 END), 0)"
                                   " FROM areas a JOIN persons p ON p.area_id = a.id JOIN samples s ON s.person_id = p.id"
                                   " LEFT JOIN results r ON r.tube_id = s.tube_id"
                                   " WHERE a.path >= $1 AND a.path < $2 AND s.taken_at >= $3 AND s.taken_at <= $4");
        if (!s)
            return DB_ERR;
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
        db_bind_i64(s, 3, now - (int64_t)z->next.negative_days * DAY);
        db_bind_i64(s, 4, now);
        int rc = db_step(s);
        if (rc == DB_ROW) {
            z->samples = (int)db_col_i64(s, 0);
            z->not_negative = (int)db_col_i64(s, 1);
        }
        db_done(s);
        if (rc != DB_ROW)
            return DB_ERR;
    }
    z->unmet = zone_stage_unmet(&z->next, now, z->count_from, z->samples, z->not_negative);
    return 0;
}

int zone_get(db_conn *c, int64_t id, int64_t now, zone *out)
{
    int rc = db_one_row(c, ZONE_SELECT "WHERE z.id = $1", id, read_zone, out);
    if (rc == DB_ROW && zone_evaluate(c, out, now) != 0)
        return DB_ERR;
    return rc;
}

int zone_list(db_conn *c, const char *scope_path, const char *status, int64_t after_id, int64_t now, zone *out,
              int max)
{
    db_stmt *s = scope_page(c, ZONE_SELECT "WHERE a.path >= $1 AND a.path < $2 AND z.id > $3 AND (z.status = $5"
                                           " OR ($5 = '' AND (z.status = 'proposed' OR z.status = 'active')))"
                                           " ORDER BY z.id LIMIT $4",
                            scope_path, after_id, max);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 5, status ? status : "");
    int n = db_rows(s, read_zone, out, sizeof *out, max);
    for (int i = 0; i < n; i++)
        if (zone_evaluate(c, &out[i], now) != 0)
            return DB_ERR;
    return n;
}

static int zone_audit(db_conn *c, const actor *who, const char *action, int64_t id, const char *changes)
{
    return audit_record_id(c, &who->log, action, "zone", id, changes);
}

/* The area's risk level: the highest kind among its active zones, else none. Changed
 * through area_update, so the area's own audit shows it; the zone act was authorised. */
static int risk_sync(db_conn *c, const actor *who, int64_t area_id)
{
    db_stmt *s = db_prepare(c, "SELECT kind FROM zones WHERE area_id = $1 AND status = 'active'");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, area_id);
    int rank = RISK_NONE, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int k = round_risk_rank(db_col_text(s, 0));
        if (k > rank)
            rank = k;
    }
    db_done(s);
    static const char *const names[RISK__COUNT] = {"none", "precaution", "controlled", "sealed"};
    area a;
    if (rc < 0 || area_get_id(c, area_id, &a) != DB_ROW)
        return DB_ERR;
    actor sys = *who;
    sys.p = NULL;
    area_input in = {.risk_level = names[rank]};
    area out;
    fx_err err;
    return area_update(c, &sys, a.code, &in, &out, &err) == 0 ? 0 : DB_ERR;
}

static int zone_insert(db_conn *c, const actor *who, const area *a, const char *kind, const char *status,
                       int64_t rule_id, const char *cause_kind, int64_t tube_id, int64_t iso_id, const char *note,
                       int64_t *id)
{
    int64_t now = fx_now();
    bool active = strcmp(status, "active") == 0;
    *id = fx_id_next();
    db_stmt *s = db_prepare(c, "INSERT INTO zones (id, top_area_id, area_id, kind, status, rule_id, stage, cause_kind,"
                               " cause_tube_id, cause_isolation_id, cause_note, start_at, count_from, proposed_at,"
                               " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9,"
                               " $10, $11, $11, $12, $13, $14, $14)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, *id);
    db_bind_i64(s, 2, path_top(a->path));
    db_bind_i64(s, 3, a->id);
    db_bind_text(s, 4, kind);
    db_bind_text(s, 5, status);
    db_bind_i64(s, 6, rule_id);
    db_bind_text(s, 7, cause_kind);
    if (tube_id)
        db_bind_i64(s, 8, tube_id);
    else
        db_bind_null(s, 8);
    if (iso_id)
        db_bind_i64(s, 9, iso_id);
    else
        db_bind_null(s, 9);
    db_bind_text(s, 10, note);
    if (active)
        db_bind_i64(s, 11, now);
    else
        db_bind_null(s, 11);
    if (active)
        db_bind_null(s, 12);
    else
        db_bind_i64(s, 12, now);
    db_bind_text(s, 13, who->log.name);
    db_bind_i64(s, 14, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    char ch[400];
    snprintf(ch, sizeof ch, "{\"area\":\"%s\",\"kind\":\"%s\",\"status\":\"%s\",\"rule\":%lld,\"cause\":\"%s\"}", a->code,
             kind, status, (long long)rule_id, cause_kind);
    if (zone_audit(c, who, active ? "create" : "propose", *id, ch) != 0)
        return DB_ERR;
    return active ? risk_sync(c, who, a->id) : 0;
}

int zone_create(db_conn *c, const actor *who, const zone_input *in, zone *out, fx_err *err)
{
    if (!in->kind || round_risk_rank(in->kind) <= RISK_NONE)
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind: expected sealed, controlled or precaution");
    char note[404];
    fx_text_normalize(in->note ? in->note : "", note, sizeof note);
    if (fx_utf8_len(note) > 100)
        return fx_fail(err, FX_EINVAL, "note_too_long", "note: at most 100 characters");
    if (!in->tube && !in->isolation && !*note)
        return fx_fail(err, FX_EINVAL, "missing_cause", "a zone needs its cause: tube (a positive pool), isolation"
                                                        " (a case) or note");
    area a;
    int rc = area_get(c, in->area, &a);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the area");
    if (rc != DB_ROW || !actor_in_scope(who, a.path))
        return fx_fail(err, FX_ENOTFOUND, "area_not_found", "area %s does not exist in your area", in->area);
    if (strcmp(a.kind, "compound") != 0 && strcmp(a.kind, "building") != 0)
        return fx_fail(err, FX_ERULE, "not_compound_or_building",
                       "area: %s is a %s; a zone covers a compound or a building", a.code, a.kind);
    zone_rule rule;
    rc = zone_rule_by_name(c, in->rule, &rule);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the rule");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "invalid_rule", "rule: no rule set named %.60s (GET /api/v1/zone-rules)",
                       in->rule);
    int64_t tube_id = 0;
    if (in->tube) {
        tube_ref t;
        rc = tube_ref_get(c, in->tube, &t);
        if (rc < 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the tube");
        if (rc != DB_ROW || !(actor_in_scope(who, t.round_path) || actor_in_scope(who, t.site_path)))
            return fx_fail(err, FX_ENOTFOUND, "tube_not_found", "tube: %.40s does not exist in your area", in->tube);
        tube_id = t.id;
    }
    if (in->isolation) {
        isolation iso;
        rc = iso_get(c, in->isolation, &iso);
        if (rc < 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the case");
        if (rc != DB_ROW || !actor_in_scope(who, iso.area_path))
            return fx_fail(err, FX_ENOTFOUND, "isolation_not_found", "isolation: case %lld does not exist in your area",
                           (long long)in->isolation);
    }
    int64_t id;
    if (zone_insert(c, who, &a, in->kind, "active", rule.id, tube_id ? "tube" : in->isolation ? "isolation" : "other",
                    tube_id, in->isolation, note, &id) != 0 ||
        zone_get(c, id, fx_now(), out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the zone");
    return 0;
}

int zone_propose(db_conn *c, const actor *who, int64_t area_id, int64_t tube_id, int64_t *id)
{
    *id = 0;
    area a;
    if (area_get_id(c, area_id, &a) != DB_ROW)
        return DB_ERR;
    /* covered already: an open zone on this area or one above it */
    db_stmt *s = db_prepare(c, "SELECT 1 FROM zones z JOIN areas a ON a.id = z.area_id WHERE"
                               " (z.status = 'proposed' OR z.status = 'active') AND substr($1, 1, length(a.path)) = a.path LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, a.path);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc == DB_ROW ? 0 : rc;
    zone_rule rule;
    if (zone_rule_by_name(c, NULL, &rule) != DB_ROW)
        return DB_ERR;
    return zone_insert(c, who, &a, "sealed", "proposed", rule.id, "tube", tube_id, 0, "", id);
}

/* The zone from id in the actor's scope, with status want, else a filled err. */
static int zone_for_write(db_conn *c, const actor *who, int64_t id, const char *want, zone *out, fx_err *err)
{
    int rc = zone_get(c, id, fx_now(), out);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the zone");
    if (rc != DB_ROW || !actor_in_scope(who, out->area_path))
        return fx_fail(err, FX_ENOTFOUND, "zone_not_found", "zone %lld does not exist in your area", (long long)id);
    if (strcmp(out->status, want) != 0)
        return fx_fail(err, FX_ECONFLICT, strcmp(want, "active") == 0 ? "zone_not_active" : "zone_not_proposed",
                       "zone %lld is %s: only a%s %s zone can be changed so", (long long)id, out->status,
                       strcmp(want, "active") == 0 ? "n" : "", want);
    return 0;
}

static int set_status(db_conn *c, const actor *who, int64_t id, const char *action, const char *sql, zone *out,
                      const char *from, fx_err *err)
{
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the zone");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || zone_get(c, id, now, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the zone");
    char ch[200];
    snprintf(ch, sizeof ch, "{\"status\":{\"from\":\"%s\",\"to\":\"%s\"},\"kind\":\"%s\"}", from, out->status,
             out->kind);
    if (zone_audit(c, who, action, id, ch) != 0 || risk_sync(c, who, out->area_id) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the zone");
    return 0;
}

int zone_activate(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err)
{
    int rc = zone_for_write(c, who, id, "proposed", out, err);
    return rc ? rc
              : set_status(c, who, id, "activate",
                           "UPDATE zones SET status = 'active', start_at = $2, count_from = $2, updated_at = $2"
                           " WHERE id = $1",
                           out, "proposed", err);
}

int zone_dismiss(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err)
{
    int rc = zone_for_write(c, who, id, "proposed", out, err);
    return rc ? rc
              : set_status(c, who, id, "dismiss", "UPDATE zones SET status = 'dismissed', updated_at = $2 WHERE id = $1",
                           out, "proposed", err);
}

int zone_lift(db_conn *c, const actor *who, int64_t id, zone *out, fx_err *err)
{
    int rc = zone_for_write(c, who, id, "active", out, err);
    if (rc)
        return rc;
    if (!out->has_next)
        return fx_fail(err, FX_EINTERNAL, "rule_error", "zone %lld's rule has no stage %d", (long long)id, out->stage);
    if (out->unmet) {
        char until[24];
        fx_time_local(out->quiet_until, until, sizeof until);
        char q[120] = "", n[200] = "";
        if (out->unmet & ZONE_UNMET_QUIET)
            snprintf(q, sizeof q, " %d days without a new case have not passed (until %s);", out->next.quiet_days,
                     until);
        if (out->unmet & ZONE_UNMET_NEGATIVE_ROUND)
            snprintf(n, sizeof n, " no negative round within %d day(s): %d sample(s), %d without a negative result;",
                     out->next.negative_days, out->samples, out->not_negative);
        return fx_fail(err, FX_ERULE, out->unmet & ZONE_UNMET_QUIET ? "quiet_days_not_passed" : "no_negative_round",
                       "lifting refused:%s%s", q, n);
    }
    char to[12];
    fx_copy(to, sizeof to, out->next.to_kind);
    bool lifted = strcmp(to, "lifted") == 0;
    if (!lifted && round_risk_rank(to) >= round_risk_rank(out->kind))
        fx_copy(to, sizeof to, out->kind); /* a stage lowers a zone's level, never raises it */
    char from_kind[12];
    fx_copy(from_kind, sizeof from_kind, out->kind);
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, lifted ? "UPDATE zones SET status = 'lifted', lifted_at = $2, stage_at = $2,"
                                        " stage = stage + 1, updated_at = $2 WHERE id = $1"
                                      : "UPDATE zones SET kind = $3, stage_at = $2, stage = stage + 1, updated_at = $2"
                                        " WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not lift the zone");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, now);
    if (!lifted)
        db_bind_text(s, 3, to);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE || zone_get(c, id, now, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not lift the zone");
    char ch[240];
    snprintf(ch, sizeof ch, "{\"kind\":{\"from\":\"%s\",\"to\":\"%s\"},\"stage\":%d,\"samples\":%d}", from_kind, to,
             out->stage - 1, out->samples);
    if (zone_audit(c, who, lifted ? "lift" : "step_down", id, ch) != 0 || risk_sync(c, who, out->area_id) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not lift the zone");
    return 0;
}

int zone_positive_inside(db_conn *c, const actor *who, const char *area_path, int64_t at, const char *tube)
{
    /* active zones on the area or above it (their path is a prefix of area_path) */
    db_stmt *s = db_prepare(c, "SELECT z.id FROM zones z JOIN areas a ON a.id = z.area_id WHERE z.status = 'active'"
                               " AND substr($1, 1, length(a.path)) = a.path");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, area_path);
    int64_t ids[32];
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < 32)
        ids[n++] = db_col_i64(s, 0);
    db_done(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        s = db_prepare(c, "UPDATE zones SET count_from = $2, last_case_at = $2, updated_at = $2 WHERE id = $1"
                          " AND count_from < $2");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, ids[i]);
        db_bind_i64(s, 2, at);
        rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE)
            return rc < 0 ? rc : DB_ERR;
        if (db_changes(c) == 0)
            continue;
        fx_str ch;
        fx_str_init(&ch, 256);
        fx_str_addf(&ch, "{\"count_from\":%lld,\"tube\":", (long long)at);
        fx_str_add_json(&ch, tube);
        fx_str_adds(&ch, "}");
        rc = ch.overflow ? DB_ERR : zone_audit(c, who, "restart_count", ids[i], ch.p);
        fx_str_free(&ch);
        if (rc != 0)
            return DB_ERR;
    }
    return 0;
}

/* ---- gates ---- */

int zone_gate_add(db_conn *c, const actor *who, int64_t zone_id, const char *name, zone_gate *out, fx_err *err)
{
    char text[404];
    fx_text_normalize(name ? name : "", text, sizeof text);
    if (!*text || fx_utf8_len(text) > 50)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: 1 to 50 characters, e.g. 东门");
    zone z;
    int rc = zone_for_write(c, who, zone_id, "active", &z, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = fx_id_next();
    out->zone_id = zone_id;
    out->created_at = fx_now();
    fx_copy(out->name, sizeof out->name, text);
    db_stmt *s = db_prepare(c, "INSERT INTO zone_gates (id, zone_id, name, created_at) VALUES ($1, $2, $3, $4)"
                               " ON CONFLICT (zone_id, name) DO NOTHING");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the gate");
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, zone_id);
    db_bind_text(s, 3, text);
    db_bind_i64(s, 4, out->created_at);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the gate");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "gate_exists", "name: zone %lld already has a gate named %s",
                       (long long)zone_id, text);
    fx_str ch;
    fx_str_init(&ch, 512);
    fx_str_addf(&ch, "{\"gate\":%lld,\"name\":", (long long)out->id);
    fx_str_add_json(&ch, text);
    fx_str_adds(&ch, "}");
    rc = ch.overflow ? DB_ERR : zone_audit(c, who, "add_gate", zone_id, ch.p);
    fx_str_free(&ch);
    return rc ? fx_fail(err, FX_EINTERNAL, "db_error", "could not save the gate") : 0;
}

int zone_gate_list(db_conn *c, int64_t zone_id, zone_gate *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id, name, created_at FROM zone_gates WHERE zone_id = $1 ORDER BY id LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, zone_id);
    db_bind_i64(s, 2, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        memset(&out[n], 0, sizeof out[n]);
        out[n].id = db_col_i64(s, 0);
        out[n].zone_id = zone_id;
        fx_copy(out[n].name, sizeof out[n].name, db_col_text(s, 1));
        out[n].created_at = db_col_i64(s, 2);
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* The gate's zone area path and status. DB_ROW or DB_DONE. */
static int gate_zone(db_conn *c, int64_t gate_id, int64_t *zone_id, char path[FX_AREA_PATH_MAX], char status[12])
{
    db_stmt *s = db_prepare(c, "SELECT z.id, a.path, z.status FROM zone_gates g JOIN zones z ON z.id = g.zone_id"
                               " JOIN areas a ON a.id = z.area_id WHERE g.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, gate_id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *zone_id = db_col_i64(s, 0);
        fx_copy(path, FX_AREA_PATH_MAX, db_col_text(s, 1));
        fx_copy(status, 12, db_col_text(s, 2));
    }
    db_done(s);
    return rc;
}

int gate_log_add(db_conn *c, const actor *who, int64_t gate_id, const gate_input *in, gate_entry *out, fx_err *err)
{
    if (!in->kind || (strcmp(in->kind, "entry") != 0 && strcmp(in->kind, "exit") != 0 &&
                      strcmp(in->kind, "delivery") != 0))
        return fx_fail(err, FX_EINVAL, "invalid_kind", "kind: expected entry, exit or delivery");
    memset(out, 0, sizeof *out);
    fx_text_normalize(in->name ? in->name : "", out->name, sizeof out->name);
    fx_text_normalize(in->note ? in->note : "", out->note, sizeof out->note);
    if (fx_utf8_len(out->name) > 50 || fx_utf8_len(out->note) > 100)
        return fx_fail(err, FX_EINVAL, "too_long", "name: at most 50 characters; note: at most 100");
    if (!in->person_id && !*out->name && !in->household_id)
        return fx_fail(err, FX_EINVAL, "missing_field", "give person (an id), name, or household (a delivery's)");
    char path[FX_AREA_PATH_MAX], status[12];
    int rc = gate_zone(c, gate_id, &out->zone_id, path, status);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the gate");
    if (rc != DB_ROW || !actor_in_scope(who, path))
        return fx_fail(err, FX_ENOTFOUND, "gate_not_found", "gate %lld does not exist in your area", (long long)gate_id);
    if (strcmp(status, "active") != 0)
        return fx_fail(err, FX_ERULE, "zone_not_active", "the gate's zone is %s: its gates are closed", status);
    if (in->person_id) {
        person p;
        rc = person_get(c, in->person_id, &p);
        if (rc != DB_ROW || !actor_in_scope(who, p.area_path)) /* others enter by name */
            return fx_fail(err, FX_ENOTFOUND, "person_not_found", "person: %lld does not exist in your area (give"
                           " a name instead)", (long long)in->person_id);
        if (!*out->name)
            fx_copy(out->name, sizeof out->name, p.name);
    }
    if (in->household_id) {
        household h;
        rc = household_get(c, in->household_id, &h);
        if (rc != DB_ROW || strncmp(h.area_path, path, strlen(path)) != 0)
            return fx_fail(err, FX_ENOTFOUND, "household_not_found", "household: %lld is not inside this zone",
                           (long long)in->household_id);
    }
    int64_t now = fx_now();
    out->id = fx_id_next();
    out->gate_id = gate_id;
    out->person_id = in->person_id;
    out->household_id = in->household_id;
    out->at = in->at ? in->at : now;
    out->created_at = now;
    fx_copy(out->kind, sizeof out->kind, in->kind);
    fx_copy(out->recorded_by, sizeof out->recorded_by, who->log.name);
    if (out->at > now + 300)
        return fx_fail(err, FX_ERULE, "at_in_future", "at: the time is in the future");
    db_stmt *s = db_prepare(c, "INSERT INTO gate_log (id, gate_id, zone_id, kind, person_id, name, household_id, note,"
                               " at, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the entry");
    db_bind_i64(s, 1, out->id);
    db_bind_i64(s, 2, gate_id);
    db_bind_i64(s, 3, out->zone_id);
    db_bind_text(s, 4, out->kind);
    if (in->person_id)
        db_bind_i64(s, 5, in->person_id);
    else
        db_bind_null(s, 5);
    db_bind_text(s, 6, out->name);
    if (in->household_id)
        db_bind_i64(s, 7, in->household_id);
    else
        db_bind_null(s, 7);
    db_bind_text(s, 8, out->note);
    db_bind_i64(s, 9, out->at);
    db_bind_text(s, 10, out->recorded_by);
    db_bind_i64(s, 11, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the entry");
    char ch[200];
    snprintf(ch, sizeof ch, "{\"gate\":%lld,\"entry\":%lld,\"kind\":\"%s\",\"at\":%lld}", (long long)gate_id,
             (long long)out->id, out->kind, (long long)out->at);
    if (zone_audit(c, who, "gate_log", out->zone_id, ch) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the entry");
    return 0;
}

int gate_log_list(db_conn *c, const char *scope_path, int64_t gate_id, int64_t before_id, gate_entry *out, int max)
{
    char path[FX_AREA_PATH_MAX], status[12];
    int64_t zone_id;
    int rc = gate_zone(c, gate_id, &zone_id, path, status);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW || strncmp(path, scope_path, strlen(scope_path)) != 0)
        return DB_ENOTFOUND;
    db_stmt *s = db_prepare(c, "SELECT id, COALESCE(person_id, 0), COALESCE(household_id, 0), at, created_at, kind,"
                               " name, note, recorded_by FROM gate_log WHERE gate_id = $1 AND ($2 = 0 OR id < $2)"
                               " ORDER BY id DESC LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, gate_id);
    db_bind_i64(s, 2, before_id);
    db_bind_i64(s, 3, max);
    int n = 0;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        gate_entry *e = &out[n++];
        memset(e, 0, sizeof *e);
        e->id = db_col_i64(s, 0);
        e->gate_id = gate_id;
        e->zone_id = zone_id;
        e->person_id = db_col_i64(s, 1);
        e->household_id = db_col_i64(s, 2);
        e->at = db_col_i64(s, 3);
        e->created_at = db_col_i64(s, 4);
        fx_copy(e->kind, sizeof e->kind, db_col_text(s, 5));
        fx_copy(e->name, sizeof e->name, db_col_text(s, 6));
        fx_copy(e->note, sizeof e->note, db_col_text(s, 7));
        fx_copy(e->recorded_by, sizeof e->recorded_by, db_col_text(s, 8));
    }
    db_done(s);
    return rc < 0 ? rc : n;
}
