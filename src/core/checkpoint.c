#include "core/checkpoint.h"

#include "core/area.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/export.h"
#include "core/isolation.h"
#include "core/person.h"
#include "core/positive.h"
#include "core/service.h"
#include "util/fx_clock.h"
#include "util/fx_csv.h"
#include "util/fx_id.h"
#include "util/fx_idcard.h"
#include "util/fx_str.h"
#include "util/fx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define HARDSHIP_FOLLOW_UP_S DAY /* a hardship request is due the next day; the service's clock raises it after */

static int db_fail(fx_err *err, const char *what)
{
    return fx_fail(err, FX_EINTERNAL, "db_error", "could not %s", what);
}

static void idtext(int64_t id, char out[24]) { snprintf(out, 24, "%lld", (long long)id); }

/* ---- checkpoints ---- */

static bool hours_valid(const char *s)
{
    int h1, m1, h2, m2, n = 0;
    return sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) == 4 && s[n] == '\0' && h1 >= 0 && h1 <= 24 &&
           h2 >= 0 && h2 <= 24 && m1 >= 0 && m1 < 60 && m2 >= 0 && m2 < 60 && strlen(s) == 11;
}

#define CP_SELECT                                                                                            \
    "SELECT k.id, k.area_id, k.created_at, k.posts, k.name, k.hours, a.code, a.path, k.created_by"           \
    " FROM checkpoints k JOIN areas a ON a.id = k.area_id "

static void read_cp(db_stmt *s, void *row)
{
    checkpoint *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->area_id = db_col_i64(s, 1);
    o->created_at = db_col_i64(s, 2);
    o->posts = (int)db_col_i64(s, 3);
    fx_copy(o->name, sizeof o->name, db_col_text(s, 4));
    fx_copy(o->hours, sizeof o->hours, db_col_text(s, 5));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 6));
    fx_copy(o->area_path, sizeof o->area_path, db_col_text(s, 7));
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 8));
}

int cp_get(db_conn *c, int64_t id, checkpoint *out)
{
    return db_one_row(c, CP_SELECT "WHERE k.id = $1", id, read_cp, out);
}

/* A page in a scope: the rows of sql after after_id ($1) whose area is in scope_path ($2, $3), at most max ($4). */
static int scoped_page(db_conn *c, const char *sql, const char *scope_path, int64_t after_id, db_read_fn read,
                       void *out, size_t size, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_text(s, 2, lo);
    db_bind_text(s, 3, hi);
    db_bind_i64(s, 4, max);
    return db_rows(s, read, out, size, max);
}

int cp_list(db_conn *c, const char *scope_path, int64_t after_id, checkpoint *out, int max)
{
    return scoped_page(c, CP_SELECT "WHERE k.id > $1 AND a.path >= $2 AND a.path < $3 ORDER BY k.id LIMIT $4",
                       scope_path, after_id, read_cp, out, sizeof *out, max);
}

int cp_create(db_conn *c, const actor *who, const char *name, const char *area_code, int posts, const char *hours,
              checkpoint *out, fx_err *err)
{
    char nm[404];
    fx_text_normalize(name ? name : "", nm, sizeof nm);
    if (!nm[0] || fx_utf8_len(nm) > 100)
        return fx_fail(err, FX_EINVAL, "invalid_name", "name: expected 1 to 100 characters");
    if (posts < 1 || posts > 50)
        return fx_fail(err, FX_EINVAL, "invalid_posts", "posts: expected 1 to 50");
    if (!hours)
        hours = "00:00-24:00";
    if (!hours_valid(hours))
        return fx_fail(err, FX_EINVAL, "invalid_hours", "hours: expected HH:MM-HH:MM (local), e.g. 00:00-24:00");
    area a;
    int rc = area_get(c, area_code, &a);
    if (rc < 0)
        return db_fail(err, "read the area");
    if (rc != DB_ROW)
        return fx_fail(err, FX_EINVAL, "unknown_area", "area: %.64s does not exist", area_code);
    if (!actor_in_scope(who, a.path))
        return fx_fail(err, FX_EPERM, "outside_area", "area: %.64s is outside your area", area_code);
    int64_t id = fx_id_next(), now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO checkpoints (id, name, area_id, posts, hours, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (area_id, name) DO NOTHING");
    if (!s)
        return db_fail(err, "save the checkpoint");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, nm);
    db_bind_i64(s, 3, a.id);
    db_bind_i64(s, 4, posts);
    db_bind_text(s, 5, hours);
    db_bind_text(s, 6, who->log.name);
    db_bind_i64(s, 7, now);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "save the checkpoint");
    if (db_changes(c) == 0)
        return fx_fail(err, FX_ECONFLICT, "checkpoint_exists", "area %.64s already has a checkpoint named %.100s",
                       area_code, nm);
    if (cp_get(c, id, out) != DB_ROW)
        return db_fail(err, "read the checkpoint back");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "name", NULL, nm);
    audit_changes_text(&ch, "area", NULL, a.code);
    audit_changes_i64(&ch, "posts", 0, posts);
    audit_changes_text(&ch, "hours", NULL, hours);
    char idt[24];
    idtext(id, idt);
    rc = audit_record(c, &who->log, "create", "checkpoint", idt, audit_changes_json(&ch));
    audit_changes_free(&ch);
    return rc ? db_fail(err, "audit the checkpoint") : 0;
}

