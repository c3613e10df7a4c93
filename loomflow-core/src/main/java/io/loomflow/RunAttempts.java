package io.loomflow;

import io.loomflow.internal.StructuredScope;
import io.loomflow.spi.Checkpoint;
import io.loomflow.spi.RemoteRuns;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The attempts of one run: the execute loop (cached results, the limit's permit, each attempt with
 * its timeout and children, retries with their back-off) and the state of the current attempt.
 *
 * <p>Its fields are guarded by the run's monitor, like the run's own: a cancel or a timeout reads
 * the attempt's scope in the same step as it records why the run is stopping.
 */
final class RunAttempts {

    private static final State FIRST_ATTEMPT = new State.Running(1);

    private final RunNode run;

    // Guarded by run.
    private int number;
    private boolean open; // the attempt's code is executing, so children may be added
    private int finished;
    private int timedOut;
    private StructuredScope<Cancellation> scope;
    private Cancellation cancellation; // of the current attempt alone: its timeout

    RunAttempts(RunNode run) {
        this.run = run;
    }

    /** Executes the run on the calling thread, which is bound as the current run. Never throws. */
    void execute() {
        if (!run.begin()) {
            return;
        }
        RunSpec spec = run.spec();
        EngineImpl engine = run.engine();
        LimitLineage lineage = run.lineage();
        Checkpointing checkpointing = run.parent() == null ? null : run.checkpointing(); // the root is not checkpointed
        RemoteRuns remote = RemoteItem.dispatcherOf(run); // an item of a distributed map: its code runs elsewhere
        try {
            if (checkpointing != null && replayed(checkpointing)) {
                return;
            }
            run.resolveResultScope();
            StoredResults stored = StoredResults.of(engine, run);
            if (stored != null) {
                State.Cached cached = stored.lookup();
                if (run.cancellation() != null) {
                    run.finishCancelled();
                    return;
                }
                if (cached != null) {
                    if (checkpointing == null || checkpointed(checkpointing, cached.result(), null)) {
                        run.finish(cached, cached.result(), null);
                    }
                    return;
                }
            }
            if (remote == null) {
                // A distributed map's item takes its limit where it executes, on the worker that claims it:
                // a permit held here while waiting for it could be the one it needs there.
                lineage.acquire(engine, run, this::pending);
            }
            for (int attempt = 1; ; attempt++) {
                if (!begin(attempt)) {
                    run.finishCancelled();
                    return;
                }
                Watchdog watchdog = spec.timeout() == null ? null : Watchdog.start(engine, this, attempt, spec.timeout());
                Object value = null;
                Throwable failure = null;
                try {
                    value = remote != null ? RemoteItem.await(run, remote) : spec.body().apply(run.info().input());
                } catch (Throwable thrown) {
                    failure = thrown;
                }
                StructuredScope<Cancellation> children = closeBody();
                if (children != null) {
                    failure = children.join(failure, failure == null ? null : Cancellation.parentFailed(run, failure));
                }
                boolean attemptTimedOut = close(attempt);
                if (watchdog != null) {
                    watchdog.stop();
                }
                Thread.interrupted(); // a cancel or timeout interrupt has done its work; the state below records it
                if (attemptTimedOut) {
                    failure = timeoutError(attempt, failure);
                }
                if (run.cancellation() != null) {
                    run.finishCancelled();
                    return;
                }
                boolean retry = failure != null && remote == null && spec.retry().shouldRetry(failure, attempt);
                if (checkpointing != null && !retry && !checkpointed(checkpointing, value, failure)) {
                    return; // the checkpoint before the parent goes on failed: the durable run is lost
                }
                if (failure == null) {
                    if (stored != null) {
                        stored.save(value);
                    }
                    run.finish(new State.Completed(value), value, null);
                    return;
                }
                if (!retry) {
                    run.finish(new State.Failed(failure), null, failure);
                    return;
                }
                Duration delay = spec.retry().delayBefore(attempt, ThreadLocalRandom.current().nextDouble());
                synchronized (run) {
                    run.moveTo(new State.Retrying(attempt, delay, failure));
                }
                lineage.release();
                engine.clock().sleep(delay);
                lineage.acquire(engine, run, this::pending);
            }
        } catch (InterruptedException interrupted) {
            run.finishCancelled();
        } catch (RuntimeException | Error engineSideError) {
            // An undefined limit, a thread that could not start, or another error outside the user's code.
            run.finish(new State.Failed(engineSideError), null, engineSideError);
        } finally {
            lineage.release();
            run.threadLetGo();
        }
    }

