/* Unit tests of supplies: the forecast arithmetic as a pure function (pool sizes by risk
 * level, rounding up, wastage, boxes, PPE, the fallback to the population served), and on
 * a real store the ledger (negative stock refused in words, a transfer's two legs landing
 * together or not at all) and the forecast and pick list over sites with and without a
 * last round. */
#include "core/area.h"
#include "core/round.h"
#include "core/site.h"
#include "core/supply.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_id.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const supply_settings defaults = {.wastage_pct = 5, .tubes_per_box = 50, .people_per_sampler = 360,
                                         .ppe_per_staff = 2};
#define POOLS {20, 20, 10, 1} /* none, precaution, controlled, sealed: product.md's policy */

static void wastage_rounds_up(void)
{
    CHECK_EQ_INT(supply_with_wastage(20, 5), 21);     /* 21.0 */
    CHECK_EQ_INT(supply_with_wastage(92, 5), 97);     /* 96.6 */
    CHECK_EQ_INT(supply_with_wastage(1000, 5.5), 1055); /* a decimal percentage stays exact */
    CHECK_EQ_INT(supply_with_wastage(100, 0), 100);
    CHECK_EQ_INT(supply_with_wastage(0, 5), 0);
    CHECK_EQ_INT(supply_with_wastage(3, 100), 6);
}

static void forecast_from_last_round(void)
{
    supply_calc_in in = {.samples = 1834, .pop = {2000, 0, 0, 0}, .pool = POOLS, .tables = 4, .set = &defaults};
    supply_calc_out o;
    supply_calc(&in, &o);
    CHECK(o.from_history);
    CHECK_EQ_INT(o.headcount, 1834);
    CHECK_EQ_INT(o.base[SUPPLY_F_SWAB], 1834);
    CHECK_EQ_INT(o.need[SUPPLY_F_SWAB], 1926);    /* 1925.7 rounded up */
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE20], 92);    /* 1834 / 20 = 91.7 → 92 */
    CHECK_EQ_INT(o.need[SUPPLY_F_TUBE20], 97);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE10], 0);
    CHECK_EQ_INT(o.base[SUPPLY_F_BOX], 2);        /* 92 / 50 → 2 */
    CHECK_EQ_INT(o.need[SUPPLY_F_BOX], 3);        /* 2.1 → 3 */
    CHECK_EQ_INT(o.samplers, 6);                  /* 1834 / 360 = 5.09 → 6 */
    CHECK_EQ_INT(o.base[SUPPLY_F_PPE], 20);       /* (6 + 4 registrars) × 2 */
    CHECK_EQ_INT(o.need[SUPPLY_F_PPE], 21);
    /* the arithmetic is in the line, for the clerk to check */
    CHECKF(strstr(o.why[SUPPLY_F_TUBE20], "none 1834 / 20-in-1 = 92") != NULL, "%s", o.why[SUPPLY_F_TUBE20]);
    CHECKF(strstr(o.why[SUPPLY_F_TUBE20], "5% wastage) = 97") != NULL, "%s", o.why[SUPPLY_F_TUBE20]);
    CHECKF(strstr(o.why[SUPPLY_F_SWAB], "last round") != NULL, "%s", o.why[SUPPLY_F_SWAB]);
    /* exact multiples are not rounded up */
    supply_settings none = defaults;
    none.wastage_pct = 0;
    in = (supply_calc_in){.samples = 200, .pop = {0, 0, 500, 0}, .pool = POOLS, .tables = 1, .set = &none};
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE10], 20);
    CHECK_EQ_INT(o.need[SUPPLY_F_TUBE10], 20);
    in.samples = 201;
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.need[SUPPLY_F_TUBE10], 21);
}

static void pool_size_by_risk_level(void)
{
    supply_settings none = defaults;
    none.wastage_pct = 0;
    /* 1,000 people last time, served areas 60% none, 40% controlled: 600 in 20s, 400 in 10s */
    supply_calc_in in = {.samples = 1000, .pop = {1500, 0, 1000, 0}, .pool = POOLS, .tables = 2, .set = &none};
    supply_calc_out o;
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.heads[RISK_NONE], 600);
    CHECK_EQ_INT(o.heads[RISK_CONTROLLED], 400);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE20], 30);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE10], 40);
    CHECK_EQ_INT(o.base[SUPPLY_F_BOX], 2); /* 70 tubes */
    /* a sealed area: single tubes, one per person */
    in = (supply_calc_in){.samples = -1, .pop = {0, 0, 0, 37}, .pool = POOLS, .set = &none};
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE1], 37);
    /* precaution and none share the 20-in-1 item: their tubes add up on one line */
    in = (supply_calc_in){.samples = -1, .pop = {30, 30, 0, 0}, .pool = POOLS, .set = &none};
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE20], 4); /* 30/20 → 2, twice */
    CHECKF(strstr(o.why[SUPPLY_F_TUBE20], "none 30") && strstr(o.why[SUPPLY_F_TUBE20], "precaution 30"), "%s",
           o.why[SUPPLY_F_TUBE20]);
    /* the round's policy, not a constant: 5-in-1 for controlled */
    in = (supply_calc_in){.samples = -1, .pop = {0, 0, 52, 0}, .pool = {20, 20, 5, 1}, .set = &none};
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE5], 11);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE10], 0);
}

