-- Cluster-wide limits of loomflow-workers, kept in the embedded dialect too so that schema versions
-- stay aligned; see the PostgreSQL migration for what each table holds.
CREATE TABLE lf_limit (
    name    VARCHAR(200) PRIMARY KEY,
    permits INTEGER NOT NULL CHECK (permits > 0),
    created TIMESTAMP(9) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE lf_limit_slot (
    limit_name    VARCHAR(200) NOT NULL REFERENCES lf_limit (name) ON DELETE CASCADE,
    slot          INTEGER NOT NULL,
    holder_worker UUID,
    holder_run    UUID,
    token         UUID,
    lease_until   TIMESTAMP(9) WITH TIME ZONE,
    PRIMARY KEY (limit_name, slot)
);

CREATE TABLE lf_queue_limit (
    queue       VARCHAR(200) PRIMARY KEY,
    max_running INTEGER NOT NULL CHECK (max_running > 0)
);
