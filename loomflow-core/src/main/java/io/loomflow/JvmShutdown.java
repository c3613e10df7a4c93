package io.loomflow;

import java.time.Duration;

/**
 * What a thread waiting in {@code run} does when the JVM's shutdown ended its run.
 *
 * <p>When the JVM shuts down ({@code System.exit}, even from inside a task, or a signal), the
 * default engine's shutdown hook closes it and cancels the runs still going. A thread that waits in
 * {@code flow.run} (usually {@code main}) would then wake up and throw {@link RunCancelledException};
 * an exception escaping {@code main} is printed, racing the JVM's halt, although the program chose to
 * exit. So such a thread waits for the halt instead. Only the thread that started the run waits so:
 * it was running before the shutdown began, so it is not a shutdown hook, which the JVM would wait
 * for. The wait is still bounded, so that a shutdown hook of your own that runs a flow while the
 * JVM exits is held up a minute at most; an interrupt ends it too. Stateless.
 */
final class JvmShutdown {

    /** How long a thread whose run the shutdown ended waits for the JVM to halt. */
    private static final Duration HALT_WAIT = Duration.ofMinutes(1);

    private JvmShutdown() {
    }

    /**
     * Called on the thread that started a root run and waited for its end: if the run was cancelled
     * or lost because its engine was closed while the JVM shuts down, waits for the JVM to halt.
     * Returns at once otherwise, and the caller reports the run's end as usual.
     */
    static void awaitHaltIfItEnded(RunNode root) {
        State end = root.state();
        if (!(end instanceof State.Cancelled || end instanceof State.Crashed) || !root.engine().isClosed()
                || !inProgress()) {
            return;
        }
        try {
            TimeSource.system().sleep(HALT_WAIT); // the JVM halts long before, printing nothing
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the JVM is shutting down: the JDK refuses new shutdown hooks from then on. Asked only
     * after a run has ended cancelled, never on the way of a run that completes.
     */
    static boolean inProgress() {
        Thread probe = Thread.ofPlatform().unstarted(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shutdownInProgress) {
            return true;
        }
    }
}
