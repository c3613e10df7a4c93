package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store of schema version 3, with runs as that version wrote them (a root with its result, a child
 * that failed after a retry, a run still running, log lines), is migrated to version 4 when a newer
 * Loomflow opens it: every run reads back as the same record, and the new reads (summaries, pages)
 * see them.
 */
class MigrationToV4Test {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    private final UUID root = UUID.randomUUID();
    private final UUID child = UUID.randomUUID();
    private final UUID running = UUID.randomUUID();
    /** Microseconds: what PostgreSQL's timestamps keep, so that the columns and the history text agree. */
    private final Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");

    @Test
    void anEmbeddedStoreOfVersion3IsMigratedWithEveryRunReadAsBefore() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history").toAbsolutePath();
        migratedRunsReadAsBefore(url, "sa", "h2", () -> RunStore.embedded(directory));
    }

    @Test
    void aPostgresStoreOfVersion3IsMigratedWithEveryRunReadAsBefore() throws Exception {
        POSTGRES.emptySchema();
        migratedRunsReadAsBefore(POSTGRES.url(), "postgres", "postgresql", () -> RunStore.open(POSTGRES.url()));
    }

    private void migratedRunsReadAsBefore(String url, String user, String dialect, Supplier<RunStore> opener)
            throws Exception {
        Flyway.configure(getClass().getClassLoader()).dataSource(url, user, "")
                .locations("classpath:io/loomflow/store/migration/" + dialect).table("lf_schema_history").target("3")
                .load().migrate();
        List<StateRecord> rootHistory = List.of(new StateRecord(State.Kind.SCHEDULED, at, ""),
                new StateRecord(State.Kind.RUNNING, at.plusMillis(1), "attempt 1"),
                new StateRecord(State.Kind.COMPLETED, at.plusMillis(9), ""));
        List<StateRecord> childHistory = List.of(new StateRecord(State.Kind.SCHEDULED, at.plusMillis(2), ""),
                new StateRecord(State.Kind.RUNNING, at.plusMillis(3), "attempt 1"),
                new StateRecord(State.Kind.RETRYING, at.plusMillis(4), "attempt 1 failed with x; next in PT0S"),
                new StateRecord(State.Kind.RUNNING, at.plusMillis(5), "attempt 2"),
                new StateRecord(State.Kind.FAILED, at.plusMillis(6), "java.lang.IllegalStateException: bad"));
        List<StateRecord> runningHistory = List.of(new StateRecord(State.Kind.SCHEDULED, at.plusMillis(7), ""),
                new StateRecord(State.Kind.RUNNING, at.plusMillis(8), "attempt 1"));
        ErrorRecord error = new ErrorRecord("java.lang.IllegalStateException", "bad", "java.lang.IllegalStateException: bad\n");
        RunRecord oldRoot = new RunRecord(root, null, root, "old-flow", RunInfo.Kind.FLOW, "{\"n\":1}",
                State.Kind.COMPLETED, rootHistory, null, "42", null);
        RunRecord oldChild = new RunRecord(child, root, root, "old-task", RunInfo.Kind.TASK, "1", State.Kind.FAILED,
                childHistory, error, null, null);
        RunRecord oldRunning = new RunRecord(running, null, running, "old-running", RunInfo.Kind.FLOW, "null",
                State.Kind.RUNNING, runningHistory, null, null, null);
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            for (RunRecord run : List.of(oldRoot, oldChild, oldRunning)) {
                insert(connection, run);
            }
            try (PreparedStatement log = connection.prepareStatement("INSERT INTO lf_log (run_id, seq, at, level,"
                    + " message, error) VALUES (?, 0, ?, 'INFO', 'trying', '')")) {
                log.setObject(1, child);
                log.setObject(2, at.plusMillis(3).atOffset(ZoneOffset.UTC));
                log.executeUpdate();
            }
        }

        try (RunStore store = opener.get()) {
            assertThat(store.run(root)).contains(oldRoot);
            assertThat(store.run(child)).contains(oldChild);
            assertThat(store.run(running)).contains(oldRunning);
            assertThat(store.runs(RunQuery.all())).containsExactly(oldRunning, oldChild, oldRoot);
            assertThat(store.runs(RunQuery.all().withRootsOnly().withState(State.Kind.COMPLETED))).containsExactly(oldRoot);
            assertThat(store.children(root)).containsExactly(oldChild);
            assertThat(store.children(root, PageQuery.first(10)).entries()).containsExactly(oldChild);
            assertThat(store.summary(root).orElseThrow().childCounts()).isEqualTo(Map.of(State.Kind.FAILED, 1L));
            assertThat(store.logs(child)).extracting(LogRecord::message).containsExactly("trying");
        }
    }

    private static void insert(Connection connection, RunRecord run) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (id, parent_id, root_id, name,"
                + " kind, parameters, state, created_at, started_at, ended_at, history, error_type, error_message,"
                + " error_stack, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, run.id());
            insert.setObject(2, run.parentId());
            insert.setObject(3, run.rootId());
            insert.setString(4, run.name());
            insert.setString(5, run.kind().name());
            insert.setString(6, run.parameters());
            insert.setString(7, run.state().label());
            insert.setObject(8, run.createdAt().atOffset(ZoneOffset.UTC));
            insert.setObject(9, run.history().get(1).at().atOffset(ZoneOffset.UTC));
            insert.setObject(10, run.isFinal() ? run.history().getLast().at().atOffset(ZoneOffset.UTC) : null);
            StringBuilder history = new StringBuilder();
            for (StateRecord state : run.history()) {
                history.append("[\"").append(state.state()).append("\",\"").append(state.at()).append("\",\"")
                        .append(state.detail()).append("\"]\n");
            }
            insert.setString(11, history.toString());
            insert.setString(12, run.error() == null ? null : run.error().type());
            insert.setString(13, run.error() == null ? null : run.error().message());
            insert.setString(14, run.error() == null ? null : run.error().stackTrace());
            insert.setString(15, run.result());
            insert.executeUpdate();
        }
    }
}
