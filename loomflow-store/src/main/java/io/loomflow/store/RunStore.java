package io.loomflow.store;

import io.loomflow.Event;
import io.loomflow.store.internal.InMemoryRunStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the run history is kept: every run's identity, parameters, states, error and log lines,
 * written from an engine's events (through a {@link RunRecorder}) and read by the CLI and the UI.
 *
 * <p>Implementations are thread-safe. {@link #inMemory()} is the one for plain library use; SQL
 * stores (an embedded file, PostgreSQL) come next and pass the same contract test.
 */
public interface RunStore extends AutoCloseable {

    /**
     * An empty store in memory, lost when the process ends.
     *
     * @return the store
     */
    static RunStore inMemory() {
        return new InMemoryRunStore();
    }

    /**
     * Records a batch of events, in order. Events of one run arrive in the order of their sequence.
     *
     * @param events state changes and log lines
     */
    void write(List<Event> events);

    /**
     * One run.
     *
     * @param id its id
     * @return its record, if the store has it
     */
    Optional<RunRecord> run(UUID id);

    /**
     * The runs that match a query, newest first.
     *
     * @param query what to match
     * @return at most {@code query.limit()} runs
     */
    List<RunRecord> runs(RunQuery query);

    /**
     * The direct children of a run, oldest first.
     *
     * @param parentId the parent's id
     * @return its children
     */
    List<RunRecord> children(UUID parentId);

    /**
     * A run's log lines, in order.
     *
     * @param runId the run's id
     * @return its lines
     */
    List<LogRecord> logs(UUID runId);

    /** Releases the store's connections and files; what was written stays written. */
    @Override
    void close();
}
