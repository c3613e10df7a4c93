package io.loomflow;

import io.loomflow.spi.RunInterceptor;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jspecify.annotations.Nullable;

/**
 * An engine's {@link RunInterceptor}s, nested in the order they were added and made safe, each on
 * its own: what one throws is logged once per interceptor and never reaches the run or the other
 * interceptors, and the run executes exactly once whatever they do.
 *
 * <p>What they capture for a run is one value: with one interceptor, what it returned; with
 * several, an {@code Object[]} with one slot per interceptor. {@link RunNode} keeps it and hands it
 * back; only this class looks inside.
 */
final class RunInterception {

    private final RunInterceptor[] interceptors;
    private final boolean single;
    private final String engineName;
    private final TimeSource clock;
    /** Per interceptor: 1 once one of its failures was logged. */
    private final AtomicIntegerArray warned;

    RunInterception(List<RunInterceptor> interceptors, String engineName, TimeSource clock) {
        this.interceptors = interceptors.toArray(RunInterceptor[]::new);
        this.single = this.interceptors.length == 1;
        this.engineName = engineName;
        this.clock = clock;
        this.warned = new AtomicIntegerArray(this.interceptors.length);
    }

    /**
     * What every interceptor captures for {@code run}, on the thread that starts it.
     *
     * @param parentCaptured what they captured for the run's parent; ignored for a root run
     */
    @Nullable Object capture(RunInfo run, @Nullable Object parentCaptured) {
        if (single) {
            return captureBy(0, run, parentCaptured);
        }
        Object[] parents = (Object[]) parentCaptured;
        Object[] captured = new Object[interceptors.length];
        for (int i = 0; i < interceptors.length; i++) {
            captured[i] = captureBy(i, run, parents == null ? null : parents[i]);
        }
        return captured;
    }

    private @Nullable Object captureBy(int i, RunInfo run, @Nullable Object parentCaptured) {
        try {
            return run.isRoot() ? interceptors[i].capture(run) : interceptors[i].captureChild(run, parentCaptured);
        } catch (RuntimeException | Error failure) {
            warnOnce(i, "capture", run, failure);
            return null;
        }
    }

    /** Tells every interceptor that {@code run} moved to {@code state}; never throws. */
    void stateChanged(RunInfo run, @Nullable Object captured, State state) {
        if (single) {
            stateChangedBy(0, run, captured, state);
            return;
        }
        Object[] all = (Object[]) captured;
        for (int i = 0; i < interceptors.length; i++) {
            stateChangedBy(i, run, all == null ? null : all[i], state);
        }
    }

    private void stateChangedBy(int i, RunInfo run, @Nullable Object captured, State state) {
        try {
            interceptors[i].onStateChange(run, captured, state, clock);
        } catch (RuntimeException | Error failure) {
            warnOnce(i, "onStateChange", run, failure);
        }
    }

    /** Executes {@code node} on the calling thread, through every interceptor; never throws. */
    void execute(RunNode node) {
        Object captured = node.captured();
        if (single) {
            new Layer(this, 0, node, captured, null).executeThrough();
        } else {
            new Layer(this, 0, node, null, (Object[]) captured).executeThrough();
        }
    }

    /**
     * The run as interceptor {@code index} sees it: {@link #run()} executes it through the
     * interceptors inside that one, once at most.
     */
    private static final class Layer implements Runnable {
        private static final VarHandle RAN;

        static {
            try {
                RAN = MethodHandles.lookup().findVarHandle(Layer.class, "ran", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final RunInterception interception;
        private final int index;
        private final RunNode node;
        private final @Nullable Object captured; // with one interceptor
        private final Object @Nullable [] all; // with several; null if the run was not captured
        private volatile boolean ran;

        Layer(RunInterception interception, int index, RunNode node, @Nullable Object captured, Object @Nullable [] all) {
            this.interception = interception;
            this.index = index;
            this.node = node;
            this.captured = captured;
            this.all = all;
        }

        /** Calls this level's interceptor around the levels inside it, then makes sure they ran. */
        void executeThrough() {
            RunInterceptor interceptor = interception.interceptors[index];
            try {
                interceptor.execute(node.info(), interception.single ? captured : all == null ? null : all[index], this);
            } catch (RuntimeException | Error failure) {
                interception.warnOnce(index, "execute", node.info(), failure);
            }
            if (!ran) { // the interceptor failed before it, or never called it
                run();
            }
        }

        @Override
        public void run() {
            if (RAN.compareAndSet(this, false, true)) {
                if (index + 1 == interception.interceptors.length) {
                    node.executeUnintercepted();
                } else {
                    new Layer(interception, index + 1, node, captured, all).executeThrough();
                }
            }
        }
    }

    private void warnOnce(int i, String method, RunInfo run, Throwable failure) {
        if (warned.compareAndSet(i, 0, 1)) {
            Loggers.engine().log(Level.WARNING, "the run interceptor " + interceptors[i].getClass().getName()
                    + " of engine '" + engineName + "' threw from " + method + "(...) for run " + run.id() + " ("
                    + run.name() + "); the run goes on without it, and further errors of this interceptor are not"
                    + " logged; fix or remove the interceptor", failure);
        }
    }
}
