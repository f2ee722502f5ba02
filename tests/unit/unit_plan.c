/* Unit tests of the transport planner and its checker: what an officer would
 * notice in a plan (boxes late or on time, how many vehicles, runs per vehicle),
 * refusals that name the field to fix, and a checker that catches each kind of
 * broken plan. Every plan made here goes through the checker. */
#include "lib/testhelp.h"
#include "plan/plan.h"
#include "transport/transport.h"

#include <stdlib.h>
#include <string.h>

/* Two sites 10 minutes from the hub and 5 from each other; the direct road A-B is
 * long (10 km) while the hub roads are short (1 km). */
#define MATRIX                                                                                              \
    "\"matrix\":{\"ids\":[\"LAB\",\"A\",\"B\"],\"minutes\":[[0,10,10],[10,0,5],[10,5,0]],"                 \
    "\"km\":[[0,1,1],[1,0,10],[1,10,0]]}"

static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        fprintf(stderr, "    bad test JSON: %s\n", e.text);
    return j;
}

/* Parses and plans text; checks the plan with tp_check (0 violations expected). */
static json_t *plan_text(const char *text, uint64_t seed, long iterations)
{
    json_t *j = parse_json(text);
    tp_problem p;
    char err[400];
    int rc = tp_parse(j, NULL, &p, err, sizeof err);
    json_decref(j);
    CHECKF(rc == TP_OK, "problem refused: %s", err);
    if (rc)
        return NULL;
    plan_options o = {.seed = seed, .iterations = iterations, .seconds = 20};
    json_t *plan = tp_plan(&p, &o);
    CHECK(plan != NULL);
    json_t *v = json_array();
    int n = tp_check(&p, plan, v);
    CHECKF(n == 0, "the checker found %d violations, first: %s", n, json_string_value(json_array_get(v, 0)));
    json_decref(v);
    tp_free(&p);
    return plan;
}

static long long summary(const json_t *plan, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(plan, "summary"), key));
}

static void seed_scenario_on_time(void)
{
    FILE *f = fopen("../shared/benchmarks/transport/seed-20sites-7veh.json", "r");
    if (!f)
        f = fopen("/work/shared/benchmarks/transport/seed-20sites-7veh.json", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    json_error_t e;
    json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &e);
    fclose(f);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    json_t *plan = plan_text(text, 1, 3000);
    free(text);
    CHECK_EQ_INT(summary(plan, "boxes"), 124);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    CHECKF(summary(plan, "vehicles_used") <= 6, "%lld vehicles", summary(plan, "vehicles_used"));
    json_decref(plan);
}

/* One box at A and one at B sealed at 0, due 40 min later. Via the hub, the second
 * box is late; going A → B directly is on time with one vehicle but 12 km instead
 * of 4 km with two. Fewer vehicles outrank fewer km. */
static void vehicles_before_km(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":40,\"service_min\":3,"
                             "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0},"
                             "{\"id\":\"B\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}],"
                             "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":5},"
                             "{\"id\":\"V2\",\"start\":0,\"end\":600,\"capacity\":5}]," MATRIX "}",
                             7, 500);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    CHECK_EQ_INT(summary(plan, "vehicles_used"), 1);
    CHECK_EQ_INT(json_real_value(json_object_get(json_object_get(plan, "summary"), "km")), 12);
    json_decref(plan);
}

/* Capacity 1: one vehicle can carry only one box per run, so the second box is
 * late unless the second vehicle goes too. No late box outranks fewer vehicles. */
static void late_boxes_before_vehicles(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":25,\"service_min\":3,"
                             "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0},"
                             "{\"id\":\"B\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}],"
                             "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":1},"
                             "{\"id\":\"V2\",\"start\":0,\"end\":600,\"capacity\":1}]," MATRIX "}",
                             7, 500);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    CHECK_EQ_INT(summary(plan, "vehicles_used"), 2);
    json_decref(plan);
}

/* With one vehicle of capacity 1 the same problem cannot be met: it is still
 * planned, the late box and its lateness reported. */
static void infeasible_still_planned(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":25,\"service_min\":3,"
                             "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0},"
                             "{\"id\":\"B\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}],"
                             "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":1}]," MATRIX "}",
                             7, 500);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 1);
    /* first run back at 23, leaves after 3 min of service: the second box arrives at 26 + 23 = 49 */
    CHECK_EQ_INT(summary(plan, "max_late_min"), 49 - 25);
    CHECK_EQ_INT(json_array_size(json_object_get(plan, "runs")), 2);
    json_decref(plan);
}

