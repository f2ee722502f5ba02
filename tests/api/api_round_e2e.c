/* A whole testing round on the demo, end to end through the real endpoints, as the
 * field runs it: round and site, tubes opened, people sampled (ID number, personal
 * code, walk-in), tubes sealed and boxed, boxes handed driver → hub → lab, results
 * (JSON and CSV) with a positive pool, a correction, a recall retest; then the whole
 * stream of requests is sent again and must change nothing. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL /* the server's clock (FANGXIAN_NOW) */
#define TA0 (T0 - 3 * 3600) /* when the first tubes were opened */
#define WS "HKG-YH-IT-W12"  /* the workstation the round covers */

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *staff, *registrar, *driver, *lab;
static long long round_id, site_id;
static char idn[6][24], code[6][16];
static long long pid[6], walk_in;
static long long in_scope0; /* the workstation's people before the round started */

/* Every write the round made, in order, to be sent again at the end. */
enum { STREAM_MAX = 24 };
struct sent {
    const char *path, *token;
    char *body;
    bool csv;
};
static struct sent stream[STREAM_MAX];
static int nstream;


/* j as text for a failure message (truncated; no allocation to leak). */
static const char *text(json_t *j)
{
    static char buf[2048];
    size_t n = json_dumpb(j, buf, sizeof buf - 1, JSON_COMPACT);
    buf[n < sizeof buf ? n : sizeof buf - 1] = '\0';
    return buf;
}

static fxt_resp send(const char *path, const char *token, const char *body, bool csv)
{
    if (!csv)
        return fxt_req(&srv, "POST", path, token, body);
    char req[2048];
    int n = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Authorization: Bearer %s\r\nContent-Type: text/csv; charset=utf-8\r\n"
                                      "Content-Length: %zu\r\n\r\n%s", path, token, strlen(body), body);
    return fxt_raw(&srv, req, (size_t)n, 30000);
}

/* Sends a write and keeps it in the stream. */
static fxt_resp post(const char *path, const char *token, const char *body, bool csv)
{
    if (nstream < STREAM_MAX)
        stream[nstream++] = (struct sent){path, token, strdup(body), csv};
    return send(path, token, body, csv);
}

static long long create(const char *path, const char *body)
{
    fxt_resp r = fxt_req(&srv, "POST", path, officer, body);
    CHECKF(r.status == 201, "POST %s: %d %s", path, r.status, r.body ? r.body : "");
    long long id = ifield(r.json, "id");
    fxt_free(&r);
    return id;
}

static bool has_person(json_t *list, long long id)
{
    size_t k;
    json_t *it;
    json_array_foreach(list, k, it)
    {
        json_t *p = json_object_get(it, "person");
        if (ifield(p ? p : it, "id") == id)
            return true;
    }
    return false;
}

/* /api/v1/rounds/ROUND followed by rest */
static const char *rpath(const char *rest)
{
    static char path[200];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld%s", round_id, rest);
    return path;
}

static json_t *get_json(const char *token, const char *path)
{
    fxt_resp r = fxt_req(&srv, "GET", path, token, NULL);
    CHECKF(r.status == 200, "GET %s: %d %s", path, r.status, r.body ? r.body : "");
    json_t *j = r.json ? json_incref(r.json) : json_object();
    fxt_free(&r);
    return j;
}

static json_t *coverage(const char *area)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/coverage?area=%s", round_id, area);
    fxt_resp r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECKF(r.status == 200, "coverage %s: %d %s", area, r.status, r.body ? r.body : "");
    json_t *j = r.json ? json_incref(r.json) : json_object();
    fxt_free(&r);
    return j;
}

/* Walks the coverage tree below area: at every level sampled + exempt + untested = in_scope, nothing is
 * negative, each child's own figures are the ones its parent lists, and the children add up to the parent.
 * Appends every level's answer to dump (to compare before and after the replay). */
