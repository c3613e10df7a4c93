package io.loomflow;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when told to: threads that {@link #sleep(Duration) sleep} on it wake when
 * {@link #advance(Duration)} has moved it past their deadline. Use it to test retries, back-off and
 * timeouts without waiting.
 * {@snippet class=io.loomflow.snippets.RetrySnippets region=manual-clock}
 * Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Instant now;
    private final java.util.List<Instant> deadlines = new java.util.ArrayList<>(); // one per sleeping thread

    private ManualTimeSource(Instant start) {
        this.now = start;
    }

    /**
     * Creates a clock that reads {@code start} until advanced.
     *
     * @param start the initial instant
     * @return the clock
     */
    public static ManualTimeSource startingAt(Instant start) {
        return new ManualTimeSource(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Instant now() {
        lock.lock();
        try {
            return now;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        lock.lock();
        try {
            Instant deadline = now.plus(duration);
            if (!now.isBefore(deadline)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                return;
            }
            deadlines.add(deadline);
            changed.signalAll();
            try {
                while (now.isBefore(deadline)) {
                    changed.await();
                }
            } finally {
                deadlines.remove(deadline);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the clock forward and wakes every sleeper whose deadline has come.
     *
     * @param duration how far, zero or positive
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move a clock backwards by " + duration
                    + "; pass zero or a positive duration");
        }
        lock.lock();
        try {
            now = now.plus(duration);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The number of threads sleeping on this clock whose deadline has not come yet.
     *
     * @return how many threads wait for this clock to be advanced
     */
    public int sleepers() {
        lock.lock();
        try {
            return waiting();
        } finally {
            lock.unlock();
        }
    }

    private int waiting() {
        int count = 0;
        for (Instant deadline : deadlines) {
            if (now.isBefore(deadline)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Waits, in real time, until at least {@code count} threads sleep on this clock with a deadline
     * still to come.
     *
     * @param count how many sleepers to wait for
     * @param timeout the longest real time to wait
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if fewer sleepers are there when {@code timeout} runs out
     */
    public void awaitSleepers(int count, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (waiting() < count) {
                if (remaining <= 0) {
                    throw new IllegalStateException("expected " + count + " threads sleeping on the clock within "
                            + timeout + ", found " + waiting());
                }
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ManualTimeSource[" + now() + "]";
    }
}
