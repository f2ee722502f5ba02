/* Unit tests: isolation policy data (test days, case days) and the zone lifting rules
 * of both presets, as pure functions. */
#include "core/isolation.h"
#include "core/zone.h"
#include "lib/testhelp.h"
#include "util/fx_clock.h"

#include <string.h>

#define DAY 86400
#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */

static void test_days_are_checked(void)
{
    int d[ISO_TEST_DAYS_MAX];
    CHECK_EQ_INT(iso_test_days_parse("1,4,7", 7, d), 3);
    CHECK(d[0] == 1 && d[1] == 4 && d[2] == 7);
    CHECK_EQ_INT(iso_test_days_parse("7", 7, d), 1);
    CHECK_EQ_INT(iso_test_days_parse("1,4,9", 7, d), -1); /* past the policy's days */
    CHECK_EQ_INT(iso_test_days_parse("4,1", 7, d), -1);   /* not ascending */
    CHECK_EQ_INT(iso_test_days_parse("1,1", 7, d), -1);
    CHECK_EQ_INT(iso_test_days_parse("0,3", 7, d), -1);
    CHECK_EQ_INT(iso_test_days_parse("", 7, d), -1); /* at least one test */
    CHECK_EQ_INT(iso_test_days_parse("1,,4", 7, d), -1);
    CHECK_EQ_INT(iso_test_days_parse("1;4", 7, d), -1);
    CHECK(iso_type_valid("home_isolation") && iso_type_valid("central") && iso_type_valid("home_monitoring"));
    CHECK(!iso_type_valid("home") && !iso_type_valid(NULL));
    CHECK(iso_reason_valid("close_contact") && iso_reason_valid("red_code") && iso_reason_valid("positive_pool"));
    CHECK(!iso_reason_valid("contact"));
}

static void case_days_follow_the_local_date(void)
{
    fx_tz_set("Asia/Shanghai");
    int64_t day0 = iso_day0(T0);
    CHECK_EQ_INT(day0, T0 - 16 * 3600); /* local midnight, 8 h ahead of UTC */
    CHECK_EQ_INT(iso_day0(day0), day0);
    CHECK_EQ_INT(iso_day0(day0 - 1), day0 - DAY); /* 23:59:59 the evening before */
    CHECK_EQ_INT(iso_day_of(day0, T0), 1);
    CHECK_EQ_INT(iso_day_of(day0, day0 + DAY - 1), 1);
    CHECK_EQ_INT(iso_day_of(day0, day0 + DAY), 2);
    CHECK_EQ_INT(iso_day_of(day0, day0 + 6 * DAY + 3600), 7);
    CHECK_EQ_INT(iso_day_of(day0, day0 - 1), 0);
}

static void fourteen_day_rule(void)
{
    zone_stage st = {.step = 1, .quiet_days = 14, .negative_days = 2, .to_kind = "lifted"};
    int64_t from = T0;
    /* 13 days and 23 hours: too early, whatever the round says */
    CHECK_EQ_INT(zone_stage_unmet(&st, from + 14 * DAY - 3600, from, 500, 0), ZONE_UNMET_QUIET);
    /* 14 days, and a round of 500 samples all negative */
    CHECK_EQ_INT(zone_stage_unmet(&st, from + 14 * DAY, from, 500, 0), 0);
    /* no round at all within 2 days, or one sample not (yet) negative */
    CHECK_EQ_INT(zone_stage_unmet(&st, from + 14 * DAY, from, 0, 0), ZONE_UNMET_NEGATIVE_ROUND);
    CHECK_EQ_INT(zone_stage_unmet(&st, from + 14 * DAY, from, 500, 1), ZONE_UNMET_NEGATIVE_ROUND);
    CHECK_EQ_INT(zone_stage_unmet(&st, from + DAY, from, 0, 0), ZONE_UNMET_QUIET | ZONE_UNMET_NEGATIVE_ROUND);
    /* a new case on day 10 restarts the count: day 14 is day 4 of the new count */
    int64_t restarted = from + 10 * DAY;
    CHECK_EQ_INT(zone_stage_unmet(&st, from + 14 * DAY, restarted, 500, 0), ZONE_UNMET_QUIET);
    CHECK_EQ_INT(zone_stage_unmet(&st, restarted + 14 * DAY, restarted, 500, 0), 0);
}

static void seven_plus_three_rule(void)
{
    /* high → medium after 7 days and a negative round on day 7; → low after 3 more */
    zone_stage down = {.step = 1, .quiet_days = 7, .negative_days = 1, .to_kind = "controlled"};
    zone_stage lift = {.step = 2, .quiet_days = 10, .negative_days = 0, .to_kind = "lifted"};
    CHECK_EQ_INT(zone_stage_unmet(&down, T0 + 6 * DAY, T0, 300, 0), ZONE_UNMET_QUIET);
    CHECK_EQ_INT(zone_stage_unmet(&down, T0 + 7 * DAY, T0, 300, 0), 0);
    CHECK_EQ_INT(zone_stage_unmet(&down, T0 + 7 * DAY, T0, 0, 0), ZONE_UNMET_NEGATIVE_ROUND);
    CHECK_EQ_INT(zone_stage_unmet(&lift, T0 + 9 * DAY, T0, 0, 0), ZONE_UNMET_QUIET);
    CHECK_EQ_INT(zone_stage_unmet(&lift, T0 + 10 * DAY, T0, 0, 0), 0); /* no round needed for the last step */
}

int main(void)
{
    th_init();
    RUN(test_days_are_checked);
    RUN(case_days_follow_the_local_date);
    RUN(fourteen_day_rule);
    RUN(seven_plus_three_rule);
    return th_done("unit_isolation");
}
