/* API tests: a round's transport setup and stored plan, live re-planning (a current
 * run kept, and freed when keeping it makes a box late), and reminders and alarms
 * through the outbox to a local receiver: text and HH:MM at the lead time, DingTalk
 * signing, the webhook's HMAC, retries with backoff, a pending message delivered
 * after the server was killed, one alert for a failing channel (not repeated after
 * a restart), and old messages pruned. Every plan is checked with `plan check`. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/round_fixture.h"
#include "lib/testhelp.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define D0 1799942400LL                   /* 2027-01-15 00:00 in Asia/Shanghai: minute 0 of the plans */
#define AT(m) (D0 + (long long)(m) * 60) /* minute m of that day, epoch seconds */

static fxt_server srv;
static rcv rv;
static char pw[32];
static char *officer, *driver, *staff;
static long long r1, r2, r3;          /* R1: messages; R2, R3: re-planning */
static long long s1, s2, sa, sb;      /* sites */
static long long now_s;               /* the server's clock at its last start */

static void login_all(void)
{
    free(officer), free(driver), free(staff);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    driver = fxt_login(&srv, "lijianhua", pw);
    staff = fxt_login(&srv, "panpeng", pw);
}

/* Restarts the server with its clock at t (killed first when kill9). */
static void restart(long long t, const char *interval_ms, bool kill9)
{
    if (kill9)
        fxt_kill9(&srv);
    else
        CHECKF(fxt_stop(&srv) == 0, "the server did not exit cleanly (sanitizer report above?)");
    static const char *extra[8];
    extra[0] = "--notify-interval-ms", extra[1] = interval_ms, extra[2] = "--notify-retry-s", extra[3] = "1",
    extra[4] = "--notify-attempts", extra[5] = "4", extra[6] = NULL;
    memcpy(srv.extra, extra, sizeof extra);
    snprintf(srv.now, sizeof srv.now, "%lld", t);
    now_s = t;
    CHECK(fxt_start(&srv) == 0);
    login_all();
}

static fxt_resp req(const char *method, const char *path, const char *token, const char *body)
{
    return fxt_req(&srv, method, path, token, body);
}

static void setup_body(char *out, size_t n, long long a, long long b, const char *matrix, const char *vehicles,
                       int first, int last)
{
    snprintf(out, n,
             "{\"hub\":\"LAB\",\"deadline_min\":90,\"service_min\":3,\"lead_min\":15,\"replan_min\":10,"
             "\"matrix\":%s,\"vehicles\":%s,\"pickups\":["
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld},"
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld}]}",
             matrix, vehicles, a, AT(first), AT(last), b, AT(first + (a == s1 ? 30 : 0)), AT(last + (a == s1 ? 30 : 0)));
}

/* Writes the current plan's problem and its planned (future) part to files and runs the checker. */
static void check_current(long long round)
{
    char path[64], pf[400], lf[400];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    fxt_resp r = req("GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *plan = json_object_get(r.json, "plan");
    json_t *future = json_object_get(plan, "future") ? json_object_get(plan, "future") : plan;
    if (json_array_size(json_object_get(json_object_get(r.json, "problem"), "sites")) == 0) {
        /* everything left rides in kept runs: nothing was planned afresh */
        size_t i;
        json_t *run;
        json_array_foreach(json_object_get(plan, "runs"), i, run)
            CHECK(strcmp(json_string_value(json_object_get(run, "state")), "planned") != 0);
        fxt_free(&r);
        return;
    }
    snprintf(pf, sizeof pf, "%s/problem-%lld.json", srv.dir, round);
    snprintf(lf, sizeof lf, "%s/plan-%lld.json", srv.dir, round);
    CHECK(json_dump_file(json_object_get(r.json, "problem"), pf, 0) == 0);
    CHECK(json_dump_file(future, lf, 0) == 0);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "%s plan check %s %s >/dev/null", fxt_bin(), pf, lf);
    CHECKF(system(cmd) == 0, "plan check of round %lld's plan failed", round);
    fxt_free(&r);
}

static json_t *current(long long round, fxt_resp *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    *r = req("GET", path, officer, NULL);
    return json_object_get(r->json, "plan");
}

/* The run of vehicle v in a plan's runs (the first one). */
static json_t *run_of(json_t *plan, const char *v)
{
    size_t i;
    json_t *run;
    json_array_foreach(json_object_get(plan, "runs"), i, run) if (strcmp(json_string_value(json_object_get(run, "vehicle")), v) == 0) return run;
    return NULL;
}

