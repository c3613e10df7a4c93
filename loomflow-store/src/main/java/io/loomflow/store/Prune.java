package io.loomflow.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which runs' history to delete: whole root runs (with everything below them and their log lines)
 * that ended before a time, or all but the newest {@code keep} roots, or both. Immutable.
 *
 * <p>A run that has not ended is never pruned, nor is anything below it: it is counted in
 * {@link PruneResult#keptUnfinished()} instead.
 *
 * @param endedBefore prune roots that ended before this time, or {@code null} for no such condition
 * @param keep keep at most this many roots, the newest, and prune the older ones, or {@code null}
 *     for no such condition; 0 or more
 */
public record Prune(@Nullable Instant endedBefore, @Nullable Integer keep) {

    /** Checks that there is a condition, and that {@code keep} is not negative. */
    public Prune {
        if (endedBefore == null && keep == null) {
            throw new IllegalArgumentException("a prune needs a condition: pass the time before which ended runs go,"
                    + " or how many of the newest runs to keep");
        }
        if (keep != null && keep < 0) {
            throw new IllegalArgumentException("a prune's keep was " + keep + "; pass 0 or more");
        }
    }

    /**
     * Prunes the roots that ended before a time.
     *
     * @param time the time
     * @return the request
     */
    public static Prune endedBefore(Instant time) {
        return new Prune(java.util.Objects.requireNonNull(time, "time"), null);
    }

    /**
     * Keeps the newest {@code count} roots and prunes the others.
     *
     * @param count 0 or more
     * @return the request
     */
    public static Prune keepNewest(int count) {
        return new Prune(null, count);
    }

    /**
     * Returns a copy that also keeps at most the newest {@code count} roots.
     *
     * @param count 0 or more
     * @return the changed copy
     */
    public Prune withKeep(int count) {
        return new Prune(endedBefore, count);
    }

    /**
     * Tells whether the conditions select a root run, given its rank among roots. An unfinished root
     * is compared by the time it was created; the store keeps it whatever this says.
     *
     * @param root the root run
     * @param newerRoots how many roots were created after it, ended or not
     * @return {@code true} if every condition selects it
     */
    public boolean selects(RunRecord root, long newerRoots) {
        java.time.Instant at = root.isFinal() ? root.history().getLast().at() : root.createdAt();
        boolean old = endedBefore == null || at.isBefore(endedBefore);
        boolean beyond = keep == null || newerRoots >= keep;
        return old && beyond;
    }
}
