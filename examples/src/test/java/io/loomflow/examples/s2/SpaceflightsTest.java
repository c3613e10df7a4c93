package io.loomflow.examples.s2;

import java.time.Duration;
import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.data.Catalog;
import io.loomflow.data.Parameters;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario S2: the spaceflights pipeline gives the same outputs whatever context runs it. */
class SpaceflightsTest {

    static final Map<String, Object> EXPECTED_REPORT = Map.of(
            "currency", "USD",
            "shuttles", 4,
            "well_rated_shuttles", 3,
            "by_type", Map.of(
                    "Type F5", Map.of("count", 1, "mean_price", 4770.0),
                    "Type V5", Map.of("count", 3, "mean_price", 1606.67)));

    @TempDir
    Path project;

    private Catalog catalog;
    private Map<String, Object> parameters;

    /** Copies the example project's raw data and configuration into {@code project}. */
    static void copyExampleProject(Path project) throws Exception {
        Path examples = Path.of("").toAbsolutePath();
        Files.createDirectories(project.resolve("data/01_raw"));
        Files.createDirectories(project.resolve("conf"));
        for (String file : List.of("companies.csv", "shuttles.csv")) {
            Files.copy(examples.resolve("data/01_raw/" + file), project.resolve("data/01_raw/" + file));
        }
        for (String file : List.of("catalog.yml", "parameters.yml")) {
            Files.copy(examples.resolve("conf/" + file), project.resolve("conf/" + file));
        }
    }

    @BeforeEach
    void copyTheExampleProject() throws Exception {
        copyExampleProject(project);
        catalog = Catalog.load(project.resolve("conf/catalog.yml")).withStorage("file",
                Storages.resource(new StorageOptions("file", Map.of("root", project.resolve("data").toString()))));
        parameters = Parameters.load(project.resolve("conf/parameters.yml"));
    }

    private Flow<PipelineRun, Map<String, Object>> flow() {
        return Spaceflights.pipeline().toFlow("spaceflights", catalog, parameters);
    }

    @Test
    void theFlowCarriesThePipelinesGraphForToolsToDraw() {
        io.loomflow.spi.FlowGraph graph = flow().graph().orElseThrow();
        assertThat(graph.nodes()).extracting(io.loomflow.spi.FlowGraph.Node::name).containsExactly(
                "preprocess_companies", "preprocess_shuttles", "create_model_input_table", "report");
        assertThat(graph.dataset("companies").orElseThrow()).isEqualTo(new io.loomflow.spi.FlowGraph.Dataset("companies",
                io.loomflow.spi.FlowGraph.Kind.CATALOG, "csv", "file:01_raw/companies.csv"));
        assertThat(graph.dataset("params:report.currency").orElseThrow().kind())
                .isEqualTo(io.loomflow.spi.FlowGraph.Kind.PARAMETER);
        assertThat(graph.layers()).hasSize(7);
        assertThat(graph.layers().get(2)).extracting(io.loomflow.spi.FlowGraph.Place::name)
                .containsExactly("preprocessed_companies", "preprocessed_shuttles");
        // the flow of the loomflow command, which runs the pipeline inside, carries it too (run from examples/)
        assertThat(Spaceflights.commandLineFlow().graph().orElseThrow().nodes()).hasSize(4);
        try (Engine engine = Engine.builder().build()) {
            io.loomflow.spi.FlowGraph.Preview preview = Spaceflights.commandLineFlow().graph().orElseThrow().previewer()
                    .preview("shuttles", 2, engine);
            assertThat(preview.rows()).hasSize(2);
            assertThat(preview.columns().getFirst().name()).isEqualTo("id");
        } catch (Exception failed) {
            throw new AssertionError(failed);
        }
    }

    private Object report(Engine engine) {
        return engine.run(Flow.named("read", (Integer i) -> catalog.dataset("shuttle_report").load()), 0);
    }

    @Test
    void thePipelineCleansJoinsAndReports() throws Exception {
        try (Engine engine = Engine.builder().build()) {
            engine.run(flow(), PipelineRun.all());
            assertThat(report(engine)).isEqualTo(EXPECTED_REPORT);
        }
        assertThat(Files.readString(project.resolve("data/03_primary/model_input_table.csv"))).isEqualTo("""
                shuttle_id,shuttle_type,engine_type,passenger_capacity,price,company_rating,iata_approved
                63561,"Type V5",Quantum,2,1325.0,1.0,false
                36260,"Type V5",Quantum,2,1780.0,0.38,false
                57015,"Type V5",Quantum,2,1715.0,1.0,false
                14035,"Type F5",Plasma,6,4770.0,0.84,true
                """);
    }

    @Test
    void theSameOutputsFromAThreadAnotherFlowAndTwentyCallersAtOnce() throws Exception {
        try (Engine engine = Engine.builder().build()) {
            CompletableFuture<Object> fromThread = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                engine.run(flow(), PipelineRun.all());
                fromThread.complete(report(engine));
            });
            assertThat(fromThread.get(60, TimeUnit.SECONDS)).isEqualTo(EXPECTED_REPORT);

            Flow<Integer, Object> outer = Flow.named("outer", (Integer i) -> {
                flow().run(PipelineRun.all());
                return catalog.dataset("shuttle_report").load();
            });
            assertThat(engine.run(outer, 0)).isEqualTo(EXPECTED_REPORT);

            List<CompletableFuture<Map<String, Object>>> callers = IntStream.range(0, 20)
                    .mapToObj(i -> engine.runAsync(flow(), PipelineRun.all())).toList();
            for (CompletableFuture<Map<String, Object>> caller : callers) {
                caller.get(60, TimeUnit.SECONDS);
            }
            assertThat(report(engine)).isEqualTo(EXPECTED_REPORT);
        }
    }

    @Test
    void fromMainInAJvmOfItsOwn() throws Exception {
        ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.java(), "-cp", ChildJvm.classPath(),
                Spaceflights.class.getName()), project, Duration.ofSeconds(60));
        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("spaceflights: 6 datasets; report at file:08_reporting/shuttle_report.json\n");
        try (Engine engine = Engine.builder().build()) {
            assertThat(report(engine)).isEqualTo(EXPECTED_REPORT);
        }
    }
}
