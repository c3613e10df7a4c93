package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.ParameterException;
import io.loomflow.ParameterModel;
import io.loomflow.Task;
import io.loomflow.spi.FlowGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned datasets: each pipeline run saves under one version from the engine's clock, loads take
 * the latest or a pinned version, versions are never overwritten, and every mistake is named.
 */
class VersionedDatasetTest {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    private static final String FIRST = "2026-12-04T10.00.00.000Z";
    private static final String SECOND = "2026-12-04T11.30.00.000Z";

    @TempDir
    Path project;

    private Path data() throws Exception {
        return Files.createDirectories(project.resolve("data"));
    }

    private Catalog catalog() throws Exception {
        return catalog("""
                  companies: { type: csv, uri: "file:01_raw/companies.csv", versioned: true }
                  clean:     { type: csv, uri: "file:02_intermediate/clean.csv", versioned: true }
                  counts:    { type: json, uri: "file:03_primary/counts.json", versioned: true }
                  plain:     { type: text, uri: "file:03_primary/plain.txt" }
                """);
    }

    /** A catalog file of these datasets, on file: storage rooted in data(). */
    private Catalog catalog(String datasets) throws Exception {
        Path file = project.resolve("conf/catalog.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "storage:\n  file: { root: \"" + data() + "\" }\ndatasets:\n" + datasets);
        return Catalog.load(file, Map.of());
    }

    private static final Pipeline PIPELINE = Pipeline.of(
            Node.of("clean", List.of("companies"), List.of("clean", "counts", "plain"), inputs -> {
                List<Map<String, String>> rows = inputs.get("companies");
                List<Map<String, String>> kept = rows.stream().filter(row -> !row.get("name").isBlank()).toList();
                return Map.of("clean", kept, "counts", Map.of("kept", kept.size()), "plain", "kept " + kept.size());
            }));

    /** Puts a version of companies.csv in place, as another tool would. */
    private void seed(String version, String csv) throws Exception {
        Path folder = Files.createDirectories(data().resolve("01_raw/companies.csv/" + version));
        Files.writeString(folder.resolve("companies.csv"), csv);
    }

    @Test
    void aRunSavesEveryVersionedOutputUnderOneVersionFromTheEnginesClockAndLoadsTheLatestInput() throws Exception {
        Catalog catalog = catalog().withFormat("companies", Format.csv());
        ManualTimeSource clock = ManualTimeSource.startingAt(START);
        Flow<PipelineRun, Map<String, Object>> flow = PIPELINE.toFlow("versions", catalog);
        try (Engine engine = Engine.builder().clock(clock).build()) {
            seed("2026-12-01T08.00.00.000Z", "id,name\n1,Old\n");
            seed("2026-12-03T08.00.00.000Z", "id,name\n1,Acme\n2, \n3,Globex\n");
            engine.run(flow, PipelineRun.all());
            clock.advance(Duration.ofMinutes(90));
            seed("2026-12-04T11.00.00.000Z", "id,name\n1,Acme\n");
            engine.run(flow, PipelineRun.all());

            Path data = data();
            assertThat(data.resolve("02_intermediate/clean.csv/" + FIRST + "/clean.csv")).content()
                    .isEqualTo("id,name\n1,Acme\n3,Globex\n");
            assertThat(data.resolve("03_primary/counts.json/" + FIRST + "/counts.json")).content().contains("2");
            assertThat(data.resolve("02_intermediate/clean.csv/" + SECOND + "/clean.csv")).content()
                    .isEqualTo("id,name\n1,Acme\n");
            assertThat(data.resolve("03_primary/counts.json/" + SECOND + "/counts.json")).content().contains("1");
            assertThat(data.resolve("03_primary/plain.txt")).content().isEqualTo("kept 1");
            assertThat(Dataset.version(START)).isEqualTo(FIRST);
            assertThat(Dataset.version(START.plusNanos(999_999))).as("milliseconds, cut").isEqualTo(FIRST);
            Object latest = engine.run(Task.named("read", (Integer i) -> catalog.dataset("counts").load()), 0);
            assertThat(latest).isEqualTo(Map.of("kept", 1));
            assertThat(catalog.dataset("clean").versions()).containsExactly(FIRST, SECOND);
            Object first = engine.run(Task.named("read", (Integer i) ->
                    catalog.withLoadVersion("counts", FIRST).dataset("counts").load()), 0);
            assertThat(first).isEqualTo(Map.of("kept", 2));
        }
    }

    @Test
    void aRunLoadsThePinnedVersionItIsGivenOnTheCommandLine() throws Exception {
        Catalog catalog = catalog().withFormat("companies", Format.csv());
        Flow<PipelineRun, Map<String, Object>> flow = PIPELINE.toFlow("versions", catalog);
        @SuppressWarnings("unchecked")
        ParameterModel<PipelineRun> model = (ParameterModel<PipelineRun>) ParameterModel.of(flow);
        PipelineRun pinned = model.bindText(List.of("loadVersions.companies=2026-12-01T08.00.00.000Z"));
        assertThat(pinned).isEqualTo(PipelineRun.all().withLoadVersion("companies", "2026-12-01T08.00.00.000Z"));
        try (Engine engine = Engine.builder().clock(ManualTimeSource.startingAt(START)).build()) {
            seed("2026-12-01T08.00.00.000Z", "id,name\n1,Old\n");
            seed("2026-12-03T08.00.00.000Z", "id,name\n1,Acme\n2,Globex\n");
            engine.run(flow, pinned);
        }
        assertThat(data().resolve("02_intermediate/clean.csv/" + FIRST + "/clean.csv")).content()
                .isEqualTo("id,name\n1,Old\n");
    }

    @Test
    void theLatestVersionIsTheGreatestFolderThatHoldsTheObject() throws Exception {
        Catalog catalog = catalog();
        Path versions = data().resolve("01_raw/companies.csv");
        Files.createDirectories(versions.resolve("2026-12-02T00.00.00.000Z"));
        Files.writeString(versions.resolve("2026-12-02T00.00.00.000Z/companies.csv"), "id,name\n2,Done\n");
        Files.createDirectories(versions.resolve("2026-12-01T00.00.00.000Z"));
        Files.writeString(versions.resolve("2026-12-01T00.00.00.000Z/companies.csv"), "id,name\n1,Older\n");
        // a later version still being written: only its staged file is there
        Files.createDirectories(versions.resolve("2026-12-03T00.00.00.000Z"));
        Files.writeString(versions.resolve("2026-12-03T00.00.00.000Z/.companies.csv.123.partial"), "id,na");
        // a folder that is no version, and another object in a version folder
        Files.createDirectories(versions.resolve("notes"));
        Files.writeString(versions.resolve("notes/companies.csv"), "id,name\n9,Notes\n");
        Files.createDirectories(versions.resolve("2026-12-04T00.00.00.000Z"));
        Files.writeString(versions.resolve("2026-12-04T00.00.00.000Z/other.csv"), "id,name\n9,Other\n");

        Dataset<Object> companies = catalog.dataset("companies");
        try (Engine engine = Engine.builder().build()) {
            Object rows = engine.run(Task.named("read", (Integer i) -> companies.load()), 0);
            assertThat(rows).isEqualTo(List.of(Map.of("id", "2", "name", "Done")));
            assertThat(engine.run(Task.named("versions", (Integer i) -> companies.versions()), 0))
                    .containsExactly("2026-12-01T00.00.00.000Z", "2026-12-02T00.00.00.000Z");
            assertThat(engine.run(Task.named("exists", (Integer i) -> companies.exists()), 0)).isTrue();
            assertThat(engine.run(Task.named("exists", (Integer i) ->
                    companies.withLoadVersion("2026-12-03T00.00.00.000Z").exists()), 0)).isFalse();
        }
    }

    @Test
    void aVersionIsNeverOverwritten() throws Exception {
        Catalog catalog = catalog();
        try (Engine engine = Engine.builder().build()) {
            Dataset<Object> companies = catalog.dataset("companies").withSaveVersion(FIRST);
            engine.run(Task.named("save", (Integer i) -> {
                companies.save(List.of(Map.of("name", "Acme")));
                return i;
            }), 0);
            assertThatThrownBy(() -> engine.run(Task.named("save", (Integer i) -> {
                companies.save(List.of(Map.of("name", "Other")));
                return i;
            }), 0)).isInstanceOf(DatasetException.class)
                    .hasMessage("dataset 'companies' already has version " + FIRST + " at file:01_raw/companies.csv/"
                            + FIRST + "/companies.csv, and a version is never overwritten; save under a new version"
                            + " (each pipeline run has its own; in code, dataset.withSaveVersion(...)), or delete that"
                            + " one first");
        }
        assertThat(data().resolve("01_raw/companies.csv/" + FIRST + "/companies.csv")).content()
                .isEqualTo("name\nAcme\n");
    }

    @Test
    void aSaveInARunTakesTheRunsCreationTimeOnTheEnginesClock() throws Exception {
        Dataset<Object> plain = catalog().dataset("companies");
        try (Engine engine = Engine.builder().clock(ManualTimeSource.startingAt(START)).build()) {
            engine.run(Task.named("save", (Integer i) -> {
                plain.save(List.of(Map.of("id", "1")));
                return i;
            }), 0);
        }
        assertThat(data().resolve("01_raw/companies.csv/" + FIRST + "/companies.csv")).content().isEqualTo("id\n1\n");
    }

    @Test
    void aPinnedVersionThatDoesNotExistIsNamedWithTheLatestThatDo() throws Exception {
        Catalog catalog = catalog();
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) -> catalog.dataset("companies").load()), 0))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessage("dataset 'companies' is versioned and has no version yet: no folder under"
                            + " file:01_raw/companies.csv/ holds a version of companies.csv; save it first (is the node"
                            + " that produces it upstream?), or correct its location in the catalog");
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) ->
                    catalog.withLoadVersion("companies", FIRST).dataset("companies").load()), 0))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessage("dataset 'companies' has no version " + FIRST + " (nothing at file:01_raw/companies.csv/"
                            + FIRST + "/companies.csv); it has no version at all yet under file:01_raw/companies.csv/:"
                            + " save it first (is the node that produces it upstream?), or correct its location in the"
                            + " catalog");
            for (int day = 1; day <= 7; day++) {
                seed("2026-11-0" + day + "T00.00.00.000Z", "id\n" + day + "\n");
            }
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) ->
                    catalog.withLoadVersion("companies", FIRST).dataset("companies").load()), 0))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessage("dataset 'companies' has no version " + FIRST + " (nothing at file:01_raw/companies.csv/"
                            + FIRST + "/companies.csv); its latest versions are 2026-11-07T00.00.00.000Z,"
                            + " 2026-11-06T00.00.00.000Z, 2026-11-05T00.00.00.000Z, 2026-11-04T00.00.00.000Z,"
                            + " 2026-11-03T00.00.00.000Z (of 7); pin one of those, or leave the version out to load"
                            + " the latest");
            // The same through a pipeline run's pin.
            Flow<PipelineRun, Map<String, Object>> flow = PIPELINE.toFlow("versions", catalog);
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all().withLoadVersion("companies", FIRST)))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining("dataset 'companies' has no version " + FIRST)
                    .hasMessageContaining("its latest versions are 2026-11-07T00.00.00.000Z");
        }
    }

    @Test
    void versionsWhereAnObjectIsExpectedAndAnObjectWhereVersionsAreExpectedAreNamed() throws Exception {
        seed(FIRST, "id,name\n1,Acme\n");
        Files.createDirectories(data().resolve("03_primary"));
        Files.writeString(data().resolve("03_primary/counts.json"), "{\"kept\": 1}");
        Catalog catalog = catalog();
        Catalog unversioned = catalog("""
                  companies: { type: csv, uri: "file:01_raw/companies.csv" }
                  other:     { type: csv, uri: "mem://t/companies.csv" }
                """);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) ->
                    unversioned.dataset("companies").load()), 0)).isInstanceOf(DatasetException.class)
                    .hasMessage("dataset 'companies' is not versioned, but file:01_raw/companies.csv holds versions of it"
                            + " (the latest " + FIRST + "), as a versioned dataset saves them; add versioned: true to its"
                            + " entry (in code, dataset.versioned()) to load the latest");
            engine.run(Task.named("save", (Integer i) -> {
                unversioned.dataset("other").versioned().withSaveVersion(FIRST).save(List.of(Map.of("id", "1")));
                return i;
            }), 0);
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) -> unversioned.dataset("other").load()), 0))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageStartingWith("dataset 'other' is not versioned, but mem://t/companies.csv holds versions");
            assertThatThrownBy(() -> engine.run(Task.named("read", (Integer i) -> catalog.dataset("counts").load()), 0))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessage("dataset 'counts' is versioned, but file:03_primary/counts.json is an object of its own,"
                            + " not a folder of versions (saved before the dataset was versioned?); move it to"
                            + " file:03_primary/counts.json/<version>/counts.json, such as"
                            + " file:03_primary/counts.json/2026-12-04T10.00.00.000Z/counts.json, or remove versioned"
                            + " from its entry");
        }
    }

    @Test
    void aMalformedVersionIsRefusedWithAnExample() throws Exception {
        Catalog catalog = catalog();
        String expected = "dataset 'companies': '2026-12-04' is not a version; a version is the UTC time it was saved at,"
                + " written YYYY-MM-DDThh.mm.ss.sssZ, such as 2026-12-04T10.00.00.000Z (the name of one of the"
                + " dataset's version folders)";
        assertThatThrownBy(() -> catalog.withLoadVersion("companies", "2026-12-04"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> catalog.dataset("companies").withLoadVersion("2026-12-04"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> catalog.dataset("companies").withLoadVersion("2026-02-30T10.00.00.000Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'2026-02-30T10.00.00.000Z' is not a"
                        + " version");
        @SuppressWarnings("unchecked")
        ParameterModel<PipelineRun> model = (ParameterModel<PipelineRun>) ParameterModel.of(PIPELINE.toFlow("v", catalog));
        assertThatThrownBy(() -> model.bindText(List.of("loadVersions.companies=2026-12-04")))
                .isInstanceOf(ParameterException.class).hasMessageContaining(expected);
        assertThatThrownBy(() -> catalog.withLoadVersion("plain", FIRST)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataset 'plain' is not versioned, so no version of it can be pinned; the versioned datasets"
                        + " are [clean, companies, counts]. Add versioned: true to its entry, or leave its version out");
        try (Engine engine = Engine.builder().build()) {
            Flow<PipelineRun, Map<String, Object>> flow = PIPELINE.toFlow("versions", catalog);
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all().withLoadVersion("plain", FIRST)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("loadVersions names 'plain', which is not a versioned dataset of the catalog; its"
                            + " versioned datasets are [clean, companies, counts]. Pin only those, or add versioned:"
                            + " true to its entry");
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all().withLoadVersion("clean", FIRST)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("loadVersions pins dataset 'clean', but node 'clean' writes it in this run, so its"
                            + " readers get the version the run saves; pin only datasets the run reads and does not"
                            + " write, or leave this one out");
        }
    }

    @Test
    void onlyMissingAndThePreviewSeeTheLatestVersion() throws Exception {
        Catalog catalog = catalog().withFormat("companies", Format.csv());
        Flow<PipelineRun, Map<String, Object>> flow = PIPELINE.toFlow("versions", catalog);
        try (Engine engine = Engine.builder().clock(ManualTimeSource.startingAt(START)).build()) {
            seed("2026-12-01T08.00.00.000Z", "id,name\n1,Acme\n");
            FlowGraph.Previewer previewer = java.util.Objects.requireNonNull(flow.graph().orElseThrow().previewer());
            assertThatThrownBy(() -> previewer.preview("clean", 10, engine))
                    .isInstanceOf(java.util.NoSuchElementException.class)
                    .hasMessage("dataset 'clean' has no data yet at file:02_intermediate/clean.csv; a run of the"
                            + " pipeline writes it, or put the file there");
            assertThat(engine.run(Task.named("exists", (Integer i) -> catalog.exists("clean")), 0)).isFalse();
            engine.run(flow, PipelineRun.all().withOnlyMissing());
            assertThat(engine.run(Task.named("exists", (Integer i) -> catalog.exists("clean")), 0)).isTrue();
            assertThat(previewer.preview("clean", 10, engine).rows()).containsExactly(List.of("1", "Acme"));
            seed("2026-12-02T08.00.00.000Z", "id,name\n2,Globex\n");
            assertThat(previewer.preview("companies", 10, engine).rows()).containsExactly(List.of("2", "Globex"));
            // Every output has a version now: nothing runs, so no second version is attempted.
            engine.run(flow, PipelineRun.all().withOnlyMissing());
            assertThat(catalog.dataset("clean").versions()).containsExactly(FIRST);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStreamedSaveThatFailsLeavesNoVersionAReaderWouldTake() throws Exception {
        Catalog catalog = catalog("""
                  trips: { type: csv, uri: "file:trips.csv", versioned: true, options: { stream: true } }
                """);
        try (Engine engine = Engine.builder().build()) {
            engine.run(Task.named("save", (Integer i) -> {
                catalog.dataset("trips").withSaveVersion(FIRST).save(Stream.of(Map.of("km", "1"), Map.of("km", "2")));
                return i;
            }), 0);
            assertThatThrownBy(() -> engine.run(Task.named("save", (Integer i) -> {
                catalog.dataset("trips").withSaveVersion(SECOND).save(Stream.iterate(0, n -> n + 1).map(n -> {
                    if (n == 1000) {
                        throw new IllegalStateException("source broke at row " + n);
                    }
                    return Map.of("km", String.valueOf(n));
                }));
                return i;
            }), 0)).hasMessage("source broke at row 1000");
            assertThat(catalog.dataset("trips").versions()).containsExactly(FIRST);
            try (Stream<Object> rows = (Stream<Object>) engine.run(Task.named("read", (Integer i) ->
                    catalog.dataset("trips").load()), 0)) {
                assertThat(rows.toList()).containsExactly(Map.of("km", "1"), Map.of("km", "2"));
            }
        }
        Path data = data();
        try (Stream<Path> left = Files.walk(data.resolve("trips.csv"))) {
            assertThat(left.filter(Files::isRegularFile).map(path -> data.relativize(path).toString()))
                    .containsExactly("trips.csv/" + FIRST + "/trips.csv");
        }
    }

    @Test
    void aStreamThisRunSavedIsReadBackAtTheRunsVersionNotALaterOne() throws Exception {
        Catalog catalog = Catalog.builder()
                .add("trips", java.net.URI.create("mem://t/trips.csv"), Format.csvStream()).versioned("trips")
                .build();
        Pipeline pipeline = Pipeline.of(
                Node.of("make", List.of(), List.of("trips"), inputs -> Stream.of(Map.of("km", "7"))),
                Node.of("sum", "trips", "total", (Stream<Map<String, String>> trips) ->
                        trips.mapToInt(trip -> Integer.parseInt(trip.get("km"))).sum()));
        try (Engine engine = Engine.builder().clock(ManualTimeSource.startingAt(START)).build()) {
            engine.run(Task.named("another run's later version", (Integer i) -> {
                catalog.dataset("trips").withSaveVersion("2099-01-01T00.00.00.000Z").save(Stream.of(Map.of("km", "1000")));
                return i;
            }), 0);
            assertThat(engine.run(pipeline.toFlow("streams", catalog), PipelineRun.all())).containsEntry("total", 7);
        }
    }

    /** The message of the catalog error for one dataset's entry, after the file's name. */
    private String refusal(String entry) throws Exception {
        Path file = project.resolve("conf/catalog.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "datasets:\n  " + entry + "\n");
        try {
            Catalog.load(file, Map.of());
        } catch (CatalogException refused) {
            assertThat(refused.getMessage()).startsWith(file + ":");
            return refused.getMessage().substring((file + ":").length());
        }
        throw new AssertionError("the catalog took " + entry);
    }

    @Test
    void theCatalogRefusesVersioningWhereItMakesNoSenseAtTheLine() throws Exception {
        assertThat(refusal("blobs: { type: partitioned, path: \"mem://lake/blobs/\", dataset: text, versioned: true }"))
                .isEqualTo("2:73: dataset 'blobs' is partitioned, a prefix of many objects, each partition saved and"
                        + " loaded on its own, so there is no one object to keep versions of; remove versioned, and name"
                        + " new partitions after when they were made (such as 2026-12-04/part-1) to keep the older ones");
        assertThat(refusal("report: { type: json, uri: \"mem://lake/reports/\", versioned: true }"))
                .isEqualTo("2:53: dataset 'report' is versioned, so its uri must name an object (its versions are"
                        + " <uri>/<version>/<file name>), but mem://lake/reports/ ends with /; give a file name, such as"
                        + " mem://lake/reports/report");
        assertThat(refusal("report: { type: json, uri: \"mem://lake/report.json?sig=x\", versioned: true }"))
                .isEqualTo("2:62: dataset 'report' is versioned, so its versions are <uri>/<version>/<file name>, but"
                        + " its uri mem:... has a query or fragment (? or #), which cannot be put before a version; give"
                        + " the storage's options in the catalog's storage section or credentials.yml, and a uri"
                        + " without them");
        assertThat(refusal("report: { type: json, uri: \"mem://lake/report.json\", versioned: yes }"))
                .isEqualTo("2:67: dataset 'report': versioned was 'yes'; give true (each save writes a new version, and"
                        + " a load reads the latest) or false");
        assertThatThrownBy(() -> Catalog.builder().addPartitioned("blobs", java.net.URI.create("mem://lake/blobs/"),
                Format.text(), "", true).versioned("blobs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dataset 'blobs' is incremental, a prefix of many objects");
        assertThatThrownBy(() -> Catalog.builder().versioned("nothing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the catalog has no dataset 'nothing' to make versioned; add it first, then call"
                        + " versioned(\"nothing\")");
        Catalog inCode = Catalog.builder().add("report", java.net.URI.create("mem://lake/report.json"), Format.jsonMap())
                .versioned("report").build();
        assertThat(inCode.isVersioned("report")).isTrue();
        assertThat(inCode.dataset("report").isVersioned()).isTrue();
        assertThat(inCode.dataset("report").location(FIRST)).hasToString("mem://lake/report.json/" + FIRST + "/report.json");
    }
}
