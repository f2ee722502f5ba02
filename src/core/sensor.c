#include "core/sensor.h"

#include "core/account.h"
#include "core/alert.h"
#include "core/audit.h"
#include "core/core_internal.h"
#include "core/person.h"
#include "util/fx_clock.h"
#include "util/fx_id.h"
#include "util/fx_str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sensor_code_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > SENSOR_CODE_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.'))
            return false;
    return true;
}

bool sensor_type_valid(const char *s)
{
    static const char *const t[] = {"open", "close", "heartbeat", "battery_low", "tamper"};
    for (size_t i = 0; s && i < sizeof t / sizeof *t; i++)
        if (strcmp(s, t[i]) == 0)
            return true;
    return false;
}

bool alarm_outcome_valid(const char *s)
{
    static const char *const o[] = {"false_alarm", "resident_inside", "returned", "visited",
                                    "escalated",   "device_serviced", "other"};
    for (size_t i = 0; s && i < sizeof o / sizeof *o; i++)
        if (strcmp(s, o[i]) == 0)
            return true;
    return false;
}

/* ---- devices ---- */

#define DEVICE_SELECT                                                                                        \
    "SELECT d.id, d.household_id, d.area_id, d.token_id, COALESCE(d.last_seen, 0), COALESCE(d.door_at, 0),"  \
    " d.created_at, d.updated_at, d.code, d.status, d.door, a.code, a.path"                                  \
    " FROM devices d JOIN areas a ON a.id = d.area_id "

static void read_device(db_stmt *s, device *d)
{
    memset(d, 0, sizeof *d);
    d->id = db_col_i64(s, 0);
    d->household_id = db_col_i64(s, 1);
    d->area_id = db_col_i64(s, 2);
    d->token_id = db_col_i64(s, 3);
    d->last_seen = db_col_i64(s, 4);
    d->door_at = db_col_i64(s, 5);
    d->created_at = db_col_i64(s, 6);
    d->updated_at = db_col_i64(s, 7);
    fx_copy(d->code, sizeof d->code, db_col_text(s, 8));
    fx_copy(d->status, sizeof d->status, db_col_text(s, 9));
    fx_copy(d->door, sizeof d->door, db_col_text(s, 10));
    fx_copy(d->area_code, sizeof d->area_code, db_col_text(s, 11));
    fx_copy(d->area_path, sizeof d->area_path, db_col_text(s, 12));
}

static int device_one(db_conn *c, const char *sql, int64_t key, device *out)
{
    db_stmt *s = db_prepare(c, sql);
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, key);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_device(s, out);
    db_done(s);
    return rc;
}

int device_get(db_conn *c, int64_t id, device *out)
{
    return device_one(c, DEVICE_SELECT "WHERE d.id = $1", id, out);
}

int device_for_token(db_conn *c, int64_t token_id, device *out)
{
    return device_one(c, DEVICE_SELECT "WHERE d.token_id = $1 AND d.status = 'active'", token_id, out);
}

