/* API tests: isolation cases (policies with versions, check-ins, the worklist, release),
 * 应隔尽隔, the positive pool's confirmation opening cases and proposing zones, and zones
 * (risk levels, a countdown restarted by a new positive, lifting refused then allowed).
 * Days pass by restarting the server with a later FANGXIAN_NOW. */
#include "lib/fxt.h"
#include "lib/round_fixture.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL
#define T0 1800000000LL            /* 2027-01-15 16:00 in Asia/Shanghai */
#define DAY0 (T0 - 16 * 3600)      /* the local midnight before: day 1 of cases opened at T0 */

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *officer_zz, *staff, *lab, *registrar, *volunteer;
static long long p[8];
static long long round_id, site_id, case1, case3, zone_b, zone_pre, zone_73, gate, xr_person;
static long long now_at = T0;

/* the server's clock runs on from FANGXIAN_NOW: a few seconds pass during a test */
#define CHECK_NEAR(a, b) CHECKF(llabs((long long)(a) - (long long)(b)) < 120, "%s = %lld, expected about %lld", #a, \
                                (long long)(a), (long long)(b))


static void login_all(void)
{
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &lab, &registrar, &volunteer};
    const char *names[] = {"admin", "cuizhengbo", "lijunchuan", "panpeng", "lab", "zhangmingqiang", "liutao"};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
        free(*toks[i]);
        *toks[i] = fxt_login(&srv, names[i], pw);
        CHECKF(*toks[i] != NULL, "login %s", names[i]);
    }
}

/* Days pass: the server restarts with its clock at t (sessions expire, so log in again). */
static void clock_to(long long t)
{
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    now_at = t;
    snprintf(srv.now, sizeof srv.now, "%lld", t);
    CHECK_EQ_INT(fxt_start(&srv), 0);
    login_all();
}

static int call(const char *method, const char *path, const char *token, const char *body, fxt_resp *out)
{
    *out = fxt_req(&srv, method, path, token, body);
    return out->status;
}

/* status of a request whose answer is not looked at further; the error code goes to code */
static int status_of(const char *method, const char *path, const char *token, const char *body, char code[48])
{
    return fxt_status(&srv, method, path, token, body, code);
}

#define BORN "41018419900202" /* the ID numbers of this test's people: region and birth date */

static long long person(unsigned seq, const char *name, const char *room)
{
    char id[19], body[300];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"area\":\"IS-B1-U1\",\"room\":\"%s\"}", name, id,
             room);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/persons", staff, body, &r), 201);
    long long v = ifield(r.json, "id");
    fxt_free(&r);
    return v;
}

/* A tube of the round holding who (sampled at taken), with a lab result posted at taken + 1 h. */
static void tube_with_result(const char *barcode, const long long *who, int n, long long taken, const char *result)
{
    int64_t ids[8];
    for (int i = 0; i < n; i++)
        ids[i] = who[i];
    CHECK(rfx_open(srv.db) == 0);
    CHECK(rfx_tube(round_id, site_id, barcode, 10, ids, n, taken, taken + 600) > 0);
    rfx_close();
    char body[200];
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"%s\",\"result\":\"%s\",\"at\":%lld}]}", barcode, result,
             taken + 3600);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/results", lab, body, &r), 200);
    CHECKF(strcmp(sfield(json_array_get(json_object_get(r.json, "results"), 0), "status"), "ok") == 0, "result %s: %s",
           barcode, r.body);
    fxt_free(&r);
}

