/* Unit tests: who may post sensor events and read counselling notes, the broker's password
 * hash format, and the sensor rules on a store: deduplication within one batch, late events
 * judged by their own time, one silence alarm per silence at exactly N minutes. */
#include "core/area.h"
#include "core/isolation.h"
#include "core/perm.h"
#include "core/person.h"
#include "core/sensor.h"
#include "lib/testhelp.h"
#include "lib/unitstore.h"
#include "util/fx_clock.h"
#include "util/fx_crypto.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000LL

static void roles_and_flags(void)
{
    CHECK(perm_allows(ROLE_DEVICE, ACT_DEVICE_EVENT));
    CHECK(!perm_allows(ROLE_DEVICE, ACT_ALARM) && !perm_allows(ROLE_DEVICE, ACT_DEVICE_ADMIN));
    CHECK(!perm_allows(ROLE_STAFF, ACT_DEVICE_EVENT) && !perm_allows(ROLE_PARTNER, ACT_DEVICE_EVENT));
    CHECK(perm_allows(ROLE_STAFF, ACT_ALARM) && perm_allows(ROLE_STAFF, ACT_SERVICE));
    CHECK(perm_allows(ROLE_VOLUNTEER, ACT_SERVICE) && !perm_allows(ROLE_VOLUNTEER, ACT_ALARM));
    /* counselling notes: officers, and whoever is flagged a counsellor; not admins, not staff */
    CHECK(perm_allows(ROLE_OFFICER, ACT_COUNSEL));
    CHECK(!perm_allows(ROLE_ADMIN, ACT_COUNSEL) && !perm_allows(ROLE_STAFF, ACT_COUNSEL));
    CHECK(perm_allows(ROLE_ADMIN, ACT_AUDIT_READ)); /* the rest of admin's powers stay */
    principal staff = {.role = ROLE_STAFF, .user_id = 7}, counsellor = staff, token = {.role = ROLE_DEVICE};
    counsellor.counsellor = true;
    token.counsellor = true; /* a token never carries the flag; it would not count if it did */
    CHECK(!perm_principal_allows(&staff, ACT_COUNSEL));
    CHECK(perm_principal_allows(&counsellor, ACT_COUNSEL));
    CHECK(!perm_principal_allows(&counsellor, ACT_ZONE_WRITE));
    CHECK(!perm_principal_allows(&token, ACT_COUNSEL));
}

static void broker_password_format(void)
{
    char a[FX_MQTT_HASH_LEN], b[FX_MQTT_HASH_LEN];
    CHECK_EQ_INT(fx_mqtt_password_hash("fxd_secret", a), 0);
    CHECK_EQ_INT(fx_mqtt_password_hash("fxd_secret", b), 0);
    /* $7$ iterations $ base64(12-byte salt) $ base64(64-byte PBKDF2-SHA512), as mosquitto_passwd writes */
    CHECK(strncmp(a, "$7$101$", 7) == 0);
    const char *salt = a + 7, *hash = strchr(salt, '$');
    CHECK(hash && hash - salt == 16);
    CHECK(hash && strlen(hash + 1) == 88);
    CHECK(strcmp(a, b) != 0); /* a fresh salt each time */
    CHECK(sensor_code_valid("MC-0001") && sensor_code_valid("a.b_c"));
    CHECK(!sensor_code_valid("a/b") && !sensor_code_valid("+") && !sensor_code_valid("#") && !sensor_code_valid(""));
}

/* ---- on a store ---- */
static db *store;
static int64_t household_id;

static int setup_job(db_conn *c, void *arg)
{
    fx_err *err = arg;
    actor cli = ACTOR_CLI;
    area a;
    const area_input areas[] = {{.code = "D", .name = "区", .kind = "district"},
                                {.code = "D-W", .name = "站", .kind = "workstation", .parent = "D"},
                                {.code = "D-B", .name = "楼", .kind = "building", .parent = "D-W"}};
    int rc;
    for (int i = 0; i < 3; i++)
        if ((rc = area_create(c, &cli, &areas[i], &a, err)))
            return rc;
    person_input in = PERSON_INPUT_NONE;
    in.name = "门磁";
    in.id_number = "11010519491231002X";
    in.area = "D-B";
    in.room = "101";
    person p;
    if ((rc = person_create(c, &cli, &in, &p, err)))
        return rc;
    household_id = p.household_id;
    iso_input ii = {.person_id = p.id, .type = "home_isolation", .reason = "close_contact", .start_at = T0 - 86400};
    isolation iso;
    if ((rc = iso_create(c, &cli, &ii, &iso, err)))
        return rc;
    device d;
    return device_create(c, &cli, "S1", household_id, "hash-of-token", "$7$101$x$y", &d, err);
}

struct batch {
    sensor_event ev[4];
    sensor_result res[4];
    int n;
};

static int ingest_job(db_conn *c, void *arg)
{
    struct batch *b = arg;
    audit_actor log = {.kind = "system", .name = "unit", .ip = "", .request_id = ""};
    return sensor_ingest(c, &log, "http", b->ev, b->n, b->res);
}

static void one(struct batch *b, int i, const char *id, const char *type, int64_t at)
{
    memset(&b->ev[i], 0, sizeof b->ev[i]);
    fx_copy(b->ev[i].id, sizeof b->ev[i].id, id);
    fx_copy(b->ev[i].device, sizeof b->ev[i].device, "S1");
    fx_copy(b->ev[i].type, sizeof b->ev[i].type, type);
    b->ev[i].at = at;
}

