/* sensor_json.h — a door-sensor event in the contract's JSON, read the same way from an
 * HTTP body and an MQTT message, so both paths accept and refuse exactly the same. */
#ifndef SENSOR_JSON_H
#define SENSOR_JSON_H
#include "core/sensor.h"

#include <jansson.h>

/* events[i] into ev; false with res rejected, naming the field and what was expected. */
bool sensor_event_parse(json_t *o, int i, sensor_event *ev, sensor_result *res);

#endif
