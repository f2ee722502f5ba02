/* bench/supply — tomorrow's supply forecast for a city of Zhengzhou's size, in process.
 *
 * Builds a database (or reuses one it built before) shaped like Zhengzhou's first round:
 * 15 districts, 210 sub-districts, 2,520 communities, 7,560 compounds holding 11.76 M
 * people (area counters, as the registry keeps them), 6,400 sites each serving its compound
 * (1,160 of them a second one, every 20th sharing its neighbour's), 2% of compounds
 * controlled and 0.5% sealed, two finished rounds whose tubes hold each site's samples
 * (4 sites in 5 took part; ~0.9 of the population, 20-in-1, 10-in-1 or single), one warehouse
 * per district and stock at every other site. No randomness: the same database every time.
 *
 * Then times, in the same run on the same connection: the whole city's forecast with its pick
 * lists (supply_forecast_run + supply_pick_totals), and as the reference the bare aggregate a
 * forecast cannot do without — samples per site in the last round, one GROUP BY over the
 * round's tubes — stepped to its last row. Median and min-max of BENCH_RUNS (5) after one
 * warm-up; markdown on stdout.
 *
 *   make build/bench/supply && build/bench/supply /tmp/supply-city.db */
#include "core/supply.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SITES 6400
#define COMPOUNDS 7560
#define PEOPLE 11760000LL

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Area ids: districts 1-15, sub-districts 100+, communities 1000+, compounds 10000+. */
static const char *const fill_sql =
    "INSERT INTO areas (id, code, name, kind, parent_id, path, created_at, updated_at)"
    " WITH RECURSIVE d(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM d WHERE i < 15)"
    " SELECT i, 'D' || i, '区' || i, 'district', NULL, '/' || i || '/', 0, 0 FROM d;"
    "INSERT INTO areas (id, code, name, kind, parent_id, path, created_at, updated_at)"
    " WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 209)"
    " SELECT 100 + i, 'S' || i, '街道' || i, 'subdistrict', 1 + i / 14, '/' || (1 + i / 14) || '/' || (100 + i) || '/', 0, 0 FROM s;"
    "INSERT INTO areas (id, code, name, kind, parent_id, path, created_at, updated_at)"
    " WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 2519)"
    " SELECT 1000 + i, 'C' || i, '社区' || i, 'community', p.id, p.path || (1000 + i) || '/', 0, 0"
    " FROM c JOIN areas p ON p.id = 100 + i / 12;"
    "INSERT INTO areas (id, code, name, kind, parent_id, path, created_at, updated_at)"
    " WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 7559)"
    " SELECT 10000 + i, 'K' || i, '小区' || i, 'compound', p.id, p.path || (10000 + i) || '/', 0, 0"
    " FROM k JOIN areas p ON p.id = 1000 + i / 3;"
    "UPDATE areas SET risk_level = 'controlled' WHERE kind = 'compound' AND id % 50 = 3;"
    "UPDATE areas SET risk_level = 'sealed' WHERE kind = 'compound' AND id % 200 = 7;"
    /* 800 to 2,311 people per compound: 11.76 M in all, give or take the spread */
    "INSERT INTO area_counts (area_id, persons) SELECT id, 800 + (id * 7919) % 1512 FROM areas WHERE kind = 'compound';"
    "INSERT INTO area_counts (area_id, persons) SELECT a.id, (SELECT SUM(c.persons) FROM area_counts c JOIN areas x"
    " ON x.id = c.area_id WHERE x.kind = 'compound' AND substr(x.path, 1, length(a.path)) = a.path)"
    " FROM areas a WHERE a.kind <> 'compound';"
    "INSERT INTO sites (id, top_area_id, area_id, name, tables, created_at, updated_at)"
    " SELECT 100000 + (id - 10000), 0, id, '核酸点' || (id - 10000), 2 + (id % 4), 0, 0 FROM areas"
    " WHERE kind = 'compound' AND id < 10000 + 6400;"
    "INSERT INTO site_areas (site_id, area_id) SELECT id, area_id FROM sites;"
    "INSERT INTO site_areas (site_id, area_id) SELECT id, area_id + 6400 FROM sites WHERE area_id + 6400 < 10000 + 7560;"
    "INSERT OR IGNORE INTO site_areas (site_id, area_id) SELECT id, area_id + 1 FROM sites WHERE id % 20 = 0;"
    "INSERT INTO rounds (id, name, area_id, start_at, deadline, created_at, updated_at) VALUES"
    " (1, '第一轮', 1, 1800000000, 1800043200, 0, 0), (2, '第二轮', 1, 1800086400, 1800129600, 0, 0);"
    /* the rounds' tubes: sites i % 5 <> 0 took part; samples ~0.9 of the people they serve */
    "CREATE TEMP TABLE want AS SELECT s.id AS site_id, CAST(SUM(c.persons) * (85 + (s.id * 31) % 10) / 100 AS INTEGER) AS samples,"
    " CASE MAX(CASE a.risk_level WHEN 'sealed' THEN 3 WHEN 'controlled' THEN 2 ELSE 0 END)"
    "  WHEN 3 THEN 1 WHEN 2 THEN 10 ELSE 20 END AS pool"
    " FROM sites s JOIN site_areas sa ON sa.site_id = s.id JOIN area_counts c ON c.area_id = sa.area_id"
    " JOIN areas a ON a.id = sa.area_id WHERE s.id % 5 <> 0 GROUP BY s.id;"
    "CREATE TEMP TABLE seq AS WITH RECURSIVE q(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM q WHERE n < 5000) SELECT n FROM q;"
    "INSERT INTO tubes (id, barcode, round_id, site_id, top_area_id, pool_size, samples, opened_at, created_at)"
    " SELECT r.id * 100000000000 + w.site_id * 10000 + q.n, 'R' || r.id || '-' || w.site_id || '-' || q.n, r.id, w.site_id, 0,"
    " w.pool, CASE WHEN (q.n + 1) * w.pool <= w.samples THEN w.pool ELSE w.samples - q.n * w.pool END, 0, 0"
    " FROM (SELECT 1 AS id UNION ALL SELECT 2) r JOIN want w JOIN seq q ON q.n * w.pool < w.samples"
    " ORDER BY r.id, w.site_id, q.n;"
    "INSERT INTO supply_locations (id, kind, name, top_area_id, area_id, created_at)"
    " SELECT 500000 + id, 'warehouse', '仓库' || id, id, id, 0 FROM areas WHERE kind = 'district';"
    "INSERT INTO supply_locations (id, kind, name, top_area_id, area_id, site_id, created_at)"
    " SELECT 600000 + id, 'site', name, 0, area_id, id, 0 FROM sites WHERE id % 2 = 0;"
    "INSERT INTO supply_stock (location_id, item_id, qty, updated_at)"
    " SELECT l.id, i.id, CASE l.kind WHEN 'warehouse' THEN 40000 ELSE 30 END, 0"
    " FROM supply_locations l JOIN supply_items i ON i.id <= 7;"
    "ANALYZE;";

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    return db_exec(c, fill_sql) == 0 ? 0 : -1;
}

