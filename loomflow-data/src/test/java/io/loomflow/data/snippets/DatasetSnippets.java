package io.loomflow.data.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.Task;
import io.loomflow.data.Catalog;
import io.loomflow.data.Dataset;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.PartitionedDataset;
import io.loomflow.data.Partitions;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples in the javadoc of {@link Dataset} (and its versions), {@link PartitionedDataset}, {@link Format},
 * {@link Storages}, {@link ForwardingStorage} and {@link StagedWrite}, run.
 */
class DatasetSnippets {

    /** A row of the companies table. */
    public record Company(String id, String name, double rating) {}

    @Test
    void aDatasetLoadsTheRowsAtItsLocation(@TempDir Path data) throws IOException {
        Files.createDirectories(data.resolve("01_raw"));
        Files.writeString(data.resolve("01_raw/companies.csv"), "id,name,rating\n1,Acme,4.5\n2,Globex,3.9\n");
        // @start region="dataset"
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", data.toString())));
        Dataset<List<Company>> companies = Dataset.of("companies", URI.create("file:01_raw/companies.csv"),
                Format.csv(Company.class), files);
        List<Company> rows = companies.load();
        // @end
        assertThat(rows).containsExactly(new Company("1", "Acme", 4.5), new Company("2", "Globex", 3.9));
    }

    @Test
    void aVersionedDatasetKeepsEverySaveAndLoadsTheLatestOrAPinnedOne(@TempDir Path data) {
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", data.toString())));
        // @start region="versioned"
        Dataset<String> report = Dataset.of("report", URI.create("file:08_reporting/report.txt"), Format.text(), files)
                .versioned();
        // at 08_reporting/report.txt/2026-12-04T10.00.00.000Z/report.txt, under the root
        report.withSaveVersion("2026-12-04T10.00.00.000Z").save("first");
        report.withSaveVersion("2026-12-05T10.00.00.000Z").save("second");
        String latest = report.load();                                          // "second"
        String pinned = report.withLoadVersion("2026-12-04T10.00.00.000Z").load(); // "first"
        List<String> versions = report.versions();                               // oldest first
        // @end
        assertThat(latest).isEqualTo("second");
        assertThat(pinned).isEqualTo("first");
        assertThat(versions).containsExactly("2026-12-04T10.00.00.000Z", "2026-12-05T10.00.00.000Z");
        assertThat(data.resolve("08_reporting/report.txt/2026-12-04T10.00.00.000Z/report.txt")).content()
                .isEqualTo("first");
    }

    @Test
    void aPartitionedDatasetListsAPrefixAndLoadsEachPartitionWhenAsked(@TempDir Path data) throws IOException {
        Files.createDirectories(data.resolve("orders/2024"));
        Files.writeString(data.resolve("orders/2024/01.csv"), "id,total\n1,10\n");
        Files.writeString(data.resolve("orders/2024/02.csv"), "id,total\n2,20\n3,30\n");
        Files.writeString(data.resolve("orders/README.md"), "not a partition");
        // @start region="partitioned"
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", data.toString())));
        PartitionedDataset<List<Map<String, String>>> orders = PartitionedDataset.of("orders",
                URI.create("file:orders/"), Format.csv(), files).withSuffix(".csv");
        Partitions<List<Map<String, String>>> parts = orders.load();       // listed once; nothing read yet
        List<Map<String, String>> january = parts.get("2024/01").get();   // reads that one partition
        Map<String, List<Map<String, String>>> all = parts.loadAll();     // every partition, concurrently
        orders.save(Map.of("2024/03", List.of(Map.of("id", "4", "total", "40"))));
        // @end
        assertThat(parts.keySet()).containsExactly("2024/01", "2024/02");
        assertThat(january).containsExactly(Map.of("id", "1", "total", "10"));
        assertThat(all.get("2024/02")).hasSize(2);
        assertThat(orders.load().get("2024/03").get()).containsExactly(Map.of("id", "4", "total", "40"));
    }

