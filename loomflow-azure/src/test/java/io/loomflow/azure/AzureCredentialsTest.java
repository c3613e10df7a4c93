package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Task;
import io.loomflow.data.Conf;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SAS tokens, adlfs's abfs:// locations, and credentials from conf/local, against Azurite. */
@ExtendWith(Azurite.class)
class AzureCredentialsTest {

    private final AzuriteServer azurite;

    @TempDir
    Path project;

    AzureCredentialsTest(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    private static String freshContainer() {
        return "c-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** An account SAS signed with Azurite's well-known key, as the portal or az CLI would make one. */
    private String sasToken(AccountSasPermission permissions) {
        var service = new BlobServiceClientBuilder().endpoint(azurite.endpoint())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.KEY)).buildClient();
        return service.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1), permissions,
                AccountSasService.parse("b"), AccountSasResourceType.parse("sco")));
    }

    @Test
    void aSasTokenReadsAndWritesAndOneWithoutWritePermissionIsNamedWithWhatToCheck() throws Exception {
        String container = freshContainer();
        URI location = URI.create("az://" + container + "/in/a.txt");
        var all = new StorageOptions("az", Map.of(AzureBlob.ENDPOINT, azurite.endpoint(),
                AzureBlob.SAS_TOKEN, sasToken(AccountSasPermission.parse("rwdlac")), AzureBlob.CREATE_CONTAINERS, "true"));
        try (Storage storage = Storages.provider("az").open(all)) {
            storage.write(location, "signed".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(storage.read(location), StandardCharsets.UTF_8)).isEqualTo("signed");
            assertThat(storage.list(URI.create("az://" + container + "/in/"))).containsExactly(location);
        }
        String readOnly = sasToken(AccountSasPermission.parse("rl"));
        var options = new StorageOptions("az", Map.of(AzureBlob.ENDPOINT, azurite.endpoint(), AzureBlob.SAS_TOKEN, readOnly));
        try (Storage storage = Storages.provider("az").open(options)) {
            assertThat(storage.read(location)).isEqualTo("signed".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> storage.write(location, new byte[] {1}))
                    .hasMessageStartingWith("cannot write " + location + ": Blob Storage answered HTTP 403")
                    .hasMessageContaining("the SAS token (not expired, with the permissions this needs")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(signature(readOnly)));
        }
    }

    private static String signature(String sas) {
        for (String part : sas.split("&")) {
            if (part.startsWith("sig=")) {
                return part.substring(4);
            }
        }
        throw new AssertionError("no signature in the token");
    }

    @Test
    void abfsLocationsAsAdlfsWritesThemAreBlobsOfTheAccount() throws Exception {
        String container = freshContainer();
        var options = new StorageOptions("abfs", Map.of("connection_string", azurite.connectionString(),
                AzureBlob.CREATE_CONTAINERS, "true"));
        URI full = URI.create("abfs://" + container + "@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/raw/a.csv");
        try (Storage abfs = Storages.provider("abfs").open(options);
             Storage abfss = Storages.provider("abfss").open(new StorageOptions("abfss", options.values()));
             Storage az = Storages.provider("az").open(AzureBlob.withConnectionString(azurite.connectionString()))) {
            abfs.write(full, "id\n1\n".getBytes(StandardCharsets.UTF_8));
            assertThat(az.read(URI.create("az://" + container + "/raw/a.csv"))).asString().isEqualTo("id\n1\n");
            assertThat(abfss.read(URI.create("abfss://" + container + "/raw/a.csv"))).asString().isEqualTo("id\n1\n");
            assertThat(abfs.list(URI.create("abfs://" + container + "@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/raw/")))
                    .containsExactly(full);
            assertThat(abfss.list(URI.create("abfss://" + container + "/raw"))).containsExactly(
                    URI.create("abfss://" + container + "/raw/a.csv"));
            URI elsewhere = URI.create("abfs://" + container + "@otheraccount.dfs.core.windows.net/raw/a.csv");
            assertThatThrownBy(() -> abfs.read(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is in the account 'otheraccount', but the storage abfs: is opened for the"
                            + " account '" + AzuriteServer.ACCOUNT + "'");
        }
    }

    @Test
    void credentialsFromConfLocalReachTheStorageAndAWrongKeyIsShownNowhere() throws Exception {
        String container = freshContainer();
        String wrongKey = Base64.getEncoder().encodeToString("not the key of this account, at all!".getBytes(
                StandardCharsets.UTF_8));
        Path base = project.resolve("conf/base");
        Files.createDirectories(base);
        Files.createDirectories(project.resolve("conf/local"));
        Files.createDirectories(project.resolve("conf/wrong"));
        Files.writeString(base.resolve("catalog.yml"), """
                storage:
                  az: { credentials: lake, createContainers: "true" }
                datasets:
                  notes: { type: text, uri: "az://%s/notes.txt" }
                """.formatted(container));
        Files.writeString(project.resolve("conf/local/credentials.yml"), """
                lake: { account_name: %s, endpoint: "%s", sas_token: "${LAKE_SAS}" }
                """.formatted(AzuriteServer.ACCOUNT, azurite.endpoint()));
        Files.writeString(project.resolve("conf/wrong/credentials.yml"), """
                lake: { accountName: %s, endpoint: "%s", accountKey: "%s" }
                """.formatted(AzuriteServer.ACCOUNT, azurite.endpoint(), wrongKey));
        Map<String, String> variables = Map.of("LAKE_SAS", sasToken(AccountSasPermission.parse("rwdlac")));

        Conf local = Conf.load(project.resolve("conf"), "local", variables);
        try (Engine engine = Engine.builder().build()) {
            engine.run(Task.named("save", (Integer i) -> {
                local.catalog().dataset("notes").save("from conf/local");
                return i;
            }), 0);
            assertThat(engine.run(Task.named("load", (Integer i) -> local.catalog().dataset("notes").load()), 0))
                    .isEqualTo("from conf/local");
        }

        Conf wrong = Conf.load(project.resolve("conf"), "wrong", variables);
        List<String> seen = new CopyOnWriteArrayList<>();
        Throwable failure;
        try (Engine engine = Engine.builder().listener((Event event) -> seen.add(event.toString())).build()) {
            failure = org.assertj.core.api.Assertions.catchThrowable(() -> engine.run(Task.named("load",
                    (Integer i) -> wrong.catalog().dataset("notes").load()), 0));
        }
        assertThat(failure).hasMessageContaining("HTTP 403").hasMessageContaining("check the storage's credentials");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        String everything = trace + String.join("\n", seen) + wrong + wrong.catalog() + variables.values();
        assertThat(String.join("\n", seen)).contains("load");
        assertThat(trace + String.join("\n", seen) + wrong + wrong.catalog()).doesNotContain(wrongKey)
                .doesNotContain(signature(variables.get("LAKE_SAS")));
        assertThat(everything).contains(signature(variables.get("LAKE_SAS"))); // the check can see a secret
    }

    @Test
    void credentialOptionsAreCheckedWhenOpened() throws Exception {
        var provider = Storages.provider("az");
        assertThatThrownBy(() -> provider.open(new StorageOptions("az", Map.of(AzureBlob.ACCOUNT_NAME, "acct"))))
                .hasMessageContaining("names an account but no way to sign in to it")
                .hasMessageContaining("credential: default");
        assertThatThrownBy(() -> provider.open(new StorageOptions("az", Map.of(AzureBlob.ACCOUNT_NAME, "acct",
                AzureBlob.SAS_TOKEN, "https://acct.blob.core.windows.net/?sv=1&sig=SECRETSIG"))))
                .hasMessageContaining("is not a SAS token").hasMessageNotContaining("SECRETSIG");
        assertThatThrownBy(() -> provider.open(new StorageOptions("az", Map.of(AzureBlob.ACCOUNT_NAME, "acct",
                AzureBlob.CREDENTIAL, "cli"))))
                .hasMessageContaining("option 'credential' must be 'default'");
        assertThatThrownBy(() -> provider.open(new StorageOptions("az", Map.of(AzureBlob.ACCOUNT_NAME, "acct",
                AzureBlob.ACCOUNT_KEY, "a2V5", AzureBlob.SAS_TOKEN, "sv=1&sig=x"))))
                .hasMessageContaining("give only one way to connect");
        assertThatThrownBy(() -> provider.open(new StorageOptions("az", Map.of("acount_name", "acct"))))
                .hasMessageContaining("has no option 'acount_name'");
        // the default chain is built without contacting anything; a token is asked for on first use
        try (Storage storage = provider.open(AzureBlob.withDefaultCredential("acct"))) {
            assertThat(storage).isNotNull();
        }
    }
}
