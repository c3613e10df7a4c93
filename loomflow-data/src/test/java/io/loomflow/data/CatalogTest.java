package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Task;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A catalog read from YAML gives working datasets, and every mistake in it is named with its line. */
class CatalogTest {

    @TempDir
    Path project;

    private Path catalog(String yaml) throws Exception {
        Path file = project.resolve("conf/catalog.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void datasetsFromYamlLoadAndSaveThroughTheirStorage() throws Exception {
        Path data = project.resolve("data");
        Files.createDirectories(data.resolve("01_raw"));
        Files.writeString(data.resolve("01_raw/companies.csv"), "id,name\n1,Acme\n2,\"Globex, Inc.\"\n");
        Catalog catalog = Catalog.load(catalog("""
                storage:
                  file: { root: "${DATA_ROOT}" }
                datasets:
                  companies: { type: csv, uri: "file:01_raw/companies.csv" }
                  report:
                    type: json
                    uri: file:08_reporting/report.json
                """), Map.of("DATA_ROOT", data.toString()));
        assertThat(catalog.names()).containsExactly("companies", "report");
        try (Engine engine = Engine.builder().build()) {
            Object rows = engine.run(Task.named("load", (Integer i) -> catalog.dataset("companies").load()), 0);
            assertThat(rows).isEqualTo(List.of(Map.of("id", "1", "name", "Acme"), Map.of("id", "2", "name", "Globex, Inc.")));
            engine.run(Task.named("save", (Integer i) -> {
                catalog.dataset("report", Format.jsonMap()).save(Map.of("companies", 2));
                return i;
            }), 0);
        }
        assertThat(data.resolve("08_reporting/report.json")).content().contains("\"companies\" : 2");
    }

    @Test
    void aYamlSyntaxErrorNamesFileAndLine() throws Exception {
        Path file = catalog("datasets:\n  companies: { type: csv\n  other: x\n");
        assertThatThrownBy(() -> Catalog.load(file, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(file + ":3:8: not valid YAML: ");
    }

    @Test
    void anUnknownTypeNamesLineEntryAndTheTypesToUse() throws Exception {
        Path file = catalog("""
                datasets:
                  companies:
                    type: parquet
                    uri: file:x.parquet
                """);
        assertThatThrownBy(() -> Catalog.load(file, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(file + ":3:11: dataset 'companies': unknown type 'parquet'; use one of text, bytes, json, csv,"
                        + " jsonl (parquet needs the loomflow-parquet module on the class path), or partitioned or incremental"
                        + " for a folder of many objects");
    }

    @Test
    void aMissingFieldNamesTheEntryAndGivesAnExample() throws Exception {
        Path file = catalog("datasets:\n  shuttles: { type: csv }\n");
        assertThatThrownBy(() -> Catalog.load(file, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(file + ":2:3: dataset 'shuttles' has no uri; add, for example, uri: file:01_raw/shuttles.csv");
    }

    @Test
    void aBadUriIsNamedWithWhatToWrite() throws Exception {
        Path noScheme = catalog("datasets:\n  a: { type: text, uri: data/a.txt }\n");
        assertThatThrownBy(() -> Catalog.load(noScheme, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(noScheme + ":2:25: dataset 'a': uri 'data/a.txt' has no scheme; write it as file:data/a.txt,"
                        + " or az://container/path or s3://bucket/key");
        Path invalid = catalog("datasets:\n  a: { type: text, uri: \"file:a b\\\\c%\" }\n");
        assertThatThrownBy(() -> Catalog.load(invalid, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(invalid + ":2:25: dataset 'a': uri 'file:a b\\c%' is not a valid URI");
    }

    @Test
    void anUndefinedVariableIsNamedWithItsEntry() throws Exception {
        Path file = catalog("""
                storage:
                  az:
                    connectionString: "${AZURE_STORAGE_CONNECTION_STRING}"
                datasets: {}
                """);
        assertThatThrownBy(() -> Catalog.load(file, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(file + ":3:23: storage 'az': ${AZURE_STORAGE_CONNECTION_STRING} is not defined in the"
                        + " environment; set AZURE_STORAGE_CONNECTION_STRING before running, or write the value itself");
    }

    @Test
    void unknownSectionsFieldsAndDuplicatesAreNamed() throws Exception {
        Path section = catalog("dataset:\n  a: { type: text, uri: file:a }\n");
        assertThatThrownBy(() -> Catalog.load(section, Map.of())).hasMessage(section
                + ":1:1: unknown section 'dataset'; a catalog has the sections datasets and storage");
        Path field = catalog("datasets:\n  a: { type: text, uri: file:a, filepath: a.txt }\n");
        assertThatThrownBy(() -> Catalog.load(field, Map.of())).hasMessage(field
                + ":2:33: dataset 'a': unknown field 'filepath'; a dataset has the fields type, uri, options, credentials"
                + " and versioned (a partitioned one also dataset, suffix and path)");
        Path twice = catalog("datasets:\n  a: { type: text, uri: file:a }\n  a: { type: text, uri: file:b }\n");
        assertThatThrownBy(() -> Catalog.load(twice, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(twice + ":3:3: the key 'a' appears twice in the same mapping (first at line 2, column 3); YAML allows"
                        + " each key once: remove one, or merge the two");
    }

    @Test
    void csvDatasetsTakeASeparatorAndWrongOptionsAreNamed() throws Exception {
        Path data = project.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("rates.csv"), "currency;rate\nEUR;1,08\n");
        Catalog catalog = Catalog.load(catalog("""
                storage: { file: { root: "%s" } }
                datasets:
                  rates: { type: csv, uri: "file:rates.csv", options: { separator: ";" } }
                """.formatted(data)), Map.of());
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Task.named("load", (Integer i) -> catalog.dataset("rates").load()), 0))
                    .isEqualTo(List.of(Map.of("currency", "EUR", "rate", "1,08")));
        }
        Path wrong = catalog("datasets:\n  a:\n    type: json\n    uri: file:a.json\n    options: { separator: \";\" }\n");
        assertThatThrownBy(() -> Catalog.load(wrong, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessage(wrong + ":5:14: dataset 'a': unknown option 'separator' for type json; json takes no options");
        Path long_ = catalog("datasets:\n  a: { type: csv, uri: file:a.csv, options: { separator: \";;\" } }\n");
        assertThatThrownBy(() -> Catalog.load(long_, Map.of())).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(long_ + ":2:45: dataset 'a': option separator was ';;'; give one character");
    }

    @Test
    void aMissingFileOrDatasetIsExplained() throws Exception {
        assertThatThrownBy(() -> Catalog.load(project.resolve("conf/none.yml"), Map.of()))
                .isInstanceOf(CatalogException.class).hasMessageContaining("none.yml does not exist");
        Catalog catalog = Catalog.builder().add("companies", "csv", URI.create("mem://t/companies.csv")).build();
        assertThatThrownBy(() -> catalog.dataset("compnies")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the catalog has no dataset 'compnies'; it has [companies]. Add it to conf/catalog.yml,"
                        + " or check the spelling");
        assertThatThrownBy(() -> catalog.dataset("companies", Format.text())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataset 'companies' is of type csv in the catalog, but a text format was given");
    }
}
