package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * loomflow graph FLOW: the graph a flow carries, layer by layer (no colour unless stdout is a terminal),
 * or as JSON; a flow without one, or no such flow, is bad input (exit 2).
 */
class GraphCommandTest {

    @TempDir
    static Path directory;
    static String sources;

    /** A flow that carries a graph as Pipeline.toFlow attaches one, made with core alone. */
    private static final String FLOWS = """
            package ext;
            import io.loomflow.Flow;
            import io.loomflow.spi.FlowGraph;
            import io.loomflow.spi.FlowGraph.Dataset;
            import io.loomflow.spi.FlowGraph.Kind;
            import io.loomflow.spi.FlowGraph.Node;
            import java.util.List;
            public final class GraphFlows {
                public static final Flow<String, String> ETL = Flow.named("etl", (String s) -> s).withGraph(new FlowGraph(
                        List.of(new Node("clean", List.of("raw"), List.of("tidy")),
                                new Node("sum", List.of("tidy", "params:by"), List.of("totals"))),
                        List.of(new Dataset("raw", Kind.CATALOG, "csv", "s3://bucket/raw.csv"),
                                new Dataset("tidy", Kind.MEMORY, "memory", null),
                                new Dataset("params:by", Kind.PARAMETER, "parameter", null),
                                new Dataset("totals", Kind.CATALOG, "json", "file:out/totals.json")),
                        null));
                public static final Flow<String, String> PLAIN = Flow.named("no-graph", (String s) -> s);
            }
            """;

    @BeforeAll
    static void write() throws Exception {
        Path file = directory.resolve("flows/ext/GraphFlows.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, FLOWS);
        sources = directory.resolve("flows").toString();
    }

    @Test
    void printsTheLayersWithNodesAndDatasetsWithoutColourWhenNotATerminal() {
        Command command = Command.run("graph", "etl", "--classes", sources);

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).isEqualTo("""
                etl: 2 nodes, 4 datasets, 5 layers
                  0  (raw)  csv  s3://bucket/raw.csv
                     |
                  1  [clean]  <- raw  -> tidy
                     |
                  2  (tidy)  memory
                     (params:by)  parameter
                     |
                  3  [sum]  <- tidy, params:by  -> totals
                     |
                  4  (totals)  json  file:out/totals.json
                """);
        assertThat(command.err()).isEmpty();
    }

    @Test
    void inATerminalTheShapesAreInColour() {
        Command command = Command.inATerminal("graph", "etl", "--classes", sources);

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).contains("\033[1m[clean]\033[0m  <- raw  -> tidy", "\033[36m(raw)\033[0m  csv");
    }

    @Test
    void outputJsonIsTheGraphsJson() throws Exception {
        Command command = Command.inATerminal("graph", "etl", "--output", "json", "--classes", sources);

        assertThat(command.exitCode()).as(command.toString()).isZero();
        JsonNode graph = new ObjectMapper().readTree(command.out());
        assertThat(graph.path("flow").asText()).isEqualTo("etl");
        assertThat(graph.path("layers").asInt()).isEqualTo(5);
        assertThat(graph.path("nodes").get(1).toString()).isEqualTo("{\"name\":\"sum\",\"inputs\":[\"tidy\",\"params:by\"],"
                + "\"outputs\":[\"totals\"],\"layer\":3,\"position\":0}");
        assertThat(graph.path("datasets").get(0).toString()).isEqualTo("{\"name\":\"raw\",\"kind\":\"catalog\",\"type\":\"csv\","
                + "\"location\":\"s3://bucket/raw.csv\",\"layer\":0,\"position\":0}");
        assertThat(command.out()).doesNotContain("\033[");
    }

    @Test
    void aFlowWithoutAGraphOrNoSuchFlowIsBadInput() {
        Command plain = Command.run("graph", "no-graph", "--classes", sources);
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.out()).isEmpty();
        assertThat(plain.err()).isEqualTo("loomflow: flow 'no-graph' has no graph: only flows that run a pipeline"
                + " (Pipeline.toFlow, or a flow given one with Flow.withGraph) have one; the flows with one are: etl\n");

        Command missing = Command.run("graph", "etll", "--classes", sources);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("loomflow: unknown flow 'etll'. Did you mean 'etl'?");
    }
}
