/* API tests: supplies (roles and scope, warehouses, receipts, transfers to a site,
 * consumption refused below zero in words, the ledger and its audit, tomorrow's forecast
 * from the population served, pick lists with the shortfall in words and its alert once per
 * round and item, by hand and by the clock, the settings) and disinfection (schedules per
 * area, site and home, bad input naming the field, a treatment logged from the field, a
 * new isolation case's home scheduled by the setting, places becoming overdue as the
 * clock moves on). */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOUR 3600LL
#define DAY 86400LL
#define T0 1800000000LL

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *officer_zz, *staff, *registrar, *volunteer;
static long long wh, site_xr, site_gc, round_a, sched_xr, sched_site, person_a, person_b;


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

static long long create(const char *path, const char *token, const char *body)
{
    fxt_resp r = fxt_req(&srv, "POST", path, token, body);
    CHECKF(r.status == 201, "POST %s: %d %s", path, r.status, r.body ? r.body : "");
    long long id = ifield(r.json, "id");
    fxt_free(&r);
    return id;
}

static long long stock_of(long long location, const char *token, const char *item)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/supply/locations/%lld", location);
    fxt_resp r = fxt_req(&srv, "GET", path, token, NULL);
    long long v = r.status == 200 ? ifield(json_object_get(r.json, "stock"), item) : -1;
    fxt_free(&r);
    return v;
}

static void roles_and_warehouse(void)
{
    char code[48];
    CHECK_EQ_INT(status_of("GET", "/api/v1/supply/items", registrar, NULL, code), 403);
    CHECK_EQ_INT(status_of("GET", "/api/v1/supply/items", volunteer, NULL, code), 403);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/supply/items", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 9); /* swabs, four tube sizes, boxes, PPE, disinfectant, tents */
    fxt_free(&r);
    /* officers add items; a tube needs its pool size, nothing else has one */
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/items", staff,
                           "{\"code\":\"mask\",\"name\":\"口罩\",\"kind\":\"ppe\",\"unit\":\"只\"}", code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/items", officer,
                           "{\"code\":\"mask\",\"name\":\"口罩\",\"kind\":\"ppe\",\"unit\":\"只\",\"pool_size\":5}", code), 400);
    CHECK_STR(code, "invalid_pool_size");
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/items", officer,
                           "{\"code\":\"Mask!\",\"name\":\"口罩\",\"kind\":\"ppe\",\"unit\":\"只\"}", code), 400);
    CHECK_STR(code, "invalid_code");
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/items", officer,
                           "{\"code\":\"mask\",\"name\":\"口罩\",\"kind\":\"ppe\",\"unit\":\"只\",\"per_sample\":\"每人一只\"}", code), 201);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/items", officer,
                           "{\"code\":\"mask\",\"name\":\"口罩\",\"kind\":\"ppe\",\"unit\":\"只\"}", code), 409);
    CHECK_STR(code, "item_exists");
    /* a warehouse on an area of one's own subtree only */
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/warehouses", officer_zz,
                           "{\"name\":\"郑州仓\",\"area\":\"HKG-YH-IT-W12\"}", code), 403);
    CHECK_STR(code, "outside_area");
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/warehouses", staff, "{\"area\":\"HKG-YH-IT-W12\"}", code), 400);
    CHECK_STR(code, "missing_field");
    wh = create("/api/v1/supply/warehouses", staff, "{\"name\":\"第十二工作站仓库\",\"area\":\"HKG-YH-IT-W12\"}");
    site_xr = create("/api/v1/sites", officer, "{\"name\":\"鑫荣公寓核酸点\",\"area\":\"HKG-YH-IT-W12-XR\",\"tables\":4}");
    site_gc = create("/api/v1/sites", officer, "{\"name\":\"港城公寓核酸点\",\"area\":\"HKG-YH-IT-W12-GC\",\"tables\":3}");
}

