package io.loomflow.snippets;

import io.loomflow.Flow;
import io.loomflow.Retry;
import io.loomflow.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The report flow that the examples of the core API share: ids are listed, a row is fetched for
 * each, concurrently, and the rows are summarized. The regions are shown in the javadoc of
 * {@link Task} and {@link Flow}; {@link FlowSnippets} runs them.
 */
final class Reports {

    private Reports() {
    }

    record Row(String id) {
    }

    record Report(int rows) {
    }

    /** A client of some service that rows come from. */
    interface Client {
        Row get(String id) throws IOException;
    }

    static final Client client = Row::new;

    static final Task<String, List<String>> listIds = Task.named("list-ids",
            (String source) -> List.of(source + "/1", source + "/2", source + "/3"));

    static final Task<List<Row>, Report> summarize = Task.named("summarize", (List<Row> rows) -> new Report(rows.size()));

    // @start region="task"
    static final Task<String, Row> fetch = Task.named("fetch", (String id) -> client.get(id))
            .withRetries(Retry.exponential(3, Duration.ofMillis(200)))
            .withTimeout(Duration.ofSeconds(30))
            .withLimit("http", 16);
    // @end

    // @start region="flow"
    record Params(String source, int limit) {}

    static final Flow<Params, Report> report = Flow.named("report", (Params p) -> {
        List<String> ids = listIds.call(p.source());   // a task: blocks this run's virtual thread
        List<Row> rows = fetch.map(ids).join();         // fan-out, results in input order
        return summarize.call(rows);
    });

    static Report daily() {
        return report.run(new Params("data/x", 100));  // from any thread that may block
    }
    // @end
}
