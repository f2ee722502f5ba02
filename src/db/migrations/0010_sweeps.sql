-- 0010 sweeps: door-to-door campaigns (逐户排查) over an area's households, with a
-- versioned question set, the households split among the campaign's teams, each visit
-- (client id, outcome, answers) and progress counters kept in the visit's transaction.

-- A question set is versioned: a new version of the same name is a new row, and a
-- campaign keeps the version it was made with.
CREATE TABLE sweep_question_sets (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE sweep_questions (
    set_id      BIGINT NOT NULL REFERENCES sweep_question_sets(id),
    pos         INTEGER NOT NULL,
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    label_en    TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL CHECK (type = 'text' OR type = 'number' OR type = 'bool' OR type = 'choice'
                                     OR type = 'date' OR type = 'places'),
    required    INTEGER NOT NULL DEFAULT 0,
    -- what the answer tells the arrival rules (checkpoint.h) or the request service
    feeds       TEXT NOT NULL DEFAULT '' CHECK (feeds = '' OR feeds = 'places' OR feeds = 'returned_at'
                                               OR feeds = 'health_code' OR feeds = 'temperature'
                                               OR feeds = 'fever' OR feeds = 'difficulty'),
    options     TEXT NOT NULL DEFAULT '',                -- choice: '|'-separated
    PRIMARY KEY (set_id, pos),
    UNIQUE (set_id, key)
);

-- households .. follow_up are counters kept by each visit's transaction (remaining =
-- households - done; revisit: latest outcome nobody_home; done: visited, refused or
-- needs_follow_up, of which refused and follow_up are counted apart too).
CREATE TABLE sweep_campaigns (
    id               BIGINT PRIMARY KEY,
    name             TEXT NOT NULL,
    area_id          BIGINT NOT NULL REFERENCES areas(id),
    question_set_id  BIGINT NOT NULL REFERENCES sweep_question_sets(id),
    households       INTEGER NOT NULL DEFAULT 0,
    done             INTEGER NOT NULL DEFAULT 0,
    revisit          INTEGER NOT NULL DEFAULT 0,
    refused          INTEGER NOT NULL DEFAULT 0,
    follow_up        INTEGER NOT NULL DEFAULT 0,
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    UNIQUE (area_id, name)
);

-- A campaign's own teams (a name, a leader, members). team_id links one to a standing
-- team of the teams module (migration 0011) once that exists; NULL until linked.
CREATE TABLE sweep_teams (
    id           BIGINT PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES sweep_campaigns(id),
    name         TEXT NOT NULL,
    leader_id    BIGINT REFERENCES users(id),
    team_id      BIGINT,
    households   INTEGER NOT NULL DEFAULT 0,
    done         INTEGER NOT NULL DEFAULT 0,
    revisit      INTEGER NOT NULL DEFAULT 0,
    refused      INTEGER NOT NULL DEFAULT 0,
    follow_up    INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    UNIQUE (campaign_id, name)
);

CREATE TABLE sweep_team_members (
    sweep_team_id  BIGINT NOT NULL REFERENCES sweep_teams(id),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (sweep_team_id, user_id)
);
CREATE INDEX sweep_team_members_user ON sweep_team_members(user_id);

-- The campaign's households (those of its area when it was made), the team walking each
-- (in walking order seq) and its latest outcome (by the visit's own time).
CREATE TABLE sweep_households (
    campaign_id    BIGINT NOT NULL REFERENCES sweep_campaigns(id),
    household_id   BIGINT NOT NULL REFERENCES households(id),
    sweep_team_id  BIGINT REFERENCES sweep_teams(id),
    seq            INTEGER NOT NULL,
    outcome        TEXT CHECK (outcome IS NULL OR outcome = 'visited' OR outcome = 'nobody_home'
                               OR outcome = 'refused' OR outcome = 'needs_follow_up'),
    last_at        BIGINT NOT NULL DEFAULT 0,
    visits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, household_id)
);
CREATE INDEX sweep_households_team ON sweep_households(sweep_team_id, seq);

CREATE TABLE sweep_visits (
    id             BIGINT PRIMARY KEY,
    client_id      TEXT NOT NULL UNIQUE,                 -- made by the phone: the same visit twice counts once
    body_hash      TEXT NOT NULL,                        -- a different visit under the same client id is a conflict
    campaign_id    BIGINT NOT NULL REFERENCES sweep_campaigns(id),
    sweep_team_id  BIGINT NOT NULL REFERENCES sweep_teams(id),
    household_id   BIGINT NOT NULL REFERENCES households(id),
    person_id      BIGINT REFERENCES persons(id),        -- the resident the findings concern
    outcome        TEXT NOT NULL CHECK (outcome = 'visited' OR outcome = 'nobody_home' OR outcome = 'refused'
                                        OR outcome = 'needs_follow_up'),
    answers        TEXT NOT NULL DEFAULT '{}',           -- JSON, validated against the campaign's question set
    note           TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL,                      -- when the door was knocked
    decision       TEXT NOT NULL DEFAULT '' CHECK (decision = '' OR decision = 'pass' OR decision = 'home_monitoring'
                                                   OR decision = 'home_isolation' OR decision = 'refer'),
    rule           TEXT NOT NULL DEFAULT '',
    matched        TEXT NOT NULL DEFAULT '',
    rules_version  INTEGER NOT NULL DEFAULT 0,
    isolation_id   BIGINT REFERENCES isolations(id),
    request_id     BIGINT REFERENCES service_requests(id),
    visitor_id     BIGINT REFERENCES users(id),
    visitor        TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX sweep_visits_household ON sweep_visits(campaign_id, household_id, at);

-- The standard question set: who is home, returned from where and when, health, difficulties.
INSERT INTO sweep_question_sets VALUES (1, '返乡人员逐户排查', 1, 'preset', 0);
INSERT INTO sweep_questions VALUES
    (1, 0, 'home', '在家人数', 'People at home', 'number', 1, '', ''),
    (1, 1, 'returned_from', '14天内从何地返回', 'Returned from (last 14 days)', 'places', 0, 'places', ''),
    (1, 2, 'returned_at', '返回日期', 'Date of return', 'date', 0, 'returned_at', ''),
    (1, 3, 'health_code', '健康码颜色', 'Health code', 'choice', 0, 'health_code', 'green|yellow|red'),
    (1, 4, 'fever', '发热或咳嗽等症状', 'Fever or other symptoms', 'bool', 0, 'fever', ''),
    (1, 5, 'difficulty', '生活困难或诉求', 'Difficulties or requests', 'text', 0, 'difficulty', '');
