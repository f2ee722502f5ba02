-- 0007 transport: a round's vehicles, hub and pickup schedule; its stored plans (the
-- current one is what drivers follow and reminders are made from); message channels
-- and the outbox that delivers reminders and alarms at least once, across restarts.

-- The hub and the rules of a round's transport. Minutes in plans count from day0
-- (local midnight of the round's first day).
CREATE TABLE transport_setups (
    round_id        BIGINT PRIMARY KEY REFERENCES rounds(id),
    hub             TEXT NOT NULL,                    -- the hub's id in plans ("LAB")
    hub_lat         DOUBLE PRECISION,
    hub_lng         DOUBLE PRECISION,
    matrix          TEXT,                             -- JSON travel matrix (contract format), else coordinates
    speed_kmh       DOUBLE PRECISION NOT NULL DEFAULT 30,
    deadline_min    INTEGER NOT NULL DEFAULT 90,
    service_min     INTEGER NOT NULL DEFAULT 3,
    lead_min        INTEGER NOT NULL DEFAULT 15,      -- reminders this long before a pickup or run
    replan_min      INTEGER NOT NULL DEFAULT 10,      -- a seal this far off the plan re-plans
    day0            BIGINT NOT NULL,
    seen_box_id     BIGINT NOT NULL DEFAULT 0,        -- boxes up to this id were compared with the plan
    updated_by      TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);

CREATE TABLE transport_vehicles (
    round_id     BIGINT NOT NULL REFERENCES rounds(id),
    vehicle      TEXT NOT NULL,                       -- plate or fleet number, as in handovers
    shift_start  BIGINT NOT NULL,
    shift_end    BIGINT NOT NULL,
    capacity     INTEGER NOT NULL,
    driver       TEXT NOT NULL DEFAULT '',            -- username of its driver (their runs)
    PRIMARY KEY (round_id, vehicle)
);
CREATE INDEX transport_vehicles_driver ON transport_vehicles(driver);

CREATE TABLE transport_pickups (
    round_id        BIGINT NOT NULL REFERENCES rounds(id),
    site_id         BIGINT NOT NULL REFERENCES sites(id),
    first_seal      BIGINT NOT NULL,
    every_min       INTEGER NOT NULL,
    last_seal       BIGINT NOT NULL,
    boxes_per_seal  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (round_id, site_id)
);

-- Every plan made for a round; current = 1 on the one in force.
CREATE TABLE transport_plans (
    id              BIGINT PRIMARY KEY,
    round_id        BIGINT NOT NULL REFERENCES rounds(id),
    version         INTEGER NOT NULL,
    current         INTEGER NOT NULL DEFAULT 1,
    reason          TEXT NOT NULL CHECK (reason = 'plan' OR reason = 'replan' OR reason = 'deviation'),
    kept            INTEGER NOT NULL DEFAULT 0,       -- drivers' current runs kept
    late_boxes      INTEGER NOT NULL,
    total_late_min  INTEGER NOT NULL,
    vehicles_used   INTEGER NOT NULL,
    problem         TEXT NOT NULL,                    -- the problem the future part was planned from
    plan            TEXT NOT NULL,                    -- the whole plan: done stops and the future
    made_by         TEXT NOT NULL DEFAULT '',
    made_at         BIGINT NOT NULL,
    UNIQUE (round_id, version)
);
CREATE INDEX transport_plans_current ON transport_plans(round_id, current);

-- Where messages go. A channel belongs to a round (NULL: every round in its area) and
-- may be narrowed to one site or one vehicle; audience says which messages it gets.
CREATE TABLE channels (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    round_id     BIGINT REFERENCES rounds(id),
    site_id      BIGINT REFERENCES sites(id),
    vehicle      TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL CHECK (audience = 'site' OR audience = 'driver' OR audience = 'officer'),
    kind         TEXT NOT NULL CHECK (kind = 'wecom' OR kind = 'dingtalk' OR kind = 'webhook'),
    name         TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL DEFAULT '',            -- never returned by the API
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX channels_round ON channels(round_id);

-- One message to one channel. idem_key names the message (the same reminder is queued
-- once) and travels with every attempt, so a receiver can drop a repeat.
CREATE TABLE outbox (
    id           BIGINT PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels(id),
    idem_key     TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind = 'site_reminder' OR kind = 'driver_run' OR kind = 'box_at_risk'),
    round_id     BIGINT NOT NULL,
    text         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'failed'),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_at);
CREATE INDEX outbox_round ON outbox(round_id, id);
