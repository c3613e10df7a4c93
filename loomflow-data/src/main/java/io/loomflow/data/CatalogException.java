package io.loomflow.data;

import io.loomflow.LoomflowException;
import org.jspecify.annotations.Nullable;

/**
 * A catalog or parameters file could not be read: a YAML syntax error, a duplicate key, a file past
 * the limits on size, encoding or aliases, an unknown type, a missing field, a bad URI or an
 * undefined {@code ${VARIABLE}}. The message starts with {@code file:line:column:} (only the file
 * when it cannot be opened), names the entry, and says what to write instead. Immutable.
 */
public final class CatalogException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message where, what, and what to write instead
     * @param cause the parser's error, if there is one
     */
    public CatalogException(String message, @Nullable Throwable cause) {
        super(message, cause, false);
    }
}
