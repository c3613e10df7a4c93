package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.Task;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets load and save through the engine's storage, and say clearly what went wrong. */
class DatasetTest {

    @TempDir
    Path root;

    private Resource<Storage> files() {
        return Storages.resource(new StorageOptions("file", Map.of("root", root.toString())));
    }

    @Test
    void aDatasetSavedInOneRunIsLoadedInAnother() {
        Dataset<List<FormatTest.Company>> companies = Dataset.of("companies", URI.create("file:01_raw/companies.csv"),
                Format.csv(FormatTest.Company.class), files());
        List<FormatTest.Company> rows = List.of(new FormatTest.Company("1", "Acme", 4.5, true));
        try (Engine engine = Engine.builder().build()) {
            engine.run(Task.named("save", (List<FormatTest.Company> r) -> {
                companies.save(r);
                return r.size();
            }), rows);
            assertThat(engine.run(Task.named("load", (Integer i) -> companies.load()), 0)).isEqualTo(rows);
            assertThat(engine.run(Task.named("exists", (Integer i) -> companies.exists()), 0)).isTrue();
        }
        assertThat(root.resolve("01_raw/companies.csv")).hasContent("id,name,rating,iataApproved\n1,Acme,4.5,true");
    }

    @Test
    void manyDatasetsLoadConcurrentlyFromOneStorageOpenedOnce() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        Resource<Storage> counted = Resource.named("counted files", () -> {
            opened.incrementAndGet();
            return Storages.provider("file").open(new StorageOptions("file", Map.of("root", root.toString())));
        });
        List<Dataset<String>> parts = IntStream.range(0, 50).mapToObj(i -> Dataset.of("part-" + i,
                URI.create("file:parts/" + i + ".txt"), Format.text(), counted)).toList();
        for (int i = 0; i < 50; i++) {
            Files.createDirectories(root.resolve("parts"));
            Files.writeString(root.resolve("parts/" + i + ".txt"), "part " + i);
        }
        Task<Dataset<String>, String> load = Task.named("load", Dataset::load);
        try (Engine engine = Engine.builder().build()) {
            List<String> loaded = engine.run(Flow.named("all", (Integer n) -> load.map(parts).join()), 0);
            assertThat(loaded).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "part " + i).toList());
        }
        assertThat(opened).hasValue(1);
    }

    @Test
    void loadingAMissingDatasetNamesItAndItsLocation() {
        Dataset<String> missing = Dataset.of("shuttles", URI.create("file:01_raw/shuttles.xlsx"), Format.text(), files());
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(Task.named("load", (Integer i) -> missing.load()), 0))
                    .isInstanceOfSatisfying(DatasetNotFoundException.class, e -> {
                        assertThat(e.dataset()).isEqualTo("shuttles");
                        assertThat(e.location()).isEqualTo(URI.create("file:01_raw/shuttles.xlsx"));
                        assertThat(e.isRetryable()).isFalse();
                    })
                    .hasMessage("dataset 'shuttles' does not exist at file:01_raw/shuttles.xlsx; save it first (is the"
                            + " node that produces it upstream?), or correct its location in the catalog");
        }
    }

    @Test
    void contentInTheWrongFormatNamesTheDatasetLocationAndFormat() throws Exception {
        Files.writeString(root.resolve("report.json"), "{ not json");
        Dataset<Map<String, Object>> report = Dataset.of("report", URI.create("file:report.json"), Format.jsonMap(), files());
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(Task.named("load", (Integer i) -> report.load()), 0))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("dataset 'report' at file:report.json is not valid json: ");
        }
    }

    @Test
    void aFailedSaveLeavesThePreviousDataInPlace() throws Exception {
        Dataset<List<Map<String, String>>> table = Dataset.of("table", URI.create("file:table.csv"), Format.csv(), files());
        try (Engine engine = Engine.builder().build()) {
            engine.run(Task.named("save", (Integer i) -> {
                table.save(List.of(Map.of("a", "1")));
                return i;
            }), 0);
            // A row whose columns differ from the header cannot be written: nothing is replaced.
            List<Map<String, String>> ragged = List.of(Map.of("a", "2"), Map.of("b", "3"));
            assertThatThrownBy(() -> engine.run(Task.named("save-bad", (Integer i) -> {
                table.save(ragged);
                return i;
            }), 0)).isInstanceOf(DatasetException.class).hasMessageContaining("dataset 'table' cannot be written as csv");
        }
        assertThat(root.resolve("table.csv")).hasContent("a\n1");
        try (var left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("table.csv");
        }
    }

    @Test
    void badDefinitionsFailAtOnce() {
        assertThatThrownBy(() -> Dataset.of(" ", URI.create("file:x"), Format.text(), files()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> Dataset.of("x", null, Format.text(), files()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("dataset 'x' needs a location");
        assertThatThrownBy(() -> Storages.provider("gcs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no storage serves 'gcs:' locations; the schemes available are [file:, mem:]");
    }
}
