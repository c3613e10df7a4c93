-- Triggers (loomflow-schedules): one row per trigger, locked by the runner that polls it, with its
-- checkpoint (a run-end trigger's: the end time, epoch nanoseconds, from which the run history is
-- read again; a dataset trigger's: the newest version or partition id seen), and one row per fire,
-- whose primary key (trigger and source: the source run's id, the version, or the batch's newest
-- partition) makes two runners unable to fire one source twice. Times are epoch milliseconds of
-- the runners' clock.
CREATE TABLE lf_trigger (
    name VARCHAR(200) PRIMARY KEY,
    definition VARCHAR(100000) NOT NULL,
    since_ms BIGINT NOT NULL,
    checkpoint VARCHAR(1000),
    polled_at_ms BIGINT
);
CREATE TABLE lf_trigger_fire (
    trigger_name VARCHAR(200) NOT NULL,
    source VARCHAR(1000) NOT NULL,
    run_id VARCHAR(36) NOT NULL,
    state VARCHAR(10) NOT NULL,
    detail VARCHAR(100000),
    claimed_by VARCHAR(200) NOT NULL,
    claimed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (trigger_name, source)
);