static void coverage_adds_up(const char *area, json_t *listed, json_t *dump)
{
    static const char *const keys[] = {"in_scope", "sampled", "exempt", "untested"};
    json_t *c = coverage(area);
    json_array_append(dump, c);
    CHECKF(ifield(c, "sampled") + ifield(c, "exempt") + ifield(c, "untested") == ifield(c, "in_scope"),
           "%s: sampled + exempt + untested != in_scope", area);
    for (int k = 0; k < 4; k++) {
        CHECKF(ifield(c, keys[k]) >= 0, "%s: %s is negative", area, keys[k]);
        if (listed)
            CHECKF(ifield(c, keys[k]) == ifield(listed, keys[k]), "%s: %s is %lld, its parent lists %lld", area,
                   keys[k], ifield(c, keys[k]), ifield(listed, keys[k]));
        long long sum = 0;
        for (size_t i = 0; i < json_array_size(json_object_get(c, "items")); i++)
            sum += ifield(json_array_get(json_object_get(c, "items"), i), keys[k]);
        if (json_array_size(json_object_get(c, "items")))
            CHECKF(sum == ifield(c, keys[k]), "%s: children's %s add up to %lld, the area says %lld", area, keys[k],
                   sum, ifield(c, keys[k]));
    }
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c, "items"), i, it)
    {
        if (strcmp(sfield(it, "kind"), "direct") == 0) { /* people registered in the area itself */
            for (int k = 0; k < 4; k++)
                CHECKF(ifield(it, keys[k]) >= 0, "%s (direct): %s is negative", area, keys[k]);
            continue;
        }
        coverage_adds_up(sfield(it, "area"), it, dump);
    }
    json_decref(c);
}

static void round_and_site(void)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"全员核酸第一轮\",\"areas\":[\"%s\"],\"start\":%lld,\"deadline\":%lld}", WS,
             T0 - 6 * 3600, T0 + 6 * 3600);
    round_id = create("/api/v1/rounds", body);
    site_id = create("/api/v1/sites", "{\"name\":\"鑫荣公寓核酸点\",\"area\":\"HKG-YH-IT-W12-XR\",\"lat\":34.52,"
                                      "\"lng\":113.84,\"tables\":4}");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/sites/%lld/staff", site_id);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, "{\"username\":\"zhangmingqiang\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    json_t *c = coverage(WS);
    in_scope0 = ifield(c, "in_scope");
    CHECK(in_scope0 > 1000);
    CHECK_EQ_INT(ifield(c, "sampled"), 0);
    json_decref(c);
    r = fxt_req(&srv, "GET", "/api/v1/persons?area=HKG-YH-IT-W12-XR-B1-U1&limit=6", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 6);
    for (size_t i = 0; i < 6 && i < json_array_size(items(&r)); i++) {
        json_t *p = json_array_get(items(&r), i);
        snprintf(idn[i], sizeof idn[i], "%s", sfield(p, "id_number"));
        snprintf(code[i], sizeof code[i], "%s", sfield(p, "personal_code"));
        pid[i] = ifield(p, "id");
    }
    fxt_free(&r);
}

static void check_results(const fxt_resp *r, int n, const char *const *want)
{
    json_t *res = json_object_get(r->json, "results");
    CHECKF(r->status == 200 && (int)json_array_size(res) == n, "%d %s", r->status, r->body ? r->body : "");
    for (int i = 0; i < n && i < (int)json_array_size(res); i++) {
        json_t *e = json_array_get(res, (size_t)i);
        const char *got = strcmp(sfield(e, "status"), "rejected") == 0
                              ? sfield(json_object_get(e, "error"), "code")
                              : sfield(e, "status");
        CHECKF(got && strcmp(got, want[i]) == 0, "item %d: %s, expected %s", i, text(e), want[i]);
    }
}

