/* API tests: the public endpoints (no login) — the site list with status and its
 * cache headers, result lookup masked, one 404 for an unknown person and a wrong
 * name, per-IP rate limits and the public in-flight budget with small limits;
 * and GET /api/v1/collect/context for sampling tables. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static fxt_server srv;
static char pw[32];
static char *officer, *registrar, *lab, *staff;
static long long round_id, site_id, now;
static int public_port;
static char idn[3][24], name[3][64];


static void setup(void)
{
    char body[512];
    snprintf(body, sizeof body, "{\"name\":\"R\",\"areas\":[\"HKG-YH-IT-W12\"],\"start\":%lld,\"deadline\":%lld}",
             now - 7200, now + 36000);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/rounds", officer, body);
    CHECK_EQ_INT(r.status, 201);
    round_id = ifield(r.json, "id");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/sites", officer,
                "{\"name\":\"鑫荣公寓1号点\",\"area\":\"HKG-YH-IT-W12-XR\",\"lat\":34.52,\"lng\":113.84,\"tables\":4,"
                "\"opens\":0,\"closes\":1440}");
    CHECK_EQ_INT(r.status, 201);
    site_id = ifield(r.json, "id");
    fxt_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/sites/%lld/staff", site_id);
    r = fxt_req(&srv, "POST", path, officer, "{\"username\":\"zhangmingqiang\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/persons?area=HKG-YH-IT-W12-XR-B1-U1&limit=3", staff, NULL);
    for (size_t i = 0; i < 3; i++) {
        json_t *p = json_array_get(json_object_get(r.json, "items"), i);
        snprintf(idn[i], sizeof idn[i], "%s", sfield(p, "id_number") ? sfield(p, "id_number") : "");
        snprintf(name[i], sizeof name[i], "%s", sfield(p, "name") ? sfield(p, "name") : "");
    }
    fxt_free(&r);
    /* person 0 sampled and negative, person 1 sampled and pending, person 2 never sampled */
    char batch[1024];
    snprintf(batch, sizeof batch,
             "{\"events\":[{\"id\":\"o1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"PT1\","
             "\"pool_size\":1,\"at\":%lld},{\"id\":\"s1\",\"type\":\"sample\",\"tube\":\"PT1\",\"person\":{\"id_number\":"
             "\"%s\"},\"at\":%lld},{\"id\":\"c1\",\"type\":\"tube_seal\",\"tube\":\"PT1\",\"at\":%lld},"
             "{\"id\":\"o2\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"PT2\",\"pool_size\":1,"
             "\"at\":%lld},{\"id\":\"s2\",\"type\":\"sample\",\"tube\":\"PT2\",\"person\":{\"id_number\":\"%s\"},"
             "\"at\":%lld}]}",
             round_id, site_id, now - 600, idn[0], now - 590, now - 580, round_id, site_id, now - 500, idn[1],
             now - 490);
    r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", registrar, batch);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(ifield(json_object_get(r.json, "summary"), "ok"), 5);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"PT1\",\"result\":\"negative\",\"at\":%lld}]}", now - 60);
    r = fxt_req(&srv, "POST", "/api/v1/results", lab, body);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
}

static fxt_resp lookup(const char *id, const char *nm)
{
    char body[256];
    snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"%s\"}", id, nm);
    return fxt_req(&srv, "POST", "/api/v1/public/results/lookup", NULL, body);
}

static void sites_public_and_cached(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/public/sites?area=HKG-YH", NULL, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *s = json_array_get(json_object_get(r.json, "items"), 0);
    CHECK_STR(sfield(s, "name"), "鑫荣公寓1号点");
    CHECK_STR(sfield(s, "status"), "clear");
    CHECK(json_is_integer(json_object_get(s, "wait_min")));
    CHECK(json_object_get(s, "staff") == NULL); /* nothing staff-only */
    CHECKF(strstr(fxt_header(&r, "Cache-Control"), "public, max-age=") != NULL, "Cache-Control: %s",
           fxt_header(&r, "Cache-Control"));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/public/sites?area=HKG-BQ", NULL, NULL); /* another subtree */
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/public/sites?area=NOPE", NULL, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    /* a new site shows once the cache (1 s in this test) has expired */
    r = fxt_req(&srv, "POST", "/api/v1/sites", officer, "{\"name\":\"港城公寓点\",\"area\":\"HKG-YH-IT-W12-GC\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/public/sites?area=HKG-YH", NULL, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
    fxt_free(&r);
    struct timespec ts = {1, 200000000};
    nanosleep(&ts, NULL);
    r = fxt_req(&srv, "GET", "/api/v1/public/sites?area=HKG-YH", NULL, NULL);
    CHECKF(json_array_size(json_object_get(r.json, "items")) == 2, "%s", r.body);
    fxt_free(&r);
}

static void lookup_masked(void)
{
    fxt_resp r = lookup(idn[0], name[0]);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "result"), "negative");
    const char *id = sfield(r.json, "id_number");
    CHECKF(id && strlen(id) == 18 && strncmp(id, idn[0], 4) == 0 && strcmp(id + 14, idn[0] + 14) == 0 &&
               strncmp(id + 4, "**********", 10) == 0,
           "masked %s", id ? id : "(null)");
    const char *nm = sfield(r.json, "name");
    CHECKF(nm && strncmp(nm, name[0], 3) == 0 && strchr(nm, '*') && strcmp(nm, name[0]) != 0, "name %s", nm);
    CHECK(strstr(r.body, idn[0]) == NULL); /* the full number appears nowhere */
    CHECK(json_is_true(json_object_get(r.json, "masked")));
    CHECK_STR(fxt_header(&r, "Cache-Control"), "no-store");
    fxt_free(&r);
    r = lookup(idn[1], name[1]);
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "sampled")));
    CHECK(json_is_null(json_object_get(r.json, "result")));
    fxt_free(&r);
    r = lookup(idn[2], name[2]);
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_is_false(json_object_get(r.json, "sampled")));
    fxt_free(&r);
}

