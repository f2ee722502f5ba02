/* Unit tests: every roster check rule as a pure function — gaps at the start and end of
 * a day, shifts that touch (no gap), shifts and coverage windows across midnight, posts
 * needing two at once, one person on two posts overlapping by one minute, and the shift
 * limit (exactly equal is allowed) through roster_check on a real store. */
#include "core/area.h"
#include "core/person.h"
#include "core/roster.h"
#include "core/team.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-12-05 00:00 in Asia/Shanghai */
#define D0 1796400000LL
#define H(h) (D0 + (long long)((h) * 3600))

static rs_shift sh(double from_h, double to_h, int64_t user)
{
    static int idx;
    return (rs_shift){.start = H(from_h), .end = H(to_h), .user_id = user, .index = idx++};
}

static int gaps(const rs_cover *cv, rs_shift *s, int n, double from_h, double to_h, rs_gap *g)
{
    return roster_post_gaps(cv, s, n, H(from_h), H(to_h), g, 16);
}

static void day_start_is_local_midnight(void)
{
    CHECK_EQ_INT(roster_day_start(D0), D0);
    CHECK_EQ_INT(roster_day_start(D0 + 86399), D0);
    CHECK_EQ_INT(roster_day_start(D0 - 1), D0 - 86400);
}

static void gaps_in_words(void)
{
    char t[64];
    roster_span_text(H(3), H(7), t, sizeof t);
    CHECK_STR(t, "12-05 03:00–07:00");
    roster_span_text(H(22), H(24), t, sizeof t);
    CHECK_STR(t, "12-05 22:00–24:00");
    roster_span_text(H(22), H(26), t, sizeof t);
    CHECK_STR(t, "12-05 22:00–12-06 02:00");
    roster_span_text(H(27), H(72), t, sizeof t);
    CHECK_STR(t, "12-06 03:00–12-07 24:00");
}

static void gap_at_day_start_and_end(void)
{
    rs_cover all_day = {0, 1440, 1};
    rs_gap g[16];
    /* 02:00-08:00, 08:00-16:00, 16:00-22:00: uncovered 00:00-02:00 and 22:00-24:00 */
    rs_shift s[] = {sh(8, 16, 1), sh(2, 8, 2), sh(16, 22, 3)};
    int n = gaps(&all_day, s, 3, 0, 24, g);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(g[0].from, H(0));
    CHECK_EQ_INT(g[0].to, H(2));
    CHECK_EQ_INT(g[1].from, H(22));
    CHECK_EQ_INT(g[1].to, H(24));
    CHECK_EQ_INT(g[0].on_duty, 0);
    CHECK_EQ_INT(g[0].needed, 1);
    /* a hole in the middle: 03:00-07:00 uncovered */
    rs_shift t[] = {sh(0, 3, 1), sh(7, 24, 2)};
    n = gaps(&all_day, t, 2, 0, 24, g);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(g[0].from, H(3));
    CHECK_EQ_INT(g[0].to, H(7));
    /* nothing at all: the whole period is one gap, across days */
    n = gaps(&all_day, NULL, 0, 0, 48, g);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(g[0].to - g[0].from, 48 * 3600);
}

static void touching_shifts_are_no_gap(void)
{
    rs_cover all_day = {0, 1440, 1};
    rs_gap g[16];
    rs_shift s[] = {sh(0, 8, 1), sh(8, 16, 2), sh(16, 24, 3)};
    CHECK_EQ_INT(gaps(&all_day, s, 3, 0, 24, g), 0);
    /* one second apart is a gap of one second */
    rs_shift t[] = {sh(0, 8, 1), {.start = H(8) + 1, .end = H(24), .user_id = 2}};
    CHECK_EQ_INT(gaps(&all_day, t, 2, 0, 24, g), 1);
    CHECK_EQ_INT(g[0].to - g[0].from, 1);
}

static void midnight_crossing(void)
{
    rs_cover all_day = {0, 1440, 1};
    rs_gap g[16];
    /* a night shift 20:00-08:00 covers the end of one day and the start of the next */
    rs_shift s[] = {sh(8, 20, 1), sh(20, 32, 2), sh(32, 44, 3)};
    CHECK_EQ_INT(gaps(&all_day, s, 3, 8, 44, g), 0);
    /* a gap across midnight is one interval, not two */
    rs_shift t[] = {sh(0, 22, 1), sh(26, 48, 2)};
    int n = gaps(&all_day, t, 2, 0, 48, g);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(g[0].from, H(22));
    CHECK_EQ_INT(g[0].to, H(26));
    /* coverage needed 22:00-06:00 only (a night gate): a shift 22:00-05:00 leaves 05:00-06:00 */
    rs_cover night = {22 * 60, 6 * 60, 1};
    rs_shift u[] = {sh(22, 29, 1)};
    n = gaps(&night, u, 1, 12, 36, g);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(g[0].from, H(29));
    CHECK_EQ_INT(g[0].to, H(30));
    /* the night before the period counts for its part inside it: 00:00-06:00 of day 1 */
    n = gaps(&night, NULL, 0, 0, 12, g);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(g[0].from, H(0));
    CHECK_EQ_INT(g[0].to, H(6));
}