int device_create(db_conn *c, const actor *who, const char *code, int64_t household_id, const char *token_hash,
                  const char *mqtt_hash, device *out, fx_err *err)
{
    if (!sensor_code_valid(code))
        return fx_fail(err, FX_EINVAL, "invalid_device", "device must be 1-64 letters, digits, '-', '_' or '.'");
    household h;
    int rc = household_get(c, household_id, &h);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the household");
    if (rc != DB_ROW || !actor_in_scope(who, h.area_path))
        return fx_fail(err, FX_ENOTFOUND, "household_not_found", "household %lld does not exist in your area",
                       (long long)household_id);
    /* The device's token is an ordinary API token, so HTTP authenticates it like any other. */
    char name[80];
    snprintf(name, sizeof name, "device.%s", code);
    api_token tok;
    if ((rc = token_create(c, who, name, "device", h.area_code, token_hash, &tok, err)))
        return rc == FX_ECONFLICT ? fx_fail(err, FX_ECONFLICT, "device_exists", "device %s is registered already", code)
                                  : rc;
    int64_t now = fx_now();
    db_stmt *s = db_prepare(c, "INSERT INTO devices (id, code, household_id, top_area_id, area_id, token_id, mqtt_hash,"
                               " status, seen_at, created_by, created_at, updated_at)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $8, $8)");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the device");
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, code);
    db_bind_i64(s, 3, household_id);
    db_bind_i64(s, 4, path_top(h.area_path));
    db_bind_i64(s, 5, h.area_id);
    db_bind_i64(s, 6, tok.id);
    db_bind_text(s, 7, mqtt_hash);
    db_bind_i64(s, 8, now);
    db_bind_text(s, 9, who->log.name);
    rc = db_step(s);
    db_done(s);
    if (rc == DB_ECONSTRAINT)
        return fx_fail(err, FX_ECONFLICT, "device_exists", "device %s is registered already", code);
    if (rc != DB_DONE || device_get(c, id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the device");
    char changes[128];
    snprintf(changes, sizeof changes, "{\"household\":{\"from\":null,\"to\":%lld}}", (long long)household_id);
    if (audit_record(c, &who->log, "create", "device", code, changes) != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not write the audit log");
    return 0;
}

int device_disable(db_conn *c, const actor *who, int64_t id, device *out, fx_err *err)
{
    int rc = device_get(c, id, out);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the device");
    if (rc != DB_ROW || !actor_in_scope(who, out->area_path))
        return fx_fail(err, FX_ENOTFOUND, "device_not_found", "device %lld does not exist in your area", (long long)id);
    if (strcmp(out->status, "disabled") == 0)
        return 0;
    char name[80];
    snprintf(name, sizeof name, "device.%s", out->code);
    if ((rc = token_revoke(c, who, name, err)))
        return rc;
    db_stmt *s = db_prepare(c, "UPDATE devices SET status = 'disabled', updated_at = $2 WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not disable the device");
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, fx_now());
    rc = db_step(s);
    db_done(s);
    fx_copy(out->status, sizeof out->status, "disabled");
    if (rc != DB_DONE ||
        audit_record(c, &who->log, "disable", "device", out->code,
                     "{\"status\":{\"from\":\"active\",\"to\":\"disabled\"}}") != 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not disable the device");
    return 0;
}

int device_list(db_conn *c, const char *scope_path, int64_t household_id, int64_t after_id, device *out, int max)
{
    char lo[FX_AREA_PATH_MAX], hi[FX_AREA_PATH_MAX];
    scope_range(scope_path, lo, hi);
    db_stmt *s = db_prepare(c, DEVICE_SELECT "WHERE a.path >= $1 AND a.path < $2 AND d.id > $3"
                                             " AND ($4 = 0 OR d.household_id = $4) ORDER BY d.id LIMIT $5");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, lo);
    db_bind_text(s, 2, hi);
    db_bind_i64(s, 3, after_id);
    db_bind_i64(s, 4, household_id);
    db_bind_i64(s, 5, max);
    int n = 0, rc = DB_DONE;
    while (n < max && (rc = db_step(s)) == DB_ROW)
        read_device(s, &out[n++]);
    db_done(s);
    return rc < 0 ? rc : n;
}

int device_each_mqtt(db_conn *c, void (*fn)(const char *code, const char *mqtt_hash, void *arg), void *arg)
{
    db_stmt *s = db_prepare(c, "SELECT code, mqtt_hash FROM devices WHERE status = 'active' ORDER BY code");
    if (!s)
        return DB_ERR;
    int rc, n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        fn(db_col_text(s, 0), db_col_text(s, 1), arg);
        n++;
    }
    db_done(s);
    return rc < 0 ? rc : n;
}

/* ---- alarms ---- */

