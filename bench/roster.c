/* bench/roster — the roster check for a sub-district's full month of shifts.
 *
 * Generates (seeded) one sub-district with POSTS posts needing 24 h coverage, one person at
 * once, and 30 days of shifts: each post-day split into 3 shifts of 8 h or 4 of 6 h, each
 * given to one of the post's 5 regular people (so nobody is on two posts by design); then
 * 3% of shifts are dropped (holes: gaps) and 5% extra shifts of 2-4 h are added at random
 * posts for random people (overlaps), one in 20 of them 14 h long (over the 12 h limit).
 * Measures roster_check over the whole month (all three checks; and gaps only) against a
 * bare SELECT of the same shifts stepped to the end on the same connection, median of RUNS
 * after a warm-up.
 *
 *   make build/bench/roster && build/bench/roster [--posts 60] [--days 30] [--runs 15] [--seed 7] */
#include "core/area.h"
#include "core/person.h"
#include "core/roster.h"
#include "core/team.h"
#include "db/db.h"
#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define D0 1796400000LL /* 2026-12-05 00:00 Asia/Shanghai */
#define PER_POST 5

static int posts = 60, days = 30, runs = 15;
static unsigned seed = 7;
static int64_t *post_ids, *member_ids;
static long generated, dropped, extras;

static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
}

static int fail(const fx_err *e)
{
    fprintf(stderr, "roster bench: %s\n", e->msg);
    return -1;
}

static int fill_people(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e = {0};
    area_input ai[] = {{.code = "B", .name = "区", .kind = "district"},
                       {.code = "B-S", .name = "街道", .kind = "subdistrict", .parent = "B"}};
    area a;
    for (int i = 0; i < 2; i++)
        if (area_create(c, &cli, &ai[i], &a, &e))
            return fail(&e);
    team t;
    if (team_create(c, &cli, "B-S", "值班队", "duty", NULL, &t, &e))
        return fail(&e);
    for (int i = 0; i < posts * PER_POST; i++) {
        char name[32], number[32];
        snprintf(name, sizeof name, "值班员%d", i);
        snprintf(number, sizeof number, "E%08d", i);
        person_input pi = PERSON_INPUT_NONE;
        pi.name = name, pi.area = "B-S", pi.address = "街道", pi.id_type = "passport", pi.id_number = number;
        person p;
        team_member m;
        if (person_create(c, &cli, &pi, &p, &e))
            return fail(&e);
        team_who w = {.person_id = p.id};
        if (member_add(c, &cli, t.id, &w, "volunteer", &m, &e))
            return fail(&e);
        member_ids[i] = m.id;
    }
    for (int i = 0; i < posts; i++) {
        char name[32];
        snprintf(name, sizeof name, "卡口%03d", i);
        post_input in = {.area = "B-S", .name = name, .kind = "checkpoint", .team_id = t.id, .cover_to = 1440,
                         .persons = 1};
        post p;
        if (post_create(c, &cli, &in, &p, &e))
            return fail(&e);
        post_ids[i] = p.id;
    }
    return 0;
}

typedef struct batch {
    shift_input in[ROSTER_BATCH_MAX];
    int n;
} batch;

static int store_batch(db_conn *c, void *arg)
{
    batch *b = arg;
    actor cli = ACTOR_CLI;
    fx_err e = {0};
    int64_t ids[ROSTER_BATCH_MAX];
    return shift_add(c, &cli, b->in, b->n, ids, &e) ? fail(&e) : 0;
}

static int add(db *d, batch *b, int64_t post_id, int64_t member, int64_t start, int64_t end)
{
    b->in[b->n++] = (shift_input){post_id, member, start, end, NULL};
    if (b->n < ROSTER_BATCH_MAX)
        return 0;
    int rc = db_write(d, store_batch, b);
    b->n = 0;
    return rc;
}

static int fill_shifts(db *d)
{
    batch *b = calloc(1, sizeof *b);
    int rc = b ? 0 : -1;
    for (int p = 0; p < posts && !rc; p++)
        for (int day = 0; day < days && !rc; day++) {
            int k = rnd() % 2 ? 3 : 4, len = 24 / k;
            for (int j = 0; j < k && !rc; j++) {
                generated++;
                if (rnd() % 100 < 3) { /* a hole */
                    dropped++;
                    continue;
                }
                int64_t start = D0 + (int64_t)day * 86400 + (int64_t)j * len * 3600;
                rc = add(d, b, post_ids[p], member_ids[p * PER_POST + (int)(rnd() % PER_POST)], start,
                         start + (int64_t)len * 3600);
            }
        }
    long n_extra = generated * 5 / 100;
    for (long i = 0; i < n_extra && !rc; i++, extras++) {
        int64_t start = D0 + (int64_t)(rnd() % days) * 86400 + (int64_t)(rnd() % 24) * 3600;
        rc = add(d, b, post_ids[rnd() % (unsigned)posts], member_ids[rnd() % (unsigned)(posts * PER_POST)], start,
                 start + (int64_t)(rnd() % 20 ? 2 + rnd() % 3 : 14) * 3600);
    }
    if (!rc && b->n)
        rc = db_write(d, store_batch, b);
    free(b);
    return rc;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_d);
    printf("%-34s median %8.2f ms  (min %.2f, max %.2f)\n", what, ms[n / 2], ms[0], ms[n - 1]);
}

