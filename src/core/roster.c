#include "core/roster.h"

#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/team.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)
#define CHECK_POSTS_MAX 5000
#define CHECK_SHIFTS_MAX 200000

int64_t roster_day_start(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    return t - (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
}

void roster_span_text(int64_t from, int64_t to, char *out, size_t n)
{
    char a[24], b[24];
    bool midnight = to > from && roster_day_start(to) == to; /* ends at 24:00 of the day before */
    fx_time_local(from, a, sizeof a);
    fx_time_local(midnight ? to - 1 : to, b, sizeof b);
    const char *end = midnight ? "24:00" : b + 11;
    if (strncmp(a, b, 10) == 0)
        snprintf(out, n, "%.5s %.5s–%.5s", a + 5, a + 11, end);
    else
        snprintf(out, n, "%.5s %.5s–%.5s %.5s", a + 5, a + 11, b + 5, end);
}

static int audit_text(db_conn *c, const actor *who, const char *action, const char *entity, int64_t id,
                      const char *json)
{
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    return audit_record(c, &who->log, action, entity, eid, json);
}

/* ---- posts ---- */

#define POST_SELECT                                                                                          \
    "SELECT p.id, p.area_id, COALESCE(p.team_id, 0),"                                                        \
    " COALESCE(p.checkpoint_id, p.site_id, p.gate_id, p.building_id, 0), p.created_at, p.cover_from,"        \
    " p.cover_to, p.persons, p.name, p.kind, a.code, a.path, COALESCE(t.name, ''),"                          \
    " COALESCE(ck.name, st.name, g.name, b.name, '')"                                                        \
    " FROM posts p JOIN areas a ON a.id = p.area_id LEFT JOIN teams t ON t.id = p.team_id"                   \
    " LEFT JOIN checkpoints ck ON ck.id = p.checkpoint_id LEFT JOIN sites st ON st.id = p.site_id"           \
    " LEFT JOIN zone_gates g ON g.id = p.gate_id LEFT JOIN areas b ON b.id = p.building_id "

static void read_post(db_stmt *s, void *row)
{
    post *p = row;
    memset(p, 0, sizeof *p);
    p->id = db_col_i64(s, 0);
    p->area_id = db_col_i64(s, 1);
    p->team_id = db_col_i64(s, 2);
    p->ref_id = db_col_i64(s, 3);
    p->created_at = db_col_i64(s, 4);
    p->cover_from = (int)db_col_i64(s, 5);
    p->cover_to = (int)db_col_i64(s, 6);
    p->persons = (int)db_col_i64(s, 7);
    fx_copy(p->name, sizeof p->name, db_col_text(s, 8));
    fx_copy(p->kind, sizeof p->kind, db_col_text(s, 9));
    fx_copy(p->area_code, sizeof p->area_code, db_col_text(s, 10));
    fx_copy(p->area_path, sizeof p->area_path, db_col_text(s, 11));
    fx_copy(p->team_name, sizeof p->team_name, db_col_text(s, 12));
    fx_copy(p->ref_name, sizeof p->ref_name, db_col_text(s, 13));
}

int post_get(db_conn *c, int64_t id, post *out)
{
    return db_one_row(c, POST_SELECT "WHERE p.id = $1", id, read_post, out);
}

int post_list(db_conn *c, const char *scope_path, int64_t team_id, post *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, POST_SELECT "WHERE a.path >= $1 AND a.path < $2 AND ($3 = 0 OR p.team_id = $3)"
                                           " ORDER BY p.name, p.id LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, team_id);
    db_bind_i64(s, 4, max);
    return db_rows(s, read_post, out, sizeof *out, max);
}

/* The area path of what a post of this kind staffs; field names it in errors. */
static int post_ref(db_conn *c, const actor *who, const post_input *in, int64_t *building_id, fx_err *err)
{
    static const struct {
        const char *kind, *sql, *what;
    } refs[] = {
        {"checkpoint", "SELECT a.path FROM checkpoints x JOIN areas a ON a.id = x.area_id WHERE x.id = $1", "checkpoint"},
        {"site_table", "SELECT a.path FROM sites x JOIN areas a ON a.id = x.area_id WHERE x.id = $1", "site"},
        {"gate", "SELECT a.path FROM zone_gates x JOIN zones z ON z.id = x.zone_id JOIN areas a ON a.id = z.area_id"
                 " WHERE x.id = $1", "zone gate"},
    };
    *building_id = 0;
    if (strcmp(in->kind, "garbage_round") == 0) {
        if (in->ref_id)
            return fx_fail(err, FX_EINVAL, "invalid_field", "ref: a garbage round names its building, not a ref");
        if (!in->building)
            return 0;
        area b;
        if (area_get(c, in->building, &b) != DB_ROW || !actor_in_scope(who, b.path))
            return fx_fail(err, FX_EINVAL, "building_not_found", "building: %s does not exist in your area",
                           in->building);
        if (strcmp(b.kind, "building") != 0 && strcmp(b.kind, "compound") != 0)
            return fx_fail(err, FX_EINVAL, "invalid_field", "building: %s is a %s, not a building", in->building,
                           b.kind);
        *building_id = b.id;
        return 0;
    }
    if (in->building)
        return fx_fail(err, FX_EINVAL, "invalid_field", "building: only a garbage round post names a building");
    if (!in->ref_id)
        return 0;
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        if (strcmp(refs[i].kind, in->kind) != 0)
            continue;
        db_stmt *s = db_prepare(c, refs[i].sql);
        if (!s)
            return DB_FAIL(err, "read the post's place");
        db_bind_i64(s, 1, in->ref_id);
        bool ok = db_step(s) == DB_ROW && actor_in_scope(who, db_col_text(s, 0));
        db_done(s);
        return ok ? 0
                  : fx_fail(err, FX_EINVAL, "ref_not_found", "ref: %s %lld does not exist in your area", refs[i].what,
                            (long long)in->ref_id);
    }
    return 0;
}

