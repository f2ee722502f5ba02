/* API tests: door sensors (devices and their tokens, events over HTTP and MQTT deduplicated,
 * a device speaking only for itself, alarms raised and acknowledged, approved windows, late
 * events, silence on the clock) and resident services (garbage rounds, requests with their
 * flow and overdue alerts, counselling notes for officers and counsellors only).
 * MQTT runs against Debian's mosquitto started here on a loopback port. */
#include "lib/fxt.h"
#include "lib/testhelp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 1800000000LL
#define MOSQUITTO "/usr/sbin/mosquitto"
#define MOSQUITTO_PUB "/usr/bin/mosquitto_pub"

static fxt_server srv;
static char pw[32];
static char *admin, *officer, *officer_zz, *staff, *volunteer, *counsellor;
static long long p1, p2, hh1, hh2, dev1, request1;
static char tok1[80], tok2[80];
static bool have_mqtt;
static int mqtt_port;
static pid_t mosq_pid;
static char mqtt_dir[400];


static int call(const char *method, const char *path, const char *token, const char *body, fxt_resp *out)
{
    *out = fxt_req(&srv, method, path, token, body);
    return out->status;
}

static int status_of(const char *method, const char *path, const char *token, const char *body, char code[48])
{
    return fxt_status(&srv, method, path, token, body, code);
}

static void login_all(void)
{
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &volunteer, &counsellor};
    const char *names[] = {"admin", "cuizhengbo", "lijunchuan", "panpeng", "liutao", "xinli"};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
        free(*toks[i]);
        *toks[i] = fxt_login(&srv, names[i], pw);
        CHECKF(*toks[i] != NULL, "login %s", names[i]);
    }
}

#define BORN "41018419900303" /* the ID numbers of this test's people: region and birth date */

static long long person(unsigned seq, const char *name, const char *room, long long *household)
{
    char id[19], body[300];
    fxt_id_number(id, BORN, seq);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"area\":\"SN-B1-U1\",\"room\":\"%s\"}", name, id,
             room);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/persons", staff, body, &r), 201);
    long long v = ifield(r.json, "id");
    *household = ifield(r.json, "household");
    fxt_free(&r);
    return v;
}

/* Posts one event with a device token; answers the event's status ("ok", "duplicate", …) and its alarm. */
static const char *post_event(const char *token, const char *id, const char *device, const char *type, long long at,
                              long long *alarm_out)
{
    static char status[32];
    char body[300];
    if (id)
        snprintf(body, sizeof body, "{\"events\":[{\"id\":\"%s\",\"device\":\"%s\",\"type\":\"%s\",\"at\":%lld}]}", id,
                 device, type, at);
    else
        snprintf(body, sizeof body, "{\"events\":[{\"device\":\"%s\",\"type\":\"%s\",\"at\":%lld}]}", device, type, at);
    fxt_resp r;
    int st = call("POST", "/api/v1/devices/events", token, body, &r);
    json_t *res = json_array_get(json_object_get(r.json, "results"), 0);
    snprintf(status, sizeof status, "%s", st == 200 && res ? sfield(res, "status") : fxt_err(&r));
    if (alarm_out)
        *alarm_out = res ? ifield(res, "alarm") : 0;
    fxt_free(&r);
    return status;
}

