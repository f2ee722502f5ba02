/* API tests from the security review of the recent endpoints: what one sub-district's
 * users must not see or reach of another's, or of the system's own (admin-only) queue. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/round_fixture.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */

static fxt_server srv;
static rcv rv;
static char pw[32];
static char *admin, *zz_officer, *yh_officer, *city_partner, *zz_partner, *w12_staff, *w12_staff2, *city_officer;
static long long triage_order;

/* Requests to the receiver under prefix whose body mentions text. */
static int received(const char *prefix, const char *text)
{
    int n = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        n += !strncmp(rv.req[i].target, prefix, strlen(prefix)) && rv.req[i].body && strstr(rv.req[i].body, text);
    pthread_mutex_unlock(&rv.mu);
    return n;
}

static void platform_channel(const char *token, const char *area, const char *path)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"name\":\"platform %s\",\"kind\":\"webhook\",\"audience\":\"platform\",\"url\":\"http://127.0.0.1:%d%s\","
             "\"secret\":\"s\",\"area\":\"%s\"}",
             area, rv.port, path, area);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/channels", token, body);
    CHECKF(r.status == 201, "platform channel at %s: %d %s", area, r.status, r.body);
    fxt_free(&r);
}

/* An order the city platform pushes without an address anyone knows waits in the system's
 * triage queue, which only system administrators see; the feedback on it goes to the city's
 * platform channel, not to a channel a sub-district officer set up for his own area. */
static void triage_feedback_stays_out_of_subdistrict_channels(void)
{
    platform_channel(zz_officer, "HKG-ZZ", "/zz");
    platform_channel(admin, "HKG", "/city");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/work-orders", city_partner,
                         "{\"external_id\":\"SEC-TRIAGE-1\",\"title\":\"核查\",\"subject\":{\"id_number\":"
                         "\"110105194912310046\",\"address\":\"无此地址\"},\"deadline\":1800086400}");
    CHECKF(r.status == 201, "push: %d %s", r.status, r.body);
    long long id = triage_order = json_integer_value(json_object_get(r.json, "id"));
    CHECK(json_is_null(json_object_get(r.json, "queue")));
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    r = fxt_req(&srv, "GET", path, zz_officer, NULL);
    CHECK_EQ_INT(r.status, 404); /* the queue itself is hidden from him */
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", id);
    r = fxt_req(&srv, "POST", path, admin, "{\"status\":\"returned\",\"feedback\":\"查无此人 TRIAGE-FEEDBACK\"}");
    CHECKF(r.status == 200, "status: %d %s", r.status, r.body);
    fxt_free(&r);
    bool city = false;
    for (int w = 0; w < 10000 && !city; w += 50, usleep(50000))
        city = received("/city", "TRIAGE-FEEDBACK") > 0;
    CHECKF(city, "the feedback never reached the city's platform channel");
    usleep(500 * 1000); /* a later pass would have sent it too */
    CHECKF(received("/zz", "TRIAGE-FEEDBACK") == 0, "张庄's own platform channel received the triage queue's feedback");
}

static long long zz_site(const char *name, double lat, double lng)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"area\":\"HKG-ZZ-ZZC\",\"lat\":%.4f,\"lng\":%.4f,\"tables\":1}",
             name, lat, lng);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sites", zz_officer, body);
    CHECKF(r.status == 201, "site: %d %s", r.status, r.body ? r.body : "");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static int setup_with_driver(long long round, long long a, long long b, const char *driver, fxt_resp *out)
{
    char body[1200], path[80];
    snprintf(body, sizeof body,
             "{\"hub\":\"LAB\",\"hub_lat\":34.5,\"hub_lng\":113.8,\"speed_kmh\":30,"
             "\"vehicles\":[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10,\"driver\":\"%s\"}],"
             "\"pickups\":[{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld},"
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld}]}",
             T0 + 3600, T0 + 36000, driver, a, T0 + 7200, T0 + 14400, b, T0 + 7200, T0 + 14400);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    *out = fxt_req(&srv, "PUT", path, zz_officer, body);
    return out->status;
}

