package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partitioned and incremental datasets: lazy listing, concurrent loads, saving maps, checkpoints. */
class PartitionedDatasetTest {

    /** A mem: storage that counts reads and records the runs that made them. */
    private static final class Counting extends ForwardingStorage {
        final AtomicInteger reads = new AtomicInteger();

        Counting(Storage storage) {
            super(storage);
        }

        @Override
        public byte[] read(URI location) throws IOException {
            if (!location.toString().endsWith(PartitionedDataset.CHECKPOINT)) {
                reads.incrementAndGet();
            }
            return super.read(location);
        }
    }

    private static Storage memory() throws IOException {
        return Storages.provider("mem").open(StorageOptions.none("mem"));
    }

    private static void put(Storage storage, String location, String text) throws IOException {
        storage.write(URI.create(location), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listingReadsNothingAndEachPartitionIsReadOnlyWhenAsked() throws IOException {
        Counting storage = new Counting(memory());
        put(storage, "mem://lake/blobs/a.txt", "A");
        put(storage, "mem://lake/blobs/b.txt", "B");
        put(storage, "mem://lake/blobs/c.log", "not a partition");
        put(storage, "mem://lake/blobs2/d.txt", "another prefix");
        PartitionedDataset<String> blobs = PartitionedDataset.of("blobs", URI.create("mem://lake/blobs"), Format.text(),
                Resource.named("counting", () -> storage)).withSuffix(".txt");
        try (Engine engine = Engine.builder().build()) {
            Map<String, Object> seen = engine.run(Flow.named("lazy", (Integer i) -> {
                Partitions<String> parts = blobs.load();
                int afterListing = storage.reads.get();
                String b = parts.get("b").get();
                return Map.of("ids", List.copyOf(parts.keySet()), "afterListing", afterListing, "b", b,
                        "afterOne", storage.reads.get());
            }), 0);
            assertThat(seen).containsEntry("ids", List.of("a", "b")).containsEntry("afterListing", 0)
                    .containsEntry("b", "B").containsEntry("afterOne", 1);
        }
    }

    @Test
    void loadAllReadsThePartitionsConcurrentlyInRunsOfTheirOwn() throws IOException {
        int count = 6;
        CyclicBarrier barrier = new CyclicBarrier(count);
        Storage memory = memory();
        Storage together = new ForwardingStorage(memory) {
            @Override
            public byte[] read(URI location) throws IOException {
                try {
                    barrier.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException notConcurrent) {
                    throw new IOException("reads were not concurrent: " + notConcurrent, notConcurrent);
                }
                return super.read(location);
            }
        };
        for (int i = 0; i < count; i++) {
            put(memory, "mem://lake/parts/p" + i, "v" + i);
        }
        PartitionedDataset<String> parts = PartitionedDataset.of("parts", URI.create("mem://lake/parts/"), Format.text(),
                Resource.named("barrier", () -> together));
        Set<String> runs = ConcurrentHashMap.newKeySet();
        try (Engine engine = Engine.builder().listener(event -> {
            if (event instanceof Event.StateChange change) {
                runs.add(change.run().name());
            }
        }).build()) {
            Map<String, String> all = engine.run(Flow.named("all", (Integer i) -> parts.load().loadAll()), 0);
            assertThat(all).containsExactly(Map.entry("p0", "v0"), Map.entry("p1", "v1"), Map.entry("p2", "v2"),
                    Map.entry("p3", "v3"), Map.entry("p4", "v4"), Map.entry("p5", "v5"));
        }
        assertThat(runs).contains("load parts/p0", "load parts/p5");
    }

    @Test
    void aMapOfPartitionsIsSavedEachOneWholeAndSuppliersAreComputedAsTheyAreWritten(@TempDir Path data) {
        Resource<Storage> files = Storages.resource(new StorageOptions("file", Map.of("root", data.toString())));
        PartitionedDataset<String> out = PartitionedDataset.of("out", URI.create("file:out"), Format.text(), files)
                .withSuffix(".txt");
        AtomicInteger computed = new AtomicInteger();
        Supplier<String> later = () -> "computed " + computed.incrementAndGet();
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("save", (Integer i) -> {
                out.save(Map.of("2024/01", "january", "2024/02", later));
                return i;
            }), 0);
        }
        assertThat(data.resolve("out/2024/01.txt")).hasContent("january");
        assertThat(data.resolve("out/2024/02.txt")).hasContent("computed 1");
        assertThat(out.load().keySet()).containsExactly("2024/01", "2024/02");
        assertThat(PartitionedDataset.of("none", URI.create("file:nothing/"), Format.text(), files).load()).isEmpty();
    }

