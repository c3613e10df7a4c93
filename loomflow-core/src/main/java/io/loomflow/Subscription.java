package io.loomflow;

/**
 * A listener's registration with a running engine; {@link #close()} removes it.
 *
 * <p>Thread-safe; closing twice has no further effect.
 */
public interface Subscription extends AutoCloseable {

    /** Stops delivery to the listener; events already being delivered may still arrive. */
    @Override
    void close();
}