static void receive_transfer_consume(void)
{
    char code[48], body[300];
    snprintf(body, sizeof body, "{\"kind\":\"receipt\",\"item\":\"tube-20\",\"qty\":500,\"to\":%lld,\"note\":\"区里调拨\"}", wh);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/supply/movements", staff, body);
    CHECK_EQ_INT(r.status, 201);
    long long batch = ifield(r.json, "batch");
    fxt_free(&r);
    CHECK_EQ_INT(stock_of(wh, staff, "tube-20"), 500);
    /* a transfer to a site: two legs, one batch; the site's stock location appears */
    snprintf(body, sizeof body, "{\"kind\":\"transfer\",\"item\":\"tube-20\",\"qty\":100,\"from\":%lld,\"to_site\":%lld}",
             wh, site_xr);
    r = fxt_req(&srv, "POST", "/api/v1/supply/movements", staff, body);
    CHECK_EQ_INT(r.status, 201);
    json_t *legs = json_object_get(r.json, "legs");
    CHECK_EQ_INT(json_array_size(legs), 2);
    CHECK_EQ_INT(ifield(json_array_get(legs, 0), "delta"), -100);
    CHECK_EQ_INT(ifield(json_array_get(legs, 1), "balance"), 100);
    long long site_loc = ifield(json_array_get(legs, 1), "location");
    fxt_free(&r);
    CHECK_EQ_INT(stock_of(wh, staff, "tube-20"), 400);
    CHECK_EQ_INT(stock_of(site_loc, staff, "tube-20"), 100);
    /* the list: the warehouse first, each location with its own stock */
    r = fxt_req(&srv, "GET", "/api/v1/supply/locations", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    json_t *l0 = json_array_get(items(&r), 0), *l1 = json_array_get(items(&r), 1);
    CHECK_EQ_INT(ifield(l0, "id"), wh);
    CHECK_EQ_INT(ifield(json_object_get(l0, "stock"), "tube-20"), 400);
    CHECK_STR(sfield(l1, "kind"), "site");
    CHECK_EQ_INT(ifield(l1, "site"), site_xr);
    CHECK_EQ_INT(ifield(json_object_get(l1, "stock"), "tube-20"), 100);
    fxt_free(&r);
    /* consuming more than the site holds: refused, naming item, place and shortfall */
    snprintf(body, sizeof body, "{\"kind\":\"consumption\",\"item\":\"tube-20\",\"qty\":130,\"from\":%lld}", site_loc);
    r = fxt_req(&srv, "POST", "/api/v1/supply/movements", staff, body);
    CHECK_EQ_INT(r.status, 422);
    CHECK_STR(fxt_err(&r), "insufficient_stock");
    CHECKF(r.body && strstr(r.body, "鑫荣公寓核酸点") && strstr(r.body, "30 short"), "%s", r.body);
    fxt_free(&r);
    CHECK_EQ_INT(stock_of(site_loc, staff, "tube-20"), 100);
    /* bad input names the field */
    snprintf(body, sizeof body, "{\"kind\":\"receipt\",\"item\":\"tube-20\",\"qty\":0,\"to\":%lld}", wh);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/movements", staff, body, code), 400);
    CHECK_STR(code, "invalid_qty");
    snprintf(body, sizeof body, "{\"kind\":\"gift\",\"item\":\"tube-20\",\"qty\":1,\"to\":%lld}", wh);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/movements", staff, body, code), 400);
    CHECK_STR(code, "invalid_kind");
    snprintf(body, sizeof body, "{\"kind\":\"receipt\",\"item\":\"tube-20\",\"qty\":1,\"to\":%lld,\"too\":1}", wh);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/movements", staff, body, code), 400);
    /* another sub-district's officer neither sees nor moves this stock */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/supply/locations/%lld", wh);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    snprintf(body, sizeof body, "{\"kind\":\"consumption\",\"item\":\"tube-20\",\"qty\":1,\"from\":%lld}", wh);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/movements", officer_zz, body, code), 400);
    CHECK_STR(code, "location_not_found");
    /* the ledger, newest first, and the audit entry of the receipt */
    snprintf(path, sizeof path, "/api/v1/supply/locations/%lld/movements", wh);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "kind"), "transfer");
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 1), "balance"), 500);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/audit?entity=supply_movement&id=%lld", batch);
    r = fxt_req(&srv, "GET", path, admin, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECKF(r.body && strstr(r.body, "\"name\":\"panpeng\"") != NULL, "%s", r.body);
    fxt_free(&r);
}

static json_t *site_of(json_t *forecast, long long id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(forecast, "sites"), i, s) if (ifield(s, "site") == id) return s;
    return NULL;
}