static void setup(void)
{
    static const char *const areas[] = {
        "{\"code\":\"IS-B1\",\"name\":\"港城公寓5号楼\",\"kind\":\"building\",\"parent\":\"HKG-YH-IT-W12-GC\"}",
        "{\"code\":\"IS-B1-U1\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"IS-B1\"}",
    };
    for (size_t i = 0; i < 2; i++)
        CHECK_EQ_INT(status_of("POST", "/api/v1/areas", staff, areas[i], NULL), 201);
    const char *names[] = {"", "隔一", "隔二", "隔三", "阳四", "阳五", "邻六"};
    const char *rooms[] = {"", "101", "102", "103", "201", "201", "301"};
    for (int i = 1; i <= 6; i++)
        p[i] = person((unsigned)i, names[i], rooms[i]);
    CHECK(rfx_open(srv.db) == 0);
    round_id = rfx_round("HKG-YH", T0 - 6 * 3600, T0 + 40 * DAY);
    site_id = rfx_site("HKG-YH-IT-W12", "港城公寓核酸点");
    rfx_close();
}

static void opening_cases_and_refusals(void)
{
    char body[200], code[48];
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"close_contact\"}", p[1]);
    /* staff record check-ins but do not open cases; registrars and volunteers neither */
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", staff, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", registrar, body, code), 403);
    /* an officer of another sub-district does not see the person */
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer_zz, body, code), 404);
    CHECK_STR(code, "person_not_found");
    /* each field says what it expected */
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, "{\"type\":\"central\",\"reason\":\"red_code\"}", code),
                 400);
    CHECK_STR(code, "missing_field");
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home\",\"reason\":\"close_contact\"}", p[1]);
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, body, code), 400);
    CHECK_STR(code, "invalid_type");
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"central\",\"reason\":\"neighbour\"}", p[1]);
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, body, code), 400);
    CHECK_STR(code, "invalid_reason");
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer,
                           "{\"person\":999999,\"type\":\"central\",\"reason\":\"red_code\"}", code),
                 404);
    /* the case: home isolation under the policy in force (7 days, tests on days 1, 4 and 7) */
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"close_contact\"}", p[1]);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/isolations", officer, body, &r), 201);
    case1 = ifield(r.json, "id");
    CHECK_EQ_INT(ifield(r.json, "planned_end"), DAY0 + 7 * DAY);
    json_t *pol = json_object_get(r.json, "policy");
    CHECK_EQ_INT(ifield(pol, "version"), 1);
    CHECK_EQ_INT(json_array_size(json_object_get(pol, "test_days")), 3);
    CHECK_EQ_INT(json_integer_value(json_array_get(json_object_get(r.json, "test_dates"), 2)), DAY0 + 6 * DAY);
    fxt_free(&r);
    /* one active case per person */
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, body, code), 409);
    CHECK_STR(code, "already_isolated");
    /* scope on reads: the other sub-district's officer gets 404, a volunteer 403 */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld", case1);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    CHECK_EQ_INT(status_of("GET", "/api/v1/isolations", volunteer, NULL, code), 403);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    json_t *unmet = json_object_get(json_object_get(r.json, "release"), "unmet");
    CHECK_EQ_INT(json_array_size(unmet), 2);
    fxt_free(&r);
}

