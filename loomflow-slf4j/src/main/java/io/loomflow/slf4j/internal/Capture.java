package io.loomflow.slf4j.internal;

import io.loomflow.RunContext;
import io.loomflow.RunLog;
import java.lang.System.Logger.Level;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes a line a task logged through a logging library into the log of the run it executes in.
 *
 * <p>Two guards keep a captured line from being captured again: lines of the {@code io.loomflow.run}
 * loggers are run-log lines already and are never captured, and while a captured line is written (to
 * the run's events, its listeners and the {@code io.loomflow.run} {@link System.Logger}) a {@link
 * ScopedValue} is bound on the thread, so whatever that logs in turn is not captured. A scoped value
 * ends with the call: nothing is left on the thread.
 */
public final class Capture {

    /** The name of the JDK logger that core writes run-log lines to; it and its children are never captured. */
    public static final String RUN_LOGGER = "io.loomflow.run";

    /** Bound while a captured line is written. */
    private static final ScopedValue<Boolean> WRITING = ScopedValue.newInstance();

    private Capture() {
    }

    /**
     * Tells whether a line of this logger, logged on this thread now, is to be captured.
     *
     * @param loggerName the logger's name, or {@code null}
     * @return the run to write to, or empty: outside of any run, inside a capture, or a run-log line
     */
    public static Optional<RunContext> target(@Nullable String loggerName) {
        if (WRITING.isBound() || isRunLogger(loggerName)) {
            return Optional.empty();
        }
        return RunContext.find();
    }

    /**
     * Tells whether a logger is core's {@code io.loomflow.run} or one of its children.
     *
     * @param loggerName the logger's name, or {@code null}
     * @return {@code true} for a run-log logger
     */
    public static boolean isRunLogger(@Nullable String loggerName) {
        return loggerName != null && (loggerName.equals(RUN_LOGGER) || loggerName.startsWith(RUN_LOGGER + "."));
    }

    /**
     * Writes one line to the run's log with the capture guard bound.
     *
     * @param run the run to write to
     * @param level the line's level
     * @param message the message, already formatted
     * @param error the exception logged with it, or {@code null}
     */
    public static void write(RunContext run, Level level, String message, @Nullable Throwable error) {
        ScopedValue.where(WRITING, Boolean.TRUE).run(() -> {
            RunLog log = run.log();
            // RunLog formats only when arguments follow; passing none keeps a '%' in the message as it is.
            switch (level) {
                case ERROR -> log.error(message, error);
                case WARNING -> log.warn(error == null ? message : message + " (" + error + ")");
                case INFO -> log.info(error == null ? message : message + " (" + error + ")");
                default -> log.debug(error == null ? message : message + " (" + error + ")");
            }
        });
    }
}
