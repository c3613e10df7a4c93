package io.loomflow.server;

import io.loomflow.store.Prune;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How long a {@link LoomflowServer} keeps the history of runs: it prunes, in the background every
 * {@link #every()}, the root runs (each with everything below it and its log lines) that ended longer
 * than {@link #maxAge()} ago, or that are older than the newest {@link #keepRuns()} roots; with both,
 * a root goes when it is both. Runs that have not ended are never pruned. Immutable; the {@code with*}
 * methods return changed copies.
 * {@snippet class=io.loomflow.server.snippets.ServerSnippets region=retention}
 *
 * @param maxAge prune roots that ended longer ago than this, or {@code null} for no age limit
 * @param keepRuns keep at most this many roots, the newest, or {@code null} for no count limit; 0 or more
 * @param every how often to prune; the first prune is when the server starts
 * @param clock what "now" is, for {@code maxAge}
 */
public record Retention(@Nullable Duration maxAge, @Nullable Integer keepRuns, Duration every, Clock clock) {

    /** How often to prune unless told otherwise. */
    public static final Duration EVERY = Duration.ofHours(1);

    /** Checks that there is a limit, and that the durations are positive. */
    public Retention {
        if (maxAge == null && keepRuns == null) {
            throw new IllegalArgumentException("a retention needs a limit: pass how long to keep ended runs"
                    + " (maxAge), how many of the newest runs to keep (keepRuns), or both");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("a retention's maxAge was " + maxAge + "; pass a positive duration");
        }
        if (keepRuns != null && keepRuns < 0) {
            throw new IllegalArgumentException("a retention's keepRuns was " + keepRuns + "; pass 0 or more");
        }
        if (every == null || every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("a retention's every was " + every + "; pass a positive duration, such"
                    + " as an hour");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Keeps the runs that ended within {@code age}, pruning every {@link #EVERY}.
     *
     * @param age positive
     * @return the retention
     */
    public static Retention maxAge(Duration age) {
        return new Retention(Objects.requireNonNull(age, "age"), null, EVERY, Clock.systemUTC());
    }

    /**
     * Keeps the newest {@code runs} root runs, pruning every {@link #EVERY}.
     *
     * @param runs 0 or more
     * @return the retention
     */
    public static Retention keepRuns(int runs) {
        return new Retention(null, runs, EVERY, Clock.systemUTC());
    }

    /**
     * Returns a copy that also prunes roots that ended longer ago than {@code age}.
     *
     * @param age positive
     * @return the changed copy
     */
    public Retention withMaxAge(Duration age) {
        return new Retention(Objects.requireNonNull(age, "age"), keepRuns, every, clock);
    }

    /**
     * Returns a copy that also keeps at most the newest {@code runs} roots.
     *
     * @param runs 0 or more
     * @return the changed copy
     */
    public Retention withKeepRuns(int runs) {
        return new Retention(maxAge, runs, every, clock);
    }

    /**
     * Returns a copy that prunes every {@code period}.
     *
     * @param period positive
     * @return the changed copy
     */
    public Retention withEvery(Duration period) {
        return new Retention(maxAge, keepRuns, period, clock);
    }

    /**
     * Returns a copy that reads "now" from {@code time}.
     *
     * @param time the clock
     * @return the changed copy
     */
    public Retention withClock(Clock time) {
        return new Retention(maxAge, keepRuns, every, time);
    }

    /**
     * What to prune now.
     *
     * @return the request for {@link io.loomflow.store.RunStore#prune}
     */
    public Prune prune() {
        return new Prune(maxAge == null ? null : clock.instant().minus(maxAge), keepRuns);
    }
}