static void policies_have_versions(void)
{
    char code[48], body[200];
    const char *v2 = "{\"type\":\"home_isolation\",\"days\":10,\"test_days\":[1,5,10],\"checkins_per_day\":2}";
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolation-policies", officer, v2, code), 403); /* admins set policy */
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolation-policies", admin,
                           "{\"type\":\"home_isolation\",\"days\":7,\"test_days\":[1,9],\"checkins_per_day\":2}", code),
                 400);
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolation-policies", admin, v2, code), 201);
    /* a new case starts under version 2; the open case keeps version 1 */
    fxt_resp r;
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"secondary_contact\"}", p[3]);
    CHECK_EQ_INT(call("POST", "/api/v1/isolations", officer, body, &r), 201);
    case3 = ifield(r.json, "id");
    CHECK_EQ_INT(ifield(json_object_get(r.json, "policy"), "version"), 2);
    CHECK_EQ_INT(ifield(r.json, "planned_end"), DAY0 + 10 * DAY);
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld", case1);
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_EQ_INT(ifield(json_object_get(r.json, "policy"), "version"), 1);
    fxt_free(&r);
    /* an officer moves a case: back to version 1, then to central quarantine */
    snprintf(path, sizeof path, "/api/v1/isolations/%lld/move", case3);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"version\":1}", code), 403);
    CHECK_EQ_INT(status_of("POST", path, officer, "{\"version\":9}", code), 404);
    CHECK_STR(code, "policy_not_found");
    CHECK_EQ_INT(call("POST", path, officer, "{\"version\":1}", &r), 200);
    CHECK_EQ_INT(ifield(r.json, "planned_end"), DAY0 + 7 * DAY);
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", path, officer, "{\"type\":\"central\"}", &r), 200);
    CHECK_STR(sfield(r.json, "type"), "central");
    CHECK_EQ_INT(ifield(r.json, "planned_end"), DAY0 + 14 * DAY);
    fxt_free(&r);
    char audit[80];
    snprintf(audit, sizeof audit, "/api/v1/audit?entity=isolation&id=%lld", case3);
    CHECK_EQ_INT(call("GET", audit, admin, NULL, &r), 200);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "action"), "transfer");
    fxt_free(&r);
}

static void checkins_and_the_worklist(void)
{
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld/checkins", case1);
    CHECK_EQ_INT(status_of("POST", path, volunteer, "{\"temperature\":36.5}", code), 403);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"temperature\":50}", code), 400);
    CHECK_STR(code, "invalid_temperature");
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"symptoms\":[\"sneezing\"]}", code), 400);
    CHECK_STR(code, "invalid_symptoms");
    CHECK_EQ_INT(status_of("POST", path, staff, "{}", code), 400);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", path, staff, "{\"temperature\":36.5,\"symptoms\":[]}", &r), 201);
    CHECK(json_is_false(json_object_get(r.json, "flagged")));
    fxt_free(&r);
    /* the worklist before the second check-in: one due, and day 1 is a test day */
    CHECK_EQ_INT(status_of("GET", "/api/v1/isolations/worklist", registrar, NULL, code), 403);
    CHECK_EQ_INT(call("GET", "/api/v1/isolations/worklist", staff, NULL, &r), 200);
    json_t *w = NULL, *it;
    size_t k;
    json_array_foreach(items(&r), k, it) if (ifield(json_object_get(it, "isolation"), "id") == case1) w = it;
    CHECKF(w != NULL, "case %lld on the worklist: %s", case1, r.body);
    CHECK_EQ_INT(ifield(w, "day"), 1);
    CHECK_EQ_INT(ifield(w, "checkins_due"), 1);
    CHECK(json_is_true(json_object_get(w, "test_due")));
    CHECK(json_is_false(json_object_get(w, "transfer")));
    CHECK(json_is_false(json_object_get(w, "releasable")));
    fxt_free(&r);
    /* a fever alerts the workstation and puts a transfer to central quarantine on the list */
    CHECK_EQ_INT(call("POST", path, staff, "{\"temperature\":38.2,\"symptoms\":[\"cough\"]}", &r), 201);
    CHECK(json_is_true(json_object_get(r.json, "flagged")));
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/alerts?open=1&kind=isolation_checkin", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/isolations/worklist", staff, NULL, &r), 200);
    json_array_foreach(items(&r), k, it) if (ifield(json_object_get(it, "isolation"), "id") == case1) w = it;
    CHECK_EQ_INT(ifield(w, "checkins_due"), 0);
    CHECK(json_is_true(json_object_get(w, "transfer")));
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/isolations/%lld", case1);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    json_t *ck = json_object_get(r.json, "checkins");
    CHECK_EQ_INT(json_array_size(ck), 2);
    CHECK(json_real_value(json_object_get(json_array_get(ck, 0), "temperature")) > 38.0); /* newest first */
    CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(ck, 0), "symptoms"), 0)), "cough");
    fxt_free(&r);
    /* the tests due today become recalls of the round */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/isolation-recalls", round_id);
    CHECK_EQ_INT(status_of("POST", path, volunteer, NULL, code), 403);
    CHECK_EQ_INT(call("POST", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "recalled"), 2); /* day 1 is a test day of both policies */
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "recalled"), 0); /* the same again adds nothing */
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/recalls?open=1", round_id);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "reason"), "isolation_test");
    CHECK(json_is_null(json_object_get(json_array_get(items(&r), 0), "tube")));
    fxt_free(&r);
}

