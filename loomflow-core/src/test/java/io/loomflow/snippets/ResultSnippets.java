package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Cache;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.MemoryResultStore;
import io.loomflow.RunOptions;
import io.loomflow.Task;
import io.loomflow.snippets.Reports.Client;
import io.loomflow.snippets.Reports.Params;
import io.loomflow.snippets.Reports.Report;
import io.loomflow.snippets.Reports.Row;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link Cache}, {@link RunOptions} and {@link Engine}'s resume, run. */
class ResultSnippets {

    private final MemoryResultStore store = new MemoryResultStore();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicBoolean summaryServiceDown = new AtomicBoolean(true);
    private final Client client = id -> {
        fetches.incrementAndGet();
        return new Row(id);
    };
    private final Task<String, Row> persistedFetch = Task.named("fetch", (String id) -> client.get(id)).withPersistedResult();
    private final Task<List<Row>, Report> summarize = Task.named("summarize", (List<Row> rows) -> {
        if (summaryServiceDown.get()) {
            throw new IOException("the summary service is down");
        }
        return new Report(rows.size());
    });
    private final Flow<Params, Report> reportFlow = Flow.named("report",
            (Params p) -> summarize.call(persistedFetch.map(List.of(p.source() + "/1", p.source() + "/2")).join()));
    private final Params params = new Params("data/x", 100);

    @Test
    void aCachedTaskRunsOncePerInputWhileItsResultIsFresh() {
        // @start region="cache"
        Task<String, Row> fetch = Task.named("fetch", (String id) -> client.get(id))
                .withCache(Cache.expiringAfter(Duration.ofHours(6)).withVersion("2"));
        // @end
        try (Engine engine = Engine.builder().results(store).build()) {
            assertThat(engine.run(fetch, "data/x/1")).isEqualTo(new Row("data/x/1"));
            assertThat(engine.run(fetch, "data/x/1")).isEqualTo(new Row("data/x/1"));
        }
        assertThat(fetches).hasValue(1);
    }

    private UUID failedRunId() {
        try (Engine engine = Engine.builder().results(store).build()) {
            Handle<Report> failed = engine.submit(reportFlow, params);
            assertThatThrownBy(failed::join).hasMessage("the summary service is down");
            return failed.runId();
        }
    }

    private Report resume(UUID failedRunId) {
        // @start region="resume"
        try (Engine engine = Engine.builder().results(store).build()) {
            return engine.run(reportFlow, params, RunOptions.resuming(failedRunId));
        }
        // @end
    }

    @Test
    void aResumedRunReusesThePersistedRowsAndRunsTheFailedSummaryAgain() {
        UUID failedRunId = failedRunId();
        summaryServiceDown.set(false);

        assertThat(resume(failedRunId)).isEqualTo(new Report(2));
        assertThat(fetches).as("the rows fetched by the failed run are reused").hasValue(2);
    }

    @Test
    void runOptionsResumeARunWhicheverWayItIsStarted() {
        UUID failedRunId = failedRunId();
        summaryServiceDown.set(false);
        try (Engine engine = Engine.builder().results(store).build()) {
            // @start region="resuming"
            Report report = engine.run(reportFlow, params, RunOptions.resuming(failedRunId));
            Handle<Report> handle = engine.submit(reportFlow, params, RunOptions.resuming(failedRunId));
            // @end
            assertThat(report).isEqualTo(new Report(2));
            assertThat(handle.join()).isEqualTo(new Report(2));
            assertThat(handle.runId()).isNotEqualTo(failedRunId);
        }
        assertThat(fetches).hasValue(2);
    }
}
