/* API tests: teams and members (users and a registry party member), mentor pairs and their
 * visit log, posts and a week's shifts in one request, the roster check spelling out its gap,
 * overlap and long shift, roles and scope (volunteers see only their own shifts, another
 * sub-district sees nothing), bad input naming the field, the XLSX export holding the rows,
 * and a shift reminder that reaches a team's webhook once, also across a restart. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define D0 1796400000LL /* 2026-12-05 00:00 Asia/Shanghai */
#define H(h) (D0 + (long long)((h) * 3600))

static fxt_server srv;
static rcv rv;
static char pw[32];
static char *officer, *other_officer, *staff, *volunteer;
static long long team_id, checkpoint_post, gate_post, m_liutao, m_panpeng, m_cui, m_party;

static void login_all(void)
{
    free(officer), free(other_officer), free(staff), free(volunteer);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    other_officer = fxt_login(&srv, "lijunchuan", pw);
    staff = fxt_login(&srv, "panpeng", pw);
    volunteer = fxt_login(&srv, "liutao", pw);
}

/* status of a request; *out (when not NULL) keeps the answer */
static int call(const char *method, const char *path, const char *token, const char *body, fxt_resp *out)
{
    fxt_resp r = fxt_req(&srv, method, path, token, body);
    int st = r.status;
    if (out)
        *out = r;
    else
        fxt_free(&r);
    return st;
}

static long long id_of(const fxt_resp *r) { return json_integer_value(json_object_get(r->json, "id")); }

/* A 400 whose message names field. */
static void bad(const char *method, const char *path, const char *body, const char *field)
{
    fxt_resp r;
    int st = call(method, path, officer, body, &r);
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    CHECKF(st == 400 && msg && strstr(msg, field), "%s %s %s: %d %s (expected 400 naming %s)", method, path, body, st,
           r.body ? r.body : "", field);
    fxt_free(&r);
}

static long long add_member(const char *body, int expect)
{
    char path[64];
    fxt_resp r;
    snprintf(path, sizeof path, "/api/v1/teams/%lld/members", team_id);
    int st = call("POST", path, officer, body, &r);
    CHECKF(st == expect, "%s: %d %s", body, st, r.body ? r.body : "");
    long long id = id_of(&r);
    fxt_free(&r);
    return id;
}

static void teams_and_members(void)
{
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/teams", officer,
                      "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"第十二工作站值班队\",\"kind\":\"duty\"}", &r), 201);
    team_id = id_of(&r);
    CHECK_STR(json_string_value(json_object_get(r.json, "kind")), "duty");
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", "/api/v1/teams", officer,
                      "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"第十二工作站值班队\",\"kind\":\"duty\"}", NULL), 409);
    bad("POST", "/api/v1/teams", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"x\",\"kind\":\"party\"}", "kind");
    bad("POST", "/api/v1/teams", "{\"area\":\"HKG-YH-IT-W12\",\"kind\":\"duty\"}", "name");
    bad("POST", "/api/v1/teams", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"x\",\"kind\":\"duty\",\"nmae\":1}", "nmae");
    CHECK_EQ_INT(call("POST", "/api/v1/teams", officer, "{\"area\":\"HKG-ZZ\",\"name\":\"x\",\"kind\":\"duty\"}", NULL),
                 403);
    m_liutao = add_member("{\"username\":\"liutao\",\"role\":\"volunteer\"}", 201);
    m_panpeng = add_member("{\"username\":\"panpeng\",\"role\":\"staff\"}", 201);
    m_cui = add_member("{\"username\":\"cuizhengbo\",\"role\":\"staff\"}", 201); /* the officer above helps out */
    add_member("{\"username\":\"liutao\",\"role\":\"volunteer\"}", 409);
    add_member("{\"username\":\"lijunchuan\",\"role\":\"staff\"}", 400); /* another sub-district's officer */
    bad("POST", "/api/v1/teams/1/members", "{\"role\":\"staff\"}", "username");
    /* a registry person: a party member, and one who is not */
    CHECK_EQ_INT(call("POST", "/api/v1/persons", officer,
                      "{\"name\":\"王党员\",\"id_number\":\"11010519491231002X\",\"area\":\"HKG-YH-IT-W12-XR-B1-U1\","
                      "\"room\":\"101\",\"party_member\":true}", &r), 201);
    long long party = id_of(&r);
    fxt_free(&r);
    CHECK_EQ_INT(call("POST", "/api/v1/persons", officer,
                      "{\"name\":\"赵群众\",\"id_number\":\"110105194912310046\",\"area\":\"HKG-YH-IT-W12-XR-B1-U1\","
                      "\"room\":\"102\"}", &r), 201);
    long long plain = id_of(&r);
    fxt_free(&r);
    char body[128];
    snprintf(body, sizeof body, "{\"person\":%lld,\"role\":\"party_member\"}", plain);
    add_member(body, 422);
    snprintf(body, sizeof body, "{\"person\":%lld,\"role\":\"party_member\"}", party);
    m_party = add_member(body, 201);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/teams/%lld", team_id);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 4);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "members")), 4);
    fxt_free(&r);
    /* scope: another sub-district's officer sees neither the list entry nor the team */
    CHECK_EQ_INT(call("GET", path, other_officer, NULL, NULL), 404);
    CHECK_EQ_INT(call("GET", "/api/v1/teams", other_officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 0);
    fxt_free(&r);
    /* roles: staff read, volunteers neither read nor write */
    CHECK_EQ_INT(call("GET", "/api/v1/teams", staff, NULL, NULL), 200);
    CHECK_EQ_INT(call("POST", "/api/v1/teams", staff, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"y\",\"kind\":\"duty\"}", NULL),
                 403);
    CHECK_EQ_INT(call("GET", "/api/v1/teams", volunteer, NULL, NULL), 403);
}

