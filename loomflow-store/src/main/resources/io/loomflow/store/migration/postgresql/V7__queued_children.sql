-- Distributed maps: an item of a map over a task marked withQueue, in a durable run, is a queued
-- child run. kind says what a row runs ('flow', as before, or 'task': flow then holds the task's
-- name and parameters the item's input as written by ResultCodec.json(), with its types), and
-- parent is the queued run (the durable run's scope) whose map submitted it, NULL for a top run.
-- The child's idempotency_key is the parent's scope and the item's checkpoint key, so a parent
-- executed again finds the children it had submitted.
ALTER TABLE lf_queue ADD COLUMN kind VARCHAR(4) NOT NULL DEFAULT 'flow' CHECK (kind IN ('flow', 'task'));
ALTER TABLE lf_queue ADD COLUMN parent UUID;
-- The cancellation of a parent's children, and the look-ups of a parent's children.
CREATE INDEX lf_queue_parent ON lf_queue (parent) WHERE parent IS NOT NULL;
