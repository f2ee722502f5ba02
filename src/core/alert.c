#include "core/alert.h"

#include "core/area.h"
#include "core/core_internal.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int alert_raise(db_conn *c, int64_t area_id, const char *kind, const char *entity, const char *entity_id,
                const char *message)
{
    area a;
    if (area_get_id(c, area_id, &a) != DB_ROW)
        return DB_ERR;
    db_stmt *s = db_prepare(c, "INSERT INTO alerts (id, top_area_id, area_id, kind, entity, entity_id, message,"
                               " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, strtoll(a.path + 1, NULL, 10));
    db_bind_i64(s, 3, area_id);
    db_bind_text(s, 4, kind);
    db_bind_text(s, 5, entity);
    db_bind_text(s, 6, entity_id);
    db_bind_text(s, 7, message);
    db_bind_i64(s, 8, fx_now());
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : rc;
}

#define ALERT_SELECT                                                                                         \
    "SELECT al.id, al.area_id, al.created_at, COALESCE(al.acknowledged_at, 0), al.kind, al.entity,"          \
    " al.entity_id, al.message, al.acknowledged_by, a.code FROM alerts al JOIN areas a ON a.id = al.area_id "

static void read_alert(db_stmt *s, void *row)
{
    alert *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->area_id = db_col_i64(s, 1);
    o->created_at = db_col_i64(s, 2);
    o->acknowledged_at = db_col_i64(s, 3);
    fx_copy(o->kind, sizeof o->kind, db_col_text(s, 4));
    fx_copy(o->entity, sizeof o->entity, db_col_text(s, 5));
    fx_copy(o->entity_id, sizeof o->entity_id, db_col_text(s, 6));
    fx_copy(o->message, sizeof o->message, db_col_text(s, 7));
    fx_copy(o->acknowledged_by, sizeof o->acknowledged_by, db_col_text(s, 8));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 9));
}

int alert_list(db_conn *c, const char *scope_path, bool open_only, const char *kind, int64_t before_id, alert *out,
               int max)
{
    return feed_page(c, ALERT_SELECT FEED_WHERE("al.acknowledged_at IS NULL"), scope_path, open_only, kind, before_id,
                     read_alert, out, sizeof *out, max);
}

int feed_page(db_conn *c, const char *sql, const char *scope_path, bool open_only, const char *kind,
              int64_t before_id, db_read_fn read, void *out, size_t size, int max)
{
    db_stmt *s = scope_page(c, sql, scope_path, before_id ? before_id : INT64_MAX, max);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 5, open_only);
    db_bind_text(s, 6, kind ? kind : "");
    return db_rows(s, read, out, size, max);
}

int alert_ack(db_conn *c, const actor *who, int64_t id, alert *out, fx_err *err)
{
    db_stmt *s = db_prepare(c, ALERT_SELECT "WHERE al.id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the alert");
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    char path[FX_AREA_PATH_MAX] = "";
    if (rc == DB_ROW) {
        read_alert(s, out);
        area a;
        if (area_get_id(c, out->area_id, &a) == DB_ROW)
            fx_copy(path, sizeof path, a.path);
    }
    db_done(s);
    if (rc != DB_ROW || !actor_in_scope(who, path))
        return fx_fail(err, FX_ENOTFOUND, "alert_not_found", "alert %lld does not exist in your area", (long long)id);
    if (out->acknowledged_at)
        return 0; /* acknowledging twice changes nothing */
    out->acknowledged_at = fx_now();
    fx_copy(out->acknowledged_by, sizeof out->acknowledged_by, who->log.name);
    s = db_prepare(c, "UPDATE alerts SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the acknowledgement");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, out->acknowledged_at);
    db_bind_text(s, 3, out->acknowledged_by);
    rc = db_step(s);
    db_done(s);
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    if (rc != DB_DONE || audit_record(c, &who->log, "acknowledge", "alert", eid, NULL) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the acknowledgement");
    return 0;
}

int alert_area_for(db_conn *c, const char *area_path, int64_t *out_id)
{
    /* Walk the path from the area up: ids are "/id/id/…/". */
    int64_t ids[16];
    int n = 0;
    for (const char *p = area_path; p && *p && n < 16;) {
        if (*p == '/') {
            p++;
            continue;
        }
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        ids[n++] = v;
        p = end;
    }
    if (n == 0)
        return DB_ERR;
    int64_t fallback = ids[n - 1];
    bool have_fallback = false;
    for (int i = n - 1; i >= 0; i--) {
        area a;
        int rc = area_get_id(c, ids[i], &a);
        if (rc != DB_ROW)
            return rc < 0 ? rc : DB_ERR;
        if (strcmp(a.kind, "workstation") == 0) {
            *out_id = a.id;
            return DB_ROW;
        }
        if (!have_fallback && area_kind_rank(a.kind) <= area_kind_rank("community")) {
            fallback = a.id;
            have_fallback = true;
        }
    }
    *out_id = fallback;
    return DB_ROW;
}
