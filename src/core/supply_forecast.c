/* supply_forecast.c — tomorrow's needs per site, pick lists per warehouse and the
 * shortfalls flagged before a round starts (the rules are in supply.h). Whatever the
 * number of sites, the store is asked a fixed handful of set-based statements; the
 * arithmetic per site runs here, in supply_calc. */
#include "core/supply.h"

#include "core/alert.h"
#include "core/core_internal.h"
#include "util/fx_clock.h"
#include "util/fx_str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_FAIL(err, what) fx_fail(err, FX_EINTERNAL, "db_error", "could not " what)

static const char *const risk_word[RISK__COUNT] = {"none", "precaution", "controlled", "sealed"};
static const char *const forecast_code[SUPPLY_F__COUNT] = {"swab", "tube-1", "tube-5", "tube-10", "tube-20", "box",
                                                           "ppe"};

const char *supply_forecast_code(int f) { return f >= 0 && f < SUPPLY_F__COUNT ? forecast_code[f] : ""; }

static int64_t ceil_div(int64_t a, int64_t b) { return b > 0 ? (a + b - 1) / b : 0; }

/* Rounds a share up, forgiving the last bits of floating-point error (333.0000001 is 333). */
static int64_t ceil_share(double x) { return x <= 0 ? 0 : (int64_t)ceil(x - 1e-6); }

int64_t supply_with_wastage(int64_t x, double pct)
{
    int64_t bp = llround(pct * 100); /* hundredths of a per cent: 5.5 % is exact */
    return ceil_div(x * (10000 + bp), 10000);
}

static int tube_line(int pool)
{
    switch (pool) {
    case 1: return SUPPLY_F_TUBE1;
    case 5: return SUPPLY_F_TUBE5;
    case 10: return SUPPLY_F_TUBE10;
    default: return SUPPLY_F_TUBE20;
    }
}

