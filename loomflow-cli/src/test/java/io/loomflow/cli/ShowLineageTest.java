package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Event.DatasetAccess.Access;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show} prints a run's lineage (the datasets its runs read and wrote, with versions and locations) on its
 * first page and, with {@code --lineage}, page by page, as text and with {@code --output json}; recorded by an
 * engine into the embedded store and into PostgreSQL.
 */
class ShowLineageTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    /** A dataset name with a terminal escape in it, as a user may give one. */
    private static final String ESCAPING = "\u001b[31mred";
    private static final int PARTS = 30;

    @TempDir
    Path directory;

    private static final Task<String, String> LOAD = Task.named("load raw", (String version) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "raw", version, "file:///data/raw.csv");
        return version;
    });
    private static final Task<String, String> SAVE = Task.named("save clean", (String version) -> {
        RunContext.current().recordDatasetAccess(Access.WRITE, "clean", "2026-12-04T10.00.00.000Z",
                "file:///data/clean.parquet");
        return version;
    });
    private static final Flow<String, String> CLEAN = Flow.named("clean", (String v) -> SAVE.call(LOAD.call(v)));
    private static final Task<Integer, Integer> PART = Task.named("load part", (Integer i) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "part", null, "memory://part/" + i);
        return i;
    });
    private static final Flow<Integer, String> ETL = Flow.named("etl", (Integer parts) -> {
        RunContext.current().recordDatasetAccess(Access.READ, ESCAPING, null, "file:///data/red.csv");
        String made = CLEAN.call("v1");
        PART.map(IntStream.range(0, parts).boxed()).join();
        return made;
    });

    private static UUID record(RunStore store) {
        try (Engine engine = Engine.builder().listener(RunRecorder.to(store)).build()) {
            io.loomflow.Handle<String> run = engine.submit(ETL, PARTS);
            run.join();
            return run.runId();
        } // closing the engine closes the recorder, which writes all, then closes the store
    }

    @Test
    void showPrintsTheLineageOfARunInTheEmbeddedStore() throws Exception {
        UUID id = record(RunStore.embedded(directory));
        showsTheLineage(id, directory.toString());
    }

    @Test
    void showPrintsTheLineageOfARunInPostgresql() throws Exception {
        UUID id = record(RunStore.open(POSTGRES.url()));
        showsTheLineage(id, POSTGRES.url());
    }

    private static Command ok(String... args) {
        Command command = Command.run(args);
        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.err()).as(command.toString()).isEmpty();
        return command;
    }

    private static void showsTheLineage(UUID id, String db) throws Exception {
        List<String> lines = ok("show", id.toString(), "--db", db).out().lines().toList();
        int data = lines.indexOf("  data read and written:");
        assertThat(data).as(String.join("\n", lines)).isPositive();
        assertThat(lines.subList(data + 1, data + 4)).containsExactly(
                "    etl  read  \\u001b[31mred  not versioned  file:///data/red.csv  (etl)",
                "    clean  read  raw  v1  file:///data/raw.csv  (load raw)",
                "    clean  wrote  clean  2026-12-04T10.00.00.000Z  file:///data/clean.parquet  (save clean)");
        assertThat(lines.subList(data + 4, data + 21)).allSatisfy(line ->
                assertThat(line).matches("    etl  read  part  not versioned  memory://part/\\d+  \\(load part\\)"));
        assertThat(lines.get(data + 21)).isEqualTo("    more: loomflow show " + id + " --lineage");
        assertThat(String.join("\n", lines)).doesNotContain("\u001b");

        // every access, a page at a time, each page naming the command for the next
        List<String> accesses = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of("show", id.toString(), "--lineage", "--limit", "7"));
        int pages = 0;
        while (true) {
            List<String> page = ok(concat(command, "--db", db)).out().lines().toList();
            pages++;
            assertThat(page.subList(0, 2)).containsExactly(page.getFirst(), "  parameters: " + PARTS);
            assertThat(page.getFirst()).startsWith("etl  Completed  ");
            String last = page.getLast();
            if (!last.startsWith("  more: loomflow show ")) {
                accesses.addAll(page.subList(2, page.size()));
                break;
            }
            accesses.addAll(page.subList(2, page.size() - 1));
            command = new ArrayList<>(List.of(last.substring("  more: loomflow ".length()).split(" ")));
        }
        assertThat(pages).isEqualTo((PARTS + 3 + 6) / 7);
        assertThat(accesses).hasSize(PARTS + 3).doesNotHaveDuplicates();
        assertThat(accesses.get(1)).isEqualTo("  clean  read  raw  v1  file:///data/raw.csv  (load raw)");

        ObjectMapper json = new ObjectMapper();
        JsonNode all = json.readTree(ok("show", id.toString(), "--lineage", "--limit", "1000", "--output", "json", "--db",
                db).out());
        assertThat(all.path("id").asText()).isEqualTo(id.toString());
        assertThat(all.path("accesses")).hasSize(PARTS + 3);
        assertThat(all.path("next").isNull()).isTrue();
        JsonNode read = all.path("accesses").get(1);
        assertThat(read.path("runName").asText()).isEqualTo("load raw");
        assertThat(read.path("parentName").asText()).isEqualTo("clean");
        assertThat(read.path("access").asText()).isEqualTo("READ");
        assertThat(read.path("dataset").asText()).isEqualTo("raw");
        assertThat(read.path("version").asText()).isEqualTo("v1");
        assertThat(read.path("location").asText()).isEqualTo("file:///data/raw.csv");
        assertThat(all.path("accesses").get(0).path("dataset").asText()).isEqualTo(ESCAPING);

        JsonNode run = json.readTree(ok("show", id.toString(), "--output", "json", "--db", db).out());
        assertThat(run.path("run").path("name").asText()).isEqualTo("etl");
        assertThat(run.path("lineage")).hasSize(20);
        assertThat(run.path("lineage").get(2).path("dataset").asText()).isEqualTo("clean");
        assertThat(run.path("lineageNext").asText()).isEqualTo("loomflow show " + id + " --lineage");
        assertThat(run.path("children")).extracting(child -> child.path("type").asText()).containsExactly("run", "map");

        Command withState = Command.run("show", id.toString(), "--lineage", "--state", "failed", "--db", db);
        assertThat(withState.exitCode()).isEqualTo(2);
        assertThat(withState.err()).contains("a run's lineage has no states to filter by");
        Command badCursor = Command.run("show", id.toString(), "--lineage", "--after", "nope", "--db", db);
        assertThat(badCursor.exitCode()).isEqualTo(2);
        assertThat(badCursor.err()).contains("--after: the page cursor 'nope' is not one this history made");
    }

    private static String[] concat(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
