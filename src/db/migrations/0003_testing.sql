-- 0003 testing: mass-testing rounds, sampling sites, pooled tubes, samples, sealed boxes,
-- and the per-round coverage counters kept current as samples arrive.
-- Custody (handovers, discrepancies), results and the positive flow follow in 0004.

-- A round: who is in scope (round_areas) and how their samples are pooled.
CREATE TABLE rounds (
    id              BIGINT PRIMARY KEY,
    name            TEXT NOT NULL,
    area_id         BIGINT NOT NULL REFERENCES areas(id), -- the area that owns it (its officers run it)
    start_at        BIGINT NOT NULL,
    deadline        BIGINT NOT NULL,
    -- pooling policy by risk level: pool size for an area at that level (configurable per round)
    pool_sealed     INTEGER NOT NULL DEFAULT 1,
    pool_controlled INTEGER NOT NULL DEFAULT 10,
    pool_precaution INTEGER NOT NULL DEFAULT 20,
    pool_none       INTEGER NOT NULL DEFAULT 20,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE round_areas (
    round_id  BIGINT NOT NULL REFERENCES rounds(id),
    area_id   BIGINT NOT NULL REFERENCES areas(id),
    PRIMARY KEY (round_id, area_id)
);

-- People excused from a round, with the reason staff recorded.
CREATE TABLE exemptions (
    round_id    BIGINT NOT NULL REFERENCES rounds(id),
    person_id   BIGINT NOT NULL REFERENCES persons(id),
    top_area_id BIGINT NOT NULL,
    area_id     BIGINT NOT NULL,                       -- the person's area when exempted (coverage)
    reason      TEXT NOT NULL CHECK (reason = 'bedridden' OR reason = 'infant' OR reason = 'away' OR reason = 'other'),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (round_id, person_id)
);

CREATE TABLE sites (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id), -- where it stands (walk-ins register here)
    name         TEXT NOT NULL,
    lat          DOUBLE PRECISION,                     -- WGS-84
    lng          DOUBLE PRECISION,
    tables       INTEGER NOT NULL DEFAULT 1,
    opens_min    INTEGER NOT NULL DEFAULT 420,         -- opening hours, minutes from local midnight
    closes_min   INTEGER NOT NULL DEFAULT 1260,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'paused' OR status = 'closed'),
    queue_len    INTEGER NOT NULL DEFAULT 0,           -- as staff last reported it
    queue_at     BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX sites_area ON sites(area_id);

CREATE TABLE site_areas (                              -- the areas a site serves
    site_id  BIGINT NOT NULL REFERENCES sites(id),
    area_id  BIGINT NOT NULL REFERENCES areas(id),
    PRIMARY KEY (site_id, area_id)
);

CREATE TABLE site_staff (                              -- registrars and others working a site
    site_id  BIGINT NOT NULL REFERENCES sites(id),
    user_id  BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (site_id, user_id)
);
CREATE INDEX site_staff_user ON site_staff(user_id);

-- A sealed box of tubes; custody (handovers) and turnaround times follow in 0005.
CREATE TABLE boxes (
    id          BIGINT PRIMARY KEY,
    barcode     TEXT NOT NULL UNIQUE,                 -- Code 128 label
    seal_no     TEXT NOT NULL,
    round_id    BIGINT NOT NULL REFERENCES rounds(id),
    site_id     BIGINT NOT NULL REFERENCES sites(id),
    top_area_id BIGINT NOT NULL,
    tube_count  INTEGER NOT NULL,
    sealed_at   BIGINT NOT NULL,                      -- event time
    created_at  BIGINT NOT NULL
);
CREATE INDEX boxes_round ON boxes(round_id, sealed_at);

-- A pooled tube: opened at a site table, filled with up to pool_size samples, sealed, boxed.
CREATE TABLE tubes (
    id          BIGINT PRIMARY KEY,
    barcode     TEXT NOT NULL UNIQUE,                 -- Code 128 label
    round_id    BIGINT NOT NULL REFERENCES rounds(id),
    site_id     BIGINT NOT NULL REFERENCES sites(id),
    top_area_id BIGINT NOT NULL,
    pool_size   INTEGER NOT NULL CHECK (pool_size = 1 OR pool_size = 5 OR pool_size = 10 OR pool_size = 20),
    samples     INTEGER NOT NULL DEFAULT 0,           -- accepted samples in it
    opened_at   BIGINT NOT NULL,                      -- event times, as the handheld recorded them
    sealed_at   BIGINT,
    box_id      BIGINT REFERENCES boxes(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX tubes_round ON tubes(round_id, site_id);
CREATE INDEX tubes_box ON tubes(box_id);
CREATE INDEX rounds_area ON round_areas(area_id);

-- One accepted sample: a person in a tube. Refused events are not samples (see sampling_events).
CREATE TABLE samples (
    id           BIGINT PRIMARY KEY,
    round_id     BIGINT NOT NULL REFERENCES rounds(id),
    tube_id      BIGINT NOT NULL REFERENCES tubes(id),
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL,                     -- the person's own area: coverage counts it there
    site_id      BIGINT NOT NULL,
    taken_at     BIGINT NOT NULL,                     -- event time
    walk_in      INTEGER NOT NULL DEFAULT 0,          -- registered on the spot
    repeat       INTEGER NOT NULL DEFAULT 0,          -- already sampled this round (recall retest or a second visit)
    recall       INTEGER NOT NULL DEFAULT 0,          -- a repeat of a person on the round's recall list
    created_at   BIGINT NOT NULL
);
CREATE INDEX samples_tube ON samples(tube_id);
CREATE INDEX samples_round_person ON samples(round_id, person_id);
CREATE INDEX samples_site ON samples(site_id, taken_at); -- a site's registration rate (public status)

-- Every event a handheld sent, by its client id: the same event again answers duplicate.
CREATE TABLE sampling_events (
    client_id   TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok','rejected')),
    error_code  TEXT NOT NULL DEFAULT '',
    warnings    TEXT NOT NULL DEFAULT '',              -- comma-separated codes
    event_at    BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    user_id     BIGINT
);

-- Coverage (应检尽检) per round and area, every area of the scope's subtree down to buildings
-- and units, each counting everything below it. Updated in the same transaction as the
-- samples and exemptions that change it, never rebuilt by a scan.
CREATE TABLE coverage (
    round_id  BIGINT NOT NULL REFERENCES rounds(id),
    area_id   BIGINT NOT NULL REFERENCES areas(id),
    in_scope  BIGINT NOT NULL DEFAULT 0,
    sampled   BIGINT NOT NULL DEFAULT 0,              -- distinct persons with at least one sample
    exempt    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, area_id)
);

-- Hourly progress: first samples per round, area and hour (epoch seconds of the hour's start).
CREATE TABLE coverage_hourly (
    round_id  BIGINT NOT NULL,
    area_id   BIGINT NOT NULL,
    hour      BIGINT NOT NULL,
    sampled   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, area_id, hour)
);
