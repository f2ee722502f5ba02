/* API tests: the dashboard's isolation summary (GET /isolations/summary) counts what a
 * user counts by paging through the lists — the worklist, 应隔尽隔, open alarms, zones —
 * beyond the 500 rows one list page holds, within the caller's area or the one asked for. */
#include "lib/fxt.h"
#include "lib/round_fixture.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400LL
#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */
#define CASES 620       /* more than a list page */

static fxt_server srv;
static char pw[32];
static char *officer, *officer_zz, *staff, *lab;

static bool bfield(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }

static int call(const char *method, const char *path, const char *token, const char *body, fxt_resp *out)
{
    *out = fxt_req(&srv, method, path, token, body);
    return out->status;
}

/* Every item of a list, paging with the cursor, `limit` at a time; each goes to f. */
static int each_page(const char *path, int limit, const char *token, void (*f)(json_t *, void *), void *arg)
{
    char url[300], cursor[32] = "";
    int pages = 0;
    for (;;) {
        snprintf(url, sizeof url, "%s%slimit=%d%s%s", path, strchr(path, '?') ? "&" : "?", limit,
                 cursor[0] ? "&cursor=" : "", cursor);
        fxt_resp r;
        if (call("GET", url, token, NULL, &r) != 200) {
            CHECKF(0, "GET %s: %d %s", url, r.status, r.body);
            fxt_free(&r);
            return -1;
        }
        json_t *it;
        size_t i;
        json_array_foreach(items(&r), i, it) f(it, arg);
        pages++;
        json_t *next = json_object_get(r.json, "next_cursor");
        if (json_is_string(next))
            snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        else if (json_is_integer(next))
            snprintf(cursor, sizeof cursor, "%lld", (long long)json_integer_value(next));
        else
            cursor[0] = '\0';
        fxt_free(&r);
        if (!cursor[0])
            return pages;
    }
}

static int each(const char *path, const char *token, void (*f)(json_t *, void *), void *arg)
{
    return each_page(path, 500, token, f, arg);
}

struct people {
    long long id[CASES + 8], household[CASES + 8];
    char id_number[CASES + 8][24];
    int n;
};

static void take_person(json_t *p, void *arg)
{
    struct people *pp = arg;
    if (pp->n >= CASES + 8 || !json_is_integer(json_object_get(p, "household")))
        return;
    pp->id[pp->n] = ifield(p, "id");
    pp->household[pp->n] = ifield(p, "household");
    snprintf(pp->id_number[pp->n], sizeof pp->id_number[0], "%s", json_string_value(json_object_get(p, "id_number")));
    pp->n++;
}

/* What a user counts on the lists. */
struct counted {
    long long active, by_type[3], ending, checkins_due, test_due, releasable, gaps, alarms[4], alarms_total;
    long long zones_active, zones_proposed, next_stage_at;
};

static void count_work(json_t *w, void *arg)
{
    struct counted *c = arg;
    static const char *const types[] = {"central", "home_isolation", "home_monitoring"};
    const char *type = json_string_value(json_object_get(json_object_get(w, "isolation"), "type"));
    c->active++;
    for (int i = 0; i < 3; i++)
        c->by_type[i] += strcmp(type, types[i]) == 0;
    c->ending += bfield(w, "ending");
    c->checkins_due += ifield(w, "checkins_due") > 0;
    c->test_due += bfield(w, "test_due");
    c->releasable += bfield(w, "releasable");
}

static void count_gap(json_t *g, void *arg)
{
    (void)g;
    ((struct counted *)arg)->gaps++;
}

static void count_alarm(json_t *a, void *arg)
{
    struct counted *c = arg;
    static const char *const kinds[] = {"door_open", "silent", "battery_low", "tamper"};
    for (int i = 0; i < 4; i++)
        c->alarms[i] += strcmp(json_string_value(json_object_get(a, "kind")), kinds[i]) == 0;
    c->alarms_total++;
}

static void count_zone(json_t *z, void *arg)
{
    struct counted *c = arg;
    if (strcmp(json_string_value(json_object_get(z, "kind")), "sealed") != 0)
        return;
    if (strcmp(json_string_value(json_object_get(z, "status")), "proposed") == 0) {
        c->zones_proposed++;
        return;
    }
    c->zones_active++;
    long long at = ifield(z, "count_from") + ifield(json_object_get(z, "next"), "quiet_days") * DAY;
    if (!c->next_stage_at || at < c->next_stage_at)
        c->next_stage_at = at;
}