static void setup_and_first_plans(void)
{
    CHECK(rfx_open(srv.db) == 0);
    r1 = rfx_round("HKG-YH", AT(420), AT(1200));
    r2 = rfx_round("HKG-YH", AT(420), AT(1200));
    r3 = rfx_round("HKG-YH", AT(420), AT(1200));
    s1 = rfx_site("HKG-YH-IT-W12", "港城公寓核酸点");
    s2 = rfx_site("HKG-YH-IT-W12", "新港学校核酸点");
    sa = rfx_site("HKG-YH-IT-W12", "甲点");
    sb = rfx_site("HKG-YH-IT-W12", "乙点");
    rfx_close();
    char m1[400], m2[400], body[2000], path[80];
    snprintf(m1, sizeof m1, "{\"ids\":[\"LAB\",\"%lld\",\"%lld\"],\"minutes\":[[0,10,12],[10,0,8],[12,8,0]],"
                            "\"km\":[[0,6,7],[6,0,5],[7,5,0]]}", s1, s2);
    snprintf(m2, sizeof m2, "{\"ids\":[\"LAB\",\"%lld\",\"%lld\"],\"minutes\":[[0,20,20],[20,0,15],[20,15,0]],"
                            "\"km\":[[0,12,12],[12,0,9],[12,9,0]]}", sa, sb);
    char v1[200];
    snprintf(v1, sizeof v1, "[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10,\"driver\":\"lijianhua\"}]",
             AT(420), AT(1080));

    /* refusals name the field */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", r1);
    fxt_resp r = req("PUT", path, officer, "{\"hub\":\"LAB\",\"matrix\":{},\"vehicles\":[{\"id\":\"V1\",\"shift_start\":10,"
                                           "\"shift_end\":5,\"capacity\":3}],\"pickups\":[]}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(r.body && strstr(r.body, "vehicles[0].shift_end"), "%s", r.body ? r.body : "");
    fxt_free(&r);
    r = req("PUT", path, officer, "{\"hub\":\"LAB\",\"matrix\":{},\"vehicles\":[7],\"pickups\":[]}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(r.body && strstr(r.body, "vehicles[0]: expected an object"), "%s", r.body ? r.body : "");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"hub\":\"LAB\",\"matrix\":{},\"vehicles\":[{\"id\":\"V1\",\"shift_start\":%lld,"
             "\"shift_end\":%lld,\"capacity\":3},{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,"
             "\"capacity\":3}],\"pickups\":[]}", AT(420), AT(1080), AT(420), AT(1080));
    r = req("PUT", path, officer, body);
    CHECK_EQ_INT(r.status, 400);
    CHECKF(r.body && strstr(r.body, "vehicles[1].id: \\\"V1\\\" is listed twice"), "%s", r.body ? r.body : "");
    fxt_free(&r);
    r = req("PUT", path, driver, "{}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);

    long long rounds[] = {r1, r2, r3};
    for (int i = 0; i < 3; i++) {
        setup_body(body, sizeof body, i ? sa : s1, i ? sb : s2, i ? m2 : m1, v1, 480, i ? 480 : 600);
        snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", rounds[i]);
        r = req("PUT", path, officer, body);
        CHECKF(r.status == 200, "setup: %d %s", r.status, r.body ? r.body : "");
        fxt_free(&r);
        snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", rounds[i]);
        r = req("POST", path, officer, NULL);
        CHECKF(r.status == 201, "plan: %d %s", r.status, r.body ? r.body : "");
        CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(r.json, "summary"), "late_boxes")), 0);
        fxt_free(&r);
        check_current(rounds[i]);
    }
    /* re-planning rounds get a second vehicle now that their plans use one */
    char v2[400];
    snprintf(v2, sizeof v2, "[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10,\"driver\":\"lijianhua\"},"
                            "{\"id\":\"V2\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10}]",
             AT(420), AT(1080), AT(420), AT(1080));
    for (int i = 1; i < 3; i++) {
        setup_body(body, sizeof body, sa, sb, m2, v2, 480, 480);
        snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", rounds[i]);
        r = req("PUT", path, officer, body);
        CHECK_EQ_INT(r.status, 200);
        fxt_free(&r);
    }
    /* the driver sees their runs, with epoch times */
    r = req("GET", "/api/v1/transport/my-runs", driver, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    CHECK(json_array_size(items) == 3);
    json_t *runs = json_object_get(json_array_get(items, 0), "runs");
    CHECK(json_array_size(runs) >= 1);
    CHECK(json_integer_value(json_object_get(json_array_get(runs, 0), "depart_at")) > D0);
    /* each stop named: the site's name, the hub's id at the hub */
    size_t si;
    json_t *sj;
    json_array_foreach(json_object_get(json_array_get(runs, 0), "stops"), si, sj)
    {
        const char *nm = json_string_value(json_object_get(sj, "name"));
        CHECK(nm != NULL);
        if (json_is_true(json_object_get(sj, "hub")))
            CHECK(nm && strcmp(nm, "LAB") == 0);
        else
            CHECKF(nm && (strcmp(nm, "港城公寓核酸点") == 0 || strcmp(nm, "新港学校核酸点") == 0), "stop name %s", nm ? nm : "");
    }
    fxt_free(&r);
    r = req("GET", "/api/v1/transport/my-runs", staff, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    /* audited: the setup and the plan */
    char *admin = fxt_login(&srv, "admin", pw);
    snprintf(path, sizeof path, "/api/v1/audit?entity=round&id=%lld", r1);
    r = req("GET", path, admin, NULL);
    CHECK(r.body && strstr(r.body, "\"transport_setup\"") && strstr(r.body, "\"transport_plan\""));
    fxt_free(&r);
    free(admin);
}

static long long channel(const char *body)
{
    fxt_resp r = req("POST", "/api/v1/channels", officer, body);
    CHECKF(r.status == 201, "channel: %d %s", r.status, r.body ? r.body : "");
    CHECK(!r.body || (!strstr(r.body, "SECding") && !strstr(r.body, "whsecret") && !strstr(r.body, "key=k1")));
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static void channels(void)
{
    char b[600];
    snprintf(b, sizeof b, "{\"name\":\"港城群\",\"kind\":\"wecom\",\"audience\":\"site\",\"round\":%lld,\"site\":%lld,"
                          "\"url\":\"http://127.0.0.1:%d/wecom/s1?key=k1\"}", r1, s1, rv.port);
    channel(b);
    snprintf(b, sizeof b, "{\"name\":\"转运群\",\"kind\":\"dingtalk\",\"audience\":\"site\",\"round\":%lld,"
                          "\"url\":\"http://127.0.0.1:%d/ding?access_token=t1\",\"secret\":\"SECding\"}", r1, rv.port);
    channel(b);
    snprintf(b, sizeof b, "{\"name\":\"指挥部\",\"kind\":\"webhook\",\"audience\":\"officer\",\"round\":%lld,"
                          "\"url\":\"http://127.0.0.1:%d/hook\",\"secret\":\"whsecret\"}", r1, rv.port);
    channel(b);
    snprintf(b, sizeof b, "{\"name\":\"V1\",\"kind\":\"wecom\",\"audience\":\"driver\",\"round\":%lld,\"vehicle\":\"V1\","
                          "\"url\":\"http://127.0.0.1:%d/driver?key=k2\"}", r1, rv.port);
    channel(b);
    fxt_resp r = req("POST", "/api/v1/channels", officer, "{\"name\":\"x\",\"kind\":\"webhook\",\"audience\":\"officer\","
                                                           "\"area\":\"HKG-YH\",\"url\":\"http://127.0.0.1:1/x\"}");
    CHECK_EQ_INT(r.status, 400); /* a webhook without its secret */
    CHECKF(r.body && strstr(r.body, "secret"), "%s", r.body ? r.body : "");
    fxt_free(&r);
    r = req("POST", "/api/v1/channels", staff, "{}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = req("GET", "/api/v1/channels", officer, NULL);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 4);
    CHECK(r.body && !strstr(r.body, "SECding") && !strstr(r.body, "whsecret") && !strstr(r.body, "k1"));
    long long first = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id"));
    fxt_free(&r);
    /* changed and audited without the secret */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/channels/%lld", first);
    r = req("PATCH", path, officer, "{\"secret\":\"SECrotated\",\"colour\":1}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "unknown_field");
    fxt_free(&r);
    r = req("PATCH", path, officer, "{\"name\":\"港城群2\",\"secret\":\"SECrotated\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK(json_is_true(json_object_get(r.json, "has_secret")));
    fxt_free(&r);
    r = req("PATCH", path, officer, "{\"secret\":\"\"}"); /* the WeCom robot needs none */
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    char *admin = fxt_login(&srv, "admin", pw);
    snprintf(path, sizeof path, "/api/v1/audit?entity=channel&id=%lld", first);
    r = req("GET", path, admin, NULL);
    CHECK(r.body && strstr(r.body, "\"create\"") && strstr(r.body, "\"update\"") && !strstr(r.body, "SECrotated") &&
          !strstr(r.body, "k1"));
    fxt_free(&r);
    free(admin);
}

static void hmac_b64(const char *key, const char *data, char out[64])
{
    unsigned char mac[32];
    gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, strlen(key), data, strlen(data), mac);
    gnutls_datum_t in = {mac, 32}, b = {0};
    gnutls_base64_encode2(&in, &b);
    snprintf(out, 64, "%.*s", (int)b.size, (char *)b.data);
    gnutls_free(b.data);
}

static void url_decode(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && *s != '&' && o + 1 < n; s++) {
        if (*s == '%' && s[1] && s[2]) {
            char h[3] = {s[1], s[2], 0};
            out[o++] = (char)strtol(h, NULL, 16);
            s += 2;
        } else
            out[o++] = *s;
    }
    out[o] = '\0';
}

/* The first stop of R1's earliest run: its minute and site. */
static int first_pickup(char site[24])
{
    fxt_resp r;
    json_t *plan = current(r1, &r), *first = NULL;
    size_t i;
    json_t *run;
    json_array_foreach(json_object_get(plan, "runs"), i, run) if (!first || json_integer_value(json_object_get(run, "depart")) <
                                                                                 json_integer_value(json_object_get(first, "depart"))) first = run;
    json_t *st = json_array_get(json_object_get(first, "stops"), 0);
    int m = (int)json_integer_value(json_object_get(st, "arrive"));
    snprintf(site, 24, "%s", json_string_value(json_object_get(st, "at")));
    fxt_free(&r);
    return m;
}

static void reminder_at_lead_time(void)
{
    char site[24], s1id[24];
    int m = first_pickup(site);
    snprintf(s1id, sizeof s1id, "%lld", s1);
    bool at_s1 = strcmp(site, s1id) == 0;
    const char *name = at_s1 ? "港城公寓核酸点" : "新港学校核酸点";
    CHECK(m >= 480);
    restart(AT(m) - 14 * 60, "200", false); /* 14 minutes before the day's first pickup */
    char hhmm[8];
    snprintf(hhmm, sizeof hhmm, "%02d:%02d", m / 60 % 24, m % 60);
    CHECKF(rcv_wait(&rv, "/ding", 1, 15000), "no reminder reached the DingTalk group");
    if (at_s1)
        CHECKF(rcv_wait(&rv, "/wecom/s1", 1, 5000), "no reminder reached the site's WeCom group");
    CHECKF(rcv_wait(&rv, "/driver", 1, 5000), "the driver was not told of the next run");
    bool text_ok = false, sign_ok = false, driver_ok = false;
    for (int i = 0; i < rcv_count(&rv); i++) {
        rcv_req *q = &rv.req[i];
        json_t *j = json_loads(q->body, 0, NULL);
        const char *content = json_string_value(json_object_get(json_object_get(j, "text"), "content"));
        CHECK(json_is_object(j) && strcmp(json_string_value(json_object_get(j, "msgtype")), "text") == 0);
        if (!strncmp(q->target, at_s1 ? "/wecom/s1" : "/ding", 5) && content && strstr(content, name) &&
            strstr(content, hhmm) && strstr(content, "请封箱") && strstr(content, "pickup at"))
            text_ok = true;
        if (!strncmp(q->target, "/wecom/s1", 9)) /* a site's own channel hears only of that site */
            CHECK(content && strstr(content, "港城公寓核酸点"));
        if (!strncmp(q->target, "/ding", 5)) {
            const char *ts = strstr(q->target, "timestamp="), *sg = strstr(q->target, "sign=");
            CHECK(strstr(q->target, "access_token=t1&") != NULL);
            char tsv[24] = "", got[128], want[64], in[80];
            if (ts && sg) {
                snprintf(tsv, sizeof tsv, "%.*s", (int)strcspn(ts + 10, "&"), ts + 10);
                url_decode(sg + 5, got, sizeof got);
                snprintf(in, sizeof in, "%s\nSECding", tsv);
                hmac_b64("SECding", in, want);
                long long ms = strtoll(tsv, NULL, 10);
                sign_ok = strcmp(got, want) == 0 && ms / 1000 >= now_s - 5 && ms / 1000 <= now_s + 120;
            }
        }
        if (!strncmp(q->target, "/driver", 7) && content && strstr(content, "V1"))
            driver_ok = true;
        json_decref(j);
    }
    CHECKF(text_ok, "the site's reminder did not say to seal with the pickup time %s", hhmm);
    CHECKF(sign_ok, "the DingTalk sign did not verify");
    CHECK(driver_ok);
    /* nothing yet for later pickups: each reminder comes at its own lead time */
    for (int i = 0; i < rcv_count(&rv); i++)
        if (!strncmp(rv.req[i].target, "/ding", 5))
            CHECK(strstr(rv.req[i].body, hhmm) != NULL);
    /* the outbox lists them as sent, without secrets */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/outbox", r1);
    fxt_resp r = req("GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    if (getenv("FXT_DEBUG"))
        fprintf(stderr, "%s\n", r.body);
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 2); /* the group reminder and the driver's run */
    CHECK(r.body && !strstr(r.body, "SECding"));
    fxt_free(&r);
}

static int hook_count(const char *box, int status)
{
    int n = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        n += !strncmp(rv.req[i].target, "/hook", 5) && strstr(rv.req[i].body, box) &&
             (status == 0 || rv.req[i].answered == status);
    pthread_mutex_unlock(&rv.mu);
    return n;
}

static bool wait_hook(const char *box, int status, int n, int timeout_ms)
{
    for (int w = 0; w < timeout_ms; w += 50) {
        if (hook_count(box, status) >= n)
            return true;
        usleep(50000);
    }
    return false;
}

static void at_risk_box(const char *tube, const char *box, long long sealed)
{
    CHECK(rfx_open(srv.db) == 0);
    CHECK(rfx_tube(r1, s1, tube, 10, NULL, 0, sealed - 600, sealed - 300) > 0);
    const char *t[] = {tube};
    CHECK(rfx_box(r1, s1, box, box, t, 1, sealed) > 0);
    rfx_close();
}

static void alarm_retried_with_backoff(void)
{
    rcv_fail(&rv, "/hook", 2);
    at_risk_box("RT1", "RISK1", now_s - 75 * 60); /* 75 of 90 minutes gone: at risk */
    CHECKF(wait_hook("RISK1", 200, 1, 20000), "the at-risk alarm was not delivered after the receiver recovered");
    CHECK_EQ_INT(hook_count("RISK1", 500), 2);
    /* the same idempotency key on every attempt, a valid signature on the delivered one */
    char key0[200] = "", key[200];
    for (int i = 0; i < rv.n; i++) {
        if (strncmp(rv.req[i].target, "/hook", 5) || !strstr(rv.req[i].body, "RISK1"))
            continue;
        CHECK(rcv_header(&rv, i, "Idempotency-Key", key, sizeof key));
        if (!key0[0])
            snprintf(key0, sizeof key0, "%s", key);
        CHECK_STR(key, key0);
        CHECK(rcv_signed(&rv, i, "whsecret"));
        json_t *j = json_loads(rv.req[i].body, 0, NULL);
        CHECK_STR(json_string_value(json_object_get(j, "kind")), "box_at_risk");
        CHECK_STR(json_string_value(json_object_get(j, "id")), key0);
        json_decref(j);
    }
    usleep(2500 * 1000); /* delivered once: no more attempts */
    CHECK_EQ_INT(hook_count("RISK1", 0), 3);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/outbox", r1);
    fxt_resp r = req("GET", path, officer, NULL);
    size_t i;
    json_t *it;
    bool seen = false;
    json_array_foreach(json_object_get(r.json, "items"), i, it) if (strstr(json_string_value(json_object_get(it, "text")), "RISK1"))
    {
        seen = true;
        CHECK_STR(json_string_value(json_object_get(it, "status")), "sent");
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "attempts")), 3);
    }
    CHECK(seen);
    fxt_free(&r);
    /* the seal far off the plan re-planned the round in the background */
    json_t *plan = current(r1, &r);
    CHECK(plan != NULL);
    CHECK_STR(json_string_value(json_object_get(r.json, "reason")), "deviation");
    fxt_free(&r);
    check_current(r1);
}