/* ---- the broker ---- */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void start_broker(void)
{
    snprintf(mqtt_dir, sizeof mqtt_dir, "%s/mqtt", srv.dir);
    const char *args[] = {"devices", "mosquitto-config", "--dir", mqtt_dir, NULL};
    CHECK_EQ_INT(fxt_cli(&srv, NULL, NULL, args), 0);
    char conf[500];
    snprintf(conf, sizeof conf, "%s/mosquitto.conf", mqtt_dir);
    mqtt_port = free_port();
    FILE *f = fopen(conf, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "%slistener %d 127.0.0.1\nallow_anonymous false\npassword_file %s/passwd\nacl_file %s/acl\n"
               "persistence false\nlog_dest stderr\n",
            getuid() == 0 ? "user root\n" : "", mqtt_port, mqtt_dir, mqtt_dir);
    fclose(f);
    mosq_pid = fork();
    if (mosq_pid == 0) {
        char log[500];
        snprintf(log, sizeof log, "%s/mosquitto.log", mqtt_dir);
        if (!freopen(log, "w", stderr))
            _exit(127);
        execl(MOSQUITTO, "mosquitto", "-c", conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !port_open(mqtt_port); i++)
        usleep(50000);
    CHECKF(port_open(mqtt_port), "mosquitto listens on %d", mqtt_port);
}

/* mosquitto_pub as a device; its exit status. */
static int mqtt_pub(const char *user, const char *password, const char *topic, const char *payload)
{
    char port[8];
    snprintf(port, sizeof port, "%d", mqtt_port);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(127);
        execl(MOSQUITTO_PUB, "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-u", user, "-P", password, "-q", "1",
              "-t", topic, "-m", payload, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* How many stored events of device code have this key (read straight from the database). */
static int stored(const char *code, const char *key)
{
    sqlite3 *db;
    int n = -1;
    if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *s;
        sqlite3_busy_timeout(db, 2000);
        if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM device_events e JOIN devices d ON d.id = e.device_id"
                                   " WHERE d.code = ?1 AND e.event_key = ?2", -1, &s, NULL) == SQLITE_OK) {
            sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW)
                n = sqlite3_column_int(s, 0);
            sqlite3_finalize(s);
        }
    }
    sqlite3_close(db);
    return n;
}

static int wait_stored(const char *code, const char *key, int want)
{
    int n = 0;
    for (int i = 0; i < 100 && (n = stored(code, key)) != want; i++)
        usleep(50000);
    return n;
}

/* ---- tests ---- */

static void setup(void)
{
    static const char *const areas[] = {
        "{\"code\":\"SN-B1\",\"name\":\"港城公寓9号楼\",\"kind\":\"building\",\"parent\":\"HKG-YH-IT-W12-GC\"}",
        "{\"code\":\"SN-B1-U1\",\"name\":\"1单元\",\"kind\":\"unit\",\"parent\":\"SN-B1\"}",
    };
    for (size_t i = 0; i < 2; i++)
        CHECK_EQ_INT(status_of("POST", "/api/v1/areas", staff, areas[i], NULL), 201);
    p1 = person(1, "门一", "101", &hh1);
    p2 = person(2, "门二", "102", &hh2);
    char body[200];
    snprintf(body, sizeof body, "{\"person\":%lld,\"type\":\"home_isolation\",\"reason\":\"close_contact\",\"start\":%lld}",
             p1, T0 - 86400);
    CHECK_EQ_INT(status_of("POST", "/api/v1/isolations", officer, body, NULL), 201);
}

static void registering_devices(void)
{
    char body[200], code[48];
    snprintf(body, sizeof body, "{\"device\":\"MC-0001\",\"household\":%lld}", hh1);
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices", volunteer, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices", officer_zz, body, code), 404);
    CHECK_STR(code, "household_not_found");
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices", staff, "{\"device\":\"MC 1\",\"household\":1}", code), 400);
    CHECK_STR(code, "invalid_device");
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices", staff, "{\"device\":\"MC-0001\"}", code), 400);
    CHECK_STR(code, "missing_field");
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/devices", staff, body, &r), 201);
    dev1 = ifield(r.json, "id");
    snprintf(tok1, sizeof tok1, "%s", sfield(r.json, "token") ? sfield(r.json, "token") : "");
    CHECK(strncmp(tok1, "fxd_", 4) == 0);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices", staff, body, code), 409);
    CHECK_STR(code, "device_exists");
    snprintf(body, sizeof body, "{\"device\":\"MC-0002\",\"household\":%lld}", hh2);
    CHECK_EQ_INT(call("POST", "/api/v1/devices", staff, body, &r), 201);
    snprintf(tok2, sizeof tok2, "%s", sfield(r.json, "token") ? sfield(r.json, "token") : "");
    fxt_free(&r);
    /* the list never shows a token again; another sub-district sees none of them */
    CHECK_EQ_INT(call("GET", "/api/v1/devices", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 2);
    CHECK(json_object_get(json_array_get(items(&r), 0), "token") == NULL);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/devices", officer_zz, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
}