static void mentor_pairs(void)
{
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/mentor-pairs", officer,
                      "{\"area\":\"HKG-YH\",\"mentor_username\":\"cuizhengbo\",\"mentee_username\":\"panpeng\","
                      "\"note\":\"每天到卡口\"}", &r), 201);
    long long pair = id_of(&r);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r.json, "mentor"), "name")), "崔郑波");
    fxt_free(&r);
    bad("POST", "/api/v1/mentor-pairs", "{\"area\":\"HKG-YH\",\"mentor_username\":\"cuizhengbo\"}", "mentee_");
    bad("POST", "/api/v1/mentor-pairs",
        "{\"area\":\"HKG-YH\",\"mentor_username\":\"cuizhengbo\",\"mentee_username\":\"cuizhengbo\"}", "mentee");
    char path[64], body[200];
    snprintf(path, sizeof path, "/api/v1/mentor-pairs/%lld/logs", pair);
    snprintf(body, sizeof body, "{\"kind\":\"visit\",\"place\":\"翟庄村卡口\",\"at\":%lld,\"note\":\"查看登记\"}", H(6));
    CHECK_EQ_INT(call("POST", path, officer, body, NULL), 201);
    CHECK_EQ_INT(call("POST", path, officer, "{\"kind\":\"guidance\",\"note\":\"返乡人员要问家庭困难\"}", NULL), 201);
    bad("POST", path, "{\"kind\":\"visit\",\"note\":\"no place\"}", "place");
    bad("POST", path, "{\"kind\":\"lunch\",\"note\":\"x\"}", "kind");
    snprintf(path, sizeof path, "/api/v1/mentor-pairs/%lld", pair);
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "visits")), 1);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "last_visit")), H(6));
    json_t *log = json_object_get(r.json, "log");
    CHECK_EQ_INT(json_array_size(log), 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(log, 1), "place")), "翟庄村卡口");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", path, other_officer, NULL, NULL), 404);
}

