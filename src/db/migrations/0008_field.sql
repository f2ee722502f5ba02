-- 0008 field: checkpoints and their arrival entries judged by versioned rules against
-- dated risk-area lists; work orders pushed by the city platform, routed, handled, with
-- their history and the feedback queued for the platform's webhook.

CREATE TABLE checkpoints (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    area_id     BIGINT NOT NULL REFERENCES areas(id),
    posts       INTEGER NOT NULL DEFAULT 1 CHECK (posts >= 1 AND posts <= 50),
    hours       TEXT NOT NULL DEFAULT '00:00-24:00',   -- local "HH:MM-HH:MM"
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (area_id, name)
);

-- Risk areas as published (a city or district name), each valid for a period:
-- an arrival is judged against the entries valid at its own time.
CREATE TABLE risk_areas (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level = 'high' OR level = 'medium' OR level = 'low'),
    valid_from  BIGINT NOT NULL,
    valid_to    BIGINT NOT NULL,                         -- exclusive
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (name, valid_from)
);
CREATE INDEX risk_areas_valid ON risk_areas(valid_from);

-- The arrival decision rules; a change is a new version effective from a time, so an
-- entry synced late is judged by the version in force at its own time.
CREATE TABLE arrival_rules (
    id              BIGINT PRIMARY KEY,
    version         INTEGER NOT NULL UNIQUE,
    effective_from  BIGINT NOT NULL,
    fever           DOUBLE PRECISION NOT NULL,           -- at or above: the fever rule
    on_fever        TEXT NOT NULL,
    on_red          TEXT NOT NULL,
    on_high         TEXT NOT NULL,                       -- visited a high-risk area in the last lookback_days
    on_yellow       TEXT NOT NULL,
    on_medium       TEXT NOT NULL,
    lookback_days   INTEGER NOT NULL CHECK (lookback_days >= 1 AND lookback_days <= 28),
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    CHECK ((on_fever = 'pass' OR on_fever = 'home_monitoring' OR on_fever = 'home_isolation' OR on_fever = 'refer')
       AND (on_red = 'pass' OR on_red = 'home_monitoring' OR on_red = 'home_isolation' OR on_red = 'refer')
       AND (on_high = 'pass' OR on_high = 'home_monitoring' OR on_high = 'home_isolation' OR on_high = 'refer')
       AND (on_yellow = 'pass' OR on_yellow = 'home_monitoring' OR on_yellow = 'home_isolation' OR on_yellow = 'refer')
       AND (on_medium = 'pass' OR on_medium = 'home_monitoring' OR on_medium = 'home_isolation' OR on_medium = 'refer'))
);
INSERT INTO arrival_rules VALUES (1, 1, 0, 37.3, 'refer', 'refer', 'home_isolation', 'home_monitoring',
                                  'home_monitoring', 14, 'preset', 0);

CREATE TABLE arrivals (
    id             BIGINT PRIMARY KEY,
    client_id      TEXT NOT NULL UNIQUE,                 -- made by the phone: the same entry twice is stored once
    checkpoint_id  BIGINT NOT NULL REFERENCES checkpoints(id),
    area_id        BIGINT NOT NULL REFERENCES areas(id), -- the destination household's area, else the checkpoint's
    person_id      BIGINT NOT NULL REFERENCES persons(id),
    walk_in        INTEGER NOT NULL DEFAULT 0,
    household_id   BIGINT REFERENCES households(id),
    plate          TEXT NOT NULL DEFAULT '',
    health_code    TEXT NOT NULL CHECK (health_code = 'green' OR health_code = 'yellow' OR health_code = 'red'),
    cities         TEXT NOT NULL DEFAULT '',             -- places visited in the last 14 days, '|'-separated
    temperature    DOUBLE PRECISION,
    purpose        TEXT NOT NULL DEFAULT '',
    hardship       TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL,                      -- when it happened at the checkpoint
    decision       TEXT NOT NULL CHECK (decision = 'pass' OR decision = 'home_monitoring'
                                        OR decision = 'home_isolation' OR decision = 'refer'),
    rule           TEXT NOT NULL,                        -- which rule decided: fever, red, high_risk_area, …, none
    matched        TEXT NOT NULL DEFAULT '',             -- the risk area that matched
    rules_version  INTEGER NOT NULL,
    isolation_id   BIGINT REFERENCES isolations(id),
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX arrivals_area ON arrivals(area_id, at);
CREATE INDEX arrivals_person ON arrivals(person_id, at);
CREATE INDEX arrivals_red ON arrivals(person_id) WHERE health_code = 'red';

-- Hardship noted at entry, waiting to become a resident request (requests come with
-- migration 0006; its code takes these rows over and sets taken_at).
CREATE TABLE arrival_hardships (
    id           BIGINT PRIMARY KEY,
    arrival_id   BIGINT NOT NULL UNIQUE REFERENCES arrivals(id),
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    note         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    taken_at     BIGINT
);

CREATE TABLE work_orders (
    id                 BIGINT PRIMARY KEY,
    external_id        TEXT NOT NULL UNIQUE,
    token_id           BIGINT REFERENCES api_tokens(id),   -- the partner that pushed it (NULL: CLI)
    kind               TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL,
    body               TEXT NOT NULL DEFAULT '',
    subject_id_number  TEXT NOT NULL DEFAULT '',
    subject_name       TEXT NOT NULL DEFAULT '',
    subject_address    TEXT NOT NULL DEFAULT '',
    person_id          BIGINT REFERENCES persons(id),
    area_id            BIGINT REFERENCES areas(id),        -- routed workstation, or the triage area; NULL: system triage
    routing            TEXT NOT NULL CHECK (routing = 'person' OR routing = 'address' OR routing = 'triage'
                                            OR routing = 'manual'),
    assignee_id        BIGINT REFERENCES users(id),
    status             TEXT NOT NULL CHECK (status = 'new' OR status = 'accepted' OR status = 'in_progress'
                                            OR status = 'done' OR status = 'returned'),
    deadline           BIGINT NOT NULL,
    feedback           TEXT NOT NULL DEFAULT '',
    handled_by         TEXT NOT NULL DEFAULT '',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX work_orders_area ON work_orders(area_id, id);
CREATE INDEX work_orders_open ON work_orders(deadline) WHERE status = 'new' OR status = 'accepted' OR status = 'in_progress';

-- Every change of an order, oldest first.
CREATE TABLE work_order_events (
    id          BIGINT PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES work_orders(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,                           -- push, route, assign, status
    status      TEXT NOT NULL,                           -- the status after it
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_order_events_order ON work_order_events(order_id, id);

-- Feedback for the platform's webhook, in the contract's format, until a sender
-- (the outbox of migration 0007) delivers it and sets sent_at.
CREATE TABLE work_order_feedback (
    id          BIGINT PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES work_orders(id),
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX work_order_feedback_unsent ON work_order_feedback(id) WHERE sent_at IS NULL;
