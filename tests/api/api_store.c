/* API tests: the audit log, durability across restarts and kill -9, group
 * commit under concurrent writes, paging, draining on SIGTERM. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fxt_server srv;
static char pw[32];
static char *admin;

static fxt_resp create_area(const char *code, const char *parent)
{
    char body[300];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"name\":\"楼栋%s\",\"kind\":\"building\",\"parent\":\"%s\"}", code,
             code, parent);
    return fxt_req(&srv, "POST", "/api/v1/areas", admin, body);
}

static int area_status(const char *code)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/areas/%s", code);
    fxt_resp r = fxt_req(&srv, "GET", path, admin, NULL);
    int st = r.status;
    fxt_free(&r);
    return st;
}

static void write_is_audited(void)
{
    fxt_resp r = create_area("AUD-1", "HKG-YH-IT-W12-XR");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/AUD-1", admin, "{\"name\":\"鑫荣公寓3号楼\"}");
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/AUD-1", admin, "{\"name\":\"鑫荣公寓3号楼\"}"); /* no change */
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=area&id=AUD-1", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    CHECKF(json_array_size(items) == 2, "%zu entries, expected create + one update", json_array_size(items));
    json_t *newest = json_array_get(items, 0);
    CHECK_STR(json_string_value(json_object_get(newest, "action")), "update");
    CHECK_STR(json_string_value(json_object_get(json_object_get(newest, "actor"), "name")), "admin");
    json_t *name = json_object_get(json_object_get(newest, "changes"), "name");
    CHECK_STR(json_string_value(json_object_get(name, "from")), "楼栋AUD-1");
    CHECK_STR(json_string_value(json_object_get(name, "to")), "鑫荣公寓3号楼");
    CHECK(json_integer_value(json_object_get(newest, "at")) > 1700000000);
    CHECK(json_string_length(json_object_get(newest, "request_id")) > 0);
    CHECK_STR(json_string_value(json_object_get(json_array_get(items, 1), "action")), "create");
    fxt_free(&r);
    /* logins are recorded too */
    r = fxt_req(&srv, "GET", "/api/v1/audit?entity=user&id=admin", admin, NULL);
    CHECK(json_array_size(json_object_get(r.json, "items")) >= 1);
    fxt_free(&r);
}

static void paging_walks_everything_once(void)
{
    int total = 0, pages = 0;
    char path[200] = "/api/v1/areas?limit=4";
    char seen[4096] = "";
    int dup = 0;
    for (;;) {
        fxt_resp r = fxt_req(&srv, "GET", path, admin, NULL);
        CHECK_EQ_INT(r.status, 200);
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(r.json, "items"), i, it) {
            char key[80];
            snprintf(key, sizeof key, "|%s|", json_string_value(json_object_get(it, "code")));
            dup += strstr(seen, key) != NULL;
            if (strlen(seen) + strlen(key) < sizeof seen)
                strcat(seen, key);
            total++;
        }
        pages++;
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (!next || pages > 50) {
            fxt_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/api/v1/areas?limit=4&cursor=%s", next);
        fxt_free(&r);
    }
    fxt_resp all = fxt_req(&srv, "GET", "/api/v1/areas?limit=500", admin, NULL);
    CHECK_EQ_INT(total, (int)json_array_size(json_object_get(all.json, "items")));
    CHECK(pages >= 5);
    CHECK_EQ_INT(dup, 0);
    fxt_free(&all);
}

static void move_subtree(void)
{
    fxt_resp r = create_area("MV-B", "HKG-BQ-ZQ-S1");
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin, "{\"code\":\"MV-U\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"MV-B\"}");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/MV-B", admin, "{\"parent\":\"MV-U\"}");
    CHECK_EQ_INT(r.status, 400); /* not under its own unit */
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/MV-B", admin, "{\"parent\":\"NO-SUCH\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECK_STR(fxt_err(&r), "parent_not_found");
    fxt_free(&r);
    /* an officer of 张庄 sees the unit once its building moved into 张庄 */
    char *officer = fxt_login(&srv, "lijunchuan", pw);
    r = fxt_req(&srv, "GET", "/api/v1/areas/MV-U", officer, NULL);
    CHECK_EQ_INT(r.status, 404);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/areas", admin,
                "{\"code\":\"ZZ-CP\",\"name\":\"翟庄小区\",\"kind\":\"compound\",\"parent\":\"HKG-ZZ-ZZC\"}");
    fxt_free(&r);
    r = fxt_req(&srv, "PATCH", "/api/v1/areas/MV-B", admin, "{\"parent\":\"ZZ-CP\"}");
    CHECK_EQ_INT(r.status, 200);
    CHECK_STR(json_string_value(json_object_get(r.json, "parent")), "ZZ-CP");
    fxt_free(&r);
    r = fxt_req(&srv, "GET", "/api/v1/areas/MV-U", officer, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
    r = fxt_req(&srv, "DELETE", "/api/v1/areas/MV-B", admin, NULL);
    CHECK_EQ_INT(r.status, 409);
    CHECK_STR(fxt_err(&r), "has_children");
    fxt_free(&r);
    free(officer);
}

