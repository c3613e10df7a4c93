package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Resource;
import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets of records as streams: read as they are consumed, saved as they are produced, closed by
 * the pipeline, and never published half-written.
 */
class StreamingTest {

    /** A row of the trips table. */
    public record Trip(long id, String city, double km) {
    }

    @TempDir
    Path root;

    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    /** File storage that counts the streams it opens for reading and the ones closed (once or more). */
    private Resource<Storage> files() {
        return Resource.named("counted files", () -> new ForwardingStorage(
                Storages.provider("file").open(new StorageOptions("file", Map.of("root", root.toString())))) {
            @Override
            public InputStream openRead(URI location) throws IOException {
                InputStream in = super.openRead(location);
                opened.incrementAndGet();
                return new FilterInputStream(in) {
                    private boolean closedOnce;

                    @Override
                    public void close() throws IOException {
                        if (!closedOnce) {
                            closedOnce = true;
                            closed.incrementAndGet();
                        }
                        super.close();
                    }
                };
            }
        });
    }

    private Catalog catalog(Format<?> trips, Format<?> out) {
        Resource<Storage> files = files();
        return Catalog.builder().storage("file", Map.of("root", root.toString()))
                .add("trips", URI.create("file:trips.csv"), trips)
                .add("out", URI.create("file:out.jsonl"), out)
                .build()
                .withStorage("file", files);
    }

    @Test
    void csvAndJsonLinesStreamsReadWhatTheyWrite() throws IOException {
        List<Trip> trips = List.of(new Trip(1, "Oslo, NO", 3.5), new Trip(2, "say \"hi\"\nthen", 12));
        byte[] csv = Format.csvStream(Trip.class).write(trips.stream());
        assertThat(new String(csv, StandardCharsets.UTF_8)).isEqualTo(
                "id,city,km\n1,\"Oslo, NO\",3.5\n2,\"say \"\"hi\"\"\nthen\",12.0\n");
        try (Stream<Trip> read = Format.csvStream(Trip.class).read(csv)) {
            assertThat(read).containsExactlyElementsOf(trips);
        }
        byte[] lines = Format.jsonLinesStream(Trip.class).write(trips.stream());
        assertThat(new String(lines, StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":1,\"city\":\"Oslo, NO\",\"km\":3.5}\n{\"id\":2,\"city\":\"say \\\"hi\\\"\\nthen\",\"km\":12.0}\n");
        assertThat(Format.jsonLines(Trip.class).read(lines)).isEqualTo(trips);
        try (Stream<Map<String, String>> rows = Format.csvStream(';').read("a;b\n1;2\n".getBytes(StandardCharsets.UTF_8))) {
            assertThat(rows).containsExactly(Map.of("a", "1", "b", "2"));
        }
        assertThat(Format.jsonLinesStream(Trip.class).write(Stream.empty())).isEmpty();
        assertThat(Format.csvStream(Trip.class).streaming()).isTrue();
        assertThat(Format.csv(Trip.class).streaming()).isFalse();
    }

    @Test
    void aNodeStreamsRowsFromCsvToJsonLinesAndThePipelineClosesItsInput() throws IOException {
        Files.writeString(root.resolve("trips.csv"), "id,city,km\n1,Oslo,3.5\n2,Bergen,12.0\n3,Tromsø,40.25\n");
        Catalog catalog = catalog(Format.csvStream(Trip.class), Format.jsonLinesStream(Trip.class));
        Pipeline.of(Node.of("long", "trips", "out", (Stream<Trip> trips) -> trips.filter(trip -> trip.km() > 10)))
                .toFlow("long", catalog).run(PipelineRun.all());
        assertThat(root.resolve("out.jsonl")).hasContent(
                "{\"id\":2,\"city\":\"Bergen\",\"km\":12.0}\n{\"id\":3,\"city\":\"Tromsø\",\"km\":40.25}");
        assertThat(opened.get()).isEqualTo(1);
        assertThat(closed.get()).isEqualTo(1);
    }

    @Test
    void anInputStreamTheNodeDoesNotConsumeIsClosedByThePipeline() throws IOException {
        Files.writeString(root.resolve("trips.csv"), "id,city,km\n1,Oslo,3.5\n2,Bergen,12.0\n");
        Catalog catalog = catalog(Format.csvStream(Trip.class), Format.jsonLines(Trip.class));
        Pipeline.of(Node.of("first", "trips", "out", (Stream<Trip> trips) -> List.of(trips.iterator().next())))
                .toFlow("first", catalog).run(PipelineRun.all());
        assertThat(root.resolve("out.jsonl")).hasContent("{\"id\":1,\"city\":\"Oslo\",\"km\":3.5}");
        assertThat(closed.get()).isEqualTo(opened.get()).isEqualTo(1);
    }

    @Test
    void aStreamSavedToTheCatalogIsLoadedAgainByTheNodesThatReadIt() throws IOException {
        Files.writeString(root.resolve("trips.csv"), "id,city,km\n1,Oslo,3.5\n2,Bergen,12.0\n");
        Catalog catalog = catalog(Format.csvStream(Trip.class), Format.jsonLinesStream(Trip.class));
        Map<String, Object> result = Pipeline.of(
                Node.of("copy", "trips", "out", (Stream<Trip> trips) -> trips),
                Node.of("count", "out", "count", (Stream<Trip> out) -> out.count()))
                .toFlow("two", catalog).run(PipelineRun.all());
        assertThat(result).containsEntry("count", 2L);
        assertThat(opened.get()).isEqualTo(2);
        assertThat(closed.get()).isEqualTo(2);
    }

    @Test
    void aMalformedRowIsNamedWithItsDatasetAndNumberAndTheOutputIsNotPublished() throws IOException {
        int good = 1_000_000;
        try (BufferedWriter csv = Files.newBufferedWriter(root.resolve("trips.csv"))) {
            csv.write("id,city,km\n");
            for (int i = 1; i <= good; i++) {
                csv.write(i + ",City " + (i % 97) + "," + (i % 1000) / 10.0 + "\n");
            }
            csv.write((good + 1) + ",Nowhere,not-a-number\n");
            csv.write((good + 2) + ",Oslo,1.0\n");
        }
        Files.writeString(root.resolve("out.jsonl"), "{\"older\":true}\n");
        Catalog catalog = catalog(Format.csvStream(Trip.class), Format.jsonLinesStream(Trip.class));
        assertThatThrownBy(() -> Pipeline.of(Node.of("convert", "trips", "out", (Stream<Trip> trips) -> trips))
                .toFlow("convert", catalog).run(PipelineRun.all()))
                .isInstanceOfSatisfying(DatasetException.class, e -> assertThat(e.dataset()).isEqualTo("trips"))
                .hasMessageStartingWith("dataset 'trips' at file:trips.csv is not valid csv: row 1,000,001 (line 1,000,002): ")
                .hasMessageContaining("not-a-number")
                .hasMessageEndingWith("; fix that record, or remove it");
        assertThat(root.resolve("out.jsonl")).hasContent("{\"older\":true}");
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("trips.csv", "out.jsonl");
        }
        assertThat(closed.get()).isEqualTo(opened.get()).isEqualTo(1);
    }

