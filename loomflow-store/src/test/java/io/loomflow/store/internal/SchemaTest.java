package io.loomflow.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Versioned migrations: a newer build migrates an older store, an older build refuses a newer one. */
class SchemaTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    private String h2Url() {
        return "jdbc:h2:file:" + directory.resolve("history").toAbsolutePath() + ";AUTO_SERVER=TRUE";
    }

    private static Flyway flyway(String url, String user, String... locations) {
        return Flyway.configure(SchemaTest.class.getClassLoader()).dataSource(url, user, "").locations(locations)
                .table(Schema.HISTORY_TABLE).load();
    }

    @Test
    void theSchemaVersionIsTheNewestMigrationOfEachDialect() throws Exception {
        for (String dialect : new String[] {"h2", "postgresql"}) {
            try (Stream<Path> files = Files.list(Path.of("src/main/resources/io/loomflow/store/migration", dialect))) {
                assertThat(files.map(f -> f.getFileName().toString()).map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                        .max(Integer::compare)).as(dialect).contains(Schema.VERSION);
            }
        }
    }

    @Test
    void aNewerBuildMigratesAnEmbeddedStoreOfVersion1AndKeepsItsRuns() throws Exception {
        aNewerBuildMigratesAStoreOfVersion1(h2Url(), "sa", "h2", () -> RunStore.embedded(directory));
    }

    @Test
    void aNewerBuildMigratesAPostgresStoreOfVersion1AndKeepsItsRuns() throws Exception {
        dropTables();
        aNewerBuildMigratesAStoreOfVersion1(POSTGRES.url(), "postgres", "postgresql", () -> RunStore.open(POSTGRES.url()));
    }

    private void aNewerBuildMigratesAStoreOfVersion1(String url, String user, String dialect, Opener opener) throws Exception {
        migrateTo(url, user, dialect, "1");
        UUID old = UUID.randomUUID();
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO lf_run (id, root_id, name, kind, parameters, state, created_at, history) VALUES ('"
                    + old + "', '" + old + "', 'old', 'FLOW', 'null', 'Completed', TIMESTAMP WITH TIME ZONE"
                    + " '2026-01-01 00:00:00+00', '[\"Scheduled\",\"2026-01-01T00:00:00Z\",\"\"]\n"
                    + "[\"Completed\",\"2026-01-01T00:00:01Z\",\"\"]\n')");
        }
        try (Engine engine = Engine.builder().listener(RunRecorder.to(opener.open())).build()) {
            engine.run(Flow.named("new", (String s) -> s + "!"), "hi");
        }
        try (RunStore store = opener.open()) {
            assertThat(store.runs(RunQuery.all())).extracting(RunRecord::name).containsExactly("new", "old");
            assertThat(store.run(old).orElseThrow().history()).hasSize(2);
        }
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT \"version\" FROM \"" + Schema.HISTORY_TABLE
                     + "\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            assertThat(rows.next() && rows.getString(1).equals("1") && rows.next() && rows.getString(1).equals("2")
                    && rows.next() && rows.getString(1).equals("3") && rows.next() && rows.getString(1).equals("4") && rows.next() && rows.getString(1).equals("5")).isTrue();
        }
    }

    @Test
    void aPostgresStoreOfVersion4IsMigratedToVersion5WithTheQueueTablesAndKeepsItsRuns() throws Exception {
        dropTables();
        aStoreOfVersion4GetsTheQueueTables(POSTGRES.url(), "postgres", "postgresql", () -> RunStore.open(POSTGRES.url()));
    }

    @Test
    void anEmbeddedStoreOfVersion4IsMigratedToVersion5WithTheQueueTablesAndKeepsItsRuns() throws Exception {
        aStoreOfVersion4GetsTheQueueTables(h2Url(), "sa", "h2", () -> RunStore.embedded(directory));
    }

    private void aStoreOfVersion4GetsTheQueueTables(String url, String user, String dialect, Opener opener) throws Exception {
        migrateTo(url, user, dialect, "4");
        try (Engine engine = Engine.builder().listener(RunRecorder.to(opener.open())).build()) {
            engine.run(Flow.named("before-the-queue", (String s) -> s), "x");
        }
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM lf_queue")) {
            assertThat(rows.next() && rows.getLong(1) == 0).isTrue();
        }
        try (RunStore store = opener.open()) {
            assertThat(store.runs(RunQuery.all())).extracting(RunRecord::name).containsExactly("before-the-queue");
        }
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement()) {
            for (String table : new String[] {"lf_queue", "lf_worker", "lf_checkpoint", "lf_leader"}) {
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    assertThat(rows.next()).as(table).isTrue();
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"" + Schema.HISTORY_TABLE
                    + "\" WHERE \"success\"")) {
                assertThat(rows.next() ? rows.getString(1) : null).isEqualTo(String.valueOf(Schema.VERSION));
            }
        }
    }

    @Test
    void anEmbeddedStoreOfVersion8IsMigratedToVersion9WithLineageAndKeepsItsRuns() throws Exception {
        aStoreOfVersion8GetsLineage(h2Url(), "sa", "h2", () -> RunStore.embedded(directory));
    }

    @Test
    void aPostgresStoreOfVersion8IsMigratedToVersion9WithLineageAndKeepsItsRuns() throws Exception {
        dropTables();
        aStoreOfVersion8GetsLineage(POSTGRES.url(), "postgres", "postgresql", () -> RunStore.open(POSTGRES.url()));
    }

    private void aStoreOfVersion8GetsLineage(String url, String user, String dialect, Opener opener) throws Exception {
        migrateTo(url, user, dialect, "8");
        UUID old = UUID.randomUUID();
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO lf_run (id, root_id, root_at, name, kind, parameters, state, created)"
                    + " VALUES ('" + old + "', '" + old + "', 1, 'before-lineage', 'FLOW', 'null', 4, 1)");
        }
        UUID made;
        try (Engine engine = Engine.builder().listener(RunRecorder.to(opener.open())).build()) {
            made = engine.submit(Flow.named("with-lineage", (String s) -> {
                io.loomflow.RunContext.current().recordDatasetAccess(io.loomflow.Event.DatasetAccess.Access.WRITE, "out",
                        "v2", "file:///out.csv");
                return s;
            }), "x").runId();
        }
        try (RunStore store = opener.open()) {
            assertThat(store.runs(RunQuery.all())).extracting(RunRecord::name)
                    .containsExactly("with-lineage", "before-lineage");
            assertThat(store.lineage(old, io.loomflow.store.PageQuery.first(10)).entries()).isEmpty();
            assertThat(store.lineage(made, io.loomflow.store.PageQuery.first(10)).entries())
                    .extracting(io.loomflow.store.DatasetAccessRecord::dataset).containsExactly("out");
        }
        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"" + Schema.HISTORY_TABLE
                     + "\" WHERE \"success\"")) {
            assertThat(rows.next() ? rows.getString(1) : null).isEqualTo(String.valueOf(Schema.VERSION));
        }
    }

    @Test
    void aStoreSharesASchemaWithTheApplicationsOwnTables() throws Exception {
        dropTables();
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS customer");
            statement.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY)");
        }
        try (Engine engine = Engine.builder().listener(RunRecorder.to(RunStore.open(POSTGRES.url()))).build()) {
            engine.run(Flow.named("beside", (String s) -> s), "x");
        }
        try (RunStore store = RunStore.open(POSTGRES.url())) {
            assertThat(store.runs(RunQuery.all())).extracting(RunRecord::name).containsExactly("beside");
        }
    }

    @Test
    void anOlderBuildRefusesAnEmbeddedStoreANewerOneWroteAndLeavesItAlone() throws Exception {
        anOlderBuildRefusesAStoreANewerOneWrote(h2Url(), "sa", "h2", () -> RunStore.embedded(directory));
    }

    @Test
    void anOlderBuildRefusesAPostgresStoreANewerOneWroteAndLeavesItAlone() throws Exception {
        dropTables();
        anOlderBuildRefusesAStoreANewerOneWrote(POSTGRES.url(), "postgres", "postgresql", () -> RunStore.open(POSTGRES.url()));
    }

    private void anOlderBuildRefusesAStoreANewerOneWrote(String url, String user, String dialect, Opener opener)
            throws Exception {
        try (Engine engine = Engine.builder().listener(RunRecorder.to(opener.open())).build()) {
            engine.run(Flow.named("kept", (String s) -> s), "x");
        }
        flyway(url, user, "classpath:io/loomflow/store/migration/" + dialect, "classpath:io/loomflow/store/future/" + dialect)
                .migrate();

        assertThatThrownBy(opener::open).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("was written by a newer Loomflow (schema version 1000; this one knows up to " + Schema.VERSION + ")")
                .hasMessageContaining("upgrade Loomflow");

        try (Connection connection = DriverManager.getConnection(url, user, "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM lf_run")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("kept");
        }
    }

    /** Brings a database to an older schema version, as an older build left it. */
    private static void migrateTo(String url, String user, String dialect, String version) {
        Flyway.configure(SchemaTest.class.getClassLoader()).dataSource(url, user, "")
                .locations("classpath:io/loomflow/store/migration/" + dialect).table(Schema.HISTORY_TABLE).target(version)
                .load().migrate();
    }

    private static void dropTables() throws Exception {
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS lf_lineage, lf_log, lf_run, lf_map, lf_owner, lf_queue, lf_worker, lf_checkpoint, lf_leader, lf_limit_slot, lf_limit, lf_queue_limit, lf_webhook_delivery, lf_future, lf_schedule_slot, lf_schedule, lf_trigger_fire, lf_trigger, lf_schema_history, customer");
        }
    }

    @FunctionalInterface
    private interface Opener {
        RunStore open();
    }
}