static void no_history_falls_back_to_population(void)
{
    /* a third of a 1,000-person compound (shared by three sites): 333.3 → 334 people */
    supply_calc_in in = {.samples = -1, .pop = {1000.0 / 3, 0, 0, 0}, .pool = POOLS, .tables = 1, .set = &defaults};
    supply_calc_out o;
    supply_calc(&in, &o);
    CHECK(!o.from_history);
    CHECK_EQ_INT(o.headcount, 334);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE20], 17);
    CHECKF(strstr(o.why[SUPPLY_F_SWAB], "population") != NULL, "%s", o.why[SUPPLY_F_SWAB]);
    /* a last round with 0 samples is history, not "no history" */
    in.samples = 0;
    supply_calc(&in, &o);
    CHECK(o.from_history);
    CHECK_EQ_INT(o.headcount, 0);
    CHECK_EQ_INT(o.need[SUPPLY_F_SWAB], 0);
    /* history but no population on record: the site's own area's risk level decides the pool */
    in = (supply_calc_in){.samples = 95, .site_risk = RISK_CONTROLLED, .pool = POOLS, .set = &defaults};
    supply_calc(&in, &o);
    CHECK_EQ_INT(o.base[SUPPLY_F_TUBE10], 10);
}

/* ---- on a store ---- */

static db *store;

static int sql(db_conn *c, const char *q) { return db_exec(c, q) == 0 ? 0 : -1; }

static int64_t site_in(db_conn *c, const char *name, const char *area_code, const char *const *serves, int nserves,
                       int tables)
{
    actor cli = ACTOR_CLI;
    site_input in = SITE_INPUT_NONE;
    in.name = name;
    in.area = area_code;
    in.serves = serves;
    in.nserves = nserves;
    in.tables = tables;
    site out;
    fx_err e;
    if (site_create(c, &cli, &in, &out, &e)) {
        fprintf(stderr, "site %s: %s\n", name, e.msg);
        return 0;
    }
    return out.id;
}

static int64_t s_hist, s_pop, s_shared, round_id, wh_id;

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e;
    static const char *const a[][4] = {
        {"D", "区", "district", NULL},     {"S", "办事处", "subdistrict", "D"}, {"W", "工作站", "workstation", "S"},
        {"C1", "一号院", "compound", "W"}, {"C2", "二号院", "compound", "W"},   {"C3", "三号院", "compound", "W"},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        area out;
        area_input in = {.code = a[i][0], .name = a[i][1], .kind = a[i][2], .parent = a[i][3]};
        if (area_create(c, &cli, &in, &out, &e))
            return -1;
    }
    /* populations as the registry would count them; C2 is controlled */
    if (sql(c, "INSERT INTO area_counts (area_id, persons) SELECT id, 3000 FROM areas WHERE code = 'C1';"
               "INSERT INTO area_counts (area_id, persons) SELECT id, 1000 FROM areas WHERE code = 'C2';"
               "INSERT INTO area_counts (area_id, persons) SELECT id, 900 FROM areas WHERE code = 'C3';"
               "UPDATE areas SET risk_level = 'controlled' WHERE code = 'C2';"))
        return -1;
    s_hist = site_in(c, "一号院核酸点", "C1", (const char *const[]){"C1"}, 1, 4);
    s_pop = site_in(c, "二号院核酸点", "C2", (const char *const[]){"C2", "C3"}, 2, 2);
    s_shared = site_in(c, "三号院核酸点", "C3", (const char *const[]){"C3"}, 1, 1);
    round_input ri = {.name = "第一轮", .areas = (const char *const[]){"W"}, .nareas = 1, .start_at = 1800000000,
                      .deadline = 1800086400};
    fx_round r;
    if (!s_hist || !s_pop || !s_shared || round_create(c, &cli, &ri, &r, &e))
        return -1;
    round_id = r.id;
    /* the last round at the first site: 1,834 samples in 92 tubes of 20 (the last one 14) */
    db_stmt *s = db_prepare(c, "INSERT INTO tubes (id, barcode, round_id, site_id, top_area_id, pool_size, samples,"
                               " opened_at, created_at) VALUES ($1, $2, $3, $4, 0, 20, $5, 0, 0)");
    for (int i = 0; s && i < 92; i++) {
        char bc[16];
        snprintf(bc, sizeof bc, "T%03d", i);
        db_reset(s);
        db_bind_i64(s, 1, fx_id_next());
        db_bind_text(s, 2, bc);
        db_bind_i64(s, 3, round_id);
        db_bind_i64(s, 4, s_hist);
        db_bind_i64(s, 5, i < 91 ? 20 : 14);
        if (db_step(s) != DB_DONE) {
            db_done(s);
            return -1;
        }
    }
    db_done(s);
    supply_location w;
    if (!s || supply_warehouse_create(c, &cli, "工作站仓库", "W", &w, &e))
        return -1;
    wh_id = w.id;
    return 0;
}