static void release_needs_a_negative_after_the_last_test_day(void)
{
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld/release", case1);
    CHECK_EQ_INT(status_of("POST", path, staff, NULL, code), 403);
    CHECK_EQ_INT(status_of("POST", path, officer_zz, NULL, code), 404);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 422);
    CHECK_STR(fxt_err(&r), "last_day_not_reached");
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(msg && strstr(msg, "last day") && strstr(msg, "negative"), "both conditions named: %s", msg ? msg : "");
    fxt_free(&r);
    /* day 8: the period is over, but the only negative was taken on day 2 */
    clock_to(T0 + 7 * DAY);
    long long who[] = {p[1]};
    tube_with_result("ISO-D2", who, 1, DAY0 + DAY + 9 * 3600, "negative");
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 422);
    CHECK_STR(fxt_err(&r), "no_negative_result");
    fxt_free(&r);
    /* a negative sample of day 7 (the last test day) */
    tube_with_result("ISO-D7", who, 1, DAY0 + 6 * DAY + 9 * 3600, "negative");
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "status"), "released");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, officer, NULL, code), 409);
    CHECK_STR(code, "not_active");
    char audit[80];
    snprintf(audit, sizeof audit, "/api/v1/audit?entity=isolation&id=%lld", case1);
    CHECK_EQ_INT(call("GET", audit, admin, NULL, &r), 200);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "action"), "release");
    fxt_free(&r);
}

static json_t *find_person(json_t *list, long long id)
{
    size_t k;
    json_t *it;
    json_array_foreach(list, k, it) if (ifield(json_object_get(it, "person"), "id") == id) return it;
    return NULL;
}

static void positive_pool_opens_cases_and_proposes_a_zone(void)
{
    long long who[] = {p[4], p[5]};
    tube_with_result("ISO-POS", who, 2, now_at - 4 * 3600, "positive");
    /* 应隔尽隔: pending control without a case */
    fxt_resp r;
    CHECK_EQ_INT(call("GET", "/api/v1/isolations/gaps", staff, NULL, &r), 200);
    json_t *g = find_person(items(&r), p[4]);
    CHECKF(g != NULL, "p4 is a gap: %s", r.body);
    CHECK_STR(sfield(g, "source"), "pending_control");
    CHECK_STR(sfield(g, "tube"), "ISO-POS");
    CHECK(find_person(items(&r), p[5]) != NULL);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/isolations/gaps", officer_zz, NULL, &r), 200);
    CHECK(find_person(items(&r), p[4]) == NULL); /* not in their area */
    fxt_free(&r);
    /* the officer's one action */
    CHECK_EQ_INT(call("POST", "/api/v1/tubes/ISO-POS/confirm", officer, "{}", &r), 200);
    json_t *d = json_object_get(r.json, "decision");
    CHECKF(json_array_size(json_object_get(d, "isolations")) == 2, "two cases: %s", r.body);
    CHECK_EQ_INT(json_array_size(json_object_get(d, "zones")), 1);
    zone_b = json_integer_value(json_array_get(json_object_get(d, "zones"), 0));
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/isolations/gaps", staff, NULL, &r), 200);
    CHECK(find_person(items(&r), p[4]) == NULL && find_person(items(&r), p[5]) == NULL);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/tubes/ISO-POS/trace", officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(r.json, "actions"), "isolations")), 2);
    CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(r.json, "actions"), "zones")), 1);
    fxt_free(&r);
    /* the zone is only proposed: the building's risk level is untouched until an officer activates it */
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/zones/%lld", zone_b);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "status"), "proposed");
    CHECK_STR(sfield(r.json, "kind"), "sealed");
    CHECK_STR(sfield(json_object_get(r.json, "area"), "code"), "IS-B1");
    CHECK_STR(sfield(json_object_get(r.json, "cause"), "tube"), "ISO-POS");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/areas/IS-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "none");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/zones/%lld/activate", zone_b);
    CHECK_EQ_INT(status_of("POST", path, staff, NULL, code), 403);
    CHECK_EQ_INT(status_of("POST", path, officer_zz, NULL, code), 404);
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "status"), "active");
    CHECK_NEAR(ifield(r.json, "start"), now_at);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, officer, NULL, code), 409);
    /* sealed: single tubes in rounds there */
    CHECK_EQ_INT(call("GET", "/api/v1/areas/IS-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "sealed");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pool?area=IS-B1-U1", round_id);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "pool_size"), 1);
    fxt_free(&r);
}

