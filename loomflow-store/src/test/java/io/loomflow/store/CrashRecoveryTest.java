package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.State;
import io.loomflow.store.contract.Postgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
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
            assertThat(finished.state()).isEqualTo(State.Kind.COMPLETED);

            RunRecord hangs = store.runs(RunQuery.all().withName("hangs")).getFirst();
            RunRecord stuck = store.children(hangs.id()).getFirst();
            for (RunRecord crashed : List.of(hangs, stuck)) {
                assertThat(crashed.state()).isEqualTo(State.Kind.CRASHED);
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
    void itemsOfAMapLeftRunningByAKilledProcessAreCountedCrashedInTheMapAndKept() throws Exception {
        Path store = directory.resolve(".loomflow");
        Process child = ChildJvm.start(CrashingMapProgram.class, store.toString());
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            assertThat(out.readLine()).isEqualTo("ready");
        }
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (RunStore history = RunStore.embedded(store)) {
            RunRecord root = history.runs(RunQuery.all().withName("mapping")).getFirst();
            RunSummary summary = history.summary(root.id()).orElseThrow();
            MapSummary map = summary.maps().getFirst();
            assertThat(map.counts()).containsOnly(java.util.Map.entry(State.Kind.COMPLETED, 4L),
                    java.util.Map.entry(State.Kind.CRASHED, 6L));
            assertThat(map.durations().count()).isEqualTo(10);
            assertThat(summary.childCounts()).containsEntry(State.Kind.CRASHED, 6L).doesNotContainKey(State.Kind.RUNNING);
            assertThat(history.items(map.id(), PageQuery.first(100)).entries())
                    .allSatisfy(item -> assertThat(item.state()).isEqualTo(State.Kind.CRASHED))
                    .extracting(item -> item.mapItem().index()).containsExactly(4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void aCrashedRunEndsWhenItsProcessWasLastSeenAliveNotWhenTheStoreIsNextOpened() throws Exception {
        Path store = directory.resolve(".loomflow");
        Process child = startChild(store);
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            assertThat(out.readLine()).isEqualTo("ready");
        }
        // Let the process live on for two seconds after its runs' last states, renewing its heartbeat.
        Instant[] lastSeen = new Instant[1];
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + store.resolve("history")
                + ";AUTO_SERVER=TRUE", "sa", "")) {
            Instant running = lastStateOfHangs(connection);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                lastSeen[0] = heartbeat(connection);
                return lastSeen[0].isAfter(running.plusSeconds(2));
            });
        }
        Instant killedAt = Instant.now();
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Instant openedAt = Instant.now();

        Instant shownByAReader;
        try (RunStore reader = RunStore.embeddedReadOnly(store)) {
            RunRecord hangs = reader.runs(RunQuery.all().withName("hangs")).getFirst();
            assertThat(hangs.state()).as("shown Crashed, though not recorded so by a reader").isEqualTo(State.Kind.CRASHED);
            shownByAReader = hangs.history().getLast().at();
        }
        try (RunStore writer = RunStore.embedded(store)) {
            RunRecord hangs = writer.runs(RunQuery.all().withName("hangs")).getFirst();
            Instant crashedAt = hangs.history().getLast().at();
            assertThat(crashedAt).isEqualTo(shownByAReader).isAfterOrEqualTo(lastSeen[0]).isBeforeOrEqualTo(killedAt)
                    .isBefore(openedAt);
            assertThat(hangs.duration().orElseThrow()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            RunRecord stuck = writer.children(hangs.id()).getFirst();
            assertThat(stuck.history().getLast().at()).isEqualTo(crashedAt);
        }
    }

    private static Instant lastStateOfHangs(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT started FROM lf_run WHERE name = 'stuck'")) {
            assertThat(row.next()).isTrue();
            long nanos = row.getLong(1);
            return Instant.ofEpochSecond(0, nanos);
        }
    }

    private static Instant heartbeat(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT heartbeat_at FROM lf_owner")) {
            assertThat(row.next()).isTrue();
            return row.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    @Test
    void runsOfAProcessOnAnotherHostAreCrashedOnlyOnceItsHeartbeatIsStale() throws Exception {
        UUID elsewhereFresh = UUID.randomUUID();
        UUID elsewhereStale = UUID.randomUUID();
        POSTGRES.emptySchema();
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
            assertThat(store.run(elsewhereFresh).orElseThrow().state()).isEqualTo(State.Kind.RUNNING);
            RunRecord stale = store.run(elsewhereStale).orElseThrow();
            assertThat(stale.state()).isEqualTo(State.Kind.CRASHED);
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
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (id, root_id, root_at, name,"
                + " kind, parameters, state, created, started, owner_id) VALUES (?, ?, 1767225600000000000, 'remote',"
                + " 'FLOW', 'null', 2, 1767225600000000000, 1767225601000000000, ?)")) {
            insert.setObject(1, run);
            insert.setObject(2, run);
            insert.setObject(3, owner);
            insert.executeUpdate();
        }
    }

    private static Process startChild(Path store) throws Exception {
        return ChildJvm.start(CrashingProgram.class, store.toString());
    }
}
