/**
 * Loomflow SLF4J: the logging users already have. {@link io.loomflow.slf4j.Slf4jRunLogs} writes every
 * run's log lines to SLF4J with the run's id and names as key-values and MDC entries, and
 * {@link io.loomflow.slf4j.LoomflowRunAppender} (Logback), {@link io.loomflow.slf4j.LoomflowLog4jAppender}
 * (Log4j 2) and {@link io.loomflow.slf4j.RunLogHandler}
 * ({@code java.util.logging}, behind the JDK's default {@link System.Logger}) capture what a task
 * logs while it runs into that run's log.
 */
@SuppressWarnings("module")
module io.loomflow.slf4j {
    requires transitive io.loomflow;
    requires transitive org.slf4j;
    requires transitive java.logging;
    // Only LoomflowRunAppender needs Logback; whoever uses another backend leaves it out.
    requires static ch.qos.logback.classic;
    requires static ch.qos.logback.core;
    // Only LoomflowLog4jAppender needs Log4j 2.
    requires static org.apache.logging.log4j.core;
    requires static org.apache.logging.log4j;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time

    exports io.loomflow.slf4j;
}