/* A round's vehicles name their drivers, who then read the round's runs (GET
 * /transport/my-runs): 张庄's officer may name 张庄's drivers, not 银河's. */
static void round_driver_from_another_subdistrict(void)
{
    CHECK(rfx_open(srv.db) == 0);
    long long round = rfx_round("HKG-ZZ", T0 + 3600, T0 + 86400);
    rfx_close();
    long long a = zz_site("翟庄东点", 34.51, 113.81), b = zz_site("翟庄西点", 34.52, 113.79);
    fxt_resp r;
    int st = setup_with_driver(round, a, b, "lijianhua", &r); /* 银河's driver */
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(st == 400 && msg && strstr(msg, "vehicles[0].driver"), "a driver of 银河 on 张庄's round: %d %s", st,
           r.body ? r.body : "");
    fxt_free(&r);
    st = setup_with_driver(round, a, b, "zzdriver", &r);
    CHECKF(st == 200, "张庄's own driver: %d %s", st, r.body ? r.body : "");
    fxt_free(&r);
}

static long long id_of_created(const char *path, const char *token, const char *body)
{
    fxt_resp r = fxt_req(&srv, "POST", path, token, body);
    CHECKF(r.status == 201, "%s: %d %s", path, r.status, r.body ? r.body : "");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

/* status and error code of a request by 张庄's officer */
static void zz_refused(const char *method, const char *path, const char *body, int status, const char *code)
{
    fxt_resp r = fxt_req(&srv, method, path, zz_officer, body);
    CHECKF(r.status == status && strcmp(fxt_err(&r), code) == 0, "%s %s %s: %d %s (expected %d %s)", method, path,
           body ? body : "", r.status, r.body ? r.body : "", status, code);
    fxt_free(&r);
}

/* Ids in a body that point into 银河 (a team, a round, a person, a channel) are refused to 张庄's
 * officer as if they did not exist, on the routes that bind them to something of his own. */
static void other_subdistrict_ids_in_bodies(void)
{
    long long team = id_of_created("/api/v1/teams", yh_officer, "{\"area\":\"HKG-YH\",\"name\":\"银河值班队\",\"kind\":\"duty\"}");
    char body[600], path[80];
    snprintf(body, sizeof body, "{\"name\":\"t\",\"kind\":\"wecom\",\"audience\":\"team\",\"team\":%lld,\"url\":\"http://x/\"}",
             team);
    zz_refused("POST", "/api/v1/channels", body, 404, "team_not_found");
    snprintf(body, sizeof body, "{\"area\":\"HKG-ZZ\",\"name\":\"卡口岗\",\"kind\":\"checkpoint\",\"team\":%lld}", team);
    zz_refused("POST", "/api/v1/posts", body, 400, "team_not_found");
    CHECK(rfx_open(srv.db) == 0);
    long long round = rfx_round("HKG-YH", T0 + 3600, T0 + 86400);
    rfx_close();
    snprintf(body, sizeof body, "{\"name\":\"r\",\"kind\":\"wecom\",\"audience\":\"officer\",\"round\":%lld,\"url\":\"http://x/\"}",
             round);
    zz_refused("POST", "/api/v1/channels", body, 404, "round_not_found");
    long long ch = id_of_created("/api/v1/channels", yh_officer,
                                 "{\"name\":\"银河\",\"kind\":\"wecom\",\"audience\":\"officer\",\"area\":\"HKG-YH\","
                                 "\"url\":\"http://x/\"}");
    snprintf(path, sizeof path, "/api/v1/channels/%lld", ch);
    zz_refused("PATCH", path, "{\"url\":\"http://evil/\"}", 404, "channel_not_found");
    zz_refused("GET", path, NULL, 404, "channel_not_found");
    /* a registry person of 银河 as a member of 张庄's team or a mentee */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/persons?area=HKG-YH-IT-W12-XR&limit=1", yh_officer, NULL);
    long long person = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    fxt_free(&r);
    CHECK(person > 0);
    long long zz_team = id_of_created("/api/v1/teams", zz_officer, "{\"area\":\"HKG-ZZ\",\"name\":\"张庄值班队\",\"kind\":\"duty\"}");
    snprintf(path, sizeof path, "/api/v1/teams/%lld/members", zz_team);
    snprintf(body, sizeof body, "{\"person\":%lld,\"role\":\"volunteer\"}", person);
    zz_refused("POST", path, body, 400, "person_not_found");
    fxt_resp u = fxt_req(&srv, "POST", path, zz_officer, "{\"user\":999999,\"role\":\"staff\"}");
    CHECKF(u.status == 400 && u.body && strstr(u.body, "user 999999 does not exist"), "unknown user id: %d %s", u.status,
           u.body ? u.body : "");
    fxt_free(&u);
    snprintf(body, sizeof body, "{\"area\":\"HKG-ZZ\",\"mentor_username\":\"lijunchuan\",\"mentee_person\":%lld}", person);
    zz_refused("POST", "/api/v1/mentor-pairs", body, 400, "person_not_found");
    zz_refused("POST", "/api/v1/mentor-pairs",
               "{\"area\":\"HKG-ZZ\",\"mentor_username\":\"lijunchuan\",\"mentee_username\":\"panpeng\"}", 400,
               "user_not_found");
}

/* An order the city platform pushes about a resident of 港城公寓 (routed to 第十二工作站). */
static long long push_w12(const char *external_id, const char *id_number)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"external_id\":\"%s\",\"title\":\"核查\",\"subject\":{\"id_number\":\"%s\",\"address\":"
             "\"港城公寓1号楼1单元\"},\"deadline\":1800086400}",
             external_id, id_number);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/work-orders", city_partner, body);
    CHECKF(r.status == 201, "push %s: %d %s", external_id, r.status, r.body ? r.body : "");
    const char *queue = json_string_value(json_object_get(r.json, "queue"));
    CHECKF(queue && !strcmp(queue, "HKG-YH-IT-W12"), "%s routed to %s", external_id, queue ? queue : "triage");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static fxt_resp assign(long long id, const char *token, const char *body)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/assign", id);
    return fxt_req(&srv, "POST", path, token, body);
}