static void why_add(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_add(char *why, const char *fmt, ...)
{
    size_t n = strlen(why);
    if (n + 1 >= sizeof((supply_calc_out *)0)->why[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + n, sizeof((supply_calc_out *)0)->why[0] - n, fmt, ap);
    va_end(ap);
}

void supply_calc(const supply_calc_in *in, supply_calc_out *out)
{
    memset(out, 0, sizeof *out);
    double ptot = 0;
    for (int l = 0; l < RISK__COUNT; l++)
        ptot += in->pop[l] > 0 ? in->pop[l] : 0;
    out->from_history = in->samples >= 0;
    if (!out->from_history) {
        for (int l = 0; l < RISK__COUNT; l++)
            out->headcount += out->heads[l] = ceil_share(in->pop[l]);
    } else {
        out->headcount = in->samples;
        if (ptot > 0)
            for (int l = 0; l < RISK__COUNT; l++)
                out->heads[l] = ceil_share((double)in->samples * in->pop[l] / ptot);
        else
            out->heads[in->site_risk >= 0 && in->site_risk < RISK__COUNT ? in->site_risk : RISK_NONE] = in->samples;
    }
    const char *src = out->from_history ? "last round's samples" : "population served";
    out->base[SUPPLY_F_SWAB] = out->headcount;
    snprintf(out->why[SUPPLY_F_SWAB], sizeof out->why[0], "headcount %lld (%s)", (long long)out->headcount, src);
    int64_t tubes = 0;
    for (int l = 0; l < RISK__COUNT; l++) {
        if (out->heads[l] <= 0)
            continue;
        int pool = in->pool[l] > 0 ? in->pool[l] : 1, f = tube_line(pool);
        int64_t t = ceil_div(out->heads[l], pool);
        out->base[f] += t;
        tubes += t;
        why_add(out->why[f], "%s%s %lld / %d-in-1 = %lld", out->why[f][0] ? "; " : "", risk_word[l],
                (long long)out->heads[l], pool, (long long)t);
    }
    int per_box = in->set->tubes_per_box > 0 ? in->set->tubes_per_box : 1;
    out->base[SUPPLY_F_BOX] = ceil_div(tubes, per_box);
    snprintf(out->why[SUPPLY_F_BOX], sizeof out->why[0], "%lld tubes / %d per box = %lld", (long long)tubes, per_box,
             (long long)out->base[SUPPLY_F_BOX]);
    int pps = in->set->people_per_sampler > 0 ? in->set->people_per_sampler : 1;
    out->samplers = ceil_div(out->headcount, pps);
    out->staff = out->samplers + in->tables;
    out->base[SUPPLY_F_PPE] = out->staff * in->set->ppe_per_staff;
    snprintf(out->why[SUPPLY_F_PPE], sizeof out->why[0], "(%lld / %d = %lld samplers + %d registrars) x %d sets = %lld",
             (long long)out->headcount, pps, (long long)out->samplers, in->tables, in->set->ppe_per_staff,
             (long long)out->base[SUPPLY_F_PPE]);
    for (int f = 0; f < SUPPLY_F__COUNT; f++) {
        out->need[f] = supply_with_wastage(out->base[f], in->set->wastage_pct);
        if (out->base[f] || f == SUPPLY_F_SWAB)
            why_add(out->why[f], "; x (1 + %g%% wastage) = %lld", in->set->wastage_pct, (long long)out->need[f]);
    }
}

/* ---- the forecast over a scope ---- */

static int policy_round(db_conn *c, const char *scope_path, int64_t round_id, fx_round *out, fx_err *err)
{
    memset(out, 0, sizeof *out);
    int rc;
    if (round_id) {
        rc = round_get(c, round_id, out);
        if (rc < 0)
            return DB_FAIL(err, "read the round");
        if (rc != DB_ROW)
            return fx_fail(err, FX_EINVAL, "round_not_found", "round: %lld does not exist", (long long)round_id);
        return 0;
    }
    rc = round_list(c, scope_path, 0, out, 1);
    if (rc < 0)
        return DB_FAIL(err, "read the rounds");
    if (rc == 0) { /* no round yet: the pools a new round gets by default (round.h) */
        static const int pools[RISK__COUNT] = {20, 20, 10, 1};
        memset(out, 0, sizeof *out);
        memcpy(out->pool, pools, sizeof pools);
    }
    return 0;
}

static int cmp_site(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = ((const supply_site_forecast *)b)->site_id;
    return x < y ? -1 : x > y;
}

static supply_site_forecast *site_of(supply_forecast *f, int64_t id)
{
    return bsearch(&id, f->sites, (size_t)f->nsites, sizeof *f->sites, cmp_site);
}

/* The risk level each area takes from itself or the nearest area above it that has one, for
 * the areas under a risky one only: a range of the path index per risky area, the deepest
 * winning (depth × 10 + RISK_* packed into one number, so that MAX picks it). */
#define FORECAST_RISK                                                                                        \
    "risky AS MATERIALIZED (SELECT path, substr(path, 1, length(path) - 1) || '0' AS upper,"                  \
    "   length(path) * 10 + CASE risk_level WHEN 'precaution' THEN 1 WHEN 'controlled' THEN 2 ELSE 3 END AS v" \
    "   FROM areas WHERE risk_level <> 'none'),"                                                              \
    " eff AS MATERIALIZED (SELECT a.id AS area_id, MAX(r.v) % 10 AS risk FROM risky r"                         \
    "   JOIN areas a ON a.path >= r.path AND a.path < r.upper GROUP BY a.id),"

/* Sites in scope with their last round's samples (one index seek and a short range each),
 * their own area's risk level and the warehouse that supplies them (the deepest one whose
 * area holds the site's: warehouses are few, numbered k, depth × 100000 + k picks it). */
#define FORECAST_SITES                                                                                       \
    "WITH " FORECAST_RISK                                                                                     \
    " wh AS MATERIALIZED (SELECT l.id, l.name, wa.path, ROW_NUMBER() OVER (ORDER BY l.id) AS k"                \
    "   FROM supply_locations l JOIN areas wa ON wa.id = l.area_id WHERE l.kind = 'warehouse'),"               \
    " site_in AS MATERIALIZED (SELECT s.id, s.name, s.tables, s.area_id, a.code, a.path,"                      \
    "   (SELECT MAX(t.round_id) FROM tubes t WHERE t.site_id = s.id) AS last_round"                            \
    "   FROM sites s JOIN areas a ON a.id = s.area_id"                                                         \
    "   WHERE a.path >= $1 AND a.path < $2 AND s.status <> 'closed'),"                                         \
    " hist AS (SELECT t.site_id, SUM(t.samples) AS heads FROM site_in si CROSS JOIN tubes t" /* sites first */  \
    "   WHERE t.site_id = si.id AND t.round_id = si.last_round GROUP BY t.site_id),"                            \
    " supplier AS (SELECT si.id AS site_id, MAX(length(w.path) * 100000 + w.k) % 100000 AS k FROM site_in si"   \
    "   JOIN wh w ON substr(si.path, 1, length(w.path)) = w.path GROUP BY si.id)"                               \
    " SELECT si.id, si.name, si.tables, si.code, COALESCE(si.last_round, 0), COALESCE(h.heads, -1),"           \
    "  COALESCE(e.risk, 0), COALESCE(w.id, 0), COALESCE(w.name, '')"                                           \
    " FROM site_in si LEFT JOIN hist h ON h.site_id = si.id LEFT JOIN eff e ON e.area_id = si.area_id"         \
    " LEFT JOIN supplier sp ON sp.site_id = si.id LEFT JOIN wh w ON w.k = sp.k ORDER BY si.id"

/* The population each site serves per risk level: the areas it lists, else its own area.
 * An area served by n open sites counts 1/n toward each. */
#define FORECAST_SERVED                                                                                      \
    "WITH " FORECAST_RISK                                                                                     \
    " served AS MATERIALIZED (SELECT sa.site_id, sa.area_id FROM site_areas sa JOIN sites s ON s.id = sa.site_id" \
    "   WHERE s.status <> 'closed'"                                                                            \
    "   UNION ALL SELECT s.id, s.area_id FROM sites s WHERE s.status <> 'closed'"                              \
    "   AND NOT EXISTS (SELECT 1 FROM site_areas x WHERE x.site_id = s.id)),"                                  \
    " sharing AS (SELECT area_id, COUNT(*) AS n FROM served GROUP BY area_id)"                                 \
    " SELECT sv.site_id, COALESCE(e.risk, 0) AS risk, SUM(COALESCE(ac.persons, 0) * 1.0 / sh.n)"               \
    " FROM served sv JOIN sites s ON s.id = sv.site_id JOIN areas sx ON sx.id = s.area_id"                     \
    " JOIN sharing sh ON sh.area_id = sv.area_id LEFT JOIN eff e ON e.area_id = sv.area_id"                    \
    " LEFT JOIN area_counts ac ON ac.area_id = sv.area_id"                                                     \
    " WHERE sx.path >= $1 AND sx.path < $2 GROUP BY sv.site_id, risk"

#define FORECAST_SITE_STOCK                                                                                  \
    "SELECT l.site_id, st.item_id, st.qty FROM supply_locations l JOIN areas a ON a.id = l.area_id"           \
    " JOIN supply_stock st ON st.location_id = l.id WHERE l.kind = 'site' AND a.path >= $1 AND a.path < $2"

/* item id → forecast line, for the items the forecast counts */
static int line_of(const int64_t item_of[SUPPLY_F__COUNT], int64_t item_id)
{
    for (int f = 0; f < SUPPLY_F__COUNT; f++)
        if (item_of[f] == item_id)
            return f;
    return -1;
}

static int forecast_items(db_conn *c, int64_t item_of[SUPPLY_F__COUNT])
{
    supply_item items[SUPPLY_ITEMS_MAX];
    int n = supply_item_list(c, items, SUPPLY_ITEMS_MAX);
    if (n < 0)
        return n;
    for (int f = 0; f < SUPPLY_F__COUNT; f++) {
        item_of[f] = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(items[i].code, forecast_code[f]) == 0)
                item_of[f] = items[i].id;
    }
    return 0;
}

static int read_sites(db_conn *c, const char *lo, const char *hi, supply_forecast *f)
{
    db_stmt *s = db_prepare(c, FORECAST_SITES);
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    int cap = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (f->nsites == cap) {
            cap = cap ? cap * 2 : 256;
            supply_site_forecast *v = realloc(f->sites, sizeof *v * (size_t)cap);
            if (!v) {
                rc = DB_ERR;
                break;
            }
            f->sites = v;
        }
        supply_site_forecast *x = &f->sites[f->nsites++];
        memset(x, 0, sizeof *x);
        x->site_id = db_col_i64(s, 0);
        fx_copy(x->site_name, sizeof x->site_name, db_col_text(s, 1));
        x->tables = (int)db_col_i64(s, 2);
        fx_copy(x->area_code, sizeof x->area_code, db_col_text(s, 3));
        x->round_id = db_col_i64(s, 4);
        x->samples = db_col_i64(s, 5);
        x->site_risk = (int)db_col_i64(s, 6);
        x->warehouse_id = db_col_i64(s, 7);
        fx_copy(x->warehouse_name, sizeof x->warehouse_name, db_col_text(s, 8));
    }
    db_done(s);
    return rc < 0 ? rc : 0;
}

