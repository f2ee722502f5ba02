/* mqtt.h — the server's MQTT subscriber (libmosquitto): door-sensor events published by
 * each device on fangxian/devices/{DEVICE-ID}/events reach the same core path as HTTP.
 * The broker authenticates devices and allows each only its own topic (its password
 * file and ACL come from `fangxian devices mosquitto-config`). */
#ifndef MQTT_H
#define MQTT_H
#include "db/db.h"

#include <stddef.h>

typedef struct mqtt_options {
    const char *host;     /* NULL: MQTT off */
    int port;
    const char *username; /* the server's own account at the broker */
    const char *password;
    /* The session's name at the broker: fixed, with a persistent session (clean_session
     * false) and a QoS 1 subscription, so the broker queues events for the server while
     * it is down and delivers them when it is back. NULL: "fangxian-server". */
    const char *client_id;
} mqtt_options;

typedef struct mqtt_listener mqtt_listener;

/* Starts the subscriber thread; it connects (and reconnects) on its own. NULL with err. */
mqtt_listener *mqtt_start(db *d, const mqtt_options *o, char *err, size_t errlen);
/* Disconnects, stores what it has received, stops. NULL is fine. */
void mqtt_stop(mqtt_listener *m);

#endif