static int get_status(long long id, const char *token)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    fxt_resp r = fxt_req(&srv, "GET", path, token, NULL);
    int st = r.status;
    fxt_free(&r);
    return st;
}

/* Staff handle the work orders assigned to them (contract.md, "Roles"): they list and read
 * only those, not the others of their workstation with their subjects' ID numbers; the
 * workstation's officer sees them all. */
static void staff_see_only_orders_assigned_to_them(void)
{
    long long mine = push_w12("SEC-W12-MINE", "110105194912310038"),
              other = push_w12("SEC-W12-OTHER", "110105194912310054"),
              open = push_w12("SEC-W12-OPEN", "110105194912310070");
    fxt_resp r = assign(mine, yh_officer, "{\"user\":\"panpeng\"}");
    CHECKF(r.status == 200, "assign to panpeng: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = assign(other, yh_officer, "{\"user\":\"w12staff\"}");
    CHECKF(r.status == 200, "assign to w12staff: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?limit=500", w12_staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    CHECKF(json_array_size(items) == 1, "panpeng lists %zu orders: %s", json_array_size(items), r.body);
    CHECK_STR(json_string_value(json_object_get(json_array_get(items, 0), "external_id")), "SEC-W12-MINE");
    CHECKF(!strstr(r.body, "110105194912310054") && !strstr(r.body, "110105194912310070"),
           "another's order's ID number in panpeng's list");
    fxt_free(&r);
    CHECK_EQ_INT(get_status(mine, w12_staff), 200);
    CHECK_EQ_INT(get_status(other, w12_staff), 404);
    CHECK_EQ_INT(get_status(open, w12_staff), 404);
    CHECK_EQ_INT(get_status(other, w12_staff2), 200);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?limit=500", yh_officer, NULL);
    int seen = 0;
    for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
        const char *ext = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), i), "external_id"));
        seen += ext && !strncmp(ext, "SEC-W12-", 8);
    }
    CHECKF(seen == 3, "银河's officer sees %d of the workstation's 3 orders", seen);
    fxt_free(&r);
}