static void pending_survives_restart(void)
{
    rcv_fail(&rv, "/hook", -1);
    at_risk_box("RT2", "RISK2", now_s + 5 - 74 * 60);
    CHECKF(wait_hook("RISK2", 500, 1, 20000), "the alarm was not attempted");
    long long elapsed_now = now_s + 5;
    restart(elapsed_now, "200", true); /* killed with the message pending */
    rcv_fail(&rv, "/hook", 0);
    CHECKF(wait_hook("RISK2", 200, 1, 20000), "the pending alarm was not delivered after the restart");
    usleep(1500 * 1000);
    CHECK_EQ_INT(hook_count("RISK2", 200), 1);
}

/* Box `name` handed at `at` to a driver of vehicle `veh`, or to the hub when veh is NULL. */
static void hand(const char *name, const char *veh, long long at)
{
    char body[300];
    if (veh)
        snprintf(body, sizeof body, "{\"box\":\"%s\",\"to\":\"driver\",\"vehicle\":\"%s\",\"count\":1,\"at\":%lld}",
                 name, veh, at);
    else
        snprintf(body, sizeof body, "{\"box\":\"%s\",\"to\":\"hub\",\"count\":1,\"at\":%lld}", name, at);
    fxt_resp r = req("POST", "/api/v1/handovers", veh ? driver : officer, body);
    CHECKF(r.status == 201, "handover: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
}

static long long box_with_handover(long long round, long long site, const char *name, long long sealed,
                                   long long handed)
{
    char tube[16];
    snprintf(tube, sizeof tube, "T%s", name);
    CHECK(rfx_open(srv.db) == 0);
    CHECK(rfx_tube(round, site, tube, 10, NULL, 0, sealed - 600, sealed - 300) > 0);
    const char *t[] = {tube};
    long long id = rfx_box(round, site, name, name, t, 1, sealed);
    rfx_close();
    if (handed)
        hand(name, "V1", handed);
    return id;
}

/* V1's run in a round's first plan: its first and second site. */
static void first_run_sites(long long round, char x[24], char y[24], json_t **first_stop)
{
    fxt_resp r;
    json_t *run = run_of(current(round, &r), "V1");
    json_t *stops = json_object_get(run, "stops");
    CHECK(json_array_size(stops) == 3); /* both sites, then the lab */
    snprintf(x, 24, "%s", json_string_value(json_object_get(json_array_get(stops, 0), "at")));
    snprintf(y, 24, "%s", json_string_value(json_object_get(json_array_get(stops, 1), "at")));
    *first_stop = json_deep_copy(json_array_get(stops, 0));
    fxt_free(&r);
}

static json_t *post_replan(long long round, fxt_resp *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/replan", round);
    *r = req("POST", path, officer, NULL);
    CHECKF(r->status == 201, "replan: %d %s", r->status, r->body ? r->body : "");
    return json_object_get(r->json, "plan");
}

static void replan_keeps_current_run(void)
{
    char x[24], y[24];
    json_t *stop0;
    first_run_sites(r2, x, y, &stop0);
    restart(AT(485), "3600000", false); /* 08:05; the background job has looked once */
    box_with_handover(r2, strtoll(x, NULL, 10), "KX1", AT(480), AT(481));
    fxt_resp r;
    json_t *plan = post_replan(r2, &r);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "kept")), 1);
    json_t *run = run_of(plan, "V1"), *stops = json_object_get(run, "stops");
    CHECK_STR(json_string_value(json_object_get(run, "state")), "current");
    CHECK(json_is_true(json_object_get(run, "kept")));
    CHECK_EQ_INT(json_array_size(stops), 3);
    CHECK_STR(json_string_value(json_object_get(json_array_get(stops, 0), "at")), x);
    CHECK_STR(json_string_value(json_object_get(json_array_get(stops, 1), "at")), y);
    /* the stop already made is unchanged; only what follows was recomputed */
    json_t *s0 = json_array_get(stops, 0);
    CHECK(json_is_true(json_object_get(s0, "done")));
    CHECK_EQ_INT(json_integer_value(json_object_get(s0, "arrive")), json_integer_value(json_object_get(stop0, "arrive")));
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(plan, "summary"), "late_boxes")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(json_object_get(plan, "compared"), "keep"), "late_boxes")), 0);
    fxt_free(&r);
    json_decref(stop0);
    check_current(r2);
}