static json_t *line_of(json_t *site, const char *item)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(site, "lines"), i, l) if (strcmp(sfield(l, "item"), item) == 0) return l;
    return NULL;
}

static void forecast_and_settings(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/supply/forecast", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *xr = site_of(r.json, site_xr);
    CHECK(xr != NULL);
    /* no round yet at the site: the compound's 11,200 registered people, 20-in-1 */
    CHECK_EQ_INT(ifield(xr, "headcount"), 11200);
    CHECK_STR(sfield(xr, "source"), "population");
    json_t *t = line_of(xr, "tube-20");
    CHECK_EQ_INT(ifield(t, "base"), 560);
    CHECK_EQ_INT(ifield(t, "need"), 588);
    CHECK_EQ_INT(ifield(t, "stock"), 100);
    CHECK_EQ_INT(ifield(t, "pick"), 488);
    CHECKF(sfield(t, "why") && strstr(sfield(t, "why"), "11200 / 20-in-1 = 560"), "%s", sfield(t, "why"));
    CHECK_STR(sfield(json_object_get(xr, "warehouse"), "name"), "第十二工作站仓库");
    fxt_free(&r);
    /* officers change the wastage; staff may not */
    char code[48];
    CHECK_EQ_INT(status_of("PUT", "/api/v1/supply/settings", staff, "{\"wastage_pct\":10}", code), 403);
    CHECK_EQ_INT(status_of("PUT", "/api/v1/supply/settings", officer, "{\"wastage_pct\":150}", code), 400);
    CHECK_STR(code, "invalid_wastage_pct");
    CHECK_EQ_INT(status_of("PUT", "/api/v1/supply/settings", officer, "{\"wastage_pct\":\"x\"}", code), 400);
    CHECK_EQ_INT(status_of("PUT", "/api/v1/supply/settings", officer, "{\"wastage_pct\":10}", code), 200);
    r = fxt_req(&srv, "GET", "/api/v1/supply/forecast", officer, NULL);
    CHECK_EQ_INT(ifield(line_of(site_of(r.json, site_xr), "tube-20"), "need"), 616);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("PUT", "/api/v1/supply/settings", officer, "{\"wastage_pct\":5}", code), 200);
    /* the other sub-district sees none of these sites */
    r = fxt_req(&srv, "GET", "/api/v1/supply/forecast", officer_zz, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "sites")), 0);
    fxt_free(&r);
}

static long long round_at(const char *name, long long start)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"areas\":[\"HKG-YH-IT-W12\"],\"start\":%lld,\"deadline\":%lld}", name,
             start, start + 12 * HOUR);
    return create("/api/v1/rounds", officer, body);
}

static int open_shortfall_alerts(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/alerts?kind=supply_shortfall&open=1&limit=100", officer, NULL);
    int n = r.status == 200 ? (int)json_array_size(items(&r)) : -1;
    fxt_free(&r);
    return n;
}

static void pick_list_and_shortfall(void)
{
    round_a = round_at("明日全员核酸", T0 + 2 * DAY); /* more than a day ahead: the clock leaves it alone */
    char path[96], body[64];
    snprintf(path, sizeof path, "/api/v1/supply/pick-lists?round=%lld", round_a);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *w = json_array_get(json_object_get(r.json, "warehouses"), 0);
    CHECK_EQ_INT(ifield(json_object_get(w, "warehouse"), "id"), wh);
    CHECK_EQ_INT(ifield(w, "sites"), 2);
    json_t *tube = json_object_get(json_object_get(w, "items"), "tube-20");
    /* 488 for 鑫荣 (588 less 100 there) + 478 for 港城 (9,100 / 20 = 455, +5%) */
    CHECK_EQ_INT(ifield(tube, "pick"), 966);
    CHECK_EQ_INT(ifield(tube, "stock"), 400);
    CHECK_EQ_INT(ifield(tube, "shortfall"), 566);
    CHECKF(r.body && strstr(r.body, "tube-20: 966 to pick, 400 in stock, 566 short"), "%s", r.body);
    size_t short_items = json_array_size(json_object_get(w, "shortfalls"));
    CHECK_EQ_INT(short_items, 4); /* swabs, tubes, boxes and PPE: only tubes are stocked, not enough */
    fxt_free(&r);
    CHECK_EQ_INT(open_shortfall_alerts(), 0);
    /* flagged before the round: an alert per item short, once */
    snprintf(body, sizeof body, "{\"round\":%lld}", round_a);
    r = fxt_req(&srv, "POST", "/api/v1/supply/shortfalls", staff, body);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(ifield(r.json, "alerts_raised"), 4);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/supply/shortfalls", staff, body);
    CHECK_EQ_INT(ifield(r.json, "alerts_raised"), 0);
    fxt_free(&r);
    CHECK_EQ_INT(open_shortfall_alerts(), 4);
    char code[48];
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/shortfalls", officer_zz, body, code), 404);
    CHECK_EQ_INT(status_of("POST", "/api/v1/supply/shortfalls", staff, "{}", code), 400);
    CHECK_STR(code, "missing_field");
}

