-- A channel's health, kept by the sender: when its sends started failing (NULL:
-- its last send was delivered), the last error, and when officers were alerted for
-- this failing stretch (once; a delivered message ends the stretch).
ALTER TABLE channels ADD COLUMN failing_since BIGINT;
ALTER TABLE channels ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN alerted_at BIGINT;