/* One vehicle, a box every hour at A, 30 min to reach the lab: three runs, in order. */
static void multi_trip(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3,"
                             "\"sites\":[{\"id\":\"A\",\"first_seal\":60,\"every_min\":60,\"last_seal\":180}],"
                             "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":20}]," MATRIX "}",
                             3, 300);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    json_t *runs = json_object_get(plan, "runs");
    CHECK_EQ_INT(json_array_size(runs), 3);
    long long prev = -1;
    size_t i;
    json_t *run;
    json_array_foreach(runs, i, run)
    {
        CHECK_STR(json_string_value(json_object_get(run, "vehicle")), "V1");
        long long dep = json_integer_value(json_object_get(run, "depart"));
        CHECK(dep > prev);
        prev = dep;
    }
    json_decref(plan);
}

static void same_seed_same_plan(void)
{
    static const char problem[] = "{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":2,"
                                  "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":20,\"last_seal\":200},"
                                  "{\"id\":\"B\",\"first_seal\":5,\"every_min\":30,\"last_seal\":200,\"boxes_per_seal\":2}],"
                                  "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":3},"
                                  "{\"id\":\"V2\",\"start\":0,\"end\":600,\"capacity\":3}]," MATRIX "}";
    json_t *a = plan_text(problem, 42, 2000), *b = plan_text(problem, 42, 2000);
    json_object_del(a, "search"); /* holds the time taken */
    json_object_del(b, "search");
    char *sa = json_dumps(a, JSON_SORT_KEYS), *sb = json_dumps(b, JSON_SORT_KEYS);
    CHECK(sa && sb && strcmp(sa, sb) == 0);
    CHECK(strstr(sa, "\"B@5#1\"") != NULL); /* two boxes per seal: #0 and #1 */
    free(sa), free(sb);
    json_decref(a), json_decref(b);
}

/* The engine on a classic VRPTW: windows hold and capacity splits the routes. */
static void vrptw_core(void)
{
    /* depot 0 and four customers on a line at 10, 20, 30, 40 */
    double t[25];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            t[i * 5 + j] = 10.0 * abs(i - j);
    plan_request req[4];
    for (int r = 0; r < 4; r++)
        req[r] = (plan_request){.pickup = {r + 1, 5, 0, 100, 1}};
    req[3].pickup.early = 60; /* customer 4 may not be served before 60 */
    plan_vehicle veh[3] = {{0, 0, 200, 10}, {0, 0, 200, 10}, {0, 0, 200, 10}};
    plan_problem p = {.nloc = 5, .time = t, .dist = t, .nreq = 4, .req = req, .nveh = 3, .veh = veh};
    plan_options o = {.seed = 1, .iterations = 2000, .seconds = 10};
    plan_result r;
    CHECK(plan_solve(&p, &o, &r) == 0);
    CHECK_EQ_INT(r.unplaced, 0);
    CHECK_EQ_INT(r.vehicles, 2); /* 4 × 5 units, 10 per vehicle */
    CHECKF(r.distance > 120 - 1e-9 && r.distance < 120 + 1e-9, "distance %g", r.distance); /* to 20 and back, to 40 and back */
    double st[8];
    for (int v = 0; v < r.nveh; v++) {
        double back = plan_route_times(&p, v, r.route[v], r.len[v], st);
        CHECK(back <= 200);
        for (int k = 0; k < r.len[v]; k++) {
            const plan_node *n = &req[r.route[v][k] / 2].pickup;
            CHECK(st[k] >= n->early && st[k] <= n->late);
        }
    }
    plan_result_free(&r);
}


/* The engine's own rules, checked from the outside: every request once, a pair's
 * pickup before its delivery on one route, capacity at every stop, service inside
 * each window and the vehicle back by its end. Violations found. */