static void hours_of_day_and_persons_at_once(void)
{
    rs_cover day = {8 * 60, 18 * 60, 2}; /* a site table: two on duty, 08:00-18:00 */
    rs_gap g[16];
    rs_shift s[] = {sh(8, 18, 1), sh(8, 13, 2), sh(14, 18, 3)};
    int n = gaps(&day, s, 3, 0, 24, g);
    CHECK_EQ_INT(n, 1); /* 13:00-14:00 only one of two */
    CHECK_EQ_INT(g[0].from, H(13));
    CHECK_EQ_INT(g[0].to, H(14));
    CHECK_EQ_INT(g[0].on_duty, 1);
    CHECK_EQ_INT(g[0].needed, 2);
    /* outside the hours nothing is needed */
    rs_shift t[] = {sh(8, 18, 1), sh(8, 18, 2)};
    CHECK_EQ_INT(gaps(&day, t, 2, 0, 72, g), 2); /* the next two days have nobody */
    CHECK_EQ_INT(g[0].from, H(32));
    CHECK_EQ_INT(g[0].to, H(42));
}

static void one_person_on_two_posts(void)
{
    rs_overlap o[8];
    /* user 7 ends at 16:01 on one post and starts at 16:00 on another: one minute together */
    rs_shift s[] = {{.start = H(8), .end = H(16) + 60, .user_id = 7, .index = 0},
                    {.start = H(16), .end = H(24), .user_id = 7, .index = 1},
                    {.start = H(8), .end = H(16), .user_id = 8, .index = 2},
                    {.start = H(16), .end = H(24), .user_id = 8, .index = 3}, /* touching: no overlap */
                    {.start = H(10), .end = H(12), .person_id = 7, .index = 4}}; /* a person, not user 7 */
    int n = roster_overlaps(s, 5, o, 8);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(o[0].a, 0);
    CHECK_EQ_INT(o[0].b, 1);
    CHECK_EQ_INT(o[0].from, H(16));
    CHECK_EQ_INT(o[0].to, H(16) + 60);
    /* one long shift and two inside it: both found, each with its own overlap */
    rs_shift t[] = {{.start = H(0), .end = H(12), .user_id = 9, .index = 0},
                    {.start = H(2), .end = H(3), .user_id = 9, .index = 1},
                    {.start = H(5), .end = H(13), .user_id = 9, .index = 2}};
    n = roster_overlaps(t, 3, o, 8);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(o[1].a, 0);
    CHECK_EQ_INT(o[1].b, 2);
    CHECK_EQ_INT(o[1].to, H(12));
}

/* ---- on a store: the limit and the report ---- */

static db *store;
static int64_t post_id, member_a, member_b;

static int fail(const fx_err *e)
{
    fprintf(stderr, "fill: %s\n", e->msg);
    return -1;
}

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e = {0};
    area_input ai[] = {{.code = "R", .name = "R", .kind = "district"},
                       {.code = "R-S", .name = "S", .kind = "subdistrict", .parent = "R"}};
    area a;
    for (int i = 0; i < 2; i++)
        if (area_create(c, &cli, &ai[i], &a, &e))
            return fail(&e);
    team t;
    team_member m;
    if (team_create(c, &cli, "R-S", "值班队", "duty", NULL, &t, &e))
        return fail(&e);
    person_input pi = PERSON_INPUT_NONE;
    for (int i = 0; i < 2; i++) {
        char name[16], number[16];
        snprintf(name, sizeof name, "值班员%d", i);
        snprintf(number, sizeof number, "E1234567%d", i);
        pi.name = name, pi.area = "R-S", pi.address = "卡口", pi.id_type = "passport", pi.id_number = number;
        person p;
        if (person_create(c, &cli, &pi, &p, &e))
            return fail(&e);
        team_who w = {.person_id = p.id};
        if (member_add(c, &cli, t.id, &w, "volunteer", &m, &e))
            return fail(&e);
        *(i ? &member_b : &member_a) = m.id;
    }
    post_input in = {.area = "R-S", .name = "翟庄村卡口", .kind = "checkpoint", .team_id = t.id, .cover_to = 1440,
                     .persons = 1};
    post p;
    if (post_create(c, &cli, &in, &p, &e))
        return fail(&e);
    post_id = p.id;
    /* a: 08:00-20:00 (exactly 12 h), b: 20:00-08:30 (12.5 h), a again 08:00-09:00 next day: two posts at once? no,
     * the same post; b's 08:30 overlaps a's 08:00 start by 30 min but they are different people */
    shift_input s[] = {{post_id, member_a, H(8), H(20), NULL},
                       {post_id, member_b, H(20), H(32.5), NULL},
                       {post_id, member_a, H(32), H(44), NULL},
                       {post_id, member_a, H(43), H(45), "加班"}};
    int64_t ids[4];
    return shift_add(c, &cli, s, 4, ids, &e) ? fail(&e) : 0;
}

