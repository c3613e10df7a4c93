package io.loomflow.data.spi;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A record of a streamed dataset could not be read: malformed (its number and what is wrong in the
 * message), or its bytes could not be fetched. Thrown while the stream is consumed; a dataset
 * turns it into a {@code DatasetException} that names itself. A {@link io.loomflow.data.Format} of
 * another module whose value is a lazy stream of records (Parquet's) throws it too, so that its
 * errors are named and classified (bad data, or a store worth a retry) as the built-in formats' are.
 */
public final class RecordStreamException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    /** Whether the bytes were not in the format (else: the store failed). */
    private final boolean malformed;

    /**
     * Creates the error.
     *
     * @param message which record, and what went wrong
     * @param cause the parser's or the store's error
     * @param malformed {@code true} if the bytes are not in the format, {@code false} if they could not be read
     */
    public RecordStreamException(String message, IOException cause, boolean malformed) {
        super(message, cause);
        this.malformed = malformed;
    }

    /**
     * Whether the bytes were not in the format (else: the store failed).
     *
     * @return {@code true} for bad data
     */
    public boolean malformed() {
        return malformed;
    }
}
