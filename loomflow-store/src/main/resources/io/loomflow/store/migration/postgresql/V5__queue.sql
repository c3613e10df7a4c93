-- The work queue of loomflow-workers: runs waiting for a worker (lf_queue), the workers that take
-- them (lf_worker), what a durable run's children completed (lf_checkpoint) and who does the
-- housekeeping (lf_leader). All times are the database's (now()), never a JVM's.
--
-- A run is 'queued' until a worker claims it: the claim sets state 'running', the owner, a new
-- fencing token (token + 1) and lease_until in one statement. The owner's heartbeat extends
-- lease_until; its completion (and every checkpoint) is accepted only while (id, token, 'running')
-- still match, so a worker whose lease was taken away cannot write into the run. owner is the
-- worker that holds the run (running) or that ended it (completed, failed); NULL while queued.
CREATE TABLE lf_queue (
    id              UUID PRIMARY KEY,
    flow            VARCHAR(1000) NOT NULL,
    flow_version    VARCHAR(200),
    parameters      TEXT NOT NULL,
    queue           VARCHAR(200) NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    not_before      TIMESTAMPTZ NOT NULL,
    idempotency_key VARCHAR(1000) UNIQUE,
    state           VARCHAR(10) NOT NULL
                    CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    token           BIGINT NOT NULL DEFAULT 0,
    owner           UUID,
    lease_until     TIMESTAMPTZ,
    attempts        INTEGER NOT NULL DEFAULT 0,
    result          TEXT,
    result_type     VARCHAR(1000),
    error_type      VARCHAR(1000),
    error_message   TEXT,
    created         TIMESTAMPTZ NOT NULL DEFAULT now(),
    started         TIMESTAMPTZ,
    ended           TIMESTAMPTZ
);
-- The claim path: the queued runs of a queue in claim order. Partial, so finished runs cost nothing.
CREATE INDEX lf_queue_claim ON lf_queue (queue, priority DESC, not_before, created) WHERE state = 'queued';
-- A heartbeat's lease extension and a hand-back, by owner; the leader's scan of expired leases.
CREATE INDEX lf_queue_owner ON lf_queue (owner) WHERE state = 'running';
CREATE INDEX lf_queue_lease ON lf_queue (lease_until) WHERE state = 'running';

-- The workers, live and recently dead. flows is one "name<TAB>version" a line (version empty for
-- any); queues one name a line. A worker is alive while expires (its last heartbeat plus its lease
-- expiry) is in the future.
CREATE TABLE lf_worker (
    id          UUID PRIMARY KEY,
    name        VARCHAR(1000) NOT NULL,
    host        VARCHAR(255) NOT NULL,
    pid         BIGINT NOT NULL,
    queues      TEXT NOT NULL,
    flows       TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    started     TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires     TIMESTAMPTZ NOT NULL,
    in_flight   INTEGER NOT NULL DEFAULT 0,
    stopping    BOOLEAN NOT NULL DEFAULT FALSE
);

-- What the children of a durable run completed: a value (JSON, with its Java type) or an error,
-- under the child's deterministic key within the run (its lf_queue id).
CREATE TABLE lf_checkpoint (
    run_id        UUID NOT NULL,
    key           VARCHAR(1100) NOT NULL,
    value         TEXT,
    value_type    VARCHAR(1000),
    error_type    VARCHAR(1000),
    error_message TEXT,
    task          VARCHAR(1000) NOT NULL,
    child_run_id  UUID,
    created       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, key)
);

-- One row per leadership (name 'queue'): held by owner until 'until', taken over once that passed.
CREATE TABLE lf_leader (
    name  VARCHAR(100) PRIMARY KEY,
    owner UUID NOT NULL,
    until TIMESTAMPTZ NOT NULL
);
