package io.loomflow.store;

import io.loomflow.LoomflowException;
import org.jspecify.annotations.Nullable;

/**
 * A run store could not be opened, read or written: the database is unreachable, its file is
 * corrupt, or it was written by a newer Loomflow. The message names the store and what to do.
 *
 * <p>{@link #isRetryable()} says whether the same request could succeed later without anyone
 * changing it: the database was unreachable, shutting down, out of disk space or busy. A
 * {@link RunRecorder} keeps and retries the events of a write that failed so; other failures of a
 * write are taken as the fault of an event in the batch (see {@link RunStore#write}).
 */
public class RunStoreException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception that retrying cannot cure.
     *
     * @param message what failed, the store it concerns, and what to do
     * @param cause the database's error, if there is one
     */
    public RunStoreException(String message, @Nullable Throwable cause) {
        this(message, cause, false);
    }

    /**
     * Creates the exception.
     *
     * @param message what failed, the store it concerns, and what to do
     * @param cause the database's error, if there is one
     * @param retryable whether the same request could succeed later, as when the database was
     *     unreachable or its disk full
     */
    public RunStoreException(String message, @Nullable Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
