/* API tests: a referral (the preset rules refer a red code or a fever) at a checkpoint
 * entry or a door-to-door visit recalls the person for a test. With no open round over
 * their household's area the recall waits, and the next round created there takes it
 * with its cause; with an open round it goes straight onto that round's list. The same
 * entry or visit again names the same recall; a second referral before the round joins
 * the waiting one (or the round's); a pass recalls nobody; sampling the person in the round is marked a
 * recall retest. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */
#define BUILDING "HKG-YH-IT-W12-XR-B8"
#define UNIT BUILDING "-U1"

static fxt_server srv;
static char pw[32];
static char *officer, *staff, *registrar;
static long long cp, team, round_id, site_id, people[3], residents[3], hh[3];
static long long pending_entry, pending_visit, entry_id, visit_id;

static json_t *result0(const fxt_resp *r) { return json_array_get(json_object_get(r->json, "results"), 0); }

static void id_number(unsigned seq, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "41018419920909%03u", seq % 1000);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

static long long post_id(const char *path, const char *token, const char *body, const char *key, long long *also,
                         const char *also_key)
{
    fxt_resp r = fxt_req(&srv, "POST", path, token, body);
    CHECKF(r.status == 201 || r.status == 200, "%s: %d %s", path, r.status, r.body);
    long long v = ifield(r.json, key);
    if (also)
        *also = ifield(r.json, also_key);
    fxt_free(&r);
    return v;
}

static long long person(unsigned seq, const char *area, const char *room, long long *household)
{
    char id[19], body[300];
    id_number(seq, id);
    snprintf(body, sizeof body, "{\"name\":\"召回%u\",\"id_number\":\"%s\",\"area\":\"%s\",\"room\":\"%s\"}", seq, id,
             area, room);
    return post_id("/api/v1/persons", staff, body, "id", household, "household");
}

/* A checkpoint entry of person seq; the caller frees the answer. */
static fxt_resp entry(const char *client_id, unsigned seq, const char *code)
{
    char id[19], body[300], path[64];
    id_number(seq, id);
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"person\":{\"id_number\":\"%s\"},\"health_code\":\"%s\"}", client_id,
             id, code);
    snprintf(path, sizeof path, "/api/v1/checkpoints/%lld/entries", cp);
    fxt_resp r = fxt_req(&srv, "POST", path, staff, body);
    CHECKF(r.status == 201 || r.status == 200, "entry %s: %d %s", client_id, r.status, r.body);
    return r;
}

/* A visit to household h with a fever (or none); the caller frees the answer. */
static fxt_resp visit(const char *client_id, long long h, bool fever)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"visits\":[{\"id\":\"%s\",\"team\":%lld,\"household\":%lld,\"outcome\":\"visited\",\"at\":%lld,"
             "\"answers\":{\"home\":1,\"fever\":%s}}]}",
             client_id, team, h, T0 - 600, fever ? "true" : "false");
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/sweep-visits", staff, body);
    CHECKF(r.status == 200 && strcmp(sfield(result0(&r), "status"), "rejected") != 0, "visit %s: %d %s", client_id,
           r.status, r.body);
    return r;
}

static void setup(void)
{
    char **toks[] = {&officer, &staff, &registrar};
    const char *names[] = {"cuizhengbo", "panpeng", "zhangmingqiang"};
    for (size_t i = 0; i < 3; i++)
        CHECKF((*toks[i] = fxt_login(&srv, names[i], pw)) != NULL, "login %s", names[i]);
    post_id("/api/v1/areas", officer,
            "{\"code\":\"" BUILDING "\",\"name\":\"鑫荣公寓8号楼\",\"kind\":\"building\",\"parent\":\"HKG-YH-IT-W12-XR\"}",
            "id", NULL, NULL);
    post_id("/api/v1/areas", officer, "{\"code\":\"" UNIT "\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"" BUILDING "\"}",
            "id", NULL, NULL);
    char room[8];
    for (unsigned i = 0; i < 3; i++) {
        snprintf(room, sizeof room, "%u", 201 + i);
        people[i] = person(1 + i, "HKG-YH-IT-W12-GC-B1-U1", room, NULL);
        snprintf(room, sizeof room, "%u", 101 + i);
        residents[i] = person(11 + i, UNIT, room, &hh[i]);
    }
    cp = post_id("/api/v1/checkpoints", officer, "{\"name\":\"召回测试卡口\",\"area\":\"HKG-YH-IT-W12\"}", "id", NULL,
                 NULL);
    long long qset = post_id("/api/v1/sweep-questions", officer,
                             "{\"name\":\"召回排查\",\"questions\":[{\"key\":\"home\",\"label\":\"在家人数\","
                             "\"type\":\"number\",\"required\":true},{\"key\":\"fever\",\"label\":\"发热\","
                             "\"type\":\"bool\",\"feeds\":\"fever\"}]}",
                             "id", NULL, NULL);
    char body[200], path[64];
    snprintf(body, sizeof body, "{\"name\":\"8号楼排查\",\"area\":\"" BUILDING "\",\"questions\":%lld}", qset);
    long long sweep = post_id("/api/v1/sweeps", officer, body, "id", NULL, NULL);
    snprintf(path, sizeof path, "/api/v1/sweeps/%lld/split", sweep);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, "{\"teams\":[{\"name\":\"一组\",\"leader\":\"panpeng\"}]}");
    CHECKF(r.status == 200, "%s", r.body);
    team = ifield(json_array_get(json_object_get(r.json, "teams"), 0), "id");
    fxt_free(&r);
}

