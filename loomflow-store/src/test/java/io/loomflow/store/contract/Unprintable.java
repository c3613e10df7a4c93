package io.loomflow.store.contract;

/**
 * A value that can be turned neither into JSON nor into text, so that no store can record a run
 * whose parameters it is: what a store refuses as the fault of one event.
 */
public final class Unprintable {

    /** Creates the value. */
    public Unprintable() {
    }

    /**
     * Fails, as JSON is written from it.
     *
     * @return nothing
     */
    public String getValue() {
        throw new IllegalStateException("no JSON for this value");
    }

    @Override
    public String toString() {
        throw new IllegalStateException("no text for this value either");
    }
}
