package io.loomflow.store.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples in the javadoc of {@link RunStore}, {@link RunRecorder} and {@link ResultStores}, run. */
class StoreSnippets {

    /** The parameters of the report flow. */
    public record Params(String source) {}

    private final AtomicInteger fetches = new AtomicInteger();
    private final Task<String, String> fetch = Task.named("fetch", (String source) -> {
        fetches.incrementAndGet();
        return "rows of " + source;
    }).withCache();
    private final Flow<Params, String> report = Flow.named("report", Params.class, p -> "report of " + fetch.call(p.source()));
    private final Params params = new Params("data/x");

    @Test
    void theEmbeddedStoreKeepsTheRunsAnEngineRecorded(@TempDir Path directory) {
        // @start region="embedded"
        try (Engine engine = Engine.builder()
                .listener(RunRecorder.to(RunStore.embedded(directory)))
                .build()) {
            engine.run(report, params);
        }
        // @end
        try (RunStore history = RunStore.embeddedReadOnly(directory)) {
            assertThat(history.runs(RunQuery.all().withRootsOnly())).singleElement().satisfies(run -> {
                assertThat(run.name()).isEqualTo("report");
                assertThat(run.state()).isEqualTo(State.Kind.COMPLETED);
                assertThat(run.parameters()).isEqualTo("{\"source\":\"data/x\"}");
            });
        }
    }

    @Test
    void aRecorderHasWrittenEveryRunOnceItsEngineIsClosed() {
        // @start region="recorder"
        RunStore store = RunStore.inMemory();
        try (Engine engine = Engine.builder().listener(RunRecorder.to(store)).build()) {
            engine.run(report, params);
        }
        // @end
        assertThat(store.runs(RunQuery.all())).extracting(run -> run.name() + " " + run.state().label())
                .containsExactlyInAnyOrder("report Completed", "fetch Completed");
    }

    private String reportWithResultsIn(Path directory) {
        // @start region="directory"
        try (Engine engine = Engine.builder().results(ResultStores.directory(directory)).build()) {
            return engine.run(report, params);
        }
        // @end
    }

    @Test
    void resultsKeptInADirectoryAreReusedByTheNextEngine(@TempDir Path directory) {
        assertThat(reportWithResultsIn(directory)).isEqualTo("report of rows of data/x");
        assertThat(reportWithResultsIn(directory)).isEqualTo("report of rows of data/x");
        assertThat(fetches).hasValue(1);
    }
}