static void replan_frees_run_that_makes_a_box_late(void)
{
    char x[24], y[24];
    json_t *stop0;
    first_run_sites(r3, x, y, &stop0);
    json_decref(stop0);
    restart(AT(550), "3600000", false); /* 09:10 */
    /* the box at X was handed over at 09:05, 65 minutes after its seal: carrying on to Y
       would bring it in 16 minutes late; Y sealed at 08:30 and can wait for another vehicle */
    box_with_handover(r3, strtoll(x, NULL, 10), "FX1", AT(480), AT(545));
    box_with_handover(r3, strtoll(y, NULL, 10), "FY1", AT(510), 0);
    fxt_resp r;
    json_t *plan = post_replan(r3, &r);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "kept")), 0);
    json_t *cmp = json_object_get(plan, "compared");
    CHECK(json_integer_value(json_object_get(json_object_get(cmp, "keep"), "late_boxes")) >= 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(cmp, "free"), "late_boxes")), 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(plan, "summary"), "late_boxes")), 0);
    json_t *run = run_of(plan, "V1"), *stops = json_object_get(run, "stops");
    CHECK_STR(json_string_value(json_object_get(run, "state")), "current");
    CHECK(json_is_false(json_object_get(run, "kept")));
    CHECK_EQ_INT(json_array_size(stops), 2); /* X, then straight to the lab */
    CHECK_STR(json_string_value(json_object_get(json_array_get(stops, 1), "at")), "LAB");
    /* Y's real box rides in a newly planned run */
    size_t i;
    json_t *b;
    bool y_planned = false;
    json_array_foreach(json_object_get(plan, "boxes"), i, b) if (json_string_value(json_object_get(b, "barcode")) &&
                                                                 !strcmp(json_string_value(json_object_get(b, "barcode")), "FY1"))
    {
        y_planned = json_integer_value(json_object_get(b, "late_min")) == 0 &&
                    json_integer_value(json_object_get(b, "picked")) >= 550;
    }
    CHECK(y_planned);
    fxt_free(&r);
    check_current(r3);
}

