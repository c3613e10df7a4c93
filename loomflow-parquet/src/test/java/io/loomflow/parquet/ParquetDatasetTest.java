package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Catalog;
import io.loomflow.data.CatalogException;
import io.loomflow.data.Dataset;
import io.loomflow.data.DatasetException;
import io.loomflow.parquet.Rows.Named;
import io.loomflow.parquet.Rows.Trip;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet datasets in a catalog, on file: storage: the type, its options, and files that are not Parquet. */
class ParquetDatasetTest {

    @TempDir
    Path root;

    private Catalog catalog(String datasets) throws Exception {
        Path file = root.resolve("catalog.yml");
        Files.writeString(file, "storage:\n  file: { root: \"" + root + "\" }\ndatasets:\n" + datasets);
        return Catalog.load(file, Map.of());
    }

    /** The catalog's dataset, with the type its entry's format reads. */
    @SuppressWarnings("unchecked")
    private static <T> Dataset<T> typed(Dataset<?> dataset) {
        return (Dataset<T>) dataset;
    }

    private static List<Trip> trips(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> new Trip(i, i % 4, i * 0.5,
                BigDecimal.valueOf(i * 125L, 2), "V" + i % 3, i % 2 == 0, Instant.ofEpochSecond(1_700_000_000L + i),
                i % 5 == 0 ? null : "zone " + i)).toList();
    }

    @Test
    void theCatalogTypeParquetSavesAndLoadsRecordsWithItsCompression() throws Exception {
        Catalog catalog = catalog("  trips: { type: parquet, uri: \"file:trips.parquet\", options: { record: "
                + Trip.class.getName() + ", compression: zstd } }\n");
        Dataset<List<Trip>> trips = typed(catalog.dataset("trips"));
        trips.save(trips(50));
        assertThat(trips.load()).isEqualTo(trips(50));
        assertThat(DuckDb.codecs(Files.readAllBytes(root.resolve("trips.parquet")))).containsOnly("ZSTD");
        assertThat(trips.format()).hasToString("Format[parquet, Trip, zstd]");
    }

    @Test
    void withoutARecordTheCatalogGivesRowsAsMaps() throws Exception {
        Files.write(root.resolve("named.parquet"), ParquetFormat.of(Named.class).write(List.of(new Named(7, "Ada"))));
        Catalog catalog = catalog("  named: { type: parquet, uri: \"file:named.parquet\" }\n");
        Dataset<List<Map<String, Object>>> named = typed(catalog.dataset("named"));
        assertThat(named.load()).containsExactly(Map.of("id", 7L, "name", "Ada"));
        assertThat(catalog.dataset("named", ParquetFormat.of(Named.class)).load())
                .containsExactly(new Named(7, "Ada"));
    }

    @Test
    void aWrongOptionIsNamedAtItsLineInTheCatalog() throws Exception {
        assertThatThrownBy(() -> catalog("  trips: { type: parquet, uri: \"file:t.parquet\", options: { compression: lzo } }\n"))
                .isInstanceOf(CatalogException.class).hasMessageEndingWith(":4:59: dataset 'trips': option compression"
                        + " was 'lzo'; give one of uncompressed, snappy, gzip, zstd, lz4_raw");
        assertThatThrownBy(() -> catalog("  trips: { type: parquet, uri: \"file:t.parquet\", options: { record: com.example.Nope } }\n"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("dataset 'trips': option record names class"
                        + " com.example.Nope, which is not on the class path; give the fully qualified name of a record class");
        assertThatThrownBy(() -> catalog("  trips: { type: parquet, uri: \"file:t.parquet\", options: { rows: 5 } }\n"))
                .isInstanceOf(CatalogException.class).hasMessageContaining("unknown option 'rows' for type parquet;"
                        + " parquet takes the options record, compression and stream");
    }

    @Test
    void aSaveThatFailsLeavesTheOldFileWhole() throws Exception {
        Catalog catalog = catalog("  named: { type: parquet, uri: \"file:named.parquet\", options: { record: "
                + Named.class.getName() + " } }\n");
        Dataset<List<Named>> named = typed(catalog.dataset("named"));
        named.save(List.of(new Named(1, "old")));
        byte[] before = Files.readAllBytes(root.resolve("named.parquet"));
        assertThatThrownBy(() -> named.save(Arrays.asList(new Named(1, "a"), new Named(2, null))))
                .isInstanceOf(DatasetException.class)
                .hasMessage("dataset 'named' cannot be written as parquet: row 2: name is null, but its column is"
                        + " required; declare the component @Nullable or Optional<String>, or give it a value");
        assertThat(Files.readAllBytes(root.resolve("named.parquet"))).isEqualTo(before);
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("catalog.yml", "named.parquet");
        }
    }

    private DatasetException loadFails(byte[] content) throws Exception {
        Files.write(root.resolve("trips.parquet"), content);
        Dataset<List<Trip>> trips = typed(catalog("  trips: { type: parquet, uri: \"file:trips.parquet\", options: {"
                + " record: " + Trip.class.getName() + " } }\n").dataset("trips"));
        try {
            trips.load();
        } catch (DatasetException expected) {
            assertThat(expected.getMessage()).startsWith("dataset 'trips' at file:trips.parquet is not valid parquet: ")
                    .contains("write it again").doesNotContain("\tat ", "Exception", "\n");
            assertThat(expected.dataset()).isEqualTo("trips");
            assertThat(expected.isRetryable()).isFalse();
            return expected;
        }
        throw new AssertionError("the load did not fail");
    }

    @Test
    void aCsvRenamedParquetIsNamedAsNotParquetWithWhatItStartsWith() throws Exception {
        assertThat(loadFails("id,name\n1,Ada\n2,Grace\n".getBytes()).getMessage()).isEqualTo("dataset 'trips' at"
                + " file:trips.parquet is not valid parquet: not a Parquet file: it does not start with PAR1, the mark"
                + " of a Parquet file, but with \"id,name.1,Ada.2,\"; write it again with a Parquet writer (a save of"
                + " this dataset, DuckDB, pandas, Spark), or give the dataset the type of what it holds");
    }

    @Test
    void aTruncatedFileIsNamedAsTruncated() throws Exception {
        byte[] whole = ParquetFormat.of(Trip.class).write(trips(1000));
        assertThat(loadFails(Arrays.copyOf(whole, whole.length / 2)).getMessage())
                .contains("it starts as a Parquet file but does not end with PAR1: it is truncated");
        assertThat(loadFails(Arrays.copyOf(whole, 6)).getMessage()).contains("it has only 6 bytes");
        assertThat(loadFails(new byte[0]).getMessage()).contains("not a Parquet file: it is empty");
    }

    @Test
    void aFileWhoseInsideIsDamagedIsNamedAsCorrupt() throws Exception {
        byte[] whole = ParquetFormat.of(Trip.class).write(trips(1000));
        byte[] damaged = whole.clone();
        // The footer's length, just before the closing PAR1: now it points outside the file.
        damaged[damaged.length - 5] = 0x7f;
        assertThat(loadFails(damaged).getMessage()).contains("the Parquet file is corrupt or truncated (");
        byte[] pages = whole.clone();
        Arrays.fill(pages, 4, pages.length / 2, (byte) 0x55);
        assertThat(loadFails(pages).getMessage()).contains("the Parquet file is corrupt or truncated (");
    }
}
