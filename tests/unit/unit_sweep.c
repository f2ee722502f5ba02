/* Unit tests of door-to-door sweeps on a real store: the even split in walking order
 * (contiguous runs, sizes within one, building by building), a sweep whose progress adds
 * up (the counters kept by each visit equal a recount of the teams' lists, done +
 * remaining = households per team and in total, revisits counted, a household revisited
 * after nobody_home moves to done, a late-synced older visit changes nothing), and a
 * re-split that moves only the doors nobody has knocked at. */
#include "core/account.h"
#include "core/area.h"
#include "core/person.h"
#include "core/sweep.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static db *store;
static int64_t campaign, teams[4];

/* 21 households: building 1 unit 1 (7), unit 2 (6), building 2 unit 1 (8). */
static const struct {
    const char *unit;
    int n;
} units[] = {{"B1-U1", 7}, {"B1-U2", 6}, {"B2-U1", 8}};

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e;
    static const char *const a[][4] = {
        {"D", "区", "district", NULL},        {"S", "办事处", "subdistrict", "D"}, {"C", "小区", "compound", "S"},
        {"B1", "1号楼", "building", "C"},     {"B1-U1", "1单元", "unit", "B1"},    {"B1-U2", "2单元", "unit", "B1"},
        {"B2", "2号楼", "building", "C"},     {"B2-U1", "1单元", "unit", "B2"},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        area out;
        area_input in = {.code = a[i][0], .name = a[i][1], .kind = a[i][2], .parent = a[i][3]};
        if (area_create(c, &cli, &in, &out, &e))
            return -1;
    }
    user leader;
    user_input ui = {.username = "leader", .display_name = "组长", .role = "staff", .area = "C",
                     .password_hash = "x", .disabled = 0, .counsellor = 0};
    if (user_create(c, &cli, &ui, &leader, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    int seq = 0;
    for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        for (int r = units[u].n; r >= 1; r--) { /* made in reverse: the walk orders by room, not by age */
            char name[32], room[8];
            snprintf(name, sizeof name, "住户%d", ++seq);
            snprintf(room, sizeof room, "%d", 100 + r);
            person out;
            person_input in = PERSON_INPUT_NONE;
            in.name = name;
            in.area = units[u].unit;
            in.room = room;
            in.id_type = "other";
            char idn[16];
            snprintf(idn, sizeof idn, "X%06d", seq);
            in.id_number = idn;
            if (person_create(c, &cli, &in, &out, &e)) {
                fprintf(stderr, "%s\n", e.msg);
                return -1;
            }
        }
    sweep_qset q = {.name = "排查", .n = 1};
    snprintf(q.q[0].key, sizeof q.q[0].key, "home");
    snprintf(q.q[0].label, sizeof q.q[0].label, "在家人数");
    q.q[0].type = SQ_NUMBER;
    sweep_qset out;
    sweep_campaign k;
    if (sweep_qset_create(c, &cli, &q, &out, &e) || sweep_create(c, &cli, "全小区排查", "C", out.id, &k, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    campaign = k.id;
    return 0;
}

static void split_sizes(void)
{
    int s[5];
    sweep_split_sizes(21, 4, s);
    CHECK(s[0] == 6 && s[1] == 5 && s[2] == 5 && s[3] == 5);
    sweep_split_sizes(3, 5, s);
    CHECK(s[0] == 1 && s[1] == 1 && s[2] == 1 && s[3] == 0 && s[4] == 0);
    sweep_split_sizes(0, 2, s);
    CHECK(s[0] == 0 && s[1] == 0);
}

struct split_job {
    const sweep_team_input *t;
    int n;
    fx_err e;
};

static int split_fn(db_conn *c, void *arg)
{
    struct split_job *j = arg;
    actor cli = ACTOR_CLI;
    return sweep_split(c, &cli, campaign, j->t, j->n, &j->e);
}

static int team_list(int64_t team, sweep_household *out)
{
    return sweep_team_households(db_reader(store), team, 0, out, 100);
}

static void even_split_in_walking_order(void)
{
    sweep_team_input t[4] = {{.name = "一组", .leader = "leader"}, {.name = "二组", .leader = "leader"},
                             {.name = "三组", .leader = "leader"}, {.name = "四组", .leader = "leader"}};
    struct split_job j = {t, 4, {0}};
    CHECKF(db_write(store, split_fn, &j) == 0, "split: %s", j.e.msg);
    sweep_team got[4];
    CHECK_EQ_INT(sweep_teams(db_reader(store), campaign, 0, got, 4), 4);
    int last_seq = 0, total = 0;
    char prev_area[65] = "";
    for (int i = 0; i < 4; i++) {
        teams[i] = got[i].id;
        sweep_household h[100];
        int n = team_list(got[i].id, h);
        CHECKF(n == (i == 0 ? 6 : 5), "team %d walks %d doors", i, n);
        CHECK_EQ_INT(got[i].p.households, n);
        total += n;
        for (int k = 0; k < n; k++) {
            /* contiguous: each team's doors follow the last team's, with no gap in the walk */
            CHECKF(h[k].seq == last_seq + 1, "team %d door %d: seq %d after %d", i, k, h[k].seq, last_seq);
            last_seq = h[k].seq;
            /* building by building, unit by unit, room by room */
            CHECKF(strcmp(h[k].area_code, prev_area) >= 0, "%s after %s", h[k].area_code, prev_area);
            if (k && strcmp(h[k].area_code, h[k - 1].area_code) == 0)
                CHECKF(strcmp(h[k].room, h[k - 1].room) > 0, "room %s after %s", h[k].room, h[k - 1].room);
            snprintf(prev_area, sizeof prev_area, "%s", h[k].area_code);
        }
    }
    CHECK_EQ_INT(total, 21);
}

struct visit_job {
    const char *id;
    int64_t team, household, at;
    int outcome;
    fx_err e;
};

static int visit_fn(db_conn *c, void *arg)
{
    struct visit_job *j = arg;
    actor cli = ACTOR_CLI;
    sweep_answer a = {.key = "home", .kind = SA_NUMBER, .number = 2};
    sweep_visit_input in = {.client_id = j->id, .body_hash = j->id, .team_id = j->team, .household_id = j->household,
                            .outcome = j->outcome, .answers = &a, .nanswers = j->outcome == SO_VISITED, .at = j->at};
    sweep_visit out;
    return sweep_visit_record(c, &cli, &in, &out, &j->e);
}

static void visit(const char *id, int team, int door, int outcome, int64_t at)
{
    sweep_household h[100];
    CHECK(team_list(teams[team], h) > door);
    struct visit_job j = {id, teams[team], h[door].household_id, at, outcome, {0}};
    CHECKF(db_write(store, visit_fn, &j) == 0, "visit %s: %s", id, j.e.msg);
}

/* The counters of every team and the campaign against a recount of the lists. */
static void adds_up(int want_done, int want_revisit)
{
    db_conn *c = db_reader(store);
    sweep_campaign k;
    CHECK_EQ_INT(sweep_get(c, campaign, &k), DB_ROW);
    sweep_team t[8];
    int nt = sweep_teams(c, campaign, 0, t, 8);
    sweep_progress sum = {0};
    for (int i = 0; i < nt; i++) {
        sweep_household h[100];
        int n = team_list(t[i].id, h), done = 0, revisit = 0, refused = 0, follow = 0, open = 0;
        for (int d = 0; d < n; d++) {
            done += !strcmp(h[d].outcome, "visited") || !strcmp(h[d].outcome, "refused") ||
                    !strcmp(h[d].outcome, "needs_follow_up");
            revisit += !strcmp(h[d].outcome, "nobody_home");
            refused += !strcmp(h[d].outcome, "refused");
            follow += !strcmp(h[d].outcome, "needs_follow_up");
            open += h[d].outcome[0] == '\0' || !strcmp(h[d].outcome, "nobody_home");
        }
        CHECKF(t[i].p.households == n && t[i].p.done == done && t[i].p.revisit == revisit &&
                   t[i].p.refused == refused && t[i].p.follow_up == follow,
               "team %s: counters %d/%d/%d, list %d/%d/%d", t[i].name, t[i].p.households, t[i].p.done, t[i].p.revisit,
               n, done, revisit);
        CHECKF(t[i].p.households - t[i].p.done == open, "team %s: remaining %d, open doors %d", t[i].name,
               t[i].p.households - t[i].p.done, open);
        sum.households += t[i].p.households;
        sum.done += t[i].p.done;
        sum.revisit += t[i].p.revisit;
    }
    CHECK_EQ_INT(k.p.households, 21);
    CHECK_EQ_INT(sum.households + k.unassigned, k.p.households);
    CHECK_EQ_INT(sum.done, k.p.done);
    CHECK_EQ_INT(sum.revisit, k.p.revisit);
    CHECK_EQ_INT(k.p.done, want_done);
    CHECK_EQ_INT(k.p.revisit, want_revisit);
}

static void progress_adds_up(void)
{
    adds_up(0, 0);
    const int64_t T = fx_now() - 86400; /* a day ago: visits come in with their own times */
    visit("u-1", 0, 0, SO_VISITED, T);
    visit("u-2", 0, 1, SO_NOBODY_HOME, T + 60);
    visit("u-3", 0, 2, SO_REFUSED, T + 120);
    visit("u-4", 1, 0, SO_FOLLOW_UP, T + 180);
    visit("u-5", 1, 1, SO_NOBODY_HOME, T + 240);
    visit("u-6", 3, 4, SO_VISITED, T + 300);
    adds_up(4, 2);
    visit("u-7", 0, 1, SO_NOBODY_HOME, T + 3600); /* knocked again, still nobody: one revisit, not two */
    adds_up(4, 2);
    visit("u-8", 0, 1, SO_VISITED, T + 7200); /* the third time someone opens: revisit → done */
    adds_up(5, 1);
    visit("u-9", 1, 0, SO_NOBODY_HOME, T); /* synced late, older than the follow-up: no change */
    adds_up(5, 1);
    visit("u-10", 1, 1, SO_REFUSED, T + 7200);
    adds_up(6, 0);
    visit("u-10", 1, 1, SO_REFUSED, T + 7200); /* the same visit again counts once */
    adds_up(6, 0);
}

static void resplit_moves_only_open_doors(void)
{
    sweep_household before[100];
    int nb = team_list(teams[0], before);
    sweep_team_input t[2] = {{.name = "二组", .leader = "leader"}, {.name = "五组", .leader = "leader"}};
    struct split_job j = {t, 2, {0}};
    CHECKF(db_write(store, split_fn, &j) == 0, "re-split: %s", j.e.msg);
    /* team 一组 keeps the three doors it knocked at; its three open ones move */
    sweep_household after[100];
    int na = team_list(teams[0], after);
    CHECK_EQ_INT(nb, 6);
    CHECK_EQ_INT(na, 3);
    for (int i = 0; i < na; i++)
        CHECK(after[i].outcome[0] != '\0');
    sweep_campaign k;
    CHECK_EQ_INT(sweep_get(db_reader(store), campaign, &k), DB_ROW);
    CHECK_EQ_INT(k.unassigned, 0);
    /* open doors: 21 - 6 knocked = 15, split 8 and 7 between 二组 and 五组 */
    sweep_team got[8];
    int n = sweep_teams(db_reader(store), campaign, 0, got, 8), open2 = -1, open5 = -1;
    for (int i = 0; i < n; i++) {
        sweep_household h[100];
        int m = team_list(got[i].id, h), open = 0;
        for (int d = 0; d < m; d++)
            open += h[d].visits == 0;
        if (!strcmp(got[i].name, "二组"))
            open2 = open;
        if (!strcmp(got[i].name, "五组"))
            open5 = open;
    }
    CHECK_EQ_INT(open2, 8);
    CHECK_EQ_INT(open5, 7);
    adds_up(6, 0);
}

int main(void)
{
    th_init();
    unitstore us;
    store = unitstore_open(&us, "sweep", fill, NULL);
    if (!store)
        return 1;
    RUN(split_sizes);
    RUN(even_split_in_walking_order);
    RUN(progress_adds_up);
    RUN(resplit_moves_only_open_doors);
    unitstore_close(&us);
    return th_done("unit_sweep");
}
