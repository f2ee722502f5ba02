/* Unit tests of disinfection on a real store: a place becomes overdue one interval after
 * its last treatment (or its start), a treatment logged late for an earlier time never moves
 * the due time back, the overdue list is most overdue first and leaves out stopped
 * schedules, and bad input names the field. */
#include "core/area.h"
#include "core/disinfect.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600

static db *store;
static int64_t s_daily, s_hourly;

struct job {
    int (*fn)(db_conn *c, struct job *j);
    disinfect_input in;
    treatment_input tr;
    int64_t id;
    int active, rc;
    disinfect_schedule out;
    disinfect_treatment t;
    fx_err err;
};

static int run_fn(db_conn *c, void *arg)
{
    struct job *j = arg;
    j->rc = j->fn(c, j);
    return j->rc;
}

static int run(struct job *j)
{
    db_write(store, run_fn, j);
    return j->rc;
}

static int create_fn(db_conn *c, struct job *j)
{
    actor cli = ACTOR_CLI;
    return disinfect_schedule_create(c, &cli, &j->in, &j->out, &j->err);
}

static int treat_fn(db_conn *c, struct job *j)
{
    actor cli = ACTOR_CLI;
    return disinfect_treat(c, &cli, &j->tr, &j->t, &j->err);
}

static int stop_fn(db_conn *c, struct job *j)
{
    actor cli = ACTOR_CLI;
    return disinfect_schedule_update(c, &cli, j->id, 0, NULL, j->active, &j->out, &j->err);
}

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e;
    static const char *const a[][4] = {
        {"D", "区", "district", NULL}, {"S", "办事处", "subdistrict", "D"}, {"C1", "一号院", "compound", "S"},
        {"C2", "二号院", "compound", "S"},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        area out;
        area_input in = {.code = a[i][0], .name = a[i][1], .kind = a[i][2], .parent = a[i][3]};
        if (area_create(c, &cli, &in, &out, &e))
            return -1;
    }
    return 0;
}

static int overdue_ids(int64_t now, int64_t *ids, int max)
{
    disinfect_schedule rows[8];
    int n = disinfect_schedule_list(db_reader(store), NULL, true, now, 0, rows, max < 8 ? max : 8);
    for (int i = 0; i < n; i++)
        ids[i] = rows[i].id;
    return n;
}

static void bad_input_names_the_field(void)
{
    struct job j = {.fn = create_fn, .in = {.kind = "street", .area = "C1", .interval_s = 24 * HOUR, .agent = "含氯"}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECK_STR(j.err.code, "invalid_kind");
    j = (struct job){.fn = create_fn, .in = {.kind = "area", .area = "C1", .interval_s = 60, .agent = "含氯"}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECKF(strncmp(j.err.msg, "interval_h:", 11) == 0, "%s", j.err.msg);
    j = (struct job){.fn = create_fn, .in = {.kind = "area", .area = "C9", .interval_s = 24 * HOUR, .agent = "含氯"}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECK_STR(j.err.code, "area_not_found");
    j = (struct job){.fn = create_fn, .in = {.kind = "home", .interval_s = 24 * HOUR, .agent = "含氯"}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECK_STR(j.err.code, "missing_household");
}

static void due_after_each_treatment(void)
{
    int64_t t0 = fx_now();
    struct job j = {.fn = create_fn, .in = {.kind = "area", .area = "C1", .interval_s = 24 * HOUR, .agent = "含氯消毒剂"}};
    CHECK_EQ_INT(run(&j), 0);
    s_daily = j.out.id;
    CHECK_STR(j.out.place, "一号院");
    CHECK(j.out.due_at >= t0 + 24 * HOUR && j.out.due_at <= t0 + 24 * HOUR + 5);
    j = (struct job){.fn = create_fn, .in = {.kind = "area", .area = "C2", .interval_s = HOUR, .agent = "过氧乙酸"}};
    CHECK_EQ_INT(run(&j), 0);
    s_hourly = j.out.id;
    /* treated an hour ago: due in 23 h */
    j = (struct job){.fn = treat_fn, .tr = {.schedule_id = s_daily, .team = "消杀队", .at = t0 - HOUR}};
    CHECK_EQ_INT(run(&j), 0);
    CHECK_STR(j.t.agent, "含氯消毒剂");
    disinfect_schedule d;
    CHECK_EQ_INT(disinfect_schedule_get(db_reader(store), s_daily, &d), DB_ROW);
    CHECK_EQ_INT(d.last_at, t0 - HOUR);
    CHECK_EQ_INT(d.due_at, t0 + 23 * HOUR);
    /* logged late, for five hours ago: the due time stays */
    j = (struct job){.fn = treat_fn, .tr = {.schedule_id = s_daily, .team = "消杀队", .at = t0 - 5 * HOUR}};
    CHECK_EQ_INT(run(&j), 0);
    CHECK_EQ_INT(disinfect_schedule_get(db_reader(store), s_daily, &d), DB_ROW);
    CHECK_EQ_INT(d.due_at, t0 + 23 * HOUR);
    /* no team, or a time to come, is refused */
    j = (struct job){.fn = treat_fn, .tr = {.schedule_id = s_daily}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECK_STR(j.err.code, "missing_team");
    j = (struct job){.fn = treat_fn, .tr = {.schedule_id = s_daily, .team = "消杀队", .at = t0 + HOUR}};
    CHECK_EQ_INT(run(&j), FX_EINVAL);
    CHECK_STR(j.err.code, "invalid_at");
    disinfect_treatment log[4];
    CHECK_EQ_INT(disinfect_treatment_list(db_reader(store), NULL, s_daily, 0, log, 4), 2);
}

static void overdue_as_time_passes(void)
{
    int64_t t0 = fx_now(), ids[8];
    CHECK_EQ_INT(overdue_ids(t0, ids, 8), 0);
    /* two hours on: the hourly place, not the daily one */
    CHECK_EQ_INT(overdue_ids(t0 + 2 * HOUR, ids, 8), 1);
    CHECK_EQ_INT(ids[0], s_hourly);
    CHECK_EQ_INT(disinfect_overdue_count(db_reader(store), NULL, t0 + 2 * HOUR), 1);
    /* a day on: both, the hourly one (due longer ago) first */
    CHECK_EQ_INT(overdue_ids(t0 + 24 * HOUR, ids, 8), 2);
    CHECK_EQ_INT(ids[0], s_hourly);
    CHECK_EQ_INT(ids[1], s_daily);
    /* a stopped schedule is never overdue */
    struct job j = {.fn = stop_fn, .id = s_hourly, .active = 0};
    CHECK_EQ_INT(run(&j), 0);
    CHECK_EQ_INT(overdue_ids(t0 + 24 * HOUR, ids, 8), 1);
    CHECK_EQ_INT(ids[0], s_daily);
    /* scope: another area's list holds neither */
    area c2;
    CHECK_EQ_INT(area_get(db_reader(store), "C2", &c2), DB_ROW);
    disinfect_schedule rows[4];
    CHECK_EQ_INT(disinfect_schedule_list(db_reader(store), c2.path, true, t0 + 24 * HOUR, 0, rows, 4), 0);
}

int main(void)
{
    th_init();
    unitstore us;
    store = unitstore_open(&us, "disinf", fill, NULL);
    if (!store)
        return 1;
    RUN(bad_input_names_the_field);
    RUN(due_after_each_treatment);
    RUN(overdue_as_time_passes);
    unitstore_close(&us);
    return th_done("unit_disinfect");
}