/* The round's recalls as the list shows them, the one with id recall to *out (borrowed from r). */
static json_t *recall_in_list(fxt_resp *r, long long recall)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld/recalls", round_id);
    *r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECKF(r->status == 200, "%s", r->body);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) if (ifield(it, "id") == recall) return it;
    return NULL;
}

static void referral_without_a_round_waits(void)
{
    fxt_resp r = entry("rc-1", 1, "red");
    CHECK_EQ_INT(r.status, 201);
    CHECK_STR(sfield(r.json, "decision"), "refer");
    CHECK(json_is_null(json_object_get(r.json, "recall")));
    pending_entry = ifield(r.json, "pending_recall");
    entry_id = ifield(r.json, "id");
    CHECKF(pending_entry > 0, "a pending recall: %s", r.body);
    fxt_free(&r);
    /* referred again before any round: the same waiting recall, not a second one */
    r = entry("rc-1b", 1, "red");
    CHECK_EQ_INT(ifield(r.json, "pending_recall"), pending_entry);
    fxt_free(&r);
    r = visit("rv-1", hh[0], true);
    json_t *v = result0(&r);
    CHECK_STR(sfield(v, "decision"), "refer");
    CHECK(json_is_null(json_object_get(v, "recall")));
    pending_visit = ifield(v, "pending_recall");
    visit_id = ifield(v, "visit");
    CHECKF(pending_visit > 0 && pending_visit != pending_entry, "a pending recall: %s", r.body);
    fxt_free(&r);
}

static void next_round_takes_the_waiting_recalls(void)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"召回轮次\",\"areas\":[\"HKG-YH-IT-W12\"],\"start\":%lld,\"deadline\":%lld}",
             T0 - 3600, T0 + 6 * 3600);
    round_id = post_id("/api/v1/rounds", officer, body, "id", NULL, NULL);
    fxt_resp r;
    json_t *it = recall_in_list(&r, pending_entry);
    CHECKF(it != NULL, "the entry's recall is on the round's list: %s", r.body);
    if (it) {
        CHECK_STR(sfield(it, "reason"), "arrival");
        CHECK_STR(sfield(json_object_get(it, "cause"), "kind"), "arrival");
        CHECK_EQ_INT(ifield(json_object_get(it, "cause"), "id"), entry_id);
        CHECK_EQ_INT(ifield(json_object_get(it, "person"), "id"), people[0]);
        CHECK(json_is_false(json_object_get(it, "done")));
    }
    fxt_free(&r);
    it = recall_in_list(&r, pending_visit);
    CHECKF(it != NULL, "the visit's recall is on the round's list: %s", r.body);
    if (it) {
        CHECK_STR(sfield(it, "reason"), "sweep_visit");
        CHECK_EQ_INT(ifield(json_object_get(it, "cause"), "id"), visit_id);
        CHECK_EQ_INT(ifield(json_object_get(it, "person"), "id"), residents[0]);
    }
    fxt_free(&r);
    /* the phone sends both again: the stored answers, now naming the round */
    r = entry("rc-1", 1, "red");
    CHECK(json_is_true(json_object_get(r.json, "duplicate")));
    CHECK_EQ_INT(ifield(json_object_get(r.json, "recall"), "id"), pending_entry);
    CHECK_EQ_INT(ifield(json_object_get(r.json, "recall"), "round"), round_id);
    CHECK(json_is_null(json_object_get(r.json, "pending_recall")));
    fxt_free(&r);
    r = visit("rv-1", hh[0], true);
    CHECK_STR(sfield(result0(&r), "status"), "duplicate");
    CHECK_EQ_INT(ifield(json_object_get(result0(&r), "recall"), "round"), round_id);
    fxt_free(&r);
}

