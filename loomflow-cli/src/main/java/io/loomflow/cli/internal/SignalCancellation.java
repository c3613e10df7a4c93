package io.loomflow.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
// sun.misc.Signal (jdk.unsupported) is the one way to handle a signal without starting the JVM's shutdown;
// javac warns about it, and no annotation silences that warning.
final class SignalCancellation implements AutoCloseable {

    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);

    private final AtomicReference<String> received = new AtomicReference<>();
    private final List<Map.Entry<Signal, SignalHandler>> previous = new ArrayList<>();

    private SignalCancellation() {
    }

    /**
     * Installs the handlers: the first signal prints a note saying what it does ({@code doing}, such
     * as {@code cancelling the run}) and calls {@code cancel}, a second one exits the JVM.
     */
    static SignalCancellation install(String doing, Runnable cancel, PrintStream err) {
        SignalCancellation handling = new SignalCancellation();
        SignalHandler handler = signal -> {
            if (handling.received.compareAndSet(null, signal.getName())) {
                err.println("loomflow: SIG" + signal.getName() + ": " + doing + " (again to quit at once)");
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