/* A setup without a matrix naming an OSRM service: the plan's travel times are the
 * service's (the receiver answering in OSRM's format); a bad answer: a warning and
 * the coordinates at speed. */
static long long coord_site(const char *name, double lat, double lng)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"area\":\"HKG-YH-IT-W12\",\"lat\":%.4f,\"lng\":%.4f,\"tables\":1}",
             name, lat, lng);
    fxt_resp r = req("POST", "/api/v1/sites", officer, body);
    CHECKF(r.status == 201, "site: %d %s", r.status, r.body ? r.body : "");
    long long id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return id;
}

static void osrm_round_setup(void)
{
    CHECK(rfx_open(srv.db) == 0);
    long long round = rfx_round("HKG-YH", AT(420), AT(1200));
    rfx_close();
    long long a = coord_site("东点", 34.51, 113.81), b = coord_site("西点", 34.52, 113.79);
    char body[2000], path[80];
    snprintf(body, sizeof body,
             "{\"hub\":\"LAB\",\"hub_lat\":34.5,\"hub_lng\":113.8,\"speed_kmh\":30,\"osrm\":\"http://127.0.0.1:%d/\","
             "\"vehicles\":[{\"id\":\"V9\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10}],"
             "\"pickups\":[{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld},"
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld}]}",
             rv.port, AT(420), AT(1080), a, AT(480), AT(600), b, AT(480), AT(600));
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    fxt_resp r = req("PUT", path, officer, body);
    CHECKF(r.status == 200, "setup: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    r = req("GET", path, officer, NULL);
    CHECK(r.body && strstr(r.body, "\"osrm\""));
    fxt_free(&r);
    rcv_reply(&rv, "/table/v1/driving/", 200,
              "{\"code\":\"Ok\",\"durations\":[[0,1790,1200],[1790,0,299],[1200,299,0]],"
              "\"distances\":[[0,21000,15000],[21000,0,2500],[15000,2500,0]]}");
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    int before = rcv_count(&rv);
    r = req("POST", path, officer, NULL);
    CHECKF(r.status == 201, "plan: %d %s", r.status, r.body ? r.body : "");
    CHECK(json_object_get(json_object_get(r.json, "plan"), "warnings") == NULL);
    CHECK(rcv_wait(&rv, "/table/v1/driving/113.800000,34.500000;", 1, 100) && rcv_count(&rv) >= before + 1);
    fxt_free(&r);
    /* the stored problem carries the service's matrix: 1790 s → 30 min, 21 km */
    r = req("GET", path, officer, NULL);
    json_t *m = json_object_get(json_object_get(r.json, "problem"), "matrix");
    CHECK(m != NULL);
    CHECK_EQ_INT(json_integer_value(json_array_get(json_array_get(json_object_get(m, "minutes"), 0), 1)), 30);
    CHECK(json_real_value(json_array_get(json_array_get(json_object_get(m, "km"), 0), 1)) == 21.0);
    fxt_free(&r);
    check_current(round);
    /* the service fails: planned from the coordinates, with the warning */
    rcv_reply(&rv, "/table/v1/driving/", 200, "{\"code\":\"NoTable\",\"message\":\"no table\"}");
    r = req("POST", path, officer, NULL);
    CHECKF(r.status == 201, "plan: %d %s", r.status, r.body ? r.body : "");
    const char *w = json_string_value(json_array_get(json_object_get(json_object_get(r.json, "plan"), "warnings"), 0));
    CHECKF(w && strstr(w, "code \"NoTable\"") && strstr(w, "coordinates"), "warning: %s", w ? w : "(none)");
    fxt_free(&r);
    r = req("GET", path, officer, NULL);
    CHECK(json_object_get(json_object_get(r.json, "problem"), "coords") != NULL);
    fxt_free(&r);
    check_current(round);
    /* a bad address is refused by name */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    r = req("PUT", path, officer, "{\"hub\":\"LAB\",\"hub_lat\":34.5,\"hub_lng\":113.8,\"osrm\":\"gopher://x\","
                                  "\"vehicles\":[],\"pickups\":[]}");
    CHECK_EQ_INT(r.status, 400);
    CHECK(r.body && strstr(r.body, "osrm: expected"));
    fxt_free(&r);
    rcv_reply(&rv, "", 0, NULL);
}

/* A re-plan's entries for the real box `barcode` (its barcode or its name). */
static int plan_box_count(json_t *plan, const char *barcode, json_t **box)
{
    size_t i;
    json_t *b;
    int n = 0;
    json_array_foreach(json_object_get(plan, "boxes"), i, b)
    {
        const char *bc = json_string_value(json_object_get(b, "barcode"));
        if (bc && strcmp(bc, barcode) == 0)
            n++, *box = b;
    }
    return n;
}

static bool lists(json_t *ids, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x) if (strcmp(json_string_value(x), id) == 0) return true;
    return false;
}

/* A box on board `veh` by its handovers is in the re-plan once, picked up (done) by one run of
 * that vehicle which drops it at the lab no earlier than now, and its lateness is what
 * that arrival makes it. */
static void check_on_board(json_t *plan, const char *barcode, const char *veh, int deadline)
{
    json_t *box = NULL;
    CHECKF(plan_box_count(plan, barcode, &box) == 1, "box %s is not in the re-plan exactly once", barcode);
    if (!box)
        return;
    const char *id = json_string_value(json_object_get(box, "id"));
    long long delivered = json_integer_value(json_object_get(box, "delivered"));
    long long late = delivered - json_integer_value(json_object_get(box, "sealed")) - deadline;
    CHECKF(delivered >= (now_s - D0) / 60, "box %s is delivered at minute %lld, before now (%lld)", barcode, delivered,
           (now_s - D0) / 60);
    CHECK_EQ_INT(json_integer_value(json_object_get(box, "late_min")), late > 0 ? late : 0);
    int pickers = 0;
    size_t i, k;
    json_t *run, *stop;
    json_array_foreach(json_object_get(plan, "runs"), i, run)
    {
        json_t *stops = json_object_get(run, "stops"), *last = json_array_get(stops, json_array_size(stops) - 1);
        json_array_foreach(stops, k, stop)
        {
            if (!lists(json_object_get(stop, "pickup"), id))
                continue;
            pickers++;
            CHECKF(strcmp(json_string_value(json_object_get(run, "vehicle")), veh) == 0, "box %s is picked up by %s, not %s",
                   barcode, json_string_value(json_object_get(run, "vehicle")), veh);
            CHECK(json_is_true(json_object_get(stop, "done")));
            CHECK_STR(json_string_value(json_object_get(stop, "at")), json_string_value(json_object_get(box, "site")));
            CHECK_STR(json_string_value(json_object_get(last, "at")), "LAB");
            CHECK(lists(json_object_get(last, "drop"), id));
            CHECK_EQ_INT(json_integer_value(json_object_get(last, "arrive")), delivered);
        }
    }
    CHECKF(pickers == 1, "box %s is picked up by %d runs", barcode, pickers);
}

