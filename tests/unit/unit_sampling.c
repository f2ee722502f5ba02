/* Unit tests: the public site status, pooling policy, and the sampling rules
 * (capacity, the seal-time rule, duplicates) on a temp database. */
#include "core/area.h"
#include "core/person.h"
#include "core/round.h"
#include "core/sampling.h"
#include "core/site.h"
#include "db/db.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static site_status_out status_of(const char *st, int local_min, int queue, long recent, int tables)
{
    site_status_in in = {.status = st, .opens_min = 420, .closes_min = 1260, .local_min = local_min,
                         .queue_len = queue, .recent = recent, .tables = tables};
    return site_public_status(&in);
}

static void public_status_thresholds(void)
{
    /* 15 registrations in 15 minutes = 1 a minute: the queue is the wait */
    CHECK_EQ_INT(status_of("open", 600, 0, 15, 1).status, SITE_CLEAR);
    CHECK_EQ_INT(status_of("open", 600, 24, 15, 1).status, SITE_CLEAR);
    CHECK_EQ_INT(status_of("open", 600, 24, 15, 1).wait_min, 24);
    CHECK_EQ_INT(status_of("open", 600, 25, 15, 1).status, SITE_BUSY);
    CHECK_EQ_INT(status_of("open", 600, 49, 15, 1).status, SITE_BUSY);
    CHECK_EQ_INT(status_of("open", 600, 50, 15, 1).status, SITE_CONGESTED);
    /* a faster site clears the same queue sooner: 60 in 15 min = 4 a minute */
    CHECK_EQ_INT(status_of("open", 600, 100, 60, 1).wait_min, 25);
    /* no recent sample: the tables' best rate (200 an hour each) */
    CHECK_EQ_INT(status_of("open", 600, 100, 0, 3).wait_min, 10);
    /* too few to judge the pace (a site just opened): the tables' rate, not a day's wait */
    CHECK_EQ_INT(status_of("open", 600, 120, 1, 2).wait_min, 18);
    CHECK_EQ_INT(status_of("open", 600, 120, 1, 2).status, SITE_CLEAR);
    /* resting: closed, paused, or outside opening hours */
    CHECK_EQ_INT(status_of("paused", 600, 100, 15, 1).status, SITE_RESTING);
    CHECK_EQ_INT(status_of("closed", 600, 0, 15, 1).status, SITE_RESTING);
    CHECK_EQ_INT(status_of("open", 419, 100, 15, 1).status, SITE_RESTING);
    CHECK_EQ_INT(status_of("open", 1260, 100, 15, 1).status, SITE_RESTING);
    CHECK_EQ_INT(status_of("open", 1260, 100, 15, 1).wait_min, 0);
    CHECK_STR(site_public_name(SITE_CONGESTED), "congested");
}

static void pool_policy_rules(void)
{
    CHECK(round_pool_valid(1) && round_pool_valid(5) && round_pool_valid(10) && round_pool_valid(20));
    CHECK(!round_pool_valid(0) && !round_pool_valid(3) && !round_pool_valid(21));
    CHECK_EQ_INT(round_risk_rank("sealed"), RISK_SEALED);
    CHECK_EQ_INT(round_risk_rank("none"), RISK_NONE);
    CHECK_EQ_INT(round_risk_rank("high"), -1);
    char up[FX_AREA_PATH_MAX];
    round_path_upper("/1/2/", up);
    CHECK_STR(up, "/1/20");
    CHECK(exempt_reason_valid("infant") && !exempt_reason_valid("busy"));
}

/* ---- the rules on a store ---- */
static db *store;
static int64_t round_id, site_id;

struct setup {
    int rc;
    fx_err err;
};

static int setup_job(db_conn *c, void *arg)
{
    struct setup *s = arg;
    actor cli = ACTOR_CLI;
    area a;
    const area_input areas[] = {{.code = "D", .name = "区", .kind = "district"},
                                {.code = "D-U", .name = "单元", .kind = "unit", .parent = "D"}};
    for (int i = 0; i < 2; i++)
        if ((s->rc = area_create(c, &cli, &areas[i], &a, &s->err)))
            return s->rc;
    const char *ids[] = {"11010519491231002X", "440524198001010013", "410184196503121231"};
    for (int i = 0; i < 3; i++) {
        person_input in = PERSON_INPUT_NONE;
        in.name = "张三";
        in.id_number = ids[i];
        in.area = "D-U";
        in.room = "101";
        person p;
        if ((s->rc = person_create(c, &cli, &in, &p, &s->err)))
            return s->rc;
    }
    const char *codes[] = {"D"};
    round_input ri = {.name = "R", .areas = codes, .nareas = 1, .start_at = 1000, .deadline = 100000};
    fx_round r;
    if ((s->rc = round_create(c, &cli, &ri, &r, &s->err)))
        return s->rc;
    round_id = r.id;
    site_input si = SITE_INPUT_NONE;
    si.name = "S";
    si.area = "D-U";
    site st;
    if ((s->rc = site_create(c, &cli, &si, &st, &s->err)))
        return s->rc;
    site_id = st.id;
    return 0;
}