static void sample_seal_box(void)
{
    char body[4096];
    /* the first handheld: two tubes, ID number, personal code and a walk-in */
    snprintf(body, sizeof body,
             "{\"events\":["
             "{\"id\":\"t1-1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TA\",\"pool_size\":5,\"at\":%lld},"
             "{\"id\":\"t1-2\",\"type\":\"sample\",\"tube\":\"TA\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t1-3\",\"type\":\"sample\",\"tube\":\"TA\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t1-4\",\"type\":\"sample\",\"tube\":\"TA\",\"person\":{\"id_number\":\"11010519491231002X\","
             "\"name\":\"现场登记\",\"phone\":\"13800138000\"},\"at\":%lld},"
             "{\"id\":\"t1-5\",\"type\":\"tube_seal\",\"tube\":\"TA\",\"at\":%lld},"
             "{\"id\":\"t1-6\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TB\",\"pool_size\":5,\"at\":%lld},"
             "{\"id\":\"t1-7\",\"type\":\"sample\",\"tube\":\"TB\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t1-8\",\"type\":\"sample\",\"tube\":\"TB\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t1-9\",\"type\":\"tube_seal\",\"tube\":\"TB\",\"at\":%lld}]}",
             round_id, site_id, TA0, idn[0], TA0 + 10, code[1], TA0 + 20, TA0 + 30, TA0 + 600, round_id, site_id, TA0,
             code[3], TA0 + 40, idn[4], TA0 + 50, TA0 + 610);
    fxt_resp r = post("/api/v1/sampling/batch", registrar, body, false);
    check_results(&r, 9, (const char *const[]){"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"});
    CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(r.json, "results"), 3),
                                                                "warnings"),
                                               0)),
              "walk_in");
    fxt_free(&r);
    /* a second handheld syncs late: a sample taken before TA's seal is kept, one after it is not */
    snprintf(body, sizeof body,
             "{\"events\":["
             "{\"id\":\"t2-1\",\"type\":\"sample\",\"tube\":\"TA\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t2-2\",\"type\":\"sample\",\"tube\":\"TA\",\"person\":{\"code\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t2-3\",\"type\":\"box_seal\",\"box\":\"BX1\",\"seal\":\"F-0001\",\"tubes\":[\"TA\",\"TB\"],\"at\":%lld}]}",
             code[2], TA0 + 300, code[5], TA0 + 700, TA0 + 900);
    r = post("/api/v1/sampling/batch", registrar, body, false);
    check_results(&r, 3, (const char *const[]){"ok", "sampled_after_seal", "ok"});
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/persons?id_number=11010519491231002X", staff, NULL);
    walk_in = ifield(json_array_get(items(&r), 0), "id");
    CHECK(walk_in > 0);
    fxt_free(&r);
    /* six people sampled: TA holds P0, P1, the walk-in and the late P2; TB holds P3 and P4 */
    json_t *c = coverage(WS);
    CHECK_EQ_INT(ifield(c, "sampled"), 6);
    CHECK_EQ_INT(ifield(c, "in_scope"), in_scope0 + 1); /* the walk-in joined the scope */
    json_decref(c);
    json_t *dump = json_array();
    coverage_adds_up(WS, NULL, dump);
    CHECK(json_array_size(dump) > 10); /* down to the units */
    json_decref(dump);
}

static void hand_over(const char *box, long long at0, int count)
{
    static const char *const to[] = {"driver", "hub", "lab"};
    for (int i = 0; i < 3; i++) {
        char body[200];
        snprintf(body, sizeof body, "{\"box\":\"%s\",\"to\":\"%s\",\"count\":%d,\"at\":%lld}", box, to[i], count,
                 at0 + i * 1200);
        fxt_resp r = post("/api/v1/handovers", i == 2 ? lab : driver, body, false);
        CHECKF(r.status == 201 && json_is_null(json_object_get(r.json, "discrepancy")), "%s to %s: %d %s", box, to[i],
               r.status, r.body ? r.body : "");
        fxt_free(&r);
    }
}