struct move_job {
    supply_move_input in;
    supply_movement legs[2];
    int nlegs, rc;
    bool then_fail; /* roll the job back after the movement succeeded */
    fx_err err;
};

static int move_fn(db_conn *c, void *arg)
{
    struct move_job *j = arg;
    actor cli = ACTOR_CLI;
    j->rc = supply_move(c, &cli, &j->in, j->legs, &j->nlegs, &j->err);
    return j->rc ? j->rc : (j->then_fail ? -1 : 0);
}

static int move(const char *kind, const char *item, supply_place from, supply_place to, int64_t qty, bool then_fail,
                fx_err *err)
{
    struct move_job j = {.in = {.kind = kind, .item = item, .from = from, .to = to, .qty = qty},
                         .then_fail = then_fail};
    db_write(store, move_fn, &j);
    if (err)
        *err = j.err;
    return j.rc;
}

static int64_t qty_at(int64_t location_id, const char *item)
{
    supply_stock_row rows[SUPPLY_ITEMS_MAX];
    int n = supply_stock_at(db_reader(store), location_id, rows, SUPPLY_ITEMS_MAX);
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].item_code, item) == 0)
            return rows[i].qty;
    return 0;
}

static int64_t site_location(int64_t site_id)
{
    int64_t id = 0;
    db_stmt *s = db_prepare(db_reader(store), "SELECT id FROM supply_locations WHERE site_id = $1");
    db_bind_i64(s, 1, site_id);
    if (db_step(s) == DB_ROW)
        id = db_col_i64(s, 0);
    db_done(s);
    return id;
}

static int64_t ledger_rows(void)
{
    int64_t n = -1;
    db_query_i64(db_reader(store), "SELECT COUNT(*) FROM supply_movements", &n);
    return n;
}

static void negative_stock_refused(void)
{
    supply_place wh = {.location_id = wh_id}, none = {0};
    fx_err e;
    CHECK_EQ_INT(move("receipt", "tube-20", none, wh, 100, false, &e), 0);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 100);
    CHECK_EQ_INT(move("consumption", "tube-20", wh, none, 130, false, &e), FX_ERULE);
    CHECK_STR(e.code, "insufficient_stock");
    /* the item, the place and the shortfall, in words */
    CHECKF(strstr(e.msg, "20混1采样管") && strstr(e.msg, "工作站仓库") && strstr(e.msg, "100") &&
               strstr(e.msg, "30 short"),
           "%s", e.msg);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 100);
    /* an adjustment may not take the balance below zero either */
    CHECK_EQ_INT(move("adjustment", "tube-20", none, wh, -101, false, &e), FX_ERULE);
    CHECK_EQ_INT(move("adjustment", "tube-20", none, wh, -10, false, &e), 0);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 90);
    /* bad input names the field */
    CHECK_EQ_INT(move("receipt", "tube-7", none, wh, 1, false, &e), FX_EINVAL);
    CHECK_STR(e.code, "item_not_found");
    CHECK_EQ_INT(move("receipt", "swab", none, wh, 0, false, &e), FX_EINVAL);
    CHECK_STR(e.code, "invalid_qty");
    CHECK_EQ_INT(move("transfer", "swab", wh, none, 5, false, &e), FX_EINVAL);
    CHECK_STR(e.code, "missing_to");
}

