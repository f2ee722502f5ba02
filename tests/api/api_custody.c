/* API tests: boxes handed over, lab results, the positive flow, trace, turnaround.
 * The round, its tubes and boxes are made as in the field: POST /api/v1/rounds, /sites
 * and one sampling batch; persons and areas through the API too. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL /* the server's clock (FANGXIAN_NOW) */

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *officer_zz, *staff, *driver, *lab, *registrar, *labsys;
static long long round_id;
static long long p[10]; /* P1..P9 */


/* A valid 18-digit ID number (GB 11643 check character) from a sequence number. */
#define BORN "41018419800101" /* the ID numbers of this test's people: region and birth date */

static long long person(int seq, const char *name, const char *area, const char *room)
{
    char id[19], body[300];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"139371%05d\",\"area\":\"%s\",\"room\":\"%s\"}",
             name, id, seq, area, room);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/persons", staff, body);
    CHECKF(r.status == 201, "person %s: %d %s", name, r.status, r.body ? r.body : "");
    long long v = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    return v;
}

static int post(const char *path, const char *token, const char *body, fxt_resp *out)
{
    *out = fxt_req(&srv, "POST", path, token, body);
    return out->status;
}

static int post_csv(const char *token, const char *csv, fxt_resp *out)
{
    char req[2048];
    int n = snprintf(req, sizeof req, "POST /api/v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Authorization: Bearer %s\r\nContent-Type: text/csv; charset=utf-8\r\n"
                                      "Content-Length: %zu\r\n\r\n%s", token, strlen(csv), csv);
    *out = fxt_raw(&srv, req, (size_t)n, 30000);
    return out->status;
}

static bool list_has_person(json_t *list, long long id)
{
    size_t k;
    json_t *it;
    json_array_foreach(list, k, it)
    {
        json_t *pp = json_object_get(it, "person");
        if (json_integer_value(json_object_get(pp ? pp : it, "id")) == id)
            return true;
    }
    return false;
}