static void zones_and_gates(void)
{
    char code[48];
    /* refusals: role, a unit is no zone's area, a zone needs a cause */
    CHECK_EQ_INT(status_of("POST", "/api/v1/zones", staff, "{\"area\":\"IS-B1\",\"kind\":\"precaution\",\"note\":\"x\"}",
                           code),
                 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/zones", officer,
                           "{\"area\":\"IS-B1-U1\",\"kind\":\"precaution\",\"note\":\"x\"}", code),
                 422);
    CHECK_STR(code, "not_compound_or_building");
    CHECK_EQ_INT(status_of("POST", "/api/v1/zones", officer, "{\"area\":\"IS-B1\",\"kind\":\"precaution\"}", code), 400);
    CHECK_STR(code, "missing_cause");
    CHECK_EQ_INT(status_of("POST", "/api/v1/zones", officer,
                           "{\"area\":\"IS-B1\",\"kind\":\"closed\",\"note\":\"x\"}", code),
                 400);
    CHECK_STR(code, "invalid_kind");
    CHECK_EQ_INT(status_of("POST", "/api/v1/zones", officer_zz,
                           "{\"area\":\"IS-B1\",\"kind\":\"precaution\",\"note\":\"x\"}", code),
                 404);
    /* an overlapping precaution zone on the same building: the higher level (sealed) stands */
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/zones", officer,
                      "{\"area\":\"IS-B1\",\"kind\":\"precaution\",\"note\":\"邻楼防范\",\"rule\":\"14d\"}", &r),
                 201);
    zone_pre = ifield(r.json, "id");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/areas/IS-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "sealed");
    fxt_free(&r);
    /* a gate with its log */
    char path[80], body[200];
    snprintf(path, sizeof path, "/api/v1/zones/%lld/gates", zone_b);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"name\":\"东门\"}", code), 403);
    CHECK_EQ_INT(call("POST", path, officer, "{\"name\":\"东门\"}", &r), 201);
    gate = ifield(r.json, "id");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, officer, "{\"name\":\"东门\"}", code), 409);
    snprintf(path, sizeof path, "/api/v1/gates/%lld/log", gate);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"kind\":\"visit\",\"name\":\"张三\"}", code), 400);
    CHECK_STR(code, "invalid_kind");
    CHECK_EQ_INT(status_of("POST", path, volunteer, "{\"kind\":\"entry\",\"name\":\"张三\"}", code), 403);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"kind\":\"entry\",\"name\":\"医护张三\",\"note\":\"上门采样\"}", code),
                 201);
    snprintf(body, sizeof body, "{\"kind\":\"exit\",\"person\":%lld}", p[6]);
    CHECK_EQ_INT(status_of("POST", path, staff, body, code), 201);
    CHECK_EQ_INT(call("GET", "/api/v1/persons?area=IS-B1-U1", staff, NULL, &r), 200);
    long long hh = ifield(json_array_get(items(&r), 0), "household");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"kind\":\"delivery\",\"household\":%lld,\"note\":\"蔬菜一箱\"}", hh);
    CHECK_EQ_INT(status_of("POST", path, staff, body, code), 201);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 3);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "kind"), "delivery"); /* newest first */
    CHECK_STR(sfield(json_array_get(items(&r), 1), "name"), "邻六");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    /* the zone list, with the conditions still unmet */
    CHECK_EQ_INT(call("GET", "/api/v1/zones", officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    json_t *z = json_array_get(items(&r), 0);
    CHECK_EQ_INT(ifield(z, "id"), zone_b);
    json_t *unmet = json_object_get(z, "unmet");
    CHECK_EQ_INT(json_array_size(unmet), 2);
    CHECK_STR(sfield(json_array_get(unmet, 0), "condition"), "quiet_days_not_passed");
    CHECK_NEAR(ifield(json_array_get(unmet, 0), "until"), now_at + 14 * DAY);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/zones", officer_zz, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
}

static void rule_sets_are_data(void)
{
    char code[48];
    const char *five = "{\"name\":\"5d\",\"stages\":[{\"quiet_days\":5,\"negative_round_days\":1,\"to\":\"lifted\"}]}";
    CHECK_EQ_INT(status_of("POST", "/api/v1/zone-rules", officer, five, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/zone-rules", admin,
                           "{\"name\":\"bad\",\"stages\":[{\"quiet_days\":5,\"negative_round_days\":1,"
                           "\"to\":\"controlled\"}]}",
                           code),
                 400);
    CHECK_STR(code, "invalid_stages"); /* the last stage must lift */
    CHECK_EQ_INT(status_of("POST", "/api/v1/zone-rules", admin, five, code), 201);
    CHECK_EQ_INT(status_of("POST", "/api/v1/zone-rules", admin, five, code), 409);
    fxt_resp r;
    CHECK_EQ_INT(call("GET", "/api/v1/zone-rules", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 3);
    CHECK_STR(sfield(json_array_get(items(&r), 1), "name"), "7+3");
    fxt_free(&r);
    /* a sealed building under the 7 + 3 day rule, with one resident */
    char id[19], body[300];
    fxt_id_number(id, BORN, 7);
    snprintf(body, sizeof body, "{\"name\":\"鑫七\",\"id_number\":\"%s\",\"area\":\"HKG-YH-IT-W12-XR-B1-U1\","
                                "\"room\":\"701\"}", id);
    CHECK_EQ_INT(call("POST", "/api/v1/persons", staff, body, &r), 201);
    xr_person = ifield(r.json, "id");
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", "/api/v1/zones", officer,
                      "{\"area\":\"HKG-YH-IT-W12-XR-B1\",\"kind\":\"sealed\",\"rule\":\"7+3\",\"note\":\"密接楼栋\"}",
                      &r),
                 201);
    zone_73 = ifield(r.json, "id");
    CHECK_STR(sfield(r.json, "rule"), "7+3");
    CHECK_EQ_INT(ifield(json_object_get(r.json, "next"), "quiet_days"), 7);
    fxt_free(&r);
}

