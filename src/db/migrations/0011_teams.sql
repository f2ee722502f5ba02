-- 0011 teams, mentors and rosters: teams of an area with their members (staff users,
-- volunteers, registry persons such as party members), mentor pairs with a log of joint
-- visits and guidance notes, posts with the coverage they need, and shifts on a roster.
-- Channels gain the audience `team` (a team's group chat), and the outbox carries shift
-- reminders, which belong to no round.

CREATE TABLE teams (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind = 'duty' OR kind = 'screening' OR kind = 'disinfection'
                                      OR kind = 'volunteer_services' OR kind = 'party_branch' OR kind = 'sampling'
                                      OR kind = 'transport'),
    note         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (area_id, name)
);

-- A member is a user (staff, volunteer) or a registry person (a party member, a resident
-- helping out), never both; name is kept as shown when the member was added.
CREATE TABLE team_members (
    id           BIGINT PRIMARY KEY,
    team_id      BIGINT NOT NULL REFERENCES teams(id),
    user_id      BIGINT REFERENCES users(id),
    person_id    BIGINT REFERENCES persons(id),
    role         TEXT NOT NULL CHECK (role = 'staff' OR role = 'volunteer' OR role = 'party_member'),
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    CHECK ((user_id IS NULL AND person_id IS NOT NULL) OR (user_id IS NOT NULL AND person_id IS NULL)),
    UNIQUE (team_id, user_id),
    UNIQUE (team_id, person_id)
);
CREATE INDEX team_members_user ON team_members(user_id) WHERE user_id IS NOT NULL;

-- 导师帮带: mentor and mentee, each a user or a registry person.
CREATE TABLE mentor_pairs (
    id               BIGINT PRIMARY KEY,
    top_area_id      BIGINT NOT NULL,
    area_id          BIGINT NOT NULL REFERENCES areas(id),
    mentor_user_id   BIGINT REFERENCES users(id),
    mentor_person_id BIGINT REFERENCES persons(id),
    mentor_name      TEXT NOT NULL,
    mentee_user_id   BIGINT REFERENCES users(id),
    mentee_person_id BIGINT REFERENCES persons(id),
    mentee_name      TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL
);
CREATE INDEX mentor_pairs_area ON mentor_pairs(area_id);