static void posts_and_shifts(void)
{
    fxt_resp r;
    char body[600];
    snprintf(body, sizeof body, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"翟庄村卡口\",\"kind\":\"checkpoint\",\"team\":%lld}",
             team_id);
    CHECK_EQ_INT(call("POST", "/api/v1/posts", officer, body, &r), 201);
    checkpoint_post = id_of(&r);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "cover_to")), 1440);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"鑫荣公寓东门\",\"kind\":\"gate\",\"team\":%lld,"
             "\"cover_from\":1140,\"cover_to\":1260}", team_id);
    CHECK_EQ_INT(call("POST", "/api/v1/posts", officer, body, &r), 201);
    gate_post = id_of(&r);
    fxt_free(&r);
    /* a post linked to the checkpoint it staffs, and one of the wrong kind for it */
    CHECK_EQ_INT(call("POST", "/api/v1/checkpoints", officer, "{\"name\":\"翟庄村入口\",\"area\":\"HKG-YH-IT-W12\"}", &r), 201);
    long long ck = id_of(&r);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"入口岗\",\"kind\":\"checkpoint\",\"ref\":%lld,"
             "\"cover_from\":1320,\"cover_to\":360,\"persons\":2}", ck);
    CHECK_EQ_INT(call("POST", "/api/v1/posts", officer, body, &r), 201);
    CHECK_STR(json_string_value(json_object_get(r.json, "ref_name")), "翟庄村入口");
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "persons")), 2);
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"site_table\",\"ref\":%lld}", ck);
    bad("POST", "/api/v1/posts", body, "ref");
    bad("POST", "/api/v1/posts", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"gate\",\"building\":\"HKG-YH-IT-W12-XR-B1\"}",
        "building");
    bad("POST", "/api/v1/posts", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"checkpoint\",\"cover_from\":1500}",
        "cover_from");
    bad("POST", "/api/v1/posts", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"tent\"}", "kind");
    bad("POST", "/api/v1/posts", "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"checkpoint\",\"ref\":12345}", "ref");
    CHECK_EQ_INT(call("POST", "/api/v1/posts", staff, "{\"area\":\"HKG-YH-IT-W12\",\"name\":\"z\",\"kind\":\"gate\"}", NULL),
                 403);
    /* the roster: liutao 08-20 and panpeng 20-03 at the checkpoint (then nobody until 08:00),
     * liutao also on the gate 19-21 (an hour on two posts), cuizhengbo on the gate 21-10 (13 h) */
    snprintf(body, sizeof body,
             "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld},"
             "{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld},"
             "{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld,\"note\":\"顶班\"},"
             "{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld}]}",
             checkpoint_post, m_liutao, H(8), H(20), checkpoint_post, m_panpeng, H(20), H(27), gate_post, m_liutao,
             H(19), H(21), gate_post, m_cui, H(21), H(34));
    CHECK_EQ_INT(call("POST", "/api/v1/shifts", officer, body, &r), 201);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "added")), 4);
    fxt_free(&r);
    /* bad rows: named, and nothing of the batch stored */
    snprintf(body, sizeof body,
             "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld},"
             "{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld}]}",
             checkpoint_post, m_party, H(40), H(44), checkpoint_post, m_party, H(50), H(49));
    bad("POST", "/api/v1/shifts", body, "shifts[1].end");
    snprintf(body, sizeof body, "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld}]}", checkpoint_post, m_party,
             H(40));
    bad("POST", "/api/v1/shifts", body, "shifts[0].end");
    snprintf(body, sizeof body, "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld}]}",
             checkpoint_post, m_party, H(40), H(40) + 49 * 3600);
    bad("POST", "/api/v1/shifts", body, "48 hours");
    bad("POST", "/api/v1/shifts", "{\"shifts\":[]}", "shifts");
    /* another sub-district's officer cannot put shifts on this post */
    snprintf(body, sizeof body, "{\"shifts\":[{\"post\":%lld,\"member\":%lld,\"start\":%lld,\"end\":%lld}]}",
             checkpoint_post, m_party, H(40), H(44));
    CHECK_EQ_INT(call("POST", "/api/v1/shifts", other_officer, body, &r), 400);
    CHECK_STR(fxt_err(&r), "post_not_found");
    fxt_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/shifts?team=%lld&from=%lld&to=%lld", team_id, H(0), H(48));
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 4);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", path, volunteer, NULL, NULL), 403);
    snprintf(path, sizeof path, "/api/v1/shifts?from=%lld&to=%lld", H(48), H(0));
    bad("GET", path, NULL, "to");
}

