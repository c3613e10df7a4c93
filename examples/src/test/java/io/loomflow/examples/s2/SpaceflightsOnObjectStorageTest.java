package io.loomflow.examples.s2;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.azure.Azurite;
import io.loomflow.azure.AzuriteServer;
import io.loomflow.data.Catalog;
import io.loomflow.data.Parameters;
import io.loomflow.data.PipelineRun;
import io.loomflow.s3.S3Mock;
import io.loomflow.s3.S3MockExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario S2 on object storage: the spaceflights pipeline, unchanged, against Azure Blob
 * (Azurite) and S3 (S3Mock), started by the tests on loopback. Only the catalog changes: its
 * storage section, and the URIs' prefix.
 */
@ExtendWith({Azurite.class, S3MockExtension.class})
class SpaceflightsOnObjectStorageTest {

    @TempDir
    Path project;

    /** conf/catalog.yml with another storage section and every file: URI moved under {@code prefix}. */
    private Path catalogOn(String storageSection, String prefix) throws Exception {
        String local = Files.readString(Path.of("conf/catalog.yml"));
        String remote = local.replace("  file: { root: data }\n", storageSection).replace("\"file:", "\"" + prefix);
        assertThat(remote).doesNotContain("file:");
        Path file = project.resolve("catalog.yml");
        Files.writeString(file, remote);
        return file;
    }

    private Object runOn(Catalog remote) {
        Catalog local = Catalog.load(Path.of("conf/catalog.yml")).withStorage("file", io.loomflow.data.Storages.resource(
                new io.loomflow.data.spi.StorageOptions("file", Map.of("root", Path.of("data").toAbsolutePath().toString()))));
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("upload-raw-data", (Integer i) -> {
                for (String raw : new String[] {"companies", "shuttles"}) {
                    remote.dataset(raw).save(local.dataset(raw).load());
                }
                return i;
            }), 0);
            engine.run(Spaceflights.pipeline().toFlow("spaceflights", remote,
                    Parameters.load(Path.of("conf/parameters.yml"))), PipelineRun.all());
            return engine.run(Flow.named("read", (Integer i) -> remote.dataset("shuttle_report").load()), 0);
        }
    }

    @Test
    void thePipelineRunsOnAzureBlobStorage(AzuriteServer azurite) throws Exception {
        Path catalog = catalogOn("""
                  az:
                    connectionString: "${AZURE_STORAGE_CONNECTION_STRING}"
                    createContainers: "true"
                """, "az://spaceflights-" + UUID.randomUUID() + "/");
        Catalog remote = Catalog.load(catalog, Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()));
        assertThat(runOn(remote)).isEqualTo(SpaceflightsTest.EXPECTED_REPORT);
    }

    @Test
    void thePipelineRunsOnS3(S3Mock s3) throws Exception {
        String options = s3.options(Map.of()).values().entrySet().stream()
                .map(option -> "    " + option.getKey() + ": \"" + option.getValue() + "\"\n").sorted()
                .collect(Collectors.joining());
        Path catalog = catalogOn("  s3:\n" + options, "s3://" + S3Mock.BUCKET + "/spaceflights-" + UUID.randomUUID() + "/");
        Catalog remote = Catalog.load(catalog, Map.of());
        assertThat(runOn(remote)).isEqualTo(SpaceflightsTest.EXPECTED_REPORT);
    }
}