/* ---- the rules ---- */

static const char *const decision_names[] = {"pass", "home_monitoring", "home_isolation", "refer"};

const char *arrival_decision_name(int d) { return d >= 0 && d <= ARR_REFER ? decision_names[d] : "pass"; }

int arrival_decision_parse(const char *s)
{
    for (int i = 0; s && i <= ARR_REFER; i++)
        if (strcmp(s, decision_names[i]) == 0)
            return i;
    return -1;
}

arrival_verdict arrival_decide(const arrival_rules *rules, const arrival_facts *f)
{
    if (f->fever || (f->has_temperature && f->temperature >= rules->fever))
        return (arrival_verdict){rules->on_fever, "fever"};
    if (strcmp(f->health_code, "red") == 0)
        return (arrival_verdict){rules->on_red, "red_code"};
    if (f->worst_risk >= RISK_HIGH)
        return (arrival_verdict){rules->on_high, "high_risk_area"};
    if (strcmp(f->health_code, "yellow") == 0)
        return (arrival_verdict){rules->on_yellow, "yellow_code"};
    if (f->worst_risk == RISK_MEDIUM)
        return (arrival_verdict){rules->on_medium, "medium_risk_area"};
    return (arrival_verdict){ARR_PASS, "none"};
}

#define RULES_SELECT                                                                                         \
    "SELECT id, version, effective_from, fever, on_fever, on_red, on_high, on_yellow, on_medium,"            \
    " lookback_days, created_by, created_at FROM arrival_rules "

static void read_rules(db_stmt *s, void *row)
{
    arrival_rules *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->version = (int)db_col_i64(s, 1);
    o->effective_from = db_col_i64(s, 2);
    o->fever = db_col_double(s, 3);
    o->on_fever = arrival_decision_parse(db_col_text(s, 4));
    o->on_red = arrival_decision_parse(db_col_text(s, 5));
    o->on_high = arrival_decision_parse(db_col_text(s, 6));
    o->on_yellow = arrival_decision_parse(db_col_text(s, 7));
    o->on_medium = arrival_decision_parse(db_col_text(s, 8));
    o->lookback_days = (int)db_col_i64(s, 9);
    fx_copy(o->created_by, sizeof o->created_by, db_col_text(s, 10));
    o->created_at = db_col_i64(s, 11);
}

int arrival_rules_at(db_conn *c, int64_t t, arrival_rules *out)
{
    return db_one_row(c, RULES_SELECT "WHERE effective_from <= $1 ORDER BY effective_from DESC, version DESC LIMIT 1", t,
                      read_rules, out);
}

