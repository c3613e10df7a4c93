package io.loomflow.slf4j.internal;

/** The key-value and MDC keys of a run-log line written to SLF4J (documented on {@code Slf4jRunLogs}). */
public final class Keys {

    /** The run's id. */
    public static final String RUN_ID = "loomflow.run.id";
    /** The name of the flow or task that logged the line. */
    public static final String RUN_NAME = "loomflow.run.name";
    /** The name of the run's root flow. */
    public static final String FLOW_NAME = "loomflow.flow.name";
    /** The root run's id. */
    public static final String ROOT_ID = "loomflow.root.id";

    private Keys() {
    }
}