CREATE TABLE mentor_logs (
    id          BIGINT PRIMARY KEY,
    pair_id     BIGINT NOT NULL REFERENCES mentor_pairs(id),
    kind        TEXT NOT NULL CHECK (kind = 'visit' OR kind = 'guidance'),
    place       TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX mentor_logs_pair ON mentor_logs(pair_id, at);

-- A post to staff, linked to what it guards when that exists. Coverage: from cover_from to
-- cover_to minutes of each local day (0-1440 is around the clock; from > to runs past
-- midnight), with `persons` on duty at once.
CREATE TABLE posts (
    id            BIGINT PRIMARY KEY,
    top_area_id   BIGINT NOT NULL,
    area_id       BIGINT NOT NULL REFERENCES areas(id),
    team_id       BIGINT REFERENCES teams(id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind = 'checkpoint' OR kind = 'site_table' OR kind = 'gate'
                                       OR kind = 'garbage_round'),
    checkpoint_id BIGINT REFERENCES checkpoints(id),
    site_id       BIGINT REFERENCES sites(id),
    gate_id       BIGINT REFERENCES zone_gates(id),
    building_id   BIGINT REFERENCES areas(id),
    cover_from    INTEGER NOT NULL DEFAULT 0 CHECK (cover_from >= 0 AND cover_from < 1440),
    cover_to      INTEGER NOT NULL DEFAULT 1440 CHECK (cover_to > 0 AND cover_to <= 1440),
    persons       INTEGER NOT NULL DEFAULT 1 CHECK (persons >= 1 AND persons <= 20),
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    UNIQUE (area_id, name)
);
CREATE INDEX posts_team ON posts(team_id);

-- The person on a shift is a team member; their user or person id is copied here so that
-- "one person on two posts" and "my shifts" are index lookups.
CREATE TABLE shifts (
    id          BIGINT PRIMARY KEY,
    top_area_id BIGINT NOT NULL,
    post_id     BIGINT NOT NULL REFERENCES posts(id),
    member_id   BIGINT NOT NULL REFERENCES team_members(id),
    user_id     BIGINT,
    person_id   BIGINT,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL CHECK (ends_at > starts_at),
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX shifts_post ON shifts(post_id, starts_at);
CREATE INDEX shifts_user ON shifts(user_id, starts_at) WHERE user_id IS NOT NULL;
CREATE INDEX shifts_start ON shifts(starts_at);

-- Per-area roster rules; an area without a row takes its nearest ancestor's, else the
-- defaults (12 h, reminders 60 min ahead).
CREATE TABLE roster_settings (
    area_id        BIGINT PRIMARY KEY REFERENCES areas(id),
    shift_limit_min INTEGER NOT NULL CHECK (shift_limit_min >= 60 AND shift_limit_min <= 2880),
    lead_min       INTEGER NOT NULL CHECK (lead_min >= 0 AND lead_min <= 1440),
    updated_by     TEXT NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL
);

-- Channels: audience `team` with its team, and `platform` (the city platform's webhook for
-- work-order feedback, 0014). The outbox: shift reminders (no round) and work orders'
-- feedback and overdue alarms (0014: wo_feedback, wo_overdue, work_order_id). SQLite
-- cannot change a CHECK, hence the rebuilds; the new outbox points at the new channels
-- (the rename carries the reference), so the old tables are dropped with nothing pointing at them.
CREATE TABLE channels_new (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    round_id     BIGINT REFERENCES rounds(id),
    site_id      BIGINT REFERENCES sites(id),
    vehicle      TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL CHECK (audience = 'site' OR audience = 'driver' OR audience = 'officer'
                                      OR audience = 'team' OR audience = 'platform'),
    kind         TEXT NOT NULL CHECK (kind = 'wecom' OR kind = 'dingtalk' OR kind = 'webhook'),
    name         TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL DEFAULT '',
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    team_id      BIGINT REFERENCES teams(id)
);
INSERT INTO channels_new (id, top_area_id, area_id, round_id, site_id, vehicle, audience, kind, name, url, secret,
                          disabled, created_at, updated_at)
    SELECT id, top_area_id, area_id, round_id, site_id, vehicle, audience, kind, name, url, secret, disabled,
           created_at, updated_at FROM channels;

CREATE TABLE outbox_new (
    id           BIGINT PRIMARY KEY,
    channel_id   BIGINT NOT NULL REFERENCES channels_new(id),
    idem_key     TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind = 'site_reminder' OR kind = 'driver_run' OR kind = 'box_at_risk'
                                      OR kind = 'shift_reminder' OR kind = 'wo_feedback' OR kind = 'wo_overdue'),
    round_id     BIGINT,                              -- NULL: not about a round (shift reminders)
    text         TEXT NOT NULL,                       -- wo_feedback: the contract's JSON body itself
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'failed'),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT,
    shift_id     BIGINT,                              -- shift reminders: the shift
    work_order_id BIGINT REFERENCES work_orders(id)   -- work orders' feedback and alarms: the order
);
INSERT INTO outbox_new (id, channel_id, idem_key, kind, round_id, text, status, attempts, next_at, last_error,
                        created_at, sent_at)
    SELECT id, channel_id, idem_key, kind, round_id, text, status, attempts, next_at, last_error, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
DROP TABLE channels;
ALTER TABLE channels_new RENAME TO channels;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX channels_round ON channels(round_id);
CREATE INDEX channels_team ON channels(team_id) WHERE team_id IS NOT NULL;
CREATE INDEX outbox_due ON outbox(status, next_at);
CREATE INDEX outbox_round ON outbox(round_id, id);
CREATE INDEX outbox_shift ON outbox(shift_id) WHERE shift_id IS NOT NULL;