/* ---- disinfection ---- */

static void schedules_and_treatments(void)
{
    char code[48];
    const char *xr = "{\"kind\":\"area\",\"area\":\"HKG-YH-IT-W12-XR\",\"interval_h\":24,\"agent\":\"含氯消毒剂\"}";
    CHECK_EQ_INT(status_of("POST", "/api/v1/disinfection/schedules", volunteer, xr, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/disinfection/schedules", officer_zz, xr, code), 400);
    CHECK_STR(code, "area_not_found");
    CHECK_EQ_INT(status_of("POST", "/api/v1/disinfection/schedules", officer,
                           "{\"kind\":\"street\",\"area\":\"HKG-YH-IT-W12-XR\",\"interval_h\":24,\"agent\":\"x\"}", code),
                 400);
    CHECK_STR(code, "invalid_kind");
    CHECK_EQ_INT(status_of("POST", "/api/v1/disinfection/schedules", officer,
                           "{\"kind\":\"area\",\"area\":\"HKG-YH-IT-W12-XR\",\"interval_h\":0,\"agent\":\"x\"}", code),
                 400);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/disinfection/schedules", officer, xr);
    CHECK_EQ_INT(r.status, 201);
    sched_xr = ifield(r.json, "id");
    CHECK_STR(sfield(r.json, "place"), "鑫荣公寓");
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    fxt_free(&r);
    char body[300];
    snprintf(body, sizeof body, "{\"kind\":\"site\",\"site\":%lld,\"interval_h\":12,\"agent\":\"75%%酒精\"}", site_xr);
    sched_site = create("/api/v1/disinfection/schedules", staff, body);
    /* a treatment from the field: the team in words, the agent and its concentration */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/disinfection/schedules/%lld/treatments", sched_xr);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"concentration\":\"500 mg/L\"}", code), 400);
    CHECK_STR(code, "missing_team");
    snprintf(body, sizeof body, "{\"team\":\"卫生消杀队\",\"at\":%lld}", T0 + DAY);
    CHECK_EQ_INT(status_of("POST", path, staff, body, code), 400);
    CHECK_STR(code, "invalid_at");
    r = fxt_req(&srv, "POST", path, staff, "{\"team\":\"卫生消杀队\",\"concentration\":\"500 mg/L\",\"operator\":\"王师傅\"}");
    CHECK_EQ_INT(r.status, 201);
    CHECK_STR(sfield(r.json, "agent"), "含氯消毒剂"); /* the schedule's, when not named */
    CHECK_STR(sfield(r.json, "operator"), "王师傅");
    CHECK(json_is_null(json_object_get(r.json, "team_id")));
    fxt_free(&r);
    /* a team of the roster, by its id: its name stands for the team */
    long long team = create("/api/v1/teams", officer,
                            "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"卫生消杀一队\",\"kind\":\"disinfection\"}");
    snprintf(body, sizeof body, "{\"team_id\":%lld,\"concentration\":\"500 mg/L\"}", team);
    r = fxt_req(&srv, "POST", path, staff, body);
    CHECK_EQ_INT(r.status, 201);
    CHECK_STR(sfield(r.json, "team"), "卫生消杀一队");
    CHECK_EQ_INT(ifield(r.json, "team_id"), team);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"team_id\":999}", code), 400);
    CHECK_STR(code, "team_not_found");
    snprintf(path, sizeof path, "/api/v1/disinfection/schedules/%lld", sched_xr);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "treatments")), 2);
    long long last = ifield(r.json, "last_at");
    CHECK(last >= T0 && last < T0 + 600);
    CHECK_EQ_INT(ifield(r.json, "due_at"), last + DAY);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    r = fxt_req(&srv, "GET", "/api/v1/disinfection/schedules?overdue=1", officer, NULL);
    CHECK_EQ_INT(ifield(r.json, "total"), 0);
    fxt_free(&r);
}