    @Test
    void aPartitionRemovedAfterListingIsAnErrorNamingItAndWhatToDo() throws IOException {
        Storage storage = memory();
        put(storage, "mem://lake/gone/a.txt", "A");
        PartitionedDataset<String> gone = PartitionedDataset.of("gone", URI.create("mem://lake/gone/"), Format.text(),
                Resource.named("mem", () -> storage));
        Partitions<String> parts = gone.load();
        storage.delete(URI.create("mem://lake/gone/a.txt"));
        assertThatThrownBy(() -> parts.get("a.txt").get()).isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("dataset 'gone': partition 'a.txt' was listed, but is no longer at mem://lake/gone/a.txt;"
                        + " it was removed after listing. Load the dataset again to list what is there now, and see"
                        + " what else deletes objects under mem://lake/gone/");
    }

    @Test
    void aMalformedPartitionIsAnErrorNamingIt() throws IOException {
        Storage storage = memory();
        put(storage, "mem://lake/json/ok.json", "{\"a\": 1}");
        put(storage, "mem://lake/json/bad.json", "{\"a\": ");
        PartitionedDataset<Object> json = PartitionedDataset.of("json", URI.create("mem://lake/json/"),
                Format.json(Object.class), Resource.named("mem", () -> storage)).withSuffix(".json");
        assertThatThrownBy(() -> json.load().loadAll()).isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset 'json/bad' at mem://lake/json/bad.json is not valid json");
    }

    @Test
    void anIncrementalDatasetGivesOnlyNewPartitionsAndAFailedRunDoesNotMoveItsCheckpoint(@TempDir Path conf)
            throws IOException {
        Files.writeString(conf.resolve("catalog.yml"), """
                datasets:
                  drops: { type: incremental, path: "mem://lake/drops/", dataset: { type: text }, suffix: .txt }
                """);
        Storage storage = memory();
        Catalog catalog = Catalog.load(conf.resolve("catalog.yml"), Map.of())
                .withStorage("mem", Resource.named("mem", () -> storage));
        put(storage, "mem://lake/drops/001.txt", "one");
        put(storage, "mem://lake/drops/002.txt", "two");
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failOnce = new AtomicInteger();
        Pipeline pipeline = Pipeline.of(Node.of("take", "drops", "taken", (Partitions<String> drops) -> {
            seen.add(List.copyOf(drops.loadAll().values()));
            if (failOnce.getAndDecrement() > 0) {
                throw new IllegalStateException("node failed");
            }
            return drops.size();
        }));
        try (Engine engine = Engine.builder().build()) {
            Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("take", catalog);
            engine.run(flow, PipelineRun.all());
            assertThat(catalog.partitioned("drops").checkpoint()).contains("002");
            put(storage, "mem://lake/drops/003.txt", "three");
            failOnce.set(1);
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all())).hasMessageContaining("node failed");
            assertThat(catalog.partitioned("drops").checkpoint()).contains("002");
            engine.run(flow, PipelineRun.all());
            assertThat(catalog.partitioned("drops").checkpoint()).contains("003");
            engine.run(flow, PipelineRun.all());
        }
        assertThat(seen).containsExactly(List.of("one", "two"), List.of("three"), List.of("three"), List.of());
    }

    @Test
    void scenarioS1sListingAndReadingOfBlobsIsOneLine(@TempDir Path folder) throws IOException {
        Files.createDirectories(folder.resolve("data/container/2024"));
        Files.writeString(folder.resolve("data/container/2024/a.txt"), "blob a");
        Files.writeString(folder.resolve("data/container/b.txt"), "blob b");
        Files.writeString(folder.resolve("catalog.yml"), """
                storage:
                  file: { root: "${ROOT}" }
                datasets:
                  blobs: { type: partitioned, path: "file:container", dataset: text }
                """);
        Catalog catalog = Catalog.load(folder.resolve("catalog.yml"), Map.of("ROOT", folder.resolve("data").toString()));
        try (Engine engine = Engine.builder().build()) {
            Map<String, Object> blobs = engine.run(Flow.named("s1", (Integer i) ->
                    catalog.partitioned("blobs").load().loadAll()), 0);                    // list, then read all
            assertThat(blobs).containsExactly(Map.entry("2024/a.txt", "blob a"), Map.entry("b.txt", "blob b"));
        }
    }

    @Test
    void aPartitionedCatalogEntryNeedsTheTypeOfItsPartitions(@TempDir Path conf) throws IOException {
        Files.writeString(conf.resolve("catalog.yml"), """
                datasets:
                  drops: { type: partitioned, uri: "mem://lake/drops/" }
                """);
        assertThatThrownBy(() -> Catalog.load(conf.resolve("catalog.yml"), Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageEndingWith(":2:3: dataset 'drops' is partitioned but does not say what its partitions are;"
                        + " add, for example, dataset: {type: csv}");
        Files.writeString(conf.resolve("catalog.yml"), """
                datasets:
                  drops: { type: csv, uri: "mem://lake/drops.csv", suffix: .csv }
                """);
        assertThatThrownBy(() -> Catalog.load(conf.resolve("catalog.yml"), Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageContaining("dataset 'drops': the field 'suffix' is for a folder of many objects");
    }
}
