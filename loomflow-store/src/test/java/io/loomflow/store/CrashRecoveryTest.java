package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL keeps what it flushed, and its unfinished runs become Crashed. */
class CrashRecoveryTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    @Test
    void runsOfAProcessKilledWithSigkillAreMarkedCrashedWhenTheStoreIsNextOpened() throws Exception {
        Process child = startChild(directory.resolve(".loomflow"));
        long pid = child.pid();
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            assertThat(out.readLine()).isEqualTo("ready");
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (RunStore store = RunStore.embedded(directory.resolve(".loomflow"))) {
            RunRecord finished = store.runs(RunQuery.all().withName("finished")).getFirst();
            assertThat(finished.state()).isEqualTo("Completed");

            RunRecord hangs = store.runs(RunQuery.all().withName("hangs")).getFirst();
            RunRecord stuck = store.children(hangs.id()).getFirst();
            for (RunRecord crashed : List.of(hangs, stuck)) {
                assertThat(crashed.state()).isEqualTo("Crashed");
                assertThat(crashed.history()).extracting(StateRecord::state)
                        .containsExactly("Scheduled", "Running", "Crashed");
                assertThat(crashed.history().getLast().detail())
                        .isEqualTo("the process that ran it (pid " + pid + " on " + java.net.InetAddress.getLocalHost()
                                .getHostName() + ") ended without finishing it");
                assertThat(crashed.duration()).isPresent();
            }
            assertThat(store.logs(stuck.id())).extracting(LogRecord::message).containsExactly("about to hang on forever");
        }
    }

    @Test
    void runsOfAProcessOnAnotherHostAreCrashedOnlyOnceItsHeartbeatIsStale() throws Exception {
        UUID elsewhereFresh = UUID.randomUUID();
        UUID elsewhereStale = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS lf_log, lf_run, lf_owner, lf_schema_history");
        }
        RunStore.open(POSTGRES.url()).close(); // creates the schema
        Instant now = Instant.now();
        UUID freshOwner = UUID.randomUUID();
        UUID staleOwner = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect()) {
            owner(connection, freshOwner, now.minusSeconds(20));
            owner(connection, staleOwner, now.minus(Duration.ofMinutes(10)));
            running(connection, elsewhereFresh, freshOwner);
            running(connection, elsewhereStale, staleOwner);
        }

        try (RunStore store = RunStore.open(POSTGRES.url())) {
            assertThat(store.run(elsewhereFresh).orElseThrow().state()).isEqualTo("Running");
            RunRecord stale = store.run(elsewhereStale).orElseThrow();
            assertThat(stale.state()).isEqualTo("Crashed");
            assertThat(stale.history().getLast().detail()).isEqualTo("the process that ran it (pid 4242 on"
                    + " another-host) ended without finishing it");
        }
    }

    private static void owner(Connection connection, UUID id, Instant heartbeat) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO lf_owner (id, host, pid, started_at, heartbeat_at) VALUES (?, 'another-host', 4242, ?, ?)")) {
            insert.setObject(1, id);
            insert.setObject(2, heartbeat.minusSeconds(60).atOffset(ZoneOffset.UTC));
            insert.setObject(3, heartbeat.atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    private static void running(Connection connection, UUID run, UUID owner) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (id, root_id, name, kind,"
                + " parameters, state, created_at, history, owner_id) VALUES (?, ?, 'remote', 'FLOW', 'null', 'Running',"
                + " now(), '[\"Scheduled\",\"2026-01-01T00:00:00Z\",\"\"]' || chr(10)"
                + " || '[\"Running\",\"2026-01-01T00:00:01Z\",\"attempt 1\"]' || chr(10), ?)")) {
            insert.setObject(1, run);
            insert.setObject(2, run);
            insert.setObject(3, owner);
            insert.executeUpdate();
        }
    }

    private static Process startChild(Path store) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path");
        command.add("-cp");
        command.add(modulePath == null || modulePath.isEmpty() ? classPath : modulePath + File.pathSeparator + classPath);
        command.add(CrashingProgram.class.getName());
        command.add(store.toString());
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
