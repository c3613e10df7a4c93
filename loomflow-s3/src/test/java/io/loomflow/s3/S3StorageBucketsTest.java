package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Missing buckets: an error that names the bucket and the option, or, when asked, a new bucket. */
@ExtendWith(S3MockExtension.class)
class S3StorageBucketsTest {

    private final S3Mock s3mock;

    S3StorageBucketsTest(S3Mock s3mock) {
        this.s3mock = s3mock;
    }

    private static String freshBucket() {
        return "missing-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    @Test
    void aWriteToAMissingBucketNamesTheBucketAndTheOption() throws Exception {
        String bucket = freshBucket();
        URI location = URI.create("s3://" + bucket + "/raw/x.csv");
        try (Storage storage = Storages.provider("s3").open(s3mock.options(Map.of()))) {
            assertThatThrownBy(() -> storage.write(location, "x".getBytes()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot write " + location)
                    .hasMessageContaining("the bucket '" + bucket + "' does not exist")
                    .hasMessageContaining("createBuckets: true")
                    .hasCauseInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchBucketException.class);
            assertThat(storage.exists(location)).isFalse();
            assertThatThrownBy(() -> storage.read(location)).isInstanceOfSatisfying(NoSuchObjectException.class,
                    e -> assertThat(e.location()).isEqualTo(location));
            assertThatThrownBy(() -> storage.list(URI.create("s3://" + bucket + "/raw/")))
                    .isInstanceOf(IOException.class).hasMessageContaining("the bucket '" + bucket + "' does not exist");
        }
    }

    @Test
    void withCreateBucketsAWriteCreatesTheBucket() throws Exception {
        URI location = URI.create("s3://" + freshBucket() + "/raw/x.csv");
        try (Storage storage = Storages.provider("s3").open(s3mock.options(Map.of("createBuckets", "true")))) {
            storage.write(location, "x".getBytes());
            assertThat(storage.read(location)).isEqualTo("x".getBytes());
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsReportedWithTheLocationAndTheEndpoint() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI location = URI.create("s3://" + S3Mock.BUCKET + "/x.csv");
        try (Storage storage = Storages.provider("s3").open(s3mock.options(Map.of(
                "endpoint", "http://127.0.0.1:" + closedPort)))) {
            assertThatThrownBy(() -> storage.read(location))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot read " + location)
                    .hasMessageContaining("endpoint right? it is http://127.0.0.1:" + closedPort)
                    .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }
}
