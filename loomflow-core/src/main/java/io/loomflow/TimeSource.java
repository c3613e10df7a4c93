package io.loomflow;

import java.time.Duration;
import java.time.Instant;

/**
 * The clock an engine reads and waits on: timestamps of events, retry delays, timeouts and the
 * shutdown grace period all go through it.
 *
 * <p>Production code uses {@link #system()}; tests pass a {@link ManualTimeSource} to
 * {@link Engine.Builder#clock(TimeSource)} and advance it instead of sleeping. Implementations are
 * thread-safe.
 */
public interface TimeSource {

    /**
     * The current instant.
     *
     * @return now, on this clock
     */
    Instant now();

    /**
     * Blocks the calling thread until {@code duration} has passed on this clock.
     *
     * @param duration how long to wait; zero or negative returns at once
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The wall clock of this machine; {@link #sleep(Duration)} is {@link Thread#sleep(Duration)}.
     *
     * @return the system time source
     */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}
