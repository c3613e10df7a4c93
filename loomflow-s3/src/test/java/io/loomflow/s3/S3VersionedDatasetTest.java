package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.data.Dataset;
import io.loomflow.data.DatasetException;
import io.loomflow.data.DatasetNotFoundException;
import io.loomflow.data.Format;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A versioned dataset on S3 (S3Mock): saved versions listed, the latest and a pinned one loaded, none overwritten. */
@ExtendWith(S3MockExtension.class)
class S3VersionedDatasetTest {

    private final S3Mock s3mock;

    S3VersionedDatasetTest(S3Mock s3mock) {
        this.s3mock = s3mock;
    }

    @Test
    @SuppressWarnings("unchecked")
    void versionsAreSavedListedAndLoadedOnS3() {
        URI location = URI.create("s3://" + S3Mock.BUCKET + "/versions-" + UUID.randomUUID() + "/trips.csv");
        Resource<Storage> s3 = Storages.resource(s3mock.options(Map.of()));
        Dataset<Stream<Map<String, String>>> trips = Dataset.of("trips", location, Format.csvStream(), s3).versioned();
        String first = "2026-12-04T10.00.00.000Z";
        String second = "2026-12-04T11.00.00.000Z";
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("s3-versions", (Integer i) -> {
                trips.withSaveVersion(first).save(Stream.of(Map.of("km", "1")));
                trips.withSaveVersion(second).save(Stream.of(Map.of("km", "2")));
                // another object in a later version's folder, as a version being written elsewhere: not a version
                s3.get().write(URI.create(location + "/2026-12-04T12.00.00.000Z/notes.txt"),
                        "notes".getBytes(StandardCharsets.UTF_8));
                assertThat(trips.versions()).containsExactly(first, second);
                try (Stream<Map<String, String>> latest = trips.load()) {
                    assertThat(latest.toList()).containsExactly(Map.of("km", "2"));
                }
                try (Stream<Map<String, String>> pinned = trips.withLoadVersion(first).load()) {
                    assertThat(pinned.toList()).containsExactly(Map.of("km", "1"));
                }
                assertThat(s3.get().read(URI.create(location + "/" + first + "/trips.csv")))
                        .asString(StandardCharsets.UTF_8).isEqualTo("km\n1\n");
                assertThatThrownBy(() -> trips.withSaveVersion(first).save(Stream.of(Map.of("km", "3"))))
                        .isInstanceOf(DatasetException.class).hasMessageContaining("already has version " + first);
                assertThatThrownBy(() -> trips.withLoadVersion("2026-12-04T12.00.00.000Z").load())
                        .isInstanceOf(DatasetNotFoundException.class)
                        .hasMessageContaining("its latest versions are " + second + ", " + first + ";");
                return i;
            }), 0);
        }
    }
}
