package io.loomflow;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of a run started with {@code runAsync}: cancelling it cancels the run, and its stages
 * never run on a thread that must not block ({@link OffLoopFuture}).
 */
final class RunFuture extends OffLoopFuture<Object> {

    private final RunNode run;

    RunFuture(RunNode run) {
        super(run.engine().blockingCheck());
        this.run = run;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        run.stop(Cancellation.requested("its future was cancelled"));
        return cancelled;
    }

    // Waiting for a run through its future is a blocking call like join(): refused on threads
    // that must not block while the run is still going (completed futures may always be read), and
    // refused in a static initializer that the run waits for.

    @Override
    public Object join() {
        checkMayWait();
        boolean interrupted = false;
        while (true) {
            try {
                awaitOutsideRuns();
                break;
            } catch (InterruptedException ignored) {
                interrupted = true; // join() waits on, as CompletableFuture.join() does
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return super.join();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        checkMayWait();
        awaitOutsideRuns();
        return super.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkMayWait();
        return super.get(timeout, unit);
    }

    /** Outside of any run, waits for the future as {@link StaticInitializerDeadlock} says; inside one, does nothing. */
    private void awaitOutsideRuns() throws InterruptedException {
        if (!isDone() && RunNode.currentOrNull() == null) {
            StaticInitializerDeadlock.await(this::settlesWithin, StaticInitializerDeadlock.awaiting(run), run.engine());
        }
    }

    private boolean settlesWithin(Duration atMost) throws InterruptedException {
        try {
            super.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException notYet) {
            return false;
        } catch (ExecutionException | CancellationException settled) {
            // settled with an error: the caller reads it
        }
        return true;
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
