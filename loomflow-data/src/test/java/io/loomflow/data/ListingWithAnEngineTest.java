package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Versions and partition ids listed outside runs with a given engine's storage (what triggers poll). */
class ListingWithAnEngineTest {

    private static void put(Storage storage, String location, String text) throws Exception {
        storage.write(URI.create(location), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void versionsAreListedWithTheStorageTheGivenEngineOpened() throws Exception {
        AtomicReference<Storage> opened = new AtomicReference<>();
        Resource<Storage> storage = Resource.named("mem-versions", () -> {
            Storage made = Storages.provider("mem").open(StorageOptions.none("mem"));
            opened.set(made);
            return made;
        });
        Dataset<String> model = Dataset.of("model", URI.create("mem://lake/model.json"), Format.text(), storage)
                .versioned();
        try (Engine engine = Engine.builder().build()) {
            assertThat(model.versions(engine)).isEmpty();
            put(opened.get(), "mem://lake/model.json/2026-12-04T10.00.00.000Z/model.json", "b");
            put(opened.get(), "mem://lake/model.json/2026-12-03T10.00.00.000Z/model.json", "a");
            put(opened.get(), "mem://lake/model.json/2026-12-05T10.00.00.000Z/unfinished.tmp", "not a version");
            assertThat(model.versions(engine)).containsExactly("2026-12-03T10.00.00.000Z", "2026-12-04T10.00.00.000Z");
        }
        Dataset<String> plain = Dataset.of("plain", URI.create("mem://lake/plain.json"), Format.text(), storage);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> plain.versions(engine)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plain");
        }
    }

    @Test
    void partitionIdsAreEveryPartitionSortedWithoutTheCheckpoint() throws Exception {
        AtomicReference<Storage> opened = new AtomicReference<>();
        Resource<Storage> storage = Resource.named("mem-parts", () -> {
            Storage made = Storages.provider("mem").open(StorageOptions.none("mem"));
            opened.set(made);
            return made;
        });
        PartitionedDataset<String> drops = PartitionedDataset.of("drops", URI.create("mem://lake/drops"), Format.text(),
                storage).withSuffix(".csv").incremental();
        try (Engine engine = Engine.builder().build()) {
            assertThat(drops.ids(engine)).isEmpty();
            put(opened.get(), "mem://lake/drops/002.csv", "b");
            put(opened.get(), "mem://lake/drops/001.csv", "a");
            put(opened.get(), "mem://lake/drops/day/003.csv", "c");
            put(opened.get(), "mem://lake/drops/notes.txt", "not a partition");
            put(opened.get(), "mem://lake/drops/" + PartitionedDataset.CHECKPOINT, "002");
            put(opened.get(), "mem://lake/drops2/004.csv", "another prefix");
            // the incremental checkpoint does not hide the partitions before it
            assertThat(drops.ids(engine)).containsExactly("001", "002", "day/003");
        }
    }
}