static void handovers_and_positive(void)
{
    hand_over("BX1", TA0 + 1200, 2);
    json_t *b = get_json(officer, "/api/v1/boxes/BX1");
    CHECK_EQ_INT(json_array_size(json_object_get(b, "timeline")), 4); /* sealed, driver, hub, lab */
    json_decref(b);
    char body[300];
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TA\",\"result\":\"positive\",\"ct\":27.5,\"at\":%lld}]}",
             TA0 + 5400);
    fxt_resp r = post("/api/v1/results", lab, body, false);
    check_results(&r, 1, (const char *const[]){"ok"});
    fxt_free(&r);
    snprintf(body, sizeof body, "tube,result,ct,at\r\nTB,negative,,%lld\r\n", TA0 + 5400);
    r = post("/api/v1/results", lab, body, true);
    check_results(&r, 1, (const char *const[]){"ok"});
    fxt_free(&r);
    /* the recall list is exactly TA's members */
    json_t *rec = get_json(officer, rpath("/recalls"));
    json_t *list = json_object_get(rec, "items");
    CHECKF(json_array_size(list) == 4 && has_person(list, pid[0]) && has_person(list, pid[1]) &&
               has_person(list, pid[2]) && has_person(list, walk_in),
           "recalls: %s", text(rec));
    json_decref(rec);
    json_t *pc = get_json(staff, rpath("/pending-control"));
    list = json_object_get(pc, "items");
    CHECKF(json_array_size(list) == 4 && has_person(list, pid[0]) && has_person(list, walk_in) &&
               !has_person(list, pid[3]),
           "pending control: %s", text(pc));
    json_decref(pc);
    json_t *al = get_json(staff, "/api/v1/alerts?open=1&kind=positive_pool");
    list = json_object_get(al, "items");
    CHECK_EQ_INT(json_array_size(list), 1);
    CHECK_STR(sfield(json_array_get(list, 0), "area"), WS);
    CHECK_STR(sfield(json_array_get(list, 0), "entity_id"), "TA");
    json_decref(al);
}

static void correction_to_positive(void)
{
    char body[300];
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TB\",\"result\":\"positive\",\"ct\":31,\"at\":%lld,"
                                "\"correction_reason\":\"复核阳性\"}]}", TA0 + 7200);
    fxt_resp r = post("/api/v1/results", lab, body, false);
    check_results(&r, 1, (const char *const[]){"ok"});
    CHECK(json_is_true(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "corrected")));
    fxt_free(&r);
    json_t *rec = get_json(officer, rpath("/recalls?tube=TB"));
    json_t *list = json_object_get(rec, "items");
    CHECKF(json_array_size(list) == 2 && has_person(list, pid[3]) && has_person(list, pid[4]), "recalls of TB: %s",
           text(rec));
    json_decref(rec);
    json_t *pc = get_json(staff, rpath("/pending-control"));
    CHECK_EQ_INT(json_array_size(json_object_get(pc, "items")), 6);
    CHECK(has_person(json_object_get(pc, "items"), pid[3]));
    json_decref(pc);
    json_t *al = get_json(staff, "/api/v1/alerts?open=1&kind=positive_pool");
    bool tb = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(al, "items"), i, it) tb |= strcmp(sfield(it, "entity_id"), "TB") == 0;
    CHECKF(tb, "the workstation is alerted about TB: %s", text(al));
    json_decref(al);
}

static void recall_retest(void)
{
    char body[1200];
    long long t = T0 - 3600;
    snprintf(body, sizeof body,
             "{\"events\":["
             "{\"id\":\"t3-1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"TR\",\"pool_size\":1,\"at\":%lld},"
             "{\"id\":\"t3-2\",\"type\":\"sample\",\"tube\":\"TR\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"t3-3\",\"type\":\"tube_seal\",\"tube\":\"TR\",\"at\":%lld},"
             "{\"id\":\"t3-4\",\"type\":\"box_seal\",\"box\":\"BX2\",\"seal\":\"F-0002\",\"tubes\":[\"TR\"],\"at\":%lld}]}",
             round_id, site_id, t, idn[0], t + 60, t + 120, t + 180);
    fxt_resp r = post("/api/v1/sampling/batch", registrar, body, false);
    check_results(&r, 4, (const char *const[]){"ok", "ok", "ok", "ok"});
    json_t *w = json_object_get(json_array_get(json_object_get(r.json, "results"), 1), "warnings");
    CHECKF(json_array_size(w) == 2 && strcmp(json_string_value(json_array_get(w, 0)), "already_sampled") == 0 &&
               strcmp(json_string_value(json_array_get(w, 1)), "recall_retest") == 0,
           "the retest's warnings: %s", r.body ? r.body : "");
    fxt_free(&r);
    json_t *c = coverage(WS);
    CHECK_EQ_INT(ifield(c, "sampled"), 6); /* a person counts once */
    json_decref(c);
    hand_over("BX2", t + 300, 1);
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TR\",\"result\":\"negative\",\"at\":%lld}]}", T0 - 600);
    r = post("/api/v1/results", lab, body, false);
    check_results(&r, 1, (const char *const[]){"ok"});
    fxt_free(&r);
    /* P0's recall is done, by TR; the other members of TA still wait */
    json_t *rec = get_json(officer, rpath("/recalls?tube=TA"));
    size_t i;
    json_t *it;
    int open = 0;
    json_array_foreach(json_object_get(rec, "items"), i, it)
    {
        if (ifield(json_object_get(it, "person"), "id") == pid[0]) {
            CHECK(json_is_true(json_object_get(it, "done")));
            CHECK_STR(sfield(it, "retest_tube"), "TR");
        } else {
            open += json_is_false(json_object_get(it, "done"));
        }
    }
    CHECK_EQ_INT(open, 3);
    json_decref(rec);
}