static double time_forecast(db_conn *c, int64_t round_id, int *nsites, int64_t *tubes, double *cpu)
{
    double t0 = now_ms(), c0 = cpu_ms();
    supply_forecast f;
    fx_err e;
    if (supply_forecast_run(c, NULL, round_id, &f, &e) != 0) {
        fprintf(stderr, "forecast: %s\n", e.msg);
        exit(1);
    }
    static supply_pick_total t[64];
    if (supply_pick_totals(c, &f, t, 64) < 0) {
        fprintf(stderr, "pick totals failed\n");
        exit(1);
    }
    double ms = now_ms() - t0;
    *cpu = cpu_ms() - c0;
    *nsites = f.nsites;
    *tubes = 0;
    for (int i = 0; i < f.nsites; i++)
        for (int k = SUPPLY_F_TUBE1; k <= SUPPLY_F_TUBE20; k++)
            *tubes += f.sites[i].calc.need[k];
    supply_forecast_free(&f);
    return ms;
}

static double time_reference(db_conn *c, int64_t round_id, int64_t *rows, double *cpu)
{
    double t0 = now_ms(), c0 = cpu_ms();
    db_stmt *s = db_prepare(c, "SELECT site_id, SUM(samples) FROM tubes WHERE round_id = $1 GROUP BY site_id");
    db_bind_i64(s, 1, round_id);
    *rows = 0;
    while (db_step(s) == DB_ROW)
        (*rows)++;
    db_done(s);
    *cpu = cpu_ms() - c0;
    return now_ms() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: supply DB   (built when it does not exist yet)\n");
        return 2;
    }
    int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 5;
    if (runs < 1 || runs > 100)
        runs = 5;
    char err[256];
    db_options opt = DB_OPTIONS_DEFAULT;
    db *d = db_open(argv[1], &opt, err, sizeof err);
    int applied = 0;
    if (!d || db_migrate(d, &applied, err, sizeof err) != 0) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err);
        return 1;
    }
    db_conn *c = db_reader(d);
    int64_t nsites = 0;
    db_query_i64(c, "SELECT COUNT(*) FROM sites", &nsites);
    if (nsites == 0) {
        fprintf(stderr, "# building the city (a minute or two) …\n");
        double t0 = now_ms();
        if (db_write(d, fill, NULL) != 0) {
            fprintf(stderr, "could not build the city: %s\n", db_errmsg(c));
            return 1;
        }
        fprintf(stderr, "# built in %.1f s\n", (now_ms() - t0) / 1e3);
    }
    int64_t people = 0, tubes = 0, samples = 0;
    db_query_i64(c, "SELECT COUNT(*) FROM sites", &nsites);
    db_query_i64(c, "SELECT SUM(persons) FROM area_counts c JOIN areas a ON a.id = c.area_id WHERE a.kind = 'district'",
                 &people);
    db_query_i64(c, "SELECT COUNT(*) FROM tubes", &tubes);
    db_query_i64(c, "SELECT SUM(samples) FROM tubes WHERE round_id = 2", &samples);
    double load[3] = {0};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        fclose(la);
    }
    int n = 0;
    int64_t rows = 0, need_tubes = 0;
    double cf, cr;
    time_forecast(c, 2, &n, &need_tubes, &cf); /* warm-up: pages into the cache */
    time_reference(c, 2, &rows, &cr);
    double *tf = calloc((size_t)runs * 4, sizeof *tf), *tr = tf + runs, *uf = tr + runs, *ur = uf + runs;
    for (int i = 0; i < runs; i++) {
        tf[i] = time_forecast(c, 2, &n, &need_tubes, &uf[i]);
        tr[i] = time_reference(c, 2, &rows, &ur[i]);
    }
    qsort(tf, (size_t)runs, sizeof *tf, cmp);
    qsort(tr, (size_t)runs, sizeof *tr, cmp);
    qsort(uf, (size_t)runs, sizeof *uf, cmp);
    qsort(ur, (size_t)runs, sizeof *ur, cmp);
    double mf = tf[runs / 2], mr = tr[runs / 2];
    printf("City: %lld sites, %lld people in the area counters, %lld tubes in two rounds (%lld samples in the last);"
           " the forecast covers %d sites and asks for %lld tubes. Load average %.2f %.2f %.2f.\n\n",
           (long long)nsites, (long long)people, (long long)tubes, (long long)samples, n, (long long)need_tubes,
           load[0], load[1], load[2]);
    printf("| what | wall, median | wall, min-max | CPU, median | runs |\n|---|---:|---:|---:|---:|\n");
    printf("| forecast + pick lists, whole city (supply_forecast_run + supply_pick_totals) | %.0f ms | %.0f-%.0f ms |"
           " %.0f ms | %d |\n", mf, tf[0], tf[runs - 1], uf[runs / 2], runs);
    printf("| reference: samples per site in the last round, bare GROUP BY (%lld rows) | %.0f ms | %.0f-%.0f ms |"
           " %.0f ms | %d |\n", (long long)rows, mr, tr[0], tr[runs - 1], ur[runs / 2], runs);
    printf("| ratio forecast / reference | %.2f | | %.2f | |\n", mr > 0 ? mf / mr : 0,
           ur[runs / 2] > 0 ? uf[runs / 2] / ur[runs / 2] : 0);
    free(tf);
    db_reader_release(d);
    db_close(d);
    return 0;
}