static long long person_in(const char *area, int nth)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/persons?area=%s&limit=%d", area, nth + 1);
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    long long id = ifield(json_array_get(items(&r), (size_t)nth), "id");
    fxt_free(&r);
    return id;
}

static int home_schedules(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/disinfection/schedules", officer, NULL);
    int n = 0;
    size_t i;
    json_t *s;
    json_array_foreach(items(&r), i, s) n += strcmp(sfield(s, "kind"), "home") == 0;
    fxt_free(&r);
    return n;
}

static void new_case_home_scheduled(void)
{
    person_a = person_in("HKG-YH-IT-W12-GC-B1-U1", 0);
    person_b = person_in("HKG-YH-IT-W12-GC-B2-U1", 0);
    char body[200];
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"close_contact\"}", person_a);
    long long case_a = create("/api/v1/isolations", officer, body);
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/disinfection/schedules", officer, NULL);
    json_t *home = NULL, *s;
    size_t i;
    json_array_foreach(items(&r), i, s) if (strcmp(sfield(s, "kind"), "home") == 0) home = s;
    CHECK(home != NULL);
    CHECK_EQ_INT(ifield(home, "isolation"), case_a);
    CHECK(ifield(home, "household") > 0);
    CHECK_EQ_INT(ifield(home, "interval_s"), DAY);
    fxt_free(&r);
    /* the setting off: the next case's home gets none */
    char code[48];
    CHECK_EQ_INT(status_of("PUT", "/api/v1/disinfection/settings", staff, "{\"auto_home\":false}", code), 403);
    CHECK_EQ_INT(status_of("PUT", "/api/v1/disinfection/settings", officer, "{\"auto_home\":false}", code), 200);
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"close_contact\"}", person_b);
    create("/api/v1/isolations", officer, body);
    CHECK_EQ_INT(home_schedules(), 1);
    CHECK_EQ_INT(status_of("PUT", "/api/v1/disinfection/settings", officer, "{\"auto_home\":true}", code), 200);
}

static void overdue_as_the_clock_moves(void)
{
    long long round_b = round_at("后天加测", T0 + 2 * DAY + HOUR);
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    snprintf(srv.now, sizeof srv.now, "%lld", T0 + 25 * HOUR);
    CHECK_EQ_INT(fxt_start(&srv), 0);
    login_all();
    /* a day and an hour on: the compound (treated at T0), the site (never treated, every 12 h)
     * and the case's home are all overdue; the most overdue first */
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/disinfection/schedules?overdue=1", staff, NULL);
    CHECK_EQ_INT(ifield(r.json, "total"), 3);
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 0), "id"), sched_site);
    CHECK(json_is_true(json_object_get(json_array_get(items(&r), 0), "overdue")));
    fxt_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/disinfection/schedules/%lld/treatments", sched_xr);
    r = fxt_req(&srv, "POST", path, staff, "{\"team\":\"卫生消杀队\",\"concentration\":\"1000 mg/L\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/disinfection/schedules?overdue=1", staff, NULL);
    CHECK_EQ_INT(ifield(r.json, "total"), 2);
    fxt_free(&r);
    /* the clock's check: round B starts within a day and is short (4 alerts); round A's were told already */
    int n = -1;
    for (int i = 0; i < 50 && n != 8; i++) {
        n = open_shortfall_alerts();
        if (n != 8)
            usleep(100000);
    }
    CHECK_EQ_INT(n, 8);
    (void)round_b;
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    login_all();
    RUN(roles_and_warehouse);
    RUN(receive_transfer_consume);
    RUN(forecast_and_settings);
    RUN(pick_list_and_shortfall);
    RUN(schedules_and_treatments);
    RUN(new_case_home_scheduled);
    RUN(overdue_as_the_clock_moves);
    fxt_teardown(&srv);
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &registrar, &volunteer};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_supply");
}
