package io.loomflow.examples.contexts;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread factory for engines under test: makes virtual threads named {@code <prefix><n>} and
 * keeps every one it made that has not terminated, so a test can tell whether any outlived
 * {@code engine.close()}. Threads found terminated are dropped now and then, which keeps 10,000
 * runs' worth of threads from piling up; a live thread is never dropped.
 */
final class TrackingThreadFactory implements ThreadFactory {

    private static final int PRUNE_EVERY = 4096;

    private final ThreadFactory delegate;
    private final Queue<Thread> made = new ConcurrentLinkedQueue<>();
    private final AtomicLong created = new AtomicLong();

    TrackingThreadFactory(String prefix) {
        this.delegate = Thread.ofVirtual().name(prefix, 1).factory();
    }

    @Override
    public Thread newThread(Runnable body) {
        Thread thread = delegate.newThread(body);
        made.add(thread);
        if (created.incrementAndGet() % PRUNE_EVERY == 0) {
            made.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        }
        return thread;
    }

    /** How many threads this factory has made. */
    long created() {
        return created.get();
    }

    /** The threads this factory made that have not terminated (including ones never started). */
    List<Thread> notTerminated() {
        return made.stream().filter(t -> t.getState() != Thread.State.TERMINATED).toList();
    }
}
