#include "ingest/sensor_json.h"

#include "util/fx_str.h"

#include <stdio.h>
#include <string.h>

static void reject(sensor_result *res, const char *code, int i, const char *what)
{
    res->status = SENSOR_REJECTED;
    fx_fail(&res->err, FX_EINVAL, code, "events[%d]%s", i, what);
}

bool sensor_event_parse(json_t *o, int i, sensor_event *ev, sensor_result *res)
{
    memset(ev, 0, sizeof *ev);
    static const char *const known[] = {"id", "device", "type", "at"};
    const char *key;
    json_t *v;
    if (!json_is_object(o)) {
        reject(res, "invalid_event", i, " must be an object");
        return false;
    }
    json_object_foreach(o, key, v) {
        bool ok = false;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            ok = ok || strcmp(key, known[k]) == 0;
        if (!ok) {
            reject(res, "unknown_field", i, " has a field this API does not know");
            return false;
        }
    }
    json_t *id = json_object_get(o, "id");
    if (json_is_integer(id))
        snprintf(ev->id, sizeof ev->id, "%lld", (long long)json_integer_value(id));
    else if (id && (!json_is_string(id) || !sensor_code_valid(json_string_value(id)))) {
        reject(res, "invalid_id", i, ".id must be 1-64 letters, digits, '-', '_' or '.', or a number");
        return false;
    } else if (id)
        fx_copy(ev->id, sizeof ev->id, json_string_value(id));
    const char *dev = json_string_value(json_object_get(o, "device"));
    if (!dev || !sensor_code_valid(dev)) {
        reject(res, "invalid_device", i, ".device must be the device id");
        return false;
    }
    fx_copy(ev->device, sizeof ev->device, dev);
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!sensor_type_valid(type)) {
        reject(res, "invalid_type", i, ".type must be open, close, heartbeat, battery_low or tamper");
        return false;
    }
    fx_copy(ev->type, sizeof ev->type, type);
    json_t *at = json_object_get(o, "at");
    if (!json_is_integer(at) || json_integer_value(at) < 1 || json_integer_value(at) > 4102444800LL) {
        reject(res, "invalid_at", i, ".at must be epoch seconds");
        return false;
    }
    ev->at = json_integer_value(at);
    return true;
}