/* A refused assignment: 422, the code, and a message naming the assignee. */
static void assign_refused(long long id, const char *body, const char *code)
{
    fxt_resp r = assign(id, yh_officer, body);
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(r.status == 422 && !strcmp(fxt_err(&r), code) && msg && strstr(msg, "assignee"),
           "assign %s: %d %s (expected 422 %s naming the assignee)", body, r.status, r.body ? r.body : "", code);
    fxt_free(&r);
}

/* Only someone who handles work orders (work_order.handle: staff, officers, admins) and
 * works in the order's area can be its assignee; an order routed elsewhere loses an
 * assignee who does not work there, and its history says so. */
static void assignee_must_handle_orders_in_the_area(void)
{
    long long id = push_w12("SEC-W12-ASSIGN", "110105194912310097");
    assign_refused(id, "{\"user\":\"liutao\"}", "assignee_cannot_handle");         /* a volunteer of W12 */
    assign_refused(id, "{\"user\":\"zhangmingqiang\"}", "assignee_cannot_handle"); /* its registrar */
    assign_refused(id, "{\"user\":\"cuizhengbo\"}", "assignee_outside_order_area"); /* above W12, not in it */
    fxt_resp r = assign(id, yh_officer, "{\"user\":\"panpeng\"}");
    CHECKF(r.status == 200, "assign to panpeng: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = assign(id, admin, "{\"area\":\"HKG-ZZ-ZZC\"}"); /* re-routed to 张庄, where panpeng does not work */
    CHECKF(r.status == 200, "route to HKG-ZZ-ZZC: %d %s", r.status, r.body ? r.body : "");
    CHECKF(json_is_null(json_object_get(r.json, "assignee")), "panpeng still assigned in 张庄: %s", r.body);
    fxt_free(&r);
    CHECK_EQ_INT(get_status(id, w12_staff), 404);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    r = fxt_req(&srv, "GET", path, admin, NULL);
    json_t *hist = json_object_get(r.json, "history");
    const char *last = json_string_value(json_object_get(json_array_get(hist, json_array_size(hist) - 1), "detail"));
    CHECKF(last && strstr(last, "panpeng") && strstr(last, "HKG-ZZ-ZZC"), "the history's last step: %s",
           last ? last : r.body);
    fxt_free(&r);
}

static fxt_resp post_risk_csv(const char *token)
{
    const char *csv = "name,level,valid_from,valid_to\n上海市浦东新区,high,2027-01-01,2027-01-31\n";
    char req[1024];
    int n = snprintf(req, sizeof req, "POST /api/v1/risk-areas HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Authorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %zu\r\n\r\n%s",
                     token, strlen(csv), csv);
    return fxt_raw(&srv, req, (size_t)n, 30000);
}

/* The risk-area list is one for the whole city: every checkpoint's decisions use it. A
 * sub-district officer may read it but not replace it; an officer of the city (a top-level
 * area) and an admin may. */
static void risk_list_imported_only_city_wide(void)
{
    fxt_resp r = post_risk_csv(zz_officer);
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(r.status == 403 && msg && strstr(msg, "whole city") && strstr(msg, "HKG-ZZ"),
           "a sub-district officer imports the risk areas: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/risk-areas", zz_officer, NULL);
    CHECKF(r.status == 200 && json_array_size(json_object_get(r.json, "items")) == 0, "the list after the refusal: %d %s",
           r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = post_risk_csv(city_officer);
    CHECKF(r.status == 200, "the city's officer: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = post_risk_csv(admin);
    CHECKF(r.status == 200, "an admin: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
}

/* The ID number of a resident with an ID card in area (read as that area's officer); 0 when none. */
static int resident_id(const char *token, const char *area, char out[40], char name[64])
{
    char path[120];
    snprintf(path, sizeof path, "/api/v1/persons?area=%s&limit=50", area);
    fxt_resp r = fxt_req(&srv, "GET", path, token, NULL);
    size_t i;
    json_t *it;
    int found = 0;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
        const char *type = json_string_value(json_object_get(it, "id_type"));
        const char *num = json_string_value(json_object_get(it, "id_number"));
        if (!found && type && !strcmp(type, "id_card") && num && strlen(num) == 18 && !strchr(num, '*')) {
            snprintf(out, 40, "%s", num);
            snprintf(name, 64, "%s", json_string_value(json_object_get(it, "name")));
            found = 1;
        }
    }
    fxt_free(&r);
    return found;
}

/* Staff see unmasked ID numbers of their own area (contract.md, "Roles"): in their returnee
 * register, a resident of 第十二工作站 shows in full, a resident of 张庄 who passed their
 * checkpoint is masked, in the export and in the list; 银河's officer sees both. */
static void returnees_from_elsewhere_masked_for_staff(void)
{
    char own[40], own_name[64], other[40], other_name[64];
    CHECK(resident_id(yh_officer, "HKG-YH-IT-W12", own, own_name));
    CHECK(resident_id(zz_officer, "HKG-ZZ-ZZC", other, other_name));
    long long cp = id_of_created("/api/v1/checkpoints", w12_staff, "{\"name\":\"港城路南卡口\",\"area\":\"HKG-YH-IT-W12\"}");
    char path[80], body[300];
    snprintf(path, sizeof path, "/api/v1/checkpoints/%lld/entries", cp);
    const char *ids[2] = {own, other};
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof body, "{\"id\":\"sec-ret-%d\",\"person\":{\"id_number\":\"%s\"},\"health_code\":\"green\"}", i,
                 ids[i]);
        fxt_resp r = fxt_req(&srv, "POST", path, w12_staff, body);
        CHECKF(r.status == 201, "entry %d: %d %s", i, r.status, r.body ? r.body : "");
        fxt_free(&r);
    }
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/exports/returnees?area=HKG-YH-IT-W12", w12_staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECKF(r.body && strstr(r.body, own) && strstr(r.body, other_name), "both entries in the export: %s",
           r.body ? r.body : "");
    CHECKF(r.body && !strstr(r.body, other), "张庄's resident's ID number in full in W12's staff's export");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/arrivals?area=HKG-YH-IT-W12", w12_staff, NULL);
    CHECKF(r.status == 200 && r.body && strstr(r.body, other_name) && !strstr(r.body, other),
           "the list shows 张庄's resident without the ID number: %d", r.status);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/exports/returnees?area=HKG-YH-IT-W12", yh_officer, NULL);
    CHECKF(r.body && strstr(r.body, own) && strstr(r.body, other), "银河's officer sees both in full");
    fxt_free(&r);
}