static int engine_check(const plan_problem *p, const plan_result *r)
{
    int bad = 0, *seen = calloc((size_t)p->nreq, sizeof *seen);
    double st[64];
    for (int v = 0; v < r->nveh; v++) {
        if (r->len[v] > 64)
            return 1;
        double back = plan_route_times(p, v, r->route[v], r->len[v], st);
        bad += back > p->veh[v].end + 1e-9;
        int load = 0;
        for (int k = 0; k < r->len[v]; k++) {
            int x = r->route[v][k];
            const plan_request *q = &p->req[x / 2];
            const plan_node *n = x % 2 ? &q->delivery : &q->pickup;
            if (x % 2)
                bad += seen[x / 2] != 1; /* its pickup came first, on this route */
            seen[x / 2]++;
            load += n->demand;
            bad += load > p->veh[v].capacity;
            bad += st[k] < n->early - 1e-9 || st[k] > n->late + 1e-9;
        }
    }
    for (int q = 0; q < p->nreq; q++)
        bad += seen[q] != (p->req[q].has_delivery ? 2 : 1) && seen[q] != 0;
    free(seen);
    return bad;
}

/* Solves p: the construction uses built vehicles and leaves built_out requests out;
 * the fleet phase ends with every request placed on want vehicles, and so does the
 * search; the plan passes engine_check. */
static void fleet_expect(const plan_problem *p, int built, int built_out, int want)
{
    plan_options o = {.seed = 3, .iterations = 300, .seconds = 10};
    plan_result r;
    CHECK(plan_solve(p, &o, &r) == 0);
    CHECK_EQ_INT(r.built_vehicles, built);
    CHECK_EQ_INT(r.built_unplaced, built_out);
    CHECK_EQ_INT(r.fleet_vehicles, want);
    CHECK_EQ_INT(r.fleet_unplaced, 0);
    CHECK_EQ_INT(r.unplaced, 0);
    CHECK_EQ_INT(r.vehicles, want);
    CHECK_EQ_INT(engine_check(p, &r), 0);
    plan_result_free(&r);
}

/* Six loads of 3, 3, 3, 7, 7, 7 on a line 10 apart, capacity 10; the construction
 * takes them in that order (their windows open so) and packs the 3s together: four
 * vehicles, or a load left out with three. Three vehicles carry 3 + 7 each. */
static void fleet_phase_reaches_the_minimum(void)
{
    double t[64];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            t[i * 8 + j] = 10.0 * abs(i - j);
    static const int dem[6] = {3, 3, 3, 7, 7, 7};
    plan_request req[6];
    plan_vehicle veh[5];
    for (int v = 0; v < 5; v++)
        veh[v] = (plan_vehicle){0, 0, 1000, 10};
    /* pickups only (their loads ride to the end), vehicles costing: 4 built, 3 found */
    for (int r = 0; r < 6; r++)
        req[r] = (plan_request){.pickup = {r + 1, dem[r], r, 500, 1}};
    plan_problem p = {.nloc = 8, .time = t, .dist = t, .nreq = 6, .req = req, .nveh = 5, .veh = veh,
                      .vehicle_cost = 1e5};
    fleet_expect(&p, 4, 0, 3);
    /* pairs (every pickup before every delivery at 7, so the loads add up), distance
       only, three vehicles: the construction leaves a pair out, the fleet phase places it */
    for (int r2 = 0; r2 < 6; r2++)
        req[r2] = (plan_request){.pickup = {r2 + 1, dem[r2], r2, 100, 1},
                                 .delivery = {7, -dem[r2], 200, 300, 1}, .has_delivery = true};
    p.nveh = 3;
    p.vehicle_cost = 0;
    fleet_expect(&p, 3, 1, 3);
}

/* ---- refusals name the field ---- */

static void refused(const char *text, const char *field, int want)
{
    json_t *j = parse_json(text);
    tp_problem p;
    char err[400];
    int rc = tp_parse(j, &(tp_limits){.max_boxes = 100}, &p, err, sizeof err);
    json_decref(j);
    CHECKF(rc == want, "rc %d for %s", rc, text);
    CHECKF(strncmp(err, field, strlen(field)) == 0, "message \"%s\" should start with %s", err, field);
}

#define VEH "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":5}]"
#define SITE "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":120}]"

