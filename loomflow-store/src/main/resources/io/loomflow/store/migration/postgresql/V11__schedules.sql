-- Schedules (loomflow-schedules): one row per schedule, locked by the scheduler that handles it,
-- with its cursor (the key of the last slot fired or skipped), and one row per fired slot, whose
-- primary key makes two schedulers unable to fire one slot twice. Times are epoch milliseconds
-- of the schedulers' clock.
CREATE TABLE lf_schedule (
    name VARCHAR(200) PRIMARY KEY,
    definition TEXT NOT NULL,
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    since_ms BIGINT NOT NULL,
    cursor_slot VARCHAR(100)
);
CREATE TABLE lf_schedule_slot (
    schedule VARCHAR(200) NOT NULL,
    slot VARCHAR(100) NOT NULL,
    run_id VARCHAR(36) NOT NULL,
    state VARCHAR(10) NOT NULL,
    claimed_by VARCHAR(200) NOT NULL,
    claimed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (schedule, slot)
);
CREATE INDEX lf_schedule_slot_state ON lf_schedule_slot (schedule, state);
