package io.loomflow.workers.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up: one side {@linkplain #raise() raises} it (a notification came, a slot was freed, the
 * worker is closing), the other {@linkplain #await(Duration) waits} for it with a deadline. A raise
 * before the wait is not lost. Thread-safe.
 */
final class Signal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private boolean pending; // guarded by lock

    /** Wakes the waiter, or the next one if none waits now. */
    void raise() {
        lock.lock();
        try {
            pending = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until raised or until {@code most} has passed, and consumes the raise.
     *
     * @return whether it was raised
     */
    boolean await(Duration most) throws InterruptedException {
        lock.lock();
        try {
            long left = most.toNanos();
            while (!pending && left > 0) {
                left = raised.awaitNanos(left);
            }
            boolean was = pending;
            pending = false;
            return was;
        } finally {
            lock.unlock();
        }
    }
}
