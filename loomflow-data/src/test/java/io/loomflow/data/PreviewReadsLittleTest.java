package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.data.contract.CountingStorage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.spi.FlowGraph;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A preview reads what it shows, not the object: of each kind of dataset 64 MiB large, a preview
 * of a few rows reads a few KiB (CSV, JSON lines, text, bytes) or at most 1 MiB (a JSON document,
 * which it then shows cut, and says so), through a storage that counts the bytes it hands out.
 */
class PreviewReadsLittleTest {

    private static final long LARGE = 64L * 1024 * 1024;

    @TempDir
    Path root;

    private final Engine engine = Engine.builder().build();
    private CountingStorage counted;
    private FlowGraph.Previewer previewer;

    @BeforeEach
    void writeLargeObjects() throws IOException {
        write("trips.csv", "id,city,km\n", i -> i + ",City " + i % 97 + "," + i % 1000 / 10.0 + "\n");
        write("trips.jsonl", "", i -> "{\"id\":" + i + ",\"city\":\"City " + i % 97 + "\"}\n");
        write("log.txt", "", i -> "line " + i + " of a long log\n");
        write("blob.bin", "", i -> "binary " + i);
        write("big.json", "[", i -> "{\"id\":" + i + "},\n");
        Catalog catalog = Catalog.builder().storage("file", Map.of("root", root.toString()))
                .add("trips", "csv", URI.create("file:trips.csv"))
                .add("typed", URI.create("file:trips.csv"), Format.csv(Trip.class))
                .add("lines", "jsonl", URI.create("file:trips.jsonl"))
                .add("log", "text", URI.create("file:log.txt"))
                .add("blob", "bytes", URI.create("file:blob.bin"))
                .add("big", "json", URI.create("file:big.json"))
                .build()
                .withStorage("file", Resource.named("counted files", () -> counted = new CountingStorage(Storages
                        .provider("file").open(new StorageOptions("file", Map.of("root", root.toString()))))));
        previewer = Pipeline.of(Node.of("read", List.of("trips", "typed", "lines", "log", "blob", "big"), List.of(),
                inputs -> null)).graph(catalog).previewer();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** A row of trips.csv. */
    public record Trip(long id, String city, double km) {
    }

    private interface Line {
        String of(long i);
    }

    private void write(String name, String head, Line line) throws IOException {
        long bytes = head.length();
        try (BufferedWriter out = Files.newBufferedWriter(root.resolve(name))) {
            out.write(head);
            for (long i = 1; bytes < LARGE; i++) {
                String text = line.of(i);
                out.write(text);
                bytes += text.length();
            }
        }
        assertThat(Files.size(root.resolve(name))).isGreaterThanOrEqualTo(LARGE);
    }

    private FlowGraph.Preview preview(String dataset, int rows) throws Exception {
        FlowGraph.Preview preview = previewer.preview(dataset, rows, engine);
        assertThat(counted.readRequests()).as("requests to preview " + dataset).isEqualTo(1);
        return preview;
    }

    @Test
    void aCsvPreviewReadsOnlyTheFirstRows() throws Exception {
        FlowGraph.Preview trips = preview("trips", 3);
        assertThat(trips.columns()).extracting(FlowGraph.Column::name).containsExactly("id", "city", "km");
        assertThat(trips.rows()).containsExactly(List.of("1", "City 1", "0.1"), List.of("2", "City 2", "0.2"),
                List.of("3", "City 3", "0.3"));
        assertThat(trips.more()).isTrue();
        assertThat(counted.bytesRead()).isLessThan(64 * 1024);
    }

    @Test
    void aPreviewOfRecordsReadsOnlyTheFirstRowsWithTheirTypes() throws Exception {
        FlowGraph.Preview typed = preview("typed", 2);
        assertThat(typed.columns()).containsExactly(new FlowGraph.Column("id", "integer"),
                new FlowGraph.Column("city", "string"), new FlowGraph.Column("km", "number"));
        assertThat(typed.rows()).hasSize(2);
        assertThat(counted.bytesRead()).isLessThan(64 * 1024);
    }

    @Test
    void aJsonLinesPreviewReadsOnlyTheFirstLines() throws Exception {
        FlowGraph.Preview lines = preview("lines", 100);
        assertThat(lines.rows()).hasSize(100).last().isEqualTo(List.of("100", "City 3"));
        assertThat(lines.more()).isTrue();
        assertThat(counted.bytesRead()).isLessThan(64 * 1024);
    }

    @Test
    void aTextPreviewReadsOnlyTheFirstLines() throws Exception {
        FlowGraph.Preview log = preview("log", 2);
        assertThat(log.rows()).containsExactly(List.of("line 1 of a long log"), List.of("line 2 of a long log"));
        assertThat(log.more()).isTrue();
        assertThat(counted.bytesRead()).isLessThan(64 * 1024);
    }

    @Test
    void aBytesPreviewReadsOnlyTheBytesShown() throws Exception {
        FlowGraph.Preview blob = preview("blob", 2);
        assertThat(blob.rows()).hasSize(2);
        assertThat(blob.rows().getFirst().getLast()).isEqualTo("62 69 6e 61 72 79 20 31 62 69 6e 61 72 79 20 32");
        assertThat(blob.more()).isTrue();
        assertThat(counted.bytesRead()).isLessThan(64 * 1024);
    }

    @Test
    void aJsonDocumentLargerThanOneMibIsShownCutAfterReadingOneMib() throws Exception {
        FlowGraph.Preview big = preview("big", 3);
        assertThat(big.columns()).containsExactly(new FlowGraph.Column("line (the first 1 MiB)", "string"));
        assertThat(big.rows()).containsExactly(List.of("[{\"id\":1},"), List.of("{\"id\":2},"), List.of("{\"id\":3},"));
        assertThat(big.more()).isTrue();
        assertThat(counted.bytesRead()).isBetween(1024L * 1024, 1024L * 1024 + 64 * 1024);
    }

    @Test
    void aSmallJsonDocumentIsStillShownParsed() throws Exception {
        try (OutputStream out = Files.newOutputStream(root.resolve("big.json"))) {
            out.write("[{\"a\": 1}, {\"a\": 2}]".getBytes());
        }
        FlowGraph.Preview small = preview("big", 5);
        assertThat(small.columns()).containsExactly(new FlowGraph.Column("a", "integer"));
        assertThat(small.rows()).containsExactly(List.of("1"), List.of("2"));
    }
}