static long long newest_audit(void)
{
    json_t *a = get_json(admin, "/api/v1/audit?limit=1");
    long long id = ifield(json_array_get(json_object_get(a, "items"), 0), "id");
    json_decref(a);
    return id;
}

static char *state_dump(void)
{
    json_t *all = json_array();
    coverage_adds_up(WS, NULL, all);
    static const char *const lists[] = {"/recalls", "/pending-control", "/coverage/hourly?area=" WS};
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(all, get_json(officer, rpath(lists[i])));
    json_array_append_new(all, get_json(staff, "/api/v1/alerts?kind=positive_pool"));
    json_array_append_new(all, get_json(officer, "/api/v1/tubes/TA/trace"));
    json_array_append_new(all, get_json(officer, "/api/v1/tubes/TB/result"));
    json_array_append_new(all, get_json(officer, "/api/v1/boxes/BX1"));
    char *s = json_dumps(all, JSON_SORT_KEYS);
    json_decref(all);
    return s;
}

static void replay_changes_nothing(void)
{
    CHECK_EQ_INT(nstream, 13); /* 3 sampling batches, 6 handovers, 4 result posts (one of them CSV) */
    char *before = state_dump();
    long long audit = newest_audit();
    for (int i = 0; i < nstream; i++) {
        fxt_resp r = send(stream[i].path, stream[i].token, stream[i].body, stream[i].csv);
        CHECKF(r.status == 200, "replay %d (%s): %d %s", i, stream[i].path, r.status, r.body ? r.body : "");
        if (strcmp(stream[i].path, "/api/v1/handovers") == 0) {
            CHECKF(json_is_true(json_object_get(r.json, "duplicate")), "replayed handover %d: %s", i, r.body);
        } else {
            size_t k;
            json_t *it;
            json_array_foreach(json_object_get(r.json, "results"), k, it)
                CHECKF(strcmp(sfield(it, "status"), "duplicate") == 0, "replay %d item %zu: %s", i, k,
                       text(it));
        }
        fxt_free(&r);
    }
    char *after = state_dump();
    CHECKF(before && after && strcmp(before, after) == 0, "the replay changed what users see:\n%s\n%s", before,
           after);
    CHECK_EQ_INT(newest_audit(), audit);
    free(before);
    free(after);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    admin = fxt_login(&srv, "admin", pw);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    registrar = fxt_login(&srv, "zhangmingqiang", pw);
    driver = fxt_login(&srv, "lijianhua", pw);
    lab = fxt_login(&srv, "lab", pw);
    RUN(round_and_site);
    RUN(sample_seal_box);
    RUN(handovers_and_positive);
    RUN(correction_to_positive);
    RUN(recall_retest);
    RUN(replay_changes_nothing);
    fxt_teardown(&srv);
    for (int i = 0; i < nstream; i++)
        free(stream[i].body);
    char **toks[] = {&admin, &officer, &staff, &registrar, &driver, &lab};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_round_e2e");
}
