package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.spi.FlowGraph;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline.toFlow attaches the pipeline's graph; its previewer reads a catalog dataset's first rows and columns. */
class PipelineGraphTest {

    /** A row of people.csv, read as a record. */
    public record Person(String name, int age, boolean active) {
    }

    @TempDir
    Path root;

    private final Engine engine = Engine.builder().build();

    @AfterEach
    void close() {
        engine.close();
    }

    private Catalog catalog() throws Exception {
        Files.writeString(root.resolve("people.csv"), "name,age,active\nAda,36,true\nAlan,41,false\nGrace,85,true\n");
        Files.writeString(root.resolve("notes.txt"), "first line\r\nsecond\nthird\n");
        Files.write(root.resolve("blob.bin"), new byte[] {0, 1, 2, (byte) 0xff, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                27, 28});
        Files.writeString(root.resolve("list.json"), "[{\"a\": 1, \"b\": \"x\"}, {\"a\": 2.5, \"c\": null}]");
        return Catalog.builder().storage("file", Map.of("root", root.toString()))
                .add("people", URI.create("file:people.csv"), Format.csv(Person.class))
                .add("notes", "text", URI.create("file:notes.txt"))
                .add("blob", "bytes", URI.create("file:blob.bin"))
                .add("list", "json", URI.create("file:list.json"))
                .add("missing", "json", URI.create("file:not/there.json"))
                .build();
    }

    private static Pipeline pipeline() {
        return Pipeline.of(
                Node.of("read", List.of("people", "notes", "blob", "list", "params:n"), List.of("mid"), inputs -> 1),
                Node.of("write", List.of("mid"), List.of("missing"), inputs -> Map.of()));
    }

    @Test
    void theFlowCarriesTheGraphWithEveryDatasetOfItsKind() throws Exception {
        FlowGraph graph = pipeline().toFlow("p", catalog(), Map.of("n", 1)).graph().orElseThrow();
        assertThat(graph.nodes()).containsExactly(
                new FlowGraph.Node("read", List.of("people", "notes", "blob", "list", "params:n"), List.of("mid")),
                new FlowGraph.Node("write", List.of("mid"), List.of("missing")));
        assertThat(graph.datasets()).containsExactly(
                new FlowGraph.Dataset("people", FlowGraph.Kind.CATALOG, "csv", "file:people.csv"),
                new FlowGraph.Dataset("notes", FlowGraph.Kind.CATALOG, "text", "file:notes.txt"),
                new FlowGraph.Dataset("blob", FlowGraph.Kind.CATALOG, "bytes", "file:blob.bin"),
                new FlowGraph.Dataset("list", FlowGraph.Kind.CATALOG, "json", "file:list.json"),
                new FlowGraph.Dataset("params:n", FlowGraph.Kind.PARAMETER, "parameter", null),
                new FlowGraph.Dataset("mid", FlowGraph.Kind.MEMORY, "memory", null),
                new FlowGraph.Dataset("missing", FlowGraph.Kind.CATALOG, "json", "file:not/there.json"));
    }

    @Test
    void previewsShowTheFirstRowsAndTheColumnsOfEachKindOfValue() throws Exception {
        FlowGraph.Previewer previewer = pipeline().graph(catalog()).previewer();

        FlowGraph.Preview people = previewer.preview("people", 2, engine);
        assertThat(people.columns()).containsExactly(new FlowGraph.Column("name", "string"),
                new FlowGraph.Column("age", "integer"), new FlowGraph.Column("active", "boolean"));
        assertThat(people.rows()).containsExactly(List.of("Ada", "36", "true"), List.of("Alan", "41", "false"));
        assertThat(people.more()).isTrue();

        FlowGraph.Preview notes = previewer.preview("notes", 10, engine);
        assertThat(notes.rows()).containsExactly(List.of("first line"), List.of("second"), List.of("third"));
        assertThat(notes.more()).isFalse();

        FlowGraph.Preview blob = previewer.preview("blob", 1, engine);
        assertThat(blob.rows()).containsExactly(List.of("0", "00 01 02 ff 10 11 12 13 14 15 16 17 18 19 1a 1b"));
        assertThat(blob.more()).isTrue();

        FlowGraph.Preview list = previewer.preview("list", 5, engine);
        assertThat(list.columns()).containsExactly(new FlowGraph.Column("a", "number"), new FlowGraph.Column("b", "string"),
                new FlowGraph.Column("c", "null"));
        assertThat(list.rows()).containsExactly(java.util.Arrays.asList("1", "x", null),
                java.util.Arrays.asList("2.5", null, null));
    }

    @Test
    void aStreamedDatasetsPreviewReadsItsFirstRowsAndClosesTheStream() throws Exception {
        catalog();
        Catalog streamed = Catalog.builder().storage("file", Map.of("root", root.toString()))
                .add("people", URI.create("file:people.csv"), Format.csvStream(Person.class)).build();
        FlowGraph.Previewer previewer = Pipeline.of(Node.of("count", "people", "n",
                (java.util.stream.Stream<Person> people) -> people.count())).graph(streamed).previewer();

        FlowGraph.Preview people = previewer.preview("people", 2, engine);

        assertThat(people.columns()).extracting(FlowGraph.Column::name).containsExactly("name", "age", "active");
        assertThat(people.rows()).containsExactly(List.of("Ada", "36", "true"), List.of("Alan", "41", "false"));
        assertThat(people.more()).isTrue();
        Files.delete(root.resolve("people.csv")); // a stream left open would hold the file (and fail this on Windows)
    }

    @Test
    void aDatasetNotSavedYetOrNotInTheCatalogIsRefusedNamingIt() throws Exception {
        FlowGraph.Previewer previewer = pipeline().graph(catalog()).previewer();
        assertThatThrownBy(() -> previewer.preview("missing", 5, engine)).isInstanceOf(NoSuchElementException.class)
                .hasMessage("dataset 'missing' has no data yet at file:not/there.json; a run of the pipeline writes it, or"
                        + " put the file there");
        assertThatThrownBy(() -> previewer.preview("mid", 5, engine)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'mid' is not a catalog dataset of this pipeline; those that can be previewed are [blob, list,"
                        + " missing, notes, people]");
    }
}