static device the_device(void)
{
    device d = {0};
    device_list(db_reader(store), NULL, household_id, 0, &d, 1);
    return d;
}

static void dedup_and_late_events(void)
{
    struct batch b = {.n = 4};
    one(&b, 0, "a", "open", T0 - 600);
    one(&b, 1, "a", "open", T0 - 600);   /* the same id twice in one batch */
    one(&b, 2, "", "close", T0 - 500);
    one(&b, 3, "", "close", T0 - 500);   /* no id: (device, type, at) */
    CHECK_EQ_INT(db_write(store, ingest_job, &b), 0);
    CHECK_EQ_INT(b.res[0].status, SENSOR_OK);
    CHECK(b.res[0].alarm_id > 0); /* isolated, no window */
    CHECK_EQ_INT(b.res[1].status, SENSOR_DUPLICATE);
    CHECK_EQ_INT(b.res[1].alarm_id, 0);
    CHECK_EQ_INT(b.res[2].status, SENSOR_OK);
    CHECK_EQ_INT(b.res[3].status, SENSOR_DUPLICATE);
    device d = the_device();
    CHECK_STR(d.door, "closed");
    CHECK_EQ_INT(d.last_seen, T0 - 500);
    /* an opening from before the close, arriving after it: kept, alarmed, but the door stays closed */
    b.n = 1;
    one(&b, 0, "late", "open", T0 - 550);
    CHECK_EQ_INT(db_write(store, ingest_job, &b), 0);
    CHECK_EQ_INT(b.res[0].status, SENSOR_OK);
    CHECK(b.res[0].alarm_id > 0);
    d = the_device();
    CHECK_STR(d.door, "closed");
    CHECK_EQ_INT(d.last_seen, T0 - 500);
    /* an event of an unknown device is rejected, the batch goes on */
    b.n = 2;
    one(&b, 0, "u", "heartbeat", T0 - 400);
    fx_copy(b.ev[0].device, sizeof b.ev[0].device, "NOPE");
    one(&b, 1, "v", "heartbeat", T0 - 400);
    CHECK_EQ_INT(db_write(store, ingest_job, &b), 0);
    CHECK_EQ_INT(b.res[0].status, SENSOR_REJECTED);
    CHECK_STR(b.res[0].err.code, "unknown_device");
    CHECK_EQ_INT(b.res[1].status, SENSOR_OK);
}

struct silent {
    int64_t now;
    int raised;
};
#define SILENT_S 60 /* one minute, so that a heartbeat after the alarm stays within the clock's slack */

static int silent_job(db_conn *c, void *arg)
{
    struct silent *s = arg;
    s->raised = sensor_check_silent(c, s->now, SILENT_S);
    return s->raised < 0 ? s->raised : 0;
}

static int check_silent(int64_t now)
{
    struct silent s = {.now = now};
    return db_write(store, silent_job, &s) == 0 ? s.raised : -1;
}

struct ack {
    int64_t id;
    fx_err err;
};

static int ack_job(db_conn *c, void *arg)
{
    struct ack *a = arg;
    actor cli = ACTOR_CLI;
    sensor_alarm out;
    return alarm_ack(c, &cli, a->id, "device_serviced", NULL, &out, &a->err);
}

static void silence_after_n_minutes(void)
{
    /* silence counts from the latest of the registration (at T0 + 1 h) and the last event's time */
    int64_t heard = T0 + 3610;
    struct batch b = {.n = 1};
    one(&b, 0, "hb", "heartbeat", heard);
    CHECK_EQ_INT(db_write(store, ingest_job, &b), 0);
    CHECK_EQ_INT(check_silent(heard + SILENT_S), 0);     /* exactly N minutes: not yet */
    CHECK_EQ_INT(check_silent(heard + SILENT_S + 1), 1); /* past it */
    CHECK_EQ_INT(check_silent(heard + 10 * SILENT_S), 0); /* one alarm per silence */
    sensor_alarm a[4];
    CHECK_EQ_INT(alarm_list(db_reader(store), NULL, true, "silent", 0, a, 4), 1);
    CHECK_EQ_INT(a[0].at, heard + SILENT_S);
    /* heard again, silent again: while the first is open it stands for both; once handled, a new one */
    one(&b, 0, "w", "heartbeat", T0 + 3700);
    CHECK_EQ_INT(db_write(store, ingest_job, &b), 0);
    CHECK_EQ_INT(check_silent(T0 + 3700 + SILENT_S + 1), 0);
    struct ack k = {.id = a[0].id};
    CHECK_EQ_INT(db_write(store, ack_job, &k), 0);
    CHECK_EQ_INT(check_silent(T0 + 3700 + SILENT_S + 1), 1);
}

int main(void)
{
    th_init();
    setenv("FANGXIAN_NOW", "1800003600", 1); /* T0 + 1 h: every event below lies in the past */
    fx_tz_set("Asia/Shanghai");
    RUN(roles_and_flags);
    RUN(broker_password_format);
    unitstore us;
    fx_err e = {0};
    store = unitstore_open(&us, "sensors", setup_job, &e);
    if (!store) {
        fprintf(stderr, "setup: %s\n", e.msg);
        return 1;
    }
    RUN(dedup_and_late_events);
    RUN(silence_after_n_minutes);
    unitstore_close(&us);
    return th_done("unit_sensors");
}
