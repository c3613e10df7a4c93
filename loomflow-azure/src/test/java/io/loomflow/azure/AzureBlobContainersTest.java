package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What only Azure Blob has: containers, credentials, and locations that name them. */
@ExtendWith(Azurite.class)
class AzureBlobContainersTest {

    private final AzuriteServer azurite;

    AzureBlobContainersTest(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    private static String freshContainer() {
        return "c-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private Storage open(Map<String, String> extra) throws IOException {
        var values = new java.util.HashMap<>(extra);
        values.put(AzureBlob.CONNECTION_STRING, azurite.connectionString());
        return Storages.provider("az").open(new StorageOptions("az", values));
    }

    @Test
    void aWriteToAMissingContainerNamesTheContainerAndTheOption() throws Exception {
        String container = freshContainer();
        URI location = URI.create("az://" + container + "/out/x.csv");
        try (Storage storage = open(Map.of())) {
            assertThatThrownBy(() -> storage.write(location, "x".getBytes()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("cannot write " + location + ": the container '" + container
                            + "' does not exist; create it, or set the storage option createContainers: true")
                    .hasCauseInstanceOf(com.azure.storage.blob.models.BlobStorageException.class);
            assertThat(storage.exists(location)).isFalse();
            assertThat(storage.list(URI.create("az://" + container + "/"))).isEmpty();
            assertThat(storage.delete(location)).isFalse();
            assertThatThrownBy(() -> storage.read(location)).isInstanceOfSatisfying(NoSuchObjectException.class,
                    e -> assertThat(e.location()).isEqualTo(location));
        }
    }

    @Test
    void createContainersMakesTheContainerOnTheFirstWrite() throws Exception {
        String container = freshContainer();
        try (Storage storage = open(Map.of(AzureBlob.CREATE_CONTAINERS, "true"))) {
            storage.write(new URI("az", container, "/a b/ü.txt", null), "hi".getBytes());
            assertThat(storage.read(URI.create("az://" + container + "/a%20b/%C3%BC.txt"))).isEqualTo("hi".getBytes());
            assertThat(storage.list(URI.create("az://" + container))).containsExactly(
                    URI.create("az://" + container + "/a%20b/%C3%BC.txt"));
        }
    }

    @Test
    void aSharedKeyConnectsAndAWrongKeyIsReportedWithTheLocation() throws Exception {
        String container = freshContainer();
        URI location = URI.create("az://" + container + "/k.txt");
        var good = AzureBlob.withSharedKey(azurite.endpoint(), AzuriteServer.ACCOUNT, AzuriteServer.KEY);
        try (Storage storage = Storages.provider("az").open(new StorageOptions("az", withCreate(good)))) {
            storage.write(location, "k".getBytes());
        }
        var wrong = AzureBlob.withSharedKey(azurite.endpoint(), AzuriteServer.ACCOUNT, "d3Jvbmcga2V5");
        try (Storage storage = Storages.provider("az").open(wrong)) {
            assertThatThrownBy(() -> storage.read(location))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot read " + location + ": Blob Storage answered HTTP 403")
                    .hasMessageContaining("check the storage's credentials");
        }
    }

    @Test
    void locationsOutsideTheSchemeOrWithoutAContainerAreRefused() throws Exception {
        try (Storage storage = open(Map.of())) {
            assertThatThrownBy(() -> storage.read(URI.create("s3://bucket/x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an az: URI");
            assertThatThrownBy(() -> storage.read(URI.create("az://Bad_Container/x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no valid container");
            assertThatThrownBy(() -> storage.write(URI.create("az://container"), new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names a container but no blob");
        }
    }

    private static Map<String, String> withCreate(StorageOptions options) {
        var values = new java.util.HashMap<>(options.values());
        values.put(AzureBlob.CREATE_CONTAINERS, "true");
        return values;
    }
}
