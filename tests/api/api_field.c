/* API tests: checkpoints and arrivals (every decision rule, a risk-area arrival that
 * becomes an isolation case, an offline entry judged at its own time, the same entry
 * twice stored once, risk-area CSV with bad rows, the register and its export, the red-code
 * hook of 应隔尽隔) and work orders (pushed twice counted once, routing by ID, by address
 * and to triage, transitions, feedback queued, overdue by the clock, partner-token and
 * scope refusals). */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL
#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *officer_zz, *staff, *registrar, *volunteer, *partner;
static long long cp, p_gc, hh_gc;
static char id_gc[19];


static void login_all(void)
{
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &registrar, &volunteer};
    const char *names[] = {"admin", "cuizhengbo", "lijunchuan", "panpeng", "zhangmingqiang", "liutao"};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
        free(*toks[i]);
        *toks[i] = fxt_login(&srv, names[i], pw);
        CHECKF(*toks[i] != NULL, "login %s", names[i]);
    }
}

static int status_of(const char *method, const char *path, const char *token, const char *body, char code[48])
{
    return fxt_status(&srv, method, path, token, body, code);
}

static int post_csv(const char *path, const char *token, const char *csv, fxt_resp *out)
{
    char req[4096];
    int n = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Authorization: Bearer %s\r\nContent-Type: text/csv; charset=utf-8\r\n"
                                      "Content-Length: %zu\r\n\r\n%s", path, token, strlen(csv), csv);
    *out = fxt_raw(&srv, req, (size_t)n, 30000);
    return out->status;
}

#define BORN "41018419850303" /* the ID numbers of this test's people: region and birth date */

static long long person(unsigned seq, const char *name, const char *room, long long *household)
{
    char id[19], body[300];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"id_number\":\"%s\",\"area\":\"HKG-YH-IT-W12-GC-B1-U1\",\"room\":\"%s\"}", name, id,
             room);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/persons", staff, body);
    CHECKF(r.status == 201, "person %s: %d %s", name, r.status, r.body);
    long long v = ifield(r.json, "id");
    if (household)
        *household = ifield(r.json, "household");
    fxt_free(&r);
    return v;
}

/* One entry of person seq at the checkpoint; extra: more JSON members. Returns the answer. */
static fxt_resp entry(const char *client_id, unsigned seq, const char *code, const char *extra)
{
    char id[19], body[800];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"person\":{\"id_number\":\"%s\"},\"health_code\":\"%s\"%s%s}",
             client_id, id, code, extra ? "," : "", extra ? extra : "");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/checkpoints/%lld/entries", cp);
    return fxt_req(&srv, "POST", path, staff, body);
}

