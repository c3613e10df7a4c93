package io.loomflow.slf4j.internal;

import io.loomflow.RunContext;
import io.loomflow.RunLog;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * The rules every capture follows (the Logback and Log4j appenders, the java.util.logging handler), in one
 * place: which run a line belongs to, its level in the run's log, no loop, never a throw into the task.
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
     * Captures one line a task logged into the log of the run executing on this thread, if there is one.
     * Never throws: a failure is handed to {@code onFailure}, which reports it the backend's way.
     *
     * @param loggerName the logger's name, or {@code null}
     * @param level the line's level, in SLF4J's terms (each backend maps its own to these)
     * @param message makes the formatted message; called only when the line is captured
     * @param error the exception logged with it, or {@code null}
     * @param onFailure told what went wrong, with the exception, when writing the line failed
     * @return {@code true} when the line was written to a run's log
     */
    public static boolean capture(@Nullable String loggerName, Level level, Supplier<@Nullable String> message,
                                  @Nullable Throwable error, BiConsumer<String, RuntimeException> onFailure) {
        try {
            Optional<RunContext> run = target(loggerName);
            if (run.isEmpty()) {
                return false;
            }
            write(run.get(), level, String.valueOf(message.get()), error);
            return true;
        } catch (RuntimeException e) {
            try {
                onFailure.accept("could not write a line of logger " + loggerName + " to its run's log", e);
            } catch (RuntimeException ignored) {
                // The backend's own error reporting failed too: the task is still never disturbed.
            }
            return false;
        }
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
     * Writes one line to the run's log with the capture guard bound: error, warning and informational
     * lines keep their level, {@code DEBUG} and {@code TRACE} are debug lines; an exception is the error
     * of an error line, and appended to the message of another.
     */
    private static void write(RunContext run, Level level, String message, @Nullable Throwable error) {
        ScopedValue.where(WRITING, Boolean.TRUE).run(() -> {
            RunLog log = run.log();
            // RunLog formats only when arguments follow; passing none keeps a '%' in the message as it is.
            switch (level) {
                case ERROR -> log.error(message, error);
                case WARN -> log.warn(error == null ? message : message + " (" + error + ")");
                case INFO -> log.info(error == null ? message : message + " (" + error + ")");
                case DEBUG, TRACE -> log.debug(error == null ? message : message + " (" + error + ")");
            }
        });
    }
}
