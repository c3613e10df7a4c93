-- Cluster-wide limits of loomflow-workers. A shared limit is a row in lf_limit (its size, set by the
-- first worker that declares it; a worker declaring another size is refused) and one row per permit
-- in lf_limit_slot. A slot is held while holder_worker is set and lease_until is in the future; the
-- holder's heartbeat extends lease_until, so the slot of a crashed holder is free again once its
-- lease expires, with no one to release it. Release is a conditional update on (slot, token).
CREATE TABLE lf_limit (
    name    VARCHAR(200) PRIMARY KEY,
    permits INTEGER NOT NULL CHECK (permits > 0),
    created TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE lf_limit_slot (
    limit_name    VARCHAR(200) NOT NULL REFERENCES lf_limit (name) ON DELETE CASCADE,
    slot          INTEGER NOT NULL,
    holder_worker UUID,
    holder_run    UUID,
    token         UUID,
    lease_until   TIMESTAMPTZ,
    PRIMARY KEY (limit_name, slot)
);

-- The most runs of a queue in flight at once across all workers, enforced by the claim.
CREATE TABLE lf_queue_limit (
    queue       VARCHAR(200) PRIMARY KEY,
    max_running INTEGER NOT NULL CHECK (max_running > 0)
);