int post_create(db_conn *c, const actor *who, const post_input *in, post *out, fx_err *err)
{
    if (!in->name || !*in->name || fx_utf8_len(in->name) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_field", "name: expected a text of 1 to 100 characters");
    if (!in->kind || (strcmp(in->kind, "checkpoint") != 0 && strcmp(in->kind, "site_table") != 0 &&
                      strcmp(in->kind, "gate") != 0 && strcmp(in->kind, "garbage_round") != 0))
        return fx_fail(err, FX_EINVAL, "invalid_field", "kind: expected checkpoint, site_table, gate or garbage_round");
    if (in->cover_from < 0 || in->cover_from >= 1440)
        return fx_fail(err, FX_EINVAL, "invalid_field", "cover_from: expected minutes of the day, 0 to 1439");
    if (in->cover_to <= 0 || in->cover_to > 1440 || in->cover_to == in->cover_from)
        return fx_fail(err, FX_EINVAL, "invalid_field", "cover_to: expected minutes of the day, 1 to 1440, not equal "
                                                        "to cover_from");
    if (in->persons < 1 || in->persons > 20)
        return fx_fail(err, FX_EINVAL, "invalid_field", "persons: expected 1 to 20 on duty at once");
    area a;
    int rc = area_get(c, in->area ? in->area : "", &a);
    if (rc < 0)
        return DB_FAIL(err, "read the area");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %s does not exist", in->area ? in->area : "(none)");
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area: %s is outside your area", in->area);
    if (in->team_id) {
        team t;
        if (team_get(c, in->team_id, &t) != DB_ROW || !actor_in_scope(who, t.area_path))
            return fx_fail(err, FX_EINVAL, "team_not_found", "team: %lld does not exist in your area",
                           (long long)in->team_id);
    }
    int64_t building_id;
    if ((rc = post_ref(c, who, in, &building_id, err)))
        return rc;
    db_stmt *s = db_prepare(c, "INSERT INTO posts (id, top_area_id, area_id, team_id, name, kind, checkpoint_id,"
                               " site_id, gate_id, building_id, cover_from, cover_to, persons, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
                               " ON CONFLICT (area_id, name) DO NOTHING");
    if (!s)
        return DB_FAIL(err, "save the post");
    int64_t id = fx_id_next();
    bool ck = strcmp(in->kind, "checkpoint") == 0, st = strcmp(in->kind, "site_table") == 0,
         gt = strcmp(in->kind, "gate") == 0;
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, path_top(a.path));
    db_bind_i64(s, 3, a.id);
    in->team_id ? db_bind_i64(s, 4, in->team_id) : db_bind_null(s, 4);
    db_bind_text(s, 5, in->name);
    db_bind_text(s, 6, in->kind);
    ck && in->ref_id ? db_bind_i64(s, 7, in->ref_id) : db_bind_null(s, 7);
    st && in->ref_id ? db_bind_i64(s, 8, in->ref_id) : db_bind_null(s, 8);
    gt && in->ref_id ? db_bind_i64(s, 9, in->ref_id) : db_bind_null(s, 9);
    building_id ? db_bind_i64(s, 10, building_id) : db_bind_null(s, 10);
    db_bind_i64(s, 11, in->cover_from);
    db_bind_i64(s, 12, in->cover_to);
    db_bind_i64(s, 13, in->persons);
    db_bind_text(s, 14, who->log.name);
    db_bind_i64(s, 15, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return DB_FAIL(err, "save the post");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "post_exists", "name: %s already has a post named %s", in->area, in->name);
    fx_str ch;
    fx_str_init(&ch, 1024);
    fx_str_adds(&ch, "{\"name\":{\"from\":null,\"to\":");
    fx_str_add_json(&ch, in->name);
    fx_str_addf(&ch, "},\"cover\":{\"from\":null,\"to\":\"%d-%d x%d\"}}", in->cover_from, in->cover_to, in->persons);
    rc = post_get(c, id, out) != DB_ROW || audit_text(c, who, "create", "post", id, ch.p) ? -1 : 0;
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "save the post") : 0;
}

