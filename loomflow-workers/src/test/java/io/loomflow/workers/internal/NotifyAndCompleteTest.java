package io.loomflow.workers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The doorbell (notifications with at most one notifying transaction in flight) and the batched,
 * fenced completions: what is rung while the turn is taken is sent once it is free, every id
 * arrives in payloads PostgreSQL accepts, and in a batch of completions each is fenced on its own.
 */
class NotifyAndCompleteTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private Database database;
    private Connection listener;

    @BeforeEach
    void open() throws Exception {
        database = Database.open(POSTGRES.url(), "notify-test", 4, true);
        listener = database.direct();
        try (Statement statement = listener.createStatement()) {
            statement.execute("LISTEN \"" + database.endedChannel() + "\"");
        }
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
        database.close();
    }

    /** The ids received on the completion channel until {@code expected} are all in, or the deadline passes. */
    private List<String> receive(Set<UUID> expected, Duration most) throws Exception {
        PGConnection pg = listener.unwrap(PGConnection.class);
        List<String> payloads = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        long deadline = System.nanoTime() + most.toNanos();
        while (!seen.containsAll(expected) && System.nanoTime() < deadline) {
            PGNotification[] received = pg.getNotifications(100);
            if (received != null) {
                for (PGNotification notification : received) {
                    payloads.add(notification.getParameter());
                    seen.addAll(Doorbell.runIds(notification.getParameter()));
                }
            }
        }
        return payloads;
    }

    @Test
    void whatIsRungWhileAWriterHoldsTheTurnIsSentAfterItInPayloadsPostgresAccepts() throws Exception {
        Doorbell doorbell = database.doorbell();
        assertThat(doorbell.tryInline()).isTrue();
        assertThat(doorbell.tryInline()).as("one notifying transaction in flight at a time").isFalse();
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            doorbell.ring(database.endedChannel(), id.toString());
        }
        doorbell.inlineDone();

        List<String> payloads = receive(ids, Duration.ofSeconds(30));

        Set<UUID> seen = new HashSet<>();
        payloads.forEach(payload -> seen.addAll(Doorbell.runIds(payload)));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(payloads).hasSizeBetween(3, 10) // 500 ids of 36 characters need three payloads
                .allSatisfy(payload -> assertThat(payload.length()).isLessThanOrEqualTo(Doorbell.MOST_PAYLOAD));
    }

    @Test
    void aPayloadThatIsNotAListOfIdsAsksForALookAtEverything() {
        assertThat(Doorbell.runIds("default")).isNull();
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        assertThat(Doorbell.runIds(one + "," + two)).containsExactly(one, two);
    }

    @Test
    void completionsWrittenTogetherAreEachFencedAndEachNotified() throws Exception {
        Map<UUID, Long> tokens = new HashMap<>();
        try (Connection connection = POSTGRES.connect();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO lf_queue (id, flow, parameters, queue, not_before, state, token, owner, lease_until)
                     VALUES (?, 'f', 'null', 'default', now(), 'running', ?, ?, now() + INTERVAL '1 minute')""");
             PreparedStatement checkpoint = connection.prepareStatement("""
                     INSERT INTO lf_checkpoint (run_id, key, value, task, created) VALUES (?, 'k', '1', 't', now())""")) {
            for (int i = 0; i < 300; i++) {
                UUID id = UUID.randomUUID();
                tokens.put(id, 3L);
                insert.setObject(1, id);
                insert.setLong(2, 3);
                insert.setObject(3, UUID.randomUUID());
                insert.addBatch();
                checkpoint.setObject(1, id);
                checkpoint.addBatch();
            }
            insert.executeBatch();
            checkpoint.executeBatch();
        }
        UUID taken = tokens.keySet().iterator().next(); // another worker claimed it since: its token moved on
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("UPDATE lf_queue SET token = 4 WHERE id = ?")) {
            statement.setObject(1, taken);
            statement.executeUpdate();
        }

        Map<UUID, Boolean> recorded = new HashMap<>();
        Doorbell doorbell = database.doorbell();
        assertThat(doorbell.tryInline()).as("another notification in flight: the completions must ring").isTrue();
        try (Completions completions = new Completions(database, "test");
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<UUID, Future<Boolean>> ends = new HashMap<>();
            tokens.forEach((id, token) -> ends.put(id, threads.submit(() -> completions.record(
                    new Completions.End(id, token, "completed", "\"done " + id + "\"", "java.lang.String", null, null)))));
            for (Map.Entry<UUID, Future<Boolean>> end : ends.entrySet()) {
                recorded.put(end.getKey(), end.getValue().get());
            }
        } finally {
            doorbell.inlineDone();
        }

        Set<UUID> ended = new HashSet<>(tokens.keySet());
        ended.remove(taken);
        assertThat(recorded).containsEntry(taken, false);
        assertThat(recorded.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey))
                .containsExactlyInAnyOrderElementsOf(ended);
        List<String> payloads = receive(ended, Duration.ofSeconds(30));
        Set<UUID> notified = new HashSet<>();
        payloads.forEach(payload -> notified.addAll(Doorbell.runIds(payload)));
        assertThat(notified).containsExactlyInAnyOrderElementsOf(ended);
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("""
                    SELECT count(*) FILTER (WHERE state = 'completed' AND result = '"done ' || id || '"'),
                           count(*) FILTER (WHERE state = 'running')
                    FROM lf_queue""")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(299);
                assertThat(rows.getInt(2)).as("the run another worker holds now").isEqualTo(1);
            }
            try (ResultSet rows = statement.executeQuery("SELECT run_id FROM lf_checkpoint")) {
                rows.next();
                assertThat(rows.getObject(1, UUID.class)).as("only the taken run keeps its checkpoints").isEqualTo(taken);
                assertThat(rows.next()).isFalse();
            }
        }
    }

    @Test
    void aCompletionWhileNothingElseNotifiesNotifiesInItsOwnStatement() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO lf_queue (id, flow, parameters, queue, not_before, state, token, owner, lease_until)
                     VALUES (?, 'f', 'null', 'default', now(), 'running', 1, ?, now() + INTERVAL '1 minute')""")) {
            insert.setObject(1, id);
            insert.setObject(2, UUID.randomUUID());
            insert.executeUpdate();
        }
        try (Completions completions = new Completions(database, "alone")) {
            assertThat(completions.record(new Completions.End(id, 1, "failed", null, null, "E", "broke"))).isTrue();
            // The doorbell's turn is free again: the completion took it and gave it back, and rang nothing.
            assertThat(database.doorbell().tryInline()).isTrue();
            database.doorbell().inlineDone();
        }

        assertThat(receive(Set.of(id), Duration.ofSeconds(30))).containsExactly(id.toString());
    }

    @Test
    void aCompletionAfterCloseFailsRatherThanWaitingForever() {
        Completions completions = new Completions(database, "closed");
        completions.close();
        CompletableFuture<Boolean> attempt = CompletableFuture.supplyAsync(() -> {
            try {
                return completions.record(new Completions.End(UUID.randomUUID(), 1, "completed", null, null, null, null));
            } catch (java.sql.SQLException refused) {
                throw new IllegalStateException(refused.getMessage(), refused);
            }
        });
        assertThat(attempt).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withMessageContaining("completions are closed");
    }
}