struct apply {
    sampling_event *ev;
    size_t n;
    sampling_summary sum;
};

static int apply_job(db_conn *c, void *arg)
{
    struct apply *a = arg;
    actor cli = ACTOR_CLI;
    return sampling_apply(c, &cli, a->ev, a->n, &a->sum);
}

static sampling_event ev_open(const char *id, const char *tube, int pool, int64_t at)
{
    return (sampling_event){.id = id, .type = SEV_TUBE_OPEN, .round_id = round_id, .site_id = site_id, .tube = tube,
                            .pool_size = pool, .at = at};
}
static sampling_event ev_sample(const char *id, const char *tube, const char *idn, int64_t at)
{
    return (sampling_event){.id = id, .type = SEV_SAMPLE, .tube = tube, .id_number = idn, .at = at};
}
static sampling_event ev_seal(const char *id, const char *tube, int64_t at)
{
    return (sampling_event){.id = id, .type = SEV_TUBE_SEAL, .tube = tube, .at = at};
}

static void capacity_and_seal_time(void)
{
    sampling_event ev[] = {
        ev_open("o1", "T1", 1, 2000),
        ev_sample("s1", "T1", "11010519491231002X", 2010),
        ev_sample("s2", "T1", "440524198001010013", 2020), /* a single tube is full after one */
        ev_open("o2", "T2", 5, 2000),
        ev_seal("c2", "T2", 2100),
        ev_sample("s3", "T2", "440524198001010013", 2090),  /* before the seal, synced after: kept */
        ev_sample("s4", "T2", "410184196503121231", 2101),  /* one second after the seal */
        ev_seal("c2b", "T2", 2200),                         /* sealed twice */
        ev_seal("c1", "T1", 2000),                          /* before the sample it holds */
        ev_sample("s5", "T2", "410184196503121230", 2050),  /* bad check digit */
        ev_open("o3", "T3", 5, 200000),                     /* after the deadline */
    };
    size_t n = sizeof ev / sizeof *ev;
    struct apply a = {ev, n, {0}};
    CHECK_EQ_INT(db_write(store, apply_job, &a), 0);
    const char *want[] = {NULL, NULL, "over_capacity", NULL, NULL, NULL, "sampled_after_seal", "tube_already_sealed",
                          "seal_before_samples", "invalid_id_number", "outside_round"};
    for (size_t i = 0; i < n; i++) {
        if (want[i])
            CHECKF(ev[i].status == SEV_REJECTED && strcmp(ev[i].err_code, want[i]) == 0, "event %zu: %d %s", i,
                   ev[i].status, ev[i].err_code);
        else
            CHECKF(ev[i].status == SEV_OK, "event %zu: %d %s %s", i, ev[i].status, ev[i].err_code, ev[i].err_msg);
    }
    CHECK_EQ_INT(a.sum.samples, 2);
    /* the same events again: all duplicate, nothing added */
    for (size_t i = 0; i < n; i++)
        ev[i].status = SEV_OK, ev[i].warnings = 0;
    struct apply b = {ev, n, {0}};
    CHECK_EQ_INT(db_write(store, apply_job, &b), 0);
    CHECK_EQ_INT(b.sum.duplicate, (long)n);
    CHECK_EQ_INT(b.sum.samples, 0);
    db_conn *c = db_reader(store);
    coverage_row cv;
    area d;
    CHECK_EQ_INT(area_get(c, "D", &d), DB_ROW);
    CHECK_EQ_INT(coverage_get(c, round_id, d.id, &cv), DB_ROW);
    CHECK_EQ_INT(cv.in_scope, 3);
    CHECK_EQ_INT(cv.sampled, 2);
}

int main(void)
{
    th_init();
    RUN(public_status_thresholds);
    RUN(pool_policy_rules);
    unitstore us;
    struct setup s = {0};
    store = unitstore_open(&us, "sampling", setup_job, &s);
    if (!store) {
        fprintf(stderr, "setup: %s\n", s.err.msg);
        return 1;
    }
    RUN(capacity_and_seal_time);
    unitstore_close(&us);
    return th_done("unit_sampling");
}
