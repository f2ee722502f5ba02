/* API tests: what work orders send out through the outbox, to a local receiver.
 * Feedback reaches the city platform's webhook with exactly the contract's body, a
 * signature that verifies and one idempotency key across attempts; a 500 is retried;
 * feedback given before any platform channel existed is not lost, nor is one pending
 * when the server is killed. An overdue order alarms its area's officers once, and
 * again when its deadline changes. */
#include "lib/fxt.h"
#include "lib/receiver.h"
#include "lib/testhelp.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000LL /* 2027-01-15 16:00 in Asia/Shanghai */
#define SECRET "platform-secret"

static fxt_server srv;
static rcv rv;
static char pw[32];
static char *officer, *partner;


static void start(long long now, bool kill9)
{
    static bool running;
    if (running) {
        if (kill9)
            fxt_kill9(&srv);
        else
            CHECKF(fxt_stop(&srv) == 0, "the server did not exit cleanly (sanitizer report above?)");
    }
    static const char *extra[] = {"--notify-interval-ms", "150", "--notify-retry-s", "1", NULL};
    memcpy(srv.extra, extra, sizeof extra);
    snprintf(srv.now, sizeof srv.now, "%lld", now);
    CHECK(fxt_start(&srv) == 0);
    running = true;
    free(officer);
    officer = fxt_login(&srv, "cuizhengbo", pw);
    CHECK(officer != NULL);
}

/* Requests to the receiver under prefix whose body mentions text, answered with status (0: any). */
static int count(const char *prefix, const char *text, int status)
{
    int n = 0;
    pthread_mutex_lock(&rv.mu);
    for (int i = 0; i < rv.n; i++)
        n += !strncmp(rv.req[i].target, prefix, strlen(prefix)) && rv.req[i].body && strstr(rv.req[i].body, text) &&
             (status == 0 || rv.req[i].answered == status);
    pthread_mutex_unlock(&rv.mu);
    return n;
}

static bool wait_for(const char *prefix, const char *text, int status, int n, int timeout_ms)
{
    for (int w = 0; w < timeout_ms; w += 50) {
        if (count(prefix, text, status) >= n)
            return true;
        usleep(50000);
    }
    return false;
}

static long long push(const char *ext, long long deadline)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"external_id\":\"%s\",\"kind\":\"核查\",\"title\":\"核查返郑人员\",\"subject\":{\"address\":"
             "\"港城公寓1号楼1单元\"},\"deadline\":%lld}",
             ext, deadline);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/work-orders", partner, body);
    CHECKF(r.status == 201, "push %s: %d %s", ext, r.status, r.body);
    long long id = ifield(r.json, "id");
    fxt_free(&r);
    return id;
}

static void set_status(long long id, const char *status, const char *feedback)
{
    char path[80], body[300];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld/status", id);
    snprintf(body, sizeof body, "{\"status\":\"%s\",\"feedback\":\"%s\"}", status, feedback);
    fxt_resp r = fxt_req(&srv, "POST", path, officer, body);
    CHECKF(r.status == 200, "%s: %d %s", status, r.status, r.body);
    fxt_free(&r);
}

static void channel(const char *audience, const char *path, const char *secret)
{
    char body[400];
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"kind\":\"webhook\",\"audience\":\"%s\",\"url\":\"http://127.0.0.1:%d%s\","
             "\"secret\":\"%s\",\"area\":\"HKG-YH\"}",
             audience, audience, rv.port, path, secret);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/channels", officer, body);
    CHECKF(r.status == 201, "channel %s: %d %s", audience, r.status, r.body);
    fxt_free(&r);
}

static long long early;