static void checks_show_the_gap(void)
{
    fxt_resp r;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/roster/check?team=%lld&from=%lld&to=%lld", team_id, H(8), H(32));
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    json_t *gaps = json_object_get(r.json, "gaps"), *ov = json_object_get(r.json, "overlaps"),
           *lg = json_object_get(r.json, "long");
    CHECK_EQ_INT(json_array_size(gaps), 1);
    json_t *g = json_array_get(gaps, 0);
    CHECK_EQ_INT(json_integer_value(json_object_get(g, "post")), checkpoint_post);
    CHECK_EQ_INT(json_integer_value(json_object_get(g, "from")), H(27));
    CHECK_EQ_INT(json_integer_value(json_object_get(g, "to")), H(32));
    CHECK_STR(json_string_value(json_object_get(g, "text")), "12-06 03:00–08:00");
    CHECK_EQ_INT(json_array_size(ov), 1);
    json_t *o = json_array_get(ov, 0);
    CHECK_STR(json_string_value(json_object_get(o, "name")), "刘涛");
    CHECK_EQ_INT(json_integer_value(json_object_get(o, "minutes")), 60);
    CHECK_STR(json_string_value(json_object_get(o, "text")), "12-05 19:00–20:00");
    CHECK_STR(json_string_value(json_object_get(json_object_get(o, "a"), "post_name")), "翟庄村卡口");
    CHECK_STR(json_string_value(json_object_get(json_object_get(o, "b"), "post_name")), "鑫荣公寓东门");
    CHECK_EQ_INT(json_array_size(lg), 1);
    json_t *l = json_array_get(lg, 0);
    CHECK(json_real_value(json_object_get(l, "hours")) == 13.0);
    CHECK(json_real_value(json_object_get(l, "limit_hours")) == 12.0);
    fxt_free(&r);
    /* an area limit of 14 h clears the long shift */
    CHECK_EQ_INT(call("PUT", "/api/v1/roster/settings", officer, "{\"area\":\"HKG-YH\",\"shift_limit_min\":840}", NULL),
                 200);
    bad("PUT", "/api/v1/roster/settings", "{\"area\":\"HKG-YH\",\"shift_limit_min\":10}", "shift_limit_min");
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "long")), 0);
    fxt_free(&r);
    CHECK_EQ_INT(call("PUT", "/api/v1/roster/settings", officer, "{\"area\":\"HKG-YH\",\"shift_limit_min\":720}", NULL),
                 200);
    /* the dashboard's next 24 h from 07:00: the checkpoint 07:00-08:00 and 03:00-07:00 next day, the
     * night post (nobody on it) 22:00-06:00; the gate is covered */
    CHECK_EQ_INT(call("GET", "/api/v1/roster/gaps", officer, NULL, &r), 200);
    gaps = json_object_get(r.json, "gaps");
    CHECK_EQ_INT(json_array_size(gaps), 3);
    const char *texts[3] = {0};
    int nck = 0;
    for (size_t i = 0; i < json_array_size(gaps); i++) {
        json_t *x = json_array_get(gaps, i);
        if (json_integer_value(json_object_get(x, "post")) == checkpoint_post && nck < 2)
            texts[nck++] = json_string_value(json_object_get(x, "text"));
        else if (json_integer_value(json_object_get(x, "post")) != gate_post)
            texts[2] = json_string_value(json_object_get(x, "text"));
    }
    CHECK_EQ_INT(nck, 2);
    CHECK_STR(texts[0], "12-05 07:00–08:00");
    CHECK_STR(texts[1], "12-06 03:00–07:00");
    CHECK_STR(texts[2], "12-05 22:00–12-06 06:00");
    CHECK(json_object_get(r.json, "overlaps") == NULL);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/roster/check", volunteer, NULL, NULL), 403);
    CHECK_EQ_INT(call("GET", "/api/v1/roster/check?area=HKG-ZZ", officer, NULL, NULL), 404);
}

static void volunteer_sees_own_shifts(void)
{
    fxt_resp r;
    CHECK_EQ_INT(call("GET", "/api/v1/my/shifts", volunteer, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    CHECK_EQ_INT(json_array_size(items), 2);
    for (size_t i = 0; i < json_array_size(items); i++)
        CHECK_STR(json_string_value(json_object_get(json_array_get(items, i), "name")), "刘涛");
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/my/shifts", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(json_object_get(r.json, "items")), 1);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/posts", volunteer, NULL, NULL), 403);
    CHECK_EQ_INT(call("POST", "/api/v1/shifts", volunteer, "{\"shifts\":[]}", NULL), 403);
}

static void export_has_the_rows(void)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/roster/export?team=%lld&from=%lld&to=%lld&format=xlsx", team_id, H(0), H(48));
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    CHECK(r.body_len > 4 && memcmp(r.body, "PK", 2) == 0);
    char file[320], cmd[700];
    snprintf(file, sizeof file, "%s/roster.xlsx", srv.dir);
    FILE *f = fopen(file, "wb");
    CHECK(f && fwrite(r.body, 1, r.body_len, f) == r.body_len);
    if (f)
        fclose(f);
    fxt_free(&r);
    snprintf(cmd, sizeof cmd, "unzip -p %s xl/worksheets/sheet1.xml xl/sharedStrings.xml 2>/dev/null", file);
    FILE *p = popen(cmd, "r");
    char *xml = calloc(1, 1 << 20);
    size_t n = p && xml ? fread(xml, 1, (1 << 20) - 1, p) : 0;
    if (p)
        pclose(p);
    CHECKF(n > 0, "the XLSX did not unzip");
    int rows = 0;
    for (const char *q = xml; (q = strstr(q, "<row ")); q++)
        rows++;
    CHECK_EQ_INT(rows, 5); /* the header and four shifts */
    CHECK(strstr(xml, "翟庄村卡口") && strstr(xml, "鑫荣公寓东门") && strstr(xml, "刘涛") && strstr(xml, "顶班"));
    CHECK(strstr(xml, "2026-12-05 08:00") != NULL);
    free(xml);
    CHECK_EQ_INT(call("GET", "/api/v1/roster/export?format=pdf", officer, NULL, NULL), 400);
}

