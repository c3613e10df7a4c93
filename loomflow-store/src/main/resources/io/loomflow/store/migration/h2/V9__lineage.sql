-- A run's lineage: one row per dataset a run read or wrote (Event.DatasetAccess), kept by the root
-- of its tree so that a tree's lineage is one range of the primary key, read in the order the
-- accesses were recorded (seq, the event's position in the engine's stream), and deleted with the
-- root when it is pruned. A run below a root reads its own rows and its children's (a node's loads
-- and saves) through the two other indexes, by run and by parent. run_name and parent_id are the accessing run's own (an item of a map keeps
-- neither in lf_run); the parent's name is read from lf_run. at is in epoch nanoseconds; access is
-- 0 for a read, 1 for a write; version is NULL for a dataset that is not versioned.
CREATE TABLE lf_lineage (
    root_id   UUID NOT NULL,
    seq       BIGINT NOT NULL,
    run_id    UUID NOT NULL,
    parent_id UUID,
    at        BIGINT NOT NULL,
    access    SMALLINT NOT NULL,
    run_name  VARCHAR(1000) NOT NULL,
    dataset   VARCHAR(1000) NOT NULL,
    version   VARCHAR(1000),
    location  VARCHAR(10000) NOT NULL,
    PRIMARY KEY (root_id, seq, run_id)
);
CREATE INDEX lf_lineage_run ON lf_lineage (run_id, seq);
CREATE INDEX lf_lineage_parent ON lf_lineage (parent_id, seq);
