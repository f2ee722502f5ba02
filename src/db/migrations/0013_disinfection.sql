-- 0013 disinfection: schedules per place (an area such as a street or compound, a sampling
-- site, or the home of an isolation case), the log of each treatment, and the setting that
-- gives a newly opened isolation case's home a schedule.

CREATE TABLE disinfect_schedules (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),   -- the place's area (scope); the place itself when kind = 'area'
    kind         TEXT NOT NULL CHECK (kind = 'area' OR kind = 'site' OR kind = 'home'),
    site_id      BIGINT REFERENCES sites(id),
    household_id BIGINT REFERENCES households(id),
    isolation_id BIGINT REFERENCES isolations(id),       -- the case whose home it is
    place        TEXT NOT NULL,                          -- the place in words, as shown
    interval_s   BIGINT NOT NULL CHECK (interval_s >= 3600 AND interval_s <= 2592000),
    agent        TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),
    last_at      BIGINT,                                 -- the latest treatment
    due_at       BIGINT NOT NULL,                        -- last treatment (or creation) + interval
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK ((kind = 'site') = (site_id IS NOT NULL) AND (kind = 'home') = (household_id IS NOT NULL))
);
-- overdue places: active ones with due_at < now, read from this index alone
CREATE INDEX disinfect_schedules_due ON disinfect_schedules(due_at) WHERE active = 1;
CREATE INDEX disinfect_schedules_area ON disinfect_schedules(area_id, id);
CREATE UNIQUE INDEX disinfect_schedules_case ON disinfect_schedules(isolation_id) WHERE isolation_id IS NOT NULL;

-- Each treatment. team_id is a team of migration 0011, checked by the code (no foreign key, so
-- this migration does not depend on that one); team is the team in words.
CREATE TABLE disinfect_treatments (
    id            BIGINT PRIMARY KEY,
    schedule_id   BIGINT NOT NULL REFERENCES disinfect_schedules(id),
    team          TEXT NOT NULL DEFAULT '',
    team_id       BIGINT,
    agent         TEXT NOT NULL,
    concentration TEXT NOT NULL DEFAULT '',               -- as written on the label ("500 mg/L")
    at            BIGINT NOT NULL,                        -- when it was done
    operator      TEXT NOT NULL,                          -- who did it
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX disinfect_treatments_schedule ON disinfect_treatments(schedule_id, at);

CREATE TABLE disinfect_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    auto_home     INTEGER NOT NULL DEFAULT 1 CHECK (auto_home = 0 OR auto_home = 1),
    home_interval_s BIGINT NOT NULL DEFAULT 86400 CHECK (home_interval_s >= 3600),
    home_agent    TEXT NOT NULL DEFAULT '含氯消毒剂',
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO disinfect_settings (id) VALUES (1);
