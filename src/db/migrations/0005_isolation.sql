-- 0005 isolation: isolation cases under versioned policies, their daily check-ins, zones
-- (sealed/controlled/precaution) with lifting rule sets, gate posts and their log.

-- A policy per isolation type; a change is a new version, never an update, because a
-- case keeps the version it started under until an officer moves it.
CREATE TABLE isolation_policies (
    id               BIGINT PRIMARY KEY,
    type             TEXT NOT NULL CHECK (type = 'central' OR type = 'home_isolation' OR type = 'home_monitoring'),
    version          INTEGER NOT NULL,
    days             INTEGER NOT NULL CHECK (days >= 1 AND days <= 60),
    test_days        TEXT NOT NULL,                   -- "1,4,7": days of the case (day 1 = the start's date) with a test
    checkins_per_day INTEGER NOT NULL CHECK (checkins_per_day >= 0 AND checkins_per_day <= 6),
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    UNIQUE (type, version)
);
INSERT INTO isolation_policies VALUES (1, 'central', 1, 14, '1,4,7,10,14', 2, 'preset', 0);
INSERT INTO isolation_policies VALUES (2, 'home_isolation', 1, 7, '1,4,7', 2, 'preset', 0);
INSERT INTO isolation_policies VALUES (3, 'home_monitoring', 1, 7, '1,7', 2, 'preset', 0);

CREATE TABLE isolations (
    id           BIGINT PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the person's area when the case began (scope)
    type         TEXT NOT NULL CHECK (type = 'central' OR type = 'home_isolation' OR type = 'home_monitoring'),
    reason       TEXT NOT NULL CHECK (reason = 'close_contact' OR reason = 'secondary_contact'
                                      OR reason = 'risk_area_arrival' OR reason = 'red_code' OR reason = 'yellow_code'
                                      OR reason = 'positive_pool' OR reason = 'confirmed_case'),
    policy_id    BIGINT NOT NULL REFERENCES isolation_policies(id),
    status       TEXT NOT NULL CHECK (status = 'active' OR status = 'released'),
    start_at     BIGINT NOT NULL,
    day0         BIGINT NOT NULL,                     -- local midnight of the start: day N begins at day0 + (N-1) days
    planned_end  BIGINT NOT NULL,
    tube_id      BIGINT REFERENCES tubes(id),         -- the positive pool that caused it
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    released_at  BIGINT,
    released_by  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX isolations_active ON isolations(person_id) WHERE status = 'active';
CREATE INDEX isolations_person ON isolations(person_id, created_at);
CREATE INDEX isolations_area ON isolations(area_id, status);
-- a person's samples by time: release needs their latest negative since the last test day
CREATE INDEX samples_person ON samples(person_id, taken_at);

-- Temperature and symptoms, as many a day as the case's policy asks.
CREATE TABLE isolation_checkins (
    id            BIGINT PRIMARY KEY,
    isolation_id  BIGINT NOT NULL REFERENCES isolations(id),
    at            BIGINT NOT NULL,
    temperature   DOUBLE PRECISION,
    symptoms      TEXT NOT NULL DEFAULT '',           -- comma-separated: fever, cough, sore_throat, …
    note          TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX isolation_checkins_case ON isolation_checkins(isolation_id, at);

-- Recalls also come from isolation test days (no tube caused them): the tube becomes
-- optional and the case is named. SQLite cannot drop a NOT NULL, hence the rebuild.
CREATE TABLE recalls_new (
    id           BIGINT PRIMARY KEY,
    round_id     BIGINT NOT NULL,
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    tube_id      BIGINT REFERENCES tubes(id),         -- the tube that caused it; NULL for an isolation test
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    reason       TEXT NOT NULL CHECK (reason = 'invalid' OR reason = 'positive_pool' OR reason = 'damaged'
                                      OR reason = 'isolation_test'),
    created_at   BIGINT NOT NULL,
    done_at      BIGINT,
    done_tube_id BIGINT,
    isolation_id BIGINT REFERENCES isolations(id),
    UNIQUE (round_id, person_id, tube_id, reason)
);
INSERT INTO recalls_new (id, round_id, person_id, tube_id, top_area_id, area_id, reason, created_at, done_at, done_tube_id)
    SELECT id, round_id, person_id, tube_id, top_area_id, area_id, reason, created_at, done_at, done_tube_id FROM recalls;
DROP TABLE recalls;
ALTER TABLE recalls_new RENAME TO recalls;
CREATE INDEX recalls_round ON recalls(round_id, id);
CREATE INDEX recalls_person ON recalls(person_id, round_id);
CREATE INDEX recalls_tube ON recalls(tube_id);
CREATE UNIQUE INDEX recalls_isolation ON recalls(round_id, person_id, reason) WHERE tube_id IS NULL;

-- Lifting rule sets: stages applied one officer act at a time. A stage holds after
-- quiet_days without a new case (counted from the zone's start or its latest positive)
-- and, when negative_days > 0, a negative round (samples of the zone's people, all
-- resulted negative) within the last negative_days; it turns the zone into to_kind.
CREATE TABLE zone_rules (
    id           BIGINT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    description  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE TABLE zone_rule_stages (
    rule_id       BIGINT NOT NULL REFERENCES zone_rules(id),
    step          INTEGER NOT NULL,                   -- 1, 2, … in order
    quiet_days    INTEGER NOT NULL,
    negative_days INTEGER NOT NULL,
    to_kind       TEXT NOT NULL CHECK (to_kind = 'lifted' OR to_kind = 'controlled' OR to_kind = 'precaution'),
    PRIMARY KEY (rule_id, step)
);
INSERT INTO zone_rules VALUES (1, '14d', '14 days without a new case and a negative round within 2 days', 0);
INSERT INTO zone_rule_stages VALUES (1, 1, 14, 2, 'lifted');
INSERT INTO zone_rules VALUES (2, '7+3', 'high to medium after 7 days without a case and a negative round on day 7, to low after 3 more', 0);
INSERT INTO zone_rule_stages VALUES (2, 1, 7, 1, 'controlled');
INSERT INTO zone_rule_stages VALUES (2, 2, 10, 0, 'lifted');

CREATE TABLE zones (
    id             BIGINT PRIMARY KEY,
    top_area_id    BIGINT NOT NULL,
    area_id        BIGINT NOT NULL REFERENCES areas(id), -- a compound or a building
    kind           TEXT NOT NULL CHECK (kind = 'sealed' OR kind = 'controlled' OR kind = 'precaution'),
    status         TEXT NOT NULL CHECK (status = 'proposed' OR status = 'active' OR status = 'lifted' OR status = 'dismissed'),
    rule_id        BIGINT NOT NULL REFERENCES zone_rules(id),
    stage          INTEGER NOT NULL DEFAULT 1,        -- the rule's next stage
    cause_kind     TEXT NOT NULL CHECK (cause_kind = 'tube' OR cause_kind = 'isolation' OR cause_kind = 'other'),
    cause_tube_id  BIGINT REFERENCES tubes(id),
    cause_isolation_id BIGINT REFERENCES isolations(id),
    cause_note     TEXT NOT NULL DEFAULT '',
    start_at       BIGINT,                            -- activation
    count_from     BIGINT,                            -- the start, or the latest positive inside since
    last_case_at   BIGINT,
    stage_at       BIGINT,                            -- when the last stage was applied
    proposed_at    BIGINT,
    lifted_at      BIGINT,
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX zones_area ON zones(area_id, status);
CREATE INDEX zones_status ON zones(status, id);

CREATE TABLE zone_gates (
    id          BIGINT PRIMARY KEY,
    zone_id     BIGINT NOT NULL REFERENCES zones(id),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (zone_id, name)
);

-- Who and what passed a gate: people in and out, deliveries to households.
CREATE TABLE gate_log (
    id           BIGINT PRIMARY KEY,
    gate_id      BIGINT NOT NULL REFERENCES zone_gates(id),
    zone_id      BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind = 'entry' OR kind = 'exit' OR kind = 'delivery'),
    person_id    BIGINT REFERENCES persons(id),
    name         TEXT NOT NULL DEFAULT '',
    household_id BIGINT REFERENCES households(id),
    note         TEXT NOT NULL DEFAULT '',
    at           BIGINT NOT NULL,
    recorded_by  TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX gate_log_gate ON gate_log(gate_id, at);
