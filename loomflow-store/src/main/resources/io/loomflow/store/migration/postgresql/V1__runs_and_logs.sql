-- The run history: one row per run (its states as JSON lines, appended), one row per log line.
-- Timestamps keep microseconds; the history JSON keeps the exact instants.
CREATE TABLE lf_run (
    id            UUID PRIMARY KEY,
    parent_id     UUID,
    root_id       UUID NOT NULL,
    name          VARCHAR(1000) NOT NULL,
    kind          VARCHAR(8) NOT NULL,
    parameters    TEXT,
    state         VARCHAR(32) NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ,
    history       TEXT NOT NULL,
    error_type    VARCHAR(1000),
    error_message TEXT,
    error_stack   TEXT
);
CREATE INDEX lf_run_parent ON lf_run (parent_id, created_at);
CREATE INDEX lf_run_root ON lf_run (root_id);
CREATE INDEX lf_run_created ON lf_run (created_at);
CREATE INDEX lf_run_name ON lf_run (name, created_at);
CREATE INDEX lf_run_state ON lf_run (state, created_at);

CREATE TABLE lf_log (
    run_id  UUID NOT NULL,
    seq     BIGINT NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    level   VARCHAR(16) NOT NULL,
    message TEXT NOT NULL,
    error   TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
