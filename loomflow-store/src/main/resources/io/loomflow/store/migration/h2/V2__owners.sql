-- Which process wrote each run, so that the runs a dead process left unfinished can be marked
-- Crashed when a store is next opened.
CREATE TABLE lf_owner (
    id           UUID PRIMARY KEY,
    host         VARCHAR(255) NOT NULL,
    pid          BIGINT NOT NULL,
    started_at   TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
ALTER TABLE lf_run ADD COLUMN owner_id UUID;
CREATE INDEX lf_run_owner ON lf_run (owner_id, state);