static void referral_with_an_open_round(void)
{
    fxt_resp r = entry("rc-2", 2, "red");
    json_t *rec = json_object_get(r.json, "recall");
    CHECK_EQ_INT(ifield(rec, "round"), round_id);
    CHECK(json_is_null(json_object_get(r.json, "pending_recall")));
    long long id = ifield(rec, "id"), eid = ifield(r.json, "id");
    fxt_free(&r);
    json_t *it = recall_in_list(&r, id);
    CHECKF(it && ifield(json_object_get(it, "cause"), "id") == eid, "on the list with its entry: %s", r.body);
    fxt_free(&r);
    /* referred again at another entry: the round's recall stands, still naming the first entry */
    r = entry("rc-2b", 2, "red");
    CHECK_EQ_INT(ifield(json_object_get(r.json, "recall"), "id"), id);
    fxt_free(&r);
    r = visit("rv-2", hh[1], true);
    rec = json_object_get(result0(&r), "recall");
    CHECK_EQ_INT(ifield(rec, "round"), round_id);
    id = ifield(rec, "id");
    long long vid = ifield(result0(&r), "visit");
    fxt_free(&r);
    it = recall_in_list(&r, id);
    CHECKF(it && strcmp(sfield(it, "reason"), "sweep_visit") == 0 && ifield(json_object_get(it, "cause"), "id") == vid,
           "on the list with its visit: %s", r.body);
    fxt_free(&r);
    /* a pass, at the checkpoint or the door, recalls nobody */
    r = entry("rc-3", 3, "green");
    CHECK_STR(sfield(r.json, "decision"), "pass");
    CHECK(json_is_null(json_object_get(r.json, "recall")) && json_is_null(json_object_get(r.json, "pending_recall")));
    fxt_free(&r);
    r = visit("rv-3", hh[2], false);
    CHECK(json_is_null(json_object_get(result0(&r), "recall")));
    fxt_free(&r);
    recall_in_list(&r, 0);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 4);
    fxt_free(&r);
}

/* The recalled person's first sample in the round is a recall retest; another's is not. */
static void sampling_marks_the_recall_retest(void)
{
    site_id = post_id("/api/v1/sites", officer,
                      "{\"name\":\"召回核酸点\",\"area\":\"HKG-YH-IT-W12-XR\",\"lat\":34.52,\"lng\":113.84,\"tables\":2}",
                      "id", NULL, NULL);
    char path[80], body[1200], recalled[19], other[19];
    snprintf(path, sizeof path, "/api/v1/sites/%lld/staff", site_id);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, "{\"username\":\"zhangmingqiang\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    id_number(2, recalled);
    id_number(3, other);
    long long t = T0 - 1800;
    snprintf(body, sizeof body,
             "{\"events\":["
             "{\"id\":\"rs-1\",\"type\":\"tube_open\",\"round\":%lld,\"site\":%lld,\"tube\":\"RC1\",\"pool_size\":5,\"at\":%lld},"
             "{\"id\":\"rs-2\",\"type\":\"sample\",\"tube\":\"RC1\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld},"
             "{\"id\":\"rs-3\",\"type\":\"sample\",\"tube\":\"RC1\",\"person\":{\"id_number\":\"%s\"},\"at\":%lld}]}",
             round_id, site_id, t, recalled, t + 10, other, t + 20);
    r = fxt_req(&srv, "POST", "/api/v1/sampling/batch", registrar, body);
    CHECKF(r.status == 200, "%d %s", r.status, r.body);
    json_t *res = json_object_get(r.json, "results");
    const char *w1 = json_dumps(json_object_get(json_array_get(res, 1), "warnings"), JSON_COMPACT);
    const char *w2 = json_dumps(json_object_get(json_array_get(res, 2), "warnings"), JSON_COMPACT);
    CHECKF(w1 && strstr(w1, "recall_retest") && !strstr(w1, "already_sampled"), "the recalled person: %s", r.body);
    CHECKF(!w2 || !strstr(w2, "recall_retest"), "someone not recalled: %s", r.body);
    free((void *)w1);
    free((void *)w2);
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (fxt_demo_start(&srv, T0, NULL, pw) != 0)
        return 1;
    RUN(setup);
    RUN(referral_without_a_round_waits);
    RUN(next_round_takes_the_waiting_recalls);
    RUN(referral_with_an_open_round);
    RUN(sampling_marks_the_recall_retest);
    fxt_teardown(&srv);
    char **toks[] = {&officer, &staff, &registrar};
    for (size_t i = 0; i < 3; i++)
        free(*toks[i]);
    return th_done("api_field_recall");
}