static struct counted count_lists(const char *token)
{
    struct counted c = {0};
    CHECK(each("/api/v1/isolations/worklist", token, count_work, &c) > 0);
    CHECK(each("/api/v1/isolations/gaps", token, count_gap, &c) > 0);
    CHECK(each("/api/v1/alarms?open=1", token, count_alarm, &c) > 0);
    CHECK(each("/api/v1/zones", token, count_zone, &c) > 0);
    return c;
}

static json_t *summary(const char *token, const char *area, int want_status)
{
    char path[120];
    snprintf(path, sizeof path, "/api/v1/isolations/summary%s%s", area ? "?area=" : "", area ? area : "");
    fxt_resp r;
    int st = call("GET", path, token, NULL, &r);
    CHECKF(st == want_status, "GET %s: %d %s", path, st, r.body);
    json_t *j = st == 200 ? json_incref(r.json) : NULL;
    fxt_free(&r);
    return j;
}

static void check_summary(json_t *s, const struct counted *c)
{
    json_t *cases = json_object_get(s, "cases"), *bt = json_object_get(cases, "by_type");
    CHECK_EQ_INT(ifield(cases, "active"), c->active);
    CHECK_EQ_INT(ifield(bt, "central"), c->by_type[0]);
    CHECK_EQ_INT(ifield(bt, "home_isolation"), c->by_type[1]);
    CHECK_EQ_INT(ifield(bt, "home_monitoring"), c->by_type[2]);
    CHECK_EQ_INT(ifield(s, "ending"), c->ending);
    CHECK_EQ_INT(ifield(s, "checkins_due"), c->checkins_due);
    CHECK_EQ_INT(ifield(s, "test_due"), c->test_due);
    CHECK_EQ_INT(ifield(s, "releasable"), c->releasable);
    CHECK_EQ_INT(ifield(s, "gaps"), c->gaps);
    json_t *al = json_object_get(s, "alarms");
    CHECK_EQ_INT(ifield(al, "total"), c->alarms_total);
    CHECK_EQ_INT(ifield(al, "battery_low"), c->alarms[2]);
    CHECK_EQ_INT(ifield(al, "tamper"), c->alarms[3]);
    json_t *sealed = json_object_get(json_object_get(s, "zones"), "sealed");
    CHECK_EQ_INT(ifield(sealed, "active"), c->zones_active);
    CHECK_EQ_INT(ifield(sealed, "proposed"), c->zones_proposed);
    CHECK_EQ_INT(ifield(sealed, "next_stage_at"), c->next_stage_at);
}

static struct people people;

/* 620 cases of three types opened at different days through the API; check-ins for some;
 * a red-code arrival without a case; two alarms; a sealed zone. */