static void setup_round(void)
{
    static const char *const areas[] = {
        "{\"code\":\"TC-B9\",\"name\":\"港城公寓9号楼\",\"kind\":\"building\",\"parent\":\"HKG-YH-IT-W12-GC\"}",
        "{\"code\":\"TC-B9-U1\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"TC-B9\"}",
        "{\"code\":\"TC-B9-U2\",\"name\":\"2单元\",\"kind\":\"unit\",\"parent\":\"TC-B9\"}",
    };
    for (size_t i = 0; i < 3; i++) {
        fxt_resp r;
        CHECK_EQ_INT(post("/api/v1/areas", staff, areas[i], &r), 201);
        fxt_free(&r);
    }
    p[1] = person(1, "甲一", "TC-B9-U1", "101");
    p[2] = person(2, "甲二", "TC-B9-U1", "101");
    p[3] = person(3, "乙三", "TC-B9-U2", "201");
    p[4] = person(4, "甲四", "TC-B9-U1", "101"); /* a housemate, not sampled */
    p[5] = person(5, "丙五", "TC-B9-U2", "202"); /* a co-resident of the building */
    p[6] = person(6, "丁六", "HKG-YH-IT-W12-XR-B2-U1", "1");
    p[7] = person(7, "丁七", "HKG-YH-IT-W12-XR-B2-U1", "1");
    p[8] = person(8, "戊八", "HKG-YH-IT-W12-XR-B2-U1", "2");
    char body[4096];
    snprintf(body, sizeof body, "{\"name\":\"custody\",\"areas\":[\"HKG-YH\"],\"start\":%lld,\"deadline\":%lld}",
             T0 - 6 * 3600, T0 + 6 * 3600);
    fxt_resp r;
    CHECK_EQ_INT(post("/api/v1/rounds", officer, body, &r), 201);
    round_id = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/sites", officer, "{\"name\":\"港城公寓核酸点\",\"area\":\"HKG-YH-IT-W12\",\"tables\":2}", &r),
                 201);
    long long site = json_integer_value(json_object_get(r.json, "id"));
    fxt_free(&r);
    /* TA holds P1-P3, TB P6-P7, TC P8; TD and TE are empty; three boxes */
    static const struct {
        const char *tube;
        int members[3];
        long long opened, sealed;
    } tubes[] = {{"TA", {1, 2, 3}, T0 - 3 * 3600, T0 - 3 * 3600 + 600}, {"TB", {6, 7}, T0 - 3 * 3600, T0 - 3 * 3600 + 600},
                 {"TC", {8}, T0 - 3 * 3600, T0 - 3 * 3600 + 600},      {"TD", {0}, T0 - 80 * 60, T0 - 75 * 60},
                 {"TE", {0}, T0 - 110 * 60, T0 - 105 * 60}};
    int len = snprintf(body, sizeof body, "{\"events\":[");
    for (size_t i = 0; i < sizeof tubes / sizeof *tubes; i++) {
        len += snprintf(body + len, sizeof body - (size_t)len,
                        "{\"id\":\"open-%s\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"%s\","
                        "\"pool_size\":10,\"at\":%lld},",
                        tubes[i].tube, round_id, site, tubes[i].tube, tubes[i].opened);
        for (int k = 0; k < 3 && tubes[i].members[k]; k++) {
            char id[19];
            fxt_id_number(id, BORN, tubes[i].members[k]);
            len += snprintf(body + len, sizeof body - (size_t)len,
                            "{\"id\":\"s-%s-%d\",\"type\":\"sample\",\"tube\":\"%s\",\"person\":{\"id_number\":\"%s\"},"
                            "\"at\":%lld},",
                            tubes[i].tube, k, tubes[i].tube, id, tubes[i].opened + 60);
        }
        len += snprintf(body + len, sizeof body - (size_t)len,
                        "{\"id\":\"seal-%s\",\"type\":\"tube_seal\",\"tube\":\"%s\",\"at\":%lld},", tubes[i].tube,
                        tubes[i].tube, tubes[i].sealed);
    }
    snprintf(body + len, sizeof body - (size_t)len,
             "{\"id\":\"box1\",\"type\":\"box_seal\",\"box\":\"BX1\",\"seal\":\"S-001\",\"tubes\":[\"TA\",\"TB\",\"TC\"],"
             "\"at\":%lld},"
             /* 70 min out: at risk */
             "{\"id\":\"box2\",\"type\":\"box_seal\",\"box\":\"BX2\",\"seal\":\"S-002\",\"tubes\":[\"TD\"],\"at\":%lld},"
             /* 100 min, not at the lab: breach */
             "{\"id\":\"box3\",\"type\":\"box_seal\",\"box\":\"BX3\",\"seal\":\"S-003\",\"tubes\":[\"TE\"],\"at\":%lld}]}",
             T0 - 160 * 60, T0 - 70 * 60, T0 - 100 * 60);
    CHECK_EQ_INT(post("/api/v1/sampling/batch", officer, body, &r), 200);
    CHECKF(json_integer_value(json_object_get(json_object_get(r.json, "summary"), "ok")) == 19, "every event ok: %s",
           r.body ? r.body : "");
    fxt_free(&r);
}