static void a_device_speaks_only_for_itself(void)
{
    char code[48];
    CHECK_STR(post_event(tok1, "x-1", "MC-0002", "open", T0 - 100, NULL), "other_device");
    /* people post no sensor events; an unknown field or type is refused by name */
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices/events", staff,
                           "{\"events\":[{\"device\":\"MC-0001\",\"type\":\"open\",\"at\":1}]}", code),
                 403);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/devices/events", tok1,
                      "{\"events\":[{\"device\":\"MC-0001\",\"type\":\"knock\",\"at\":1799990000},"
                      "{\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":1799990000,\"rssi\":3}]}",
                      &r),
                 200);
    json_t *res = json_object_get(r.json, "results");
    CHECK_STR(sfield(json_object_get(json_array_get(res, 0), "error"), "code"), "invalid_type");
    CHECK_STR(sfield(json_object_get(json_array_get(res, 1), "error"), "code"), "unknown_field");
    fxt_free(&r);
    CHECK_STR(post_event(tok1, NULL, "MC-0001", "heartbeat", T0 + 3600, NULL), "rejected"); /* far in the future */
}

static void alarm_raised_and_acknowledged(void)
{
    long long alarm = 0, none = 0;
    CHECK_STR(post_event(tok1, "e-1", "MC-0001", "open", T0 - 3000, &alarm), "ok");
    CHECK(alarm > 0);
    /* the same event again, by id or by (device, type, at), is stored once and raises nothing */
    CHECK_STR(post_event(tok1, "e-1", "MC-0001", "open", T0 - 3000, &none), "duplicate");
    CHECK_STR(post_event(tok1, NULL, "MC-0001", "close", T0 - 2990, NULL), "ok");
    CHECK_STR(post_event(tok1, NULL, "MC-0001", "close", T0 - 2990, NULL), "duplicate");
    /* no isolation case in household 2: its door may open */
    CHECK_STR(post_event(tok2, "f-1", "MC-0002", "open", T0 - 2900, &none), "ok");
    CHECK_EQ_INT(none, 0);
    fxt_resp r;
    CHECK_EQ_INT(call("GET", "/api/v1/alarms?open=1", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    json_t *a = json_array_get(items(&r), 0);
    CHECK_EQ_INT(ifield(a, "id"), alarm);
    CHECK_STR(sfield(a, "kind"), "door_open");
    CHECK_STR(sfield(a, "device"), "MC-0001");
    CHECK_EQ_INT(ifield(a, "at"), T0 - 3000);
    fxt_free(&r);
    /* the workstation sees it among its alerts */
    CHECK_EQ_INT(call("GET", "/api/v1/alerts?open=1&kind=sensor_alarm", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/alarms?open=1", officer_zz, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/alarms/%lld/ack", alarm);
    CHECK_EQ_INT(status_of("POST", path, volunteer, "{\"outcome\":\"visited\"}", code), 403);
    CHECK_EQ_INT(status_of("POST", path, officer_zz, "{\"outcome\":\"visited\"}", code), 404);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"outcome\":\"shrug\"}", code), 400);
    CHECK_STR(code, "invalid_outcome");
    CHECK_EQ_INT(status_of("POST", path, staff, "{}", code), 400);
    CHECK_STR(code, "missing_field");
    CHECK_EQ_INT(call("POST", path, staff, "{\"outcome\":\"returned\",\"note\":\"取快递，已回家\"}", &r), 200);
    CHECK_STR(sfield(r.json, "status"), "acknowledged");
    CHECK_STR(sfield(json_object_get(r.json, "acknowledged"), "outcome"), "returned");
    CHECK_STR(sfield(json_object_get(r.json, "acknowledged"), "by"), "panpeng");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("POST", path, staff, "{\"outcome\":\"visited\"}", code), 409);
    CHECK_EQ_INT(call("GET", "/api/v1/alarms?open=1", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
    /* battery and tamper: one open alarm per condition */
    long long b1 = 0, b2 = 0, t1 = 0;
    CHECK_STR(post_event(tok1, "b-1", "MC-0001", "battery_low", T0 - 1000, &b1), "ok");
    CHECK_STR(post_event(tok1, "b-2", "MC-0001", "battery_low", T0 - 990, &b2), "ok");
    CHECK_STR(post_event(tok1, "t-1", "MC-0001", "tamper", T0 - 900, &t1), "ok");
    CHECK(b1 > 0 && b2 == 0 && t1 > 0);
    /* the batch is one audit entry */
    CHECK_EQ_INT(call("GET", "/api/v1/audit?entity=device_events&id=MC-0001", admin, NULL, &r), 200);
    CHECK(json_array_size(items(&r)) >= 5);
    CHECK(strstr(r.body, "via") != NULL);
    fxt_free(&r);
}

static void approved_windows_suppress_the_alarm(void)
{
    char body[300], code[48];
    long long alarm = 0;
    snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"delivery\",\"start\":%lld,\"end\":%lld}", hh1, T0 - 2500,
             T0 - 2000);
    CHECK_EQ_INT(status_of("POST", "/api/v1/door-windows", volunteer, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/door-windows", officer_zz, body, code), 404);
    snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"party\",\"start\":%lld,\"end\":%lld}", hh1, T0 - 2500,
             T0 - 2000);
    CHECK_EQ_INT(status_of("POST", "/api/v1/door-windows", staff, body, code), 400);
    CHECK_STR(code, "invalid_kind");
    snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"delivery\",\"start\":%lld,\"end\":%lld}", hh1, T0 - 2500,
             T0 - 2000);
    CHECK_EQ_INT(status_of("POST", "/api/v1/door-windows", staff, body, code), 201);
    CHECK_STR(post_event(tok1, "w-1", "MC-0001", "open", T0 - 2200, &alarm), "ok");
    CHECK_EQ_INT(alarm, 0);
    CHECK_STR(post_event(tok1, "w-2", "MC-0001", "open", T0 - 1900, &alarm), "ok"); /* after it closed */
    CHECK(alarm > 0);
    /* a garbage round over the building opens a window for every household in it */
    snprintf(body, sizeof body, "{\"area\":\"SN-B1\",\"start\":%lld,\"end\":%lld,\"note\":\"上午收垃圾\"}", T0 - 1800,
             T0 - 1200);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/garbage-rounds", staff, body, &r), 201);
    long long round = ifield(r.json, "id");
    CHECK_EQ_INT(ifield(r.json, "households"), 2);
    CHECK_EQ_INT(ifield(r.json, "done"), 0);
    fxt_free(&r);
    CHECK_STR(post_event(tok1, "g-1", "MC-0001", "open", T0 - 1500, &alarm), "ok");
    CHECK_EQ_INT(alarm, 0);
    /* a close that happened earlier but arrives later leaves the door open */
    CHECK_STR(post_event(tok1, "g-0", "MC-0001", "close", T0 - 1600, NULL), "ok");
    CHECK_EQ_INT(call("GET", "/api/v1/devices?household=0", staff, NULL, &r), 400);
    fxt_free(&r);
    snprintf(body, sizeof body, "/api/v1/devices?household=%lld", hh1);
    CHECK_EQ_INT(call("GET", body, staff, NULL, &r), 200);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "door"), "open");
    fxt_free(&r);
    char path[80];
    snprintf(path, sizeof path, "/api/v1/garbage-rounds/%lld/marks", round);
    snprintf(body, sizeof body, "{\"household\":%lld}", hh1);
    CHECK_EQ_INT(status_of("POST", path, volunteer, body, code), 403);
    CHECK_EQ_INT(call("POST", path, staff, body, &r), 200);
    CHECK_EQ_INT(ifield(r.json, "done"), 1);
    fxt_free(&r);
    snprintf(path, sizeof path, "/api/v1/garbage-rounds/%lld", round);
    CHECK_EQ_INT(call("GET", path, staff, NULL, &r), 200);
    json_t *hs = items(&r);
    CHECK_EQ_INT(json_array_size(hs), 2);
    for (size_t i = 0; i < json_array_size(hs); i++) {
        json_t *h = json_array_get(hs, i);
        bool first = ifield(h, "household") == hh1;
        CHECK(json_is_true(json_object_get(h, "isolated")) == first);
        CHECK(json_is_null(json_object_get(h, "done_at")) == !first);
    }
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
}

