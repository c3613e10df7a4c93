package io.loomflow;

/**
 * An engine refused work because it is closing or closed.
 *
 * <p>Raised at once by {@code run}, {@code runAsync}, {@code call}, {@code submit}, {@code map}
 * and {@link Resource#get()} instead of any error from deep inside.
 */
public final class EngineClosedException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message which engine, what was refused, and what to do instead
     */
    public EngineClosedException(String message) {
        super(message, null, false);
    }
}
