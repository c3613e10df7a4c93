package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.store.contract.Postgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A store opened for reading is never created, migrated or written, and can be read when it cannot be written. */
class ReadOnlyStoreTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    private Path recorded() {
        Path store = directory.resolve(".loomflow");
        try (Engine engine = Engine.builder().listener(RunRecorder.to(RunStore.embedded(store))).build()) {
            engine.run(Flow.named("recorded", (Integer n) -> n + 1), 41);
        }
        return store;
    }

    /** The store file's SHA-256 and the directory's file names: what a reader must leave as it was. */
    private static String fingerprint(Path store) throws Exception {
        try (Stream<Path> files = Files.list(store)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    Files.readAllBytes(store.resolve("history.mv.db")))) + " " + files.map(f -> f.getFileName().toString())
                    .sorted().toList();
        }
    }

    /** A store with one run, whose file is then cut to {@code size} bytes, as a full disk or a bad copy leaves it. */
    private Path recordedAndCutTo(int size) throws IOException {
        Path store = recorded();
        try (FileChannel file = FileChannel.open(store.resolve("history.mv.db"), StandardOpenOption.WRITE)) {
            file.truncate(size);
        }
        return store;
    }

    @ParameterizedTest(name = "cut to {0} bytes")
    @ValueSource(ints = {4096, 8192, 12288, 16384})
    void aStoreFileCutShortIsRefusedAsDamagedAndLeftByteForByte(int size) throws Exception {
        Path store = recordedAndCutTo(size);
        String before = fingerprint(store);

        assertThatThrownBy(() -> RunStore.embeddedReadOnly(store)).isInstanceOf(RunStoreException.class)
                .hasMessageStartingWith("the run history file " + store.toAbsolutePath() + "/history.mv.db is damaged or not an H2 database (")
                .hasMessageEndingWith("it was left as it was. Restore it from a backup, or move it aside to start a new"
                        + " history there");
        assertThat(fingerprint(store)).isEqualTo(before);
    }

    @ParameterizedTest(name = "cut to {0} bytes")
    @ValueSource(ints = {4096, 8192, 12288, 16384})
    void aWriterRefusesAStoreFileCutShortInsteadOfStartingItAnew(int size) throws Exception {
        Path store = recordedAndCutTo(size);
        String before = fingerprint(store);

        assertThatThrownBy(() -> RunStore.embedded(store)).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("is damaged or not an H2 database").hasMessageContaining("it was left as it was");
        assertThat(fingerprint(store)).isEqualTo(before);
    }

    @Test
    void aWriterOpensAHealthyStoreAgainAndAddsToIt() {
        Path store = recorded();
        try (Engine engine = Engine.builder().listener(RunRecorder.to(RunStore.embedded(store))).build()) {
            engine.run(Flow.named("again", (Integer n) -> n), 1);
        }
        try (RunStore history = RunStore.embeddedReadOnly(store)) {
            assertThat(history.runs(RunQuery.all())).extracting(RunRecord::name).containsExactlyInAnyOrder("recorded", "again");
        }
    }

    @Test
    void readingAHealthyStoreChangesNoByteOfIt() throws Exception {
        Path store = recorded();
        String before = fingerprint(store);

        try (RunStore history = RunStore.embeddedReadOnly(store)) {
            assertThat(history.runs(RunQuery.all())).extracting(RunRecord::name).containsExactly("recorded");
            assertThatThrownBy(() -> history.write(List.of())).isInstanceOf(RunStoreException.class)
                    .hasMessageContaining("was opened for reading only");
        }
        assertThat(fingerprint(store)).isEqualTo(before);
    }

    @Test
    void aDirectoryWithoutAStoreIsNotCreated() {
        Path nowhere = directory.resolve("nothing-here");

        assertThatThrownBy(() -> RunStore.embeddedReadOnly(nowhere)).isInstanceOf(RunStoreException.class)
                .hasMessage("there is no run history in " + nowhere.toAbsolutePath() + " (no history.mv.db there); record"
                        + " a run there first, or point at the directory that holds it");
        assertThat(nowhere).doesNotExist();
    }

    @Test
    void aStoreOfAnOlderSchemaIsRefusedAndNotMigrated() throws Exception {
        Path store = directory.resolve("old");
        String url = "jdbc:h2:file:" + store.resolve("history").toAbsolutePath();
        Flyway.configure(getClass().getClassLoader()).dataSource(url, "sa", "")
                .locations("classpath:io/loomflow/store/migration/h2").table("lf_schema_history").target("1").load().migrate();
        String before = fingerprint(store);

        assertThatThrownBy(() -> RunStore.embeddedReadOnly(store)).isInstanceOf(RunStoreException.class)
                .hasMessage("the run history at " + store.toAbsolutePath() + " has schema version 1, older than this"
                        + " Loomflow's (" + latestMigration() + "), and reading commands never migrate a store; run a command that records runs"
                        + " (such as 'loomflow run FLOW') to migrate it, after backing it up");
        assertThat(fingerprint(store)).isEqualTo(before);
    }

    @Test
    void anImmutableStoreCanBeRead() throws Exception {
        // Root may write whatever the permission bits say; an immutable file and directory (chattr +i)
        // are refused to root too, which is what H2 sees on a read-only mount.
        Path store = recorded();
        String before = fingerprint(store);
        chattr("+i", store.resolve("history.mv.db"), store);
        try {
            assertThat(Files.isWritable(store.resolve("history.mv.db"))).as("the file is read-only, even for root").isFalse();
            assertThatThrownBy(() -> RunStore.embedded(store)).isInstanceOf(RunStoreException.class);

            try (RunStore history = RunStore.embeddedReadOnly(store)) {
                assertThat(history.runs(RunQuery.all())).extracting(RunRecord::state).containsExactly(State.Kind.COMPLETED);
            }
        } finally {
            chattr("-i", store.resolve("history.mv.db"), store);
        }
        assertThat(fingerprint(store)).isEqualTo(before);
    }

    @Test
    void aWriterWaitsForAReaderThatHoldsTheFileAndThenRecords() throws Exception {
        Path store = recorded();
        Process reader = ChildJvm.start(ReadingProgram.class, store.toString());
        try (var out = reader.inputReader()) {
            assertThat(out.readLine()).isEqualTo("reading 1 runs");
            // The writer tries to open the file while the reader holds it, and waits until the reader lets go.
            CompletableFuture<RunStore> opening = CompletableFuture.supplyAsync(() -> RunStore.embedded(store));
            reader.getOutputStream().close();
            try (Engine engine = Engine.builder().listener(RunRecorder.to(opening.get(30, TimeUnit.SECONDS))).build()) {
                engine.run(Flow.named("after", (Integer n) -> n), 1);
            }
        } finally {
            reader.destroyForcibly();
            reader.waitFor(10, TimeUnit.SECONDS);
        }
        try (RunStore history = RunStore.embeddedReadOnly(store)) {
            assertThat(history.runs(RunQuery.all())).extracting(RunRecord::name).containsExactly("after", "recorded");
        }
    }

    @Test
    void aPostgresReaderMigratesNothingAndReadsAnEmptyDatabaseAsEmpty() throws Exception {
        POSTGRES.emptySchema();
        try (RunStore history = RunStore.openReadOnly(POSTGRES.url())) {
            assertThat(history.runs(RunQuery.all())).isEmpty();
        }
        try (Connection connection = POSTGRES.connect();
             ResultSet tables = connection.getMetaData().getTables(null, connection.getSchema(), "lf_%", null)) {
            assertThat(tables.next()).as("no table created by a reader").isFalse();
        }
        Flyway.configure(getClass().getClassLoader()).dataSource(POSTGRES.url(), "postgres", "")
                .locations("classpath:io/loomflow/store/migration/postgresql").table("lf_schema_history").target("2")
                .load().migrate();
        assertThatThrownBy(() -> RunStore.openReadOnly(POSTGRES.url())).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("has schema version 2, older than this Loomflow's (" + latestMigration() + ")");
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
             ResultSet version = statement.executeQuery("SELECT max(\"version\") FROM lf_schema_history")) {
            version.next();
            assertThat(version.getString(1)).isEqualTo("2");
        }
    }

    private static void chattr(String change, Path... paths) throws IOException, InterruptedException {
        for (Path path : paths) {
            Process chattr = new ProcessBuilder("chattr", change, path.toString()).redirectErrorStream(true).start();
            String said = new String(chattr.getInputStream().readAllBytes());
            assertThat(chattr.waitFor()).as("chattr %s %s: %s (this test needs a file system with immutable files)",
                    change, path, said).isZero();
        }
    }

    /** The highest migration this build ships, read from its migration folder (the build's classes). */
    private static int latestMigration() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("target/classes/io/loomflow/store/migration/h2"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("V[0-9]+__.*\\.sql"))
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max().orElseThrow();
        }
    }
}
