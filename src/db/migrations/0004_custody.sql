-- 0004 custody: box handovers and their discrepancies, lab results with their history,
-- the positive flow (recalls, pending control, the officer's decision), alerts to
-- workstations, and turnaround times with their limits.

-- One step of a box's chain of custody, as the handing side reported it.
-- (box, to, at) is the handover's identity: the same report again is stored once.
CREATE TABLE handovers (
    id           BIGINT PRIMARY KEY,
    box_id       BIGINT NOT NULL REFERENCES boxes(id),
    round_id     BIGINT NOT NULL,
    top_area_id  BIGINT NOT NULL,
    to_kind      TEXT NOT NULL CHECK (to_kind = 'driver' OR to_kind = 'hub' OR to_kind = 'lab'),
    vehicle      TEXT NOT NULL DEFAULT '',
    by_name      TEXT NOT NULL DEFAULT '',            -- who handed it over
    received_by  TEXT NOT NULL DEFAULT '',
    counted      INTEGER NOT NULL,                    -- tubes counted at this step
    at           BIGINT NOT NULL,                     -- event time
    recorded_by  TEXT NOT NULL DEFAULT '',            -- the account that posted it
    created_at   BIGINT NOT NULL,
    UNIQUE (box_id, to_kind, at)
);

-- A missing, extra or damaged tube, raised for the round's officers until one resolves it.
CREATE TABLE discrepancies (
    id           BIGINT PRIMARY KEY,
    round_id     BIGINT NOT NULL,
    box_id       BIGINT NOT NULL REFERENCES boxes(id),
    handover_id  BIGINT,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the box's site area (scope)
    kind         TEXT NOT NULL CHECK (kind = 'missing' OR kind = 'extra' OR kind = 'damaged'),
    expected     INTEGER NOT NULL,                     -- tubes the box was sealed with
    counted      INTEGER NOT NULL,
    tube_id      BIGINT,                               -- the damaged tube
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    resolved_at  BIGINT,
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX discrepancies_round ON discrepancies(round_id, id);
CREATE INDEX discrepancies_box ON discrepancies(box_id);

-- A tube's current result; what it replaced is in result_history.
CREATE TABLE results (
    tube_id      BIGINT PRIMARY KEY REFERENCES tubes(id),
    round_id     BIGINT NOT NULL,
    top_area_id  BIGINT NOT NULL,
    result       TEXT NOT NULL CHECK (result = 'negative' OR result = 'positive' OR result = 'invalid'),
    ct           DOUBLE PRECISION,
    at           BIGINT NOT NULL,                     -- the lab's time of this result
    first_at     BIGINT NOT NULL,                     -- the lab's time of the first result (turnaround)
    version      INTEGER NOT NULL DEFAULT 1,
    posted_by    TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX results_round ON results(round_id, result);

-- Every result a correction replaced, with the reason given for replacing it.
CREATE TABLE result_history (
    id           BIGINT PRIMARY KEY,
    tube_id      BIGINT NOT NULL REFERENCES tubes(id),
    version      INTEGER NOT NULL,
    result       TEXT NOT NULL,
    ct           DOUBLE PRECISION,
    at           BIGINT NOT NULL,
    posted_by    TEXT NOT NULL DEFAULT '',
    replaced_at  BIGINT NOT NULL,
    replaced_by  TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL                        -- the correction_reason of the replacing result
);
CREATE INDEX result_history_tube ON result_history(tube_id, version);

-- People called back for a single-tube retest.
CREATE TABLE recalls (
    id           BIGINT PRIMARY KEY,
    round_id     BIGINT NOT NULL,
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    tube_id      BIGINT NOT NULL REFERENCES tubes(id), -- the tube that caused it
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the person's area (scope, workstation)
    reason       TEXT NOT NULL CHECK (reason = 'invalid' OR reason = 'positive_pool' OR reason = 'damaged'),
    created_at   BIGINT NOT NULL,
    done_at      BIGINT,                               -- retested (result in) or cancelled
    done_tube_id BIGINT,                               -- the retest's tube; NULL when cancelled
    UNIQUE (round_id, person_id, tube_id, reason)
);
CREATE INDEX recalls_round ON recalls(round_id, id);
CREATE INDEX recalls_person ON recalls(person_id, round_id);
CREATE INDEX recalls_tube ON recalls(tube_id);

-- A positive pool and the officer's one confirming decision on it.
CREATE TABLE positive_pools (
    tube_id      BIGINT PRIMARY KEY REFERENCES tubes(id),
    round_id     BIGINT NOT NULL,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- the tube's site area (scope)
    status       TEXT NOT NULL CHECK (status = 'pending' OR status = 'confirmed' OR status = 'withdrawn'),
    members      INTEGER NOT NULL,
    detected_at  BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX positive_pools_round ON positive_pools(round_id, status);

-- Members of positive pools held where they are until the officer decides.
CREATE TABLE pending_control (
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    tube_id      BIGINT NOT NULL REFERENCES tubes(id),
    round_id     BIGINT NOT NULL,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    state        TEXT NOT NULL CHECK (state = 'pending' OR state = 'confirmed' OR state = 'cleared'),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (person_id, tube_id)
);
CREATE INDEX pending_control_round ON pending_control(round_id, state);
CREATE INDEX pending_control_tube ON pending_control(tube_id);

-- What the officer's decision put under control: households and buildings.
CREATE TABLE control_targets (
    tube_id      BIGINT NOT NULL REFERENCES tubes(id),
    kind         TEXT NOT NULL CHECK (kind IN ('household','building')),
    target_id    BIGINT NOT NULL,                     -- households.id or areas.id
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tube_id, kind, target_id)
);

-- Messages to the people of an area (a workstation, a round's office); later issues add kinds.
CREATE TABLE alerts (
    id              BIGINT PRIMARY KEY,
    top_area_id     BIGINT NOT NULL,
    area_id         BIGINT NOT NULL REFERENCES areas(id),
    kind            TEXT NOT NULL,                    -- positive_pool, discrepancy, …
    entity          TEXT NOT NULL,                    -- what it is about, as in the audit log
    entity_id       TEXT NOT NULL,
    message         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_area ON alerts(area_id, id);

-- Turnaround per box: when each step first happened (event times), kept current by
-- handovers and results. The seal time is boxes.sealed_at.
CREATE TABLE box_turnaround (
    box_id       BIGINT PRIMARY KEY REFERENCES boxes(id),
    round_id     BIGINT NOT NULL,
    picked_at    BIGINT,
    hub_at       BIGINT,
    lab_at       BIGINT,
    resulted     INTEGER NOT NULL DEFAULT 0,          -- tubes with a result
    last_result  BIGINT,                              -- the latest first result among them
    result_at    BIGINT                               -- set once every tube has a result
);
CREATE INDEX box_turnaround_round ON box_turnaround(round_id);

-- Turnaround limits in minutes: round 0 is the default for rounds without their own row.
-- A box is at risk from warn minutes before a limit until the limit, breached after it.
CREATE TABLE turnaround_limits (
    round_id         BIGINT PRIMARY KEY,
    to_lab_min       INTEGER NOT NULL,
    to_result_min    INTEGER NOT NULL,
    lab_warn_min     INTEGER NOT NULL,
    result_warn_min  INTEGER NOT NULL,
    updated_at       BIGINT NOT NULL
);
INSERT INTO turnaround_limits VALUES (0, 90, 720, 20, 120, 0);
