package io.loomflow;

import io.loomflow.internal.Limit;
import io.loomflow.spi.SharedLimits;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * The limit one run holds, linked to its parent's: the rule that makes nested limits safe. A run
 * under an ancestor that holds a permit of limit L runs under that permit (lineage re-entrancy), so
 * nesting under a limit never deadlocks, and a limit bounds how many lineages hold it at once. The
 * rule is the same for the engine's own limits and for {@link SharedLimits shared} ones.
 *
 * <p>The permit is a token: acquired before an attempt, released exactly once before a retry's
 * back-off and when the run ends. Thread-safety: the held name is written by the run's own thread
 * and read by its descendants; the held permit is read and written by the run's own thread only.
 */
final class LimitLineage {

    private final LimitLineage parent;
    private volatile String held;
    private Limit ownPermit; // of the engine's own limit, or null
    private SharedLimits.Permit sharedPermit; // of a shared limit, or null

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
     * @param run the run
     * @param beforeWaiting told, with the limit's name, when no permit is free and the run waits
     * @return whether a permit was taken, to {@link #release} later
     * @throws InterruptedException if the run is cancelled while it waits; no permit is then held
     */
    boolean acquire(EngineImpl engine, RunNode run, Consumer<String> beforeWaiting) throws InterruptedException {
        RunSpec spec = run.spec();
        String name = spec.limit();
        if (name == null || ancestorsHold(name)) {
            return false;
        }
        EngineLimits.Shared shared = engine.sharedLimit(spec);
        if (shared != null) {
            sharedPermit = shared.limits().acquire(name, run.info(), () -> beforeWaiting.accept(name));
        } else {
            Limit limit = engine.limit(spec);
            if (!limit.tryAcquire()) {
                beforeWaiting.accept(name);
                limit.acquire();
            }
            ownPermit = limit;
        }
        held = name;
        return true;
    }

    /** Gives back the permit taken by {@link #acquire}, if one is held. */
    void release() {
        Limit own = ownPermit;
        SharedLimits.Permit permit = sharedPermit;
        if (own == null && permit == null) {
            return;
        }
        ownPermit = null;
        sharedPermit = null;
        String name = held;
        held = null;
        if (own != null) {
            own.release();
            return;
        }
        try {
            permit.release();
        } catch (RuntimeException failed) {
            Loggers.engine().log(Level.WARNING, "could not give back a permit of shared limit '" + name + "' ("
                    + failed + "); the shared limits must take it back by themselves", failed);
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
