/* API tests: door-to-door sweeps. A question set checked field by field; a campaign over a
 * building split evenly between two teams; a returnee from a high-risk city found at the
 * door ends as an isolation case and a difficulty as a resident request, both through the
 * visit batch; the same visit twice counts once and another visit under its id is a
 * conflict; a volunteer cannot see or post on another team's list; bad answers are
 * refused naming the visit and the field; progress adds up after revisits. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */
#define BUILDING "HKG-YH-IT-W12-XR-B9"
#define UNIT BUILDING "-U1"

static fxt_server srv;
static char pw[32];
static char *officer, *staff, *volunteer, *volunteer_b, *officer_zz, *admin;
static long long qset, sweep, team_a, team_b, hh[10], people[10], second_resident;

static long long progress(json_t *o, const char *k) { return ifield(json_object_get(o, "progress"), k); }

#define BORN "41018419900707" /* the ID numbers of this test's people: region and birth date */

static long long person(unsigned seq, const char *name, const char *room, long long *household)
{
    char id[19], body[300];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"area\":\"" UNIT "\",\"room\":\"%s\"}", name,
             id, room);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/persons", staff, body);
    CHECKF(r.status == 201, "person %s: %d %s", name, r.status, r.body);
    long long v = ifield(r.json, "id");
    if (household)
        *household = ifield(r.json, "household");
    fxt_free(&r);
    return v;
}

/* Posts one visit (JSON members after "id") and returns its result object's status; the
 * whole answer in *out when out is not NULL (the caller frees it). */
static const char *visit(const char *token, const char *client_id, long long team, long long household,
                         const char *rest, fxt_resp *out)
{
    static char status[24];
    char body[1500];
    snprintf(body, sizeof body, "{\"visits\":[{\"id\":\"%s\",\"team\":%lld,\"household\":%lld%s%s}]}", client_id, team,
             household, rest ? "," : "", rest ? rest : "");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sweep-visits", token, body);
    CHECKF(r.status == 200, "visit %s: %d %s", client_id, r.status, r.body);
    snprintf(status, sizeof status, "%s", r.status == 200 ? sfield(json_array_get(json_object_get(r.json, "results"), 0), "status") : "");
    if (out)
        *out = r;
    else
        fxt_free(&r);
    return status;
}

static bool has(const char *s, const char *sub) { return s && strstr(s, sub) != NULL; }

static json_t *result0(const fxt_resp *r) { return json_array_get(json_object_get(r->json, "results"), 0); }

static fxt_resp get_sweep(const char *token)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld", sweep);
    return fxt_req(&srv, "GET", path, token, NULL);
}

static json_t *team_of(json_t *campaign, long long id)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(campaign, "teams"), i, t) if (ifield(t, "id") == id) return t;
    return NULL;
}