int supply_forecast_run(db_conn *c, const char *scope_path, int64_t round_id, supply_forecast *out, fx_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = policy_round(c, scope_path, round_id, &out->policy, err);
    if (rc)
        return rc;
    int64_t item_of[SUPPLY_F__COUNT];
    if (supply_settings_get(c, &out->set) != 0 || forecast_items(c, item_of) < 0)
        return DB_FAIL(err, "read the supply settings");
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    if (read_sites(c, lo, hi, out) < 0) {
        supply_forecast_free(out);
        return DB_FAIL(err, "read the sites");
    }
    double (*pop)[RISK__COUNT] = calloc((size_t)out->nsites + 1, sizeof *pop);
    db_stmt *s = pop ? db_prepare(c, FORECAST_SERVED) : NULL;
    if (!s) {
        free(pop);
        supply_forecast_free(out);
        return DB_FAIL(err, "read the areas served");
    }
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    while ((rc = db_step(s)) == DB_ROW) {
        supply_site_forecast *x = site_of(out, db_col_i64(s, 0));
        int l = (int)db_col_i64(s, 1);
        if (x && l >= 0 && l < RISK__COUNT)
            pop[x - out->sites][l] += db_col_double(s, 2);
    }
    db_done(s);
    for (int i = 0; rc >= 0 && i < out->nsites; i++) {
        supply_site_forecast *x = &out->sites[i];
        supply_calc_in in = {.samples = x->samples, .site_risk = x->site_risk,
                             .tables = x->tables, .set = &out->set};
        memcpy(in.pop, pop[i], sizeof in.pop);
        memcpy(in.pool, out->policy.pool, sizeof in.pool);
        supply_calc(&in, &x->calc);
        memcpy(x->pick, x->calc.need, sizeof x->pick);
    }
    free(pop);
    s = rc >= 0 ? db_prepare(c, FORECAST_SITE_STOCK) : NULL;
    if (!s) {
        supply_forecast_free(out);
        return DB_FAIL(err, "read the stock at the sites");
    }
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    while ((rc = db_step(s)) == DB_ROW) {
        supply_site_forecast *x = site_of(out, db_col_i64(s, 0));
        int f = line_of(item_of, db_col_i64(s, 1));
        if (x && f >= 0) {
            x->stock[f] = db_col_i64(s, 2);
            x->pick[f] = x->calc.need[f] > x->stock[f] ? x->calc.need[f] - x->stock[f] : 0;
        }
    }
    db_done(s);
    if (rc < 0) {
        supply_forecast_free(out);
        return DB_FAIL(err, "read the stock at the sites");
    }
    return 0;
}

