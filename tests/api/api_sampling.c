/* API tests: a testing round on the demo — round, sites, tubes, samples, seals,
 * boxes through POST /api/v1/sampling/batch; replay; coverage; exemptions;
 * the untested list and its export; who may do what. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *staff, *registrar, *driver;
static long long round_id, site1, site2;
static long long now;
static char idn[5][24], code[5][16];
static long long pid[5];


static long long create(const char *path, const char *tok, const char *body)
{
    fxt_resp r = fxt_req(&srv, "POST", path, tok, body);
    CHECKF(r.status == 201, "POST %s: %d %s", path, r.status, r.body ? r.body : "");
    long long id = ifield(r.json, "id");
    fxt_free(&r);
    return id;
}

static void setup_round(void)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"name\":\"第一轮全员核酸\",\"areas\":[\"HKG-YH-IT-W12\"],\"start\":%lld,\"deadline\":%lld}", now - 7200,
             now + 36000);
    round_id = create("/api/v1/rounds", officer, body);
    site1 = create("/api/v1/sites", officer,
                   "{\"name\":\"鑫荣公寓1号点\",\"area\":\"HKG-YH-IT-W12-XR\",\"lat\":34.52,\"lng\":113.84,\"tables\":4,"
                   "\"areas\":[\"HKG-YH-IT-W12-XR\"],\"opens\":0,\"closes\":1440}");
    site2 = create("/api/v1/sites", officer, "{\"name\":\"港城公寓点\",\"area\":\"HKG-YH-IT-W12-GC\",\"tables\":2}");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/sites/%lld/staff", site1);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, "{\"username\":\"zhangmingqiang\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    /* the round as created: contract fields and the default pooling policy */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(ifield(json_object_get(r.json, "pool"), "controlled"), 10);
    CHECK_STR(json_string_value(json_array_get(json_object_get(r.json, "areas"), 0)), "HKG-YH-IT-W12");
    fxt_free(&r);
    /* people of one unit: ID numbers and personal codes */
    r = fxt_req(&srv, "GET", "/api/v1/persons?area=HKG-YH-IT-W12-XR-B1-U1&limit=5", staff, NULL);
    json_t *items = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(items), 5);
    for (size_t i = 0; i < 5 && i < json_array_size(items); i++) {
        json_t *p = json_array_get(items, i);
        snprintf(idn[i], sizeof idn[i], "%s", sfield(p, "id_number"));
        snprintf(code[i], sizeof code[i], "%s", sfield(p, "personal_code"));
        pid[i] = ifield(p, "id");
    }
    fxt_free(&r);
}

