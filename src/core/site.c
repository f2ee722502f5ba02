#include "core/site.h"

#include "core/account.h"
#include "core/area.h"
#include "core/round.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool site_status_valid(const char *s)
{
    return s && (strcmp(s, "open") == 0 || strcmp(s, "paused") == 0 || strcmp(s, "closed") == 0);
}

const char *site_public_name(enum site_public s)
{
    static const char *const names[] = {"clear", "busy", "congested", "resting"};
    return s >= SITE_CLEAR && s <= SITE_RESTING ? names[s] : "resting";
}

site_status_out site_public_status(const site_status_in *in)
{
    site_status_out o = {.status = SITE_RESTING, .wait_min = 0};
    bool open = in->status && strcmp(in->status, "open") == 0;
    if (!open || in->local_min < in->opens_min || in->local_min >= in->closes_min)
        return o;
    /* people per minute: the site's own recent pace when there is enough of it to judge,
     * else what its tables can do (one sample in 15 minutes would make a queue of 120
     * look like a day's wait) */
    double rate = in->recent >= SITE_RATE_MIN_SAMPLES ? (double)in->recent / (SITE_RATE_WINDOW_S / 60.0)
                                                      : (in->tables > 0 ? in->tables : 1) * SITE_TABLE_PER_HOUR / 60.0;
    double wait = in->queue_len > 0 ? ceil(in->queue_len / rate) : 0;
    o.wait_min = wait > 24 * 60 ? 24 * 60 : (int)wait;
    o.status = o.wait_min >= SITE_CONGESTED_MIN ? SITE_CONGESTED : o.wait_min >= SITE_BUSY_MIN ? SITE_BUSY : SITE_CLEAR;
    return o;
}

site_status_out site_status_now(db_conn *c, const site *s, int64_t now)
{
    long recent = 0;
    db_stmt *st = db_prepare(c, "SELECT COUNT(*) FROM samples WHERE site_id = $1 AND taken_at > $2 AND taken_at <= $3");
    if (st) {
        db_bind_i64(st, 1, s->id);
        db_bind_i64(st, 2, now - SITE_RATE_WINDOW_S);
        db_bind_i64(st, 3, now);
        if (db_step(st) == DB_ROW)
            recent = (long)db_col_i64(st, 0);
        db_done(st);
    }
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm); /* the configured display zone: opening hours are local */
    site_status_in in = {.status = s->status, .opens_min = s->opens_min, .closes_min = s->closes_min,
                         .local_min = tm.tm_hour * 60 + tm.tm_min, .queue_len = s->queue_len, .recent = recent,
                         .tables = s->tables};
    return site_public_status(&in);
}

#define SITE_SELECT                                                                                          \
    "SELECT s.id, s.area_id, COALESCE(s.queue_at, 0), s.created_at, s.updated_at, s.lat, s.lng, s.tables,"    \
    " s.opens_min, s.closes_min, s.queue_len, s.name, s.status, a.code, a.path"                              \
    " FROM sites s JOIN areas a ON a.id = s.area_id "

static void read_site(db_stmt *st, site *s)
{
    s->id = db_col_i64(st, 0);
    s->area_id = db_col_i64(st, 1);
    s->queue_at = db_col_i64(st, 2);
    s->created_at = db_col_i64(st, 3);
    s->updated_at = db_col_i64(st, 4);
    s->has_coords = !db_col_null(st, 5) && !db_col_null(st, 6);
    s->lat = s->has_coords ? db_col_double(st, 5) : 0;
    s->lng = s->has_coords ? db_col_double(st, 6) : 0;
    s->tables = (int)db_col_i64(st, 7);
    s->opens_min = (int)db_col_i64(st, 8);
    s->closes_min = (int)db_col_i64(st, 9);
    s->queue_len = (int)db_col_i64(st, 10);
    fx_copy(s->name, sizeof s->name, db_col_text(st, 11));
    fx_copy(s->status, sizeof s->status, db_col_text(st, 12));
    fx_copy(s->area_code, sizeof s->area_code, db_col_text(st, 13));
    fx_copy(s->area_path, sizeof s->area_path, db_col_text(st, 14));
}

