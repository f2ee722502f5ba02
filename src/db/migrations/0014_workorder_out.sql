-- 0014 work orders out: their feedback goes to the city platform's webhook (a channel
-- with the audience `platform`) and overdue orders alarm officers, both through the
-- outbox of 0007. Outbox messages no longer all belong to a round, and may name the
-- order they are about. A hardship noted at a checkpoint entry becomes a resident
-- request, named on its arrival_hardships row.
--
-- The channel audience `platform` and the outbox's kinds wo_feedback and wo_overdue with
-- their work_order_id came with 0011's rebuild of both tables (made in the same release).
CREATE INDEX channels_audience ON channels(audience);
CREATE INDEX outbox_order ON outbox(work_order_id, id) WHERE work_order_id IS NOT NULL;

-- Feedback is handed to the outbox (queued_at) once a platform channel covers the
-- order; sent_at is its first delivery.
ALTER TABLE work_order_feedback ADD COLUMN queued_at BIGINT;
DROP INDEX work_order_feedback_unsent;
CREATE INDEX work_order_feedback_unqueued ON work_order_feedback(id) WHERE queued_at IS NULL;

-- The deadline an overdue alarm was raised for: once per order, again when it changes.
ALTER TABLE work_orders ADD COLUMN overdue_alarm_for BIGINT;

ALTER TABLE arrival_hardships ADD COLUMN request_id BIGINT REFERENCES service_requests(id);
