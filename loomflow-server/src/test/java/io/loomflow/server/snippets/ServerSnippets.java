package io.loomflow.server.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer;
import io.loomflow.server.Retention;
import io.loomflow.store.RunStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example in the javadoc of {@link LoomflowServer}, run. */
class ServerSnippets {

    /** The parameters of the example flows. */
    public record Params(String source) {}

    private final Flow<Params, String> reportFlow = Flow.named("report", Params.class, p -> "report of " + p.source());
    private final Flow<Params, Integer> evaluationFlow = Flow.named("evaluation", Params.class, p -> p.source().length());

    @Test
    void theServerListensAndOffersItsFlowsUntilStopped(@TempDir Path directory) throws Exception {
        // @start region="server"
        LoomflowServer server = LoomflowServer.builder()
                .flows(List.of(reportFlow, evaluationFlow))
                .store(RunStore.embedded(directory))
                .port(0)                                              // 0: any free port
                .build()
                .start();
        System.out.println("Loomflow UI at " + server.uri());
        // @end
        try (server; HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> flows = client.send(HttpRequest.newBuilder(server.uri().resolve("/api/flows")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(flows.statusCode()).isEqualTo(200);
            assertThat(flows.body()).contains("\"report\"", "\"evaluation\"");
        }
        assertThat(server).hasToString("LoomflowServer[stopped]");
    }

    @Test
    void oneLineServesAFlowAndOpensItsForm() throws Exception {
        // @start region="serve"
        LoomflowServer server = LoomflowServer.serve(reportFlow); // from main or JShell: its form opens
        // ... later
        server.stop();
        // @end
        assertThat(server).hasToString("LoomflowServer[stopped]");
    }

    @Test
    void theServerPrunesTheHistoryByItsRetention() {
        // @start region="retention"
        LoomflowServer server = LoomflowServer.builder()
                .flows(List.of(reportFlow))
                .retention(Retention.maxAge(Duration.ofDays(30))   // runs that ended over 30 days ago go,
                        .withKeepRuns(1000))                       // unless among the newest 1000
                .port(0)
                .build()
                .start();
        // @end
        try (server) {
            assertThat(server.uri()).isNotNull();
        }
    }
}
