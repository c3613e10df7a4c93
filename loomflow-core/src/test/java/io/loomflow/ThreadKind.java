package io.loomflow;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;

/** The two kinds of thread an engine may run on; concurrency tests run on both. */
enum ThreadKind {
    VIRTUAL,
    PLATFORM;

    /** A factory of this kind that remembers every thread it made. */
    Tracking tracking() {
        ThreadFactory delegate = this == VIRTUAL
                ? Thread.ofVirtual().name("test-virtual-", 0).factory()
                : Thread.ofPlatform().daemon().name("test-platform-", 0).factory();
        return new Tracking(delegate);
    }

    /** A thread factory that keeps every thread it made, to check that none is left behind. */
    static final class Tracking implements ThreadFactory {
        private final ThreadFactory delegate;
        private final Queue<Thread> made = new ConcurrentLinkedQueue<>();

        Tracking(ThreadFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = delegate.newThread(task);
            made.add(thread);
            return thread;
        }

        int made() {
            return made.size();
        }

        List<Thread> alive() {
            return made.stream().filter(Thread::isAlive).toList();
        }
    }
}