static void bad_problems_name_the_field(void)
{
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"Q\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}]," MATRIX "}",
            "sites[0].id: \"Q\" is unknown", TP_BAD);
    refused("{\"hub\":\"HUB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE "," MATRIX "}", "hub: \"HUB\" is unknown",
            TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE ","
            "\"matrix\":{\"ids\":[\"LAB\",\"A\"],\"minutes\":[[0,10],[10]],\"km\":[[0,1],[1,0]]}}",
            "matrix.minutes[1]: must have 2 numbers", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE ","
            "\"matrix\":{\"ids\":[\"LAB\",\"A\"],\"minutes\":[[0,10],[10,0],[1,1]],\"km\":[[0,1],[1,0]]}}",
            "matrix.minutes: must have 2 rows", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"A\",\"first_seal\":-5,\"every_min\":60,\"last_seal\":0}]," MATRIX "}",
            "sites[0].first_seal: -5 is negative", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":-1," VEH "," SITE "," MATRIX "}",
            "service_min: -1 is negative", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE ","
            "\"matrix\":{\"ids\":[\"LAB\",\"A\"],\"minutes\":[[0,-10],[10,0]],\"km\":[[0,1],[1,0]]}}",
            "matrix.minutes[0][1]", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3,\"vehicles\":[]," SITE "," MATRIX "}",
            "vehicles: no vehicles", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":700}]," MATRIX "}",
            "sites[0].last_seal: 700 is after the end of every vehicle's shift", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE "," MATRIX ",\"colour\":1}",
            "colour: unknown field", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3,"
            "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":5,\"driver\":\"x\"}]," SITE "," MATRIX "}",
            "vehicles[0].driver: unknown field", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":1,\"last_seal\":500}]," MATRIX "}",
            "sites: more than 100 boxes", TP_TOO_LARGE);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH "," SITE "}", "matrix: missing", TP_BAD);
}

/* Explicit seal minutes (re-planning from real seals): one box each, a repeated
 * minute numbered #1, #2…; a schedule and a list together are refused. */
static void explicit_seals(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":60,\"service_min\":3," VEH
                             ",\"sites\":[{\"id\":\"A\",\"seals\":[30,30,90]},{\"id\":\"B\",\"seals\":[]}]," MATRIX "}",
                             1, 2000);
    CHECK_EQ_INT(summary(plan, "boxes"), 3);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    const char *want[] = {"A@30", "A@30#1", "A@90"};
    for (size_t i = 0; i < 3; i++)
        CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(plan, "boxes"), i), "id")), want[i]);
    json_decref(plan);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"A\",\"seals\":[0],\"first_seal\":0}]," MATRIX "}",
            "sites[0].seals: give either seals or first_seal", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"A\",\"seals\":[0,-4]}]," MATRIX "}",
            "sites[0].seals[1]: must be a whole number", TP_BAD);
    refused("{\"hub\":\"LAB\",\"deadline_min\":30,\"service_min\":3," VEH
            ",\"sites\":[{\"id\":\"Q\",\"seals\":[0]}]," MATRIX "}",
            "sites[0].id: \"Q\" is unknown", TP_BAD);
}

/* Coordinates instead of a matrix: straight line × detour, minutes rounded up. */
static void coords_give_a_matrix(void)
{
    json_t *plan = plan_text("{\"hub\":\"LAB\",\"deadline_min\":90,\"service_min\":3,\"speed_kmh\":30,"
                             "\"detour_factor\":1.3," SITE "," VEH ","
                             "\"coords\":{\"LAB\":[34.52,113.84],\"A\":[34.56,113.84]}}",
                             1, 200);
    CHECK_EQ_INT(summary(plan, "late_boxes"), 0);
    /* 0.04° of latitude = 4.45 km, × 1.3 = 5.78 km: 12 minutes at 30 km/h (11.6 rounded up) */
    json_t *run = json_array_get(json_object_get(plan, "runs"), 0);
    json_t *stop = json_array_get(json_object_get(run, "stops"), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(stop, "arrive")) - json_integer_value(json_object_get(run, "depart")),
                 12);
    CHECK_EQ_INT(summary(plan, "drive_min") % 24, 0); /* whole runs there and back */
    json_decref(plan);
}

/* ---- the checker on hand-made plans ---- */

static const char small_problem[] =
    "{\"hub\":\"LAB\",\"deadline_min\":40,\"service_min\":3,"
    "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0},"
    "{\"id\":\"B\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}],"
    "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":2}]," MATRIX "}";

/* A valid plan for small_problem: LAB → A → B → LAB, back at 31. */
#define GOOD_RUNS                                                                                           \
    "\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["                                                \
    "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0\"]},"                                      \
    "{\"at\":\"B\",\"arrive\":18,\"depart\":21,\"pickup\":[\"B@0\"]},"                                      \
    "{\"at\":\"LAB\",\"arrive\":31,\"depart\":34,\"drop\":[\"A@0\",\"B@0\"]}]}]"
