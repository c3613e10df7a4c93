package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.data.Catalog;
import io.loomflow.data.CatalogException;
import io.loomflow.data.Dataset;
import io.loomflow.data.DatasetException;
import io.loomflow.data.DatasetNotFoundException;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.Storages;
import io.loomflow.data.contract.CountingStorage;
import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.parquet.Rows.Trip;
import io.loomflow.parquet.internal.ParquetIo;
import io.loomflow.spi.FlowGraph;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet through the streaming storage SPI: loads by ranged reads (the footer, then the row
 * groups), streamed saves through a staged write, the catalog's {@code stream: true}, previews that
 * read the first row group only, and broken files named through the ranged path, on a file: storage
 * that counts what is read from it.
 */
class ParquetStreamTest {

    /** Enough rows for several row groups of a streamed write. */
    private static final int MANY = 1_500_000;

    @TempDir
    Path root;

    private final Engine engine = Engine.builder().build();
    private CountingStorage counted;
    private final AtomicInteger wholeWrites = new AtomicInteger();
    private final AtomicInteger stagedWrites = new AtomicInteger();

    @AfterEach
    void close() {
        engine.close();
    }

    private Catalog catalog(String datasets) throws IOException {
        Path file = root.resolve("catalog.yml");
        Files.writeString(file, "storage:\n  file: { root: \"" + root + "\" }\ndatasets:\n" + datasets);
        return Catalog.load(file, Map.of()).withStorage("file", Resource.named("counted files", () -> {
            counted = new CountingStorage(Storages.provider("file").open(new StorageOptions("file",
                    Map.of("root", root.toString()))));
            return new ForwardingStorage(counted) {
                @Override
                public void write(URI location, byte[] content) throws IOException {
                    wholeWrites.incrementAndGet();
                    super.write(location, content);
                }

                @Override
                public StagedWrite openWrite(URI location) throws IOException {
                    stagedWrites.incrementAndGet();
                    return super.openWrite(location);
                }
            };
        }));
    }

    private Catalog trips(String options) throws IOException {
        return catalog("  trips: { type: parquet, uri: \"file:trips.parquet\", options: { record: " + Trip.class.getName()
                + options + " } }\n");
    }

    @SuppressWarnings("unchecked")
    private static <T> Dataset<T> typed(Dataset<?> dataset) {
        return (Dataset<T>) dataset;
    }

    private static Trip trip(long i) {
        return new Trip(i, (int) (i % 4), i * 0.5, BigDecimal.valueOf(i * 125L, 2), "V" + i % 3, i % 2 == 0,
                Instant.ofEpochSecond(1_700_000_000L + i), i % 5 == 0 ? null : "zone " + i % 263);
    }

    private static Stream<Trip> trips(long n) {
        return LongStream.range(0, n).mapToObj(ParquetStreamTest::trip);
    }