static void setup(void)
{
    char **toks[] = {&officer, &staff, &volunteer, &officer_zz, &admin};
    const char *names[] = {"cuizhengbo", "panpeng", "liutao", "lijunchuan", "admin"};
    for (size_t i = 0; i < 5; i++)
        CHECKF((*toks[i] = fxt_login(&srv, names[i], pw)) != NULL, "login %s", names[i]);
    CHECK_EQ_INT(fxt_user(&srv, "wangwei", "volunteer", "HKG-YH-IT-W12", pw), 0);
    volunteer_b = fxt_login(&srv, "wangwei", pw);
    CHECK(volunteer_b != NULL);
    const char *areas[] = {"{\"code\":\"" BUILDING "\",\"name\":\"鑫荣公寓9号楼\",\"kind\":\"building\","
                           "\"parent\":\"HKG-YH-IT-W12-XR\"}",
                           "{\"code\":\"" UNIT "\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"" BUILDING "\"}"};
    for (int i = 0; i < 2; i++) {
        fxt_resp a = fxt_req(&srv, "POST", "/api/v1/areas", officer, areas[i]);
        CHECKF(a.status == 201, "area: %d %s", a.status, a.body);
        fxt_free(&a);
    }
    static const char *const n[] = {"赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "王八", "冯九", "陈十"};
    char room[8];
    for (unsigned i = 0; i < 10; i++) {
        snprintf(room, sizeof room, "%u", 101 + i);
        people[i] = person(i + 1, n[i], room, &hh[i]);
    }
    second_resident = person(20, "陈十一", "110", NULL); /* room 110 has two residents */
    const char *csv = "name,level,valid_from,valid_to\n上海,high,2027-01-01,2027-01-31\n";
    char req[1024];
    int len = snprintf(req, sizeof req, "POST /api/v1/risk-areas HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                        "Authorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %zu\r\n\r\n%s",
                       admin, strlen(csv), csv); /* the list is city-wide */
    fxt_resp r = fxt_raw(&srv, req, (size_t)len, 30000);
    CHECKF(r.status == 200, "risk areas: %d %s", r.status, r.body);
    fxt_free(&r);
}

static const char *const QUESTIONS =
    "{\"name\":\"返乡排查\",\"questions\":["
    "{\"key\":\"home\",\"label\":\"在家人数\",\"label_en\":\"People at home\",\"type\":\"number\",\"required\":true},"
    "{\"key\":\"returned_from\",\"label\":\"14天内从何地返回\",\"type\":\"places\",\"feeds\":\"places\"},"
    "{\"key\":\"returned_at\",\"label\":\"返回日期\",\"type\":\"date\",\"feeds\":\"returned_at\"},"
    "{\"key\":\"health_code\",\"label\":\"健康码\",\"type\":\"choice\",\"options\":[\"green\",\"yellow\",\"red\"],"
    "\"feeds\":\"health_code\"},"
    "{\"key\":\"fever\",\"label\":\"发热\",\"type\":\"bool\",\"feeds\":\"fever\"},"
    "{\"key\":\"difficulty\",\"label\":\"生活困难\",\"type\":\"text\",\"feeds\":\"difficulty\"}]}";

static void question_sets_and_campaign(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sweep-questions", officer,
                         "{\"name\":\"x\",\"questions\":[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\"},"
                         "{\"key\":\"b\",\"label\":\"乙\",\"type\":\"text\",\"feeds\":\"fever\"}]}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(has(r.body, "questions[1].feeds"), "names the field: %s", r.body);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/sweep-questions", volunteer, QUESTIONS);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/sweep-questions", officer, QUESTIONS);
    CHECKF(r.status == 201, "%s", r.body);
    qset = ifield(r.json, "id");
    CHECK_EQ_INT(ifield(r.json, "version"), 1);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "questions")), 6);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/sweep-questions", officer, QUESTIONS); /* the same name again: version 2 */
    CHECK_EQ_INT(ifield(r.json, "version"), 2);
    fxt_free(&r);

    char body[200];
    snprintf(body, sizeof body, "{\"name\":\"鑫荣2号楼逐户排查\",\"area\":\"" BUILDING "\",\"questions\":%lld}", qset);
    r = fxt_req(&srv, "POST", "/api/v1/sweeps", officer_zz, body);
    CHECKF(r.status == 400 && strcmp(fxt_err(&r), "unknown_area") == 0, "outside the officer's area: %s", r.body);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/sweeps", officer, body);
    CHECKF(r.status == 201, "%s", r.body);
    sweep = ifield(r.json, "id");
    CHECK_EQ_INT(progress(r.json, "households"), 10);
    CHECK_EQ_INT(progress(r.json, "remaining"), 10);
    CHECK_EQ_INT(ifield(r.json, "unassigned"), 10);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/sweeps?area=" BUILDING, officer, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/sweeps?area=HKG-YH-IT-W12-XR-B1", officer, NULL); /* another building */
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/sweeps?area=HKG-ZZ", officer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld/split", sweep);
    r = fxt_req(&srv, "POST", path, officer, "{\"teams\":[{\"name\":\"一组\",\"leader\":\"nobody\"}]}");
    CHECKF(r.status == 400 && has(r.body, "teams[0].leader"), "unknown leader named: %s", r.body);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", path, officer,
                "{\"teams\":[{\"name\":\"一组\",\"leader\":\"panpeng\",\"members\":[\"liutao\"]},"
                "{\"name\":\"二组\",\"leader\":\"panpeng\",\"members\":[\"wangwei\"]}]}");
    CHECKF(r.status == 200, "%s", r.body);
    json_t *teams = json_object_get(r.json, "teams");
    CHECK_EQ_INT(json_array_size(teams), 2);
    team_a = ifield(json_array_get(teams, 0), "id");
    team_b = ifield(json_array_get(teams, 1), "id");
    CHECK_EQ_INT(progress(json_array_get(teams, 0), "households"), 5);
    CHECK_EQ_INT(progress(json_array_get(teams, 1), "households"), 5);
    CHECK_EQ_INT(ifield(r.json, "unassigned"), 0);
    fxt_free(&r);
}

