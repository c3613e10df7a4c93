/**
 * Loomflow workers: runs queued in PostgreSQL and the workers, in any number of JVMs, that take
 * them under leases with fencing tokens and execute them durably.
 *
 * <p>Exports one API package, {@code io.loomflow.workers} ({@link io.loomflow.workers.Worker},
 * {@link io.loomflow.workers.WorkQueue}); the queue's SQL, the notifications and the checkpoints
 * live in {@code io.loomflow.workers.internal}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.workers {
    requires transitive io.loomflow;
    requires io.loomflow.store; // the schema, the run history, LoomflowJson and the result codec
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires java.sql;
    requires com.fasterxml.jackson.databind;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc; // LISTEN/NOTIFY through PGConnection

    exports io.loomflow.workers;
}