static void mqtt_and_http_deduplicated(void)
{
    if (!have_mqtt)
        return;
    char payload[200];
    /* the broker authenticates: a wrong password is refused */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"m-0\",\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":%lld}]}",
             T0 - 600);
    CHECK(mqtt_pub("MC-0001", "fxd_wrong", "fangxian/devices/MC-0001/events", payload) != 0);
    /* an event sent over MQTT and then over HTTP is stored once */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"m-1\",\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":%lld}]}",
             T0 - 500);
    CHECK_EQ_INT(mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0001/events", payload), 0);
    CHECK_EQ_INT(wait_stored("MC-0001", "i:m-1", 1), 1);
    CHECK_STR(post_event(tok1, "m-1", "MC-0001", "heartbeat", T0 - 500, NULL), "duplicate");
    /* and the other way round */
    CHECK_STR(post_event(tok1, "h-1", "MC-0001", "heartbeat", T0 - 400, NULL), "ok");
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"h-1\",\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":%lld},"
                                      "{\"id\":\"m-2\",\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":%lld}]}",
             T0 - 400, T0 - 390);
    CHECK_EQ_INT(mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0001/events", payload), 0);
    CHECK_EQ_INT(wait_stored("MC-0001", "i:m-2", 1), 1);
    CHECK_EQ_INT(stored("MC-0001", "i:h-1"), 1);
    /* the broker does not let device 1 publish on device 2's topic */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"x-2\",\"device\":\"MC-0002\",\"type\":\"open\",\"at\":%lld}]}",
             T0 - 300);
    mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0002/events", payload);
    /* nor does the server take an event naming another device on its own topic */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"x-3\",\"device\":\"MC-0002\",\"type\":\"open\",\"at\":%lld}]}",
             T0 - 300);
    CHECK_EQ_INT(mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0001/events", payload), 0);
    /* a marker after both: once it is stored, the refused ones would have been too */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"y-1\",\"device\":\"MC-0002\",\"type\":\"close\",\"at\":%lld}]}",
             T0 - 290);
    CHECK_EQ_INT(mqtt_pub("MC-0002", tok2, "fangxian/devices/MC-0002/events", payload), 0);
    CHECK_EQ_INT(wait_stored("MC-0002", "i:y-1", 1), 1);
    CHECK_EQ_INT(stored("MC-0002", "i:x-2"), 0);
    CHECK_EQ_INT(stored("MC-0002", "i:x-3"), 0);
    /* an opening over MQTT raises its alarm like one over HTTP */
    snprintf(payload, sizeof payload, "{\"events\":[{\"id\":\"m-3\",\"device\":\"MC-0001\",\"type\":\"open\",\"at\":%lld}]}",
             T0 - 200);
    CHECK_EQ_INT(mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0001/events", payload), 0);
    CHECK_EQ_INT(wait_stored("MC-0001", "i:m-3", 1), 1);
    fxt_resp r;
    CHECK_EQ_INT(call("GET", "/api/v1/alarms?open=1&kind=door_open", staff, NULL, &r), 200);
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 0), "at"), T0 - 200);
    fxt_free(&r);
}

