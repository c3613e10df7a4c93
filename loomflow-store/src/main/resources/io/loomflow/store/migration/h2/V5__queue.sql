-- The work queue of loomflow-workers, kept in the embedded dialect too so that schema versions stay
-- aligned. Workers themselves need PostgreSQL (FOR UPDATE SKIP LOCKED, LISTEN/NOTIFY) and refuse
-- an H2 URL; see the PostgreSQL migration for what each table holds.
CREATE TABLE lf_queue (
    id              UUID PRIMARY KEY,
    flow            VARCHAR(1000) NOT NULL,
    flow_version    VARCHAR(200),
    parameters      VARCHAR(1000000) NOT NULL,
    queue           VARCHAR(200) NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    not_before      TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    idempotency_key VARCHAR(1000) UNIQUE,
    state           VARCHAR(10) NOT NULL
                    CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    token           BIGINT NOT NULL DEFAULT 0,
    owner           UUID,
    lease_until     TIMESTAMP(9) WITH TIME ZONE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    result          VARCHAR(1000000),
    result_type     VARCHAR(1000),
    error_type      VARCHAR(1000),
    error_message   VARCHAR(100000),
    created         TIMESTAMP(9) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    started         TIMESTAMP(9) WITH TIME ZONE,
    ended           TIMESTAMP(9) WITH TIME ZONE
);
CREATE INDEX lf_queue_claim ON lf_queue (queue, state, priority DESC, not_before, created);
CREATE INDEX lf_queue_owner ON lf_queue (owner, state);
CREATE INDEX lf_queue_lease ON lf_queue (state, lease_until);

CREATE TABLE lf_worker (
    id          UUID PRIMARY KEY,
    name        VARCHAR(1000) NOT NULL,
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT NOT NULL,
    queues      VARCHAR(100000) NOT NULL,
    flows       VARCHAR(1000000) NOT NULL,
    concurrency INTEGER NOT NULL,
    started     TIMESTAMP(9) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    heartbeat   TIMESTAMP(9) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires     TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    in_flight   INTEGER NOT NULL DEFAULT 0,
    stopping    BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE lf_checkpoint (
    run_id        UUID NOT NULL,
    "KEY"         VARCHAR(1100) NOT NULL,
    "VALUE"       VARCHAR(1000000),
    value_type    VARCHAR(1000),
    error_type    VARCHAR(1000),
    error_message VARCHAR(100000),
    task          VARCHAR(1000) NOT NULL,
    child_run_id  UUID,
    created       TIMESTAMP(9) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (run_id, "KEY")
);

CREATE TABLE lf_leader (
    name    VARCHAR(100) PRIMARY KEY,
    owner   UUID NOT NULL,
    "UNTIL" TIMESTAMP(9) WITH TIME ZONE NOT NULL
);