/* Team A walks rooms 101-105, team B 106-110 (walking order is by room). */
static void volunteer_scope(void)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/sweep-teams/%lld/households", team_a);
    fxt_resp r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECKF(r.status == 200, "%s", r.body);
    json_t *items = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(items), 5);
    CHECK_EQ_INT(ifield(json_array_get(items, 0), "id"), hh[0]);
    CHECK_STR(sfield(json_array_get(json_object_get(json_array_get(items, 0), "residents"), 0), "name"), "赵一");
    CHECK(json_is_null(json_object_get(json_array_get(items, 0), "outcome")));
    CHECK_EQ_INT(json_array_size(json_object_get(json_object_get(r.json, "questions"), "questions")), 6);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweep-teams/%lld/households", team_b);
    r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    /* the campaign as the volunteer sees it: only their own team */
    r = get_sweep(volunteer);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "teams")), 1);
    fxt_free(&r);
    /* posting on team B's list, or on team A with one of B's doors */
    fxt_resp v;
    CHECK_STR(visit(volunteer, "v-scope-1", team_b, hh[7], "\"outcome\":\"nobody_home\",\"at\":1799990000", &v),
              "rejected");
    CHECK_STR(sfield(json_object_get(result0(&v), "error"), "code"), "not_your_team");
    fxt_free(&v);
    CHECK_STR(visit(volunteer, "v-scope-2", team_a, hh[7], "\"outcome\":\"nobody_home\",\"at\":1799990000", &v),
              "rejected");
    CHECK_STR(sfield(json_object_get(result0(&v), "error"), "code"), "not_on_list");
    fxt_free(&v);
    r = get_sweep(officer);
    CHECK_EQ_INT(progress(r.json, "done") + progress(r.json, "revisit"), 0);
    fxt_free(&r);
}

/* A campaign over the community above the volunteer's workstation: being on a team is
 * what lets them see and work its list. */
static void member_beyond_own_area(void)
{
    char body[200], path[80];
    snprintf(body, sizeof body, "{\"name\":\"社区逐户排查\",\"area\":\"HKG-YH-IT\",\"questions\":%lld}", qset);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sweeps", officer, body);
    CHECKF(r.status == 201, "%s", r.body);
    long long k = ifield(r.json, "id");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld", k);
    r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECK_EQ_INT(r.status, 404); /* on no team yet */
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld/split", k);
    r = fxt_req(&srv, "POST", path, officer, "{\"teams\":[{\"name\":\"社区一组\",\"leader\":\"liutao\"}]}");
    CHECKF(r.status == 200, "%s", r.body);
    long long team = ifield(json_array_get(json_object_get(r.json, "teams"), 0), "id");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/sweep-teams", volunteer, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 2);
    CHECK_EQ_INT(ifield(json_array_get(json_object_get(r.json, "items"), 0), "id"), team); /* newest first */
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweep-teams/%lld/households?limit=3", team);
    r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECKF(r.status == 200 && json_array_size(json_object_get(r.json, "items")) == 3, "%d %s", r.status,
           r.status == 200 ? "" : r.body);
    CHECK(json_is_string(json_object_get(r.json, "next_cursor")));
    long long door = ifield(json_array_get(json_object_get(r.json, "items"), 0), "id");
    /* every resident of each door on the page (a dormitory room holds many) */
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r.json, "items"), i, d)
    {
        char hp[64];
        snprintf(hp, sizeof hp, "/api/v1/households/%lld", ifield(d, "id"));
        fxt_resp h = fxt_req(&srv, "GET", hp, officer, NULL);
        CHECKF(json_array_size(json_object_get(d, "residents")) == (size_t)ifield(h.json, "members"),
               "door %zu: %zu residents listed, %lld live there", i, json_array_size(json_object_get(d, "residents")),
               ifield(h.json, "members"));
        fxt_free(&h);
    }
    fxt_free(&r);
    CHECK_STR(visit(volunteer, "v-beyond-1", team, door, "\"outcome\":\"nobody_home\"", NULL), "ok");
    CHECK_STR(visit(volunteer_b, "v-beyond-2", team, door, "\"outcome\":\"nobody_home\"", NULL), "rejected");
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld", k);
    r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(progress(r.json, "revisit"), 1);
    fxt_free(&r);
}