static void setup(void)
{
    static const char *const names[] = {"", "过一", "热二", "红三", "沪四", "黄五", "陕六", "晚七", "晚八", "蓉九", "蓉十", "复十一"};
    char room[8];
    for (unsigned i = 1; i <= 11; i++) {
        snprintf(room, sizeof room, "%u", 100 + i);
        person(i, names[i], room, NULL);
    }
    p_gc = person(20, "工单人", "501", &hh_gc);
    fxt_id_number(id_gc, BORN, 20);
    const char *args[] = {"token", "add", "city-platform", "--kind", "partner", "--area", "HKG-YH", NULL};
    char *out = NULL;
    if (fxt_cli(&srv, NULL, &out, args) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    partner = out;
    CHECK(partner && strncmp(partner, "fxp_", 4) == 0);
}

static void checkpoints(void)
{
    const char *body = "{\"name\":\"港城路卡口\",\"area\":\"HKG-YH-IT-W12\",\"posts\":2,\"hours\":\"00:00-24:00\"}";
    char code[48];
    CHECK_EQ_INT(status_of("POST", "/api/v1/checkpoints", registrar, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/checkpoints", officer_zz, body, code), 403);
    CHECK_STR(code, "outside_area");
    CHECK_EQ_INT(status_of("POST", "/api/v1/checkpoints", officer, "{\"name\":\"x\",\"area\":\"HKG-YH\",\"hours\":\"8-20\"}",
                           code), 400);
    CHECK_STR(code, "invalid_hours");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/checkpoints", officer, body);
    CHECK_EQ_INT(r.status, 201);
    cp = ifield(r.json, "id");
    CHECK_EQ_INT(ifield(r.json, "posts"), 2);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", "/api/v1/checkpoints", officer, body, code), 409);
    r = fxt_req(&srv, "GET", "/api/v1/checkpoints", officer_zz, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
}

static void risk_csv_with_bad_rows(void)
{
    const char *csv = "name,level,valid_from,valid_to\n"
                      "上海市浦东新区,high,2027-01-01,2027-01-31\n"
                      "西安市,medium,2027-01-01,2027-01-31\n"
                      "北京市,severe,2027-01-01,2027-01-31\n"
                      ",high,2027-01-01,2027-01-31\n"
                      "成都市,high,2026-12-01,2026-12-10\n"
                      "广州市,high,2027-01-10,2027x\n";
    fxt_resp r;
    CHECK_EQ_INT(post_csv("/api/v1/risk-areas", staff, csv, &r), 403);
    fxt_free(&r);
    CHECK_EQ_INT(post_csv("/api/v1/risk-areas", officer, csv, &r), 403); /* a sub-district's: the list is city-wide */
    CHECK_STR(fxt_err(&r), "risk_list_city_wide");
    fxt_free(&r);
    CHECK_EQ_INT(post_csv("/api/v1/risk-areas", admin, csv, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "stored"), 3);
    json_t *rej = json_object_get(r.json, "rejected");
    CHECK_EQ_INT(json_array_size(rej), 3);
    long long rows[3] = {4, 5, 7};
    const char *codes[3] = {"invalid_level", "invalid_name", "invalid_valid_to"};
    for (size_t i = 0; i < 3 && i < json_array_size(rej); i++) {
        CHECK_EQ_INT(ifield(json_array_get(rej, i), "row"), rows[i]);
        CHECK_STR(sfield(json_array_get(rej, i), "code"), codes[i]);
    }
    CHECKF(strstr(r.body, "row 4, level") != NULL, "the message names row and field: %s", r.body);
    fxt_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/risk-areas?at=%lld", T0);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2); /* 成都 expired in December */
    fxt_free(&r);
}

static void check_decision(const char *client_id, unsigned seq, const char *code, const char *extra,
                           const char *decision, const char *rule, bool has_case)
{
    fxt_resp r = entry(client_id, seq, code, extra);
    CHECKF(r.status == 201, "%s: %d %s", client_id, r.status, r.body);
    CHECKF(sfield(r.json, "decision") && strcmp(sfield(r.json, "decision"), decision) == 0, "%s: %s", client_id,
           r.body);
    CHECKF(sfield(r.json, "rule") && strcmp(sfield(r.json, "rule"), rule) == 0, "%s: %s", client_id, r.body);
    json_t *iso = json_object_get(r.json, "isolation");
    CHECKF(has_case ? json_is_integer(iso) : json_is_null(iso), "%s isolation: %s", client_id, r.body);
    fxt_free(&r);
}

static void every_decision_rule(void)
{
    check_decision("e-pass", 1, "green", "\"cities\":[\"郑州市\"],\"temperature\":36.5,\"plate\":\"豫A12345\"", "pass",
                   "none", false);
    check_decision("e-fever", 2, "green", "\"temperature\":37.8", "refer", "fever", false);
    check_decision("e-red", 3, "red", "\"temperature\":36.4", "refer", "red_code", false);
    check_decision("e-yellow", 5, "yellow", NULL, "home_monitoring", "yellow_code", true);
    check_decision("e-medium", 6, "green", "\"cities\":[\"西安市雁塔区\"]", "home_monitoring", "medium_risk_area", true);
    char code[48];
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, "{}", code), 400); /* sanity: route exists */
    fxt_resp r = entry("e-bad", 1, "blue", NULL);
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_health_code");
    fxt_free(&r);
}

static void risk_area_arrival_becomes_a_case(void)
{
    fxt_resp r = entry("e-high", 4, "green", "\"cities\":[\"上海\"],\"purpose\":\"返乡\",\"hardship\":\"家中老人无人照顾\"");
    CHECK_EQ_INT(r.status, 201);
    CHECK_STR(sfield(r.json, "decision"), "home_isolation");
    CHECK_STR(sfield(r.json, "risk_area"), "上海市浦东新区");
    long long iso = ifield(r.json, "isolation");
    fxt_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/isolations/%lld", iso);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "reason"), "risk_area_arrival");
    CHECK_STR(sfield(r.json, "type"), "home_isolation");
    CHECK_STR(sfield(r.json, "status"), "active");
    fxt_free(&r);
}

/* The request made of a hardship, read back by the workstation's staff. */
static json_t *hardship_request(const fxt_resp *entry_answer, fxt_resp *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/requests/%lld", ifield(entry_answer->json, "request"));
    *r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECKF(r->status == 200, "request %s: %d", path, r->status);
    return r->json;
}

static void hardship_becomes_a_request(void)
{
    /* a registered resident: a request of their own household, naming them */
    fxt_resp e = entry("e-hard", 6, "green", "\"hardship\":\"家中老人无人照顾\"");
    CHECK_EQ_INT(e.status, 201);
    fxt_resp r;
    json_t *q = hardship_request(&e, &r);
    CHECK_STR(sfield(q, "kind"), "other");
    CHECK_STR(sfield(q, "status"), "open");
    CHECKF(sfield(q, "description") && strstr(sfield(q, "description"), "家中老人无人照顾") &&
               strstr(sfield(q, "description"), "港城路卡口"),
           "%s", sfield(q, "description"));
    CHECK_EQ_INT(ifield(q, "person"), ifield(json_object_get(e.json, "person"), "id"));
    CHECK(ifield(q, "deadline") > T0);
    fxt_free(&r);
    fxt_free(&e);
    /* going to another household: the request is that household's */
    char extra[160];
    snprintf(extra, sizeof extra, "\"household\":%lld,\"hardship\":\"缺少药品\"", hh_gc);
    e = entry("e-hard-dest", 10, "green", extra);
    CHECK_EQ_INT(e.status, 201);
    q = hardship_request(&e, &r);
    CHECK_EQ_INT(ifield(q, "household"), hh_gc);
    CHECK(json_is_null(json_object_get(q, "person")));
    fxt_free(&r);
    fxt_free(&e);
    /* none noted, none made */
    e = entry("e-no-hard", 10, "green", NULL);
    CHECK(json_is_null(json_object_get(e.json, "request")));
    fxt_free(&e);
}

static void same_entry_twice_stored_once(void)
{
    fxt_resp a = entry("e-twice", 11, "green", NULL);
    fxt_resp b = entry("e-twice", 11, "green", NULL);
    CHECK_EQ_INT(a.status, 201);
    CHECK_EQ_INT(b.status, 200);
    CHECK_EQ_INT(ifield(a.json, "id"), ifield(b.json, "id"));
    CHECK(json_is_true(json_object_get(b.json, "duplicate")));
    fxt_free(&a);
    fxt_free(&b);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/arrivals?area=HKG-YH-IT-W12", staff, NULL);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items(&r), i, it) n += strcmp(sfield(it, "client_id"), "e-twice") == 0;
    CHECK_EQ_INT(n, 1);
    fxt_free(&r);
}

static void offline_entry_judged_at_its_time(void)
{
    /* from an hour ago a medium-risk area no longer calls for monitoring (version 2) */
    char body[200], extra[200];
    snprintf(body, sizeof body, "{\"on_medium\":\"pass\",\"effective_from\":%lld}", T0 - 3600);
    char code[48];
    CHECK_EQ_INT(status_of("POST", "/api/v1/arrival-rules", officer, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/arrival-rules", admin, body, code), 201);
    /* made two days ago offline, synced now: version 1 decides */
    snprintf(extra, sizeof extra, "\"cities\":[\"西安\"],\"at\":%lld", T0 - 2 * DAY);
    fxt_resp r = entry("e-offline-1", 7, "green", extra);
    CHECK_STR(sfield(r.json, "decision"), "home_monitoring");
    CHECK_EQ_INT(ifield(r.json, "rules_version"), 1);
    CHECK_EQ_INT(ifield(r.json, "at"), T0 - 2 * DAY);
    fxt_free(&r);
    r = entry("e-now-1", 8, "green", "\"cities\":[\"西安\"]");
    CHECK_STR(sfield(r.json, "decision"), "pass");
    CHECK_EQ_INT(ifield(r.json, "rules_version"), 2);
    fxt_free(&r);
    /* 成都 was high-risk in early December: an entry made then is judged by that list */
    snprintf(extra, sizeof extra, "\"cities\":[\"成都\"],\"at\":%lld", T0 - 41 * DAY);
    r = entry("e-offline-2", 9, "green", extra);
    CHECK_STR(sfield(r.json, "decision"), "home_isolation");
    CHECK(json_is_integer(json_object_get(r.json, "isolation")));
    fxt_free(&r);
    r = entry("e-now-2", 10, "green", "\"cities\":[\"成都\"]");
    CHECK_STR(sfield(r.json, "decision"), "pass");
    fxt_free(&r);
    snprintf(extra, sizeof extra, "\"at\":%lld", T0 + DAY);
    r = entry("e-future", 10, "green", extra);
    CHECK_EQ_INT(r.status, 422);
    fxt_free(&r);
}

static void walk_in_scope_register_and_gaps(void)
{
    char path[64], body[300];
    snprintf(path, sizeof path, "/api/v1/checkpoints/%lld/entries", cp);
    char walk_id[19], walk[300];
    fxt_id_number(walk_id, BORN, 30);
    snprintf(walk, sizeof walk, "{\"id\":\"e-walk\",\"person\":{\"id_number\":\"%s\",\"name\":\"外来人\","
             "\"phone\":\"13800000001\"},\"health_code\":\"green\"}", walk_id);
    fxt_resp r = fxt_req(&srv, "POST", path, staff, walk);
    CHECKF(r.status == 201, "%d %s", r.status, r.body);
    CHECK(json_is_true(json_object_get(r.json, "walk_in")));
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"id\":\"e-x\",\"person\":{\"id_number\":\"%s\"},\"health_code\":\"green\"}", id_gc);
    char code[48];
    CHECK_EQ_INT(status_of("POST", path, officer_zz, body, code), 404);
    CHECK_STR(code, "checkpoint_not_found");
    CHECK_EQ_INT(status_of("POST", path, volunteer, body, code), 403);
    CHECK_EQ_INT(status_of("POST", path, partner, body, code), 403);
    /* the red-code arrival is an open 应隔尽隔 gap until a case is opened */
    r = fxt_req(&srv, "GET", "/api/v1/isolations/gaps", staff, NULL);
    int red = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items(&r), i, it) red += strcmp(sfield(it, "source"), "red_code_arrival") == 0;
    CHECK_EQ_INT(red, 1);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/arrivals?area=HKG-YH-IT-W12", staff, NULL);
    int entries = (int)json_array_size(items(&r));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/exports/returnees?area=HKG-YH-IT-W12", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    const char *rows = fxt_header(&r, "X-Rows"); /* every entry of the village's register */
    CHECKF(rows && entries >= 12 && atoi(rows) == entries, "X-Rows %s of %d entries", rows ? rows : "(none)", entries);
    CHECK(strstr(r.body, "港城路卡口") != NULL);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", "/api/v1/exports/returnees?area=HKG-ZZ", staff, NULL, code), 404);
    r = fxt_req(&srv, "GET", "/api/v1/exports/returnees?format=xlsx", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(r.body_len > 4 && memcmp(r.body, "PK", 2) == 0);
    fxt_free(&r);
}

/* ---- work orders ---- */

static fxt_resp push(const char *ext, const char *subject, long long deadline)
{
    char body[600];
    snprintf(body, sizeof body,
             "{\"external_id\":\"%s\",\"kind\":\"核查\",\"title\":\"核查返郑人员\",\"subject\":%s,\"deadline\":%lld,"
             "\"body\":\"请于今日核查\"}",
             ext, subject, deadline);
    return fxt_req(&srv, "POST", "/api/v1/work-orders", partner, body);
}

static long long order_by_id, order_addr, order_triage;

static void work_order_pushed_twice_counts_once(void)
{
    char subj[100];
    snprintf(subj, sizeof subj, "{\"id_number\":\"%s\",\"name\":\"工单人\"}", id_gc);
    fxt_resp a = push("WO-1", subj, T0 + DAY), b = push("WO-1", subj, T0 + DAY);
    CHECKF(a.status == 201, "%d %s", a.status, a.body);
    CHECK_EQ_INT(b.status, 200);
    CHECK_EQ_INT(ifield(a.json, "id"), ifield(b.json, "id"));
    CHECK(json_is_true(json_object_get(b.json, "duplicate")));
    order_by_id = ifield(a.json, "id");
    /* routing by ID number: the person's workstation */
    CHECK_STR(sfield(a.json, "area"), "HKG-YH-IT-W12");
    CHECK_STR(sfield(a.json, "routing"), "person");
    CHECK_STR(sfield(a.json, "status"), "new");
    fxt_free(&a);
    fxt_free(&b);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/work-orders", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
}

static void routing_by_address_and_to_triage(void)
{
    fxt_resp r = push("WO-2", "{\"address\":\"港城公寓1号楼1单元\"}", T0 + DAY);
    CHECK_STR(sfield(r.json, "area"), "HKG-YH-IT-W12");
    CHECK_STR(sfield(r.json, "routing"), "address");
    order_addr = ifield(r.json, "id");
    fxt_free(&r);
    r = push("WO-3", "{\"name\":\"无名\",\"address\":\"不存在路99号\"}", T0 + DAY);
    CHECK(json_is_null(json_object_get(r.json, "area")));
    CHECK_STR(sfield(r.json, "routing"), "triage");
    CHECK_STR(sfield(r.json, "queue"), "HKG-YH");
    order_triage = ifield(r.json, "id");
    fxt_free(&r);
    /* the partner reads its order back by external_id, as the contract says */
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?external_id=WO-2", partner, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "status"), "new");
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    CHECK(json_is_null(json_object_get(r.json, "assignee")));
    fxt_free(&r);
    char code[48];
    /* the staff of W12 handle the orders assigned to them: none yet of the two routed there */
    r = fxt_req(&srv, "GET", "/api/v1/work-orders", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", order_triage);
    CHECK_EQ_INT(status_of("GET", path, officer, NULL, code), 200);
    CHECK_EQ_INT(status_of("GET", path, staff, NULL, code), 404);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    /* the triage queue holds what no workstation matched; the status filter what is new */
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?triage=1", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 0), "id"), order_triage);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?status=new", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 3);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?status=done", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", "/api/v1/work-orders?status=finished", officer, NULL, code), 400);
    /* the officer routes the triage order by hand */
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/assign", order_triage);
    r = fxt_req(&srv, "POST", path, officer, "{\"area\":\"HKG-YH-IT-W12\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "routing"), "manual");
    fxt_free(&r);
}

static void partner_token_refused_elsewhere(void)
{
    char code[48];
    CHECK_EQ_INT(status_of("GET", "/api/v1/persons?q=工单人", partner, NULL, code), 403);
    CHECK_EQ_INT(status_of("GET", "/api/v1/checkpoints", partner, NULL, code), 403);
    CHECK_EQ_INT(status_of("GET", "/api/v1/work-orders", partner, NULL, code), 400);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", order_by_id);
    CHECK_EQ_INT(status_of("POST", path, partner, "{\"status\":\"accepted\"}", code), 403);
    /* people do not push orders in the platform's name */
    CHECK_EQ_INT(status_of("POST", "/api/v1/work-orders", staff, "{}", code), 403);
}

static void transitions_feedback_and_history(void)
{
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/assign", order_by_id);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"user\":\"panpeng\"}", code), 403);
    CHECK_EQ_INT(status_of("POST", path, officer_zz, "{\"user\":\"panpeng\"}", code), 404);
    CHECK_EQ_INT(status_of("POST", path, officer, "{\"user\":\"lijunchuan\"}", code), 400);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, "{\"user\":\"panpeng\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "assignee"), "panpeng");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 0), "id"), order_by_id);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", order_by_id);
    r = fxt_req(&srv, "POST", path, staff, "{\"status\":\"done\",\"feedback\":\"已核查\"}");
    CHECK_EQ_INT(r.status, 422);
    CHECK_STR(fxt_err(&r), "invalid_transition");
    CHECKF(strstr(r.body, "accepted or returned") != NULL, "names the allowed next statuses: %s", r.body);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"accepted\"}", code), 200);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"in_progress\"}", code), 200);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"done\"}", code), 400);
    CHECK_STR(code, "missing_field");
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"done\",\"feedback\":\"已上门核查，居家监测\"}", code), 200);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"returned\",\"feedback\":\"x\"}", code), 422);
    /* staff change only their own orders */
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", order_addr);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"status\":\"accepted\"}", code), 403);
    CHECK_STR(code, "not_assignee");
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", order_by_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    json_t *h = json_object_get(r.json, "history");
    CHECK_EQ_INT(json_array_size(h), 5);
    CHECK_STR(sfield(json_array_get(h, 0), "action"), "push");
    CHECK_STR(sfield(json_array_get(h, 4), "status"), "done");
    fxt_free(&r);
    /* the feedback waits for the webhook, in the contract's format */
    sqlite3 *db;
    CHECK(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *s;
    CHECK(sqlite3_prepare_v2(db, "SELECT payload FROM work_order_feedback ORDER BY id DESC LIMIT 1", -1, &s, NULL) ==
          SQLITE_OK);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    json_t *p = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
    CHECK_STR(sfield(p, "external_id"), "WO-1");
    CHECK_STR(sfield(p, "status"), "done");
    CHECK_STR(sfield(p, "feedback"), "已上门核查，居家监测");
    CHECK_STR(sfield(p, "handled_by"), "panpeng");
    CHECK(json_is_integer(json_object_get(p, "at")) && json_object_size(p) == 5);
    json_decref(p);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void csv_push_with_bad_rows(void)
{
    char csv[600];
    snprintf(csv, sizeof csv,
             "external_id,kind,title,id_number,name,address,deadline,body\n"
             "WO-10,核查,核查一,,,港城公寓1号楼,%lld,\n"
             "WO-1,核查,again,,,,%lld,\n"
             "WO-11,核查,核查二,,,,tomorrow,\n",
             T0 + 3600, T0 + DAY);
    fxt_resp r;
    CHECK_EQ_INT(post_csv("/api/v1/work-orders", partner, csv, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "ok"), 1);
    CHECK_EQ_INT(ifield(r.json, "duplicate"), 1);
    CHECK_EQ_INT(ifield(r.json, "rejected"), 1);
    json_t *bad = json_array_get(json_object_get(r.json, "results"), 2);
    CHECK_EQ_INT(ifield(bad, "row"), 4);
    CHECKF(strstr(r.body, "row 4, deadline") != NULL, "%s", r.body);
    fxt_free(&r);
}

static void overdue_by_the_clock(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/work-orders?external_id=WO-10", partner, NULL);
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    fxt_free(&r);
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    snprintf(srv.now, sizeof srv.now, "%lld", T0 + 7200);
    CHECK_EQ_INT(fxt_start(&srv), 0);
    login_all();
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?external_id=WO-10", partner, NULL);
    CHECK(json_is_true(json_object_get(r.json, "overdue")));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?overdue=1", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "external_id"), "WO-10");
    fxt_free(&r);
    /* done orders are never overdue */
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?external_id=WO-1", partner, NULL);
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    login_all();
    RUN(setup);
    RUN(checkpoints);
    RUN(risk_csv_with_bad_rows);
    RUN(every_decision_rule);
    RUN(risk_area_arrival_becomes_a_case);
    RUN(hardship_becomes_a_request);
    RUN(same_entry_twice_stored_once);
    RUN(offline_entry_judged_at_its_time);
    RUN(walk_in_scope_register_and_gaps);
    RUN(work_order_pushed_twice_counts_once);
    RUN(routing_by_address_and_to_triage);
    RUN(partner_token_refused_elsewhere);
    RUN(transitions_feedback_and_history);
    RUN(csv_push_with_bad_rows);
    RUN(overdue_by_the_clock);
    fxt_teardown(&srv);
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &registrar, &volunteer, &partner};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_field");
}
