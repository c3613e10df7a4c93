package io.loomflow.workers.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The javadoc's examples, compiled and run. */
class WorkerSnippets {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    record Report(String region) {
    }

    private final Flow<Report, String> report = Flow.named("report", Report.class, r -> "report of " + r.region());

    @Test
    void aWorkerRunsWhatAQueueSubmits() throws Exception {
        String url = POSTGRES.url();
        // @start region=worker
        try (Worker worker = Worker.builder()
                .database(url)                      // jdbc:postgresql://HOST:PORT/DATABASE?user=...
                .queues("default", "reports")
                .concurrency(8)
                .flows(report)
                .gracePeriod(Duration.ofSeconds(30))
                .build()
                .start()) {
            // ... runs queued runs until closed
            // @end
            // @start region=submit
            try (WorkQueue queue = WorkQueue.connect(url)) {
                QueuedRun<String> run = queue.runAsync(report, new Report("emea"),
                        Submission.defaults().withQueue("reports").withIdempotencyKey("emea-2026-01"));
                String result = run.result().get(30, TimeUnit.SECONDS);
                // @end
                assertThat(result).isEqualTo("report of emea");
                assertThat(worker.inFlight()).isZero();
            }
        }
    }
}