void supply_forecast_free(supply_forecast *f)
{
    free(f->sites);
    f->sites = NULL;
    f->nsites = 0;
}

/* ---- pick lists ---- */

int supply_pick_totals(db_conn *c, const supply_forecast *f, supply_pick_total *out, int max)
{
    int n = 0;
    for (int i = 0; i < f->nsites; i++) {
        const supply_site_forecast *x = &f->sites[i];
        int k = 0;
        while (k < n && out[k].warehouse_id != x->warehouse_id)
            k++;
        if (k == n) {
            if (n == max)
                continue;
            memset(&out[n], 0, sizeof out[n]);
            out[n].warehouse_id = x->warehouse_id;
            fx_copy(out[n].warehouse_name, sizeof out[n].warehouse_name, x->warehouse_name);
            n++;
        }
        out[k].sites++;
        for (int l = 0; l < SUPPLY_F__COUNT; l++)
            out[k].pick[l] += x->pick[l];
    }
    int64_t item_of[SUPPLY_F__COUNT];
    if (forecast_items(c, item_of) < 0)
        return DB_ERR;
    db_stmt *s = db_prepare(c, "SELECT st.item_id, st.qty, a.code FROM supply_locations l JOIN areas a ON a.id = l.area_id"
                               " LEFT JOIN supply_stock st ON st.location_id = l.id WHERE l.id = $1");
    if (!s)
        return DB_ERR;
    int rc = 0;
    for (int k = 0; k < n && rc >= 0; k++) { /* one statement per warehouse: a city has tens */
        db_reset(s);
        db_bind_i64(s, 1, out[k].warehouse_id);
        while ((rc = db_step(s)) == DB_ROW) {
            fx_copy(out[k].area_code, sizeof out[k].area_code, db_col_text(s, 2));
            int l = db_col_null(s, 0) ? -1 : line_of(item_of, db_col_i64(s, 0));
            if (l >= 0)
                out[k].stock[l] = db_col_i64(s, 1);
        }
        for (int l = 0; l < SUPPLY_F__COUNT; l++)
            out[k].shortfall[l] = out[k].warehouse_id && out[k].pick[l] > out[k].stock[l]
                                      ? out[k].pick[l] - out[k].stock[l] : 0;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

int supply_flag_shortfalls(db_conn *c, const supply_forecast *f, const supply_pick_total *t, int n)
{
    if (!f->policy.id)
        return 0; /* once per round: without one there is nothing to count against */
    int64_t item_of[SUPPLY_F__COUNT];
    if (forecast_items(c, item_of) < 0)
        return DB_ERR;
    int raised = 0;
    for (int k = 0; k < n; k++) {
        supply_location w;
        if (!t[k].warehouse_id || supply_location_get(c, t[k].warehouse_id, &w) != DB_ROW)
            continue;
        for (int l = 0; l < SUPPLY_F__COUNT; l++) {
            if (t[k].shortfall[l] <= 0)
                continue;
            db_stmt *s = db_prepare(c, "INSERT INTO supply_shortfalls (round_id, location_id, item_id, shortfall,"
                                       " created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
            if (!s)
                return DB_ERR;
            db_bind_i64(s, 1, f->policy.id);
            db_bind_i64(s, 2, w.id);
            db_bind_i64(s, 3, item_of[l]);
            db_bind_i64(s, 4, t[k].shortfall[l]);
            db_bind_i64(s, 5, fx_now());
            int rc = db_step(s);
            db_done(s);
            if (rc != DB_DONE)
                return DB_ERR;
            if (db_changes(c) == 0)
                continue; /* told already */
            int64_t area_id;
            char msg[1200], eid[72];
            snprintf(msg, sizeof msg,
                     "supply shortfall for round %s: %s has %lld %s, the sites need %lld picked (%lld short)",
                     f->policy.name, w.name, (long long)t[k].stock[l], forecast_code[l], (long long)t[k].pick[l],
                     (long long)t[k].shortfall[l]);
            snprintf(eid, sizeof eid, "%lld:%lld:%s", (long long)f->policy.id, (long long)w.id, forecast_code[l]);
            if (alert_area_for(c, w.area_path, &area_id) != DB_ROW ||
                alert_raise(c, area_id, "supply_shortfall", "supply_location", eid, msg) != 0)
                return DB_ERR;
            raised++;
        }
    }
    return raised;
}

#define CHECK_ROUNDS_MAX 64
#define WAREHOUSES_MAX 512

int supply_check_rounds(db_conn *c, int64_t now)
{
    /* open rounds starting within a day, not checked in the last hour */
    db_stmt *s = db_prepare(c, "SELECT r.id, a.path FROM rounds r JOIN areas a ON a.id = r.area_id"
                               " LEFT JOIN supply_round_checks k ON k.round_id = r.id"
                               " WHERE r.status = 'open' AND r.start_at > $1 AND r.start_at <= $1 + 86400"
                               " AND (k.checked_at IS NULL OR k.checked_at <= $1 - 3600) ORDER BY r.start_at LIMIT $2");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, now);
    db_bind_i64(s, 2, CHECK_ROUNDS_MAX);
    int64_t ids[CHECK_ROUNDS_MAX];
    char paths[CHECK_ROUNDS_MAX][FX_AREA_PATH_MAX];
    int n = 0, rc;
    while (n < CHECK_ROUNDS_MAX && (rc = db_step(s)) == DB_ROW) {
        ids[n] = db_col_i64(s, 0);
        fx_copy(paths[n++], FX_AREA_PATH_MAX, db_col_text(s, 1));
    }
    db_done(s);
    supply_pick_total *t = n ? malloc(sizeof *t * WAREHOUSES_MAX) : NULL;
    int raised = 0;
    for (int i = 0; i < n && raised >= 0; i++) {
        supply_forecast f;
        fx_err e;
        if (!t || supply_forecast_run(c, paths[i], ids[i], &f, &e) != 0) {
            raised = DB_ERR;
            break;
        }
        int nt = supply_pick_totals(c, &f, t, WAREHOUSES_MAX);
        int r = nt < 0 ? nt : supply_flag_shortfalls(c, &f, t, nt);
        supply_forecast_free(&f);
        raised = r < 0 ? r : raised + r;
        s = raised >= 0 ? db_prepare(c, "INSERT INTO supply_round_checks (round_id, checked_at) VALUES ($1, $2)"
                                        " ON CONFLICT (round_id) DO UPDATE SET checked_at = excluded.checked_at")
                        : NULL;
        if (s) {
            db_bind_i64(s, 1, ids[i]);
            db_bind_i64(s, 2, now);
            if (db_step(s) != DB_DONE)
                raised = DB_ERR;
            db_done(s);
        }
    }
    free(t);
    return raised;
}
