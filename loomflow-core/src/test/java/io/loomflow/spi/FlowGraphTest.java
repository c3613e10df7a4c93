package io.loomflow.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import io.loomflow.Retry;
import io.loomflow.spi.FlowGraph.Dataset;
import io.loomflow.spi.FlowGraph.Kind;
import io.loomflow.spi.FlowGraph.Node;
import io.loomflow.spi.FlowGraph.Place;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The picture of a flow: checked when made, carried by a flow's copies, layered once for every tool. */
class FlowGraphTest {

    private static Dataset catalog(String name) {
        return new Dataset(name, Kind.CATALOG, "csv", "file:" + name + ".csv");
    }

    /** a and b are read by join, which writes j; j and p are read by last; z is read by early, with no input before. */
    private static FlowGraph diamond() {
        return new FlowGraph(List.of(
                new Node("join", List.of("b", "a"), List.of("j")),
                new Node("last", List.of("j", "p"), List.of("out")),
                new Node("early", List.of(), List.of("z"))),
                List.of(catalog("a"), catalog("b"), catalog("j"), new Dataset("p", Kind.PARAMETER, "parameter", null),
                        catalog("out"), catalog("z")),
                null);
    }

    @Test
    void layersPutEachDatasetBetweenItsWriterAndItsReadersAndInputsNextToTheirFirstReader() {
        List<List<Place>> layers = diamond().layers();
        assertThat(layers).containsExactly(
                List.of(new Place(false, "a"), new Place(false, "b"), new Place(true, "early")),
                List.of(new Place(true, "join"), new Place(false, "z")),
                List.of(new Place(false, "j"), new Place(false, "p")),
                List.of(new Place(true, "last")),
                List.of(new Place(false, "out")));
    }

    @Test
    void withinALayerEntriesFollowTheirNeighboursSoThatEdgesDoNotCross() {
        // x1 feeds n1, x2 feeds n2, the nodes declared crosswise: the nodes are put in their inputs' order
        FlowGraph graph = new FlowGraph(List.of(new Node("n2", List.of("x2"), List.of("y2")),
                new Node("n1", List.of("x1"), List.of("y1"))),
                List.of(catalog("x1"), catalog("x2"), catalog("y1"), catalog("y2")), null);
        List<List<Place>> layers = graph.layers();
        assertThat(layers.get(0)).containsExactly(new Place(false, "x1"), new Place(false, "x2"));
        assertThat(layers.get(1)).containsExactly(new Place(true, "n1"), new Place(true, "n2"));
        assertThat(layers.get(2)).containsExactly(new Place(false, "y1"), new Place(false, "y2"));
    }

    @Test
    void theJsonHasEachNodeAndDatasetWithItsLayerAndPosition() {
        Map<String, Object> json = diamond().toJson();
        assertThat(json.get("layers")).isEqualTo(5);
        assertThat((List<?>) json.get("nodes")).first().isEqualTo(Map.of("name", "join", "inputs", List.of("b", "a"),
                "outputs", List.of("j"), "layer", 1, "position", 0));
        assertThat(((List<?>) json.get("datasets")).get(3)).hasToString(
                "{name=p, kind=parameter, type=parameter, location=null, layer=2, position=1}");
    }

    @Test
    void aGraphWhoseNodesReadWhatItDoesNotHaveOrWithTwoOfOneNameIsRefusedNamingThem() {
        assertThatThrownBy(() -> new FlowGraph(List.of(new Node("n", List.of("ghost"), List.of())), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 'n' reads or writes 'ghost', which is not a dataset of the graph; its datasets are []");
        assertThatThrownBy(() -> new FlowGraph(List.of(), List.of(catalog("a"), catalog("a")), null))
                .hasMessage("the graph has two datasets named 'a'");
        assertThatThrownBy(() -> new FlowGraph(List.of(new Node("n", List.of(), List.of()), new Node("n", List.of(), List.of())),
                List.of(), null)).hasMessage("the graph has two nodes named 'n'");
    }

    @Test
    void locationsAreShownWithoutUserInformationQueryOrFragment() {
        assertThat(FlowGraph.shownLocation(URI.create("s3://key:secret@bucket/raw/a.csv?versionId=1#x")))
                .isEqualTo("s3://bucket/raw/a.csv");
        assertThat(FlowGraph.shownLocation(URI.create("az://container/data/a.csv?sv=2024&sig=SECRET")))
                .isEqualTo("az://container/data/a.csv");
        assertThat(FlowGraph.shownLocation(URI.create("abfss://files@account.dfs.core.windows.net/a.parquet")))
                .isEqualTo("abfss://account.dfs.core.windows.net/a.parquet");
        assertThat(FlowGraph.shownLocation(URI.create("postgresql://user:pw@db.example:5432/sales")))
                .isEqualTo("postgresql://db.example:5432/sales");
        assertThat(FlowGraph.shownLocation(URI.create("file:01_raw/companies.csv"))).isEqualTo("file:01_raw/companies.csv");
        assertThat(FlowGraph.shownLocation(URI.create("mem:x?token=t"))).isEqualTo("mem:x");
    }

    @Test
    void cellsAreCutTo200CharactersWithoutSplittingACharacter() {
        assertThat(FlowGraph.cell("short")).isEqualTo("short");
        assertThat(FlowGraph.cell("x".repeat(200))).hasSize(200).doesNotContain("…");
        assertThat(FlowGraph.cell("x".repeat(500))).hasSize(200).endsWith("x…");
        String emoji = "x".repeat(198) + "😀" + "y".repeat(10); // the emoji's surrogates at 198 and 199
        assertThat(FlowGraph.cell(emoji)).isEqualTo("x".repeat(198) + "…");
        assertThat(FlowGraph.cell(null)).isNull();
    }

    @Test
    void aFlowsCopiesKeepItsGraph() {
        FlowGraph graph = diamond();
        Flow<String, String> flow = Flow.named("f", (String s) -> s);
        assertThat(flow.graph()).isEmpty();
        Flow<String, String> drawn = flow.withGraph(graph).withRetries(Retry.none()).withTimeout(Duration.ofSeconds(5))
                .withLimit("x").withLimit("y", 2);
        assertThat(drawn.graph()).containsSame(graph);
        assertThat(flow.graph()).isEmpty();
    }
}
