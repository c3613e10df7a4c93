package io.loomflow.schedules.internal;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunOptions;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Slot;
import io.loomflow.store.RunStore;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Starts runs on an engine in this process under the run id claimed for the slot; learns of other
 * processes' runs from the run history in the scheduler's database (read only), where the engines
 * of every scheduler must record them.
 */
public final class EngineLauncher implements Launcher {

    private final Engine engine;
    private final String url;
    private @Nullable RunStore history; // opened on first use; guarded by this

    public EngineLauncher(Engine engine, String url) {
        this.engine = engine;
        this.url = url;
    }

    @Override
    public UUID launch(Schedule schedule, Flow<Object, Object> flow, Object params, Slot slot, UUID runId,
            Consumer<Boolean> ended) {
        engine.runAsync(flow, params, RunOptions.defaults().withRunId(runId))
                .whenComplete((result, failure) -> ended.accept(true));
        return runId;
    }

    @Override
    public synchronized Status status(UUID runId) {
        if (history == null) {
            history = RunStore.openReadOnly(url);
        }
        return history.run(runId).map(run -> run.state().isFinal() ? Status.ENDED : Status.ACTIVE)
                .orElse(Status.MISSING);
    }

    @Override
    public boolean idempotent() {
        return false;
    }

    @Override
    public synchronized void close() {
        if (history != null) {
            history.close();
        }
    }
}
