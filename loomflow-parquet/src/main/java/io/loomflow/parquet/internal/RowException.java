package io.loomflow.parquet.internal;

/** A row that cannot be written or read; the message says which value and what to do. */
public final class RowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RowException(String message) {
        super(message);
    }

    RowException(String message, Throwable cause) {
        super(message, cause);
    }
}
