package io.loomflow.examples.s4;

/**
 * The model server failed a grading call: it answered with an error status or a reply without
 * {@code message.content}, or it could not be reached. The message names the URL, the status (or
 * the failure) and what to check; a failure to reach the server keeps its {@link java.io.IOException}
 * as the cause.
 *
 * <p>Unchecked, and never wrapped on its way out: the {@code evaluation} run fails with exactly this
 * exception, so its recorded error has this type and message. Immutable once thrown.
 */
public final class ModelServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ModelServerException(String message) {
        super(message);
    }

    ModelServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
