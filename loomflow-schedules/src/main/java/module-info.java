/**
 * Loomflow schedules: cron expressions, fixed intervals and one-off times that start runs exactly
 * once per slot, in one process or across any number of schedulers on one database.
 *
 * <p>Exports one API package, {@code io.loomflow.schedules} ({@link io.loomflow.schedules.Schedule},
 * {@link io.loomflow.schedules.Scheduler}, {@link io.loomflow.schedules.Trigger},
 * {@link io.loomflow.schedules.TriggerRunner});
 * the timings and the slot table's SQL live in {@code
 * io.loomflow.schedules.internal}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.schedules {
    requires transitive io.loomflow;
    requires io.loomflow.store; // the schema (migrations V11, V13) and the run history
    requires transitive io.loomflow.workers; // launching on workers (Scheduler.Builder.workQueue)
    requires transitive io.loomflow.data; // the datasets dataset triggers watch; Schedules.load reads a Conf
    requires com.fasterxml.jackson.databind; // run-end triggers read parameters and results as JSON
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires java.sql;
    requires com.cronutils;

    exports io.loomflow.schedules;
}
