package io.loomflow;

import org.jspecify.annotations.Nullable;

/**
 * A run's logger: each line becomes an {@link Event.LogLine} tagged with the run, and goes to the
 * {@link System.Logger} named {@code io.loomflow.run} prefixed with the run's name and id.
 *
 * <p>Obtain it with {@link RunContext#log()}; thread-safe. A message with arguments is formatted
 * with {@link String#format(String, Object...)}.
 */
public interface RunLog {

    /**
     * Writes a debug line.
     *
     * @param format the message, or a format string when arguments follow
     * @param args the format's arguments
     */
    void debug(String format, @Nullable Object... args);

    /**
     * Writes an informational line.
     *
     * @param format the message, or a format string when arguments follow
     * @param args the format's arguments
     */
    void info(String format, @Nullable Object... args);

    /**
     * Writes a warning.
     *
     * @param format the message, or a format string when arguments follow
     * @param args the format's arguments
     */
    void warn(String format, @Nullable Object... args);

    /**
     * Writes an error line with the exception that caused it.
     *
     * @param message the message
     * @param error the exception, if there is one
     */
    void error(String message, @Nullable Throwable error);
}