/* The server's session at the broker outlives the server: events devices publish (QoS 1)
 * while it is stopped, or killed without a word, wait at the broker and are stored once it
 * is back. */
static void events_wait_at_the_broker_while_the_server_is_down(void)
{
    if (!have_mqtt)
        return;
    char payload[200], id[40], key[48];
    for (int round = 0; round < 2; round++) {
        if (round == 0)
            CHECK_EQ_INT(fxt_stop(&srv), 0);
        else
            fxt_kill9(&srv);
        for (int i = 0; i < 3; i++) {
            snprintf(id, sizeof id, "down-%d-%d", round, i);
            snprintf(payload, sizeof payload,
                     "{\"events\":[{\"id\":\"%s\",\"device\":\"MC-0001\",\"type\":\"heartbeat\",\"at\":%lld}]}", id,
                     T0 - 150 + round * 10 + i);
            CHECK_EQ_INT(mqtt_pub("MC-0001", tok1, "fangxian/devices/MC-0001/events", payload), 0);
        }
        snprintf(key, sizeof key, "i:down-%d-0", round);
        CHECK_EQ_INT(stored("MC-0001", key), 0); /* nobody has taken them yet */
        CHECK_EQ_INT(fxt_start(&srv), 0);
        for (int i = 0; i < 3; i++) {
            snprintf(key, sizeof key, "i:down-%d-%d", round, i);
            CHECKF(wait_stored("MC-0001", key, 1) == 1, "%s stored after the server came back (%s)", key,
                   round ? "killed" : "stopped");
        }
    }
    login_all();
}

