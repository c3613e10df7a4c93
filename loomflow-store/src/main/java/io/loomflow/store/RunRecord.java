package io.loomflow.store;

import io.loomflow.RunInfo;
import io.loomflow.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the history knows of one run: its identity, parameters, every state it was in, and how
 * it ended. Immutable; a snapshot at the time it was read.
 *
 * @param id the run's id
 * @param parentId its parent's id; {@code null} for a root run
 * @param rootId the id of its tree's root
 * @param name the flow's or task's name
 * @param kind flow or task
 * @param parameters its input as JSON (or as text when it is not representable in JSON)
 * @param state the kind of its latest state
 * @param history every state it entered, in order
 * @param error the error it failed with; {@code null} unless it failed
 * @param result a flow run's result as JSON (or as text when JSON cannot represent it), once it
 *     completed; {@code null} for task runs (tasks keep results in a result store when asked) and
 *     unfinished runs
 * @param mapItem where the run sits in the map that started it (the map's id and size, the run's
 *     index); {@code null} for a run that is not a map's item
 */
public record RunRecord(UUID id, @Nullable UUID parentId, UUID rootId, String name, RunInfo.Kind kind, String parameters,
                        State.Kind state, List<StateRecord> history, @Nullable ErrorRecord error, @Nullable String result,
                        RunInfo.@Nullable MapItem mapItem) implements TreeNode {

    /** Checks the state and copies the history. */
    public RunRecord {
        java.util.Objects.requireNonNull(state, "state");
        history = List.copyOf(history);
    }

    /**
     * When the run was scheduled.
     *
     * @return the time of its first state
     */
    public Instant createdAt() {
        return history.getFirst().at();
    }

    /**
     * Tells whether the run has ended.
     *
     * @return {@code true} for Completed, Cached, Failed, Cancelled and Crashed
     */
    public boolean isFinal() {
        return state.isFinal();
    }

    /**
     * How long the run took, from its first Running to its final state.
     *
     * @return the duration, or empty if it never ran (a Cached run, for one) or has not ended
     */
    public Optional<Duration> duration() {
        if (!isFinal()) {
            return Optional.empty();
        }
        return history.stream().filter(s -> s.is(State.Kind.RUNNING)).findFirst()
                .map(started -> Duration.between(started.at(), history.getLast().at()));
    }
}