/* ---- shifts ---- */

#define SHIFT_SELECT                                                                                         \
    "SELECT s.id, s.post_id, s.member_id, COALESCE(s.user_id, 0), COALESCE(s.person_id, 0), m.team_id,"      \
    " s.starts_at, s.ends_at, s.created_at, p.name, p.kind, m.name, s.note"                                  \
    " FROM shifts s JOIN posts p ON p.id = s.post_id JOIN areas a ON a.id = p.area_id"                       \
    " JOIN team_members m ON m.id = s.member_id "

static void read_shift(db_stmt *s, void *row)
{
    shift *x = row;
    x->id = db_col_i64(s, 0);
    x->post_id = db_col_i64(s, 1);
    x->member_id = db_col_i64(s, 2);
    x->user_id = db_col_i64(s, 3);
    x->person_id = db_col_i64(s, 4);
    x->team_id = db_col_i64(s, 5);
    x->starts_at = db_col_i64(s, 6);
    x->ends_at = db_col_i64(s, 7);
    x->created_at = db_col_i64(s, 8);
    fx_copy(x->post_name, sizeof x->post_name, db_col_text(s, 9));
    fx_copy(x->post_kind, sizeof x->post_kind, db_col_text(s, 10));
    fx_copy(x->member_name, sizeof x->member_name, db_col_text(s, 11));
    fx_copy(x->note, sizeof x->note, db_col_text(s, 12));
}

int shift_list(db_conn *c, const shift_query *q, shift *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(q->scope_path, lo, hi);
    /* a shift lasts at most ROSTER_SHIFT_MAX_S: starts_at bounds the index range */
    db_stmt *s = db_prepare(c, SHIFT_SELECT "WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.ends_at > $3"
                                            " AND a.path >= $4 AND a.path < $5 AND ($6 = 0 OR s.post_id = $6)"
                                            " AND ($7 = 0 OR p.team_id = $7 OR m.team_id = $7)"
                                            " AND ($8 = 0 OR s.user_id = $8)"
                                            " ORDER BY p.name, s.post_id, s.starts_at, s.id LIMIT $9");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, q->from - ROSTER_SHIFT_MAX_S);
    db_bind_i64(s, 2, q->to);
    db_bind_i64(s, 3, q->from);
    db_bind_text(s, 4, lo);
    db_bind_text(s, 5, hi);
    db_bind_i64(s, 6, q->post_id);
    db_bind_i64(s, 7, q->team_id);
    db_bind_i64(s, 8, q->user_id);
    db_bind_i64(s, 9, max);
    return db_rows(s, read_shift, out, sizeof *out, max);
}

