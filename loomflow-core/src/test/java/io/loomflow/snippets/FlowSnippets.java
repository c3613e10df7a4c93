package io.loomflow.snippets;

import static io.loomflow.snippets.Reports.fetch;
import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.ItemHistory;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.snippets.Reports.Params;
import io.loomflow.snippets.Reports.Report;
import io.loomflow.snippets.Reports.Row;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link Flow}, {@link Task}, {@link Engine} and {@link RunContext}, run. */
class FlowSnippets {

    /** The flow of {@code Flow.named(name, parameterType, body)}. */
    static final class Greetings {
        // @start region="flow-with-type"
        record Params(String name) {}

        static final Flow<Params, String> hello = Flow.named("hello", Params.class, p -> "Hello, " + p.name());
        // @end
    }

    static Report onAnEngine() {
        // @start region="engine"
        try (Engine engine = Engine.builder().limit("http", 16).build()) {
            return engine.run(Reports.report, new Params("data/x", 100));
        }
        // @end
    }

    @Test
    void theReportFlowFetchesARowPerIdAndSummarizesThem() {
        assertThat(Reports.daily()).isEqualTo(new Report(3));
    }

    @Test
    void theFetchTaskReturnsTheClientsRow() {
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Reports.fetch, "data/x/7")).isEqualTo(new Row("data/x/7"));
        }
    }

    @Test
    void aFlowDefinedWithItsParameterTypeKnowsIt() {
        assertThat(Greetings.hello.parameterType()).contains(Greetings.Params.class);
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Greetings.hello, new Greetings.Params("Ada"))).isEqualTo("Hello, Ada");
        }
    }

    @Test
    void anEngineRunsTheFlowUntilItIsClosed() {
        assertThat(onAnEngine()).isEqualTo(new Report(3));
    }

    private static int sum(List<Row> rows) {
        return rows.stream().mapToInt(row -> row.id().length()).sum();
    }

    @Test
    void aFlowChoosesWhatTheHistoryKeepsOfTheItemsOfItsMaps() {
        // @start region="item-history"
        Flow<List<String>, Integer> total = Flow.named("total", (List<String> ids) -> sum(fetch.map(ids).join()))
                .withItemHistory(ItemHistory.FAILURES); // a million items: one summary and the failures
        // @end
        Queue<ItemHistory> histories = new ConcurrentLinkedQueue<>();
        try (Engine engine = Engine.builder().listener(event -> {
            if (event.run().mapItem() != null) {
                histories.add(event.run().mapItem().history());
            }
        }).build()) {
            assertThat(engine.run(total, List.of("a", "bb", "ccc"))).isEqualTo(6);
        }
        assertThat(histories).isNotEmpty().containsOnly(ItemHistory.FAILURES);
    }

    @Test
    void aTaskLogsThroughItsRunContext() {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        // @start region="log"
        Task<String, Integer> count = Task.named("count", (String text) -> {
            RunContext.current().log().info("counting %d characters", text.length());
            return text.length();
        });
        // @end
        try (Engine engine = Engine.builder().listener(event -> {
            if (event instanceof Event.LogLine line) {
                lines.add(line.message());
            }
        }).build()) {
            assertThat(engine.run(count, "hello")).isEqualTo(5);
        }
        assertThat(lines).containsExactly("counting 5 characters");
    }
}
