package io.loomflow.store;

import java.time.Duration;

/**
 * How long the ended items of a map ran (from Running to their final state), as percentiles kept
 * while they end, without keeping every duration. Immutable.
 *
 * <p>The percentiles are estimates from a histogram whose buckets grow by a sixteenth of a doubling,
 * so each is within about 5% of the exact value; {@link #max()} is exact.
 *
 * @param count how many durations were counted (items that ran and ended)
 * @param p50 the median, or zero when none was counted
 * @param p90 the 90th percentile, or zero when none was counted
 * @param p99 the 99th percentile, or zero when none was counted
 * @param max the longest, or zero when none was counted
 */
public record Durations(long count, Duration p50, Duration p90, Duration p99, Duration max) {

    /** No duration counted yet. */
    public static final Durations NONE = new Durations(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