int site_get(db_conn *c, int64_t id, site *out)
{
    db_stmt *s = db_prepare(c, SITE_SELECT "WHERE s.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_site(s, out);
    db_done(s);
    return rc;
}

int site_list(db_conn *c, const char *scope_path, int64_t after_id, site *out, int max)
{
    char upper[FX_AREA_PATH_MAX] = "";
    if (scope_path)
        round_path_upper(scope_path, upper);
    db_stmt *s = db_prepare(c, SITE_SELECT "WHERE s.id > $1 AND ($2 = '' OR (a.path >= $2 AND a.path < $3))"
                                           " ORDER BY s.id LIMIT $4");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_text(s, 2, scope_path ? scope_path : "");
    db_bind_text(s, 3, upper);
    db_bind_i64(s, 4, max);
    int n = 0, rc;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_site(s, &out[n++]);
    db_done(s);
    return n;
}

int site_serves(db_conn *c, int64_t site_id, char (*codes)[65], int max)
{
    db_stmt *s = db_prepare(c, "SELECT a.code FROM site_areas sa JOIN areas a ON a.id = sa.area_id"
                               " WHERE sa.site_id = $1 ORDER BY a.code");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, site_id);
    int n = 0;
    while (n < max && db_step(s) == DB_ROW) {
        fx_copy(codes[n], 65, db_col_text(s, 0));
        n++;
    }
    db_done(s);
    return n;
}

bool site_is_staff(db_conn *c, int64_t site_id, int64_t user_id)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM site_staff WHERE site_id = $1 AND user_id = $2");
    if (!s)
        return false;
    db_bind_i64(s, 1, site_id);
    db_bind_i64(s, 2, user_id);
    bool yes = db_step(s) == DB_ROW;
    db_done(s);
    return yes;
}

bool site_actor_allowed(db_conn *c, const actor *who, const site *s)
{
    if (!who->p)
        return true;
    if (who->p->role != ROLE_REGISTRAR && actor_in_scope(who, s->area_path))
        return true;
    return who->p->user_id && site_is_staff(c, s->id, who->p->user_id);
}

int site_staff_list(db_conn *c, int64_t site_id, char (*names)[64], int max)
{
    db_stmt *s = db_prepare(c, "SELECT u.username FROM site_staff ss JOIN users u ON u.id = ss.user_id"
                               " WHERE ss.site_id = $1 ORDER BY u.username");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, site_id);
    int n = 0;
    while (n < max && db_step(s) == DB_ROW) {
        fx_copy(names[n], 64, db_col_text(s, 0));
        n++;
    }
    db_done(s);
    return n;
}

/* Checks the fields present in in; fills the site's new values into s. */
static int check_input(const site_input *in, site *s, fx_err *err)
{
    if (in->name) {
        size_t n = fx_utf8_len(in->name);
        if (n == 0 || n > SITE_NAME_MAX)
            return fx_fail(err, FX_EINVAL, "invalid_name", "name: 1 to %d characters", SITE_NAME_MAX);
        fx_copy(s->name, sizeof s->name, in->name);
    }
    if (in->status) {
        if (!site_status_valid(in->status))
            return fx_fail(err, FX_EINVAL, "invalid_status", "status must be open, paused or closed");
        fx_copy(s->status, sizeof s->status, in->status);
    }
    if (in->has_coords) {
        if (!(in->lat >= -90 && in->lat <= 90 && in->lng >= -180 && in->lng <= 180))
            return fx_fail(err, FX_EINVAL, "invalid_coordinates", "lat must be -90..90 and lng -180..180 (WGS-84)");
        s->has_coords = true;
        s->lat = in->lat;
        s->lng = in->lng;
    }
    if (in->tables >= 0) {
        if (in->tables < 1 || in->tables > 200)
            return fx_fail(err, FX_EINVAL, "invalid_tables", "tables: a whole number from 1 to 200");
        s->tables = in->tables;
    }
    if (in->opens_min >= 0)
        s->opens_min = in->opens_min;
    if (in->closes_min >= 0)
        s->closes_min = in->closes_min;
    if (s->opens_min > 1440 || s->closes_min > 1440 || s->opens_min >= s->closes_min)
        return fx_fail(err, FX_EINVAL, "invalid_hours",
                       "opens and closes are minutes from local midnight (0-1440), opens before closes");
    return 0;
}

