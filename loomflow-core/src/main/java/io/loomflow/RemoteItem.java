package io.loomflow;

import io.loomflow.internal.Exceptions;
import io.loomflow.spi.RemoteRuns;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The attempt of a map item that runs elsewhere: an item of a map over a task marked
 * {@link Task#withQueue(String)}, in a durable run, on an engine with {@link RemoteRuns}. Instead of
 * calling the task's code, the item's run submits a queued child run keyed by its checkpoint key
 * and waits for its result on its own virtual thread; the engine around it loads and saves the
 * item's checkpoint as for any child, so an item that ended is replayed, never submitted again.
 *
 * <p>Stateless; called on the item's thread.
 */
final class RemoteItem {

    private RemoteItem() {
    }

    /** The dispatcher that runs this run's code elsewhere, or null if the run executes its code here. */
    static @Nullable RemoteRuns dispatcherOf(RunNode run) {
        RemoteRuns remote = run.engine().remoteRuns();
        if (remote == null || run.spec().queue() == null || run.group() == null || run.parent() == null
                || run.checkpointing() == null) {
            return null;
        }
        return remote;
    }

    /**
     * Submits the item and waits for its result; an interrupt (the item's cancel or timeout) cancels
     * the child run, unless the durable run was lost, and ends the wait.
     *
     * @throws InterruptedException if the wait was interrupted
     */
    static @Nullable Object await(RunNode run, RemoteRuns remote) throws InterruptedException {
        Checkpointing checkpointing = run.checkpointing();
        RunSpec spec = run.spec();
        RemoteRuns.Request request = new RemoteRuns.Request(checkpointing.durable().scope(),
                checkpointing.idempotencyKey(), spec.queue(), spec.name(), run.info().input(),
                StoredResults.codeLoader(spec));
        CompletableFuture<Object> result = remote.submit(request);
        if (result == null) {
            throw new IllegalStateException(remote + " returned no future for " + run.describe()
                    + "; this is a bug of that RemoteRuns implementation");
        }
        try {
            return result.get();
        } catch (InterruptedException interrupted) {
            if (checkpointing.durable().lost() == null) {
                result.cancel(true); // a lost durable run keeps its children: its next execution re-attaches to them
            }
            throw interrupted;
        } catch (ExecutionException failed) {
            throw Exceptions.rethrow(failed.getCause());
        } catch (CancellationException cancelled) {
            throw new RunCancelledException("the queued run of " + run.describe() + " (key '"
                    + request.idempotencyKey() + "') was cancelled");
        }
    }
}