/* Stores a round's transport setup, then (when plan) its first plan, checked. */
static void setup_round(long long round, const char *body, bool plan)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    fxt_resp r = req("PUT", path, officer, body);
    CHECKF(r.status == 200, "setup: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    if (!plan)
        return;
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    r = req("POST", path, officer, NULL);
    CHECKF(r.status == 201, "plan: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    check_current(round);
}

/* Boxes at risk: a round whose sites lie 40 minutes from the lab with a 30-minute deadline
 * (every planned box late), a sealed box 75 minutes old (in the lab limit's warning
 * window), one 100 minutes old still on the road (overdue) and one at the lab (not
 * listed); the list, a real box merged with its plan box after a re-plan, and the
 * dashboard's counts. */
static json_t *risk_item(json_t *items, const char *box)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) if (strcmp(json_string_value(json_object_get(it, "box")), box) == 0) return it;
    return NULL;
}

static void boxes_at_risk(void)
{
    CHECK(rfx_open(srv.db) == 0);
    long long round = rfx_round("HKG-YH", AT(420), AT(1200));
    long long p = rfx_site("HKG-YH-IT-W12", "远郊甲点"), q = rfx_site("HKG-YH-IT-W12", "远郊乙点");
    rfx_close();
    char body[2000], path[96];
    snprintf(body, sizeof body,
             "{\"hub\":\"LAB\",\"deadline_min\":30,\"matrix\":{\"ids\":[\"LAB\",\"%lld\",\"%lld\"],"
             "\"minutes\":[[0,40,40],[40,0,5],[40,5,0]],\"km\":[[0,30,30],[30,0,3],[30,3,0]]},"
             "\"vehicles\":[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10}],"
             "\"pickups\":[{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld},"
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld}]}",
             p, q, AT(420), AT(1080), p, AT(600), AT(720), q, AT(600), AT(720));
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport", round);
    fxt_resp r = req("PUT", path, officer, body);
    CHECKF(r.status == 200, "setup: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/plan", round);
    r = req("POST", path, officer, NULL);
    CHECKF(r.status == 201, "plan: %d %s", r.status, r.body ? r.body : "");
    long long late = json_integer_value(json_object_get(json_object_get(r.json, "summary"), "late_boxes"));
    CHECK_EQ_INT(late, 6);
    fxt_free(&r);
    box_with_handover(round, p, "AR1", now_s - 75 * 60, now_s - 60 * 60); /* on board V1 */
    box_with_handover(round, q, "AR2", now_s - 100 * 60, 0);
    box_with_handover(round, q, "AR3", now_s - 100 * 60, 0);
    snprintf(body, sizeof body, "{\"box\":\"AR3\",\"to\":\"lab\",\"count\":1,\"at\":%lld}", now_s - 20 * 60);
    r = req("POST", "/api/v1/handovers", officer, body);
    CHECKF(r.status == 201, "handover: %d %s", r.status, r.body ? r.body : "");
    fxt_free(&r);

    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/at-risk", round);
    r = req("GET", path, staff, NULL); /* staff read it too */
    CHECKF(r.status == 200, "at-risk: %d %s", r.status, r.body ? r.body : "");
    json_t *items = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(items), late + 2);
    size_t i;
    json_t *it;
    long long prev = 0;
    json_array_foreach(items, i, it)
    {
        long long dl = json_integer_value(json_object_get(it, "deadline_at"));
        CHECK(dl >= prev); /* by deadline */
        prev = dl;
        if (strcmp(json_string_value(json_object_get(it, "status")), "late") != 0)
            continue;
        long long exp = json_integer_value(json_object_get(it, "expected_at"));
        CHECK_EQ_INT(dl, json_integer_value(json_object_get(it, "sealed_at")) + 30 * 60);
        CHECK(json_integer_value(json_object_get(it, "late_min")) > 0);
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "late_min")), (exp - dl) / 60);
        CHECK_STR(json_string_value(json_object_get(it, "vehicle")), "V1");
        const char *nm = json_string_value(json_object_get(it, "site_name"));
        CHECK(nm && (strcmp(nm, "远郊甲点") == 0 || strcmp(nm, "远郊乙点") == 0));
    }
    it = risk_item(items, "AR1");
    CHECK(it != NULL);
    CHECK_STR(json_string_value(json_object_get(it, "status")), "at_risk");
    /* the server's clock may have passed a minute boundary since now_s was read */
    long long left = json_integer_value(json_object_get(it, "left_min"));
    CHECK(left == 15 || left == 14);
    CHECK_EQ_INT(json_integer_value(json_object_get(it, "deadline_at")), now_s + 15 * 60);
    CHECK_STR(json_string_value(json_object_get(it, "vehicle")), "V1");
    CHECK_STR(json_string_value(json_object_get(it, "site_name")), "远郊甲点");
    CHECK(json_is_null(json_object_get(it, "expected_at")));
    it = risk_item(items, "AR2");
    CHECK(it != NULL);
    CHECK_STR(json_string_value(json_object_get(it, "status")), "overdue");
    CHECK_EQ_INT(json_integer_value(json_object_get(it, "late_min")), 10);
    CHECK(json_is_null(json_object_get(it, "vehicle")));
    CHECK(risk_item(items, "AR3") == NULL);
    fxt_free(&r);
    r = req("GET", path, driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = req("GET", "/api/v1/rounds/999999/transport/at-risk", officer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);

    /* the dashboard's counts: the plan's stored count and custody's, per open round */
    r = req("GET", "/api/v1/transport/at-risk?area=HKG-YH", officer, NULL);
    CHECKF(r.status == 200, "counts: %d %s", r.status, r.body ? r.body : "");
    bool found = false;
    json_array_foreach(json_object_get(r.json, "items"), i, it) if (json_integer_value(json_object_get(it, "round")) == round)
    {
        found = true;
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "planned_late")), late);
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "at_risk")), 1);
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "overdue")), 1);
    }
    CHECK(found);
    CHECK(json_integer_value(json_object_get(r.json, "planned_late")) >= late);
    fxt_free(&r);
    r = req("GET", "/api/v1/transport/at-risk?area=NOPE", officer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = req("GET", "/api/v1/transport/at-risk", driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);

    /* re-planned, the plan carries the real boxes: one entry each, the worse judgement; AR1,
       on board V1 before any of V1's runs started, rides to the lab from where it was handed over */
    json_t *plan = post_replan(round, &r);
    CHECK(plan != NULL);
    check_on_board(plan, "AR1", "V1", 30);
    fxt_free(&r);
    check_current(round);
    r = req("GET", path, officer, NULL);
    items = json_object_get(r.json, "items");
    int n2 = 0;
    json_array_foreach(items, i, it) n2 += strcmp(json_string_value(json_object_get(it, "box")), "AR2") == 0;
    CHECK_EQ_INT(n2, 1);
    it = risk_item(items, "AR2"); /* late by the plan, overdue by the clock: overdue, with the plan's arrival and van */
    CHECK(it != NULL);
    CHECK_STR(json_string_value(json_object_get(it, "status")), "overdue");
    CHECK(json_integer_value(json_object_get(it, "expected_at")) > now_s);
    CHECK_STR(json_string_value(json_object_get(it, "vehicle")), "V1");
    CHECK_STR(json_string_value(json_object_get(it, "barcode")), "AR2");
    fxt_free(&r);
}