#define GOOD_BOXES                                                                                          \
    "\"boxes\":[{\"id\":\"A@0\",\"site\":\"A\",\"sealed\":0,\"picked\":10,\"delivered\":31,\"late_min\":0}," \
    "{\"id\":\"B@0\",\"site\":\"B\",\"sealed\":0,\"picked\":18,\"delivered\":31,\"late_min\":0}]"
#define GOOD_SUMMARY                                                                                        \
    "\"summary\":{\"boxes\":2,\"late_boxes\":0,\"max_late_min\":0,\"vehicles_used\":1,\"km\":12,\"drive_min\":25}"

/* Checks plan against small_problem: expects a violation whose text contains want
 * (NULL: expects none). */
static void check_plan(const char *plan_text_, const char *want)
{
    json_t *j = parse_json(small_problem), *plan = parse_json(plan_text_), *v = json_array();
    tp_problem p;
    char err[400];
    CHECK(tp_parse(j, NULL, &p, err, sizeof err) == TP_OK);
    int n = tp_check(&p, plan, v);
    if (!want) {
        CHECKF(n == 0, "a valid plan got %d violations, first: %s", n, json_string_value(json_array_get(v, 0)));
    } else {
        bool found = false;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) found |= strstr(json_string_value(x), want) != NULL;
        CHECKF(n > 0 && found, "expected a violation mentioning \"%s\"; got %d, first: %s", want, n,
               n ? json_string_value(json_array_get(v, 0)) : "none");
    }
    json_decref(j), json_decref(plan), json_decref(v);
    tp_free(&p);
}

static void checker_accepts_a_valid_plan(void) { check_plan("{" GOOD_RUNS "," GOOD_BOXES "," GOOD_SUMMARY "}", NULL); }

static void checker_finds_each_violation(void)
{
    /* faster than the matrix: A → B takes 5 min after leaving at 13 */
    check_plan("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["
               "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0\"]},"
               "{\"at\":\"B\",\"arrive\":16,\"depart\":21,\"pickup\":[\"B@0\"]},"
               "{\"at\":\"LAB\",\"arrive\":31,\"depart\":34,\"drop\":[\"A@0\",\"B@0\"]}]}]," GOOD_BOXES
               "," GOOD_SUMMARY "}",
               "stops[1].arrive: 16 at B is before 18");
    /* picked up before its seal: the problem seals at 0, so move the whole plan before it */
    check_plan("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":-40,\"stops\":["
               "{\"at\":\"A\",\"arrive\":-30,\"depart\":-27,\"pickup\":[\"A@0\"]},"
               "{\"at\":\"B\",\"arrive\":-22,\"depart\":-19,\"pickup\":[\"B@0\"]},"
               "{\"at\":\"LAB\",\"arrive\":-9,\"depart\":-6,\"drop\":[\"A@0\",\"B@0\"]}]}]," GOOD_BOXES
               "," GOOD_SUMMARY "}",
               "before it is sealed");
    /* capacity 2, three boxes on board is impossible here: pick A@0 twice instead */
    check_plan("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["
               "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0\",\"A@0\"]},"
               "{\"at\":\"B\",\"arrive\":18,\"depart\":21,\"pickup\":[\"B@0\"]},"
               "{\"at\":\"LAB\",\"arrive\":31,\"depart\":34,\"drop\":[\"A@0\",\"B@0\"]}]}]," GOOD_BOXES
               "," GOOD_SUMMARY "}",
               "which another stop already picked up");
    /* B left out of the boxes list */
    check_plan("{" GOOD_RUNS ",\"boxes\":[{\"id\":\"A@0\",\"site\":\"A\",\"sealed\":0,\"picked\":10,\"delivered\":31,"
               "\"late_min\":0}]," GOOD_SUMMARY "}",
               "B@0 is missing");
    /* listed twice */
    check_plan("{" GOOD_RUNS ",\"boxes\":[{\"id\":\"A@0\",\"site\":\"A\",\"sealed\":0,\"picked\":10,\"delivered\":31,"
               "\"late_min\":0},{\"id\":\"B@0\",\"site\":\"B\",\"sealed\":0,\"picked\":18,\"delivered\":31,\"late_min\":0},"
               "{\"id\":\"B@0\",\"site\":\"B\",\"sealed\":0,\"picked\":18,\"delivered\":31,\"late_min\":0}]," GOOD_SUMMARY "}",
               "B@0 is listed twice");
    /* lateness miscounted: delivered at 31, due 40 */
    check_plan("{" GOOD_RUNS ",\"boxes\":[{\"id\":\"A@0\",\"site\":\"A\",\"sealed\":0,\"picked\":10,\"delivered\":31,"
               "\"late_min\":5},{\"id\":\"B@0\",\"site\":\"B\",\"sealed\":0,\"picked\":18,\"delivered\":31,\"late_min\":0}],"
               GOOD_SUMMARY "}",
               "late_min: A@0 is 0 min late");
    /* a run that does not end at the hub */
    check_plan("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["
               "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0\"]}]}]," GOOD_BOXES "," GOOD_SUMMARY "}",
               "ends at A");
    /* capacity: a 3-box problem would be needed; instead, a vehicle of capacity 2 carrying both
     * boxes plus a second run overlapping the first */
    check_plan("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["
               "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0\"]},"
               "{\"at\":\"LAB\",\"arrive\":23,\"depart\":26,\"drop\":[\"A@0\"]}]},"
               "{\"vehicle\":\"V1\",\"depart\":20,\"stops\":["
               "{\"at\":\"B\",\"arrive\":30,\"depart\":33,\"pickup\":[\"B@0\"]},"
               "{\"at\":\"LAB\",\"arrive\":43,\"depart\":46,\"drop\":[\"B@0\"]}]}]," GOOD_BOXES "," GOOD_SUMMARY "}",
               "runs overlap");
    /* the summary's figures must be those of the plan */
    check_plan("{" GOOD_RUNS "," GOOD_BOXES ",\"summary\":{\"boxes\":2,\"late_boxes\":0,\"max_late_min\":0,"
               "\"vehicles_used\":1,\"km\":10,\"drive_min\":25}}",
               "summary.km: says 10, the plan gives 12");
    /* an unknown vehicle */
    check_plan("{\"runs\":[{\"vehicle\":\"V9\",\"depart\":0,\"stops\":[]}]," GOOD_BOXES "," GOOD_SUMMARY "}",
               "\"V9\" is not a vehicle");
}

