package io.loomflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The future of a run started with {@code runAsync}: cancelling it cancels the run. */
final class RunFuture extends CompletableFuture<Object> {

    private final RunNode run;

    RunFuture(RunNode run) {
        this.run = run;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        run.stop(Cancellation.requested("its future was cancelled"));
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    // Waiting for a run through its future is a blocking call like join(): refused on threads
    // that must not block while the run is still going (completed futures may always be read).

    @Override
    public Object join() {
        checkMayWait();
        return super.join();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        checkMayWait();
        return super.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkMayWait();
        return super.get(timeout, unit);
    }

    private void checkMayWait() {
        if (!isDone()) {
            run.engine().blockingCheck().beforeJoin(run);
        }
    }

    /** Completes the future with the run's outcome; the run has ended. */
    void settle() {
        RunEnd end = run.end();
        switch (end.outcome()) {
            case Outcome.Success<Object> success -> complete(success.value());
            case Outcome.Failure<Object> failure -> completeExceptionally(failure.error());
            case Outcome.Cancelled<Object> cancelled -> completeExceptionally(end.cancelledError(cancelled.reason()));
        }
    }
}
