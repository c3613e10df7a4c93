package io.loomflow.slf4j;

import io.loomflow.slf4j.internal.Capture;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} filter that lets through only the lines {@link RunLogHandler} does not
 * capture: those logged outside of any run (and the {@code io.loomflow.run} lines). Set on a console
 * handler beside a {@link RunLogHandler}, it keeps what a task logs in its run's log only, where a
 * program that shows the runs' logs (as {@code loomflow run} does) shows it once; in {@code
 * logging.properties}:
 * {@snippet lang=properties :
 * handlers = java.util.logging.ConsoleHandler, io.loomflow.slf4j.RunLogHandler
 * java.util.logging.ConsoleHandler.filter = io.loomflow.slf4j.UncapturedFilter
 * }
 * Without a {@link RunLogHandler} installed it drops the lines logged inside runs all the same.
 */
public final class UncapturedFilter implements Filter {

    /** A filter; it holds no state. */
    public UncapturedFilter() {
    }

    /**
     * Tells whether the line is left to the other handlers.
     *
     * @param record the line
     * @return {@code false} when a {@link RunLogHandler} on this thread now captures it into a run's log
     */
    @Override
    public boolean isLoggable(LogRecord record) {
        return Capture.target(record.getLoggerName()).isEmpty();
    }
}
