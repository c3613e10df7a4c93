package io.loomflow.data.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.data.Catalog;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link Node} and {@link Pipeline}, run. */
class PipelineSnippets {

    private final Catalog catalog = Catalog.builder()
            .add("companies", "csv", URI.create("mem://snippets/raw/companies.csv"))
            .add("shuttles", "csv", URI.create("mem://snippets/raw/shuttles.csv"))
            .add("model_input", "csv", URI.create("mem://snippets/primary/model_input.csv"))
            .build();

    /** Each shuttle with the name of its company. */
    private static List<Map<String, String>> join(List<Map<String, String>> companies, List<Map<String, String>> shuttles) {
        List<Map<String, String>> joined = new ArrayList<>();
        for (Map<String, String> shuttle : shuttles) {
            companies.stream().filter(company -> company.get("id").equals(shuttle.get("company_id"))).findFirst()
                    .ifPresent(company -> joined.add(Map.of("shuttle", shuttle.get("id"), "company", company.get("name"))));
        }
        return joined;
    }

    @Test
    void thePipelineRunsAsAFlowAndRunsOnlyWhatIsMissingWhenAsked() {
        // @start region="nodes"
        Node cleanCompanies = Node.of("clean_companies", "companies", "clean_companies",
                (List<Map<String, String>> rows) -> rows.stream().filter(r -> !r.get("name").isBlank()).toList());
        Node join = Node.of("join", List.of("clean_companies", "shuttles"), List.of("model_input"),
                inputs -> join(inputs.get("clean_companies"), inputs.get("shuttles")));
        // @end
        Node report = Node.of("report", "model_input", "summary",
                (List<Map<String, String>> rows) -> rows.size() + " shuttles");
        Queue<String> nodesRun = new ConcurrentLinkedQueue<>();
        try (Engine engine = Engine.builder().listener(event -> {
            if (event instanceof Event.StateChange change && change.state() instanceof State.Running
                    && List.of("clean_companies", "join", "report").contains(change.run().name())) {
                nodesRun.add(change.run().name());
            }
        }).build()) {
            engine.run(Flow.named("example", (Integer unused) -> {
                catalog.dataset("companies").save(List.of(Map.of("id", "1", "name", "Acme"), Map.of("id", "2", "name", " ")));
                catalog.dataset("shuttles").save(List.of(Map.of("id", "s1", "company_id", "1"),
                        Map.of("id", "s2", "company_id", "2")));
                // @start region="pipeline"
                Pipeline pipeline = Pipeline.of(cleanCompanies, join, report);
                Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog);
                flow.run(PipelineRun.all());                                  // from main, JShell, a thread, a flow
                flow.run(PipelineRun.all().withOnlyMissing());                // resume: only what is not saved yet
                // @end
                assertThat(catalog.dataset("model_input").load()).isEqualTo(List.of(Map.of("shuttle", "s1", "company", "Acme")));
                assertThat(flow.run(PipelineRun.all().withToNodes("report"))).containsEntry("summary", "1 shuttles");
                return unused;
            }), 0);
        }
        // The nodes of one run start together, in any order (each waits for its inputs while running): six
        // starts, each node's twice, are the first run's and the last's, and none of the run of what is missing.
        assertThat(nodesRun).as("each node ran in the first run, none in the run of what is missing, all in the last")
                .containsExactlyInAnyOrder("clean_companies", "join", "report", "clean_companies", "join", "report");
    }
}
