package io.loomflow.azure.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.Task;
import io.loomflow.azure.AzureBlob;
import io.loomflow.azure.Azurite;
import io.loomflow.azure.AzuriteServer;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The example in the javadoc of {@link AzureBlob}, run against Azurite. */
@ExtendWith(Azurite.class)
class AzureBlobSnippets {

    private final AzuriteServer azurite;

    AzureBlobSnippets(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    private static byte[] readCompanies(String connectionString) throws IOException {
        // @start region="connection-string"
        Resource<Storage> blobs = Storages.resource(AzureBlob.withConnectionString(connectionString));
        byte[] csv = blobs.get().read(URI.create("az://raw/companies.csv"));
        // @end
        return csv;
    }

    @Test
    void aStorageOpenedWithAConnectionStringReadsTheBlobOfALocation() throws IOException {
        byte[] companies = "id,name\n1,Acme\n".getBytes(StandardCharsets.UTF_8);
        try (Storage storage = Storages.provider(AzureBlob.SCHEME).open(
                AzureBlob.withConnectionString(azurite.connectionString()).with(AzureBlob.CREATE_CONTAINERS, "true"))) {
            storage.write(URI.create("az://raw/companies.csv"), companies);
        }
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Task.named("read", AzureBlobSnippets::readCompanies), azurite.connectionString()))
                    .isEqualTo(companies);
        }
    }
}