static void checker_finds_overload(void)
{
    /* two boxes per seal at A, capacity 2 in the problem: three on board at once */
    static const char problem[] = "{\"hub\":\"LAB\",\"deadline_min\":40,\"service_min\":3,"
                                  "\"sites\":[{\"id\":\"A\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0,\"boxes_per_seal\":2},"
                                  "{\"id\":\"B\",\"first_seal\":0,\"every_min\":60,\"last_seal\":0}],"
                                  "\"vehicles\":[{\"id\":\"V1\",\"start\":0,\"end\":600,\"capacity\":2}]," MATRIX "}";
    json_t *j = parse_json(problem), *v = json_array();
    json_t *plan = parse_json("{\"runs\":[{\"vehicle\":\"V1\",\"depart\":0,\"stops\":["
                              "{\"at\":\"A\",\"arrive\":10,\"depart\":13,\"pickup\":[\"A@0#0\",\"A@0#1\"]},"
                              "{\"at\":\"B\",\"arrive\":18,\"depart\":21,\"pickup\":[\"B@0\"]},"
                              "{\"at\":\"LAB\",\"arrive\":31,\"depart\":34,\"drop\":[\"A@0#0\",\"A@0#1\",\"B@0\"]}]}],"
                              "\"boxes\":[],\"summary\":{}}");
    tp_problem p;
    char err[400];
    CHECK(tp_parse(j, NULL, &p, err, sizeof err) == TP_OK);
    CHECK(tp_check(&p, plan, v) > 0);
    bool found = false;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) found |= strstr(json_string_value(x), "3 boxes on board, above V1's capacity of 2") != NULL;
    CHECK(found);
    json_decref(j), json_decref(plan), json_decref(v);
    tp_free(&p);
}

int main(void)
{
    th_init();
    RUN(seed_scenario_on_time);
    RUN(vehicles_before_km);
    RUN(late_boxes_before_vehicles);
    RUN(infeasible_still_planned);
    RUN(multi_trip);
    RUN(same_seed_same_plan);
    RUN(vrptw_core);
    RUN(fleet_phase_reaches_the_minimum);
    RUN(bad_problems_name_the_field);
    RUN(explicit_seals);
    RUN(coords_give_a_matrix);
    RUN(checker_accepts_a_valid_plan);
    RUN(checker_finds_each_violation);
    RUN(checker_finds_overload);
    return th_done("unit_plan");
}
