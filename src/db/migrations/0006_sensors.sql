-- 0006 sensors and resident services: door sensors (devices, every event they send, alarms),
-- approved door-opening windows, garbage rounds with a mark per household, service requests
-- and counselling notes.

-- A door sensor registered to a household. Its API token (api_tokens, kind 'device') is how it
-- posts over HTTP; mqtt_hash is the same token in mosquitto_passwd's PBKDF2 form ($7$), written
-- into the broker's password file, because only hashes are stored and the broker needs its own.
CREATE TABLE devices (
    id           BIGINT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,              -- the device id: MQTT username and topic segment
    household_id BIGINT NOT NULL REFERENCES households(id),
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the household's area (scope)
    token_id     BIGINT NOT NULL UNIQUE REFERENCES api_tokens(id),
    mqtt_hash    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status = 'active' OR status = 'disabled'),
    last_seen    BIGINT,                            -- the latest event time (by its own `at`), NULL before any
    seen_at      BIGINT NOT NULL,                   -- last_seen, or the registration before any: silence counts from it
    door         TEXT NOT NULL DEFAULT 'unknown' CHECK (door = 'unknown' OR door = 'open' OR door = 'closed'),
    door_at      BIGINT,                            -- `at` of the open/close that set door
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX devices_household ON devices(household_id);
CREATE INDEX devices_area ON devices(area_id, id);
-- the silence check: active devices by how long ago they were heard
CREATE INDEX devices_seen ON devices(status, seen_at);

-- Every event is kept. event_key deduplicates: the device's own event id ("i:ID"), or
-- "t:TYPE:AT" when it sent none; HTTP and MQTT share it, so one event is stored once.
CREATE TABLE device_events (
    id           BIGINT PRIMARY KEY,
    device_id    BIGINT NOT NULL REFERENCES devices(id),
    event_key    TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type = 'open' OR type = 'close' OR type = 'heartbeat' OR type = 'battery_low'
                                      OR type = 'tamper'),
    at           BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    via          TEXT NOT NULL CHECK (via = 'http' OR via = 'mqtt'),
    late         INTEGER NOT NULL DEFAULT 0,        -- 1: arrived after an event of the device with a later `at`
    UNIQUE (device_id, event_key)
);

-- Times a door may open without an alarm: for one household, or (household_id NULL) for every
-- household of an area (a building's garbage pickup).
CREATE TABLE door_windows (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    household_id BIGINT REFERENCES households(id),
    kind         TEXT NOT NULL CHECK (kind = 'garbage' OR kind = 'delivery' OR kind = 'medical'),
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX door_windows_household ON door_windows(household_id, ends_at);
CREATE INDEX door_windows_ends ON door_windows(ends_at);

CREATE TABLE alarms (
    id              BIGINT PRIMARY KEY,
    device_id       BIGINT NOT NULL REFERENCES devices(id),
    household_id    BIGINT NOT NULL REFERENCES households(id),
    top_area_id     BIGINT NOT NULL,
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    kind            TEXT NOT NULL CHECK (kind = 'door_open' OR kind = 'silent' OR kind = 'battery_low' OR kind = 'tamper'),
    event_id        BIGINT REFERENCES device_events(id), -- NULL for silence
    at              BIGINT NOT NULL,                  -- when it happened (the event's `at`, or when silence passed the limit)
    raised_at       BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status = 'open' OR status = 'acknowledged'),
    outcome         TEXT,
    note            TEXT NOT NULL DEFAULT '',
    acknowledged_by TEXT NOT NULL DEFAULT '',
    acknowledged_at BIGINT
);
CREATE INDEX alarms_area ON alarms(area_id, status, id);
CREATE INDEX alarms_device ON alarms(device_id, kind, at);
-- one open alarm per device for a lasting condition; every door opening is its own alarm
CREATE UNIQUE INDEX alarms_condition ON alarms(device_id, kind) WHERE status = 'open' AND kind <> 'door_open';

-- A garbage round over a building: its window lets doors open; one mark per household collected.
CREATE TABLE garbage_rounds (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    window_id    BIGINT NOT NULL REFERENCES door_windows(id),
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX garbage_rounds_area ON garbage_rounds(area_id, starts_at);
CREATE TABLE garbage_marks (
    round_id     BIGINT NOT NULL REFERENCES garbage_rounds(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    done_at      BIGINT NOT NULL,
    done_by      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, household_id)
);

CREATE TABLE service_requests (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    person_id    BIGINT REFERENCES persons(id),
    kind         TEXT NOT NULL CHECK (kind = 'groceries' OR kind = 'medicine' OR kind = 'medical' OR kind = 'counselling'
                                      OR kind = 'other'),
    status       TEXT NOT NULL CHECK (status = 'open' OR status = 'assigned' OR status = 'in_progress' OR status = 'done'
                                      OR status = 'cancelled'),
    description  TEXT NOT NULL DEFAULT '',
    assignee_id  BIGINT REFERENCES users(id),
    deadline     BIGINT NOT NULL,
    feedback     TEXT NOT NULL DEFAULT '',
    overdue_at   BIGINT,                            -- when the overdue alert was raised
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    done_at      BIGINT
);
CREATE INDEX service_requests_area ON service_requests(area_id, id);
CREATE INDEX service_requests_assignee ON service_requests(assignee_id, id);
-- the overdue check: unfinished requests by deadline, not yet raised
CREATE INDEX service_requests_due ON service_requests(deadline) WHERE overdue_at IS NULL AND done_at IS NULL;

-- Read and written only by officers and counsellors.
CREATE TABLE counselling_notes (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    request_id   BIGINT REFERENCES service_requests(id),
    body         TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX counselling_notes_person ON counselling_notes(person_id, id);
