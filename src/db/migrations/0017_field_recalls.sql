-- 0017 field recalls: a checkpoint entry or a sweep visit whose decision calls for a
-- test puts the person on a round's recall list. With no open round covering their area
-- the recall waits (round_id NULL) and joins the next round created over that area.
-- The cause (the entry or the visit) is named by reason and cause_id; no foreign key,
-- as the recall is made before its entry row in the same transaction.
-- SQLite cannot change a CHECK or drop a NOT NULL, hence the rebuild (as in 0005).
CREATE TABLE recalls_new (
    id           BIGINT PRIMARY KEY,
    round_id     BIGINT,                              -- NULL: pending, waiting for a round over area_id
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    tube_id      BIGINT REFERENCES tubes(id),
    top_area_id  BIGINT NOT NULL,
    area_id      BIGINT NOT NULL REFERENCES areas(id),
    reason       TEXT NOT NULL CHECK (reason = 'invalid' OR reason = 'positive_pool' OR reason = 'damaged'
                                      OR reason = 'isolation_test' OR reason = 'arrival' OR reason = 'sweep_visit'),
    created_at   BIGINT NOT NULL,
    done_at      BIGINT,
    done_tube_id BIGINT,
    isolation_id BIGINT REFERENCES isolations(id),
    cause_id     BIGINT,                              -- the arrival or sweep visit (reason says which)
    UNIQUE (round_id, person_id, tube_id, reason)
);
INSERT INTO recalls_new (id, round_id, person_id, tube_id, top_area_id, area_id, reason, created_at, done_at,
                         done_tube_id, isolation_id)
    SELECT id, round_id, person_id, tube_id, top_area_id, area_id, reason, created_at, done_at, done_tube_id,
           isolation_id FROM recalls;
DROP TABLE recalls;
ALTER TABLE recalls_new RENAME TO recalls;
CREATE INDEX recalls_round ON recalls(round_id, id);
CREATE INDEX recalls_person ON recalls(person_id, round_id);
CREATE INDEX recalls_tube ON recalls(tube_id);
CREATE UNIQUE INDEX recalls_isolation ON recalls(round_id, person_id, reason) WHERE tube_id IS NULL;
-- one pending recall per person and cause kind: a second referral before the round joins it
CREATE UNIQUE INDEX recalls_pending ON recalls(person_id, reason) WHERE round_id IS NULL;

-- the recall each entry or visit made (or joined), pending or in a round
ALTER TABLE arrivals ADD COLUMN recall_id BIGINT REFERENCES recalls(id);
ALTER TABLE sweep_visits ADD COLUMN recall_id BIGINT REFERENCES recalls(id);