/* The alarm row, and an alert to the workstation that looks after the household. */
static int raise_alarm(db_conn *c, const device *d, const char *kind, int64_t event_id, int64_t at, int64_t *out_id)
{
    *out_id = 0;
    db_stmt *s = db_prepare(c, "INSERT INTO alarms (id, device_id, household_id, top_area_id, area_id, kind, event_id,"
                               " at, raised_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open')"
                               " ON CONFLICT DO NOTHING");
    if (!s)
        return DB_ERR;
    int64_t id = fx_id_next();
    db_bind_i64(s, 1, id);
    db_bind_i64(s, 2, d->id);
    db_bind_i64(s, 3, d->household_id);
    db_bind_i64(s, 4, path_top(d->area_path));
    db_bind_i64(s, 5, d->area_id);
    db_bind_text(s, 6, kind);
    if (event_id)
        db_bind_i64(s, 7, event_id);
    else
        db_bind_null(s, 7);
    db_bind_i64(s, 8, at);
    db_bind_i64(s, 9, fx_now());
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    if (db_changes(c) == 0)
        return 0; /* the condition's alarm is open already */
    *out_id = id;
    household h;
    int64_t ws;
    if (household_get(c, d->household_id, &h) != DB_ROW || alert_area_for(c, d->area_path, &ws) != DB_ROW)
        return DB_ERR;
    char when[24], msg[600], eid[24];
    fx_time_local(at, when, sizeof when);
    static const struct {
        const char *kind, *text;
    } what[] = {{"door_open", "door opened outside an approved window"},
                {"silent", "door sensor silent"},
                {"battery_low", "door sensor battery low"},
                {"tamper", "door sensor tampered with"}};
    const char *text = kind;
    for (size_t i = 0; i < sizeof what / sizeof *what; i++)
        if (strcmp(what[i].kind, kind) == 0)
            text = what[i].text;
    snprintf(msg, sizeof msg, "%s at %s: %s %s (device %s)", text, when, h.area_code, h.room[0] ? h.room : h.address,
             d->code);
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    return alert_raise(c, ws, "sensor_alarm", "alarm", eid, msg);
}

/* A household member was in home isolation at `at` (judged by the case's own dates). */
static int isolated_at(db_conn *c, int64_t household_id, int64_t at)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM persons p JOIN isolations i ON i.person_id = p.id"
                               " WHERE p.household_id = $1 AND i.type = 'home_isolation' AND i.start_at <= $2"
                               " AND (i.released_at IS NULL OR i.released_at > $2) LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, household_id);
    db_bind_i64(s, 2, at);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

