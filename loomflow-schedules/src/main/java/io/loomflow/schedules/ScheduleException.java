package io.loomflow.schedules;

import org.jspecify.annotations.Nullable;

/** A schedule that cannot be used: the message names the value and shows a valid one. */
public final class ScheduleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Makes one.
     *
     * @param message what is wrong and what to do
     * @param cause the parser's error, if any
     */
    public ScheduleException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Makes one.
     *
     * @param message what is wrong and what to do
     */
    public ScheduleException(String message) {
        super(message);
    }
}
