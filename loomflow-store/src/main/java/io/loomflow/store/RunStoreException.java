package io.loomflow.store;

import io.loomflow.LoomflowException;
import org.jspecify.annotations.Nullable;

/**
 * A run store could not be opened, read or written: the database is unreachable, its file is
 * corrupt, or it was written by a newer Loomflow. The message names the store and what to do.
 */
public class RunStoreException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, the store it concerns, and what to do
     * @param cause the database's error, if there is one
     */
    public RunStoreException(String message, @Nullable Throwable cause) {
        super(message, cause, false);
    }
}
