package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad options fail when the storage is opened, with a message naming the option. No server needed. */
class S3StorageOptionsTest {

    private final StorageProvider provider = Storages.provider("s3");

    @Test
    void theProviderIsFoundByItsScheme() {
        assertThat(provider.scheme()).isEqualTo("s3");
        assertThat(Storages.provider("S3").getClass()).isSameAs(provider.getClass());
    }

    @Test
    void aMissingRegionIsNamedWithAnExample() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("endpoint", "http://127.0.0.1:9"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage 's3:' needs the option 'region'")
                .hasMessageContaining("region: eu-west-1");
    }

    @Test
    void anUnknownOptionIsRefusedAndTheKnownOnesListed() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "regoin", "x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no option [regoin]")
                .hasMessageContaining("createBuckets");
    }

    @Test
    void flagsMustBeTrueOrFalse() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "pathStyle", "yes"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'pathStyle' must be true or false, not 'yes'");
    }

    @Test
    void anEndpointMustBeAnHttpUrl() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "endpoint", "127.0.0.1:9090"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'endpoint' must be an http or https URL");
    }

    @Test
    void anAccessKeyWithoutItsSecretIsRefused() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "accessKey", "AKIA"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs both 'accessKey' and 'secretKey', or neither")
                .hasMessageContaining("'secretKey' is missing");
    }

    @Test
    void locationsOfOtherSchemesOrWithoutAKeyAreRefused() throws Exception {
        try (var storage = provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1",
                "accessKey", "a", "secretKey", "b")))) {
            assertThatThrownBy(() -> storage.read(java.net.URI.create("file:data/x.csv")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an s3: URI");
            assertThatThrownBy(() -> storage.read(java.net.URI.create("s3://bucket/")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no object");
        }
    }

    @Test
    void credentialOptionsThatDoNotGoTogetherAreNamed() {
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "sessionToken", "t"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'sessionToken' goes with 'accessKey' and 'secretKey'");
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1",
                "roleSessionName", "etl"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'roleSessionName' is for assuming a role, but there is no option 'roleArn'");
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1", "profile", "p",
                "key", "AKIA", "secret", "s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both the option 'profile' and 'accessKey'/'secretKey'");
        assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1",
                "credentialsFile", "/nonexistent/credentials"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'credentialsFile' names /nonexistent/credentials, which is not a file");
    }
}