/* A campaign's team linked to a standing screening team (teams): its users walk with it. */
static void linked_to_a_standing_team(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/teams", officer,
                         "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"第十二工作站排查队\",\"kind\":\"screening\"}");
    CHECKF(r.status == 201, "%s", r.body);
    long long standing = ifield(r.json, "id");
    fxt_free(&r);
    char path[80], body[300];
    snprintf(path, sizeof path, "/api/v1/teams/%lld/members", standing);
    r = fxt_req(&srv, "POST", path, officer, "{\"username\":\"wangwei\",\"role\":\"volunteer\"}");
    CHECKF(r.status == 201 || r.status == 200, "%s", r.body);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"name\":\"港城逐户排查\",\"area\":\"HKG-YH-IT-W12-GC\",\"questions\":%lld}", qset);
    r = fxt_req(&srv, "POST", "/api/v1/sweeps", officer, body);
    long long k = ifield(r.json, "id");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld/split", k);
    r = fxt_req(&srv, "POST", path, officer, "{\"teams\":[{\"name\":\"一组\",\"leader\":\"panpeng\",\"team\":999}]}");
    CHECKF(r.status == 400 && has(r.body, "teams[0].team"), "an unknown standing team is named: %s", r.body);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"teams\":[{\"name\":\"一组\",\"leader\":\"panpeng\",\"team\":%lld}]}", standing);
    r = fxt_req(&srv, "POST", path, officer, body);
    CHECKF(r.status == 200, "%s", r.body);
    json_t *t = json_array_get(json_object_get(r.json, "teams"), 0);
    CHECK_EQ_INT(ifield(t, "team_id"), standing);
    CHECK_STR(json_string_value(json_array_get(json_object_get(t, "members"), 0)), "wangwei");
    long long team = ifield(t, "id");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sweep-teams/%lld/households?limit=1", team);
    r = fxt_req(&srv, "GET", path, volunteer_b, NULL);
    CHECKF(r.status == 200, "the standing team's volunteer reads the list: %s", r.body);
    fxt_free(&r);
}