static void countdown_restarts_and_lifting(void)
{
    char path[80], code[48];
    long long start = now_at;
    snprintf(path, sizeof path, "/api/v1/zones/%lld/lift", zone_b);
    CHECK_EQ_INT(status_of("POST", path, staff, NULL, code), 403);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 422);
    CHECK_STR(fxt_err(&r), "quiet_days_not_passed");
    fxt_free(&r);
    /* day 10 of the zone: a new positive inside restarts the count */
    clock_to(start + 10 * DAY);
    long long who[] = {p[6]};
    tube_with_result("ISO-POS2", who, 1, now_at - 3 * 3600, "positive");
    snprintf(path, sizeof path, "/api/v1/zones/%lld", zone_b);
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_NEAR(ifield(r.json, "count_from"), now_at);
    CHECK_NEAR(ifield(json_array_get(json_object_get(r.json, "unmet"), 0), "until"), now_at + 14 * DAY);
    fxt_free(&r);
    char audit[80];
    snprintf(audit, sizeof audit, "/api/v1/audit?entity=zone&id=%lld", zone_b);
    CHECK_EQ_INT(call("GET", audit, admin, NULL, &r), 200);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "action"), "restart_count");
    fxt_free(&r);
    /* day 14 of the first count: had it not restarted, this would be the day */
    long long restarted = now_at;
    clock_to(start + 14 * DAY + 3600);
    snprintf(path, sizeof path, "/api/v1/zones/%lld/lift", zone_b);
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 422);
    CHECK_STR(fxt_err(&r), "quiet_days_not_passed");
    fxt_free(&r);
    /* 14 days after the new positive: quiet, but no negative round within 2 days */
    clock_to(restarted + 14 * DAY + 3600);
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 422);
    CHECK_STR(fxt_err(&r), "no_negative_round");
    fxt_free(&r);
    /* the round: the building's people test negative */
    long long all[] = {p[2], p[3], p[4], p[5], p[6]};
    tube_with_result("ISO-RND", all, 5, now_at - 5 * 3600, "negative");
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "status"), "lifted");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, officer, NULL, code), 409);
    /* the precaution zone still holds the building */
    CHECK_EQ_INT(call("GET", "/api/v1/areas/IS-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "precaution");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/zones/%lld/lift", zone_pre);
    CHECK_EQ_INT(status_of("POST", path, officer, NULL, code), 200);
    CHECK_EQ_INT(call("GET", "/api/v1/areas/IS-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "none");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pool?area=IS-B1-U1", round_id);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK(ifield(r.json, "pool_size") > 1);
    fxt_free(&r);
    /* recorded: who lifted, and the area's risk changes */
    CHECK_EQ_INT(call("GET", audit, admin, NULL, &r), 200);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "action"), "lift");
    CHECK_STR(sfield(json_object_get(json_array_get(items(&r), 0), "actor"), "name"), "cuizhengbo");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/audit?entity=area&id=IS-B1", admin, NULL, &r), 200);
    CHECK(json_array_size(items(&r)) >= 4); /* created, sealed, precaution, none */
    fxt_free(&r);
    /* the 7 + 3 zone: past 7 days, but no negative round on the day */
    snprintf(path, sizeof path, "/api/v1/zones/%lld/lift", zone_73);
    CHECK_EQ_INT(status_of("POST", path, officer, NULL, code), 422);
    CHECK_STR(code, "no_negative_round");
    long long xr[] = {xr_person};
    tube_with_result("ISO-XR", xr, 1, now_at - 5 * 3600, "negative");
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "status"), "active");
    CHECK_STR(sfield(r.json, "kind"), "controlled"); /* high → medium */
    CHECK_EQ_INT(ifield(json_object_get(r.json, "next"), "quiet_days"), 10);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/areas/HKG-YH-IT-W12-XR-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "controlled");
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", path, officer, NULL, &r), 200); /* 10 days have passed too: → low */
    CHECK_STR(sfield(r.json, "status"), "lifted");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/areas/HKG-YH-IT-W12-XR-B1", staff, NULL, &r), 200);
    CHECK_STR(sfield(r.json, "risk_level"), "none");
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    login_all();
    RUN(setup);
    RUN(opening_cases_and_refusals);
    RUN(policies_have_versions);
    RUN(checkins_and_the_worklist);
    RUN(release_needs_a_negative_after_the_last_test_day);
    RUN(positive_pool_opens_cases_and_proposes_a_zone);
    RUN(zones_and_gates);
    RUN(rule_sets_are_data);
    RUN(countdown_restarts_and_lifting);
    fxt_teardown(&srv);
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &lab, &registrar, &volunteer};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_isolation");
}
