package io.loomflow;

import io.loomflow.internal.Limit;

/**
 * The limit one run holds, linked to its parent's: the rule that makes nested limits safe. A run
 * under an ancestor that holds a permit of limit L runs under that permit (lineage re-entrancy), so
 * nesting under a limit never deadlocks, and a limit bounds how many lineages hold it at once.
 *
 * <p>The permit is a token: acquired before an attempt, released exactly once before a retry's
 * back-off and when the run ends. Thread-safe: the held name is written by the run's own thread and
 * read by its descendants.
 */
final class LimitLineage {

    private final LimitLineage parent;
    private volatile String held;

    /**
     * @param parent the lineage of the parent run, or null for a root run
     */
    LimitLineage(LimitLineage parent) {
        this.parent = parent;
    }

    /**
     * Takes a permit of the run's limit, unless it has none or an ancestor holds that limit.
     *
     * @param engine the engine whose limit it is
     * @param spec the run's definition, naming the limit
     * @param beforeWaiting told, with the limit's name, when no permit is free and the run waits
     * @return the limit to {@link #release} later, or null when no permit was taken
     * @throws InterruptedException if the run is cancelled while it waits
     */
    Limit acquire(EngineImpl engine, RunSpec spec, java.util.function.Consumer<String> beforeWaiting)
            throws InterruptedException {
        String name = spec.limit();
        if (name == null || ancestorsHold(name)) {
            return null;
        }
        Limit limit = engine.limit(spec);
        if (!limit.tryAcquire()) {
            beforeWaiting.accept(name);
            limit.acquire();
        }
        held = name;
        return limit;
    }

    /**
     * Gives back a permit taken by {@link #acquire}.
     *
     * @param limit what acquire returned; null does nothing
     */
    void release(Limit limit) {
        if (limit != null) {
            held = null;
            limit.release();
        }
    }

    /** Whether an ancestor (not this run) holds the limit of that name. */
    boolean ancestorsHold(String limitName) {
        for (LimitLineage ancestor = parent; ancestor != null; ancestor = ancestor.parent) {
            if (limitName.equals(ancestor.held)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this run or an ancestor holds the limit of that name. */
    boolean holdsOrInherits(String limitName) {
        return limitName.equals(held) || ancestorsHold(limitName);
    }
}
