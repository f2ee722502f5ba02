/* sensor.h — door sensors (门磁): devices registered to households, the events they send
 * over HTTP and MQTT (one path for both, deduplicated by the device's event id or by
 * (device, type, at)), and the alarms those events and the clock raise.
 *
 * Every event is kept. Rules read each event's own `at`, never its arrival: a late
 * opening is judged by the windows and cases of the moment it happened. */
#ifndef SENSOR_H
#define SENSOR_H
#include "core/actor.h"
#include "db/db.h"
#include "util/fx_err.h"

#include <stdbool.h>
#include <stdint.h>

#define SENSOR_CODE_MAX 64
/* An event may claim a time at most this far ahead of the server's clock (device clocks drift). */
#define SENSOR_FUTURE_SLACK_S 300

typedef struct device {
    int64_t id, household_id, area_id, token_id, last_seen, door_at, created_at, updated_at;
    char code[SENSOR_CODE_MAX + 1], status[12], door[8], area_code[65], area_path[192];
} device;

/* 1-64 of A-Z a-z 0-9 - _ . (it is an MQTT username and a topic segment). */
bool sensor_code_valid(const char *s);

/* Registers device code to household_id (in the actor's scope) with the API token whose
 * hashes are given (the token itself is shown once, by the caller). Audited. 0 or an FX_ kind. */
int device_create(db_conn *c, const actor *who, const char *code, int64_t household_id, const char *token_hash,
                  const char *mqtt_hash, device *out, fx_err *err);
/* Disables a device and revokes its token. Audited. */
int device_disable(db_conn *c, const actor *who, int64_t id, device *out, fx_err *err);
int device_get(db_conn *c, int64_t id, device *out);
/* The active device that token_id belongs to. DB_ROW, DB_DONE or < 0. */
int device_for_token(db_conn *c, int64_t token_id, device *out);
/* Devices in scope_path's subtree (NULL: all), of one household when household_id > 0, by id. */
int device_list(db_conn *c, const char *scope_path, int64_t household_id, int64_t after_id, device *out, int max);
/* Calls fn for every active device: code and mosquitto password hash (the broker's files). */
int device_each_mqtt(db_conn *c, void (*fn)(const char *code, const char *mqtt_hash, void *arg), void *arg);

/* ---- events ---- */
typedef struct sensor_event {
    char id[SENSOR_CODE_MAX + 1]; /* "" when the device sent none */
    char device[SENSOR_CODE_MAX + 1];
    char type[12];
    int64_t at;
} sensor_event;

enum { SENSOR_OK = 0, SENSOR_DUPLICATE = 1, SENSOR_REJECTED = 2 };
typedef struct sensor_result {
    int status;
    int64_t alarm_id; /* an alarm this event raised, else 0 */
    fx_err err;       /* when rejected */
} sensor_result;

bool sensor_type_valid(const char *s);

/* Stores n events that arrived by via ("http" or "mqtt"); the caller has checked that their
 * sender may speak for each device. One audit entry for the batch. res[i] says what became
 * of ev[i]. 0, or < 0 when the store failed (the batch rolls back). */
int sensor_ingest(db_conn *c, const audit_actor *log, const char *via, const sensor_event *ev, int n,
                  sensor_result *res);

/* ---- alarms ---- */
typedef struct sensor_alarm {
    int64_t id, device_id, household_id, area_id, event_id, at, raised_at, acknowledged_at;
    char kind[16], status[16], outcome[24], note[401], acknowledged_by[64], device_code[SENSOR_CODE_MAX + 1],
        area_code[65], address[401];
} sensor_alarm;

bool alarm_outcome_valid(const char *s);
/* Alarms in scope_path's subtree, newest first, ids below before_id (0: from the newest). */
int alarm_list(db_conn *c, const char *scope_path, bool open_only, const char *kind, int64_t before_id, sensor_alarm *out,
               int max);
int alarm_get(db_conn *c, int64_t id, sensor_alarm *out);
/* Acknowledges with an outcome (false_alarm, resident_inside, returned, visited, escalated,
 * device_serviced, other). Audited; 409 when already acknowledged. */
int alarm_ack(db_conn *c, const actor *who, int64_t id, const char *outcome, const char *note, sensor_alarm *out,
              fx_err *err);

/* Raises a silence alarm for each active device not heard for silent_s seconds by now (one per
 * silence: a device heard again and then silent again gets a new one). Count raised, or < 0. */
int sensor_check_silent(db_conn *c, int64_t now, int64_t silent_s);

#endif
