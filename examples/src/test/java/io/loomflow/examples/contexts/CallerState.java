package io.loomflow.examples.contexts;

/**
 * What a caller may expect of its own thread across a Loomflow call: the same thread, name, context
 * class loader, priority, values of a {@code ThreadLocal} and an {@code InheritableThreadLocal} it
 * set, and interrupt status. A record, so that {@code equals} compares all of it (class loaders by
 * identity).
 */
record CallerState(Thread thread, String name, ClassLoader contextLoader, int priority, Object local,
                   Object inheritable, boolean interrupted) {

    static final ThreadLocal<Object> LOCAL = new ThreadLocal<>();
    static final InheritableThreadLocal<Object> INHERITABLE = new InheritableThreadLocal<>();

    /** The calling thread's state now. */
    static CallerState capture() {
        Thread thread = Thread.currentThread();
        return new CallerState(thread, thread.getName(), thread.getContextClassLoader(), thread.getPriority(),
                LOCAL.get(), INHERITABLE.get(), thread.isInterrupted());
    }

    /**
     * Gives the calling thread state of the caller's own (thread-local values and a context class
     * loader of its own) until the returned handle is closed, which restores the thread as it was.
     * A pool's thread is then left as the pool expects it.
     */
    static Marked mark(String tag) {
        Thread thread = Thread.currentThread();
        if (thread.isInterrupted()) {
            throw new AssertionError("the caller " + thread + " is interrupted before the call");
        }
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(new MarkerLoader(tag, previous));
        LOCAL.set("local of " + tag);
        INHERITABLE.set("inheritable of " + tag);
        return () -> {
            LOCAL.remove();
            INHERITABLE.remove();
            thread.setContextClassLoader(previous);
        };
    }

    /** Restores the thread that {@link #mark(String)} marked. */
    interface Marked extends AutoCloseable {
        @Override
        void close();
    }

    /** A context class loader that is recognisably the caller's own; delegates everything. */
    static final class MarkerLoader extends ClassLoader {
        MarkerLoader(String tag, ClassLoader parent) {
            super("caller-loader-" + tag, parent);
        }

        @Override
        public String toString() {
            return getName();
        }
    }
}