static long bare_select(db_conn *c, int64_t from, int64_t to)
{
    db_stmt *s = db_prepare(c, "SELECT s.id, s.post_id, s.member_id, s.user_id, s.person_id, s.starts_at, s.ends_at"
                               " FROM shifts s WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.ends_at > $3"
                               " ORDER BY s.post_id, s.starts_at");
    long n = 0;
    db_bind_i64(s, 1, from - ROSTER_SHIFT_MAX_S);
    db_bind_i64(s, 2, to);
    db_bind_i64(s, 3, from);
    while (db_step(s) == DB_ROW)
        n += db_col_i64(s, 6) > 0;
    db_done(s);
    return n;
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--posts") == 0)
            posts = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--days") == 0)
            days = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            seed = (unsigned)atoi(argv[i + 1]);
    }
    if (posts < 1 || days < 1 || runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: roster [--posts N] [--days N] [--runs N] [--seed N]\n");
        return 2;
    }
    fx_tz_set("Asia/Shanghai");
    post_ids = calloc((size_t)posts, sizeof *post_ids);
    member_ids = calloc((size_t)posts * PER_POST, sizeof *member_ids);
    char dir[] = "/tmp/fxbr-XXXXXX", path[64], err[256];
    if (!post_ids || !member_ids || !mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/r.db", dir);
    db *d = db_open(path, NULL, err, sizeof err);
    int applied;
    if (!d || db_migrate(d, &applied, err, sizeof err) || db_write(d, fill_people, NULL) || fill_shifts(d)) {
        fprintf(stderr, "roster bench: cannot build the data set: %s\n", err);
        return 1;
    }
    db_conn *c = db_reader(d);
    int64_t from = D0, to = D0 + (int64_t)days * 86400;
    roster_report r;
    double *full = malloc(sizeof(double) * (size_t)runs), *gaps = malloc(sizeof(double) * (size_t)runs),
           *bare = malloc(sizeof(double) * (size_t)runs);
    /* warm-up: statements prepared, pages cached */
    if (roster_check(c, "/", 0, 0, from, to, false, &r) != 0) {
        fprintf(stderr, "roster bench: the check failed\n");
        return 1;
    }
    printf("data: %d posts x %d days (24 h, 1 person), %ld shifts planned, %ld dropped (holes), %ld extras;"
           " %d shifts in the month\n", posts, days, generated, dropped, extras, r.nshifts);
    printf("found: %d gaps, %d overlaps, %d shifts over 12 h\n", r.ngaps, r.noverlaps, r.nlongs);
    long rows = bare_select(c, from, to);
    roster_report_free(&r);
    for (int i = 0; i < runs; i++) {
        uint64_t t0 = fx_mono_us();
        db_read_begin(c);
        rows = bare_select(c, from, to);
        db_read_end(c);
        uint64_t t1 = fx_mono_us();
        db_read_begin(c);
        roster_check(c, "/", 0, 0, from, to, true, &r);
        db_read_end(c);
        roster_report_free(&r);
        uint64_t t2 = fx_mono_us();
        db_read_begin(c);
        roster_check(c, "/", 0, 0, from, to, false, &r);
        db_read_end(c);
        roster_report_free(&r);
        uint64_t t3 = fx_mono_us();
        bare[i] = (double)(t1 - t0) / 1000.0;
        gaps[i] = (double)(t2 - t1) / 1000.0;
        full[i] = (double)(t3 - t2) / 1000.0;
    }
    printf("reference rows: %ld\n", rows);
    double med_bare, med_full;
    report("bare SELECT of the shifts", bare, runs);
    med_bare = bare[runs / 2];
    report("roster_check, gaps only", gaps, runs);
    report("roster_check, all three checks", full, runs);
    med_full = full[runs / 2];
    printf("ratio (all checks / bare SELECT): %.2f\n", med_full / med_bare);
    FILE *la = fopen("/proc/loadavg", "r");
    char load[64] = "";
    if (la && fgets(load, sizeof load, la))
        printf("load average: %s", load);
    if (la)
        fclose(la);
    db_reader_release(d);
    db_close(d);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    free(full), free(gaps), free(bare), free(post_ids), free(member_ids);
    return system(cmd) == 0 ? 0 : 1;
}