static void make_data(void)
{
    CHECK(each_page("/api/v1/persons?area=HKG-YH-IT-W12", 200, officer, take_person, &people) > 0);
    CHECKF(people.n >= CASES + 2, "only %d people with a household in HKG-YH-IT-W12", people.n);
    static const char *const types[] = {"central", "home_isolation", "home_monitoring"};
    char body[300];
    fxt_resp r;
    for (int i = 0; i < CASES && i < people.n; i++) {
        /* starts spread over the last 10 days: some end tonight, some have a test day today */
        snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"%s\",\"reason\":\"close_contact\",\"start\":%lld}",
                 people.id[i], types[i % 3], T0 - (long long)(i % 10) * DAY);
        CHECK_EQ_INT(call("POST", "/api/v1/isolations", officer, body, &r), 201);
        long long id = ifield(r.json, "id");
        fxt_free(&r);
        if (i % 4 == 0) { /* a check-in today: two a day are due, so one remains for these */
            char path[80];
            snprintf(path, sizeof path, "/api/v1/isolations/%lld/checkins", id);
            CHECK_EQ_INT(call("POST", path, staff, "{\"temperature\":36.5,\"symptoms\":[]}", &r), 201);
            fxt_free(&r);
            if (i % 8 == 0) {
                CHECK_EQ_INT(call("POST", path, staff, "{\"temperature\":36.6,\"symptoms\":[]}", &r), 201);
                fxt_free(&r);
            }
        }
    }
    /* releasable: two cases past their last day (started 9 days ago, 7-day policies) with a
     * negative sample taken today */
    CHECK(rfx_open(srv.db) == 0);
    int64_t rd = rfx_round("HKG-YH", T0 - 6 * 3600, T0 + 10 * DAY), site = rfx_site("HKG-YH-IT-W12", "汇总核酸点");
    int64_t done[2] = {people.id[19], people.id[29]};
    CHECK(rfx_tube(rd, site, "SUM0000001", 10, done, 2, T0 - 3600, T0 - 3000) > 0);
    rfx_close();
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"SUM0000001\",\"result\":\"negative\",\"at\":%lld}]}", T0 - 600);
    CHECK_EQ_INT(call("POST", "/api/v1/results", lab, body, &r), 200);
    fxt_free(&r);
    /* 应隔尽隔: a red-code arrival at a checkpoint, referred and not isolated */
    CHECK_EQ_INT(call("POST", "/api/v1/checkpoints", staff, "{\"name\":\"汇总卡口\",\"area\":\"HKG-YH-IT-W12\"}", &r), 201);
    long long cp = ifield(r.json, "id");
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/checkpoints/%lld/entries", cp);
    snprintf(body, sizeof body, "{\"id\":\"sum-1\",\"person\":{\"id_number\":\"%s\"},\"health_code\":\"red\"}",
             people.id_number[CASES]);
    CHECK_EQ_INT(call("POST", path, staff, body, &r), 201);
    fxt_free(&r);
    /* two open alarms from one device, and a sealed zone */
    snprintf(body, sizeof body, "{\"device\":\"SUM-1\",\"household\":%lld}", people.household[CASES + 1]);
    CHECK_EQ_INT(call("POST", "/api/v1/devices", staff, body, &r), 201);
    char tok[128];
    snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(r.json, "token")));
    fxt_free(&r);
    snprintf(body, sizeof body,
             "{\"events\":[{\"device\":\"SUM-1\",\"type\":\"battery_low\",\"at\":%lld},"
             "{\"device\":\"SUM-1\",\"type\":\"tamper\",\"at\":%lld}]}",
             T0 - 60, T0 - 30);
    CHECK_EQ_INT(call("POST", "/api/v1/devices/events", tok, body, &r), 200);
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", "/api/v1/zones", officer,
                      "{\"area\":\"HKG-YH-IT-W12-GC\",\"kind\":\"sealed\",\"note\":\"汇总测试\"}", &r),
                 201);
    fxt_free(&r);
}

static void summary_matches_the_lists(void)
{
    struct counted c = count_lists(officer);
    CHECKF(c.active >= CASES, "the worklist has %lld cases", c.active);
    /* the data exercise every number, so agreement is not agreement on zero */
    CHECK(c.ending > 0 && c.ending < c.active);
    CHECK(c.checkins_due > 0 && c.checkins_due < c.active);
    CHECK(c.test_due > 0 && c.test_due < c.active);
    CHECK(c.releasable == 2);
    CHECK(c.gaps >= 1 && c.alarms[2] == 1 && c.alarms[3] == 1 && c.zones_active == 1);
    json_t *s = summary(officer, NULL, 200);
    check_summary(s, &c);
    json_decref(s);
    /* the staff member's area (a sub-district's ward) holds all of it too */
    struct counted cs = count_lists(staff);
    s = summary(staff, NULL, 200);
    check_summary(s, &cs);
    json_decref(s);
    /* an area asked for within one's own narrows the numbers the same way */
    s = summary(officer, "HKG-YH-IT-W12", 200);
    check_summary(s, &cs);
    json_decref(s);
}

static void summary_is_scoped(void)
{
    /* another sub-district counts none of it, and may not ask for this one */
    json_t *s = summary(officer_zz, NULL, 200);
    struct counted c = count_lists(officer_zz);
    check_summary(s, &c);
    CHECK(ifield(json_object_get(s, "cases"), "active") < CASES);
    json_decref(s);
    summary(officer_zz, "HKG-YH-IT-W12", 404);
    summary(officer, "NO-SUCH-AREA", 404);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    officer = fxt_login(&srv, "cuizhengbo", pw);
    officer_zz = fxt_login(&srv, "lijunchuan", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    lab = fxt_login(&srv, "lab", pw);
    CHECK(officer && officer_zz && staff && lab);
    RUN(make_data);
    RUN(summary_matches_the_lists);
    RUN(summary_is_scoped);
    fxt_teardown(&srv);
    free(officer);
    free(officer_zz);
    free(staff);
    free(lab);
    return th_done("api_iso_summary");
}