static void finding_becomes_isolation_case(void)
{
    fxt_resp v;
    CHECK_STR(visit(volunteer, "v-iso-1", team_a, hh[0],
                    "\"outcome\":\"visited\",\"at\":1799990000,\"answers\":{\"home\":2,\"returned_from\":[\"上海市浦东新区\"],"
                    "\"returned_at\":\"2027-01-10\",\"health_code\":\"green\"}",
                    &v),
              "ok");
    json_t *res = result0(&v);
    CHECK_STR(sfield(res, "decision"), "home_isolation");
    CHECK_STR(sfield(res, "rule"), "high_risk_area");
    long long iso = ifield(res, "isolation");
    CHECK(iso > 0);
    fxt_free(&v);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld", iso);
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECKF(r.status == 200, "the case exists: %s", r.body);
    CHECK_EQ_INT(ifield(json_object_get(r.json, "person"), "id") ? ifield(json_object_get(r.json, "person"), "id")
                                                                  : ifield(r.json, "person"),
                 people[0]);
    CHECK_STR(sfield(r.json, "type"), "home_isolation");
    fxt_free(&r);
    /* the same trip a month back is outside the 14 days: pass, no case */
    CHECK_STR(visit(volunteer, "v-iso-old", team_a, hh[1],
                    "\"outcome\":\"visited\",\"at\":1799990000,\"answers\":{\"home\":1,\"returned_from\":[\"上海\"],"
                    "\"returned_at\":\"2026-12-01\"}",
                    &v),
              "ok");
    CHECK_STR(sfield(result0(&v), "decision"), "pass");
    CHECK(json_is_null(json_object_get(result0(&v), "isolation")));
    fxt_free(&v);
    /* a yellow code in a household of two, with nobody named: refused, naming the field */
    CHECK_STR(visit(volunteer_b, "v-iso-who", team_b, hh[9],
                    "\"outcome\":\"visited\",\"at\":1799990000,\"answers\":{\"home\":2,\"health_code\":\"yellow\"}", &v),
              "rejected");
    CHECK_STR(sfield(json_object_get(result0(&v), "error"), "code"), "missing_person");
    CHECKF(has(sfield(json_object_get(result0(&v), "error"), "message"), "visits[0].person"), "%s", v.body);
    fxt_free(&v);
    char rest[200];
    snprintf(rest, sizeof rest, "\"outcome\":\"visited\",\"at\":1799990000,\"person\":%lld,\"answers\":{\"home\":2,\"health_code\":\"yellow\"}",
             second_resident);
    CHECK_STR(visit(volunteer_b, "v-iso-who2", team_b, hh[9], rest, &v), "ok");
    CHECK_STR(sfield(result0(&v), "decision"), "home_monitoring");
    CHECK(ifield(result0(&v), "isolation") > 0);
    fxt_free(&v);
    /* a fever is referred (the preset rules): no case, a test recall of the household's only resident */
    CHECK_STR(visit(volunteer_b, "v-fever", team_b, hh[8],
                    "\"outcome\":\"visited\",\"at\":1799990000,\"answers\":{\"home\":1,\"fever\":true}", &v),
              "ok");
    CHECK_STR(sfield(result0(&v), "decision"), "refer");
    CHECK_STR(sfield(result0(&v), "rule"), "fever");
    CHECK(json_is_null(json_object_get(result0(&v), "isolation")));
    CHECK(ifield(result0(&v), "pending_recall") > 0 || json_is_object(json_object_get(result0(&v), "recall")));
    fxt_free(&v);
}

static void difficulty_becomes_request(void)
{
    fxt_resp v;
    CHECK_STR(visit(volunteer, "v-req-1", team_a, hh[2],
                    "\"outcome\":\"needs_follow_up\",\"at\":1799990100,\"answers\":{\"home\":1,"
                    "\"difficulty\":\"独居老人，降压药快吃完了\"}",
                    &v),
              "ok");
    long long req = ifield(result0(&v), "request");
    CHECK(req > 0);
    fxt_free(&v);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/requests/%lld", req);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECKF(r.status == 200, "%s", r.body);
    CHECKF(has(sfield(r.json, "description"), "降压药"), "%s", r.body);
    CHECK_STR(sfield(r.json, "status"), "open");
    fxt_free(&r);
}

static void same_visit_twice_counts_once(void)
{
    const char *rest = "\"outcome\":\"refused\",\"at\":1799990200,\"note\":\"不开门\"";
    CHECK_STR(visit(volunteer, "v-dup-1", team_a, hh[3], rest, NULL), "ok");
    fxt_resp r = get_sweep(officer);
    long long done = progress(r.json, "done"), refused = progress(r.json, "refused");
    fxt_free(&r);
    CHECK_STR(visit(volunteer, "v-dup-1", team_a, hh[3], rest, NULL), "duplicate");
    r = get_sweep(officer);
    CHECK_EQ_INT(progress(r.json, "done"), done);
    CHECK_EQ_INT(progress(r.json, "refused"), refused);
    fxt_free(&r);
    fxt_resp v;
    CHECK_STR(visit(volunteer, "v-dup-1", team_a, hh[3], "\"outcome\":\"visited\",\"at\":1799990200,\"answers\":{\"home\":1}", &v),
              "rejected");
    CHECK_STR(sfield(json_object_get(result0(&v), "error"), "code"), "client_id_conflict");
    fxt_free(&v);
}