int arrival_rules_list(db_conn *c, arrival_rules *out, int max)
{
    db_stmt *s = db_prepare(c, RULES_SELECT "ORDER BY version LIMIT $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, max);
    return db_rows(s, read_rules, out, sizeof *out, max);
}

int arrival_rules_create(db_conn *c, const actor *who, const arrival_rules *in, arrival_rules *out, fx_err *err)
{
    if (in->fever < 36.5 || in->fever > 39.0)
        return fx_fail(err, FX_EINVAL, "invalid_fever", "fever: expected 36.5 to 39.0 °C");
    if (in->lookback_days < 1 || in->lookback_days > 28)
        return fx_fail(err, FX_EINVAL, "invalid_lookback_days", "lookback_days: expected 1 to 28");
    const int ds[] = {in->on_fever, in->on_red, in->on_high, in->on_yellow, in->on_medium};
    for (size_t i = 0; i < 5; i++)
        if (ds[i] < 0 || ds[i] > ARR_REFER)
            return fx_fail(err, FX_EINVAL, "invalid_decision",
                           "on_*: expected pass, home_monitoring, home_isolation or refer");
    int64_t max = 0, now = fx_now(), id = fx_id_next();
    if (db_query_i64(c, "SELECT COALESCE(MAX(version), 0) FROM arrival_rules", &max) != DB_ROW)
        return db_fail(err, "read the rules");
    db_stmt *s = db_prepare(c, "INSERT INTO arrival_rules (id, version, effective_from, fever, on_fever, on_red,"
                               " on_high, on_yellow, on_medium, lookback_days, created_by, created_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return db_fail(err, "save the rules");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, max + 1);
    db_bind_i64(s, 3, in->effective_from ? in->effective_from : now);
    db_bind_double(s, 4, in->fever);
    for (int i = 0; i < 5; i++)
        db_bind_text(s, 5 + i, decision_names[ds[i]]);
    db_bind_i64(s, 10, in->lookback_days);
    db_bind_text(s, 11, who->log.name);
    db_bind_i64(s, 12, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return db_fail(err, "save the rules");
    s = db_prepare(c, RULES_SELECT "WHERE id = $1");
    if (!s)
        return db_fail(err, "read the rules back");
    db_bind_i64(s, 1, id);
    rc = db_step(s);
    if (rc == DB_ROW)
        read_rules(s, out);
    db_done(s);
    if (rc != DB_ROW)
        return db_fail(err, "read the rules back");
    char ch[400], idt[24];
    snprintf(ch, sizeof ch,
             "{\"version\":%d,\"effective_from\":%lld,\"fever\":%.1f,\"on_fever\":\"%s\",\"on_red\":\"%s\","
             "\"on_high\":\"%s\",\"on_yellow\":\"%s\",\"on_medium\":\"%s\",\"lookback_days\":%d}",
             out->version, (long long)out->effective_from, out->fever, decision_names[ds[0]], decision_names[ds[1]],
             decision_names[ds[2]], decision_names[ds[3]], decision_names[ds[4]], out->lookback_days);
    idtext(id, idt);
    return audit_record(c, &who->log, "create", "arrival_rules", idt, ch) ? db_fail(err, "audit the rules") : 0;
}

/* ---- risk areas ---- */

bool risk_name_match(const char *visited, const char *area_name)
{
    size_t a = strlen(visited), b = strlen(area_name);
    if (!a || !b)
        return false;
    return strncmp(visited, area_name, a < b ? a : b) == 0;
}

static int level_rank(const char *s)
{
    return strcmp(s, "high") == 0 ? RISK_HIGH : strcmp(s, "medium") == 0 ? RISK_MEDIUM : RISK_LOW;
}

int risk_worst(db_conn *c, const char *const *places, int n, int64_t at, int lookback_days, char *matched,
               size_t matched_len)
{
    int worst = RISK_NONE;
    if (matched_len)
        matched[0] = '\0';
    if (n == 0)
        return worst;
    /* the lists valid during the lookback window are few (hundreds): one scan matches every place */
    db_stmt *s = db_prepare(c, "SELECT name, level FROM risk_areas WHERE valid_from <= $1 AND valid_to > $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, at);
    db_bind_i64(s, 2, at - (int64_t)lookback_days * DAY);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *name = db_col_text(s, 0);
        int lv = level_rank(db_col_text(s, 1));
        if (lv <= worst)
            continue;
        for (int i = 0; i < n; i++)
            if (risk_name_match(places[i], name)) {
                worst = lv;
                fx_copy(matched, matched_len, name);
                break;
            }
    }
    db_done(s);
    return rc < 0 ? rc : worst;
}

/* "2027-01-15" (local midnight) or epoch seconds; -1 when neither. */
static int64_t parse_day(const char *s)
{
    long long v;
    if (fx_parse_i64(s, &v))
        return v >= 0 ? v : -1;
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    return tm.tm_mday == d ? (int64_t)t : -1;
}

static int col_of(const fx_csv_row *h, const char *name)
{
    for (int i = 0; i < h->nfields; i++) {
        char f[64];
        fx_text_normalize(h->fields[i], f, sizeof f);
        if (strcmp(f, name) == 0)
            return i;
    }
    return -1;
}

int risk_csv_read(int fd, risk_row **rows, int *n, fx_err *err)
{
    char msg[200];
    *rows = NULL;
    *n = 0;
    fx_csv *csv = fx_csv_open(fd, 0, msg, sizeof msg);
    if (!csv)
        return fx_fail(err, FX_EINVAL, "unreadable_file", "%s", msg);
    fx_csv_row row;
    int rc = fx_csv_next(csv, &row);
    int col[4] = {-1, -1, -1, -1};
    static const char *const names[4] = {"name", "level", "valid_from", "valid_to"};
    for (int i = 0; rc == 1 && i < 4; i++)
        col[i] = col_of(&row, names[i]);
    if (rc != 1 || col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0) {
        fx_csv_close(csv);
        return fx_fail(err, FX_EINVAL, "missing_column", "the first row must name the columns name,level,valid_from,valid_to");
    }
    int cap = 0;
    risk_row *out = NULL;
    while ((rc = fx_csv_next(csv, &row)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            risk_row *grown = cap <= 100000 ? realloc(out, sizeof *out * (size_t)cap) : NULL;
            if (!grown) {
                free(out);
                fx_csv_close(csv);
                return fx_fail(err, FX_EINVAL, "too_many_rows", "at most 100,000 risk areas in one file");
            }
            out = grown;
        }
        risk_row *r = &out[(*n)++];
        memset(r, 0, sizeof *r);
        r->row = row.record;
        const char *v[4];
        for (int i = 0; i < 4; i++)
            v[i] = col[i] < row.nfields ? row.fields[col[i]] : "";
        fx_text_normalize(v[0], r->name, sizeof r->name);
        char from[32], to[32], q[20];
        fx_text_normalize(v[1], r->level, sizeof r->level);
        fx_text_normalize(v[2], from, sizeof from);
        fx_text_normalize(v[3], to, sizeof to);
        r->valid_from = parse_day(from);
        int64_t last = parse_day(to);
        if (row.problem)
            fx_fail(&r->err, FX_EINVAL, "unreadable_row", "row %ld: %s", r->row, row.problem);
        else if (!r->name[0] || fx_utf8_len(r->name) > 100)
            fx_fail(&r->err, FX_EINVAL, "invalid_name", "row %ld, name: expected 1 to 100 characters", r->row);
        else if (strcmp(r->level, "high") && strcmp(r->level, "medium") && strcmp(r->level, "low"))
            fx_fail(&r->err, FX_EINVAL, "invalid_level", "row %ld, level: expected high, medium or low, not \"%s\"",
                    r->row, fx_text_quote(v[1], q, sizeof q));
        else if (r->valid_from < 0)
            fx_fail(&r->err, FX_EINVAL, "invalid_valid_from",
                    "row %ld, valid_from: expected a date YYYY-MM-DD or epoch seconds, not \"%s\"", r->row, from);
        else if (last < 0)
            fx_fail(&r->err, FX_EINVAL, "invalid_valid_to",
                    "row %ld, valid_to: expected a date YYYY-MM-DD or epoch seconds, not \"%s\"", r->row, to);
        else if (last < r->valid_from)
            fx_fail(&r->err, FX_EINVAL, "invalid_valid_to", "row %ld, valid_to: before valid_from", r->row);
        /* a date names its whole day; epoch seconds are an exact end */
        r->valid_to = strchr(to, '-') ? last + DAY : last;
    }
    fx_csv_close(csv);
    *rows = out;
    if (rc < 0) {
        free(out);
        *rows = NULL;
        *n = 0;
        return fx_fail(err, FX_EINVAL, "unreadable_file", "%s", row.problem ? row.problem : "the file could not be read");
    }
    return 0;
}

/* Every checkpoint's decisions read the one list, so only who answers for the whole city
 * replaces it: an admin, or an officer bound to a top-level area (one without a parent). */
static int risk_may_import(db_conn *c, const actor *who, fx_err *err)
{
    if (!who->p || who->p->role == ROLE_ADMIN)
        return 0;
    area a;
    int rc = area_get_id(c, who->p->area_id, &a);
    if (rc < 0)
        return db_fail(err, "read your area");
    if (rc == DB_ROW && !a.parent_id)
        return 0;
    return fx_fail(err, FX_EPERM, "risk_list_city_wide",
                   "the risk-area list applies to the whole city: only an admin or an officer of a top-level area "
                   "may import it, not one of %s", rc == DB_ROW ? a.code : "a sub-area");
}

int risk_store(db_conn *c, const actor *who, risk_row *rows, int n, int *stored, fx_err *err)
{
    *stored = 0;
    int rc0 = risk_may_import(c, who, err);
    if (rc0)
        return rc0;
    int64_t now = fx_now();
    fx_str names;
    fx_str_init(&names, (size_t)8 << 20);
    for (int i = 0; i < n; i++) {
        if (rows[i].err.kind)
            continue;
        db_stmt *s = db_prepare(c, "INSERT INTO risk_areas (id, name, level, valid_from, valid_to, created_by, created_at)"
                                   " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name, valid_from)"
                                   " DO UPDATE SET level = excluded.level, valid_to = excluded.valid_to");
        if (!s) {
            fx_str_free(&names);
            return db_fail(err, "save the risk areas");
        }
        db_bind_i64(s, 1, fx_id_next());
        db_bind_text(s, 2, rows[i].name);
        db_bind_text(s, 3, rows[i].level);
        db_bind_i64(s, 4, rows[i].valid_from);
        db_bind_i64(s, 5, rows[i].valid_to);
        db_bind_text(s, 6, who->log.name);
        db_bind_i64(s, 7, now);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) {
            fx_str_free(&names);
            return db_fail(err, "save the risk areas");
        }
        fx_str_adds(&names, *stored ? "," : "");
        fx_str_add_json(&names, rows[i].name);
        (*stored)++;
    }
    fx_str ch;
    fx_str_init(&ch, (size_t)9 << 20);
    fx_str_addf(&ch, "{\"stored\":%d,\"rejected\":%d,\"names\":[%s]}", *stored, n - *stored, names.p ? names.p : "");
    int rc = audit_record(c, &who->log, "import", "risk_areas", "", ch.p);
    fx_str_free(&ch);
    fx_str_free(&names);
    return rc ? db_fail(err, "audit the import") : 0;
}

int risk_list(db_conn *c, int64_t t, int64_t after_id, risk_area *out, int max)
{
    db_stmt *s = db_prepare(c, "SELECT id, name, level, valid_from, valid_to FROM risk_areas WHERE id > $1"
                               " AND ($2 = 0 OR (valid_from <= $2 AND valid_to > $2)) ORDER BY id LIMIT $3");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, after_id);
    db_bind_i64(s, 2, t);
    db_bind_i64(s, 3, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW) {
        risk_area *r = &out[n++];
        r->id = db_col_i64(s, 0);
        fx_copy(r->name, sizeof r->name, db_col_text(s, 1));
        fx_copy(r->level, sizeof r->level, db_col_text(s, 2));
        r->valid_from = db_col_i64(s, 3);
        r->valid_to = db_col_i64(s, 4);
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- entries ---- */

#define ARR_SELECT                                                                                           \
    "SELECT r.id, r.checkpoint_id, r.person_id, COALESCE(r.household_id, 0), COALESCE(r.isolation_id, 0),"   \
    " r.area_id, r.at, r.created_at, r.rules_version, r.walk_in, r.temperature, r.client_id, p.name,"          \
    " p.id_number, r.plate, r.health_code, r.cities, r.purpose, r.hardship, r.decision, r.rule, r.matched,"    \
    " a.code, a.path, k.name, r.created_by, COALESCE(hs.request_id, 0), COALESCE(r.recall_id, 0),"           \
    " COALESCE(rc.round_id, 0), COALESCE(pa.path, '')"                                                        \
    " FROM arrivals r JOIN persons p ON p.id = r.person_id JOIN areas a ON a.id = r.area_id"                  \
    " JOIN checkpoints k ON k.id = r.checkpoint_id LEFT JOIN arrival_hardships hs ON hs.arrival_id = r.id"    \
    " LEFT JOIN recalls rc ON rc.id = r.recall_id LEFT JOIN areas pa ON pa.id = p.area_id "

static void read_arrival(db_stmt *s, void *row)
{
    arrival *o = row;
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->checkpoint_id = db_col_i64(s, 1);
    o->person_id = db_col_i64(s, 2);
    o->household_id = db_col_i64(s, 3);
    o->isolation_id = db_col_i64(s, 4);
    o->area_id = db_col_i64(s, 5);
    o->at = db_col_i64(s, 6);
    o->created_at = db_col_i64(s, 7);
    o->rules_version = (int)db_col_i64(s, 8);
    o->walk_in = db_col_i64(s, 9) != 0;
    o->has_temperature = !db_col_null(s, 10);
    o->temperature = db_col_double(s, 10);
    char *dst[] = {o->client_id, o->person_name, o->id_number, o->plate, o->health_code, o->cities, o->purpose,
                   o->hardship, o->decision, o->rule, o->matched, o->area_code, o->area_path, o->checkpoint,
                   o->created_by};
    size_t len[] = {sizeof o->client_id, sizeof o->person_name, sizeof o->id_number, sizeof o->plate,
                    sizeof o->health_code, sizeof o->cities, sizeof o->purpose, sizeof o->hardship,
                    sizeof o->decision, sizeof o->rule, sizeof o->matched, sizeof o->area_code,
                    sizeof o->area_path, sizeof o->checkpoint, sizeof o->created_by};
    for (int i = 0; i < 15; i++)
        fx_copy(dst[i], len[i], db_col_text(s, 11 + i));
    o->request_id = db_col_i64(s, 26);
    o->recall_id = db_col_i64(s, 27);
    o->recall_round = db_col_i64(s, 28);
    fx_copy(o->person_path, sizeof o->person_path, db_col_text(s, 29));
}

int arrival_get(db_conn *c, int64_t id, arrival *out)
{
    return db_one_row(c, ARR_SELECT "WHERE r.id = $1", id, read_arrival, out);
}

int arrival_list(db_conn *c, const char *scope_path, int64_t after_id, arrival *out, int max)
{
    return scoped_page(c, ARR_SELECT "WHERE r.id > $1 AND a.path >= $2 AND a.path < $3 ORDER BY r.id LIMIT $4",
                       scope_path, after_id, read_arrival, out, sizeof *out, max);
}

/* The person an entry names: by personal code or ID number; an unknown ID number with
 * a name is a walk-in, registered at the destination household or the checkpoint. */
static int entry_person(db_conn *c, const actor *who, const arrival_input *in, const checkpoint *k, person *p,
                        bool *walk_in, fx_err *err)
{
    int rc;
    char number[40];
    if (in->code) {
        rc = person_get_by_code(c, in->code, p);
        if (rc == DB_DONE)
            return fx_fail(err, FX_ERULE, "unknown_personal_code",
                           "person.code %.32s is not anyone's personal code: scan the card again or use the ID number",
                           in->code);
    } else {
        time_t now = (time_t)fx_now();
        struct tm tm;
        gmtime_r(&now, &tm);
        fx_idcard card;
        fx_id_status st = fx_idcard_parse(in->id_number, tm.tm_year + 1900, &card);
        if (st != FX_ID_OK && st != FX_ID_BAD_LENGTH && st != FX_ID_BAD_CHAR)
            return fx_fail(err, FX_EINVAL, "invalid_id_number", "person.id_number: %s", fx_idcard_problem(st));
        fx_copy(number, sizeof number, st == FX_ID_OK ? card.number : in->id_number);
        rc = person_get_by_number(c, number, p);
        if (rc == DB_DONE && !in->name)
            return fx_fail(err, FX_ERULE, "unknown_id_number",
                           "nobody is registered with this ID number: send person.name and person.phone to register a walk-in");
    }
    if (rc < 0)
        return db_fail(err, "read the person");
    if (rc == DB_ROW)
        return 0;
    /* the checkpoint was authorised: the walk-in is registered under its authority */
    actor at_checkpoint = {.p = NULL, .log = who->log};
    char address[120];
    snprintf(address, sizeof address, "卡口登记 walk-in %.64s", in->client_id);
    person_input pi = PERSON_INPUT_NONE;
    pi.name = in->name;
    pi.id_number = number;
    pi.phone = in->phone;
    pi.walk_in = 1;
    pi.household_id = in->household_id;
    if (!in->household_id) {
        pi.area = k->area_code;
        pi.address = address;
    }
    rc = person_create(c, &at_checkpoint, &pi, p, err);
    if (rc)
        return rc;
    *walk_in = true;
    return 0;
}

static int open_case(db_conn *c, const actor *who, int64_t person_id, int decision, const char *rule, int64_t at,
                     const char *source, int64_t *iso_id, fx_err *err)
{
    int64_t existing = 0;
    if (db_one_i64(c, "SELECT id FROM isolations WHERE person_id = $1 AND status = 'active'", person_id, &existing) < 0)
        return db_fail(err, "read the cases");
    if (existing) {
        *iso_id = existing;
        return 0;
    }
    iso_input ii = {.person_id = person_id,
                    .type = decision == ARR_HOME_ISOLATION ? "home_isolation" : "home_monitoring",
                    .reason = strcmp(rule, "red_code") == 0      ? "red_code"
                              : strcmp(rule, "yellow_code") == 0 ? "yellow_code"
                                                                 : "risk_area_arrival",
                    .note = source,
                    .start_at = at};
    /* the rule opens the case, not the officer's role: the same authority as the entry */
    actor by_rule = {.p = NULL, .log = who->log};
    isolation iso;
    int rc = iso_create(c, &by_rule, &ii, &iso, err);
    if (rc)
        return rc;
    *iso_id = iso.id;
    return 0;
}

int arrival_judge(db_conn *c, const actor *who, const arrival_case_input *in, arrival_judgement *out, fx_err *err)
{
    memset(out, 0, sizeof *out);
    arrival_rules rules;
    if (arrival_rules_at(c, in->at, &rules) != DB_ROW)
        return db_fail(err, "read the arrival rules");
    int64_t travel = in->travel_at && in->travel_at < in->at ? in->travel_at : in->at;
    int n = travel >= in->at - (int64_t)rules.lookback_days * DAY ? in->nplaces : 0;
    int worst = risk_worst(c, in->places, n, travel, rules.lookback_days, out->matched, sizeof out->matched);
    if (worst < 0)
        return db_fail(err, "read the risk areas");
    arrival_facts f = {.health_code = in->health_code ? in->health_code : "", .has_temperature = in->has_temperature,
                       .temperature = in->temperature, .fever = in->fever, .worst_risk = worst};
    out->v = arrival_decide(&rules, &f);
    out->rules_version = rules.version;
    if (in->person_id && (out->v.decision == ARR_HOME_ISOLATION || out->v.decision == ARR_HOME_MONITORING))
        return open_case(c, who, in->person_id, out->v.decision, out->v.rule, in->at, in->source, &out->isolation_id,
                         err);
    if (in->person_id && out->v.decision == ARR_REFER &&
        recall_field(c, in->person_id, in->area_id, in->cause, in->cause_id, &out->recall_id, &out->recall_round))
        return db_fail(err, "save the recall");
    return 0;
}

bool arrival_decision_acts(int decision)
{
    return decision == ARR_HOME_ISOLATION || decision == ARR_HOME_MONITORING || decision == ARR_REFER;
}

bool arrival_client_id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.' || *s == ':'))
            return false;
    return true;
}

/* A hardship noted at entry becomes a resident request of the destination household (else
 * the person's own), in the entry's transaction; without a household it waits in
 * arrival_hardships for staff. The request is the checkpoint's, like the entry. */
static int hardship_request(db_conn *c, const actor *who, int64_t arrival_id, const checkpoint *k, const person *p,
                            const arrival_input *in, int64_t area_id, int64_t now, fx_err *err)
{
    int64_t household_id = in->household_id ? in->household_id : p->household_id, request_id = 0;
    if (household_id) {
        char desc[1000]; /* both are at most 100 characters */
        snprintf(desc, sizeof desc, "卡口登记（%s）：%s", k->name, in->hardship);
        request_input ri = {.household_id = household_id,
                            .person_id = p->household_id == household_id ? p->id : 0,
                            .deadline = now + HARDSHIP_FOLLOW_UP_S,
                            .kind = "other",
                            .description = desc};
        actor at_checkpoint = {.p = NULL, .log = who->log};
        service_request req;
        int rc = request_create(c, &at_checkpoint, &ri, &req, err);
        if (rc)
            return rc;
        request_id = req.id;
    }
    db_stmt *s = db_prepare(c, "INSERT INTO arrival_hardships (id, arrival_id, person_id, area_id, note, created_at,"
                               " taken_at, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return db_fail(err, "save the hardship");
    db_bind_i64(s, 1, fx_id_next());
    db_bind_i64(s, 2, arrival_id);
    db_bind_i64(s, 3, p->id);
    db_bind_i64(s, 4, area_id);
    db_bind_text(s, 5, in->hardship);
    db_bind_i64(s, 6, now);
    request_id ? db_bind_i64(s, 7, now) : db_bind_null(s, 7);
    request_id ? db_bind_i64(s, 8, request_id) : db_bind_null(s, 8);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : db_fail(err, "save the hardship");
}

int arrival_record(db_conn *c, const actor *who, int64_t checkpoint_id, const arrival_input *in, arrival *out,
                   fx_err *err)
{
    if (!arrival_client_id_valid(in->client_id))
        return fx_fail(err, FX_EINVAL, "invalid_id", "id: expected the entry's client id, 1-64 of A-Z a-z 0-9 - _ . :");
    if (!in->health_code || (strcmp(in->health_code, "green") && strcmp(in->health_code, "yellow") &&
                             strcmp(in->health_code, "red")))
        return fx_fail(err, FX_EINVAL, "invalid_health_code", "health_code: expected green, yellow or red");
    if (in->has_temperature && (in->temperature < 34.0 || in->temperature > 43.0))
        return fx_fail(err, FX_EINVAL, "invalid_temperature", "temperature: expected 34 to 43 °C");
    int64_t prior = 0;
    db_stmt *s = db_prepare(c, "SELECT id FROM arrivals WHERE client_id = $1");
    if (!s)
        return db_fail(err, "read the entries");
    db_bind_text(s, 1, in->client_id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        prior = db_col_i64(s, 0);
    db_done(s);
    if (rc < 0)
        return db_fail(err, "read the entries");
    if (prior) { /* the phone sent it again: the first answer stands */
        if (arrival_get(c, prior, out) != DB_ROW)
            return db_fail(err, "read the entry");
        if (out->checkpoint_id != checkpoint_id || !actor_in_scope(who, out->area_path))
            return fx_fail(err, FX_ECONFLICT, "client_id_taken", "id: %.64s is another entry's client id",
                           in->client_id);
        out->duplicate = true;
        return 0;
    }
    checkpoint k;
    rc = cp_get(c, checkpoint_id, &k);
    if (rc < 0)
        return db_fail(err, "read the checkpoint");
    if (rc != DB_ROW || !actor_in_scope(who, k.area_path))
        return fx_fail(err, FX_ENOTFOUND, "checkpoint_not_found", "checkpoint %lld does not exist in your area",
                       (long long)checkpoint_id);
    int64_t now = fx_now(), at = in->at ? in->at : now;
    if (at > now + 300)
        return fx_fail(err, FX_ERULE, "at_in_future", "at: %lld is in the future", (long long)at);
    household h;
    int64_t area_id = k.area_id;
    if (in->household_id) {
        rc = household_get(c, in->household_id, &h);
        if (rc < 0)
            return db_fail(err, "read the household");
        if (rc != DB_ROW || !actor_in_scope(who, h.area_path))
            return fx_fail(err, FX_EINVAL, "unknown_household", "household: %lld does not exist in your area",
                           (long long)in->household_id);
        area_id = h.area_id;
    }
    person p;
    bool walk_in = false;
    if ((rc = entry_person(c, who, in, &k, &p, &walk_in, err)) != 0)
        return rc;
    char source[120];
    snprintf(source, sizeof source, "checkpoint entry %.64s", in->client_id);
    int64_t id = fx_id_next();
    arrival_case_input ci = {.person_id = p.id, .at = at, .health_code = in->health_code,
                             .area_id = in->household_id ? area_id : p.area_id, .cause = "arrival", .cause_id = id,
                             .has_temperature = in->has_temperature, .temperature = in->temperature,
                             .places = in->cities, .nplaces = in->ncities, .source = source};
    arrival_judgement j;
    if ((rc = arrival_judge(c, who, &ci, &j, err)) != 0)
        return rc;
    fx_str cities;
    fx_str_init(&cities, 1024);
    for (int i = 0; i < in->ncities; i++)
        fx_str_addf(&cities, "%s%s", i ? "|" : "", in->cities[i]);
    s = db_prepare(c, "INSERT INTO arrivals (id, client_id, checkpoint_id, area_id, person_id, walk_in, household_id,"
                      " plate, health_code, cities, temperature, purpose, hardship, at, decision, rule, matched,"
                      " rules_version, isolation_id, created_by, created_at, recall_id) VALUES ($1, $2, $3, $4, $5,"
                      " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)");
    if (!s) {
        fx_str_free(&cities);
        return db_fail(err, "save the entry");
    }
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, in->client_id);
    db_bind_i64(s, 3, k.id);
    db_bind_i64(s, 4, area_id);
    db_bind_i64(s, 5, p.id);
    db_bind_i64(s, 6, walk_in);
    if (in->household_id)
        db_bind_i64(s, 7, in->household_id);
    else
        db_bind_null(s, 7);
    db_bind_text(s, 8, in->plate ? in->plate : "");
    db_bind_text(s, 9, in->health_code);
    db_bind_text(s, 10, cities.p ? cities.p : "");
    if (in->has_temperature)
        db_bind_double(s, 11, in->temperature);
    else
        db_bind_null(s, 11);
    db_bind_text(s, 12, in->purpose ? in->purpose : "");
    db_bind_text(s, 13, in->hardship ? in->hardship : "");
    db_bind_i64(s, 14, at);
    db_bind_text(s, 15, arrival_decision_name(j.v.decision));
    db_bind_text(s, 16, j.v.rule);
    db_bind_text(s, 17, j.matched);
    db_bind_i64(s, 18, j.rules_version);
    if (j.isolation_id)
        db_bind_i64(s, 19, j.isolation_id);
    else
        db_bind_null(s, 19);
    db_bind_text(s, 20, who->log.name);
    db_bind_i64(s, 21, now);
    j.recall_id ? db_bind_i64(s, 22, j.recall_id) : db_bind_null(s, 22);
    rc = db_step(s);
    db_done(s);
    fx_str_free(&cities);
    if (rc != DB_DONE)
        return db_fail(err, "save the entry");
    if (in->hardship && in->hardship[0] && (rc = hardship_request(c, who, id, &k, &p, in, area_id, now, err)) != 0)
        return rc;
    if (arrival_get(c, id, out) != DB_ROW)
        return db_fail(err, "read the entry back");
    char ch[300], idt[24];
    snprintf(ch, sizeof ch,
             "{\"client_id\":\"%.64s\",\"person\":%lld,\"health_code\":\"%s\",\"decision\":\"%s\",\"rule\":\"%s\","
             "\"rules_version\":%d,\"isolation\":%lld,\"recall\":%lld,\"at\":%lld}",
             out->client_id, (long long)p.id, out->health_code, out->decision, out->rule, j.rules_version,
             (long long)j.isolation_id, (long long)j.recall_id, (long long)at);
    idtext(id, idt);
    return audit_record(c, &who->log, "create", "arrival", idt, ch) ? db_fail(err, "audit the entry") : 0;
}

/* ---- the returnee register ---- */

#define REG_COLS 15
#define REG_PAGE 500

struct reg_src {
    db_conn *c;
    const char *scope_path;
    const export_opts *o;
    arrival *page;
    int n, i;
    int64_t after;
    char v[REG_COLS][1100];
};

static int reg_next(void *arg, const char **cells, fx_err *err)
{
    struct reg_src *r = arg;
    if (r->i == r->n) {
        if (r->n && r->n < REG_PAGE)
            return 0;
        r->n = arrival_list(r->c, r->scope_path, r->after, r->page, REG_PAGE);
        r->i = 0;
        if (r->n < 0)
            return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the register");
        if (r->n == 0)
            return 0;
        r->after = r->page[r->n - 1].id;
    }
    const arrival *a = &r->page[r->i++];
    char when[40], id[40];
    fx_time_local(a->at, when, sizeof when);
    const char *own = r->o->unmask_scope; /* staff: only their own area's people in full */
    if (r->o->mask || (own && strncmp(a->person_path, own, strlen(own)) != 0))
        person_mask_id(a->id_number, id);
    else
        fx_copy(id, sizeof id, a->id_number);
    const char *text[REG_COLS] = {when, a->person_name, id, a->area_code, a->checkpoint, a->plate, a->health_code,
                                  a->cities, "", a->purpose, a->decision, a->rule, a->matched, "", a->hardship};
    for (int i = 0; i < REG_COLS; i++)
        fx_copy(r->v[i], sizeof r->v[i], text[i]);
    if (a->has_temperature)
        snprintf(r->v[8], sizeof r->v[8], "%.1f", a->temperature);
    if (a->isolation_id)
        snprintf(r->v[13], sizeof r->v[13], "%lld", (long long)a->isolation_id);
    for (int i = 0; i < REG_COLS; i++)
        cells[i] = r->v[i];
    return 1;
}

int arrival_export(db_conn *c, const char *scope_path, const export_opts *o, FILE *csv, const char *xlsx_path,
                   long *rows, fx_err *err)
{
    static const char *const head_zh[REG_COLS] = {"到达时间", "姓名", "证件号码", "区域", "卡口", "车牌", "健康码",
                                                  "14天行程", "体温", "事由", "判定", "规则", "风险地区",
                                                  "隔离案例", "困难诉求"};
    static const char *const head_en[REG_COLS] = {"at", "name", "id_number", "area", "checkpoint", "plate",
                                                  "health_code", "cities", "temperature", "purpose", "decision",
                                                  "rule", "risk_area", "isolation", "hardship"};
    struct reg_src *r = calloc(1, sizeof *r);
    if (r)
        r->page = malloc(sizeof *r->page * REG_PAGE);
    if (!r || !r->page) {
        if (r)
            free(r->page);
        free(r);
        return fx_fail(err, FX_EINTERNAL, "export_failed", "out of memory");
    }
    r->c = c;
    r->scope_path = scope_path;
    r->o = o;
    int rc = export_table(o, REG_COLS, o->english ? head_en : head_zh, reg_next, r, csv, xlsx_path,
                          o->english ? "returnees" : "返乡人员", rows, err);
    free(r->page);
    free(r);
    return rc;
}