/* Drivers and registrars can stand on a roster: GET /my/shifts answers any person's login
 * with their own shifts, not only roles that read teams; never another's. */
static void driver_reads_own_shifts(void)
{
    long long team = id_of_created("/api/v1/teams", zz_officer, "{\"area\":\"HKG-ZZ\",\"name\":\"张庄转运队\",\"kind\":\"duty\"}");
    char path[80], body[600];
    snprintf(path, sizeof path, "/api/v1/teams/%lld/members", team);
    long long driver = id_of_created(path, zz_officer, "{\"username\":\"zzdriver\",\"role\":\"volunteer\"}");
    long long officer = id_of_created(path, zz_officer, "{\"username\":\"lijunchuan\",\"role\":\"staff\"}");
    snprintf(body, sizeof body, "{\"area\":\"HKG-ZZ\",\"name\":\"转运岗\",\"kind\":\"checkpoint\",\"team\":%lld}", team);
    long long post = id_of_created("/api/v1/posts", zz_officer, body);
    snprintf(body, sizeof body,
             "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld},"
             "{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld}]}",
             post, driver, T0 + 3600, T0 + 7200, post, officer, T0 + 7200, T0 + 10800);
    (void)id_of_created("/api/v1/shifts", zz_officer, body);
    char *tok = fxt_login(&srv, "zzdriver", pw);
    CHECK(tok != NULL);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/my/shifts", tok ? tok : "", NULL);
    json_t *items = json_object_get(r.json, "items");
    CHECKF(r.status == 200 && json_array_size(items) == 1, "the driver's shifts: %d %s", r.status, r.body ? r.body : "");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(items, 0), "member")), driver);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/shifts", tok ? tok : "", NULL);
    CHECK_EQ_INT(r.status, 403); /* the roster itself stays with those who read teams */
    fxt_free(&r);
    free(tok);
}

