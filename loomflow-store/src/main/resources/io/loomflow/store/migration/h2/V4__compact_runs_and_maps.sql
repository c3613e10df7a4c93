-- Compact run history (long texts are VARCHAR rather than CLOB so that H2 keeps them inline) for runs of a million tasks.
-- A run's usual life (Scheduled, Running, a final state) is kept as columns: times as epoch
-- nanoseconds, the state as a small code (0 Scheduled, 1 Pending, 2 Running, 3 Retrying,
-- 4 Completed, 5 Cached, 6 Failed, 7 Cancelled, 8 Crashed; -1 a label this version does not know,
-- kept in the history text). The history text is kept only for a run whose states are not the
-- usual ones (retries, waits, details), and for runs recorded before this version.
-- A map's items carry their map and index; what they share (parent, root, name, kind, size) and
-- what is counted of them (states, first failures, durations) is one lf_map row per map.
-- owner_id is set only while a run is unfinished; root_at is the creation time of root runs only.
CREATE TABLE lf_map (
    created    BIGINT NOT NULL,
    id         UUID PRIMARY KEY,
    parent_id  UUID NOT NULL,
    root_id    UUID NOT NULL,
    size       INTEGER NOT NULL,
    keeps      SMALLINT NOT NULL,
    scheduled  BIGINT NOT NULL DEFAULT 0,
    pending    BIGINT NOT NULL DEFAULT 0,
    running    BIGINT NOT NULL DEFAULT 0,
    retrying   BIGINT NOT NULL DEFAULT 0,
    completed  BIGINT NOT NULL DEFAULT 0,
    cached     BIGINT NOT NULL DEFAULT 0,
    failed     BIGINT NOT NULL DEFAULT 0,
    cancelled  BIGINT NOT NULL DEFAULT 0,
    crashed    BIGINT NOT NULL DEFAULT 0,
    longest    BIGINT NOT NULL DEFAULT 0,
    name       VARCHAR(1000) NOT NULL,
    kind       VARCHAR(8) NOT NULL,
    failures   VARCHAR(100) NOT NULL DEFAULT '',
    durations  VARBINARY(100000)
);
CREATE INDEX lf_map_parent ON lf_map (parent_id, created, id);

CREATE TABLE lf_run_v4 (
    created       BIGINT NOT NULL,
    started       BIGINT,
    ended         BIGINT,
    root_at       BIGINT,
    id            UUID PRIMARY KEY,
    parent_id     UUID,
    root_id       UUID,
    map_id        UUID,
    owner_id      UUID,
    map_index     INTEGER,
    state         SMALLINT NOT NULL,
    name          VARCHAR(1000),
    kind          VARCHAR(8),
    parameters    VARCHAR(1000000),
    history       VARCHAR(1000000),
    error_type    VARCHAR(1000),
    error_message VARCHAR(1000000),
    error_stack   VARCHAR(1000000),
    result        VARCHAR(1000000)
);
INSERT INTO lf_run_v4 (created, started, ended, root_at, id, parent_id, root_id, owner_id, state, name, kind,
                       parameters, history, error_type, error_message, error_stack, result)
SELECT DATEDIFF(NANOSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', created_at),
       DATEDIFF(NANOSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', started_at),
       DATEDIFF(NANOSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', ended_at),
       CASE WHEN parent_id IS NULL THEN DATEDIFF(NANOSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', created_at) END,
       id, parent_id, root_id,
       CASE WHEN state IN ('Completed', 'Cached', 'Failed', 'Cancelled', 'Crashed') THEN NULL ELSE owner_id END,
       CASE state WHEN 'Scheduled' THEN 0 WHEN 'Pending' THEN 1 WHEN 'Running' THEN 2 WHEN 'Retrying' THEN 3
                  WHEN 'Completed' THEN 4 WHEN 'Cached' THEN 5 WHEN 'Failed' THEN 6 WHEN 'Cancelled' THEN 7
                  WHEN 'Crashed' THEN 8 ELSE -1 END,
       name, kind, parameters, history, error_type, error_message, error_stack, result
FROM lf_run;
DROP TABLE lf_run;
ALTER TABLE lf_run_v4 RENAME TO lf_run;
-- Only what a query needs. H2 has no partial indexes: the columns that only some rows need
-- (parent_id, map_id, root_at, owner_id) are NULL in the others, which keeps their entries small.
CREATE INDEX lf_run_children ON lf_run (parent_id, created);
CREATE INDEX lf_run_items ON lf_run (map_id, map_index);
CREATE INDEX lf_run_roots ON lf_run (root_at);
CREATE INDEX lf_run_root_names ON lf_run (name, root_at);
CREATE INDEX lf_run_root_states ON lf_run (state, root_at);
CREATE INDEX lf_run_unfinished ON lf_run (owner_id);
