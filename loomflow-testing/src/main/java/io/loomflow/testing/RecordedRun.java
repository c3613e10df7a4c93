package io.loomflow.testing;

import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.testing.internal.TreeText;
import java.util.List;

/**
 * One run as the test's history recorded it, with what is below it: what
 * {@link LoomflowAssertions#assertThat(RecordedRun)} asserts on. Get one from {@link RunHistory}.
 * Its record is a snapshot; {@link #children()}, {@link #logs()} and {@link #tree()} read the store
 * when called.
 */
public final class RecordedRun {

    private final RunStore store;
    private final RunRecord record;

    RecordedRun(RunStore store, RunRecord record) {
        this.store = store;
        this.record = record;
    }

    /**
     * What the history knows of the run: name, state, every state it went through, its error.
     *
     * @return the record
     */
    public RunRecord record() {
        return record;
    }

    /**
     * The runs it started (tasks, subflows, a map's items), in the order they were created.
     *
     * @return its children
     */
    public List<RecordedRun> children() {
        return store.children(record.id()).stream().map(child -> new RecordedRun(store, child)).toList();
    }

    /**
     * The lines the run wrote to its log ({@code RunLog}), in order; not those of the runs below it.
     *
     * @return its log lines
     */
    public List<LogRecord> logs() {
        return store.logs(record.id());
    }

    /**
     * The run and every run below it as text, one line per run with its state, attempts and error:
     * what the assertions' failure messages show.
     *
     * @return the tree, one run per line
     */
    public String tree() {
        return TreeText.render(store, record);
    }

    @Override
    public String toString() {
        return record.kind().name().toLowerCase(java.util.Locale.ROOT) + " run '" + record.name() + "' (" + record.id()
                + ", " + record.state().label() + ")";
    }
}