static int save_serves(db_conn *c, const actor *who, const site *s, const site_input *in, fx_str *codes,
                       fx_err *err)
{
    if (in->nserves > SITE_SERVES_MAX)
        return fx_fail(err, FX_EINVAL, "invalid_areas", "areas: at most %d", SITE_SERVES_MAX);
    db_stmt *st = db_prepare(c, "DELETE FROM site_areas WHERE site_id = $1");
    if (!st)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the areas served");
    db_bind_i64(st, 1, s->id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the areas served");
    for (int i = 0; i < in->nserves; i++) {
        area a;
        if (area_get(c, in->serves[i], &a) != DB_ROW || !actor_in_scope(who, a.path))
            return fx_fail(err, FX_EINVAL, "area_not_found", "areas[%d]: %.64s does not exist in your area", i,
                           in->serves[i]);
        st = db_prepare(c, "INSERT INTO site_areas (site_id, area_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        if (!st)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the areas served");
        db_bind_i64(st, 1, s->id);
        db_bind_i64(st, 2, a.id);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the areas served");
        fx_str_addf(codes, "%s%s", codes->len ? "," : "", a.code);
    }
    return 0;
}

static int write_site(db_conn *c, const site *s, bool create)
{
    db_stmt *st = db_prepare(c, create ? "INSERT INTO sites (id, top_area_id, area_id, name, lat, lng, tables,"
                                         " opens_min, closes_min, status, created_at, updated_at)"
                                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
                                       : "UPDATE sites SET name = $4, lat = $5, lng = $6, tables = $7, opens_min = $8,"
                                         " closes_min = $9, status = $10, updated_at = $11 WHERE id = $1"
                                         " AND top_area_id = $2 AND area_id = $3");
    if (!st)
        return DB_ERR;
    db_bind_i64(st, 1, s->id);
    db_bind_i64(st, 2, strtoll(s->area_path + 1, NULL, 10));
    db_bind_i64(st, 3, s->area_id);
    db_bind_text(st, 4, s->name);
    if (s->has_coords) {
        db_bind_double(st, 5, s->lat);
        db_bind_double(st, 6, s->lng);
    } else {
        db_bind_null(st, 5);
        db_bind_null(st, 6);
    }
    db_bind_i64(st, 7, s->tables);
    db_bind_i64(st, 8, s->opens_min);
    db_bind_i64(st, 9, s->closes_min);
    db_bind_text(st, 10, s->status);
    db_bind_i64(st, 11, s->updated_at);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static int audit_site(db_conn *c, const actor *who, const char *action, int64_t id, audit_changes *ch)
{
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
    return audit_record(c, &who->log, action, "site", idbuf, audit_changes_json(ch));
}

int site_create(db_conn *c, const actor *who, const site_input *in, site *out, fx_err *err)
{
    if (!in->name || !in->area)
        return fx_fail(err, FX_EINVAL, "missing_field", "%s: required", in->name ? "area" : "name");
    area a;
    if (area_get(c, in->area, &a) != DB_ROW || !actor_in_scope(who, a.path))
        return fx_fail(err, FX_EINVAL, "area_not_found", "area: %.64s does not exist in your area", in->area);
    memset(out, 0, sizeof *out);
    out->tables = 1;
    out->opens_min = 420;
    out->closes_min = 1260;
    fx_copy(out->status, sizeof out->status, "open");
    int rc = check_input(in, out, err);
    if (rc)
        return rc;
    out->id = fx_id_next();
    out->area_id = a.id;
    out->created_at = out->updated_at = fx_now();
    fx_copy(out->area_code, sizeof out->area_code, a.code);
    fx_copy(out->area_path, sizeof out->area_path, a.path);
    if (write_site(c, out, true) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the site");
    fx_str codes;
    fx_str_init(&codes, 4096);
    rc = in->nserves >= 0 ? save_serves(c, who, out, in, &codes, err) : 0;
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", NULL, out->name);
    audit_changes_text(&ch, "area", NULL, out->area_code);
    audit_changes_text(&ch, "status", NULL, out->status);
    audit_changes_i64(&ch, "tables", 0, out->tables);
    audit_changes_text(&ch, "serves", NULL, codes.p ? codes.p : "");
    if (!rc && audit_site(c, who, "create", out->id, &ch) < 0)
        rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log");
    audit_changes_free(&ch);
    fx_str_free(&codes);
    return rc;
}

int site_update(db_conn *c, const actor *who, int64_t id, const site_input *in, site *out, fx_err *err)
{
    site cur;
    if (site_get(c, id, &cur) != DB_ROW || !actor_in_scope(who, cur.area_path))
        return fx_fail(err, FX_ENOTFOUND, "site_not_found", "site %lld does not exist in your area", (long long)id);
    *out = cur;
    int rc = check_input(in, out, err);
    if (rc)
        return rc;
    out->updated_at = fx_now();
    if (write_site(c, out, false) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the site");
    fx_str codes;
    fx_str_init(&codes, 4096);
    rc = in->nserves >= 0 ? save_serves(c, who, out, in, &codes, err) : 0;
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", cur.name, out->name);
    audit_changes_text(&ch, "status", cur.status, out->status);
    audit_changes_i64(&ch, "tables", cur.tables, out->tables);
    audit_changes_i64(&ch, "opens", cur.opens_min, out->opens_min);
    audit_changes_i64(&ch, "closes", cur.closes_min, out->closes_min);
    if (in->nserves >= 0)
        audit_changes_text(&ch, "serves", NULL, codes.p ? codes.p : "");
    if (!rc && audit_site(c, who, "update", id, &ch) < 0)
        rc = fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log");
    audit_changes_free(&ch);
    fx_str_free(&codes);
    return rc;
}

int site_staff_set(db_conn *c, const actor *who, int64_t site_id, const char *username, bool add, fx_err *err)
{
    site s;
    if (site_get(c, site_id, &s) != DB_ROW || !actor_in_scope(who, s.area_path))
        return fx_fail(err, FX_ENOTFOUND, "site_not_found", "site %lld does not exist in your area",
                       (long long)site_id);
    user u;
    if (!username || user_get(c, username, &u, NULL) != DB_ROW || !actor_in_scope(who, u.area_path))
        return fx_fail(err, FX_EINVAL, "user_not_found", "username: %.64s does not exist in your area",
                       username ? username : "");
    db_stmt *st = db_prepare(c, add ? "INSERT INTO site_staff (site_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                                    : "DELETE FROM site_staff WHERE site_id = $1 AND user_id = $2");
    if (!st)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the site's staff");
    db_bind_i64(st, 1, site_id);
    db_bind_i64(st, 2, u.id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the site's staff");
    if (db_changes(c) == 0)
        return add ? 0 : fx_fail(err, FX_ENOTFOUND, "not_site_staff", "%s is not on this site's staff", u.username);
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "staff", add ? NULL : u.username, add ? u.username : NULL);
    rc = audit_site(c, who, add ? "staff_add" : "staff_remove", site_id, &ch);
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}

int site_report_queue(db_conn *c, const actor *who, int64_t site_id, int length, fx_err *err)
{
    site s;
    if (site_get(c, site_id, &s) != DB_ROW)
        return fx_fail(err, FX_ENOTFOUND, "site_not_found", "site %lld does not exist", (long long)site_id);
    if (!site_actor_allowed(c, who, &s))
        return fx_fail(err, FX_EPERM, "not_site_staff",
                       "you are not on the staff of site %lld; ask its officer to add you", (long long)site_id);
    if (length < 0 || length > 100000)
        return fx_fail(err, FX_EINVAL, "invalid_length", "length: people waiting, 0 to 100000");
    db_stmt *st = db_prepare(c, "UPDATE sites SET queue_len = $2, queue_at = $3 WHERE id = $1");
    if (!st)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the queue");
    db_bind_i64(st, 1, site_id);
    db_bind_i64(st, 2, length);
    db_bind_i64(st, 3, fx_now());
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the queue");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_i64(&ch, "queue_len", s.queue_len, length);
    rc = audit_site(c, who, "queue", site_id, &ch);
    audit_changes_free(&ch);
    return rc < 0 ? fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log") : 0;
}
