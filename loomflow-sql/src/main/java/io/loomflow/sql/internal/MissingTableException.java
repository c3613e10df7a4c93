package io.loomflow.sql.internal;

/** A table that the database does not have: bad input, named with what to do. */
public final class MissingTableException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    MissingTableException(String message) {
        super(message);
    }
}
