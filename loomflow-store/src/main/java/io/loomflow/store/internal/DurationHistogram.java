package io.loomflow.store.internal;

import io.loomflow.store.Durations;
import java.time.Duration;
import java.util.Arrays;

/**
 * Durations counted in buckets that grow by a sixteenth of a doubling (a bucket's width is at most
 * 1/16 of its lower bound), so that a map of any size keeps its items' percentiles in 1,024 counts,
 * each estimate within about 3% of the exact value. Not thread-safe: its owner guards it. Shared by
 * the stores so that they agree; the counts are what a SQL store keeps per map.
 */
public final class DurationHistogram {

    /** Sub-buckets per doubling, as a power of two. */
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    /** The number of buckets: enough for any non-negative long of nanoseconds. */
    public static final int BUCKETS = 64 * SUB;

    private final long[] counts;
    private long total;
    private long max;

    /** An empty histogram. */
    public DurationHistogram() {
        this.counts = new long[BUCKETS];
    }

    /**
     * A histogram with the given counts, as a store read them back.
     *
     * @param counts a count per bucket, {@link #BUCKETS} of them
     * @param max the longest duration counted, in nanoseconds
     */
    public DurationHistogram(long[] counts, long max) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("a duration histogram has " + BUCKETS + " buckets, not " + counts.length);
        }
        this.counts = counts.clone();
        this.total = Arrays.stream(counts).sum();
        this.max = max;
    }

    /** The bucket of a duration in nanoseconds (negative ones count as zero). */
    public static int bucket(long nanos) {
        long value = Math.max(0, nanos);
        if (value < SUB) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int sub = (int) ((value >>> (exponent - SUB_BITS)) & (SUB - 1));
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The middle of a bucket's range, in nanoseconds: the estimate of a duration in it. */
    static long middle(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exponent = bucket / SUB + SUB_BITS - 1;
        long sub = bucket % SUB;
        long width = 1L << (exponent - SUB_BITS);
        long lower = (1L << exponent) + sub * width;
        return lower + width / 2;
    }

    /**
     * Counts one duration.
     *
     * @param nanos the duration in nanoseconds
     */
    public void add(long nanos) {
        counts[bucket(nanos)]++;
        total++;
        max = Math.max(max, nanos);
    }

    /** A copy of the counts, one per bucket. */
    public long[] counts() {
        return counts.clone();
    }

    /** The longest duration counted, in nanoseconds. */
    public long max() {
        return max;
    }

    /** The percentiles of what was counted. */
    public Durations durations() {
        if (total == 0) {
            return Durations.NONE;
        }
        return new Durations(total, percentile(0.50), percentile(0.90), percentile(0.99), Duration.ofNanos(max));
    }

    private Duration percentile(double fraction) {
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            seen += counts[bucket];
            if (seen >= rank) {
                return Duration.ofNanos(Math.min(middle(bucket), max));
            }
        }
        return Duration.ofNanos(max);
    }
}