static void platform_channel_rules(void)
{
    /* feedback given before the platform's webhook was configured */
    early = push("OUT-0", T0 + 86400);
    set_status(early, "accepted", "已接收");
    usleep(600 * 1000);
    CHECK_EQ_INT(count("/", "OUT-0", 0), 0);
    fxt_resp r = fxt_req(&srv, "POST", "/api/v1/channels", officer,
                         "{\"name\":\"p\",\"kind\":\"wecom\",\"audience\":\"platform\",\"url\":\"http://x/y\",\"area\":\"HKG-YH\"}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(r.body && strstr(r.body, "kind:"), "%s", r.body);
    fxt_free(&r);
    r = fxt_req(&srv, "POST", "/api/v1/channels", officer,
                "{\"name\":\"p\",\"kind\":\"webhook\",\"audience\":\"platform\",\"url\":\"http://x/y\",\"secret\":\"s\","
                "\"site\":1}");
    CHECK_EQ_INT(r.status, 400);
    CHECKF(r.body && strstr(r.body, "site:"), "%s", r.body);
    fxt_free(&r);
    channel("platform", "/platform", SECRET);
    CHECKF(wait_for("/platform", "OUT-0", 200, 1, 10000), "the early feedback never reached the platform");
}

static void feedback_in_contract_format_retried(void)
{
    long long id = push("OUT-1", T0 + 86400);
    rcv_fail(&rv, "/platform", 1);
    set_status(id, "accepted", "");
    CHECKF(wait_for("/platform", "OUT-1", 200, 1, 15000), "the feedback was not delivered after a 500");
    CHECK_EQ_INT(count("/platform", "OUT-1", 500), 1);
    char key0[200] = "", key[200];
    pthread_mutex_lock(&rv.mu);
    int n = rv.n;
    pthread_mutex_unlock(&rv.mu);
    for (int i = 0; i < n; i++) {
        if (strncmp(rv.req[i].target, "/platform", 9) || !strstr(rv.req[i].body, "OUT-1"))
            continue;
        CHECK(rcv_header(&rv, i, "Idempotency-Key", key, sizeof key));
        if (!key0[0])
            snprintf(key0, sizeof key0, "%s", key);
        CHECK_STR(key, key0);
        CHECKF(rcv_signed(&rv, i, SECRET), "the signature of attempt %d does not verify", i);
        CHECK(!rcv_signed(&rv, i, "another-secret"));
        /* exactly the contract's body: {"external_id","status","feedback","handled_by","at"} */
        json_t *j = json_loads(rv.req[i].body, 0, NULL);
        CHECK_EQ_INT(json_object_size(j), 5);
        CHECK_STR(sfield(j, "external_id"), "OUT-1");
        CHECK_STR(sfield(j, "status"), "accepted");
        CHECK_STR(sfield(j, "feedback"), "");
        CHECK_STR(sfield(j, "handled_by"), "cuizhengbo");
        CHECK(json_is_integer(json_object_get(j, "at")) && ifield(j, "at") >= T0);
        json_decref(j);
    }
    /* the status changes go out in order, each with its feedback */
    set_status(id, "in_progress", "");
    set_status(id, "done", "已上门核查，居家监测");
    CHECKF(wait_for("/platform", "已上门核查，居家监测", 200, 1, 10000), "the done feedback was not delivered");
    usleep(1200 * 1000); /* delivered once: no more attempts */
    CHECK_EQ_INT(count("/platform", "\"OUT-1\"", 0), 4);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    json_t *msgs = json_object_get(r.json, "messages");
    CHECK_EQ_INT(json_array_size(msgs), 3);
    CHECK_STR(sfield(json_array_get(msgs, 0), "status"), "sent");
    CHECK_EQ_INT(ifield(json_array_get(msgs, 0), "attempts"), 2);
    CHECK_STR(sfield(json_array_get(msgs, 0), "kind"), "wo_feedback");
    fxt_free(&r);
    /* the partner reads its order without our delivery log */
    r = fxt_req(&srv, "GET", path, partner, NULL);
    CHECK(r.status == 404 || !json_object_get(r.json, "messages"));
    fxt_free(&r);
}

static void pending_feedback_survives_kill(void)
{
    long long id = push("OUT-2", T0 + 86400);
    rcv_fail(&rv, "/platform", -1);
    set_status(id, "returned", "地址不在本辖区");
    CHECKF(wait_for("/platform", "OUT-2", 500, 1, 10000), "the feedback was not attempted");
    start(T0 + 600, true); /* killed with it pending */
    rcv_fail(&rv, "/platform", 0);
    CHECKF(wait_for("/platform", "地址不在本辖区", 200, 1, 15000), "the pending feedback was lost in the restart");
    usleep(800 * 1000);
    CHECK_EQ_INT(count("/platform", "地址不在本辖区", 200), 1);
}

static void overdue_alarm_once_per_deadline(void)
{
    channel("officer", "/officer", "officer-secret");
    long long now = T0 + 600;
    long long id = push("OUT-9", now + 2);
    push("OUT-8", now + 86400);
    CHECKF(wait_for("/officer", "OUT-9", 200, 1, 15000), "no overdue alarm reached the officers");
    usleep(1000 * 1000);
    CHECK_EQ_INT(count("/officer", "OUT-9", 0), 1);
    CHECK_EQ_INT(count("/officer", "OUT-8", 0), 0);
    pthread_mutex_lock(&rv.mu);
    json_t *j = NULL;
    for (int i = 0; i < rv.n && !j; i++)
        if (!strncmp(rv.req[i].target, "/officer", 8) && strstr(rv.req[i].body, "OUT-9"))
            j = json_loads(rv.req[i].body, 0, NULL);
    pthread_mutex_unlock(&rv.mu);
    CHECK_STR(sfield(j, "kind"), "wo_overdue");
    CHECK(json_is_null(json_object_get(j, "round")));
    CHECKF(sfield(j, "text") && strstr(sfield(j, "text"), "已超期") && strstr(sfield(j, "text"), "HKG-YH-IT-W12"),
           "%s", sfield(j, "text"));
    json_decref(j);
    /* a new deadline, passed too: one more alarm */
    sqlite3 *db;
    CHECK(sqlite3_open(srv.db, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE work_orders SET deadline = deadline + 1 WHERE id = %lld", id);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECKF(wait_for("/officer", "OUT-9", 200, 2, 10000), "the changed deadline raised no new alarm");
    usleep(800 * 1000);
    CHECK_EQ_INT(count("/officer", "OUT-9", 0), 2);
    /* a done order is no longer overdue */
    set_status(id, "accepted", "");
    set_status(id, "in_progress", "");
    set_status(id, "done", "处理完毕");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/work-orders/%lld", id);
    fxt_resp r = fxt_req(&srv, "GET", path, officer, NULL);
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    fxt_free(&r);
}

int main(void)
{
    th_init();
    if (rcv_start(&rv) != 0) {
        fprintf(stderr, "cannot start the receiver\n");
        return 1;
    }
    if (fxt_setup(&srv) != 0 || fxt_demo(&srv, pw) != 0) {
        fprintf(stderr, "cannot set up the server under test (%s)\n", fxt_bin());
        return 1;
    }
    const char *args[] = {"token", "add", "city-platform", "--kind", "partner", "--area", "HKG-YH", NULL};
    char *out = NULL;
    if (fxt_cli(&srv, NULL, &out, args) == 0 && out)
        out[strcspn(out, "\n")] = '\0';
    partner = out;
    start(T0, false);
    if (!partner || !officer) {
        fprintf(stderr, "no partner token or officer login\n");
        return 1;
    }
    RUN(platform_channel_rules);
    RUN(feedback_in_contract_format_retried);
    RUN(pending_feedback_survives_kill);
    RUN(overdue_alarm_once_per_deadline);
    fxt_teardown(&srv);
    rcv_stop(&rv);
    free(officer), free(partner);
    return th_done("api_workorder_out");
}