    @Test
    void formatsReadWhatTheyWrite() throws IOException {
        // @start region="formats"
        record Company(String id, String name, double rating) {}
        Format<List<Company>> companies = Format.csv(Company.class);       // header row names the columns
        Format<List<Map<String, String>>> rows = Format.csv();            // rows as column -> value maps
        Format<Map<String, Object>> report = Format.jsonMap();
        // @end
        byte[] csv = companies.write(List.of(new Company("1", "Acme", 4.5)));
        assertThat(new String(csv, StandardCharsets.UTF_8)).isEqualTo("id,name,rating\n1,Acme,4.5\n");
        assertThat(companies.read(csv)).containsExactly(new Company("1", "Acme", 4.5));
        assertThat(rows.read(csv)).containsExactly(Map.of("id", "1", "name", "Acme", "rating", "4.5"));
        assertThat(report.read(report.write(Map.of("shuttles", 2)))).containsExactly(Map.entry("shuttles", 2));
    }

    @Test
    void aStorageIsAResourceOfTheEngine(@TempDir Path data) throws IOException {
        Files.writeString(data.resolve("hello.txt"), "Hello");
        // @start region="storages"
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", data.toString())));
        Task<String, byte[]> load = Task.named("load", (String path) -> files.get().read(URI.create("file:" + path)));
        // @end
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(load, "hello.txt")).asString(StandardCharsets.UTF_8).isEqualTo("Hello");
        }
    }

    @Test
    void aForwardingStorageChangesOnlyTheCallsItOverrides() throws IOException {
        LongAdder reads = new LongAdder();
        try (Storage storage = Storages.provider("mem").open(StorageOptions.none("mem"))) {
            // @start region="forwarding"
            Storage counted = new ForwardingStorage(storage) {
                @Override
                public byte[] read(URI location) throws IOException {
                    reads.increment();
                    return super.read(location);
                }
            };
            // @end
            URI location = URI.create("mem://snippets/a.txt");
            counted.write(location, new byte[] {1});
            assertThat(counted.read(location)).containsExactly(1);
            assertThat(counted.exists(location)).isTrue();
            assertThat(reads.sum()).isEqualTo(1);
        }
    }

    @Test
    void aStagedWriteIsPublishedOnlyByItsCommit() throws IOException {
        try (Storage storage = Storages.provider("mem").open(StorageOptions.none("mem"))) {
            URI location = URI.create("mem://snippets/report.csv");
            // @start region="staged"
            try (StagedWrite out = storage.openWrite(location)) {
                out.write("id,total\n".getBytes(StandardCharsets.UTF_8));  // as many bytes as needed: no reader sees them
                out.commit();                                               // now the object is there, whole
            }                                                               // closed without a commit: nothing published
            // @end
            assertThat(storage.read(location)).asString(StandardCharsets.UTF_8).isEqualTo("id,total\n");
        }
    }

    @Test
    void recordsStreamThroughANode(@TempDir Path data) throws IOException {
        Files.writeString(data.resolve("trips.csv"), "id,km\n1,3.5\n2,12.0\n3,40.25\n");
        // @start region="streams"
        record Trip(String id, double km) {}
        Catalog catalog = Catalog.builder().storage("file", Map.of("root", data.toString()))
                .add("trips", URI.create("file:trips.csv"), Format.csvStream(Trip.class))
                .add("long_trips", URI.create("file:long_trips.jsonl"), Format.jsonLinesStream(Trip.class))
                .build();
        Pipeline pipeline = Pipeline.of(Node.of("long", "trips", "long_trips",
                (Stream<Trip> trips) -> trips.filter(trip -> trip.km() > 10)));   // saved as it is produced
        pipeline.toFlow("long-trips", catalog).run(PipelineRun.all());
        // @end
        assertThat(data.resolve("long_trips.jsonl")).hasContent("{\"id\":\"2\",\"km\":12.0}\n{\"id\":\"3\",\"km\":40.25}");
    }
}