static void handover_with_wrong_count(void)
{
    char body[300];
    fxt_resp r;
    snprintf(body, sizeof body, "{\"box\":\"BX1\",\"to\":\"driver\",\"vehicle\":\"豫A12345\",\"received_by\":\"李建华\","
                                "\"count\":2,\"at\":%lld}", T0 - 150 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 201);
    json_t *d = json_object_get(r.json, "discrepancy");
    CHECKF(json_is_object(d), "a count of 2 for a box of 3 is a discrepancy: %s", r.body ? r.body : "");
    CHECK_STR(sfield(d, "kind"), "missing");
    CHECK_EQ_INT(json_integer_value(json_object_get(d, "expected")), 3);
    CHECK_EQ_INT(json_integer_value(json_object_get(d, "counted")), 2);
    long long disc = json_integer_value(json_object_get(d, "id"));
    fxt_free(&r);
    /* the same report again is stored once */
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 200);
    CHECK(json_is_true(json_object_get(r.json, "duplicate")));
    fxt_free(&r);
    /* the round's officer sees it, and it was raised to them as an alert */
    char path[120];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/discrepancies?open=1", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "box"), "BX1");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/alerts?open=1&kind=discrepancy&area=HKG-YH", officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
    /* the lab receives it first (by the time it says), the hub's report arrives late */
    snprintf(body, sizeof body, "{\"box\":\"BX1\",\"to\":\"lab\",\"count\":3,\"at\":%lld}", T0 - 110 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", lab, body, &r), 201);
    CHECK(json_is_null(json_object_get(r.json, "discrepancy")));
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"box\":\"BX1\",\"to\":\"hub\",\"count\":3,\"at\":%lld}", T0 - 130 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 201);
    CHECK(json_is_false(json_object_get(r.json, "out_of_order"))); /* its time fits between driver and lab */
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"box\":\"BX1\",\"to\":\"driver\",\"count\":3,\"at\":%lld}", T0 - 100 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 201);
    CHECK(json_is_true(json_object_get(r.json, "out_of_order"))); /* a driver step after the lab's */
    fxt_free(&r);
    /* the box's timeline is in event-time order */
    r = fxt_req(&srv, "GET", "/api/v1/boxes/BX1", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *tl = json_object_get(r.json, "timeline");
    const char *want[] = {"sealed", "driver", "hub", "lab", "driver"};
    CHECK_EQ_INT(json_array_size(tl), 5);
    for (size_t i = 0; i < 5 && i < json_array_size(tl); i++)
        CHECK_STR(sfield(json_array_get(tl, i), "step"), want[i]);
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(r.json, "turnaround"), "picked_at")), T0 - 150 * 60);
    fxt_free(&r);
    /* refused: before the seal, an unknown box, a wrong step */
    snprintf(body, sizeof body, "{\"box\":\"BX2\",\"to\":\"driver\",\"count\":1,\"at\":%lld}", T0 - 200 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 422);
    CHECK_STR(fxt_err(&r), "before_seal");
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, "{\"box\":\"NOPE\",\"to\":\"hub\",\"count\":1,\"at\":1799990000}", &r),
                 404);
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, "{\"box\":\"BX2\",\"to\":\"truck\",\"count\":1,\"at\":1799990000}", &r),
                 400);
    CHECK_STR(fxt_err(&r), "invalid_to");
    fxt_free(&r);
    /* a damaged tube is a discrepancy too */
    snprintf(body, sizeof body, "{\"box\":\"BX3\",\"to\":\"driver\",\"count\":1,\"damaged\":[\"TE\"],\"at\":%lld}",
             T0 - 90 * 60);
    CHECK_EQ_INT(post("/api/v1/handovers", driver, body, &r), 201);
    CHECK(json_is_null(json_object_get(r.json, "discrepancy")));
    CHECK_STR(sfield(json_array_get(json_object_get(r.json, "discrepancies"), 0), "kind"), "damaged");
    fxt_free(&r);
    /* resolving is the officer's: not staff's, and not twice */
    snprintf(path, sizeof path, "/api/v1/discrepancies/%lld/resolve", disc);
    CHECK_EQ_INT(post(path, staff, "{\"resolution\":\"recounted\"}", &r), 403);
    fxt_free(&r);
    CHECK_EQ_INT(post(path, officer, "{\"resolution\":\"\"}", &r), 400);
    fxt_free(&r);
    CHECK_EQ_INT(post(path, officer, "{\"resolution\":\"复核：司机漏数，实为3管\"}", &r), 200);
    CHECK(json_is_true(json_object_get(r.json, "resolved")));
    fxt_free(&r);
    CHECK_EQ_INT(post(path, officer, "{\"resolution\":\"again\"}", &r), 409);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/discrepancies?open=1", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1); /* only the damaged tube is open */
    fxt_free(&r);
    /* the audit log has the handover */
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=box&id=BX1", admin, NULL);
    CHECK(json_array_size(items(&r)) >= 4);
    fxt_free(&r);
}

