-- Distributed maps (see the PostgreSQL migration): what a queued row runs, and the queued run whose
-- map submitted it. Kept in the embedded dialect so that schema versions stay aligned.
ALTER TABLE lf_queue ADD COLUMN kind VARCHAR(4) DEFAULT 'flow' NOT NULL CHECK (kind IN ('flow', 'task'));
ALTER TABLE lf_queue ADD COLUMN parent UUID;
CREATE INDEX lf_queue_parent ON lf_queue (parent);