static void requests_and_their_flow(void)
{
    char body[300], code[48], path[80];
    snprintf(body, sizeof body, "{\"household\":%lld,\"person\":%lld,\"kind\":\"medicine\",\"description\":\"降压药\","
                                "\"deadline\":%lld,\"assignee\":\"liutao\"}", hh1, p1, T0 + 600);
    CHECK_EQ_INT(status_of("POST", "/api/v1/requests", volunteer, body, code), 403);
    CHECK_EQ_INT(status_of("POST", "/api/v1/requests", officer_zz, body, code), 404);
    fxt_resp r;
    CHECK_EQ_INT(call("POST", "/api/v1/requests", staff, body, &r), 201);
    request1 = ifield(r.json, "id");
    CHECK_STR(sfield(r.json, "status"), "assigned");
    CHECK_STR(sfield(r.json, "assignee"), "liutao");
    CHECK(json_is_false(json_object_get(r.json, "overdue")));
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"groceries\",\"deadline\":%lld}", hh2, T0 + 7200);
    CHECK_EQ_INT(call("POST", "/api/v1/requests", staff, body, &r), 201);
    long long req2 = ifield(r.json, "id");
    CHECK_STR(sfield(r.json, "status"), "open");
    fxt_free(&r);
    snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"haircut\",\"deadline\":%lld}", hh2, T0 + 7200);
    CHECK_EQ_INT(status_of("POST", "/api/v1/requests", staff, body, code), 400);
    CHECK_STR(code, "invalid_kind");
    /* the flow: open cannot jump to done; in progress needs an assignee; done needs feedback */
    snprintf(path, sizeof path, "/api/v1/requests/%lld", req2);
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"status\":\"done\",\"feedback\":\"x\"}", code), 422);
    CHECK_STR(code, "invalid_transition");
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"status\":\"assigned\"}", code), 422);
    CHECK_STR(code, "assignee_required");
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"assignee\":\"cuizhengbo\"}", code), 200); /* officer covers it */
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"assignee\":\"lijunchuan\"}", code), 400);
    CHECK_STR(code, "invalid_assignee");
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"status\":\"cancelled\"}", code), 200);
    CHECK_EQ_INT(status_of("PATCH", path, staff, "{\"status\":\"open\"}", code), 409);
    /* the volunteer sees only what is assigned to them, and reports on it */
    CHECK_EQ_INT(call("GET", "/api/v1/requests", volunteer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", path, volunteer, NULL, code), 404);
    snprintf(path, sizeof path, "/api/v1/requests/%lld", request1);
    CHECK_EQ_INT(status_of("PATCH", path, volunteer, "{\"assignee\":\"panpeng\"}", code), 403);
    CHECK_EQ_INT(status_of("PATCH", path, volunteer, "{\"status\":\"in_progress\"}", code), 200);
}

static void counselling_notes_for_officers_and_counsellors(void)
{
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/persons/%lld/counselling-notes", p1);
    const char *note = "{\"body\":\"焦虑，睡眠差，三天后回访\"}";
    CHECK_EQ_INT(status_of("POST", path, staff, note, code), 403);
    CHECK_EQ_INT(status_of("POST", path, volunteer, note, code), 403);
    CHECK_EQ_INT(status_of("POST", path, counsellor, note, code), 201);
    fxt_resp r;
    CHECK_EQ_INT(call("GET", path, officer, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_STR(sfield(json_array_get(items(&r), 0), "created_by"), "xinli");
    fxt_free(&r);
    CHECK_EQ_INT(status_of("GET", path, staff, NULL, code), 403);
    CHECK_EQ_INT(status_of("GET", path, admin, NULL, code), 403);
    CHECK_EQ_INT(status_of("GET", path, officer_zz, NULL, code), 404);
    /* the audit log names the note, never its words */
    CHECK_EQ_INT(call("GET", "/api/v1/audit?entity=counselling_note", admin, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK(strstr(r.body, "焦虑") == NULL);
    fxt_free(&r);
}

/* The clock moves on: device 2 (last heard at T0 - 290) falls silent, the request passes its deadline. */
static void the_clock_raises_silence_and_overdue(void)
{
    CHECK_STR(post_event(tok1, "hb-1", "MC-0001", "heartbeat", T0 + 200, NULL), "ok"); /* silent from T0 + 2000 */
    CHECK_EQ_INT(fxt_stop(&srv), 0);
    snprintf(srv.now, sizeof srv.now, "%lld", T0 + 1800);
    CHECK_EQ_INT(fxt_start(&srv), 0);
    login_all();
    fxt_resp r;
    bool silent = false;
    for (int i = 0; i < 60 && !silent; i++) {
        CHECK_EQ_INT(call("GET", "/api/v1/alarms?open=1&kind=silent", staff, NULL, &r), 200);
        silent = json_array_size(items(&r)) > 0;
        if (silent) {
            CHECK_EQ_INT(json_array_size(items(&r)), 1); /* device 1 was heard at T0 - 200 */
            CHECK_STR(sfield(json_array_get(items(&r), 0), "device"), "MC-0002");
        }
        fxt_free(&r);
        if (!silent)
            usleep(100000);
    }
    CHECK(silent);
    CHECK_EQ_INT(call("GET", "/api/v1/requests?overdue=1", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    CHECK_EQ_INT(ifield(json_array_get(items(&r), 0), "id"), request1);
    CHECK(json_is_true(json_object_get(json_array_get(items(&r), 0), "overdue")));
    fxt_free(&r);
    CHECK_EQ_INT(call("GET", "/api/v1/alerts?kind=request_overdue", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 1);
    fxt_free(&r);
    /* closing it needs feedback */
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/requests/%lld", request1);
    CHECK_EQ_INT(status_of("PATCH", path, volunteer, "{\"status\":\"done\"}", code), 422);
    CHECK_STR(code, "feedback_required");
    CHECK_EQ_INT(status_of("PATCH", path, volunteer, "{\"status\":\"done\",\"feedback\":\"药已送到门口\"}", code), 200);
    CHECK_EQ_INT(call("GET", "/api/v1/requests?overdue=1", staff, NULL, &r), 200);
    CHECK_EQ_INT(json_array_size(items(&r)), 0);
    fxt_free(&r);
}

static void disabled_device_is_refused(void)
{
    char path[80], code[48];
    snprintf(path, sizeof path, "/api/v1/devices/%lld/disable", dev1);
    CHECK_EQ_INT(status_of("POST", path, officer_zz, NULL, code), 404);
    CHECK_EQ_INT(status_of("POST", "/api/v1/devices/x1/disable", staff, NULL, code), 404);
    CHECK_STR(code, "device_not_found");
    CHECK_EQ_INT(status_of("POST", path, staff, NULL, code), 200);
    CHECK_STR(post_event(tok1, "z-1", "MC-0001", "heartbeat", T0 + 1800, NULL), "invalid_token");
}

int main(void)
{
    th_init();
    int rc = fxt_setup(&srv);
    snprintf(srv.now, sizeof srv.now, "%lld", T0);
    if (rc != 0 || fxt_demo(&srv, pw) != 0) {
        fprintf(stderr, "cannot set up the server under test (%s)\n", fxt_bin());
        return 1;
    }
    char upw[40];
    snprintf(upw, sizeof upw, "%s\n", pw);
    const char *args[] = {"user", "add", "xinli", "--role", "staff", "--area", "HKG-YH-IT-W12", "--counsellor",
                          "--password-stdin", NULL};
    if (fxt_cli(&srv, upw, NULL, args) != 0 || fxt_start(&srv) != 0) {
        fprintf(stderr, "cannot start the server under test (%s)\n", fxt_bin());
        return 1;
    }
    login_all();
    RUN(setup);
    RUN(registering_devices);
    have_mqtt = access(MOSQUITTO, X_OK) == 0 && access(MOSQUITTO_PUB, X_OK) == 0;
    if (have_mqtt) {
        /* the broker's files come from the devices table; the server then subscribes */
        CHECK_EQ_INT(fxt_stop(&srv), 0);
        start_broker();
        static char port[8], pwfile[500];
        snprintf(port, sizeof port, "%d", mqtt_port);
        snprintf(pwfile, sizeof pwfile, "%s/server.password", mqtt_dir);
        const char *extra[] = {"--mqtt-host", "127.0.0.1", "--mqtt-port", port, "--mqtt-password-file", pwfile,
                               "--silent-minutes", "30", "--tick", "1", NULL};
        memcpy(srv.extra, extra, sizeof extra);
        CHECK_EQ_INT(fxt_start(&srv), 0);
        login_all();
    } else {
        fprintf(stderr, "SKIP MQTT: %s or %s is missing and could not be installed (scripts/deps installs "
                        "mosquitto and mosquitto-clients)\n", MOSQUITTO, MOSQUITTO_PUB);
        const char *extra[] = {"--silent-minutes", "30", "--tick", "1", NULL};
        memcpy(srv.extra, extra, sizeof extra);
        CHECK_EQ_INT(fxt_stop(&srv), 0);
        CHECK_EQ_INT(fxt_start(&srv), 0);
        login_all();
    }
    RUN(a_device_speaks_only_for_itself);
    RUN(alarm_raised_and_acknowledged);
    RUN(approved_windows_suppress_the_alarm);
    RUN(mqtt_and_http_deduplicated);
    RUN(events_wait_at_the_broker_while_the_server_is_down);
    RUN(requests_and_their_flow);
    RUN(counselling_notes_for_officers_and_counsellors);
    RUN(the_clock_raises_silence_and_overdue);
    RUN(disabled_device_is_refused);
    fxt_teardown(&srv);
    if (mosq_pid > 0) {
        kill(mosq_pid, SIGTERM);
        waitpid(mosq_pid, NULL, 0);
    }
    char **toks[] = {&admin, &officer, &officer_zz, &staff, &volunteer, &counsellor};
    for (size_t i = 0; i < sizeof toks / sizeof *toks; i++)
        free(*toks[i]);
    return th_done("api_sensors");
}