static void results_with_one_positive(void)
{
    char body[600], path[160];
    fxt_resp r;
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TA\",\"result\":\"positive\",\"ct\":28.5,\"at\":%lld},"
                                "{\"tube\":\"TB\",\"result\":\"negative\",\"at\":%lld},"
                                "{\"tube\":\"TC\",\"result\":\"invalid\",\"at\":\"2027-01-15T15:00:00+08:00\"},"
                                "{\"tube\":\"NOPE\",\"result\":\"negative\",\"at\":%lld}]}",
             T0 - 60 * 60, T0 - 60 * 60, T0 - 60 * 60);
    CHECK_EQ_INT(post("/api/v1/results", labsys, body, &r), 200);
    json_t *res = json_object_get(r.json, "results");
    CHECK_STR(sfield(json_array_get(res, 0), "status"), "ok");
    CHECK_STR(sfield(json_array_get(res, 1), "status"), "ok");
    CHECK_STR(sfield(json_array_get(res, 2), "status"), "ok");
    CHECK_STR(sfield(json_array_get(res, 3), "status"), "rejected");
    CHECK_STR(sfield(json_object_get(json_array_get(res, 3), "error"), "code"), "unknown_tube");
    fxt_free(&r);
    /* the recall list for TA is exactly its members */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/recalls?tube=TA", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 3);
    CHECK(list_has_person(items(&r), p[1]) && list_has_person(items(&r), p[2]) && list_has_person(items(&r), p[3]));
    CHECK_STR(sfield(json_array_get(items(&r), 0), "reason"), "positive_pool");
    fxt_free(&r);
    /* the invalid tube's member is recalled too; nobody from the negative tube */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/recalls?open=1", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 4);
    CHECK(list_has_person(items(&r), p[8]) && !list_has_person(items(&r), p[6]));
    fxt_free(&r);
    /* pending control: TA's members */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pending-control", round_id);
    r = fxt_req(&srv, "GET", path, staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 3);
    CHECK(list_has_person(items(&r), p[1]) && !list_has_person(items(&r), p[6]));
    fxt_free(&r);
    /* their workstation was alerted */
    r = fxt_req(&srv, "GET", "/api/v1/alerts?open=1&kind=positive_pool", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    json_t *a = json_array_get(items(&r), 0);
    CHECK_STR(sfield(a, "area"), "HKG-YH-IT-W12");
    CHECK_STR(sfield(a, "entity_id"), "TA");
    CHECKF(sfield(a, "message") && strstr(sfield(a, "message"), "3 member"), "message: %s", sfield(a, "message"));
    long long alert_id = json_integer_value(json_object_get(a, "id"));
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/alerts/x1/ack", staff, NULL, &r), 404);
    CHECKF(r.body && strstr(r.body, "alert x1 does not exist"), "%s", r.body ? r.body : "");
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/alerts/%lld/ack", alert_id);
    CHECK_EQ_INT(post(path, staff, NULL, &r), 200);
    fxt_free(&r);
    /* posting the same again changes nothing */
    CHECK_EQ_INT(post("/api/v1/results", labsys, body, &r), 200);
    res = json_object_get(r.json, "results");
    for (int i = 0; i < 3; i++)
        CHECK_STR(sfield(json_array_get(res, i), "status"), "duplicate");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/alerts?open=1&kind=positive_pool", staff, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    /* a driver may not post results; a lab token may not read a trace */
    CHECK_EQ_INT(post("/api/v1/results", driver, body, &r), 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", labsys, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void corrections(void)
{
    char body[400], path[160];
    fxt_resp r;
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TB\",\"result\":\"positive\",\"ct\":33,\"at\":%lld}]}",
             T0 - 30 * 60);
    CHECK_EQ_INT(post("/api/v1/results", lab, body, &r), 200);
    json_t *it = json_array_get(json_object_get(r.json, "results"), 0);
    CHECK_STR(sfield(it, "status"), "rejected");
    CHECK_STR(sfield(json_object_get(it, "error"), "code"), "correction_reason_required");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"results\":[{\"tube\":\"TB\",\"result\":\"positive\",\"ct\":33,\"at\":%lld,"
                                "\"correction_reason\":\"复检阳性\"}]}", T0 - 30 * 60);
    CHECK_EQ_INT(post("/api/v1/results", lab, body, &r), 200);
    it = json_array_get(json_object_get(r.json, "results"), 0);
    CHECK_STR(sfield(it, "status"), "ok");
    CHECK(json_is_true(json_object_get(it, "corrected")));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TB/result", officer, NULL);
    CHECK_STR(sfield(json_object_get(r.json, "result"), "result"), "positive");
    json_t *old = json_array_get(json_object_get(r.json, "history"), 0);
    CHECK_STR(sfield(old, "result"), "negative");
    CHECK_STR(sfield(json_object_get(old, "replaced"), "reason"), "复检阳性");
    fxt_free(&r);
    /* negative → positive started the positive flow */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pending-control", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 5);
    CHECK(list_has_person(items(&r), p[6]) && list_has_person(items(&r), p[7]));
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/recalls?tube=TB", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    fxt_free(&r);
}