static void bad_input_names_the_field(void)
{
    fxt_resp v;
    CHECK_STR(visit(volunteer, "v-bad-1", team_a, hh[4], "\"outcome\":\"visited\",\"answers\":{\"home\":\"三个\"}", &v),
              "rejected");
    CHECKF(has(sfield(json_object_get(result0(&v), "error"), "message"), "visits[0].answers.home"), "%s",
           v.body);
    fxt_free(&v);
    CHECK_STR(visit(volunteer, "v-bad-2", team_a, hh[4], "\"outcome\":\"visited\",\"answers\":{}", &v), "rejected");
    CHECK_STR(sfield(json_object_get(result0(&v), "error"), "code"), "missing_answer");
    fxt_free(&v);
    CHECK_STR(visit(volunteer, "v-bad-3", team_a, hh[4], "\"outcome\":\"gone\"", &v), "rejected");
    CHECKF(has(sfield(json_object_get(result0(&v), "error"), "message"), "visits[0].outcome"), "%s", v.body);
    fxt_free(&v);
    CHECK_STR(visit(volunteer, "v-bad-4", team_a, hh[4], "\"outcome\":\"visited\",\"answers\":{\"home\":1,\"pets\":2}",
                    &v),
              "rejected");
    CHECKF(has(sfield(json_object_get(result0(&v), "error"), "message"), "answers.pets"), "%s", v.body);
    fxt_free(&v);
    /* one bad visit does not reject the others of its batch */
    char body[400];
    snprintf(body, sizeof body,
             "{\"visits\":[{\"id\":\"v-mix-1\",\"team\":%lld,\"household\":%lld,\"outcome\":\"nobody_home\",\"at\":1799990300},"
             "{\"id\":\"v-mix-2\",\"team\":%lld,\"household\":%lld,\"outcome\":\"visited\"}]}",
             team_a, hh[4], team_a, hh[4]);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sweep-visits", volunteer, body);
    json_t *res = json_object_get(r.json, "results");
    CHECK_STR(sfield(json_array_get(res, 0), "status"), "ok");
    CHECK_STR(sfield(json_array_get(res, 1), "status"), "rejected");
    fxt_free(&r);
}

/* So far: A: 101 visited (case), 102 visited, 103 follow-up, 104 refused, 105 nobody home;
 * B: 109 visited (fever), 110 visited (case). Then 105 is revisited and opens; an older nobody-home for 101
 * synced late does not undo its visit. */
