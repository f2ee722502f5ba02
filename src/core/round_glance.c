/* round_glance.c — a round's open work in three numbers, for the dashboard. */
#include "core/custody.h"

#include "core/core_internal.h"

static int count(db_stmt *s, long long *out)
{
    if (!s)
        return DB_ERR;
    int rc = db_step(s);
    *out = rc == DB_ROW ? (long long)db_col_i64(s, 0) : 0;
    db_done(s);
    return rc < 0 ? rc : 0;
}

int round_glance_get(db_conn *c, int64_t round_id, const char *scope_path, int64_t now, round_glance *out)
{
    *out = (round_glance){0};
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    turnaround_limits lim;
    if (turnaround_limits_get(c, round_id, &lim) != DB_ROW)
        return DB_ERR;
    db_stmt *s = db_prepare(c, "SELECT count(*) FROM discrepancies d JOIN areas a ON a.id = d.area_id"
                               " WHERE d.round_id = $1 AND d.resolved_at IS NULL AND a.path >= $2 AND a.path < $3");
    if (s) {
        db_bind_i64(s, 1, round_id);
        db_bind_text(s, 2, lo);
        db_bind_text(s, 3, hi);
    }
    int rc = count(s, &out->open_discrepancies);
    s = db_prepare(c, "SELECT count(*) FROM positive_pools p JOIN areas a ON a.id = p.area_id"
                      " WHERE p.round_id = $1 AND p.status = 'pending' AND a.path >= $2 AND a.path < $3");
    if (s) {
        db_bind_i64(s, 1, round_id);
        db_bind_text(s, 2, lo);
        db_bind_text(s, 3, hi);
    }
    if (rc == 0)
        rc = count(s, &out->positives_pending);
    else if (s)
        db_done(s);
    /* At risk (custody.c, judge): now within [limit - warn, limit] of the seal and the step
     * still to come, i.e. sealed within [now - limit, now - limit + warn]. */
    s = db_prepare(c, "SELECT count(*) FROM (SELECT b.id FROM boxes b LEFT JOIN box_turnaround t ON t.box_id = b.id"
                      " JOIN sites s ON s.id = b.site_id JOIN areas a ON a.id = s.area_id"
                      " WHERE b.round_id = $1 AND b.sealed_at >= $4 - $5 AND b.sealed_at <= $4 - $5 + $6"
                      " AND t.lab_at IS NULL AND a.path >= $2 AND a.path < $3"
                      " UNION SELECT b.id FROM boxes b LEFT JOIN box_turnaround t ON t.box_id = b.id"
                      " JOIN sites s ON s.id = b.site_id JOIN areas a ON a.id = s.area_id"
                      " WHERE b.round_id = $1 AND b.sealed_at >= $4 - $7 AND b.sealed_at <= $4 - $7 + $8"
                      " AND t.result_at IS NULL AND a.path >= $2 AND a.path < $3)");
    if (s) {
        db_bind_i64(s, 1, round_id);
        db_bind_text(s, 2, lo);
        db_bind_text(s, 3, hi);
        db_bind_i64(s, 4, now);
        db_bind_i64(s, 5, (int64_t)lim.to_lab_min * 60);
        db_bind_i64(s, 6, (int64_t)lim.lab_warn_min * 60);
        db_bind_i64(s, 7, (int64_t)lim.to_result_min * 60);
        db_bind_i64(s, 8, (int64_t)lim.result_warn_min * 60);
    }
    if (rc == 0)
        rc = count(s, &out->boxes_at_risk);
    else if (s)
        db_done(s);
    return rc;
}