static int bad_batch(db_conn *c, void *arg)
{
    fx_err *e = arg;
    actor cli = ACTOR_CLI;
    shift_input s[] = {{post_id, member_a, H(50), H(52), NULL}, {post_id, member_a, H(60), H(59), NULL}};
    int64_t ids[2];
    return shift_add(c, &cli, s, 2, ids, e);
}

static int set_limit(db_conn *c, void *arg)
{
    fx_err e;
    actor cli = ACTOR_CLI;
    (void)arg;
    return roster_settings_put(c, &cli, "R", 13 * 60, 30, &e);
}

static void report_on_a_store(void)
{
    db_conn *c = db_reader(store);
    roster_report r;
    CHECK(roster_check(c, "/", 0, 0, H(8), H(44), false, &r) == 0);
    CHECK_EQ_INT(r.nposts, 1);
    CHECK_EQ_INT(r.nshifts, 4);
    CHECK_EQ_INT(r.ngaps, 0);
    /* 12 h exactly is allowed; 12.5 h is over the default limit */
    CHECK_EQ_INT(r.nlongs, 1);
    if (r.nlongs == 1) {
        CHECK_EQ_INT(r.shifts[r.longs[0]].ends_at - r.shifts[r.longs[0]].starts_at, 12.5 * 3600);
        CHECK_EQ_INT(r.long_limit[0], 720);
    }
    /* member a: 32-44 and 43-45 overlap an hour */
    CHECK_EQ_INT(r.noverlaps, 1);
    if (r.noverlaps == 1) {
        CHECK_EQ_INT(r.overlaps[0].from, H(43));
        CHECK_EQ_INT(r.overlaps[0].to, H(44));
        CHECK_STR(r.shifts[r.overlaps[0].b].note, "加班");
    }
    roster_report_free(&r);
    /* a longer period shows the gap after the last shift, to the exact second */
    CHECK(roster_check(c, "/", 0, 0, H(8), H(48), true, &r) == 0);
    CHECK_EQ_INT(r.ngaps, 1);
    if (r.ngaps == 1) {
        CHECK_EQ_INT(r.gaps[0].g.from, H(45));
        CHECK_EQ_INT(r.gaps[0].g.to, H(48));
    }
    CHECK_EQ_INT(r.nlongs, 0); /* gaps only */
    roster_report_free(&r);
    /* an area setting of 13 h makes the 12.5 h shift fine */
    CHECK(db_write(store, set_limit, NULL) == 0);
    CHECK(roster_check(c, "/", 0, 0, H(8), H(44), false, &r) == 0);
    CHECK_EQ_INT(r.nlongs, 0);
    roster_report_free(&r);
    roster_settings st;
    CHECK(roster_settings_for(c, "/nowhere/", &st) == 0);
    CHECK_EQ_INT(st.shift_limit_min, 720);
    CHECK_EQ_INT(st.lead_min, 60);
    /* a bad row in a batch stores none of it and names the row */
    fx_err e = {0};
    CHECK(db_write(store, bad_batch, &e) != 0);
    CHECK(strstr(e.msg, "shifts[1].end") != NULL);
    shift_query q = {.scope_path = "/", .from = H(0), .to = H(80)};
    shift rows[10];
    CHECK_EQ_INT(shift_list(c, &q, rows, 10), 4);
}

int main(void)
{
    th_init();
    fx_tz_set("Asia/Shanghai");
    RUN(day_start_is_local_midnight);
    RUN(gaps_in_words);
    RUN(gap_at_day_start_and_end);
    RUN(touching_shifts_are_no_gap);
    RUN(midnight_crossing);
    RUN(hours_of_day_and_persons_at_once);
    RUN(one_person_on_two_posts);
    unitstore us;
    store = unitstore_open(&us, "roster", fill, NULL);
    if (!store)
        return 1;
    RUN(report_on_a_store);
    if (unitstore_close(&us) != 0)
        return 1;
    return th_done("unit_roster");
}