int shift_add(db_conn *c, const actor *who, const shift_input *in, int n, int64_t *ids, fx_err *err)
{
    if (n < 1 || n > ROSTER_BATCH_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_field", "shifts: expected 1 to %d shifts", ROSTER_BATCH_MAX);
    db_stmt *ins = db_prepare(c, "INSERT INTO shifts (id, top_area_id, post_id, member_id, user_id, person_id,"
                                 " starts_at, ends_at, note, created_by, created_at)"
                                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    if (!ins)
        return DB_FAIL(err, "save the shifts");
    int rc = 0;
    post p = {0};
    int64_t now = fx_now();
    for (int i = 0; i < n && !rc; i++) {
        const shift_input *x = &in[i];
        team_member m;
        if (x->post_id != p.id && (post_get(c, x->post_id, &p) != DB_ROW || !actor_in_scope(who, p.area_path))) {
            p.id = 0;
            rc = fx_fail(err, FX_EINVAL, "post_not_found", "shifts[%d].post: post %lld does not exist in your area", i,
                         (long long)x->post_id);
        } else if (member_get(c, x->member_id, &m) != DB_ROW || (p.team_id && m.team_id != p.team_id))
            rc = fx_fail(err, FX_EINVAL, "team_member_not_found", "shifts[%d].member: member %lld is not on %s", i,
                         (long long)x->member_id, p.team_id ? p.team_name : "any team");
        else if (x->starts_at <= 0)
            rc = fx_fail(err, FX_EINVAL, "invalid_field", "shifts[%d].start: expected epoch seconds", i);
        else if (x->ends_at <= x->starts_at)
            rc = fx_fail(err, FX_EINVAL, "invalid_field", "shifts[%d].end: must be after start", i);
        else if (x->ends_at - x->starts_at > ROSTER_SHIFT_MAX_S)
            rc = fx_fail(err, FX_EINVAL, "invalid_field", "shifts[%d].end: a shift lasts at most %d hours", i,
                         ROSTER_SHIFT_MAX_S / 3600);
        else if (x->note && fx_utf8_len(x->note) > 200)
            rc = fx_fail(err, FX_EINVAL, "invalid_field", "shifts[%d].note: at most 200 characters", i);
        if (rc)
            break;
        if (!p.team_id) { /* a post without a team: the member's team must at least be in scope */
            team t;
            if (team_get(c, m.team_id, &t) != DB_ROW || !actor_in_scope(who, t.area_path)) {
                rc = fx_fail(err, FX_EINVAL, "team_member_not_found", "shifts[%d].member: member %lld is not in your area",
                             i, (long long)x->member_id);
                break;
            }
        }
        ids[i] = fx_id_next();
        db_reset(ins);
        db_bind_i64(ins, 1, ids[i]);
        db_bind_i64(ins, 2, path_top(p.area_path));
        db_bind_i64(ins, 3, p.id);
        db_bind_i64(ins, 4, m.id);
        m.user_id ? db_bind_i64(ins, 5, m.user_id) : db_bind_null(ins, 5);
        m.person_id ? db_bind_i64(ins, 6, m.person_id) : db_bind_null(ins, 6);
        db_bind_i64(ins, 7, x->starts_at);
        db_bind_i64(ins, 8, x->ends_at);
        db_bind_text(ins, 9, x->note ? x->note : "");
        db_bind_text(ins, 10, who->log.name);
        db_bind_i64(ins, 11, now);
        if (db_step(ins) != DB_DONE)
            rc = DB_FAIL(err, "save the shifts");
    }
    db_done(ins);
    if (rc)
        return rc;
    /* one audit entry for the batch, listing the shifts */
    fx_str ch;
    fx_str_init(&ch, 64 + (size_t)n * 64);
    fx_str_adds(&ch, "{\"shifts\":{\"from\":null,\"to\":[");
    for (int i = 0; i < n; i++)
        fx_str_addf(&ch, "%s\"%lld:%lld-%lld\"", i ? "," : "", (long long)in[i].member_id, (long long)in[i].starts_at,
                    (long long)in[i].ends_at);
    fx_str_adds(&ch, "]}}");
    rc = audit_text(c, who, "add_shifts", "post", in[0].post_id, ch.p);
    fx_str_free(&ch);
    return rc ? DB_FAIL(err, "audit the shifts") : 0;
}

int shift_delete(db_conn *c, const actor *who, int64_t id, fx_err *err)
{
    db_stmt *s = db_prepare(c, SHIFT_SELECT "WHERE s.id = $1");
    if (!s)
        return DB_FAIL(err, "read the shift");
    db_bind_i64(s, 1, id);
    shift x;
    char path[FX_AREA_PATH_MAX] = "";
    int rc = db_step(s);
    if (rc == DB_ROW) {
        read_shift(s, &x);
        post p;
        if (post_get(c, x.post_id, &p) == DB_ROW)
            fx_copy(path, sizeof path, p.area_path);
    }
    db_done(s);
    if (rc != DB_ROW || !path[0] || !actor_in_scope(who, path))
        return fx_fail(err, FX_ENOTFOUND, "shift_not_found", "shift %lld does not exist in your area", (long long)id);
    s = db_prepare(c, "DELETE FROM shifts WHERE id = $1");
    if (!s)
        return DB_FAIL(err, "remove the shift");
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    db_done(s);
    char ch[200];
    snprintf(ch, sizeof ch, "{\"shift\":{\"from\":\"%lld:%lld-%lld\",\"to\":null}}", (long long)x.member_id,
             (long long)x.starts_at, (long long)x.ends_at);
    if (rc != DB_DONE || audit_text(c, who, "remove_shift", "post", x.post_id, ch))
        return DB_FAIL(err, "remove the shift");
    return 0;
}

/* ---- settings ---- */

static int default_limit = ROSTER_LIMIT_DEFAULT_MIN; /* written once at start-up, before any thread reads it */

void roster_set_default_limit(int minutes) { default_limit = minutes; }

int roster_settings_for(db_conn *c, const char *area_path, roster_settings *out)
{
    *out = (roster_settings){.shift_limit_min = default_limit, .lead_min = ROSTER_LEAD_DEFAULT_MIN};
    /* the nearest ancestor with a row: the longest path that prefixes area_path */
    db_stmt *s = db_prepare(c, "SELECT r.shift_limit_min, r.lead_min, a.code FROM roster_settings r"
                               " JOIN areas a ON a.id = r.area_id WHERE substr($1, 1, length(a.path)) = a.path"
                               " ORDER BY length(a.path) DESC LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, area_path);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        out->shift_limit_min = (int)db_col_i64(s, 0);
        out->lead_min = (int)db_col_i64(s, 1);
        fx_copy(out->area_code, sizeof out->area_code, db_col_text(s, 2));
    }
    db_done(s);
    return rc < 0 ? rc : 0;
}

int roster_settings_put(db_conn *c, const actor *who, const char *code, int limit_min, int lead_min, fx_err *err)
{
    if (limit_min < 60 || limit_min > 2880)
        return fx_fail(err, FX_EINVAL, "invalid_field", "shift_limit_min: expected 60 to 2880 minutes");
    if (lead_min < 0 || lead_min > 1440)
        return fx_fail(err, FX_EINVAL, "invalid_field", "lead_min: expected 0 to 1440 minutes");
    area a;
    int rc = area_get(c, code ? code : "", &a);
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %s does not exist", code ? code : "(none)");
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area: %s is outside your area", code);
    roster_settings old;
    roster_settings_for(c, a.path, &old);
    db_stmt *s = db_prepare(c, "INSERT INTO roster_settings (area_id, shift_limit_min, lead_min, updated_by, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (area_id) DO UPDATE SET"
                               " shift_limit_min = $2, lead_min = $3, updated_by = $4, updated_at = $5");
    if (!s)
        return DB_FAIL(err, "save the settings");
    db_bind_i64(s, 1, a.id);
    db_bind_i64(s, 2, limit_min);
    db_bind_i64(s, 3, lead_min);
    db_bind_text(s, 4, who->log.name);
    db_bind_i64(s, 5, fx_now());
    rc = db_step(s);
    db_done(s);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_i64(&ch, "shift_limit_min", old.shift_limit_min, limit_min);
    audit_changes_i64(&ch, "lead_min", old.lead_min, lead_min);
    const char *j = audit_changes_json(&ch);
    if (rc == DB_DONE && j)
        rc = audit_text(c, who, "roster_settings", "area", a.id, j) ? DB_ERR : DB_DONE;
    audit_changes_free(&ch);
    return rc == DB_DONE ? 0 : DB_FAIL(err, "save the settings");
}

/* ---- checks ---- */

typedef struct ev {
    int64_t t;
    int d;
} ev;

static int ev_cmp(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

static int add_gap(rs_gap *out, int max, int n, int64_t from, int64_t to, int on_duty, int needed)
{
    /* a gap that continues the previous one (e.g. across a window boundary) extends it */
    if (n > 0 && n <= max && out[n - 1].to == from && out[n - 1].needed == needed) {
        out[n - 1].to = to;
        if (on_duty > out[n - 1].on_duty)
            out[n - 1].on_duty = on_duty;
        return n;
    }
    if (n < max)
        out[n] = (rs_gap){.from = from, .to = to, .on_duty = on_duty, .needed = needed};
    return n + 1;
}

int roster_post_gaps(const rs_cover *cv, rs_shift *s, int n, int64_t from, int64_t to, rs_gap *out, int max)
{
    if (to <= from)
        return 0;
    ev *e = malloc(sizeof *e * (size_t)(2 * n + 1));
    if (!e)
        return -1;
    int ne = 0;
    for (int i = 0; i < n; i++)
        if (s[i].end > from && s[i].start < to && s[i].end > s[i].start) {
            e[ne++] = (ev){s[i].start, +1};
            e[ne++] = (ev){s[i].end, -1};
        }
    qsort(e, (size_t)ne, sizeof *e, ev_cmp);
    /* Walk the required windows day by day, and within each the staffing level between
     * events; all events at one instant apply together, so touching shifts leave no gap. */
    int ng = 0, level = 0, k = 0;
    bool wraps = cv->from_min > cv->to_min;
    for (int64_t day = roster_day_start(from) - (wraps ? 86400 : 0); day < to; day = roster_day_start(day + 93600)) {
        int64_t ws = day + (int64_t)cv->from_min * 60;
        int64_t we = day + (int64_t)(wraps ? cv->to_min + 1440 : cv->to_min) * 60;
        if (ws < from)
            ws = from;
        if (we > to)
            we = to;
        if (ws >= we)
            continue;
        /* the level at ws: apply events up to and including ws */
        while (k < ne && e[k].t <= ws)
            level += e[k++].d;
        int64_t t = ws;
        while (t < we) {
            int64_t next = k < ne && e[k].t < we ? e[k].t : we;
            if (level < cv->persons && next > t)
                ng = add_gap(out, max, ng, t, next, level, cv->persons);
            t = next;
            while (k < ne && e[k].t <= t)
                level += e[k++].d;
        }
    }
    free(e);
    return ng;
}

static int by_person_start(const void *a, const void *b)
{
    const rs_shift *x = a, *y = b;
    if (x->user_id != y->user_id)
        return x->user_id < y->user_id ? -1 : 1;
    if (x->person_id != y->person_id)
        return x->person_id < y->person_id ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->index - y->index;
}

int roster_overlaps(rs_shift *s, int n, rs_overlap *out, int max)
{
    qsort(s, (size_t)n, sizeof *s, by_person_start);
    int no = 0, j = -1; /* j: the same person's shift ending last so far */
    for (int i = 0; i < n; i++) {
        if (j < 0 || s[j].user_id != s[i].user_id || s[j].person_id != s[i].person_id) {
            j = i;
            continue;
        }
        if (s[i].start < s[j].end) {
            if (no < max)
                out[no] = (rs_overlap){.a = s[j].index, .b = s[i].index, .from = s[i].start,
                                       .to = s[i].end < s[j].end ? s[i].end : s[j].end};
            no++;
        }
        if (s[i].end > s[j].end)
            j = i;
    }
    return no;
}

void roster_report_free(roster_report *r)
{
    free(r->posts), free(r->shifts), free(r->gaps), free(r->overlaps), free(r->longs), free(r->long_limit);
    memset(r, 0, sizeof *r);
}

/* Settings rows, to find each post's limit without a query per post. */
typedef struct setting_row {
    char path[FX_AREA_PATH_MAX];
    int limit;
} setting_row;

static int post_limit(const setting_row *rows, int n, const char *path)
{
    int best = -1;
    size_t bl = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(rows[i].path);
        if (l > bl && strncmp(rows[i].path, path, l) == 0)
            best = i, bl = l;
    }
    return best < 0 ? default_limit : rows[best].limit;
}

static int post_index(const post *p, int n, int64_t id, int hint)
{
    if (hint >= 0 && hint < n && p[hint].id == id)
        return hint;
    for (int i = 0; i < n; i++)
        if (p[i].id == id)
            return i;
    return -1;
}

int roster_check(db_conn *c, const char *scope_path, int64_t team_id, int64_t post_id, int64_t from, int64_t to,
                 bool gaps_only, roster_report *r)
{
    memset(r, 0, sizeof *r);
    r->posts = malloc(sizeof *r->posts * CHECK_POSTS_MAX);
    if (!r->posts)
        return -1;
    int n = post_list(c, scope_path, team_id, r->posts, CHECK_POSTS_MAX);
    if (n < 0)
        return n;
    if (post_id) { /* one post */
        int k = post_index(r->posts, n, post_id, -1);
        if (k < 0)
            n = 0;
        else
            r->posts[0] = r->posts[k], n = 1;
    }
    r->nposts = n;
    r->truncated = n == CHECK_POSTS_MAX;
    /* shifts: of these posts, overlapping [from, to), by post and start */
    int cap = 4096;
    r->shifts = malloc(sizeof *r->shifts * (size_t)cap);
    if (!r->shifts)
        return -1;
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, "SELECT s.id, s.post_id, s.member_id, COALESCE(s.user_id, 0), COALESCE(s.person_id, 0),"
                               " m.team_id, s.starts_at, s.ends_at, s.created_at, p.name, p.kind, m.name, s.note"
                               " FROM shifts s JOIN posts p ON p.id = s.post_id JOIN areas a ON a.id = p.area_id"
                               " JOIN team_members m ON m.id = s.member_id"
                               " WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.ends_at > $3"
                               " AND a.path >= $4 AND a.path < $5 ORDER BY s.post_id, s.starts_at");
    if (!s)
        return -1;
    db_bind_i64(s, 1, from - ROSTER_SHIFT_MAX_S);
    db_bind_i64(s, 2, to);
    db_bind_i64(s, 3, from);
    db_bind_text(s, 4, lo);
    db_bind_text(s, 5, hi);
    int rc, ns = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        if (ns == CHECK_SHIFTS_MAX) {
            r->truncated = true;
            break;
        }
        if (ns == cap) {
            shift *x = realloc(r->shifts, sizeof *x * (size_t)(cap *= 2));
            if (!x) {
                rc = -1;
                break;
            }
            r->shifts = x;
        }
        read_shift(s, &r->shifts[ns]);
        /* other posts of the same person still count for overlaps; only gaps are per post */
        ns++;
    }
    db_done(s);
    if (rc < 0)
        return rc;
    r->nshifts = ns;
    rs_shift *rs = malloc(sizeof *rs * (size_t)(ns + 1));
    if (!rs)
        return -1;
    for (int i = 0; i < ns; i++)
        rs[i] = (rs_shift){.start = r->shifts[i].starts_at, .end = r->shifts[i].ends_at,
                           .user_id = r->shifts[i].user_id, .person_id = r->shifts[i].person_id, .index = i};
    /* gaps: shifts are grouped by post already */
    int gcap = 256;
    r->gaps = malloc(sizeof *r->gaps * (size_t)gcap);
    rs_gap *tmp = malloc(sizeof *tmp * 1024);
    int *first = calloc((size_t)(n + 1), sizeof *first), *count = calloc((size_t)(n + 1), sizeof *count);
    rc = r->gaps && tmp && first && count ? 0 : -1;
    for (int i = 0, hint = 0; !rc && i < ns; i++) {
        int k = post_index(r->posts, n, r->shifts[i].post_id, hint);
        if (k < 0)
            continue;
        if (!count[k])
            first[k] = i;
        count[k]++;
        hint = k;
    }
    for (int k = 0; !rc && k < n; k++) {
        const post *p = &r->posts[k];
        rs_cover cv = {p->cover_from, p->cover_to, p->persons};
        rs_shift *ps = malloc(sizeof *ps * (size_t)(count[k] + 1));
        if (!ps) {
            rc = -1;
            break;
        }
        memcpy(ps, rs + first[k], sizeof *ps * (size_t)count[k]);
        int g = roster_post_gaps(&cv, ps, count[k], from, to, tmp, 1024);
        free(ps);
        if (g < 0) {
            rc = -1;
            break;
        }
        if (g > 1024)
            g = 1024, r->truncated = true;
        if (r->ngaps + g > gcap) {
            while (r->ngaps + g > gcap)
                gcap *= 2;
            roster_gap *x = realloc(r->gaps, sizeof *x * (size_t)gcap);
            if (!x) {
                rc = -1;
                break;
            }
            r->gaps = x;
        }
        for (int j = 0; j < g; j++)
            r->gaps[r->ngaps++] = (roster_gap){.post_id = p->id, .g = tmp[j]};
    }
    free(tmp), free(first), free(count);
    if (!rc && !gaps_only) {
        /* the limit each shift's post's area sets */
        setting_row srows[256];
        int nset = 0;
        db_stmt *q = db_prepare(c, "SELECT a.path, r.shift_limit_min FROM roster_settings r JOIN areas a ON a.id = r.area_id"
                                   " LIMIT 256");
        while (q && nset < 256 && db_step(q) == DB_ROW) {
            fx_copy(srows[nset].path, sizeof srows[nset].path, db_col_text(q, 0));
            srows[nset++].limit = (int)db_col_i64(q, 1);
        }
        if (q)
            db_done(q);
        r->longs = malloc(sizeof *r->longs * (size_t)(ns + 1));
        r->long_limit = malloc(sizeof *r->long_limit * (size_t)(ns + 1));
        r->overlaps = malloc(sizeof *r->overlaps * 1024);
        rc = r->longs && r->long_limit && r->overlaps ? 0 : -1;
        for (int i = 0, hint = 0; !rc && i < ns; i++) {
            int k = post_index(r->posts, n, r->shifts[i].post_id, hint);
            if (k < 0)
                continue;
            hint = k;
            int lim = post_limit(srows, nset, r->posts[k].area_path);
            if (r->shifts[i].ends_at - r->shifts[i].starts_at > (int64_t)lim * 60) {
                r->long_limit[r->nlongs] = lim;
                r->longs[r->nlongs++] = i;
            }
        }
        if (!rc) {
            int no = roster_overlaps(rs, ns, r->overlaps, 1024);
            if (no > 1024)
                no = 1024, r->truncated = true;
            /* only those touching a checked post (the same person elsewhere in scope still counts) */
            for (int i = 0; i < no; i++)
                if (post_index(r->posts, n, r->shifts[r->overlaps[i].a].post_id, -1) >= 0 ||
                    post_index(r->posts, n, r->shifts[r->overlaps[i].b].post_id, -1) >= 0)
                    r->overlaps[r->noverlaps++] = r->overlaps[i];
        }
    }
    free(rs);
    return rc;
}

