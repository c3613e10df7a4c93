package io.loomflow.store;

import io.loomflow.TimeSource;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RunRecorder} holds events while its store is slow or failing: how many it holds at
 * most, how long its {@link RunRecorder#close()} keeps retrying a store that fails, and the clock
 * it waits on between retries. {@link RunRecorder#to(RunStore)} uses {@link #defaults()}.
 *
 * <p>Immutable and thread-safe; each {@code with...} method returns a new value.
 * {@snippet :
 * RunRecorder recorder = RunRecorder.to(store, RecorderOptions.defaults().withCapacity(10_000));
 * }
 */
public final class RecorderOptions {

    /** The default {@link #capacity()}, in events. */
    public static final int DEFAULT_CAPACITY = 100_000;
    /** The default {@link #closeTimeout()}: long enough for a database to restart. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final RecorderOptions DEFAULTS = new RecorderOptions(DEFAULT_CAPACITY, DEFAULT_CLOSE_TIMEOUT,
            TimeSource.system());

    private final int capacity;
    private final Duration closeTimeout;
    private final TimeSource clock;

    private RecorderOptions(int capacity, Duration closeTimeout, TimeSource clock) {
        this.capacity = capacity;
        this.closeTimeout = closeTimeout;
        this.clock = clock;
    }

    /**
     * The defaults: a capacity of {@value #DEFAULT_CAPACITY} events, a close timeout of 10 s, and
     * the system clock.
     *
     * @return the default options
     */
    public static RecorderOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns options with another capacity: the most events the recorder holds that the store has
     * not written yet (those queued and those of the batch being written). Beyond it, the runs
     * that publish wait for room; see {@link RunRecorder} for who waits and who does not.
     *
     * @param events 1 or more
     * @return a copy of these options with that capacity
     * @throws IllegalArgumentException if {@code events} is less than 1
     */
    public RecorderOptions withCapacity(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("a run recorder's capacity was given as " + events
                    + " events; pass 1 or more (the default is " + DEFAULT_CAPACITY + ")");
        }
        return new RecorderOptions(events, closeTimeout, clock);
    }

    /**
     * Returns options with another close timeout: how long {@link RunRecorder#close()} keeps
     * retrying a store that fails before it gives up on the events it still holds, and says how
     * many in one line. A store that is only slow is waited for, however long it takes.
     *
     * @param timeout zero or more; zero tries once more and gives up
     * @return a copy of these options with that timeout
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public RecorderOptions withCloseTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "the close timeout must not be null; pass Duration.ZERO to give up at once");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a run recorder's close timeout was given as " + timeout
                    + "; pass zero or more (the default is " + DEFAULT_CLOSE_TIMEOUT + ")");
        }
        return new RecorderOptions(capacity, timeout, clock);
    }

    /**
     * Returns options with another clock, which the recorder waits on between retries and measures
     * outages and its close timeout with; tests pass a {@link io.loomflow.ManualTimeSource}.
     *
     * @param clock the clock
     * @return a copy of these options with that clock
     */
    public RecorderOptions withClock(TimeSource clock) {
        return new RecorderOptions(capacity, closeTimeout,
                Objects.requireNonNull(clock, "the clock must not be null; pass TimeSource.system() for the wall clock"));
    }

    /**
     * The most events held that the store has not written yet.
     *
     * @return the capacity, 1 or more
     */
    public int capacity() {
        return capacity;
    }

    /**
     * How long closing keeps retrying a store that fails.
     *
     * @return the close timeout, zero or more
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * The clock of retries and timeouts.
     *
     * @return the clock
     */
    public TimeSource clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "RecorderOptions[capacity=" + capacity + ", closeTimeout=" + closeTimeout + ", clock=" + clock + "]";
    }
}
