#include "core/iso_summary.h"

#include "core/core_internal.h"
#include "core/isolation.h"

#include <string.h>


const char *const isum_type_names[ISUM_TYPES] = {"central", "home_isolation", "home_monitoring"};
const char *const isum_alarm_names[ISUM_ALARM_KINDS] = {"door_open", "silent", "battery_low", "tamper"};
const char *const isum_zone_names[ISUM_ZONE_KINDS] = {"sealed", "controlled", "precaution"};

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* A statement over the subtree [lo, hi) of area paths, bound as $1 and $2. */
static db_stmt *scoped(db_conn *c, const char *sql, const char *lo, const char *hi)
{
    db_stmt *s = db_prepare(c, sql);
    if (s) {
        db_bind_text(s, 1, lo);
        db_bind_text(s, 2, hi);
    }
    return s;
}

/* The worklist's flags (iso_worklist's work_fill) as sums: day N of a case is
 * (now - day0) / DAY + 1; the last test day is the last of the policy's ascending list "1,4,7". */
static int cases(db_conn *c, const char *lo, const char *hi, int64_t now, iso_summary *out)
{
    db_stmt *s = scoped(
        c, "SELECT i.type, COUNT(*), SUM(i.planned_end <= $4 + 86400),"
           " SUM((SELECT COUNT(*) FROM isolation_checkins k WHERE k.isolation_id = i.id AND k.at >= $4)"
           " < p.checkins_per_day),"
           " SUM($3 >= i.day0 AND instr(',' || p.test_days || ',', ',' || (($3 - i.day0) / 86400 + 1) || ',') > 0"
           " AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.person_id = i.person_id AND s.taken_at >= $4)),"
           " SUM($3 >= i.day0 + (p.days - 1) * 86400 AND EXISTS (SELECT 1 FROM samples s JOIN results r"
           " ON r.tube_id = s.tube_id WHERE s.person_id = i.person_id AND r.result = 'negative' AND s.taken_at >="
           " i.day0 + (CAST(substr(p.test_days, length(rtrim(p.test_days, '0123456789')) + 1) AS INTEGER) - 1) * 86400))"
           " FROM areas a JOIN isolations i ON i.area_id = a.id AND i.status = 'active'"
           " JOIN isolation_policies p ON p.id = i.policy_id WHERE a.path >= $1 AND a.path < $2 GROUP BY i.type",
        lo, hi);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 3, now);
    db_bind_i64(s, 4, iso_day0(now));
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int t = index_of(isum_type_names, ISUM_TYPES, db_col_text(s, 0));
        if (t < 0)
            continue;
        out->active[t] = db_col_i64(s, 1);
        out->ending += db_col_i64(s, 2);
        out->checkins_due += db_col_i64(s, 3);
        out->test_due += db_col_i64(s, 4);
        out->releasable += db_col_i64(s, 5);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

static int alarms(db_conn *c, const char *lo, const char *hi, iso_summary *out)
{
    db_stmt *s = scoped(c, "SELECT al.kind, COUNT(*) FROM areas a JOIN alarms al ON al.area_id = a.id"
                           " AND al.status = 'open' WHERE a.path >= $1 AND a.path < $2 GROUP BY al.kind",
                        lo, hi);
    if (!s)
        return DB_ERR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int k = index_of(isum_alarm_names, ISUM_ALARM_KINDS, db_col_text(s, 0));
        if (k >= 0)
            out->alarms[k] = db_col_i64(s, 1);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

/* An active zone's next stage holds no earlier than count_from + its quiet days
 * (zone_evaluate's quiet_until); its negative round is not known in advance. */
static int zones(db_conn *c, const char *lo, const char *hi, iso_summary *out)
{
    db_stmt *s = scoped(c, "SELECT z.kind, z.status, COUNT(*), COALESCE(MIN(CASE WHEN z.status = 'active'"
                           " THEN z.count_from + st.quiet_days * 86400 END), 0)"
                           " FROM areas a JOIN zones z ON z.area_id = a.id"
                           " AND (z.status = 'proposed' OR z.status = 'active')"
                           " LEFT JOIN zone_rule_stages st ON st.rule_id = z.rule_id AND st.step = z.stage"
                           " WHERE a.path >= $1 AND a.path < $2 GROUP BY z.kind, z.status",
                        lo, hi);
    if (!s)
        return DB_ERR;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int k = index_of(isum_zone_names, ISUM_ZONE_KINDS, db_col_text(s, 0));
        if (k < 0)
            continue;
        if (strcmp(db_col_text(s, 1), "active") == 0) {
            out->zones[k].active = db_col_i64(s, 2);
            out->zones[k].next_at = db_col_i64(s, 3);
        } else {
            out->zones[k].proposed = db_col_i64(s, 2);
        }
    }
    db_done(s);
    return rc == DB_DONE ? 0 : DB_ERR;
}

int iso_summary_get(db_conn *c, const char *scope_path, int64_t now, iso_summary *out)
{
    memset(out, 0, sizeof *out);
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    if (cases(c, lo, hi, now, out) != 0 || alarms(c, lo, hi, out) != 0 || zones(c, lo, hi, out) != 0 ||
        iso_gap_count(c, scope_path, &out->gaps) != 0)
        return DB_ERR;
    return 0;
}
