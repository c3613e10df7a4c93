-- The run history: one row per run (its states as JSON lines, appended), one row per log line.
-- Long texts are VARCHAR rather than CLOB so that H2 keeps them inline in the row.
CREATE TABLE lf_run (
    id            UUID PRIMARY KEY,
    parent_id     UUID,
    root_id       UUID NOT NULL,
    name          VARCHAR(1000) NOT NULL,
    kind          VARCHAR(8) NOT NULL,
    parameters    VARCHAR(1000000),
    state         VARCHAR(32) NOT NULL,
    created_at    TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    started_at    TIMESTAMP(9) WITH TIME ZONE,
    ended_at      TIMESTAMP(9) WITH TIME ZONE,
    history       VARCHAR(1000000) NOT NULL,
    error_type    VARCHAR(1000),
    error_message VARCHAR(1000000),
    error_stack   VARCHAR(1000000)
);
CREATE INDEX lf_run_parent ON lf_run (parent_id, created_at);
CREATE INDEX lf_run_root ON lf_run (root_id);
CREATE INDEX lf_run_created ON lf_run (created_at);
CREATE INDEX lf_run_name ON lf_run (name, created_at);
CREATE INDEX lf_run_state ON lf_run (state, created_at);

CREATE TABLE lf_log (
    run_id  UUID NOT NULL,
    seq     BIGINT NOT NULL,
    at      TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    level   VARCHAR(16) NOT NULL,
    message VARCHAR(1000000) NOT NULL,
    error   VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (run_id, seq)
);
