package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Task;
import io.loomflow.data.spi.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/base overlaid by an environment, credentials in their own file, ${...} references. */
class ConfTest {

    private static final String SECRET = "sv=2025-01-01&sig=TOPSECRETSIGNATURE";

    @TempDir
    Path project;

    private Path write(String path, String text) throws Exception {
        Path file = project.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Object load(Catalog catalog, String dataset) {
        try (Engine engine = Engine.builder().build()) {
            return engine.run(Task.named("load", (Integer i) -> catalog.dataset(dataset).load()), 0);
        }
    }

    @Test
    void aPartitionedDatasetOfAConfigurationFolderMayNameCredentials() throws Exception {
        write("data/parts/a.txt", "A");
        write("data/parts/b.txt", "B");
        write("conf/base/catalog.yml", """
                datasets:
                  parts: { type: partitioned, path: "file:parts/", dataset: text, suffix: .txt, credentials: local_files }
                """);
        write("conf/local/credentials.yml", "local_files: { root: \"${PROJECT}/data\" }\n");
        Catalog catalog = Conf.load(project.resolve("conf"), "local", Map.of("PROJECT", project.toString())).catalog();
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Task.named("load", (Integer i) -> catalog.partitioned("parts").load().loadAll()), 0))
                    .isEqualTo(Map.of("a", "A", "b", "B"));
        }
    }

    @Test
    void aVersionedDatasetOfAConfigurationFolderStaysVersionedWithCredentialsAndAnotherStorage() throws Exception {
        write("own/a.txt/2026-12-04T10.00.00.000Z/a.txt", "own, versioned");
        write("shared/b.txt/2026-12-04T10.00.00.000Z/b.txt", "shared, versioned");
        write("conf/base/catalog.yml", """
                storage:
                  file: { credentials: shared_files }
                datasets:
                  own: { type: text, uri: "file:a.txt", credentials: own_files, versioned: true }
                  shared: { type: text, uri: "file:b.txt", versioned: true }
                """);
        write("conf/local/credentials.yml", """
                shared_files: { root: "${PROJECT}/shared" }
                own_files: { root: "${PROJECT}/own" }
                """);
        Catalog catalog = Conf.load(project.resolve("conf"), "local", Map.of("PROJECT", project.toString())).catalog();
        assertThat(load(catalog, "own")).isEqualTo("own, versioned");
        assertThat(load(catalog, "shared")).isEqualTo("shared, versioned");
        Catalog moved = catalog.withStorage("file", Storages.resource(
                StorageOptions.none("file").with("root", project.resolve("shared").toString())));
        assertThat(moved.isVersioned("own")).isTrue();
        assertThat(moved.withFormat("shared", Format.text()).isVersioned("shared")).isTrue();
    }

    @Test
    void theEnvironmentReplacesDatasetsWholeAndMergesParametersKeyByKey() throws Exception {
        write("data/raw.txt", "raw");
        write("data/test.txt", "test data");
        write("conf/base/globals.yml", "folder: data\nmodel: { seed: 7 }\n");
        write("conf/base/catalog.yml", """
                storage:
                  file: { root: "${PROJECT}/${globals:folder}" }
                datasets:
                  raw: { type: text, uri: "file:raw.txt" }
                  report: { type: json, uri: "file:report.json" }
                """);
        write("conf/base/parameters.yml", """
                model:
                  seed: ${globals:model.seed}
                  size: 0.2
                  name: "run ${globals:folder}"
                """);
        write("conf/test/catalog.yml", "datasets:\n  raw: { type: text, uri: \"file:test.txt\" }\n");
        write("conf/test/parameters.yml", "model:\n  size: 0.5\n");
        Map<String, String> variables = Map.of("PROJECT", project.toString());

        Conf base = Conf.load(project.resolve("conf"), "local", variables); // conf/local absent: base alone
        assertThat(load(base.catalog(), "raw")).isEqualTo("raw");
        assertThat(base.parameters()).containsEntry("model.seed", 7).containsEntry("model.size", 0.2)
                .containsEntry("model.name", "run data");

        Conf test = Conf.load(project.resolve("conf"), "test", variables);
        assertThat(test.environment()).isEqualTo("test");
        assertThat(test.catalog().names()).containsExactly("raw", "report");
        assertThat(load(test.catalog(), "raw")).isEqualTo("test data");
        assertThat(test.parameters()).containsEntry("model.size", 0.5).containsEntry("model.seed", 7)
                .containsEntry("model", Map.of("seed", 7, "size", 0.5, "name", "run data"));
    }

    @Test
    void anEnvironmentThatIsNotThereIsNamedWithThoseThatAre() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        Files.createDirectories(project.resolve("conf/prod"));
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "staging", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("environment 'staging' has no folder").hasMessageContaining("[prod]");
    }

    @Test
    void aNameGivenTwiceInOneFolderNamesBothFiles() throws Exception {
        write("conf/base/catalog.yml", "datasets:\n  raw: { type: text, uri: \"mem:a\" }\n");
        Path second = write("conf/base/catalog_more.yml", "datasets:\n  raw: { type: text, uri: \"mem:b\" }\n");
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(second + ": dataset 'raw' is also given in " + project.resolve("conf/base/catalog.yml"));
    }

    @Test
    void credentialsOfAStorageAndOfADatasetReachTheirStorage() throws Exception {
        write("shared/a.txt", "from the storage's credentials");
        write("own/a.txt", "from the dataset's credentials");
        write("conf/base/catalog.yml", """
                storage:
                  file: { credentials: shared_files }
                datasets:
                  shared: { type: text, uri: "file:a.txt" }
                  own: { type: text, uri: "file:a.txt", credentials: own_files }
                """);
        write("conf/local/credentials.yml", """
                shared_files: { root: "${PROJECT}/shared" }
                own_files: { root: "${PROJECT}/own" }
                """);
        Conf conf = Conf.load(project.resolve("conf"), "local", Map.of("PROJECT", project.toString()));
        assertThat(load(conf.catalog(), "shared")).isEqualTo("from the storage's credentials");
        assertThat(load(conf.catalog(), "own")).isEqualTo("from the dataset's credentials");
        assertThat(conf.credentialNames()).containsExactly("own_files", "shared_files");
        // withStorage replaces a scheme's storage for every dataset of it, those with credentials too
        Catalog replaced = conf.catalog().withStorage("file", Storages.resource(
                StorageOptions.none("file").with("root", project.resolve("shared").toString())));
        assertThat(load(replaced, "own")).isEqualTo("from the storage's credentials");
    }

    @Test
    void aMissingCredentialsEntryNamesTheDatasetTheEntryAndWhereToAddIt() throws Exception {
        write("conf/base/catalog.yml", """
                datasets:
                  companies: { type: csv, uri: "mem:companies.csv", credentials: lake }
                """);
        Path credentials = write("conf/local/credentials.yml", "other: { token: x }\n");
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(project.resolve("conf/base/catalog.yml") + ":2:66: dataset 'companies' uses the"
                        + " credentials 'lake', but " + credentials + " does not define it; add it to " + credentials
                        + " (kept out of git)")
                .hasMessageContaining("'lake:' followed by its options");
    }

    @Test
    void aCredentialsFileWithASyntaxErrorQuotesNoneOfIt() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        String broken = "lake:\n  sasToken: '" + SECRET + "'  extra\n";
        // the same text as parameters shows what a YAML error would quote
        Path parameters = write("elsewhere/parameters.yml", broken);
        assertThatThrownBy(() -> Parameters.load(parameters)).isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(e.getMessage() + e.getCause()).contains("TOPSECRETSIGNATURE"));
        Path credentials = write("conf/local/credentials.yml", broken);
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(credentials + ":2:")
                .hasMessageContaining("none of its text is shown")
                .satisfies(e -> {
                    assertThat(e.getCause()).isNull();
                    assertThat(e.getMessage()).doesNotContain("TOPSECRET");
                });
    }

    @Test
    void valuesThatYamlReadsAsAliasesOrTagsAreNotQuotedFromACredentialsFile() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        // each file, and what a parser's message would quote of it
        Map<String, String> cases = Map.of("lake: { password: *x7TOPSECRET }\n", "x7TOPSECRET",
                "lake: { password: !x7TOPSECRET!a b }\n", "x7TOPSECRET",
                "lake: { password: \"ab\\xTOPSECRET\" }\n", "found: TO");
        for (Map.Entry<String, String> broken : cases.entrySet()) {
            Path parameters = write("elsewhere/parameters.yml", broken.getKey());
            assertThatThrownBy(() -> Parameters.load(parameters)).as(broken.getKey())
                    .satisfies(e -> assertThat(e.getMessage()).contains(broken.getValue()));
            Path credentials = write("conf/local/credentials.yml", broken.getKey());
            assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of())).as(broken.getKey())
                    .isInstanceOf(CatalogException.class)
                    .hasMessageStartingWith(credentials + ":1:")
                    .satisfies(e -> {
                        assertThat(e.getCause()).isNull();
                        assertThat(e.getMessage()).doesNotContain(broken.getValue());
                    });
        }
    }

    @Test
    void credentialsAreShownNowhere() throws Exception {
        write("conf/base/catalog.yml", """
                storage:
                  file: { credentials: files }
                datasets:
                  missing: { type: text, uri: "file:not-there.txt" }
                """);
        write("conf/local/credentials.yml", "files: { root: \"${PROJECT}\", token: \"" + SECRET + "\" }\n");
        Conf conf = Conf.load(project.resolve("conf"), "local", Map.of("PROJECT", project.toString()));
        assertThat(conf.toString()).contains("files").doesNotContain("TOPSECRET");
        assertThat(conf.catalog().toString()).doesNotContain("TOPSECRET");
        assertThat(new StorageOptions("az", Map.of("sasToken", SECRET, "accountName", "acct")).toString())
                .isEqualTo("StorageOptions[az: accountName=acct, sasToken=***]");
    }

    @Test
    void anUndefinedGlobalNamesFileLineAndKey() throws Exception {
        write("conf/base/globals.yml", "bucket: raw\n");
        Path catalog = write("conf/base/catalog.yml", "datasets:\n  a: { type: text, uri: \"mem:${globals:buckets}/a\" }\n");
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(catalog + ":2:25: dataset 'a': ${globals:buckets} is not defined: "
                        + project.resolve("conf/base/globals.yml") + " has no key 'buckets'");
        Path parameters = write("conf/base/parameters.yml", "x:\n  y: ${globals:nope}\n");
        write("conf/base/catalog.yml", "datasets: {}\n");
        assertThatThrownBy(() -> Conf.load(project.resolve("conf"), "local", Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(parameters + ":2:6: parameter 'x.y': ${globals:nope} is not defined");
    }

    @Test
    void aSingleCatalogFileStillLoadsAndRefusesCredentialsItCannotHave() throws Exception {
        Path file = write("conf/catalog.yml", "datasets:\n  a: { type: text, uri: \"mem:a\" }\n");
        assertThat(Catalog.load(file, Map.of()).names()).containsExactly("a");
        Path withCredentials = write("conf/catalog.yml",
                "datasets:\n  a: { type: text, uri: \"mem:a\", credentials: lake }\n");
        assertThatThrownBy(() -> Catalog.load(withCredentials, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageContaining("credentials 'lake' are named, but a single catalog file has no credentials");
        assertThat(List.of(Conf.DEFAULT_ENVIRONMENT, Conf.ENVIRONMENT_VARIABLE)).containsExactly("local", "LOOMFLOW_ENV");
    }

    @Test
    void entriesOfAnotherFileKindAreReadWithTheirPlacesAndOverlaidByTheEnvironment() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        write("conf/base/globals.yml", "zone: Europe/Berlin\n");
        Path base = write("conf/base/schedules.yml", """
                nightly:
                  flow: etl
                  zone: "${globals:zone}"
                  parameters: { day: 3, tags: [a, b] }
                hourly:
                  flow: etl
                """);
        Path local = write("conf/local/schedules.yml", """
                hourly:
                  flow: other
                """);
        Conf conf = Conf.load(project.resolve("conf"), "local", Map.of());
        Map<String, ConfValue> entries = conf.entries("schedules");
        assertThat(entries.keySet()).containsExactly("nightly", "hourly");
        ConfValue nightly = entries.get("nightly");
        assertThat(nightly.isMapping()).isTrue();
        assertThat(nightly.where()).isEqualTo(base + ":1:1");
        assertThat(nightly.entries().get("zone").text()).isEqualTo("Europe/Berlin");
        assertThat(nightly.entries().get("zone").where()).isEqualTo(base + ":3:3");
        assertThat(nightly.entries().get("parameters").value()).isEqualTo(Map.of("day", 3, "tags", List.of("a", "b")));
        assertThat(nightly.entries().get("flow").error("no such flow").getMessage())
                .isEqualTo(base + ":2:3: no such flow");
        // the environment's entry replaces base's whole
        assertThat(entries.get("hourly").entries().get("flow").text()).isEqualTo("other");
        assertThat(entries.get("hourly").where()).isEqualTo(local + ":1:1");
        assertThat(conf.entries("nothing")).isEmpty();
    }

    @Test
    void entriesOfAnotherFileKindReportMistakesAtTheirLine() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        Path file = write("conf/base/schedules.yml", "a: 1\nb: [1\n");
        Conf conf = Conf.load(project.resolve("conf"), "local", Map.of());
        assertThatThrownBy(() -> conf.entries("schedules")).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(file + ":3:1: not valid YAML");
        write("conf/base/schedules.yml", "- a\n- b\n");
        assertThatThrownBy(() -> conf.entries("schedules")).hasMessageStartingWith(file + ":1:1: schedules must be a"
                + " mapping");
        write("conf/base/schedules.yml", "a: 1\n");
        Path second = write("conf/base/schedules_more.yml", "a: 2\n");
        assertThatThrownBy(() -> conf.entries("schedules")).hasMessageContaining("schedules entry 'a' is also given in "
                + file).hasMessageStartingWith(second.toString());
        assertThatThrownBy(() -> conf.entries("../x")).hasMessageContaining("not a configuration file name");
    }
}