    @Test
    void aNodeThatFailsMidStreamLeavesNoOutput() throws IOException {
        Files.writeString(root.resolve("trips.csv"), "id,city,km\n1,Oslo,3.5\n2,Bergen,12.0\n");
        Catalog catalog = catalog(Format.csvStream(Trip.class), Format.jsonLinesStream(Trip.class));
        assertThatThrownBy(() -> Pipeline.of(Node.of("convert", "trips", "out", (Stream<Trip> trips) -> trips.map(trip -> {
            if (trip.id() == 2) {
                throw new IllegalStateException("no trips to Bergen");
            }
            return trip;
        }))).toFlow("convert", catalog).run(PipelineRun.all())).isInstanceOf(IllegalStateException.class)
                .hasMessage("no trips to Bergen");
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactly("trips.csv");
        }
    }

    @Test
    void aStreamingDatasetGivenAListSaysToGiveAStream() {
        Dataset<Stream<Trip>> out = Dataset.of("out", URI.create("file:out.jsonl"), Format.jsonLinesStream(Trip.class),
                files());
        @SuppressWarnings({"unchecked", "rawtypes"})
        Dataset<Object> untyped = (Dataset) out;
        assertThatThrownBy(() -> untyped.save(List.of(new Trip(1, "Oslo", 1)))).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset 'out' is saved as a stream of jsonl records, but was given a java.util.")
                .hasMessageContaining("give a java.util.stream.Stream (list.stream())");
        assertThat(root.resolve("out.jsonl")).doesNotExist();
    }

    @Test
    void aMalformedJsonLineIsNamedByItsLine() throws IOException {
        Files.writeString(root.resolve("trips.jsonl"), "{\"id\":1,\"city\":\"Oslo\",\"km\":1}\n{\"id\":2,\"city\":\n");
        Dataset<Stream<Trip>> trips = Dataset.of("trips", URI.create("file:trips.jsonl"), Format.jsonLinesStream(Trip.class),
                files());
        try (Stream<Trip> read = trips.load()) {
            assertThatThrownBy(read::toList).isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("dataset 'trips' at file:trips.jsonl is not valid jsonl: line 2: ");
        }
    }

    @Test
    void theCatalogStreamsCsvAndJsonLinesWithTheStreamOption() throws IOException {
        Path file = root.resolve("catalog.yml");
        Files.writeString(file, """
                datasets:
                  rows: { type: csv, uri: "file:rows.csv", options: { stream: true, separator: ";" } }
                  lines: { type: jsonl, uri: "file:lines.jsonl", options: { stream: true } }
                  whole: { type: jsonl, uri: "file:whole.jsonl" }
                """);
        Files.writeString(root.resolve("rows.csv"), "a;b\n1;x\n2;y\n");
        Catalog catalog = Catalog.load(file).withStorage("file", files());
        Pipeline.of(Node.of("copy", "rows", "lines", (Stream<Map<String, String>> rows) -> rows),
                        Node.of("all", "lines", "whole", (Stream<Map<String, Object>> lines) -> lines.toList()))
                .toFlow("copy", catalog).run(PipelineRun.all());
        assertThat(root.resolve("lines.jsonl")).hasContent("{\"a\":\"1\",\"b\":\"x\"}\n{\"a\":\"2\",\"b\":\"y\"}");
        assertThat(catalog.dataset("whole").load()).isEqualTo(List.of(Map.of("a", "1", "b", "x"), Map.of("a", "2", "b", "y")));
        Files.writeString(file, "datasets:\n  rows: { type: csv, uri: \"file:rows.csv\", options: { stream: yes } }\n");
        assertThatThrownBy(() -> Catalog.load(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("dataset 'rows': option stream was 'yes'; give true");
    }
}
