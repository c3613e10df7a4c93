package io.loomflow.azure;

import io.loomflow.data.Storages;
import io.loomflow.data.contract.StorageContract;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage contract for Azure Blob Storage, against Azurite. */
@ExtendWith(Azurite.class)
class AzureBlobStorageTest extends StorageContract {

    private static final String CONTAINER = "contract";

    private final AzuriteServer azurite;

    AzureBlobStorageTest(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    @BeforeAll
    static void createTheContainer(AzuriteServer azurite) throws Exception {
        // The storage under test never creates containers; this one, told to, makes the contract's.
        var options = new StorageOptions("az", Map.of(AzureBlob.CONNECTION_STRING, azurite.connectionString(),
                AzureBlob.CREATE_CONTAINERS, "true"));
        try (Storage creating = Storages.provider("az").open(options)) {
            creating.write(URI.create("az://" + CONTAINER + "/created-by-the-contract-test"), new byte[0]);
        }
    }

    @Override
    protected Storage openStorage() throws Exception {
        return Storages.provider("az").open(AzureBlob.withConnectionString(azurite.connectionString()));
    }

    @Override
    protected URI location(String prefix, String key) {
        return URI.create("az://" + CONTAINER + "/" + prefix + "/" + key);
    }
}
