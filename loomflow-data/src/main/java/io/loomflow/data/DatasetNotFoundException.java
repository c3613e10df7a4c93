package io.loomflow.data;

import java.net.URI;

/** A dataset was loaded, but there is nothing at its location. Never retried. */
public final class DatasetNotFoundException extends DatasetException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param dataset the dataset's name
     * @param location its location
     * @param cause the store's report
     */
    public DatasetNotFoundException(String dataset, URI location, Throwable cause) {
        super(dataset, location, "dataset '" + dataset + "' does not exist at " + location
                + "; save it first (is the node that produces it upstream?), or correct its location in the catalog",
                cause, false);
    }

    /**
     * Creates the error with a message of its own, such as for a partition removed after listing.
     *
     * @param dataset the dataset's name
     * @param location the location where nothing was
     * @param message what was missing and what to do
     * @param cause the store's report
     */
    public DatasetNotFoundException(String dataset, URI location, String message, Throwable cause) {
        super(dataset, location, message, cause, false);
    }
}