static void transfer_is_atomic(void)
{
    supply_place wh = {.location_id = wh_id}, at_site = {.site_id = s_hist};
    int64_t before = ledger_rows();
    fx_err e;
    /* both legs, one batch: the site's location is made on its first movement */
    CHECK_EQ_INT(move("transfer", "tube-20", wh, at_site, 40, false, &e), 0);
    int64_t loc = site_location(s_hist);
    CHECK(loc != 0);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 50);
    CHECK_EQ_INT(qty_at(loc, "tube-20"), 40);
    CHECK_EQ_INT(ledger_rows(), before + 2);
    supply_movement m[4];
    int n = supply_movement_list(db_reader(store), loc, 0, m, 4);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(m[0].delta, 40);
    CHECK_EQ_INT(m[0].balance, 40);
    /* the transaction fails after the transfer: neither leg remains */
    CHECK_EQ_INT(move("transfer", "tube-20", wh, at_site, 20, true, &e), 0);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 50);
    CHECK_EQ_INT(qty_at(loc, "tube-20"), 40);
    CHECK_EQ_INT(ledger_rows(), before + 2);
    /* a transfer of more than the warehouse holds moves nothing at all */
    CHECK_EQ_INT(move("transfer", "tube-20", wh, at_site, 51, false, &e), FX_ERULE);
    CHECK_EQ_INT(qty_at(wh_id, "tube-20"), 50);
    CHECK_EQ_INT(qty_at(loc, "tube-20"), 40);
    CHECK_EQ_INT(ledger_rows(), before + 2);
    CHECK_EQ_INT(move("transfer", "tube-20", wh, wh, 1, false, &e), FX_EINVAL);
    CHECK_STR(e.code, "same_location");
}

static const supply_site_forecast *find(const supply_forecast *f, int64_t site_id)
{
    for (int i = 0; i < f->nsites; i++)
        if (f->sites[i].site_id == site_id)
            return &f->sites[i];
    return NULL;
}

static void forecast_over_sites(void)
{
    supply_forecast f;
    fx_err e;
    CHECK_EQ_INT(supply_forecast_run(db_reader(store), NULL, round_id, &f, &e), 0);
    CHECK_EQ_INT(f.nsites, 3);
    const supply_site_forecast *h = find(&f, s_hist), *p = find(&f, s_pop), *s = find(&f, s_shared);
    if (!h || !p || !s) {
        CHECK(!"every site has a forecast");
        supply_forecast_free(&f);
        return;
    }
    /* the last round's samples, not the 3,000 registered */
    CHECK(h->calc.from_history);
    CHECK_EQ_INT(h->round_id, round_id);
    CHECK_EQ_INT(h->calc.headcount, 1834);
    CHECK_EQ_INT(h->calc.need[SUPPLY_F_TUBE20], 97);
    CHECK_EQ_INT(h->warehouse_id, wh_id);
    /* 40 tubes already at the site: 57 to pick */
    CHECK_EQ_INT(h->stock[SUPPLY_F_TUBE20], 40);
    CHECK_EQ_INT(h->pick[SUPPLY_F_TUBE20], 57);
    /* no history: C2 (1,000, controlled) and half of C3 (900 shared by two sites) */
    CHECK(!p->calc.from_history);
    CHECK_EQ_INT(p->calc.heads[RISK_CONTROLLED], 1000);
    CHECK_EQ_INT(p->calc.heads[RISK_NONE], 450);
    CHECK_EQ_INT(p->calc.base[SUPPLY_F_TUBE10], 100);
    CHECK_EQ_INT(p->calc.base[SUPPLY_F_TUBE20], 23);
    CHECK_EQ_INT(s->calc.headcount, 450);
    /* the warehouse's pick list: 50 tubes of 20 in stock, less than the three sites need */
    supply_pick_total t[4];
    int n = supply_pick_totals(db_reader(store), &f, t, 4);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(t[0].warehouse_id, wh_id);
    CHECK_EQ_INT(t[0].sites, 3);
    int64_t want = h->pick[SUPPLY_F_TUBE20] + p->pick[SUPPLY_F_TUBE20] + s->pick[SUPPLY_F_TUBE20];
    CHECK_EQ_INT(t[0].pick[SUPPLY_F_TUBE20], want);
    CHECK_EQ_INT(t[0].stock[SUPPLY_F_TUBE20], 50);
    CHECK_EQ_INT(t[0].shortfall[SUPPLY_F_TUBE20], want - 50);
    CHECK_EQ_INT(t[0].shortfall[SUPPLY_F_SWAB], t[0].pick[SUPPLY_F_SWAB]); /* no swabs at all */
    supply_forecast_free(&f);
}

int main(void)
{
    th_init();
    RUN(wastage_rounds_up);
    RUN(forecast_from_last_round);
    RUN(pool_size_by_risk_level);
    RUN(no_history_falls_back_to_population);
    unitstore us;
    store = unitstore_open(&us, "supply", fill, NULL);
    if (!store)
        return 1;
    RUN(negative_stock_refused);
    RUN(transfer_is_atomic);
    RUN(forecast_over_sites);
    unitstore_close(&us);
    return th_done("unit_supply");
}
