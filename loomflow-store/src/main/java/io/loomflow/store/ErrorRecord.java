package io.loomflow.store;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The error a run failed with, as text that outlives the process. Immutable.
 *
 * @param type the exception's class name
 * @param message its message, or an empty string
 * @param stackTrace its stack trace, with causes and suppressed exceptions
 */
public record ErrorRecord(String type, String message, String stackTrace) {

    /**
     * Records an exception.
     *
     * @param error the exception
     * @return its record
     */
    public static ErrorRecord of(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return new ErrorRecord(error.getClass().getName(), error.getMessage() == null ? "" : error.getMessage(),
                trace.toString());
    }
}
