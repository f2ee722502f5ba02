-- 0014 work orders out: their feedback goes to the city platform's webhook (a channel
-- with the audience `platform`) and overdue orders alarm officers, both through the
-- outbox of 0007. Outbox messages no longer all belong to a round, and may name the
-- order they are about. A hardship noted at a checkpoint entry becomes a resident
-- request, named on its arrival_hardships row.
--
-- SQLite cannot change a CHECK or drop a NOT NULL: both tables are rebuilt. channels is
-- renamed away first, so that outbox's reference follows it and the old table can be
-- dropped once the new outbox points at the new channels.
ALTER TABLE channels RENAME TO channels_old;
CREATE TABLE channels (
    id           BIGINT PRIMARY KEY,
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    round_id     BIGINT REFERENCES rounds(id),
    site_id      BIGINT REFERENCES sites(id),
    vehicle      TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL CHECK (audience = 'site' OR audience = 'driver' OR audience = 'officer'
                                      OR audience = 'platform'),
    kind         TEXT NOT NULL CHECK (kind = 'wecom' OR kind = 'dingtalk' OR kind = 'webhook'),
    name         TEXT NOT NULL,
    url          TEXT NOT NULL,
    secret       TEXT NOT NULL DEFAULT '',            -- never returned by the API
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
INSERT INTO channels SELECT * FROM channels_old;

CREATE TABLE outbox_new (
    id             BIGINT PRIMARY KEY,
    channel_id     BIGINT NOT NULL REFERENCES channels(id),
    idem_key       TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind = 'site_reminder' OR kind = 'driver_run' OR kind = 'box_at_risk'
                                        OR kind = 'wo_feedback' OR kind = 'wo_overdue'),
    round_id       BIGINT,                              -- NULL: not about a round
    text           TEXT NOT NULL,                       -- wo_feedback: the contract's JSON body itself
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'failed'),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        BIGINT NOT NULL,
    last_error     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    sent_at        BIGINT,
    work_order_id  BIGINT REFERENCES work_orders(id)
);
INSERT INTO outbox_new (id, channel_id, idem_key, kind, round_id, text, status, attempts, next_at, last_error,
                        created_at, sent_at)
    SELECT id, channel_id, idem_key, kind, round_id, text, status, attempts, next_at, last_error, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
DROP TABLE channels_old;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX channels_round ON channels(round_id);
CREATE INDEX channels_audience ON channels(audience);
CREATE INDEX outbox_due ON outbox(status, next_at);
CREATE INDEX outbox_round ON outbox(round_id, id);
CREATE INDEX outbox_order ON outbox(work_order_id, id) WHERE work_order_id IS NOT NULL;

-- Feedback is handed to the outbox (queued_at) once a platform channel covers the
-- order; sent_at is its first delivery.
ALTER TABLE work_order_feedback ADD COLUMN queued_at BIGINT;
DROP INDEX work_order_feedback_unsent;
CREATE INDEX work_order_feedback_unqueued ON work_order_feedback(id) WHERE queued_at IS NULL;

-- The deadline an overdue alarm was raised for: once per order, again when it changes.
ALTER TABLE work_orders ADD COLUMN overdue_alarm_for BIGINT;

ALTER TABLE arrival_hardships ADD COLUMN request_id BIGINT REFERENCES service_requests(id);