static void data_survives_restart(void)
{
    fxt_resp r = create_area("RS-1", "HKG-YH-IT-W12-GC");
    CHECK_EQ_INT(r.status, 201);
    fxt_free(&r);
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    CHECK(fxt_start(&srv) == 0);
    CHECK_EQ_INT(area_status("RS-1"), 200);
    /* the session survived too: it lives in the database */
    r = fxt_req(&srv, "GET", "/api/v1/session", admin, NULL);
    CHECK_EQ_INT(r.status, 200);
    fxt_free(&r);
}

static void acknowledged_writes_survive_kill9(void)
{
    char code[32];
    int acked = 0;
    for (int i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "K9-%d", i);
        fxt_resp r = create_area(code, "HKG-YH-IT-W12-GC");
        acked += r.status == 201;
        fxt_free(&r);
    }
    CHECK_EQ_INT(acked, 40);
    fxt_kill9(&srv); /* no chance to flush anything */
    CHECK(fxt_start(&srv) == 0);
    int present = 0;
    for (int i = 0; i < 40; i++) {
        snprintf(code, sizeof code, "K9-%d", i);
        present += area_status(code) == 200;
    }
    CHECKF(present == 40, "%d of 40 acknowledged writes survived kill -9", present);
}

struct burst {
    int thread, n, ok, other;
    const char *prefix;
};

static void *burst_main(void *arg)
{
    struct burst *b = arg;
    for (int i = 0; i < b->n; i++) {
        char code[48];
        snprintf(code, sizeof code, "%s-%d-%d", b->prefix, b->thread, i);
        fxt_resp r = create_area(code, "HKG-BQ-ZQ-S2");
        if (r.status == 201)
            b->ok++;
        else
            b->other++;
        fxt_free(&r);
    }
    return NULL;
}

static long long metric(const char *name)
{
    fxt_resp r = fxt_req(&srv, "GET", "/metrics", NULL, NULL);
    long long v = -1;
    char line_start[128];
    snprintf(line_start, sizeof line_start, "\n%s ", name);
    const char *p = r.body ? strstr(r.body, line_start) : NULL;
    if (p && sscanf(p + strlen(line_start), "%lld", &v) != 1)
        v = -1;
    fxt_free(&r);
    return v;
}

static void concurrent_writes_share_commits(void)
{
    enum { THREADS = 32, EACH = 10 };
    long long commits0 = metric("fangxian_db_commits_total"), jobs0 = metric("fangxian_db_write_jobs_total");
    pthread_t t[THREADS];
    struct burst b[THREADS];
    for (int i = 0; i < THREADS; i++) {
        b[i] = (struct burst){.thread = i, .n = EACH, .prefix = "GC"};
        pthread_create(&t[i], NULL, burst_main, &b[i]);
    }
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ok += b[i].ok;
    }
    CHECK_EQ_INT(ok, THREADS * EACH);
    long long commits = metric("fangxian_db_commits_total") - commits0;
    long long jobs = metric("fangxian_db_write_jobs_total") - jobs0;
    CHECKF(jobs >= THREADS * EACH && commits < jobs, "%lld writes took %lld commits", jobs, commits);
    printf("    %lld writes in %lld commits (%.1f per fsync)\n", jobs, commits, commits ? (double)jobs / commits : 0);
}

static void sigterm_finishes_inflight_writes(void)
{
    enum { THREADS = 16, EACH = 30 };
    pthread_t t[THREADS];
    struct burst b[THREADS];
    for (int i = 0; i < THREADS; i++) {
        b[i] = (struct burst){.thread = i, .n = EACH, .prefix = "ST"};
        pthread_create(&t[i], NULL, burst_main, &b[i]);
    }
    usleep(150000);
    CHECK_EQ_INT(fxt_stop(&srv), 0); /* SIGTERM in the middle of the burst: a clean exit */
    int ok = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ok += b[i].ok;
    }
    CHECK(fxt_start(&srv) == 0);
    /* every write that was answered 201 is there */
    int missing = 0;
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < b[i].ok; j++) {
            char code[48];
            snprintf(code, sizeof code, "ST-%d-%d", i, j);
            missing += area_status(code) != 200;
        }
    CHECKF(ok > 0 && missing == 0, "%d acknowledged, %d missing after SIGTERM", ok, missing);
}

static void init_is_idempotent(void)
{
    const char *args[] = {"init", NULL};
    char *out = NULL;
    CHECK_EQ_INT(fxt_cli(&srv, NULL, &out, args), 0);
    CHECK(out && strstr(out, "is ready (schema version"));
    free(out);
    CHECK_EQ_INT(area_status("RS-1"), 200);
}

int main(void)
{
    th_init();
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0 || fxt_start(&srv) != 0 ||
        !(admin = fxt_login(&srv, "admin", pw))) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    RUN(write_is_audited);
    RUN(paging_walks_everything_once);
    RUN(move_subtree);
    RUN(data_survives_restart);
    RUN(acknowledged_writes_survive_kill9);
    RUN(concurrent_writes_share_commits);
    RUN(sigterm_finishes_inflight_writes);
    RUN(init_is_idempotent);
    fxt_teardown(&srv);
    free(admin);
    return th_done("api_store");
}