static void csv_with_bad_rows(void)
{
    char csv[600];
    fxt_resp r;
    snprintf(csv, sizeof csv, "tube,result,ct,at\r\nTD,阴性,,2027-01-15T15:50:00+08:00\r\nNOPE,negative,,%lld\r\n"
                              "TE,maybe,,%lld\r\nTE,negative,,yesterday\r\n", T0 - 600, T0 - 600);
    CHECK_EQ_INT(post_csv(labsys, csv, &r), 200);
    json_t *res = json_object_get(r.json, "results");
    CHECK_EQ_INT(json_array_size(res), 4);
    CHECK_STR(sfield(json_array_get(res, 0), "status"), "ok");
    const char *codes[] = {"unknown_tube", "invalid_result", "invalid_at"};
    for (int i = 1; i < 4; i++) {
        json_t *it = json_array_get(res, (size_t)i);
        CHECK_STR(sfield(it, "status"), "rejected");
        CHECK_EQ_INT(json_integer_value(json_object_get(it, "row")), i + 2);
        CHECK_STR(sfield(json_object_get(it, "error"), "code"), codes[i - 1]);
        char want[16];
        snprintf(want, sizeof want, "row %d", i + 2);
        const char *m = sfield(json_object_get(it, "error"), "message");
        CHECKF(m && strstr(m, want), "message names the row: %s", m ? m : "");
    }
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TD/result", officer, NULL);
    CHECK_STR(sfield(json_object_get(r.json, "result"), "result"), "negative");
    fxt_free(&r);
    /* a file without the columns is refused as a whole */
    CHECK_EQ_INT(post_csv(labsys, "barcode,outcome\nTD,negative\n", &r), 400);
    CHECK_STR(fxt_err(&r), "missing_column");
    fxt_free(&r);
}

static void trace_members_households_buildings(void)
{
    fxt_resp r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", staff, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(sfield(r.json, "result"), "positive");
    json_t *m = json_object_get(r.json, "members");
    CHECK_EQ_INT(json_array_size(m), 3);
    CHECK_STR(sfield(json_object_get(json_array_get(m, 0), "recall"), "reason"), "positive_pool");
    CHECK_STR(sfield(json_array_get(m, 0), "control"), "pending");
    CHECK(json_is_false(json_object_get(json_array_get(m, 0), "masked"))); /* staff of the workstation */
    json_t *hh = json_object_get(r.json, "households");
    CHECK_EQ_INT(json_array_size(hh), 2);
    bool housemate = false, co = false;
    size_t k;
    json_t *it;
    json_array_foreach(hh, k, it) housemate |= list_has_person(json_object_get(it, "residents"), p[4]);
    CHECKF(housemate, "甲四 lives with 甲一 and 甲二: %s", r.body);
    json_t *bl = json_object_get(r.json, "buildings");
    CHECK_EQ_INT(json_array_size(bl), 1);
    CHECK_STR(sfield(json_array_get(bl, 0), "code"), "TC-B9");
    CHECK_EQ_INT(json_integer_value(json_object_get(json_array_get(bl, 0), "residents_total")), 5);
    co = list_has_person(json_object_get(json_array_get(bl, 0), "other_residents"), p[5]);
    CHECKF(co, "丙五 lives in the same building");
    CHECK(!list_has_person(json_object_get(json_array_get(bl, 0), "other_residents"), p[1]));
    CHECK_EQ_INT(json_integer_value(json_object_get(json_object_get(r.json, "actions"), "recalled")), 3);
    fxt_free(&r);
    /* another sub-district's officer does not see it; registrars, drivers and volunteers may not trace */
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", officer_zz, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", registrar, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", driver, NULL);
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
}