/* ---- a failing channel, and pruning ---- */

/* The outbox_failed alerts the officer sees; the newest in *newest (owned) when asked. */
static int failed_alerts(json_t **newest)
{
    fxt_resp r = req("GET", "/api/v1/alerts?kind=outbox_failed", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    int n = (int)json_array_size(items);
    if (newest)
        *newest = n ? json_deep_copy(json_array_get(items, 0)) : NULL;
    fxt_free(&r);
    return n;
}

static bool wait_alerts(int n, int timeout_ms)
{
    for (int w = 0; w < timeout_ms; w += 100) {
        if (failed_alerts(NULL) >= n)
            return true;
        usleep(100000);
    }
    return false;
}

/* The channel named name as GET /api/v1/channels shows it (owned). */
static json_t *channel_named(const char *name)
{
    fxt_resp r = req("GET", "/api/v1/channels", officer, NULL);
    size_t i;
    json_t *it, *found = NULL;
    json_array_foreach(json_object_get(r.json, "items"), i, it) if (strcmp(json_string_value(json_object_get(it, "name")), name) == 0) found = json_deep_copy(it);
    fxt_free(&r);
    return found;
}

/* R1's outbox item whose text names box (owned), or NULL. */
static json_t *outbox_item(const char *box, int *total)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/outbox?limit=500", r1);
    fxt_resp r = req("GET", path, officer, NULL);
    size_t i;
    json_t *it, *found = NULL;
    json_array_foreach(json_object_get(r.json, "items"), i, it) if (strstr(json_string_value(json_object_get(it, "text")), box)) found = json_deep_copy(it);
    if (total)
        *total = (int)json_array_size(json_object_get(r.json, "items"));
    fxt_free(&r);
    return found;
}

static bool wait_status(const char *box, const char *status, int timeout_ms)
{
    for (int w = 0; w < timeout_ms; w += 100) {
        json_t *it = outbox_item(box, NULL);
        bool ok = it && strcmp(json_string_value(json_object_get(it, "status")), status) == 0;
        json_decref(it);
        if (ok)
            return true;
        usleep(100000);
    }
    return false;
}

static void failing_channel_alerts_once(void)
{
    restart(AT(600), "200", false);
    int n0 = failed_alerts(NULL);
    rcv_fail(&rv, "/hook", -1);
    at_risk_box("RT3", "RISK3", now_s - 75 * 60);
    CHECKF(wait_hook("RISK3", 500, 4, 30000), "the alarm was not tried 4 times");
    CHECKF(wait_status("RISK3", "failed", 5000), "the message was not given up after 4 attempts");
    CHECKF(wait_alerts(n0 + 1, 5000), "no alert for the failed message");
    json_t *a = NULL;
    CHECK_EQ_INT(failed_alerts(&a), n0 + 1);
    const char *msg = json_string_value(json_object_get(a, "message"));
    CHECKF(msg && strstr(msg, "指挥部") && strstr(msg, "HTTP 500") && strstr(msg, "webhook"), "alert: %s", msg ? msg : "");
    CHECK(msg && !strstr(msg, "whsecret") && !strstr(msg, "127.0.0.1"));
    CHECK_STR(json_string_value(json_object_get(a, "area")), "HKG-YH"); /* the round's area */
    CHECK_STR(json_string_value(json_object_get(a, "entity")), "channel");
    json_decref(a);
    /* the channel shows it is failing; the others do not */
    json_t *ch = channel_named("指挥部"), *ok = channel_named("转运群");
    CHECK(json_integer_value(json_object_get(ch, "failing_since")) >= now_s);
    CHECK_STR(json_string_value(json_object_get(ch, "last_error")), "HTTP 500");
    CHECK(json_is_null(json_object_get(ok, "failing_since")));
    json_decref(ch), json_decref(ok);

    /* another message fails across a kill -9: it is still tried after the restart, and
       giving it up raises no second alert for the same failing stretch */
    at_risk_box("RT4", "RISK4", now_s + 30 - 75 * 60);
    CHECKF(wait_hook("RISK4", 500, 1, 20000), "the second alarm was not attempted");
    long long w0 = time(NULL), t0 = now_s;
    int before = hook_count("RISK4", 0);
    restart(t0 + (time(NULL) - w0) + 30, "200", true);
    CHECKF(wait_hook("RISK4", 500, 4, 30000), "the pending alarm was not tried again after the restart");
    CHECK(hook_count("RISK4", 0) > before);
    CHECKF(wait_status("RISK4", "failed", 5000), "the second message was not given up");
    usleep(1000 * 1000);
    CHECK_EQ_INT(failed_alerts(NULL), n0 + 1);

    /* a delivery ends the stretch */
    rcv_fail(&rv, "/hook", 0);
    at_risk_box("RT5", "RISK5", now_s + 60 - 75 * 60);
    CHECKF(wait_hook("RISK5", 200, 1, 20000), "the recovered channel did not deliver");
    CHECK(wait_status("RISK5", "sent", 5000));
    ch = channel_named("指挥部");
    CHECK(json_is_null(json_object_get(ch, "failing_since")));
    json_decref(ch);
}

/* Sent and failed messages older than --notify-keep-days (30) go; a pending one, however
 * old, and recent ones stay; the pruning is audited as a count. */
static void prune_keeps_recent_and_pending(void)
{
    rcv_fail(&rv, "/hook", -1);
    at_risk_box("RT6", "RISK6", now_s + 90 - 75 * 60);
    CHECKF(wait_hook("RISK6", 500, 1, 20000), "the alarm was not attempted");
    int total0 = 0;
    json_t *old = outbox_item("RISK1", &total0);
    CHECK(old != NULL);
    json_decref(old);
    CHECK(total0 >= 6); /* reminders, the driver's run, RISK1-6 */
    restart(now_s + 31 * 86400LL, "200", false);
    json_t *p = NULL;
    for (int w = 0; w < 10000 && (p = outbox_item("RISK1", NULL)); w += 100) {
        json_decref(p);
        usleep(100000);
    }
    CHECKF(p == NULL, "a sent message 31 days old was not pruned");
    int total1 = -1;
    json_t *pend = outbox_item("RISK6", &total1);
    CHECKF(pend != NULL, "a pending message was pruned");
    json_decref(pend);
    CHECK_EQ_INT(total1, 1);
    /* a message of today stays */
    rcv_fail(&rv, "/hook", 0);
    CHECKF(wait_hook("RISK6", 200, 1, 20000), "the old pending alarm was not delivered");
    at_risk_box("RT7", "RISK7", now_s + 10 - 75 * 60);
    CHECKF(wait_hook("RISK7", 200, 1, 20000), "today's alarm was not delivered");
    CHECK(wait_status("RISK7", "sent", 5000));
    usleep(600 * 1000); /* a few more looks of the sender */
    int total2 = 0;
    json_t *keep = outbox_item("RISK6", &total2);
    CHECK(keep != NULL);
    json_decref(keep);
    CHECK_EQ_INT(total2, 2);
    /* audited as the number deleted */
    char *admin = fxt_login(&srv, "admin", pw);
    fxt_resp r = req("GET", "/api/v1/audit?entity=outbox&id=sent_failed", admin, NULL);
    json_t *e = json_array_get(json_object_get(r.json, "items"), 0);
    CHECK_STR(json_string_value(json_object_get(e, "action")), "prune");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(e, "changes"), "deleted")), total0 - 1);
    fxt_free(&r);
    free(admin);
}

