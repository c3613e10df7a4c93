package io.loomflow.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency samples in nanoseconds and their order statistics, computed exactly from the sorted
 * samples (no histogram, no dependency). Not thread-safe: one thread records, then reads.
 */
final class Samples {

    private final String name;
    private long[] values;
    private int size;

    Samples(String name, int capacity) {
        this.name = name;
        this.values = new long[capacity];
    }

    /** Adds one sample. */
    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Math.max(16, values.length * 2));
        }
        values[size++] = value;
    }

    /** Adds every sample of another set. */
    void addAll(Samples other) {
        addAll(Arrays.copyOf(other.values, other.size));
    }

    /** Adds the samples of one round. */
    void addAll(long[] round) {
        if (size + round.length > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, size + round.length));
        }
        System.arraycopy(round, 0, values, size, round.length);
        size += round.length;
    }

    int size() {
        return size;
    }

    /** The value at quantile {@code q} (0..1) of the sorted samples, nearest rank. */
    long quantile(double q) {
        if (size == 0) {
            throw new IllegalStateException(name + " has no samples");
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, rank))];
    }

    long median() {
        return quantile(0.5);
    }

    double mean() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }

    /** One line: count, median, p90, p99, p99.9, max and mean, in microseconds. */
    String summary() {
        return String.format(Locale.ROOT,
                "%-34s n=%,d  median=%s  p90=%s  p99=%s  p99.9=%s  max=%s  mean=%s",
                name, size, micros(median()), micros(quantile(0.90)), micros(quantile(0.99)),
                micros(quantile(0.999)), micros(quantile(1.0)), micros(mean()));
    }

    static String micros(double nanos) {
        return String.format(Locale.ROOT, "%.3f us", nanos / 1_000.0);
    }

    /** Median of one round's samples; sorts a copy. */
    static long median(long[] round) {
        long[] sorted = round.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
