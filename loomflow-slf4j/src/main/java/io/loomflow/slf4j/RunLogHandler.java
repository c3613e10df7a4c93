package io.loomflow.slf4j;

import io.loomflow.slf4j.internal.Capture;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * A {@code java.util.logging} handler that captures what a task logs through the JDK's {@link
 * System.Logger} (which goes to java.util.logging unless a {@code System.LoggerFinder} is installed) or
 * through java.util.logging itself, while it runs, into that run's log, as {@link LoomflowRunAppender}
 * does for Logback. Add it to the root logger, in {@code logging.properties}:
 * {@snippet lang=properties :
 * handlers = java.util.logging.ConsoleHandler, io.loomflow.slf4j.RunLogHandler
 * }
 * or in code: {@code java.util.logging.Logger.getLogger("").addHandler(new RunLogHandler())}.
 *
 * <p>It sees what the loggers let through: java.util.logging's default level is {@code INFO}, so a
 * task's {@code DEBUG} lines reach the run's log only where the logger's level is lowered. {@code
 * SEVERE} is an error line, {@code WARNING} a warning, {@code INFO} and {@code CONFIG} informational,
 * the rest debug lines. A line logged outside of any run is left alone; lines of the {@code
 * io.loomflow.run} loggers (where core writes every run-log line) are never captured, and nothing
 * logged while a captured line is written is captured again. It does no I/O and never throws into the
 * task.
 *
 * <p>Where SLF4J is bound to java.util.logging ({@code slf4j-jdk14}), this handler captures the
 * tasks' SLF4J lines as well; where java.util.logging is bridged to Logback ({@code jul-to-slf4j}),
 * install {@link LoomflowRunAppender} only, or each line is captured twice.
 */
public final class RunLogHandler extends Handler {

    private final Formatter formatter = new SimpleFormatter();

    /** A handler at level {@code ALL}: the loggers' levels decide what it sees. */
    public RunLogHandler() {
        setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        Capture.capture(record.getLoggerName(), level(record.getLevel()), () -> formatter.formatMessage(record),
                record.getThrown(), (problem, e) -> reportError(problem, e, ErrorManager.WRITE_FAILURE));
    }

    private static org.slf4j.event.Level level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return org.slf4j.event.Level.ERROR;
        } else if (value >= Level.WARNING.intValue()) {
            return org.slf4j.event.Level.WARN;
        } else if (value >= Level.CONFIG.intValue()) {
            return org.slf4j.event.Level.INFO;
        } else if (value >= Level.FINE.intValue()) {
            return org.slf4j.event.Level.DEBUG;
        }
        return org.slf4j.event.Level.TRACE;
    }

    /** Nothing to flush: each line is in the run's log when {@link #publish} returns. */
    @Override
    public void flush() {
    }

    /** Nothing to release. */
    @Override
    public void close() {
    }
}