static void reminder_once(void)
{
    fxt_resp r;
    char body[400];
    snprintf(body, sizeof body, "{\"name\":\"值班队群\",\"kind\":\"webhook\",\"audience\":\"team\",\"team\":%lld,"
             "\"url\":\"http://127.0.0.1:%d/team\",\"secret\":\"s3cret\"}", team_id, rv.port);
    CHECK_EQ_INT(call("POST", "/api/v1/channels", officer, body, &r), 201);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "team")), team_id);
    fxt_free(&r);
    bad("POST", "/api/v1/channels", "{\"name\":\"x\",\"kind\":\"wecom\",\"audience\":\"team\",\"url\":\"http://x/\"}",
        "team");
    snprintf(body, sizeof body, "{\"name\":\"x\",\"kind\":\"wecom\",\"audience\":\"site\",\"team\":%lld,"
             "\"url\":\"http://x/\",\"area\":\"HKG-YH\"}", team_id);
    bad("POST", "/api/v1/channels", body, "team");
    /* now 07:00: liutao's 08:00 shift is due (60 min ahead); the 19:00-21:00 ones are not */
    CHECKF(rcv_wait(&rv, "/team", 1, 10000), "no reminder reached the team channel");
    usleep(1000 * 1000);
    int seen = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        if (strncmp(rv.req[i].target, "/team", 5) == 0) {
            seen++;
            CHECK(strstr(rv.req[i].body, "\"kind\":\"shift_reminder\"") != NULL);
            CHECK(strstr(rv.req[i].body, "刘涛") && strstr(rv.req[i].body, "12-05 08:00–20:00"));
            CHECK(strstr(rv.req[i].body, "\"round\":null") != NULL);
        }
    pthread_mutex_unlock(&rv.mu);
    CHECK_EQ_INT(seen, 1);
    /* a restart a minute later sends nothing again (and the server's own limit is 13 h) */
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    srv.extra[2] = "--shift-limit-h", srv.extra[3] = "13", srv.extra[4] = NULL;
    snprintf(srv.now, sizeof srv.now, "%lld", H(7) + 60);
    CHECK(fxt_start(&srv) == 0);
    login_all();
    usleep(1500 * 1000);
    seen = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        seen += strncmp(rv.req[i].target, "/team", 5) == 0;
    pthread_mutex_unlock(&rv.mu);
    CHECK_EQ_INT(seen, 1);
    /* where no area sets a limit, the server's applies; HKG-YH keeps its own 12 h */
    char *admin = fxt_login(&srv, "admin", pw);
    CHECK_EQ_INT(call("GET", "/api/v1/roster/settings?area=HKG", admin, NULL, &r), 200);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "shift_limit_min")), 780);
    CHECK(json_is_null(json_object_get(r.json, "set_at")));
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/roster/settings?area=HKG-YH-IT-W12", officer, NULL, &r), 200);
    CHECK_EQ_INT(json_integer_value(json_object_get(r.json, "shift_limit_min")), 720);
    CHECK_STR(json_string_value(json_object_get(r.json, "set_at")), "HKG-YH");
    fxt_free(&r);
    free(admin);
}

int main(void)
{
    th_init();
    if (rcv_start(&rv) != 0) {
        fprintf(stderr, "cannot start the receiver\n");
        return 1;
    }
    static const char *const opts[] = {"--notify-interval-ms", "100", NULL};
    if (fxt_demo_start(&srv, H(7), opts, pw) != 0)
        return 1;
    login_all();
    RUN(teams_and_members);
    RUN(mentor_pairs);
    RUN(posts_and_shifts);
    RUN(checks_show_the_gap);
    RUN(volunteer_sees_own_shifts);
    RUN(export_has_the_rows);
    RUN(reminder_once);
    fxt_teardown(&srv);
    rcv_stop(&rv);
    free(officer), free(other_officer), free(staff), free(volunteer);
    return th_done("api_roster");
}
