package io.loomflow.data;

import io.loomflow.LoomflowException;
import java.net.URI;

/**
 * A dataset could not be loaded or saved. The message names the dataset, its location and what
 * went wrong; the store's or parser's own exception is the cause.
 */
public class DatasetException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /** The dataset's name. */
    private final String dataset;
    private final transient URI location;

    /**
     * Creates the error.
     *
     * @param dataset the dataset's name
     * @param location its location
     * @param message what went wrong and what to do
     * @param cause the underlying error
     * @param retryable whether trying again could help (a store that did not answer: yes; bad data: no)
     */
    public DatasetException(String dataset, URI location, String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
        this.dataset = dataset;
        this.location = location;
    }

    /**
     * The dataset's name.
     *
     * @return the name
     */
    public String dataset() {
        return dataset;
    }

    /**
     * The dataset's location.
     *
     * @return the location
     */
    public URI location() {
        return location;
    }
}