/* The setup of the on-board round: two sites 20 minutes from the lab, boxes hourly from 08:00. */
static void onboard_setup(char *out, size_t n, long long c, long long d, const char *vehicles)
{
    snprintf(out, n,
             "{\"hub\":\"LAB\",\"deadline_min\":90,\"matrix\":{\"ids\":[\"LAB\",\"%lld\",\"%lld\"],"
             "\"minutes\":[[0,20,20],[20,0,15],[20,15,0]],\"km\":[[0,12,12],[12,0,9],[12,9,0]]},"
             "\"vehicles\":%s,\"pickups\":[{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld},"
             "{\"site\":%lld,\"first_seal\":%lld,\"every_min\":60,\"last_seal\":%lld}]}",
             c, d, vehicles, c, AT(480), AT(720), d, AT(480), AT(720));
}

/* Boxes on board vehicles the stored plan did not send for them: a round planned for V1 alone,
 * then given V2. K1 (planned on V1's first run) was handed to V2, which has no run; K2 to V9,
 * which is not in the setup, K5 to a driver naming no vehicle; K3 to V2 and then to V1; K4 to
 * V1 and then to the hub. Each box
 * still on a vehicle is in the re-plan once, on that vehicle's run; K4 is nobody's to fetch. */
static void replan_places_boxes_on_board(void)
{
    CHECK(rfx_open(srv.db) == 0);
    long long round = rfx_round("HKG-YH", AT(420), AT(1200));
    long long c = rfx_site("HKG-YH-IT-W12", "丙点"), d = rfx_site("HKG-YH-IT-W12", "丁点");
    rfx_close();
    char body[2000], path[96], veh[400];
    snprintf(veh, sizeof veh, "[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10}]", AT(420), AT(1080));
    onboard_setup(body, sizeof body, c, d, veh);
    setup_round(round, body, true);
    snprintf(veh, sizeof veh, "[{\"id\":\"V1\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10},"
                              "{\"id\":\"V2\",\"shift_start\":%lld,\"shift_end\":%lld,\"capacity\":10}]",
             AT(420), AT(1080), AT(420), AT(1080));
    onboard_setup(body, sizeof body, c, d, veh);
    setup_round(round, body, false);
    fxt_resp r;

    CHECK(now_s >= AT(545)); /* the clock of the tests before: every handover below has happened */
    box_with_handover(round, c, "K1", AT(480), 0);
    hand("K1", "V2", AT(490));
    box_with_handover(round, d, "K2", AT(500), 0);
    hand("K2", "V9", AT(510));
    box_with_handover(round, c, "K3", AT(530), 0);
    hand("K3", "V2", AT(532));
    hand("K3", "V1", AT(540));
    box_with_handover(round, d, "K4", AT(530), AT(532));
    hand("K4", NULL, AT(545));
    box_with_handover(round, d, "K5", AT(520), 0);
    hand("K5", "", AT(525));
    box_with_handover(round, d, "K6", now_s - 75 * 60, 0); /* in the lab limit's warning window */
    hand("K6", "", now_s - 70 * 60);

    json_t *plan = post_replan(round, &r);
    CHECK(plan != NULL);
    check_on_board(plan, "K1", "V2", 90);
    check_on_board(plan, "K2", "V9", 90);
    check_on_board(plan, "K3", "V1", 90);
    check_on_board(plan, "K5", "", 90);
    check_on_board(plan, "K6", "", 90);
    /* K4 is at the hub: no stop still to make picks it up */
    json_t *k4 = NULL;
    CHECK(plan_box_count(plan, "K4", &k4) <= 1);
    size_t i, k;
    json_t *run, *stop;
    json_array_foreach(json_object_get(plan, "runs"), i, run) json_array_foreach(json_object_get(run, "stops"), k, stop)
    {
        if (k4 && !json_is_true(json_object_get(stop, "done")))
            CHECK(!lists(json_object_get(stop, "pickup"), json_string_value(json_object_get(k4, "id"))));
    }
    /* the boxes on a vehicle nobody set up are named in the warnings, with their site */
    int warned = 0;
    json_t *w;
    json_array_foreach(json_object_get(plan, "warnings"), i, w)
    {
        const char *t = json_string_value(w);
        warned += strstr(t, "K2") && strstr(t, "\"V9\"") && strstr(t, "丁点");
        warned += strstr(t, "K5") && strstr(t, "without a vehicle") && strstr(t, "丁点");
    }
    CHECKF(warned == 2 && json_array_size(json_object_get(plan, "warnings")) == 3, "the warnings do not name K2 on V9 and K5 without a vehicle: %s", r.body ? r.body : "");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(plan, "summary"), "boxes")),
                 json_array_size(json_object_get(plan, "boxes")));
    fxt_free(&r);
    check_current(round);
    /* at risk, K6 names no vehicle: neither the handover nor its run has one */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/transport/at-risk", round);
    r = req("GET", path, officer, NULL);
    json_t *it = risk_item(json_object_get(r.json, "items"), "K6");
    CHECK(it != NULL);
    CHECK(json_is_null(json_object_get(it, "vehicle")));
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (rcv_start(&rv) != 0) {
        fprintf(stderr, "cannot start the receiver\n");
        return 1;
    }
    now_s = AT(420);
    static const char *const opts[] = {"--notify-interval-ms", "200", "--notify-retry-s", "1", NULL};
    if (fxt_demo_start(&srv, AT(420), opts, pw) != 0)
        return 1;
    login_all();
    RUN(setup_and_first_plans);
    RUN(channels);
    RUN(reminder_at_lead_time);
    RUN(alarm_retried_with_backoff);
    RUN(pending_survives_restart);
    RUN(replan_keeps_current_run);
    RUN(replan_frees_run_that_makes_a_box_late);
    RUN(osrm_round_setup);
    RUN(boxes_at_risk);
    RUN(replan_places_boxes_on_board);
    RUN(failing_channel_alerts_once);
    RUN(prune_keeps_recent_and_pending);
    fxt_teardown(&srv);
    rcv_stop(&rv);
    free(officer), free(driver), free(staff);
    return th_done("api_dispatch");
}
