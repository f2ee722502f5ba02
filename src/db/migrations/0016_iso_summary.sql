-- 应隔尽隔 (iso_gaps, iso_gap_count) walk the open controls only, not every cleared one since the first round.
CREATE INDEX pending_control_open ON pending_control(person_id, created_at) WHERE state = 'pending' OR state = 'confirmed';
