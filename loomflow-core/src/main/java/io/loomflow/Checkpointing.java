package io.loomflow;

import io.loomflow.spi.Checkpoint;
import io.loomflow.spi.Checkpoints;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoints side of one run of a durable root run ({@link RunOptions#withCheckpoints}): its
 * key, the keys of the children it starts, the lookup before it runs and the save after it ended.
 *
 * <p>Only runs of a durable root run have one; every other run has none, so a run that is not
 * durable builds no key and looks nothing up. Keys are made here, not by the {@link Checkpoints},
 * so that every implementation agrees on them. The root's key is {@code ""}; a child's is its
 * parent's key, {@code /}, its escaped name, {@code #}, the escaped key of its input, {@code #} and
 * its occurrence (how many children of that name and input key the parent had started before it, in
 * the order of the parent's calls); a child whose input cannot be keyed uses {@code #call:} and the
 * number of such children of that name the parent had started before. A map's item is the map's
 * key (parent's key, {@code /}, escaped name, and {@code #m} for the parent's m-th map of that name
 * after the first) with {@code [index]}. Names and input keys are escaped ({@code %}, {@code /},
 * {@code #}), so that no two places in a run make the same key.
 *
 * <p>A failure of the checkpoints loses the whole durable run: the first one is kept in the shared
 * {@link Durable}, the root run is cancelled and ends {@link State.Crashed} with that error, and
 * nothing more is loaded or saved for it.
 */
final class Checkpointing {

    /** What every run of one durable root run shares: where its checkpoints are, and whether it was lost. */
    static final class Durable {
        private final Checkpoints checkpoints;
        private final UUID scope;
        private final AtomicReference<RunLostException> lost = new AtomicReference<>();

        Durable(Checkpoints checkpoints, UUID scope) {
            this.checkpoints = checkpoints;
            this.scope = scope;
        }

        /** The durable root run's checkpoint scope. */
        UUID scope() {
            return scope;
        }

        /** The error the root run ends with once it was lost, or null while it was not. */
        @Nullable RunLostException lost() {
            return lost.get();
        }
    }

    private final Durable durable;
    private final String key;
    /** Counts of the children started so far, by the part of their key before the count. Guarded by this. */
    private @Nullable Map<String, Integer> started;

    private Checkpointing(Durable durable, String key) {
        this.durable = durable;
        this.key = key;
    }

    /** The checkpointing of a durable root run. */
    static Checkpointing ofRoot(Checkpoints checkpoints, UUID scope) {
        return new Checkpointing(new Durable(checkpoints, scope), "");
    }

    Durable durable() {
        return durable;
    }

    /** This run's key in its durable run. */
    String key() {
        return key;
    }

    /** What {@link RunContext#idempotencyKey()} returns for this run. */
    String idempotencyKey() {
        return durable.scope + "/" + key;
    }

    /**
     * The checkpointing of a child this run starts now, on this run's thread (so in call order).
     * Asks the checkpoints for the key of the child's input.
     */
    Checkpointing child(RunSpec spec, @Nullable Object input) {
        String name = key + "/" + escape(spec.name());
        String inputKey;
        try {
            inputKey = escape(durable.checkpoints.inputKey(input));
        } catch (RuntimeException | LinkageError | StackOverflowError unkeyable) {
            return new Checkpointing(durable, name + "#call:" + next("c" + name));
        }
        String prefix = name + "#" + inputKey;
        return new Checkpointing(durable, prefix + "#" + next("i" + prefix));
    }

    /** The key of a map of {@code spec} this run starts now, on this run's thread; its items add {@code [index]}. */
    String mapKey(RunSpec spec) {
        String name = key + "/" + escape(spec.name());
        int occurrence = next("m" + name);
        return occurrence == 0 ? name : name + "#" + occurrence;
    }

    /** The checkpointing of the item at {@code index} of the map whose key is {@code mapKey}. */
    Checkpointing item(String mapKey, int index) {
        return new Checkpointing(durable, mapKey + "[" + index + "]");
    }

    private synchronized int next(String counted) {
        if (started == null) {
            started = new HashMap<>();
        }
        Integer count = started.merge(counted, 1, Integer::sum);
        return count - 1;
    }

    /**
     * Looks the run's checkpoint up, on the run's thread before it takes a permit.
     *
     * @return the checkpoint, or empty if the run must execute
     * @throws RunLostException if the checkpoints failed (the durable run is lost) or the run was
     *     lost already
     */
    Optional<Checkpoint> load(RunNode run) {
        RunLostException lost = durable.lost();
        if (lost != null) {
            throw lost;
        }
        try {
            Optional<Checkpoint> found = durable.checkpoints.load(durable.scope, key, StoredResults.codeLoader(run.spec()));
            return found == null ? Optional.empty() : found;
        } catch (RuntimeException | LinkageError | StackOverflowError failure) {
            if (run.cancellation() != null) {
                // The run's cancel interrupted the lookup (waiting for a connection, say): the run
                // ends cancelled, which its caller checks next; the durable run is not lost for it.
                return Optional.empty();
            }
            throw lose(run, "failed to load the checkpoint", failure);
        }
    }

    /**
     * Saves how the run ended, before anyone waiting for it learns it.
     *
     * @throws RunLostException if the checkpoints failed (the durable run is lost) or the run was
     *     lost already
     */
    void save(RunNode run, @Nullable Object value, @Nullable Throwable failure) {
        RunLostException lost = durable.lost();
        if (lost != null) {
            throw lost;
        }
        EngineImpl engine = run.engine();
        Checkpoint checkpoint;
        if (failure == null) {
            checkpoint = Checkpoint.completed(value, run.spec().name(), run.runId(), engine.clock().now());
        } else if (failure instanceof ReplayedFailureException replayed) {
            // A run that failed because a replayed child did keeps the original error's name.
            checkpoint = Checkpoint.failed(replayed.originalType(), replayed.originalMessage(), run.spec().name(),
                    run.runId(), engine.clock().now());
        } else {
            checkpoint = Checkpoint.failed(failure.getClass().getName(), failure.getMessage(), run.spec().name(),
                    run.runId(), engine.clock().now());
        }
        try {
            durable.checkpoints.save(durable.scope, key, checkpoint);
        } catch (RuntimeException | LinkageError | StackOverflowError saveFailure) {
            if (run.cancellation() != null) {
                // Interrupted by the run's cancel: the run ends cancelled, not saved; the durable run goes on.
                throw new RunLostException(run.describe() + " was cancelled while its checkpoint was saved",
                        saveFailure);
            }
            throw lose(run, "failed to save the checkpoint of its " + (failure == null ? "result" : "failure"),
                    saveFailure);
        }
    }

    /** The state a run ends in when replaying {@code checkpoint}, with its error for a failure. */
    State replay(RunNode run, Checkpoint checkpoint) {
        if (checkpoint.failed()) {
            return new State.Failed(new ReplayedFailureException(run.spec().name(), checkpoint.errorType(),
                    checkpoint.errorMessage()));
        }
        return new State.Cached(checkpoint.value(), idempotencyKey(), checkpoint.runId(), true);
    }

    /** Records the first failure of the checkpoints and cancels the whole durable run. */
    private RunLostException lose(RunNode run, String what, Throwable failure) {
        RunNode root = run.root();
        RunLostException error = new RunLostException("durable " + root.describe() + " (checkpoint scope "
                + durable.scope + ") was lost: " + durable.checkpoints + " " + what + " of " + run.describe()
                + " under key '" + key + "' (" + failure + "); the run was cancelled and nothing more is saved for"
                + " it. Run it again with the same checkpoint scope to resume it once the checkpoints work", failure);
        if (durable.lost.compareAndSet(null, error)) {
            root.stop(Cancellation.requested("its durable run was lost: " + what + " of " + run.describe()
                    + " under key '" + key + "' failed"));
            return error;
        }
        return durable.lost();
    }

    private static String escape(String part) {
        return StoredResults.escape(part).replace("#", "%23");
    }
}
