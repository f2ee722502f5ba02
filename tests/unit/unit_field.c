/* Unit tests: every arrival decision rule (and their order and configurability), risk-area
 * name matching, work-order transitions and the overdue flag as pure functions; work-order
 * routing by ID number, by address prefix and to triage on a real store. */
#include "core/area.h"
#include "core/checkpoint.h"
#include "core/person.h"
#include "core/workorder.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const arrival_rules preset = {.version = 1, .fever = 37.3, .lookback_days = 14, .on_fever = ARR_REFER,
                                     .on_red = ARR_REFER, .on_high = ARR_HOME_ISOLATION,
                                     .on_yellow = ARR_HOME_MONITORING, .on_medium = ARR_HOME_MONITORING};

static arrival_verdict decide(const char *code, double temp, int risk)
{
    arrival_facts f = {.health_code = code, .has_temperature = temp > 0, .temperature = temp, .worst_risk = risk};
    return arrival_decide(&preset, &f);
}

static void every_arrival_rule(void)
{
    struct {
        const char *code;
        double temp;
        int risk, decision;
        const char *rule;
    } cases[] = {
        {"green", 36.5, RISK_NONE, ARR_PASS, "none"},
        {"green", 0, RISK_LOW, ARR_PASS, "none"},                    /* low risk, no temperature taken */
        {"green", 37.3, RISK_NONE, ARR_REFER, "fever"},              /* the threshold itself is a fever */
        {"green", 37.2, RISK_NONE, ARR_PASS, "none"},
        {"red", 36.5, RISK_NONE, ARR_REFER, "red_code"},
        {"green", 36.5, RISK_HIGH, ARR_HOME_ISOLATION, "high_risk_area"},
        {"yellow", 36.5, RISK_NONE, ARR_HOME_MONITORING, "yellow_code"},
        {"green", 36.5, RISK_MEDIUM, ARR_HOME_MONITORING, "medium_risk_area"},
        /* the order: fever before red, red before high risk, high risk before yellow, yellow before medium */
        {"red", 38.0, RISK_HIGH, ARR_REFER, "fever"},
        {"red", 36.5, RISK_HIGH, ARR_REFER, "red_code"},
        {"yellow", 36.5, RISK_HIGH, ARR_HOME_ISOLATION, "high_risk_area"},
        {"yellow", 36.5, RISK_MEDIUM, ARR_HOME_MONITORING, "yellow_code"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        arrival_verdict v = decide(cases[i].code, cases[i].temp, cases[i].risk);
        CHECKF(v.decision == cases[i].decision && strcmp(v.rule, cases[i].rule) == 0, "case %zu: %s/%s", i,
               arrival_decision_name(v.decision), v.rule);
    }
    /* the rules are data: another version decides otherwise */
    arrival_rules strict = preset;
    strict.on_yellow = ARR_HOME_ISOLATION;
    strict.fever = 37.0;
    arrival_facts f = {.health_code = "yellow"};
    CHECK_EQ_INT(arrival_decide(&strict, &f).decision, ARR_HOME_ISOLATION);
    f = (arrival_facts){.health_code = "green", .has_temperature = true, .temperature = 37.1};
    CHECK_EQ_INT(arrival_decide(&strict, &f).decision, ARR_REFER);
    CHECK_EQ_INT(arrival_decision_parse("home_isolation"), ARR_HOME_ISOLATION);
    CHECK_EQ_INT(arrival_decision_parse("isolate"), -1);
}

static void risk_names_match_by_prefix(void)
{
    CHECK(risk_name_match("上海", "上海市浦东新区"));
    CHECK(risk_name_match("上海市浦东新区张江镇", "上海市浦东新区"));
    CHECK(!risk_name_match("上饶市", "上海市"));
    CHECK(!risk_name_match("", "上海市"));
}

static void work_order_transitions(void)
{
    CHECK_EQ_INT(wo_next_allowed(WO_NEW), 1u << WO_ACCEPTED | 1u << WO_RETURNED);
    CHECK_EQ_INT(wo_next_allowed(WO_ACCEPTED), 1u << WO_IN_PROGRESS | 1u << WO_RETURNED);
    CHECK_EQ_INT(wo_next_allowed(WO_IN_PROGRESS), 1u << WO_DONE | 1u << WO_RETURNED);
    CHECK_EQ_INT(wo_next_allowed(WO_DONE), 0);
    CHECK_EQ_INT(wo_next_allowed(WO_RETURNED), 0);
    char t[80];
    wo_allowed_text(WO_NEW, t, sizeof t);
    CHECK_STR(t, "accepted or returned");
    wo_allowed_text(WO_DONE, t, sizeof t);
    CHECK_STR(t, "none (done is final)");
    CHECK(wo_overdue(WO_IN_PROGRESS, 1000, 1001));
    CHECK(!wo_overdue(WO_IN_PROGRESS, 1000, 1000));
    CHECK(!wo_overdue(WO_DONE, 1000, 5000));
    CHECK(!wo_overdue(WO_RETURNED, 1000, 5000));
    CHECK_EQ_INT(wo_status_parse("in_progress"), WO_IN_PROGRESS);
    CHECK_EQ_INT(wo_status_parse("closed"), -1);
}

/* ---- routing on a store ---- */

static db *store;

static int fill(db_conn *c, void *arg)
{
    (void)arg;
    actor cli = ACTOR_CLI;
    fx_err e;
    static const char *const a[][4] = {
        {"D", "区", "district", NULL},           {"S", "办事处", "subdistrict", "D"},
        {"W1", "第一工作站", "workstation", "S"}, {"W2", "第二工作站", "workstation", "S"},
        {"C1", "鑫荣公寓", "compound", "W1"},     {"C2", "港城公寓", "compound", "W2"},
        {"X", "无站小区", "compound", "S"},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        area out;
        area_input in = {.code = a[i][0], .name = a[i][1], .kind = a[i][2], .parent = a[i][3]};
        if (area_create(c, &cli, &in, &out, &e))
            return -1;
    }
    static const char *const p[][4] = {{"甲", "410184198503030013", "C1", "101"},
                                       {"乙", "410184198503030021", "C2", "202"},
                                       {"丙", "41018419850303003X", "X", "1"}};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++) {
        person out;
        person_input in = PERSON_INPUT_NONE;
        in.name = p[i][0];
        in.id_number = p[i][1];
        in.area = p[i][2];
        in.room = p[i][3];
        if (person_create(c, &cli, &in, &out, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            return -1;
        }
    }
    return 0;
}

static void routing(void)
{
    db_conn *c = db_reader(store);
    wo_route_result r;
    CHECK_EQ_INT(wo_route(c, "410184198503030013", NULL, NULL, &r), 0);
    CHECK_STR(r.routing, "person");
    CHECK_STR(r.area_code, "W1");
    /* the ID number wins over an address elsewhere */
    CHECK_EQ_INT(wo_route(c, "410184198503030021", "鑫荣公寓", NULL, &r), 0);
    CHECK_STR(r.area_code, "W2");
    /* unknown person: the address decides */
    CHECK_EQ_INT(wo_route(c, "110101199003070011", "鑫荣公寓101", NULL, &r), 0);
    CHECK_STR(r.routing, "address");
    CHECK_STR(r.area_code, "W1");
    CHECK_EQ_INT(wo_route(c, NULL, "港城 公寓", NULL, &r), 0);
    CHECK_STR(r.area_code, "W2");
    /* a person or address under no workstation, an unknown address, a prefix over two
     * workstations, a person outside the pushing partner's area: triage */
    CHECK_EQ_INT(wo_route(c, "41018419850303003X", "无站小区", NULL, &r), 0);
    CHECK_STR(r.routing, "triage");
    CHECK_EQ_INT(r.area_id, 0);
    CHECK_EQ_INT(wo_route(c, NULL, "不存在路", NULL, &r), 0);
    CHECK_STR(r.routing, "triage");
    area w2;
    CHECK_EQ_INT(area_get(c, "W2", &w2), DB_ROW);
    CHECK_EQ_INT(wo_route(c, "410184198503030013", NULL, w2.path, &r), 0);
    CHECK_STR(r.routing, "triage");
}

int main(void)
{
    th_init();
    unitstore us;
    store = unitstore_open(&us, "field", fill, NULL);
    if (!store)
        return 1;
    RUN(every_arrival_rule);
    RUN(risk_names_match_by_prefix);
    RUN(work_order_transitions);
    RUN(routing);
    unitstore_close(&us);
    return th_done("unit_field");
}