/* ---- export ---- */

typedef struct export_src {
    shift *rows;
    int n, i;
    char cells[8][260];
} export_src;

static void local_hm(int64_t t, char *out, size_t n)
{
    char buf[24];
    fx_time_local(t, buf, sizeof buf); /* "YYYY-MM-DD HH:MM" */
    fx_copy(out, n, buf);
}

static int export_next(void *arg, const char **cells, fx_err *err)
{
    export_src *x = arg;
    (void)err;
    if (x->i >= x->n)
        return 0;
    const shift *s = &x->rows[x->i++];
    char start[24], end[24];
    local_hm(s->starts_at, start, sizeof start);
    local_hm(s->ends_at, end, sizeof end);
    snprintf(x->cells[0], sizeof x->cells[0], "%.10s", start);
    fx_copy(x->cells[1], sizeof x->cells[1], s->post_name);
    fx_copy(x->cells[2], sizeof x->cells[2], s->post_kind);
    fx_copy(x->cells[3], sizeof x->cells[3], s->member_name);
    fx_copy(x->cells[4], sizeof x->cells[4], start);
    fx_copy(x->cells[5], sizeof x->cells[5], end);
    snprintf(x->cells[6], sizeof x->cells[6], "%.2f", (double)(s->ends_at - s->starts_at) / 3600.0);
    fx_copy(x->cells[7], sizeof x->cells[7], s->note);
    for (int i = 0; i < 8; i++)
        cells[i] = x->cells[i];
    return 1;
}

#define EXPORT_SHIFTS_MAX 20000 /* two months of 60 posts, 4 shifts a day, with room */

int roster_export(db_conn *c, const shift_query *q, const export_opts *o, FILE *csv, const char *xlsx_path,
                  long *rows, fx_err *err)
{
    static const char *const head_zh[] = {"日期", "岗位", "类型", "人员", "开始", "结束", "时长(小时)", "备注"};
    static const char *const head_en[] = {"Date", "Post", "Kind", "Person", "Start", "End", "Hours", "Note"};
    export_src *x = calloc(1, sizeof *x);
    if (x)
        x->rows = malloc(sizeof *x->rows * EXPORT_SHIFTS_MAX);
    if (!x || !x->rows) {
        if (x)
            free(x);
        return fx_fail(err, FX_EINTERNAL, "internal", "out of memory");
    }
    x->n = shift_list(c, q, x->rows, EXPORT_SHIFTS_MAX);
    int rc = x->n < 0 ? DB_FAIL(err, "read the shifts")
                      : export_table(o, 8, o->english ? head_en : head_zh, export_next, x, csv, xlsx_path,
                                     o->english ? "Roster" : "排班表", rows, err);
    free(x->rows);
    free(x);
    return rc;
}