static void lookup_never_tells_who_exists(void)
{
    fxt_resp wrong = lookup(idn[0], "某某某");
    fxt_resp unknown = lookup("110101199003074477", "某某某");
    CHECK_EQ_INT(wrong.status, 404);
    CHECK_EQ_INT(unknown.status, 404);
    CHECKF(wrong.body && unknown.body && strcmp(wrong.body, unknown.body) == 0, "%s vs %s", wrong.body,
           unknown.body);
    fxt_free(&wrong);
    fxt_free(&unknown);
    fxt_resp bad = lookup("110101199003074478", "某某某"); /* a typo in the number is said as such */
    CHECK_EQ_INT(bad.status, 400);
    CHECK_STR(fxt_err(&bad), "invalid_id_number");
    fxt_free(&bad);
    fxt_resp extra = fxt_req(&srv, "POST", "/api/v1/public/results/lookup", NULL, "{\"id_number\":\"x\"}");
    CHECK_EQ_INT(extra.status, 400);
    fxt_free(&extra);
}

static void collect_context(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/collect/context", registrar, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *sites = json_object_get(r.json, "sites");
    CHECK_EQ_INT(json_array_size(sites), 1); /* the site staffed, not every site of the area */
    json_t *s = json_array_get(sites, 0);
    CHECK_EQ_INT(ifield(s, "id"), site_id);
    json_t *rd = json_array_get(json_object_get(s, "rounds"), 0);
    CHECK_EQ_INT(ifield(rd, "id"), round_id);
    CHECK_EQ_INT(ifield(rd, "pool_size"), 20);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/collect/context", NULL, NULL);
    CHECK_EQ_INT(r.status, 401);
    fxt_free(&r);
    char *driver = fxt_login(&srv, "lijianhua", pw);
    r = fxt_req(&srv, "GET", "/api/v1/collect/context", driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    free(driver);
}

/* Bursts of 20 at 10 a second in this server: past the burst, requests at once are
 * 429 with Retry-After; staff endpoints are not limited. */
static void rate_limited(void)
{
    struct timespec ts = {2, 500000000}; /* a full bucket again */
    nanosleep(&ts, NULL);
    int ok = 0, limited = 0;
    const char *retry = NULL;
    for (int i = 0; i < 30; i++) {
        fxt_resp r = fxt_req(&srv, "GET", "/api/v1/public/sites", NULL, NULL);
        if (r.status == 200)
            ok++;
        else if (r.status == 429) {
            limited++;
            retry = fxt_header(&r, "Retry-After");
            CHECK_STR(fxt_err(&r), "rate_limited");
            CHECK(retry && atoi(retry) >= 1);
        }
        fxt_free(&r);
    }
    CHECKF(ok >= 20 && ok <= 24 && limited == 30 - ok, "ok %d, limited %d", ok, limited);
    fxt_resp s = fxt_req(&srv, "GET", "/api/v1/collect/context", registrar, NULL);
    CHECK_EQ_INT(s.status, 200);
    fxt_free(&s);
    nanosleep(&ts, NULL);
    s = lookup(idn[0], name[0]);
    CHECK_EQ_INT(s.status, 200);
    fxt_free(&s);
    fxt_resp m = fxt_req(&srv, "GET", "/metrics", NULL, NULL);
    CHECK(m.body && strstr(m.body, "public_rate") != NULL);
    fxt_free(&m);
}

/* --public-listen: the second address answers the public pages and API and nothing else. */
static void public_address(void)
{
    fxt_server pub = srv; /* the same server, reached on its public address */
    pub.port = public_port;
    fxt_resp r = fxt_req(&pub, "POST", "/api/v1/public/results/lookup", NULL, "{\"id_number\":\"110101199003074477\",\"name\":\"x\"}");
    CHECK_EQ_INT(r.status, 404);
    CHECK_STR(fxt_err(&r), "no_match");
    fxt_free(&r);
    r = fxt_req(&pub, "GET", "/public/", NULL, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    static const char *const closed[] = {"/api/v1/collect/context", "/api/v1/areas", "/metrics"};
    for (size_t i = 0; i < sizeof closed / sizeof *closed; i++) {
        r = fxt_req(&pub, "GET", closed[i], registrar, NULL);
        CHECKF(r.status == 404, "%s on the public address: %d", closed[i], r.status);
        fxt_free(&r);
    }
    r = fxt_req(&pub, "POST", "/api/v1/session", NULL, "{\"username\":\"zhangmingqiang\",\"password\":\"x\"}");
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
}

int main(void)
{
    th_init();
    char listen[32];
    public_port = 20000 + (int)(getpid() % 20000);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", public_port);
    const char *const extra[] = {"--public-rate", "10", "--public-burst", "20", "--public-cache-s", "1",
                                 "--public-listen", listen, NULL};
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0) {
        fprintf(stderr, "cannot set up the server under test (%s)\n", fxt_bin());
        return 1;
    }
    for (int i = 0; extra[i]; i++)
        srv.extra[i] = extra[i];
    if (fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    now = (long long)time(NULL);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    registrar = fxt_login(&srv, "zhangmingqiang", pw);
    lab = fxt_login(&srv, "lab", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    RUN(setup);
    RUN(sites_public_and_cached);
    RUN(lookup_masked);
    RUN(lookup_never_tells_who_exists);
    RUN(collect_context);
    RUN(rate_limited);
    RUN(public_address);
    fxt_teardown(&srv);
    free(officer);
    free(registrar);
    free(lab);
    free(staff);
    return th_done("api_public");
}
