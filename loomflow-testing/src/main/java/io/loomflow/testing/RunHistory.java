package io.loomflow.testing;

import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The runs a test's engine has recorded, read from its in-memory {@link RunStore}: inject it into a
 * test method of a {@link LoomflowTest} and give what it returns to
 * {@link LoomflowAssertions#assertThat(RecordedRun)}. Every read first waits until the events the
 * engine has published so far are written, so a run that has ended reads as ended. Thread-safe.
 */
public final class RunHistory {

    private final RunStore store;
    private final RunRecorder recorder;
    private final Supplier<List<UUID>> roots;

    RunHistory(RunStore store, RunRecorder recorder, Supplier<List<UUID>> roots) {
        this.store = store;
        this.recorder = recorder;
        this.roots = roots;
    }

    /**
     * The run with this id, as recorded now.
     *
     * @param id the run's id, such as {@code handle.runId()}
     * @return the run
     * @throws IllegalArgumentException if the engine has recorded no run with this id
     */
    public RecordedRun run(UUID id) {
        Objects.requireNonNull(id, "id must not be null; pass the id of a run of the test's engine");
        flush();
        RunRecord record = store.run(id).orElseThrow(() -> new IllegalArgumentException("no run " + id
                + " was recorded by the test's engine; start the run on the injected Engine (engine.run(flow, params)),"
                + " not on the default engine (flow.run(params))"));
        return new RecordedRun(store, record);
    }

    /**
     * The root run started last on the test's engine, as recorded now.
     *
     * @return the run
     * @throws IllegalStateException if no run was started on the test's engine
     */
    public RecordedRun last() {
        List<UUID> all = roots.get();
        if (all.isEmpty()) {
            throw new IllegalStateException("no run was started on the test's engine; start one on the injected"
                    + " Engine (engine.run(flow, params)), not on the default engine (flow.run(params))");
        }
        return run(all.getLast());
    }

    /**
     * Every root run started on the test's engine, in the order they started, as recorded now.
     *
     * @return the runs; empty if none was started
     */
    public List<RecordedRun> roots() {
        return roots.get().stream().map(this::run).toList();
    }

    /**
     * The store the engine records to, for reads that this class does not offer; call a read of
     * this class first (or {@link #run(UUID)}) so that what the engine published is written.
     *
     * @return the in-memory store
     */
    public RunStore store() {
        return store;
    }

    private void flush() {
        try {
            recorder.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the run history to be written", e);
        }
    }

    @Override
    public String toString() {
        return "RunHistory[" + roots.get().size() + " root runs]";
    }
}
