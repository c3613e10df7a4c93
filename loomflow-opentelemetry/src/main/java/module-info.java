/**
 * Loomflow OpenTelemetry: a span per run, nested as the runs are, and metrics of runs, through the
 * OpenTelemetry API given to {@link io.loomflow.opentelemetry.LoomflowTelemetry#create}.
 *
 * <p>Depends on the OpenTelemetry API only: the application chooses the SDK, or the Java agent.
 * {@code loomflow-workers} is optional: needed only for {@code LoomflowTelemetry.observe(WorkQueue)}.
 */
// The OpenTelemetry jars are automatic modules.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.opentelemetry {
    requires transitive io.loomflow;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires static org.jspecify;
    requires static io.loomflow.workers; // optional: LoomflowTelemetry.observe(WorkQueue)

    exports io.loomflow.opentelemetry;
}