/* A lab's or another platform's partner token reads back only the orders it pushed itself. */
static void partner_reads_only_its_own_orders(void)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", triage_order);
    fxt_resp r = fxt_req(&srv, "GET", path, city_partner, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", path, zz_partner, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/work-orders?external_id=SEC-TRIAGE-1", zz_partner, NULL);
    CHECK_EQ_INT(r.status, 404);
    CHECK(!r.body || !strstr(r.body, "110105194912310046"));
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (rcv_start(&rv) != 0) {
        fprintf(stderr, "cannot start the receiver\n");
        return 1;
    }
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0) {
        fprintf(stderr, "cannot set up the server under test (%s)\n", fxt_bin());
        return 1;
    }
    if (fxt_user(&srv, "zzdriver", "driver", "HKG-ZZ", pw) != 0 ||
        fxt_user(&srv, "w12staff", "staff", "HKG-YH-IT-W12", pw) != 0 ||
        fxt_user(&srv, "cityofficer", "officer", "HKG", pw) != 0) {
        fprintf(stderr, "cannot add a driver\n");
        return 1;
    }
    const char *args[] = {"token", "add", "city-platform", "--kind", "partner", NULL};
    char *out = NULL;
    if (fxt_cli(&srv, NULL, &out, args) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    city_partner = out;
    const char *args2[] = {"token", "add", "zz-platform", "--kind", "partner", "--area", "HKG-ZZ", NULL};
    out = NULL;
    if (fxt_cli(&srv, NULL, &out, args2) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    zz_partner = out;
    static const char *extra[] = {"--notify-interval-ms", "100", NULL};
    memcpy(srv.extra, extra, sizeof extra);
    snprintf(srv.now, sizeof srv.now, "%lld", T0);
    if (fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    admin = fxt_login(&srv, "admin", pw);
    zz_officer = fxt_login(&srv, "lijunchuan", pw);
    yh_officer = fxt_login(&srv, "cuizhengbo", pw);
    w12_staff = fxt_login(&srv, "panpeng", pw);
    w12_staff2 = fxt_login(&srv, "w12staff", pw);
    city_officer = fxt_login(&srv, "cityofficer", pw);
    if (!city_partner || !zz_partner || !admin || !zz_officer || !yh_officer || !w12_staff || !w12_staff2 ||
        !city_officer) {
        fprintf(stderr, "no partner token or logins\n");
        return 1;
    }
    RUN(triage_feedback_stays_out_of_subdistrict_channels);
    RUN(partner_reads_only_its_own_orders);
    RUN(staff_see_only_orders_assigned_to_them);
    RUN(assignee_must_handle_orders_in_the_area);
    RUN(risk_list_imported_only_city_wide);
    RUN(returnees_from_elsewhere_masked_for_staff);
    RUN(driver_reads_own_shifts);
    RUN(round_driver_from_another_subdistrict);
    RUN(other_subdistrict_ids_in_bodies);
    fxt_teardown(&srv);
    rcv_stop(&rv);
    free(admin), free(zz_officer), free(yh_officer), free(city_partner), free(zz_partner);
    free(w12_staff), free(w12_staff2), free(city_officer);
    return th_done("api_security_review");
}