    /** The compressed size of each row group of trips.parquet, as its footer says. */
    private List<Long> rowGroups() throws IOException {
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(root.resolve("trips.parquet")),
                ParquetIo.readOptions())) {
            return reader.getRowGroups().stream().map(group -> group.getCompressedSize()).toList();
        }
    }

    @Test
    void aStreamIsSavedThroughAStagedWriteInRowGroupsAndLoadedByRangesRowGroupByRowGroup() throws Exception {
        Dataset<Stream<Trip>> trips = typed(trips(", stream: true").dataset("trips"));
        assertThat(trips.format()).hasToString("Format[parquet, Trip, snappy, stream]");
        assertThat(trips.format().streaming()).isTrue();
        trips.save(trips(MANY));
        assertThat(stagedWrites).hasValue(1);
        assertThat(wholeWrites).hasValue(0);
        assertThat(rowGroups()).hasSizeGreaterThanOrEqualTo(2);

        long size = Files.size(root.resolve("trips.parquet"));
        try (Stream<Trip> loaded = trips.load()) {
            Iterator<Trip> expected = trips(MANY).iterator();
            long[] rows = {0};
            loaded.forEach(trip -> {
                assertThat(trip).isEqualTo(expected.next());
                rows[0]++;
            });
            assertThat(rows[0]).isEqualTo(MANY);
        }
        assertThat(counted.wholeReads()).isZero();
        assertThat(counted.bytesRead()).isBetween(size - 64 * 1024, size + 2 * 1024 * 1024);
        // The size, the tail and the head, then a few ranges per row group (its chunks, 8 MiB at most each).
        assertThat(counted.readRequests()).isLessThan(3 + 8L * rowGroups().size());
    }

    @Test
    void aListIsLoadedByRangesToo() throws Exception {
        Files.write(root.resolve("trips.parquet"), ParquetFormat.of(Trip.class).write(trips(50_000).toList()));
        Dataset<List<Trip>> trips = typed(trips("").dataset("trips"));
        assertThat(trips.load()).isEqualTo(trips(50_000).toList());
        assertThat(counted.wholeReads()).isZero();
        assertThat(counted.readRequests()).isLessThanOrEqualTo(4); // size, then the object: under 1 MiB, in one range
    }

    @Test
    void aPreviewOfALargeParquetFileReadsItsFooterAndFirstRowGroupOnly() throws Exception {
        typed(trips(", stream: true").dataset("trips")).save(trips(MANY));
        long size = Files.size(root.resolve("trips.parquet"));
        List<Long> rowGroups = rowGroups();
        assertThat(rowGroups).hasSizeGreaterThanOrEqualTo(2);
        Catalog catalog = trips("");
        FlowGraph.Previewer previewer = Pipeline.of(Node.of("count", "trips", "n", (List<Trip> all) -> all.size()))
                .graph(catalog).previewer();
        FlowGraph.Preview preview = previewer.preview("trips", 3, engine);
        assertThat(preview.columns()).extracting(FlowGraph.Column::name).containsExactly("id", "passengers", "distance",
                "fare", "vendor", "cash", "pickup", "zone");
        assertThat(preview.rows()).hasSize(3);
        assertThat(preview.rows().get(1)).containsExactly("1", "1", "0.5", "1.25", "V1", "false",
                "2023-11-14T22:13:21Z", "zone 1");
        assertThat(preview.more()).isTrue();
        assertThat(counted.wholeReads()).isZero();
        // The footer (in the tail read when opening, and the read ahead), then the first row group's column chunks.
        assertThat(counted.bytesRead()).isLessThan(rowGroups.getFirst() + 2 * 1024 * 1024).isLessThan(size * 3 / 4);
    }

    @Test
    void aStreamThatFailsHalfWayLeavesTheOldFileAndNothingElse() throws Exception {
        Dataset<Stream<Trip>> trips = typed(trips(", stream: true").dataset("trips"));
        trips.save(trips(10));
        byte[] before = Files.readAllBytes(root.resolve("trips.parquet"));
        Stream<Trip> failing = trips(MANY).peek(trip -> {
            if (trip.id() == 400_000) {
                throw new IllegalStateException("the source broke at 400000");
            }
        });
        assertThatThrownBy(() -> trips.save(failing)).hasMessage("the source broke at 400000");
        Stream<Trip> aNull = Stream.concat(trips(5), Stream.of(new Trip(5, 1, 1, BigDecimal.ONE, null, true,
                Instant.EPOCH, null)));
        assertThatThrownBy(() -> trips.save(aNull)).isInstanceOf(DatasetException.class).hasMessage("dataset 'trips'"
                + " could not be written as parquet to file:trips.parquet, which is left as it was: row 6: vendor is null,"
                + " but its column is required; declare the component @Nullable or Optional<String>, or give it a value");
        assertThat(Files.readAllBytes(root.resolve("trips.parquet"))).isEqualTo(before);
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("catalog.yml", "trips.parquet");
        }
    }

    @Test
    void mapsStreamWithTheColumnsOfTheFirstRow() throws Exception {
        Catalog catalog = catalog("  rows: { type: parquet, uri: \"file:rows.parquet\", options: { stream: true } }\n");
        Dataset<Stream<Map<String, Object>>> rows = typed(catalog.dataset("rows"));
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("id", 1L);
        first.put("name", null);
        rows.save(Stream.of(first, Map.of("id", 2L, "name", "Ada")));
        try (Stream<Map<String, Object>> loaded = rows.load()) {
            assertThat(loaded.toList()).containsExactly(first, Map.of("id", 2L, "name", "Ada"));
        }
        assertThatThrownBy(() -> rows.save(Stream.of(Map.of("id", 1L), Map.of("id", 2L, "extra", "x"))))
                .isInstanceOf(DatasetException.class).hasMessageEndingWith("row 2 has the column extra, which the first"
                        + " row has not; a stream of maps takes its columns from its first row: give that row every column"
                        + " (null where it has no value)");
    }

    @Test
    void theOptionStreamTakesTrueOrFalse() {
        assertThatThrownBy(() -> trips(", stream: yes")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("dataset 'trips': option stream was 'yes'; give true (rows as a stream, read and"
                        + " written a row group at a time) or false");
    }

    @Test
    void aMissingFileIsNotFoundByEitherFormat() throws Exception {
        assertThatThrownBy(() -> trips("").dataset("trips").load()).isInstanceOf(DatasetNotFoundException.class);
        assertThatThrownBy(() -> trips(", stream: true").dataset("trips").load())
                .isInstanceOf(DatasetNotFoundException.class);
    }

    /** Larger than what the first ranges hold, so that the head, the tail and the footer are read apart. */
    private static byte[] large() throws IOException {
        byte[] whole = ParquetFormat.of(Trip.class).write(trips(200_000).toList());
        assertThat(whole.length).isGreaterThan(2 * 1024 * 1024);
        return whole;
    }

    private String loadFails(byte[] content, boolean stream) throws Exception {
        Files.write(root.resolve("trips.parquet"), content);
        Dataset<Object> trips = trips(stream ? ", stream: true" : "").dataset("trips");
        try {
            Object value = trips.load();
            if (value instanceof Stream<?> rows) {
                try (rows) {
                    rows.forEach(row -> { });
                }
            }
        } catch (DatasetException expected) {
            assertThat(expected.getMessage()).startsWith("dataset 'trips' at file:trips.parquet is not valid parquet: ")
                    .contains("write it again").doesNotContain("\tat ", "Exception", "\n");
            assertThat(expected.isRetryable()).isFalse();
            return expected.getMessage();
        }
        throw new AssertionError("the load did not fail");
    }

    @Test
    void brokenLargeFilesAreNamedThroughTheRangedPathAsWhole() throws Exception {
        byte[] whole = large();
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 0; csv.length() < 2 * 1024 * 1024; i++) {
            csv.append(i).append(",Ada\n");
        }
        for (boolean stream : new boolean[] {false, true}) {
            assertThat(loadFails(csv.toString().getBytes(), stream)).contains("not a Parquet file: it does not start"
                    + " with PAR1, the mark of a Parquet file, but with \"id,name.0,Ada.1,\"");
            assertThat(loadFails(Arrays.copyOf(whole, whole.length - 100), stream))
                    .contains("it starts as a Parquet file but does not end with PAR1: it is truncated");
            byte[] footerBeyond = whole.clone();
            footerBeyond[footerBeyond.length - 5] = 0x7f; // the footer's length: now beyond the object
            assertThat(loadFails(footerBeyond, stream)).contains("the Parquet file is corrupt or truncated (");
            byte[] pages = whole.clone();
            Arrays.fill(pages, 4, pages.length / 2, (byte) 0x55);
            assertThat(loadFails(pages, stream)).contains("the Parquet file is corrupt or truncated (");
        }
    }
}
