package io.loomflow;

import io.loomflow.spi.RunInterceptor;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An engine's {@link RunInterceptor}, made safe: what it throws is logged once per engine and never
 * reaches the run, and the run executes exactly once whatever the interceptor does.
 */
final class RunInterception {

    private final RunInterceptor interceptor;
    private final String engineName;
    private final AtomicBoolean warned = new AtomicBoolean();

    RunInterception(RunInterceptor interceptor, String engineName) {
        this.interceptor = interceptor;
        this.engineName = engineName;
    }

    @Nullable Object capture(RunInfo run) {
        try {
            return interceptor.capture(run);
        } catch (RuntimeException | Error failure) {
            warnOnce("capture", run, failure);
            return null;
        }
    }

    /** Executes {@code body} on the calling thread, through the interceptor; never throws. */
    void execute(RunInfo run, @Nullable Object captured, Runnable body) {
        AtomicBoolean executed = new AtomicBoolean();
        Runnable once = () -> {
            if (executed.compareAndSet(false, true)) {
                body.run();
            }
        };
        try {
            interceptor.execute(run, captured, once);
        } catch (RuntimeException | Error failure) {
            warnOnce("execute", run, failure);
        }
        once.run(); // the interceptor failed before it, or never called it
    }

    private void warnOnce(String method, RunInfo run, Throwable failure) {
        if (warned.compareAndSet(false, true)) {
            Loggers.engine().log(Level.WARNING, "the run interceptor " + interceptor.getClass().getName()
                    + " of engine '" + engineName + "' threw from " + method + "(...) for run " + run.id() + " ("
                    + run.name() + "); the run goes on without it, and further errors of this interceptor are not"
                    + " logged; fix or remove the interceptor", failure);
        }
    }
}