/* An approved window for the household, or for an area containing it, covers `at`. */
static int in_window(db_conn *c, const device *d, int64_t at)
{
    db_stmt *s = db_prepare(c, "SELECT 1 FROM door_windows w JOIN areas a ON a.id = w.area_id"
                               " WHERE w.ends_at > $3 AND w.starts_at <= $3 AND (w.household_id = $1"
                               " OR (w.household_id IS NULL AND substr($2, 1, length(a.path)) = a.path)) LIMIT 1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, d->household_id);
    db_bind_text(s, 2, d->area_path);
    db_bind_i64(s, 3, at);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

/* ---- events ---- */

static int ingest_one(db_conn *c, const char *via, int64_t now, const sensor_event *e, sensor_result *res)
{
    memset(res, 0, sizeof *res);
    if (!sensor_type_valid(e->type)) {
        res->status = SENSOR_REJECTED;
        fx_fail(&res->err, FX_EINVAL, "invalid_type", "type must be open, close, heartbeat, battery_low or tamper");
        return 0;
    }
    if (e->at > now + SENSOR_FUTURE_SLACK_S) {
        res->status = SENSOR_REJECTED;
        fx_fail(&res->err, FX_ERULE, "at_in_future", "at is more than %d s after the server's clock",
                SENSOR_FUTURE_SLACK_S);
        return 0;
    }
    db_stmt *s = db_prepare(c, DEVICE_SELECT "WHERE d.code = $1");
    if (!s)
        return DB_ERR;
    db_bind_text(s, 1, e->device);
    device d;
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_device(s, &d);
    db_done(s);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW || strcmp(d.status, "active") != 0) {
        res->status = SENSOR_REJECTED;
        fx_fail(&res->err, FX_ENOTFOUND, "unknown_device", "device %s is not registered or is disabled", e->device);
        return 0;
    }
    char key[SENSOR_CODE_MAX + 40];
    if (e->id[0])
        snprintf(key, sizeof key, "i:%s", e->id);
    else
        snprintf(key, sizeof key, "t:%s:%lld", e->type, (long long)e->at);
    int64_t event_id = fx_id_next();
    s = db_prepare(c, "INSERT INTO device_events (id, device_id, event_key, type, at, received_at, via, late)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (device_id, event_key) DO NOTHING");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, event_id);
    db_bind_i64(s, 2, d.id);
    db_bind_text(s, 3, key);
    db_bind_text(s, 4, e->type);
    db_bind_i64(s, 5, e->at);
    db_bind_i64(s, 6, now);
    db_bind_text(s, 7, via);
    db_bind_i64(s, 8, d.last_seen > e->at);
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    if (db_changes(c) == 0) {
        res->status = SENSOR_DUPLICATE;
        return 0;
    }
    /* Out of order: the latest `at` wins for last_seen and for the door's state. */
    bool door = strcmp(e->type, "open") == 0 || strcmp(e->type, "close") == 0;
    s = db_prepare(c, "UPDATE devices SET last_seen = CASE WHEN last_seen IS NULL OR last_seen < $2 THEN $2"
                      " ELSE last_seen END, seen_at = CASE WHEN seen_at < $2 THEN $2 ELSE seen_at END,"
                      " door = CASE WHEN $3 <> '' AND (door_at IS NULL OR door_at <= $2) THEN $3 ELSE door END,"
                      " door_at = CASE WHEN $3 <> '' AND (door_at IS NULL OR door_at <= $2) THEN $2 ELSE door_at END"
                      " WHERE id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, d.id);
    db_bind_i64(s, 2, e->at);
    db_bind_text(s, 3, door ? (e->type[0] == 'o' ? "open" : "closed") : "");
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return rc < 0 ? rc : DB_ERR;
    const char *kind = NULL;
    if (strcmp(e->type, "open") == 0) {
        if ((rc = isolated_at(c, d.household_id, e->at)) < 0)
            return rc;
        if (rc == DB_ROW) {
            if ((rc = in_window(c, &d, e->at)) < 0)
                return rc;
            if (rc == DB_DONE)
                kind = "door_open";
        }
    } else if (strcmp(e->type, "battery_low") == 0 || strcmp(e->type, "tamper") == 0) {
        kind = e->type;
    }
    if (kind && (rc = raise_alarm(c, &d, kind, event_id, e->at, &res->alarm_id)) < 0)
        return rc;
    return 0;
}

int sensor_ingest(db_conn *c, const audit_actor *log, const char *via, const sensor_event *ev, int n,
                  sensor_result *res)
{
    int64_t now = fx_now();
    int count[3] = {0, 0, 0}, alarms = 0;
    bool one_device = true;
    for (int i = 0; i < n; i++) {
        int rc = ingest_one(c, via, now, &ev[i], &res[i]);
        if (rc < 0)
            return rc;
        count[res[i].status]++;
        alarms += res[i].alarm_id != 0;
        one_device = one_device && strcmp(ev[i].device, ev[0].device) == 0;
    }
    if (n == 0)
        return 0;
    /* One entry for the batch: a heartbeat a minute from every sensor would otherwise double the writes. */
    char changes[200];
    snprintf(changes, sizeof changes,
             "{\"via\":\"%s\",\"events\":%d,\"stored\":%d,\"duplicate\":%d,\"rejected\":%d,\"alarms\":%d}", via, n,
             count[SENSOR_OK], count[SENSOR_DUPLICATE], count[SENSOR_REJECTED], alarms);
    return audit_record(c, log, "ingest", "device_events", one_device ? ev[0].device : "batch", changes);
}

/* ---- alarms: reading and acknowledging ---- */

#define ALARM_SELECT                                                                                         \
    "SELECT al.id, al.device_id, al.household_id, al.area_id, COALESCE(al.event_id, 0), al.at, al.raised_at," \
    " COALESCE(al.acknowledged_at, 0), al.kind, al.status, COALESCE(al.outcome, ''), al.note,"               \
    " al.acknowledged_by, d.code, a.code, h.address_key, a.path"                                             \
    " FROM alarms al JOIN devices d ON d.id = al.device_id JOIN areas a ON a.id = al.area_id"                \
    " JOIN households h ON h.id = al.household_id "

static void read_alarm(db_stmt *s, sensor_alarm *o, char *path, size_t pathlen)
{
    memset(o, 0, sizeof *o);
    o->id = db_col_i64(s, 0);
    o->device_id = db_col_i64(s, 1);
    o->household_id = db_col_i64(s, 2);
    o->area_id = db_col_i64(s, 3);
    o->event_id = db_col_i64(s, 4);
    o->at = db_col_i64(s, 5);
    o->raised_at = db_col_i64(s, 6);
    o->acknowledged_at = db_col_i64(s, 7);
    fx_copy(o->kind, sizeof o->kind, db_col_text(s, 8));
    fx_copy(o->status, sizeof o->status, db_col_text(s, 9));
    fx_copy(o->outcome, sizeof o->outcome, db_col_text(s, 10));
    fx_copy(o->note, sizeof o->note, db_col_text(s, 11));
    fx_copy(o->acknowledged_by, sizeof o->acknowledged_by, db_col_text(s, 12));
    fx_copy(o->device_code, sizeof o->device_code, db_col_text(s, 13));
    fx_copy(o->area_code, sizeof o->area_code, db_col_text(s, 14));
    fx_copy(o->address, sizeof o->address, db_col_text(s, 15));
    if (path)
        fx_copy(path, pathlen, db_col_text(s, 16));
}

static void read_alarm_row(db_stmt *s, void *row) { read_alarm(s, row, NULL, 0); }

int alarm_list(db_conn *c, const char *scope_path, bool open_only, const char *kind, int64_t before_id, sensor_alarm *out,
               int max)
{
    return feed_page(c, ALARM_SELECT FEED_WHERE("al.status = 'open'"), scope_path, open_only, kind, before_id,
                     read_alarm_row, out, sizeof *out, max);
}

static int alarm_get_path(db_conn *c, int64_t id, sensor_alarm *out, char path[FX_AREA_PATH_MAX])
{
    db_stmt *s = db_prepare(c, ALARM_SELECT "WHERE al.id = $1");
    if (!s)
        return DB_ERR;
    db_bind_i64(s, 1, id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        read_alarm(s, out, path, FX_AREA_PATH_MAX);
    db_done(s);
    return rc;
}

int alarm_get(db_conn *c, int64_t id, sensor_alarm *out)
{
    char path[FX_AREA_PATH_MAX];
    return alarm_get_path(c, id, out, path);
}

int alarm_ack(db_conn *c, const actor *who, int64_t id, const char *outcome, const char *note, sensor_alarm *out,
              fx_err *err)
{
    if (!alarm_outcome_valid(outcome))
        return fx_fail(err, FX_EINVAL, "invalid_outcome",
                       "outcome must be false_alarm, resident_inside, returned, visited, escalated, device_serviced "
                       "or other");
    char path[FX_AREA_PATH_MAX] = "";
    int rc = alarm_get_path(c, id, out, path);
    if (rc < 0)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not read the alarm");
    if (rc != DB_ROW || !actor_in_scope(who, path))
        return fx_fail(err, FX_ENOTFOUND, "alarm_not_found", "alarm %lld does not exist in your area", (long long)id);
    if (strcmp(out->status, "open") != 0)
        return fx_fail(err, FX_ECONFLICT, "already_acknowledged", "alarm %lld was acknowledged by %s already",
                       (long long)id, out->acknowledged_by);
    db_stmt *s = db_prepare(c, "UPDATE alarms SET status = 'acknowledged', outcome = $2, note = $3,"
                               " acknowledged_by = $4, acknowledged_at = $5 WHERE id = $1");
    if (!s)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the acknowledgement");
    db_bind_i64(s, 1, id);
    db_bind_text(s, 2, outcome);
    db_bind_text(s, 3, note ? note : "");
    db_bind_text(s, 4, who->log.name);
    db_bind_i64(s, 5, fx_now());
    rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the acknowledgement");
    audit_changes ch;
    audit_changes_init(&ch);
    audit_changes_text(&ch, "status", "open", "acknowledged");
    audit_changes_text(&ch, "outcome", NULL, outcome);
    char eid[24];
    snprintf(eid, sizeof eid, "%lld", (long long)id);
    rc = audit_record(c, &who->log, "acknowledge", "alarm", eid, audit_changes_json(&ch));
    audit_changes_free(&ch);
    if (rc != 0 || alarm_get(c, id, out) != DB_ROW)
        return fx_fail(err, FX_EINTERNAL, "db_error", "could not save the acknowledgement");
    return 0;
}

/* ---- the clock's check ---- */

#define SILENT_BATCH 512

int sensor_check_silent(db_conn *c, int64_t now, int64_t silent_s)
{
    /* Collected first, then raised: the search reads alarms, which raising writes. */
    device *rows = malloc(sizeof *rows * SILENT_BATCH);
    int64_t *since = malloc(sizeof *since * SILENT_BATCH);
    if (!rows || !since) {
        free(rows);
        free(since);
        return DB_ERR;
    }
    int total = 0, rc = 0, n;
    do {
        db_stmt *s = db_prepare(c, "SELECT d.id, d.household_id, d.area_id, d.code, a.path, d.seen_at"
                                   " FROM devices d JOIN areas a ON a.id = d.area_id"
                                   " WHERE d.status = 'active' AND d.seen_at < $1 AND NOT EXISTS (SELECT 1 FROM alarms al"
                                    " WHERE al.device_id = d.id AND al.kind = 'silent' AND (al.at > d.seen_at OR al.status = 'open'))"
                                   " LIMIT $2");
        if (!s) {
            rc = DB_ERR;
            break;
        }
        db_bind_i64(s, 1, now - silent_s);
        db_bind_i64(s, 2, SILENT_BATCH);
        n = 0;
        while (n < SILENT_BATCH && (rc = db_step(s)) == DB_ROW) {
            device *d = &rows[n];
            memset(d, 0, sizeof *d);
            d->id = db_col_i64(s, 0);
            d->household_id = db_col_i64(s, 1);
            d->area_id = db_col_i64(s, 2);
            fx_copy(d->code, sizeof d->code, db_col_text(s, 3));
            fx_copy(d->area_path, sizeof d->area_path, db_col_text(s, 4));
            since[n++] = db_col_i64(s, 5);
        }
        db_done(s);
        if (rc < 0)
            break;
        rc = 0;
        int raised_now = 0;
        for (int i = 0; i < n && rc >= 0; i++) {
            int64_t id;
            rc = raise_alarm(c, &rows[i], "silent", 0, since[i] + silent_s, &id);
            raised_now += id != 0;
        }
        total += raised_now;
    } while (n == SILENT_BATCH && rc >= 0);
    free(rows);
    free(since);
    if (rc < 0)
        return rc;
    if (total > 0) {
        audit_actor clock = {.kind = "system", .name = "clock", .ip = "", .request_id = ""};
        char changes[64];
        snprintf(changes, sizeof changes, "{\"silent_alarms\":%d}", total);
        if (audit_record(c, &clock, "raise", "alarm", "silent", changes) != 0)
            return DB_ERR;
    }
    return total;
}