static void officer_confirms_once(void)
{
    fxt_resp r;
    CHECK_EQ_INT(post("/api/v1/tubes/TA/confirm", staff, "{}", &r), 403);
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/tubes/TA/confirm", officer_zz, "{}", &r), 404);
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/tubes/TD/confirm", officer, "{}", &r), 422);
    CHECK_STR(fxt_err(&r), "not_positive");
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/tubes/TA/confirm", officer, "{\"note\":\"同意管控\"}", &r), 200);
    CHECK_STR(sfield(r.json, "status"), "confirmed");
    json_t *d = json_object_get(r.json, "decision");
    CHECK_EQ_INT(json_array_size(json_object_get(d, "households")), 2);
    CHECK_EQ_INT(json_array_size(json_object_get(d, "buildings")), 1);
    CHECK_STR(json_string_value(json_array_get(json_object_get(d, "buildings"), 0)), "TC-B9");
    fxt_free(&r);
    CHECK_EQ_INT(post("/api/v1/tubes/TA/confirm", officer, "{}", &r), 200);
    CHECK(json_is_true(json_object_get(r.json, "already")));
    fxt_free(&r);
    char path[120];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/pending-control", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(json_array_size(items(&r)), 2); /* TB's members still wait for a decision */
    CHECK(!list_has_person(items(&r), p[1]));
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/tubes/TA/trace", officer, NULL);
    CHECK_STR(sfield(json_object_get(json_object_get(r.json, "actions"), "decision"), "status"), "confirmed");
    CHECK_STR(sfield(json_array_get(json_object_get(r.json, "members"), 0), "control"), "confirmed");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=tube&id=TA", admin, NULL);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "action"), "confirm_positive");
    fxt_free(&r);
}

static bool has_box(const fxt_resp *r, const char *box)
{
    size_t k;
    json_t *it;
    json_array_foreach(items(r), k, it) if (strcmp(sfield(it, "box"), box) == 0) return true;
    return false;
}

static void turnaround_at_risk_and_breaches(void)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/turnaround?view=at_risk", round_id);
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECKF(has_box(&r, "BX2") && !has_box(&r, "BX1") && !has_box(&r, "BX3"), "at risk: %s", r.body);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/turnaround?view=breaches", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECKF(has_box(&r, "BX3") && !has_box(&r, "BX1") && !has_box(&r, "BX2"), "breaches: %s", r.body);
    fxt_free(&r);
    /* a tighter limit: 60 minutes to the lab makes BX2 late */
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/turnaround-limits", round_id);
    r = fxt_req(&srv, "PUT", path, staff, "{\"to_lab_min\":60}");
    CHECK_EQ_INT(r.status, 403);
    fxt_free(&r);
    r = fxt_req(&srv, "PUT", path, officer, "{\"to_lab_min\":60,\"lab_warn_min\":15}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "to_lab_min")), 60);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/turnaround?view=breaches", round_id);
    r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECKF(has_box(&r, "BX2") && has_box(&r, "BX3"), "breaches with 60 min: %s", r.body);
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    admin = fxt_login(&srv, "admin", pw);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    officer_zz = fxt_login(&srv, "lijunchuan", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    driver = fxt_login(&srv, "lijianhua", pw);
    lab = fxt_login(&srv, "lab", pw);
    registrar = fxt_login(&srv, "zhangmingqiang", pw);
    const char *args[] = {"token", "add", "lab-system", "--kind", "lab", "--area", "HKG", NULL};
    char *out = NULL;
    if (fxt_cli(&srv, NULL, &out, args) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    labsys = out;
    RUN(setup_round);
    RUN(handover_with_wrong_count);
    RUN(results_with_one_positive);
    RUN(corrections);
    RUN(csv_with_bad_rows);
    RUN(trace_members_households_buildings);
    RUN(officer_confirms_once);
    RUN(turnaround_at_risk_and_breaches);
    fxt_teardown(&srv);
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &driver, &lab, &registrar, &labsys};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_custody");
}