    /**
     * Ends the run from its checkpoint if it has one: true if it ended (replayed, or cancelled
     * because the checkpoints failed or it was cancelled meanwhile), false if it must execute.
     */
    private boolean replayed(Checkpointing checkpointing) {
        Optional<Checkpoint> found;
        try {
            found = checkpointing.load(run);
        } catch (RunLostException lost) {
            run.finishCancelled();
            return true;
        }
        if (run.cancellation() != null) {
            run.finishCancelled();
            return true;
        }
        if (found.isEmpty()) {
            return false;
        }
        State replay = checkpointing.replay(run, found.get());
        switch (replay) {
            case State.Failed failed -> run.finish(failed, null, failed.error());
            case State.Cached cached -> run.finish(cached, cached.result(), null);
            default -> throw new IllegalStateException("a checkpoint replays as " + replay + "; this is a Loomflow bug");
        }
        return true;
    }

    /**
     * Saves how the run ended before anyone waiting learns it: true if saved, false if the run ended
     * cancelled instead (the checkpoints failed, and the durable run is lost).
     */
    private boolean checkpointed(Checkpointing checkpointing, Object value, Throwable failure) {
        try {
            checkpointing.save(run, value, failure);
            return true;
        } catch (RunLostException lost) {
            Thread.interrupted(); // the lost run's cancel interrupted this thread too
            run.finishCancelled();
            return false;
        }
    }

    private void pending(String limitName) {
        synchronized (run) {
            run.moveTo(new State.Pending(limitName));
        }
    }

    private boolean begin(int attempt) {
        synchronized (run) {
            if (run.cancellation() != null) {
                return false;
            }
            number = attempt;
            open = true;
            scope = null;
            cancellation = null;
            run.moveTo(attempt == 1 ? FIRST_ATTEMPT : new State.Running(attempt));
            return true;
        }
    }

    /** The attempt's code has returned: no more children; returns its scope, or null if it had none. */
    private StructuredScope<Cancellation> closeBody() {
        synchronized (run) {
            open = false;
            return scope;
        }
    }

    private boolean close(int attempt) {
        synchronized (run) {
            finished = attempt;
            return timedOut == attempt;
        }
    }

    private RunTimeoutException timeoutError(int attempt, Throwable failure) {
        Duration timeout = run.spec().timeout();
        RunTimeoutException error = new RunTimeoutException(run.describe() + " attempt " + attempt + " timed out after "
                + timeout + "; give it a longer timeout with withTimeout(...) or make it finish sooner", timeout);
        if (failure != null) {
            error.addSuppressed(failure);
        }
        return error;
    }

    /** Called by the attempt's watchdog when its time is up. */
    void timeOut(int attempt, Duration timeout) {
        StructuredScope<Cancellation> children;
        Cancellation why;
        synchronized (run) {
            if (run.hasEnded() || number != attempt || finished >= attempt) {
                return;
            }
            timedOut = attempt;
            why = Cancellation.timedOut(run, timeout);
            cancellation = why;
            run.interruptThread();
            children = scope;
        }
        if (children != null) {
            children.cancel(why);
        }
    }

    /** The scope to add a child of the current attempt to; it is cancelled already if this run is. */
    StructuredScope<Cancellation> childScope() {
        StructuredScope<Cancellation> children;
        Cancellation pending;
        synchronized (run) {
            if (!open) {
                throw new IllegalStateException(run.describe() + " is not executing its code now; start children only"
                        + " from the code of the run itself");
            }
            if (scope == null) {
                scope = new StructuredScope<>(run.engine().threads(),
                        run.spec().failurePolicy() == FailurePolicy.CANCEL_SIBLINGS
                                ? StructuredScope.OnFailure.CANCEL_ACTIVE_SIBLINGS
                                : StructuredScope.OnFailure.COLLECT_ALL);
            }
            children = scope;
            Cancellation ofRun = run.cancellation();
            pending = ofRun != null ? Cancellation.parentStopped(run, ofRun) : cancellation;
        }
        if (pending != null) {
            children.cancel(pending);
        }
        return children;
    }

    /** The current attempt's scope, or null; the caller holds the run's monitor. */
    StructuredScope<Cancellation> scopeLocked() {
        return scope;
    }

    /** The current attempt's number (0 before the first); the caller holds the run's monitor. */
    int numberLocked() {
        return number;
    }

    /** Whether the current attempt timed out and is still executing; the caller holds the run's monitor. */
    boolean isCancelledLocked() {
        return cancellation != null && finished < number;
    }
}
