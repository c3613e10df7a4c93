package io.loomflow.parquet.internal;

import java.io.IOException;

/**
 * The bytes are not a Parquet file, or not one the rows fit: not worth a retry. The message says
 * what is wrong and what to do, without parquet-java's stack.
 */
public final class BadParquetException extends IOException {

    private static final long serialVersionUID = 1L;

    BadParquetException(String message, Throwable cause) {
        super(message, cause);
    }

    BadParquetException(String message) {
        super(message);
    }
}
