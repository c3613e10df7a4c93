/**
 * Loomflow schedules: cron expressions, fixed intervals and one-off times that start runs exactly
 * once per slot, in one process or across any number of schedulers on one database.
 *
 * <p>Exports one API package, {@code io.loomflow.schedules} ({@link io.loomflow.schedules.Schedule},
 * {@link io.loomflow.schedules.Scheduler});
 * the timings and the slot table's SQL live in {@code
 * io.loomflow.schedules.internal}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.schedules {
    requires transitive io.loomflow;
    requires io.loomflow.store; // the schema (migration V11) and the run history
    requires transitive io.loomflow.workers; // launching on workers (Scheduler.Builder.workQueue)
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires java.sql;
    requires com.cronutils;

    exports io.loomflow.schedules;
}
