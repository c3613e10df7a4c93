package io.loomflow.schedules;

/** A bad trigger: an unknown flow, dataset or state, or parameters that do not fit; the message names the value. */
public final class TriggerException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * An error with a message.
     *
     * @param message what is wrong and what to do
     */
    public TriggerException(String message) {
        super(message);
    }

    /**
     * An error with a message and a cause.
     *
     * @param message what is wrong and what to do
     * @param cause the underlying error
     */
    public TriggerException(String message, Throwable cause) {
        super(message, cause);
    }
}
