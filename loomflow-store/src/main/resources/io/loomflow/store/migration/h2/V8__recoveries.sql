-- A run whose lease expired (its worker died, froze or lost the database) is re-queued by the
-- leader and resumed elsewhere; recoveries counts those re-queues. A run that keeps losing its
-- workers (one that crashes every JVM that runs it) is not re-queued for ever: once recoveries
-- reaches max_recoveries (given at submit, 5 by default), the next expiry fails it with
-- io.loomflow.RunLostException instead. A hand-back at a worker's close is not a recovery.
ALTER TABLE lf_queue ADD COLUMN recoveries INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE lf_queue ADD COLUMN max_recoveries INTEGER DEFAULT 5 NOT NULL;
-- The leader deletes the runs that ended longer ago than the workers keep them (keepEndedRuns, 7
-- days by default), oldest first.
CREATE INDEX lf_queue_ended ON lf_queue (ended);
