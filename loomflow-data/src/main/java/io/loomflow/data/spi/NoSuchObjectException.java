package io.loomflow.data.spi;

import java.io.IOException;
import java.net.URI;

/** There is no object at a location. Thrown by {@link Storage#read(URI)}. */
public final class NoSuchObjectException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient URI location;

    /**
     * Creates the error.
     *
     * @param location the location that holds no object
     */
    public NoSuchObjectException(URI location) {
        super("no object at " + location);
        this.location = location;
    }

    /**
     * The location that holds no object.
     *
     * @return the location
     */
    public URI location() {
        return location;
    }
}
