#include "ingest/mqtt.h"

#include "core/sensor.h"
#include "ingest/sensor_json.h"
#include "util/fx_log.h"
#include "util/fx_str.h"

#include <jansson.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOPIC_FILTER "fangxian/devices/+/events"
#define TOPIC_PREFIX "fangxian/devices/"
/* Events gathered from the messages of one network read go to the writer together: under
 * load a read brings many, so one commit (one fsync) and one audit entry cover them all. */
#define BATCH_MAX 4096

struct mqtt_listener {
    db *d;
    struct mosquitto *mosq;
    pthread_t th;
    _Atomic bool stop;
    int n;
    sensor_event ev[BATCH_MAX];
    sensor_result res[BATCH_MAX];
};

static int ingest_job(db_conn *c, void *arg)
{
    mqtt_listener *m = arg;
    audit_actor log = {.kind = "system", .name = "mqtt", .ip = "", .request_id = ""};
    return sensor_ingest(c, &log, "mqtt", m->ev, m->n, m->res);
}

/* Stores what has been gathered; the thread waits for the commit, so a busy writer slows
 * reading from the broker (which queues) rather than losing events. */
static void flush(mqtt_listener *m)
{
    if (m->n == 0)
        return;
    int rc;
    while ((rc = db_write(m->d, ingest_job, m)) == DB_EOVERLOAD)
        usleep(20000);
    if (rc < 0)
        fx_log(FX_LOG_ERROR, "mqtt: %d event(s) could not be stored (%d)", m->n, rc);
    m->n = 0;
}

static void on_connect(struct mosquitto *mosq, void *arg, int rc)
{
    (void)arg;
    if (rc != 0) {
        fx_log(FX_LOG_WARN, "mqtt: broker refused the connection: %s", mosquitto_connack_string(rc));
        return;
    }
    if (mosquitto_subscribe(mosq, NULL, TOPIC_FILTER, 1) != MOSQ_ERR_SUCCESS)
        fx_log(FX_LOG_WARN, "mqtt: could not subscribe to %s", TOPIC_FILTER);
    else
        fx_log(FX_LOG_INFO, "mqtt: connected, subscribed to %s", TOPIC_FILTER);
}

static void on_message(struct mosquitto *mosq, void *arg, const struct mosquitto_message *msg)
{
    (void)mosq;
    mqtt_listener *m = arg;
    /* the device is the topic's middle segment; the broker let only that device publish there */
    const char *t = msg->topic;
    size_t pl = strlen(TOPIC_PREFIX);
    const char *end = strncmp(t, TOPIC_PREFIX, pl) == 0 ? strchr(t + pl, '/') : NULL;
    char dev[SENSOR_CODE_MAX + 1];
    if (!end || strcmp(end, "/events") != 0 || (size_t)(end - t - (ptrdiff_t)pl) > SENSOR_CODE_MAX)
        return;
    memcpy(dev, t + pl, (size_t)(end - t) - pl);
    dev[(size_t)(end - t) - pl] = '\0';
    json_error_t e;
    json_t *root = json_loadb(msg->payload, (size_t)msg->payloadlen, JSON_REJECT_DUPLICATES, &e);
    json_t *events = json_object_get(root, "events");
    if (!json_is_array(events)) {
        fx_log(FX_LOG_WARN, "mqtt: device %s sent a message without an events list", dev);
        json_decref(root);
        return;
    }
    for (size_t i = 0; i < json_array_size(events); i++) {
        sensor_result bad;
        sensor_event *ev = &m->ev[m->n];
        if (!sensor_event_parse(json_array_get(events, i), (int)i, ev, &bad)) {
            fx_log(FX_LOG_WARN, "mqtt: device %s: %s", dev, bad.err.msg);
            continue;
        }
        if (strcmp(ev->device, dev) != 0) {
            fx_log(FX_LOG_WARN, "mqtt: an event on %s's topic names device %s: dropped", dev, ev->device);
            continue;
        }
        if (++m->n == BATCH_MAX)
            flush(m);
    }
    json_decref(root);
}

static void *mqtt_main(void *arg)
{
    mqtt_listener *m = arg;
    while (!m->stop) {
        /* libmosquitto reads one packet per call: keep reading while messages are waiting (no
         * wait when some are gathered), then store them together */
        int before = m->n;
        int rc = mosquitto_loop(m->mosq, m->n ? 0 : 100, 1);
        if (rc == MOSQ_ERR_SUCCESS && m->n > before)
            continue;
        flush(m);
        if (rc != MOSQ_ERR_SUCCESS && !m->stop) {
            for (int i = 0; i < 10 && !m->stop; i++)
                usleep(100000);
            if (!m->stop && mosquitto_reconnect(m->mosq) != MOSQ_ERR_SUCCESS)
                fx_log(FX_LOG_WARN, "mqtt: broker unreachable; retrying");
        }
    }
    flush(m);
    mosquitto_disconnect(m->mosq);
    db_reader_release(m->d);
    return NULL;
}

mqtt_listener *mqtt_start(db *d, const mqtt_options *o, char *err, size_t errlen)
{
    mosquitto_lib_init();
    mqtt_listener *m = calloc(1, sizeof *m);
    /* A persistent session: what devices publish (QoS 1) while the server is away waits at
     * the broker. libmosquitto 2.0 acknowledges a message before on_message runs, so a
     * message is the broker's no more once read: see docs/architecture.md for that window. */
    if (!m || !(m->mosq = mosquitto_new(o->client_id ? o->client_id : "fangxian-server", false, m))) {
        snprintf(err, errlen, "mqtt: out of memory");
        free(m);
        mosquitto_lib_cleanup();
        return NULL;
    }
    m->d = d;
    mosquitto_connect_callback_set(m->mosq, on_connect);
    mosquitto_message_callback_set(m->mosq, on_message);
    if (o->username && mosquitto_username_pw_set(m->mosq, o->username, o->password) != MOSQ_ERR_SUCCESS) {
        snprintf(err, errlen, "mqtt: bad username or password");
        mosquitto_destroy(m->mosq);
        free(m);
        mosquitto_lib_cleanup();
        return NULL;
    }
    /* a broker not up yet is no reason not to serve HTTP: the thread keeps trying */
    if (mosquitto_connect(m->mosq, o->host, o->port, 30) != MOSQ_ERR_SUCCESS)
        fx_log(FX_LOG_WARN, "mqtt: cannot reach %s:%d yet; retrying", o->host, o->port);
    if (pthread_create(&m->th, NULL, mqtt_main, m) != 0) {
        snprintf(err, errlen, "mqtt: cannot start a thread");
        mosquitto_destroy(m->mosq);
        free(m);
        mosquitto_lib_cleanup();
        return NULL;
    }
    return m;
}

void mqtt_stop(mqtt_listener *m)
{
    if (!m)
        return;
    m->stop = true;
    pthread_join(m->th, NULL);
    mosquitto_destroy(m->mosq);
    free(m);
    mosquitto_lib_cleanup();
}