static void progress_adds_up(void)
{
    fxt_resp r = get_sweep(officer);
    CHECK_EQ_INT(progress(r.json, "households"), 10);
    CHECK_EQ_INT(progress(r.json, "done"), 6);
    CHECK_EQ_INT(progress(r.json, "revisit"), 1);
    CHECK_EQ_INT(progress(r.json, "remaining"), 4);
    CHECK_EQ_INT(progress(r.json, "refused"), 1);
    CHECK_EQ_INT(progress(r.json, "follow_up"), 1);
    json_t *a = team_of(r.json, team_a), *b = team_of(r.json, team_b);
    CHECK_EQ_INT(progress(a, "done"), 4);
    CHECK_EQ_INT(progress(a, "revisit"), 1);
    CHECK_EQ_INT(progress(a, "remaining"), 1);
    CHECK_EQ_INT(progress(b, "done"), 2);
    CHECK_EQ_INT(progress(b, "remaining"), 3);
    CHECK_EQ_INT(progress(a, "done") + progress(b, "done"), progress(r.json, "done"));
    fxt_free(&r);
    CHECK_STR(visit(volunteer, "v-re-1", team_a, hh[4], "\"outcome\":\"visited\",\"at\":1799990400,\"answers\":{\"home\":3}",
                    NULL),
              "ok");
    CHECK_STR(visit(volunteer, "v-late-1", team_a, hh[0], "\"outcome\":\"nobody_home\",\"at\":1799980000", NULL), "ok");
    r = get_sweep(officer);
    a = team_of(r.json, team_a);
    CHECK_EQ_INT(progress(a, "done"), 5);
    CHECK_EQ_INT(progress(a, "revisit"), 0);
    CHECK_EQ_INT(progress(a, "remaining"), 0);
    CHECK_EQ_INT(progress(r.json, "done"), 7);
    CHECK_EQ_INT(progress(r.json, "remaining"), 3);
    fxt_free(&r);
    /* the list shows each door's latest outcome */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/sweep-teams/%lld/households", team_a);
    r = fxt_req(&srv, "GET", path, volunteer, NULL);
    json_t *items = json_object_get(r.json, "items");
    CHECK_STR(sfield(json_array_get(items, 0), "outcome"), "visited");
    CHECK_EQ_INT(ifield(json_array_get(items, 0), "visits"), 2);
    CHECK_STR(sfield(json_array_get(items, 4), "outcome"), "visited");
    fxt_free(&r);
    /* a re-split moves only the doors nobody has knocked at: B's three open ones, 2 and 1 */
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld/split", sweep);
    r = fxt_req(&srv, "POST", path, officer,
                "{\"teams\":[{\"name\":\"二组\",\"leader\":\"panpeng\",\"members\":[\"wangwei\"]},"
                "{\"name\":\"三组\",\"leader\":\"panpeng\"}]}");
    CHECKF(r.status == 200, "%s", r.body);
    a = team_of(r.json, team_a);
    b = team_of(r.json, team_b);
    CHECK_EQ_INT(progress(a, "households"), 5);
    CHECK_EQ_INT(progress(b, "households"), 4); /* its two visited doors and two open ones */
    CHECK_EQ_INT(progress(b, "done"), 2);
    json_t *c = json_array_get(json_object_get(r.json, "teams"), 2);
    CHECK_STR(sfield(c, "name"), "三组");
    CHECK_EQ_INT(progress(c, "households"), 1);
    CHECK_EQ_INT(progress(r.json, "households"), 10);
    fxt_free(&r);
}

/* The campaign's register: a row per household in walking order with its latest visit. */
static void register_export(void)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/exports/sweeps/%lld?format=csv", sweep);
    fxt_resp r = fxt_req(&srv, "GET", path, volunteer, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(fxt_header(&r, "X-Rows"), "10");
    CHECKF(has(r.body, "\"序号\",\"小组\",\"地址\",\"房号\""), "%.200s", r.body);
    /* room 101: visited twice, the latest opened the door and was judged home isolation */
    const char *row = r.body ? strstr(r.body, "\"1\",\"一组\"") : NULL;
    CHECKF(row && has(row, "\"已入户\"") && has(row, "\"居家隔离\""), "%.300s", row ? row : "");
    fxt_free(&r);
    char id[24];
    snprintf(id, sizeof id, "%lld", sweep);
    char *out = NULL;
    const char *args[] = {"export", "sweep", "--sweep", id, "--english", NULL};
    CHECK_EQ_INT(fxt_cli(&srv, NULL, &out, args), 0);
    CHECKF(has(out, "\"seq\",\"team\",\"address\"") && has(out, "\"home_isolation\""), "%.300s", out ? out : "");
    free(out);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    RUN(setup);
    RUN(question_sets_and_campaign);
    RUN(volunteer_scope);
    RUN(member_beyond_own_area);
    RUN(linked_to_a_standing_team);
    RUN(finding_becomes_isolation_case);
    RUN(difficulty_becomes_request);
    RUN(same_visit_twice_counts_once);
    RUN(bad_input_names_the_field);
    RUN(progress_adds_up);
    RUN(register_export);
    fxt_teardown(&srv);
    char **toks[] = {&officer, &staff, &volunteer, &volunteer_b, &officer_zz, &admin};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_sweep");
}
