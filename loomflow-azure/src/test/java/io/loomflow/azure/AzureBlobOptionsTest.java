package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the az: storage is found and how it reports wrong options; no server needed. */
class AzureBlobOptionsTest {

    private final StorageProvider provider = Storages.provider("az");

    @Test
    void theProviderIsFoundByItsScheme() {
        assertThat(provider.scheme()).isEqualTo("az");
        assertThat(Storages.provider("AZ").getClass()).isEqualTo(provider.getClass());
        assertThat(provider.getClass().getPackageName()).isEqualTo("io.loomflow.azure.internal");
    }

    @Test
    void aMissingConnectionStringIsNamedWithAnExample() {
        assertThatThrownBy(() -> provider.open(StorageOptions.none("az")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage 'az:' needs the option 'connectionString'")
                .hasMessageContaining("DefaultEndpointsProtocol=https;AccountName=<account>")
                .hasMessageContaining("or give the options endpoint, accountName and accountKey instead");
    }

    @Test
    void aBadConnectionStringIsNamedButNotRepeated() {
        String bad = "DefaultEndpointsProtocol=https;AccountKey=c2VjcmV0";
        assertThatThrownBy(() -> provider.open(AzureBlob.withConnectionString(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage 'az:' option 'connectionString' is not a valid Azure Storage connection string")
                .hasMessageNotContaining("c2VjcmV0")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.open(AzureBlob.withConnectionString("not a connection string")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'connectionString' is not a valid Azure Storage connection string");
    }

    @Test
    void anAccountWithoutAWayToSignInIsRefusedAndAKeyNeedsItsAccount() {
        var partial = new StorageOptions("az", Map.of(AzureBlob.ENDPOINT, "http://127.0.0.1:1/devstoreaccount1",
                AzureBlob.ACCOUNT_NAME, "devstoreaccount1"));
        assertThatThrownBy(() -> provider.open(partial))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage 'az:' names an account but no way to sign in to it; add one of: accountKey");
        var keyAlone = new StorageOptions("az", Map.of(AzureBlob.ENDPOINT, "http://127.0.0.1:1/devstoreaccount1",
                AzureBlob.ACCOUNT_KEY, "a2V5"));
        assertThatThrownBy(() -> provider.open(keyAlone))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage 'az:' needs the option 'accountName'");
    }

    @Test
    void twoWaysToConnectAreRefused() {
        var both = new StorageOptions("az", Map.of(AzureBlob.CONNECTION_STRING, "UseDevelopmentStorage=true",
                AzureBlob.ENDPOINT, "http://127.0.0.1:1/devstoreaccount1"));
        assertThatThrownBy(() -> provider.open(both))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give only one way to connect");
    }

    @Test
    void createContainersMustBeTrueOrFalse() {
        var options = new StorageOptions("az", Map.of(AzureBlob.CONNECTION_STRING, "UseDevelopmentStorage=true",
                AzureBlob.CREATE_CONTAINERS, "yes"));
        assertThatThrownBy(() -> provider.open(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("storage 'az:' option 'createContainers' must be true or false, not 'yes'");
    }
}
