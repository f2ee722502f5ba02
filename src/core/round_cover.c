/* round_cover.c — who a round still has to reach: exemptions and the untested list. */
#include "core/person_row.h"
#include "core/round.h"

#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const reasons[] = {"bedridden", "infant", "away", "other"};

bool exempt_reason_valid(const char *s)
{
    for (size_t i = 0; s && i < sizeof reasons / sizeof *reasons; i++)
        if (strcmp(s, reasons[i]) == 0)
            return true;
    return false;
}

/* true when path lies in one of the round's scope areas. */
static bool in_round(db_conn *c, int64_t round_id, const char *path)
{
    round_area ra[ROUND_AREAS_MAX];
    int n = round_areas(c, round_id, ra, ROUND_AREAS_MAX);
    for (int i = 0; i < n; i++)
        if (strncmp(path, ra[i].path, strlen(ra[i].path)) == 0)
            return true;
    return false;
}

static bool sampled(db_conn *c, int64_t round_id, int64_t person_id)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM samples WHERE round_id = $1 AND person_id = $2 LIMIT 1");
    if (!s)
        return false;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, person_id);
    bool yes = db_step(s) == DB_ROW;
    db_done(s);
    return yes;
}

static int audit_exempt(db_conn *c, const actor *who, const char *action, int64_t round_id, int64_t person_id,
                        const char *reason, const char *note)
{
    char idbuf[48];
    snprintf(idbuf, sizeof idbuf, "%lld/%lld", (long long)round_id, (long long)person_id);
    audit_changes ch;
    audit_changes_init(&ch);
    if (strcmp(action, "create") == 0) {
        audit_changes_text(&ch, "reason", NULL, reason);
        audit_changes_text(&ch, "note", NULL, note);
    } else {
        audit_changes_text(&ch, "reason", reason, NULL);
    }
    int rc = audit_record(c, &who->log, action, "exemption", idbuf, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc;
}

int exempt_add(db_conn *c, const actor *who, int64_t round_id, int64_t person_id, const char *reason,
               const char *note, exemption *out, fx_err *err)
{
    if (!exempt_reason_valid(reason))
        return fx_fail(err, FX_EINVAL, "invalid_reason", "reason must be one of bedridden, infant, away, other");
    note = note ? note : "";
    if (fx_utf8_len(note) > EXEMPT_NOTE_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_note", "note: at most %d characters", EXEMPT_NOTE_MAX);
    fx_round r;
    if (round_get(c, round_id, &r) != DB_ROW || !round_visible(c, who->p, round_id))
        return fx_fail(err, FX_ENOTFOUND, "round_not_found", "round %lld does not exist in your area",
                       (long long)round_id);
    person p;
    if (person_get(c, person_id, &p) != DB_ROW || !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_EINVAL, "person_not_found", "person: %lld does not exist in your area",
                       (long long)person_id);
    if (!in_round(c, round_id, p.area_path))
        return fx_fail(err, FX_ERULE, "not_in_scope", "person %lld lives in %s, outside this round's areas",
                       (long long)person_id, p.area_code);
    if (sampled(c, round_id, person_id))
        return fx_fail(err, FX_ECONFLICT, "already_sampled", "person %lld was already sampled in this round",
                       (long long)person_id);
    db_stmt *s = db_prepare(c, "INSERT INTO exemptions (round_id, person_id, top_area_id, area_id, reason, note,"
                               " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                               " ON CONFLICT (round_id, person_id) DO NOTHING");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the exemption");
    memset(out, 0, sizeof *out);
    out->round_id = round_id;
    out->person_id = person_id;
    out->created_at = fx_now();
    fx_copy(out->reason, sizeof out->reason, reason);
    fx_copy(out->note, sizeof out->note, note);
    fx_copy(out->created_by, sizeof out->created_by, who->log.name ? who->log.name : "");
    fx_copy(out->person_name, sizeof out->person_name, p.name);
    fx_copy(out->area_code, sizeof out->area_code, p.area_code);
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, person_id);
    db_bind_i64(s, 3, strtoll(p.area_path + 1, NULL, 10));
    db_bind_i64(s, 4, p.area_id);
    db_bind_text(s, 5, reason);
    db_bind_text(s, 6, note);
    db_bind_text(s, 7, out->created_by);
    db_bind_i64(s, 8, out->created_at);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the exemption");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "already_exempt", "person %lld is already exempt from this round",
                       (long long)person_id);
    if (coverage_add(c, round_id, p.area_path, 0, 0, +1) != 0 ||
        audit_exempt(c, who, "create", round_id, person_id, reason, note) < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not count the exemption");
    return 0;
}

int exempt_remove(db_conn *c, const actor *who, int64_t round_id, int64_t person_id, fx_err *err)
{
    person p;
    if (!round_visible(c, who->p, round_id) || person_get(c, person_id, &p) != DB_ROW ||
        !actor_in_scope(who, p.area_path))
        return fx_fail(err, FX_ENOTFOUND, "exemption_not_found", "person %lld is not exempt from round %lld",
                       (long long)person_id, (long long)round_id);
    db_stmt *s = db_prepare(c, "DELETE FROM exemptions WHERE round_id = $1 AND person_id = $2 RETURNING reason, area_id");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not withdraw the exemption");
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, person_id);
    char reason[16] = "";
    int rc = db_step(s);
    if (rc == DB_ROW)
        fx_copy(reason, sizeof reason, db_col_text(s, 0));
    db_done(s);
    if (rc != DB_ROW)
        return fx_fail(err, FX_ENOTFOUND, "exemption_not_found", "person %lld is not exempt from round %lld",
                       (long long)person_id, (long long)round_id);
    if (coverage_add(c, round_id, p.area_path, 0, 0, -1) != 0 ||
        audit_exempt(c, who, "delete", round_id, person_id, reason, NULL) < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not count the exemption");
    return 0;
}

int exempt_list(db_conn *c, int64_t round_id, const char *scope_path, int64_t after_id, exemption *out, int max)
{
    char upper[FX_AREA_PATH_MAX] = "";
    if (scope_path)
        round_path_upper(scope_path, upper);
    db_stmt *s = db_prepare(c, "SELECT e.person_id, e.created_at, e.reason, e.note, e.created_by, p.name, a.code"
                               " FROM exemptions e JOIN persons p ON p.id = e.person_id JOIN areas a ON a.id = p.area_id"
                               " WHERE e.round_id = $1 AND e.person_id > $2 AND ($3 = '' OR (a.path >= $3 AND a.path < $4))"
                               " ORDER BY e.person_id LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, round_id);
    db_bind_i64(s, 2, after_id);
    db_bind_text(s, 3, scope_path ? scope_path : "");
    db_bind_text(s, 4, upper);
    db_bind_i64(s, 5, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        exemption *e = &out[n++];
        e->round_id = round_id;
        e->person_id = db_col_i64(s, 0);
        e->created_at = db_col_i64(s, 1);
        fx_copy(e->reason, sizeof e->reason, db_col_text(s, 2));
        fx_copy(e->note, sizeof e->note, db_col_text(s, 3));
        fx_copy(e->created_by, sizeof e->created_by, db_col_text(s, 4));
        fx_copy(e->person_name, sizeof e->person_name, db_col_text(s, 5));
        fx_copy(e->area_code, sizeof e->area_code, db_col_text(s, 6));
    }
    db_done(s);
    return n;
}

int round_untested(db_conn *c, int64_t round_id, const char *area_path, int64_t after_id, person *out, int max)
{
    char upper[FX_AREA_PATH_MAX], from[FX_AREA_PATH_MAX];
    round_path_upper(area_path, upper);
    fx_copy(from, sizeof from, area_path);
    if (after_id) { /* resume in the area of the last person listed */
        db_stmt *s = db_prepare(c, "SELECT a.path FROM persons p JOIN areas a ON a.id = p.area_id WHERE p.id = $1");
        if (!s)
            return DB_ERR;
        db_bind_i64(s, 1, after_id);
        if (db_step(s) == DB_ROW && strcmp(db_col_text(s, 0), area_path) >= 0 && strcmp(db_col_text(s, 0), upper) < 0)
            fx_copy(from, sizeof from, db_col_text(s, 0));
        db_done(s);
    }
    db_stmt *s = db_prepare(c, PERSON_SELECT
                            "WHERE a.path >= $1 AND a.path < $2 AND (a.path > $1 OR p.id > $4)"
                            " AND EXISTS (SELECT 1 FROM round_areas ra JOIN areas x ON x.id = ra.area_id"
                            "  WHERE ra.round_id = $3 AND substr(a.path, 1, length(x.path)) = x.path)"
                            " AND NOT EXISTS (SELECT 1 FROM samples sm WHERE sm.round_id = $3 AND sm.person_id = p.id)"
                            " AND NOT EXISTS (SELECT 1 FROM exemptions e WHERE e.round_id = $3 AND e.person_id = p.id)"
                            " ORDER BY a.path, p.id LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, from);
    db_bind_text(s, 2, upper);
    db_bind_i64(s, 3, round_id);
    db_bind_i64(s, 4, after_id);
    db_bind_i64(s, 5, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        person_read_row(s, &out[n++]);
    db_done(s);
    return n < 0 ? DB_ERR : n;
}