static void pool_size_follows_risk_level(void)
{
    fxt_resp r = fxt_req(&srv, "PATCH", "/api/v1/areas/HKG-YH-IT-W12-GC", officer, "{\"risk_level\":\"controlled\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pool?area=HKG-YH-IT-W12-GC-B1-U1", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(ifield(r.json, "pool_size"), 10); /* the nearest ancestor's level */
    CHECK_STR(sfield(r.json, "risk_level"), "controlled");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pool?area=HKG-YH-IT-W12-XR", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(ifield(r.json, "pool_size"), 20);
    fxt_free(&r);
    /* staff may not set risk levels */
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/HKG-YH-IT-W12-GC", staff, "{\"risk_level\":\"sealed\"}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

/* The handheld's stream, in the order it syncs. */
static char stream[8192];

static void build_stream(void)
{
    long long t = now - 3600;
    snprintf(stream, sizeof stream,
             "{\"events\":["
             "{\"id\":\"h1-1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB0001\",\"pool_size\":5,\"at\":%lld},"
             "{\"id\":\"h1-2\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"h1-3\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"h1-4\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"id_number\":\"11010519491231002X\","
             "\"name\":\"临时登记\",\"phone\":\"13800138000\"},\"at\":%lld},"
             "{\"id\":\"h1-5\",\"type\":\"tube_seal\",\"tube\":\"TB0001\",\"at\":%lld},"
             /* taken before the seal, synced after it: kept */
             "{\"id\":\"h2-1\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             /* taken after the seal */
             "{\"id\":\"h2-2\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"h1-6\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB0002\",\"pool_size\":1,\"at\":%lld},"
             "{\"id\":\"h1-7\",\"type\":\"sample\",\"tube\":\"TB0002\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"h1-8\",\"type\":\"sample\",\"tube\":\"TB0002\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"h1-9\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"code\":\"NOSUCHCODE12\"},\"at\":%lld},"
             "{\"id\":\"h1-10\",\"type\":\"sample\",\"tube\":\"TB0001\",\"person\":{\"id_number\":\"110105194912310021\"},\"at\":%lld},"
             "{\"id\":\"h1-11\",\"type\":\"box_seal\",\"box\":\"BX01\",\"seal\":\"F-0001\",\"tubes\":[\"TB0001\",\"TB0002\"],\"at\":%lld},"
             "{\"id\":\"h1-12\",\"type\":\"box_seal\",\"box\":\"BX01\",\"seal\":\"F-0001\",\"tubes\":[\"TB9999\"],\"at\":%lld},"
             "{\"id\":\"h1-13\",\"type\":\"box_seal\",\"box\":\"BX01\",\"seal\":\"F-0001\",\"tubes\":[\"TB0001\"],\"at\":%lld},"
             "{\"id\":\"h1-14\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB0003\",\"pool_size\":10,\"at\":%lld},"
             "{\"id\":\"h1-15\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB0004\",\"pool_size\":10,\"at\":%lld},"
             "{\"id\":\"h1-16\",\"type\":\"sample\",\"tube\":\"TB0002\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"type\":\"sample\",\"tube\":\"TB0001\",\"at\":%lld},"
             "{\"id\":\"h1-1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB0001\",\"pool_size\":5,\"at\":%lld}"
             "]}",
             round_id, site1, t, idn[0], t + 10, code[1], t + 20, t + 30, t + 100, code[2], t + 90, code[3], t + 110,
             round_id, site1, t + 120, code[0], t + 130, code[3], t + 140, t + 50, t + 60, t + 200, t + 210, t + 220,
             round_id, site2, t + 230, round_id, site1, now - 90000, idn[3], t + 240, t + 250, round_id, site1, t);
}

static const char *result_code(json_t *res) { return sfield(json_object_get(res, "error"), "code"); }

static json_t *coverage(const char *area)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/coverage?area=%s", round_id, area);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECKF(r.status == 200, "coverage %s: %d %s", area, r.status, r.body ? r.body : "");
    json_t *j = json_incref(r.json);
    fxt_free(&r);
    return j;
}

/* Parent = sum of its items (children, and people registered directly in it),
 * and sampled + exempt + untested = in_scope. */
static void check_adds_up(json_t *c)
{
    static const char *const keys[] = {"in_scope", "sampled", "exempt", "untested"};
    json_t *items = json_object_get(c, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        CHECK_EQ_INT(ifield(it, "sampled") + ifield(it, "exempt") + ifield(it, "untested"), ifield(it, "in_scope"));
    }
    for (int k = 0; k < 4 && json_array_size(items); k++) {
        long long sum = 0;
        for (size_t i = 0; i < json_array_size(items); i++)
            sum += ifield(json_array_get(items, i), keys[k]);
        CHECKF(sum == ifield(c, keys[k]), "%s: children add up to %lld, parent says %lld", keys[k], sum,
               ifield(c, keys[k]));
    }
    CHECK_EQ_INT(ifield(c, "sampled") + ifield(c, "exempt") + ifield(c, "untested"), ifield(c, "in_scope"));
}

static void whole_flow(void)
{
    json_t *before = coverage("HKG-YH-IT-W12-XR");
    long long in0 = ifield(before, "in_scope");
    json_decref(before);
    build_stream();
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", registrar, stream);
    CHECKF(r.status == 200, "%d %s", r.status, r.body ? r.body : "");
    json_t *res = json_object_get(r.json, "results");
    CHECK_EQ_INT(json_array_size(res), 20);
    struct {
        const char *status, *code_or_warning;
    } want[20] = {
        {"ok", NULL}, {"ok", NULL}, {"ok", NULL}, {"ok", "walk_in"}, {"ok", NULL},
        {"ok", NULL},                                  /* late sync, taken before the seal */
        {"rejected", "sampled_after_seal"},
        {"ok", NULL},
        {"ok", "already_sampled"},                     /* code[0] was sampled by ID number in TB0001 */
        {"rejected", "over_capacity"},
        {"rejected", "unknown_personal_code"},
        {"rejected", "invalid_id_number"},
        {"rejected", "tube_not_sealed"},               /* TB0002 is still open */
        {"rejected", "unknown_tube"},
        {"ok", NULL},
        {"rejected", "not_site_staff"},                /* the registrar does not staff site 2 */
        {"rejected", "outside_round"},
        {"rejected", "over_capacity"},
        {"rejected", "missing_id"},
        {"duplicate", NULL},                           /* h1-1 again in the same batch */
    };
    for (size_t i = 0; i < 20 && i < json_array_size(res); i++) {
        json_t *e = json_array_get(res, i);
        CHECKF(strcmp(sfield(e, "status"), want[i].status) == 0, "event %zu: %s, expected %s (%s)", i,
               sfield(e, "status"), want[i].status, json_dumps(e, 0));
        if (!want[i].code_or_warning)
            continue;
        if (strcmp(want[i].status, "rejected") == 0) {
            CHECKF(result_code(e) && strcmp(result_code(e), want[i].code_or_warning) == 0, "event %zu: %s", i,
                   json_dumps(e, 0));
            const char *m = sfield(json_object_get(e, "error"), "message");
            CHECK(m && strlen(m) > 10);
        } else {
            CHECK_STR(json_string_value(json_array_get(json_object_get(e, "warnings"), 0)), want[i].code_or_warning);
        }
    }
    fxt_free(&r);

    /* coverage: 3 registered people + 1 walk-in sampled in XR (the repeat counts once) */
    json_t *c = coverage("HKG-YH-IT-W12-XR");
    CHECK_EQ_INT(ifield(c, "sampled"), 4);
    CHECK_EQ_INT(ifield(c, "in_scope"), in0 + 1);
    check_adds_up(c);
    /* the walk-in was registered at the site's compound itself: an item of its own */
    json_t *items0 = json_object_get(c, "items");
    json_t *direct = json_array_get(items0, json_array_size(items0) - 1);
    CHECK_STR(sfield(direct, "kind"), "direct");
    CHECK_EQ_INT(ifield(direct, "sampled"), 1);
    json_decref(c);
    json_t *w = coverage("HKG-YH-IT-W12");
    CHECK_EQ_INT(ifield(w, "sampled"), 4);
    check_adds_up(w);
    json_decref(w);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/coverage/hourly?area=HKG-YH-IT-W12", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    json_t *items = json_object_get(r.json, "items");
    long long total = 0;
    for (size_t i = 0; i < json_array_size(items); i++)
        total += ifield(json_array_get(items, i), "sampled");
    CHECK_EQ_INT(total, 4);
    fxt_free(&r);

    /* replaying the whole stream changes nothing */
    r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", registrar, stream);
    res = json_object_get(r.json, "results");
    for (size_t i = 0; i < json_array_size(res); i++) {
        json_t *e = json_array_get(res, i);
        if (json_object_get(e, "id") && !json_is_null(json_object_get(e, "id")))
            CHECKF(strcmp(sfield(e, "status"), "duplicate") == 0, "replayed event %zu: %s", i, json_dumps(e, 0));
    }
    fxt_free(&r);
    c = coverage("HKG-YH-IT-W12-XR");
    CHECK_EQ_INT(ifield(c, "sampled"), 4);
    CHECK_EQ_INT(ifield(c, "in_scope"), in0 + 1);
    json_decref(c);

    /* one audit entry for the batch; the replay changed nothing, so it has none */
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=sampling_batch", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *a = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(a), 1);
    const char *changes = json_dumps(json_array_get(a, 0), 0);
    CHECKF(changes && strstr(changes, "TB0001") && strstr(changes, "BX01"), "%s", changes ? changes : "");
    free((void *)changes);
    fxt_free(&r);
}

static void exemptions_and_untested(void)
{
    char path[160], body[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/exemptions", round_id);
    snprintf(body, sizeof body, "{\"person\":%lld,\"reason\":\"bedridden\",\"note\":\"卧床\"}", pid[4]);
    fxt_resp r = fxt_req(&srv, "POST", path, staff, body);
    CHECKF(r.status == 201, "%d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", path, staff, body);
    CHECK_EQ_INT(r.status, 409);
    CHECK_STR(fxt_err(&r), "already_exempt");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"person\":%lld,\"reason\":\"travelling\"}", pid[3]);
    r = fxt_req(&srv, "POST", path, staff, body);
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_reason");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"person\":%lld,\"reason\":\"away\"}", pid[0]);
    r = fxt_req(&srv, "POST", path, staff, body);
    CHECK_EQ_INT(r.status, 409); /* already sampled */
    fxt_free(&r);
    json_t *c = coverage("HKG-YH-IT-W12-XR-B1-U1");
    CHECK_EQ_INT(ifield(c, "exempt"), 1);
    long long untested = ifield(c, "untested");
    check_adds_up(c);
    json_decref(c);
    c = coverage("HKG-YH-IT-W12");
    CHECK_EQ_INT(ifield(c, "exempt"), 1);
    check_adds_up(c);
    json_decref(c);

    /* the untested list: neither sampled nor exempt people, unit and room in the address */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/untested?area=HKG-YH-IT-W12-XR-B1-U1&limit=1000", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    json_t *items = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(items), untested);
    for (size_t i = 0; i < json_array_size(items); i++) {
        long long id = ifield(json_array_get(items, i), "id");
        CHECK(id != pid[0] && id != pid[1] && id != pid[2] && id != pid[4]);
    }
    CHECK(strstr(sfield(json_array_get(items, 0), "address"), "1单元") != NULL);
    fxt_free(&r);
    /* paging */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/untested?area=HKG-YH-IT-W12-XR-B1-U1&limit=2", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 2);
    CHECK(json_is_string(json_object_get(r.json, "next_cursor")));
    fxt_free(&r);

    /* the export, CSV with a BOM */
    char rid[24];
    snprintf(rid, sizeof rid, "%lld", round_id);
    const char *args[] = {"export", "untested", "--round", rid, "--area", "HKG-YH-IT-W12-XR-B1-U1", NULL};
    char *out = NULL;
    CHECK_EQ_INT(fxt_cli(&srv, NULL, &out, args), 0);
    long lines = 0;
    for (const char *p = out; p && *p; p++)
        lines += *p == '\n';
    CHECK(out && strncmp(out, "\xef\xbb\xbf", 3) == 0);
    CHECK_EQ_INT(lines, untested + 1);
    free(out);
    /* the same download over HTTP, as the round screen offers it; a driver may not */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/untested/export?area=HKG-YH-IT-W12-XR-B1-U1&format=csv", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    lines = 0;
    for (const char *p = r.body; p && *p; p++)
        lines += *p == '\n';
    CHECK(r.body && strncmp(r.body, "\xef\xbb\xbf", 3) == 0);
    CHECK_EQ_INT(lines, untested + 1);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", path, driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    /* the dashboard's summary carries the same counters as the coverage */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/summary?area=HKG-YH-IT-W12-XR-B1-U1", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *unit = coverage("HKG-YH-IT-W12-XR-B1-U1");
    CHECK_EQ_INT(ifield(r.json, "untested"), untested);
    CHECK_EQ_INT(ifield(r.json, "in_scope"), ifield(unit, "in_scope"));
    CHECK_EQ_INT(ifield(r.json, "sampled"), ifield(unit, "sampled"));
    json_decref(unit);
    CHECK(json_is_integer(json_object_get(r.json, "open_discrepancies")));
    fxt_free(&r);

    /* withdrawn */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/exemptions/%lld", round_id, pid[4]);
    r = fxt_req(&srv, "DELETE", path, staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    c = coverage("HKG-YH-IT-W12-XR-B1-U1");
    CHECK_EQ_INT(ifield(c, "exempt"), 0);
    json_decref(c);
}

static void roles_and_scope(void)
{
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", driver, "{\"events\":[]}");
    CHECK_EQ_INT(r.status, 403);
    CHECK(json_is_string(json_object_get(json_object_get(r.json, "error"), "message")));
    fxt_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/sites/%lld/queue", site2);
    r = fxt_req(&srv, "POST", path, registrar, "{\"length\":30}");
    CHECK_EQ_INT(r.status, 403);
    CHECK_STR(fxt_err(&r), "not_site_staff");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/sites/%lld/queue", site1);
    r = fxt_req(&srv, "POST", path, registrar, "{\"length\":30}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(ifield(r.json, "queue"), 30);
    CHECK(sfield(r.json, "public_status") != NULL);
    fxt_free(&r);
    /* registrars and drivers do not manage rounds or sites */
    r = fxt_req(&srv, "POST", "/api/v1/rounds", registrar, "{\"name\":\"x\",\"areas\":[\"HKG\"],\"start\":1,\"deadline\":2}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/rounds", driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    /* an officer of another sub-district sees neither the round nor may cover areas outside their own */
    char *zz = fxt_login(&srv, "lijunchuan", pw);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", round_id);
    r = fxt_req(&srv, "GET", path, zz, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/rounds", zz,
                "{\"name\":\"x\",\"areas\":[\"HKG-YH-IT-W12\"],\"start\":1700000000,\"deadline\":1700090000}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "area_not_found");
    fxt_free(&r);
    free(zz);
    /* a bad body is the contract's envelope */
    r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", registrar, "{\"events\":{}}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_events");
    fxt_free(&r);
}

static void sites_change(void)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/sites/%lld", site1);
    fxt_resp r = fxt_req(&srv, "PATCH", path, officer, "{\"status\":\"paused\",\"tables\":6}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "status"), "paused");
    CHECK_STR(sfield(r.json, "public_status"), "resting");
    CHECK_EQ_INT(ifield(r.json, "tables"), 6);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", path, officer, "{\"status\":\"gone\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "invalid_status");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/sites?area=HKG-YH-IT-W12", staff, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 2);
    fxt_free(&r);
    /* sampling at a paused site's tube still counts by the event's time; a closed round refuses */
    r = fxt_req(&srv, "PATCH", path, officer, "{\"status\":\"open\"}");
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0 || fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    now = (long long)time(NULL);
    admin = fxt_login(&srv, "admin", pw);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    registrar = fxt_login(&srv, "zhangmingqiang", pw);
    driver = fxt_login(&srv, "lijianhua", pw);
    RUN(setup_round);
    RUN(pool_size_follows_risk_level);
    RUN(whole_flow);
    RUN(exemptions_and_untested);
    RUN(roles_and_scope);
    RUN(sites_change);
    fxt_teardown(&srv);
    free(admin);
    free(officer);
    free(staff);
    free(registrar);
    free(driver);
    return th_done("api_sampling");
}
