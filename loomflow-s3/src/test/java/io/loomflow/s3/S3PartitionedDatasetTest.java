package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.data.DatasetNotFoundException;
import io.loomflow.data.Format;
import io.loomflow.data.PartitionedDataset;
import io.loomflow.data.Partitions;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A partitioned and an incremental dataset on S3 (S3Mock): listing, saving, loading, checkpoint, vanished. */
@ExtendWith(S3MockExtension.class)
class S3PartitionedDatasetTest {

    private final S3Mock s3mock;

    S3PartitionedDatasetTest(S3Mock s3mock) {
        this.s3mock = s3mock;
    }

    @Test
    void partitionsAreSavedListedLoadedAndCheckpointedOnS3() {
        URI prefix = URI.create("s3://" + S3Mock.BUCKET + "/parts-" + UUID.randomUUID() + "/");
        Resource<Storage> s3 = Storages.resource(s3mock.options(Map.of()));
        PartitionedDataset<String> parts = PartitionedDataset.of("parts", prefix, Format.text(), s3).withSuffix(".txt");
        PartitionedDataset<String> incremental = parts.incremental();
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("s3-partitions", (Integer i) -> {
                parts.save(Map.of("2024/01", "january", "2024/02", "february"));
                assertThat(parts.load().loadAll()).containsExactly(Map.entry("2024/01", "january"),
                        Map.entry("2024/02", "february"));
                Partitions<String> first = incremental.load();
                assertThat(first.keySet()).containsExactly("2024/01", "2024/02");
                first.confirm();
                parts.save(Map.of("2024/03", "march"));
                Partitions<String> next = incremental.load();
                assertThat(next.loadAll()).containsExactly(Map.entry("2024/03", "march"));
                s3.get().delete(parts.location("2024/03"));
                assertThatThrownBy(() -> next.get("2024/03").get()).isInstanceOf(DatasetNotFoundException.class)
                        .hasMessageContaining("partition '2024/03' was listed, but is no longer at " + prefix
                                + "2024/03.txt; it was removed after listing");
                return i;
            }), 0);
        }
    }
}
