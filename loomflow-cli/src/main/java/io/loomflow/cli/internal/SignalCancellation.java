package io.loomflow.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation of the running flow (or, for {@code loomflow
 * server}, a request to stop serving), while the JVM keeps running: the run ends Cancelled, the
 * history is written, the summary printed, and only then does the process exit ({@code run}: 130 or
 * 143, as if killed by the signal).
 *
 * <p>Why not a shutdown hook: once the JVM shuts down, every hook runs at once, and the embedded
 * database's own hook may close the store while the engine still records the runs it cancels. A
 * second signal exits at once. Handlers are installed for one run and restored by {@link #close()}.
 *
 * <p>A command can also promise to exit within a time of the first signal ({@link #install(String,
 * Runnable, PrintStream, Duration, String)}): if it has not called {@link #settled()} by then, the
 * process says what it gives up on and exits with the signal's code, as a second signal would.
 */
// sun.misc.Signal (jdk.unsupported) is the one way to handle a signal without starting the JVM's shutdown;
// javac warns about it, and no annotation silences that warning.
final class SignalCancellation implements AutoCloseable {

    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);
    /**
     * How long the shutdown hooks (the embedded database's, which closes its file) get when the
     * process exits at its deadline; then it halts. A file not closed is what a crash leaves, and
     * the store is made to be opened again after one.
     */
    private static final Duration HOOKS_GET = Duration.ofMillis(500);

    private final AtomicReference<String> received = new AtomicReference<>();
    private final List<Map.Entry<Signal, SignalHandler>> previous = new ArrayList<>();
    private final CountDownLatch settling = new CountDownLatch(1);
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.WAITING);

    /** Whether the command still waits for its work after a signal, has finished waiting, or was given up on. */
    private enum Ending { WAITING, SETTLED, GAVE_UP }

    private SignalCancellation() {
    }

    /**
     * Installs the handlers: the first signal prints a note saying what it does ({@code doing}, such
     * as {@code cancelling the run}) and calls {@code cancel}, a second one exits the JVM.
     */
    static SignalCancellation install(String doing, Runnable cancel, PrintStream err) {
        return install(doing, cancel, err, null, null);
    }

    /**
     * Installs the handlers as {@link #install(String, Runnable, PrintStream)} does, and promises
     * that the process exits within {@code exitWithin} of the first signal: unless {@link
     * #settled()} is called by then, it prints {@code loomflow: exiting 6.0 s after SIGTERM without
     * waiting any longer for } and {@code givingUp}, and exits with the signal's exit code.
     */
    static SignalCancellation install(String doing, Runnable cancel, PrintStream err, Duration exitWithin,
                                      String givingUp) {
        SignalCancellation handling = new SignalCancellation();
        SignalHandler handler = signal -> {
            if (handling.received.compareAndSet(null, signal.getName())) {
                err.println("loomflow: SIG" + signal.getName() + ": " + doing + " (again to quit at once)");
                if (exitWithin != null) {
                    Thread.ofPlatform().daemon().name("loomflow-exit-deadline")
                            .start(() -> handling.exitUnlessSettled(exitWithin, givingUp, err));
                }
                cancel.run();
            } else {
                System.exit(EXIT_CODES.getOrDefault(signal.getName(), 1));
            }
        };
        for (String name : EXIT_CODES.keySet()) {
            try {
                Signal signal = new Signal(name);
                handling.previous.add(Map.entry(signal, Signal.handle(signal, handler)));
            } catch (IllegalArgumentException unavailable) {
                // the JVM uses this signal itself (for example with -Xrs): leave it alone
            }
        }
        return handling;
    }

    private void exitUnlessSettled(Duration exitWithin, String givingUp, PrintStream err) {
        try {
            if (settling.await(exitWithin.minus(HOOKS_GET).toNanos(), TimeUnit.NANOSECONDS)
                    || !ending.compareAndSet(Ending.WAITING, Ending.GAVE_UP)) {
                return;
            }
        } catch (InterruptedException interrupted) {
            return; // nothing interrupts this thread; were something to, the command goes on as it would without it
        }
        err.println("loomflow: exiting " + Text.duration(exitWithin) + " after SIG" + received.get()
                + " without waiting any longer for " + givingUp);
        err.flush();
        int code = exitCode();
        Thread.ofPlatform().daemon().name("loomflow-halt").start(() -> {
            try {
                Thread.sleep(HOOKS_GET); // the time the shutdown hooks get; nothing else waits on it
            } catch (InterruptedException interrupted) {
                // halt at once
            }
            Runtime.getRuntime().halt(code);
        });
        System.exit(code);
    }

    /**
     * Tells the deadline of {@link #install(String, Runnable, PrintStream, Duration, String)} that
     * the command has finished waiting and will exit by itself; it then never exits the process.
     *
     * @return {@code false} if the deadline had already passed and the process is exiting
     */
    boolean settled() {
        ending.compareAndSet(Ending.WAITING, Ending.SETTLED);
        settling.countDown();
        return ending.get() == Ending.SETTLED;
    }

    /** The exit code for the signal received: 130 for Ctrl-C, 143 for SIGTERM; 0 if none came. */
    int exitCode() {
        String name = received.get();
        return name == null ? 0 : EXIT_CODES.get(name);
    }

    /** Tells whether a signal asked the run to stop. */
    boolean received() {
        return received.get() != null;
    }

    @Override
    public void close() {
        for (Map.Entry<Signal, SignalHandler> entry : previous) {
            Signal.handle(entry.getKey(), entry.getValue());
        }
        previous.clear();
    }
}
