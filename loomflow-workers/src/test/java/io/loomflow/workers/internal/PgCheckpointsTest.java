package io.loomflow.workers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.Checkpoint;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.FencedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The checkpoints of a worker's runs in PostgreSQL: values come back as their types, failures as
 * type and message, and a worker whose claim was taken over (its fencing token bumped, as a
 * re-claim does) is refused.
 */
class PgCheckpointsTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    record Page(String url, List<Integer> sizes, Instant fetched) {
    }

    /** A value the JSON codec cannot build from a checkpoint: not a record, no creator. */
    static final class Socketish {
        private final Thread owner = Thread.currentThread();

        @Override
        public String toString() {
            return "socket of " + owner.getName();
        }
    }

    private final Map<UUID, Long> tokens = new ConcurrentHashMap<>();
    private final UUID run = UUID.randomUUID();
    private Database database;
    private PgCheckpoints checkpoints;

    @BeforeEach
    void claimARun() throws Exception {
        database = Database.open(POSTGRES.url(), "checkpoints-test", 2, true);
        checkpoints = new PgCheckpoints(database, tokens::get, Duration.ofSeconds(5), InstantSource.system(),
                new CountDownLatch(1));
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     INSERT INTO lf_queue (id, flow, parameters, queue, not_before, state, token, owner, lease_until)
                     VALUES (?, 'f', 'null', 'default', now(), 'running', 7, ?, now() + INTERVAL '1 minute')""")) {
            statement.setObject(1, run);
            statement.setObject(2, UUID.randomUUID());
            statement.executeUpdate();
        }
        tokens.put(run, 7L);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aSavedValueIsLoadedBackAsItsOwnType() {
        Page page = new Page("example.org", List.of(3, 4), Instant.parse("2026-01-02T03:04:05Z"));
        UUID child = UUID.randomUUID();

        checkpoints.save(run, "/fetch#abc#0", Checkpoint.completed(page, "fetch", child, Instant.now()));
        Checkpoint loaded = checkpoints.load(run, "/fetch#abc#0", getClass().getClassLoader()).orElseThrow();

        assertThat(loaded.value()).isEqualTo(page);
        assertThat(loaded.task()).isEqualTo("fetch");
        assertThat(loaded.runId()).isEqualTo(child);
        assertThat(loaded.failed()).isFalse();
        assertThat(checkpoints.load(run, "/fetch#abc#1", getClass().getClassLoader())).isEmpty();
    }

    @Test
    void aFailureIsLoadedBackAsItsTypeAndMessage() {
        checkpoints.save(run, "/charge#k#0", Checkpoint.failed("java.lang.IllegalStateException", "card declined",
                "charge", null, Instant.now()));

        Checkpoint loaded = checkpoints.load(run, "/charge#k#0", getClass().getClassLoader()).orElseThrow();

        assertThat(loaded.failed()).isTrue();
        assertThat(loaded.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(loaded.errorMessage()).isEqualTo("card declined");
    }

    @Test
    void aKeyLongerThanTheIndexAllowsIsStillSavedAndFound() {
        String key = "/map[1]".repeat(500);

        checkpoints.save(run, key, Checkpoint.completed("deep", "leaf", null, Instant.now()));

        assertThat(checkpoints.load(run, key, getClass().getClassLoader()).orElseThrow().value()).isEqualTo("deep");
    }

    @Test
    void aWorkerWhoseClaimWasTakenOverCannotCheckpoint() throws Exception {
        checkpoints.save(run, "/a#k#0", Checkpoint.completed(1, "a", null, Instant.now()));
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE lf_queue SET token = token + 1, owner = ? WHERE id = ?")) {
            statement.setObject(1, UUID.randomUUID());
            statement.setObject(2, run);
            statement.executeUpdate();
        }

        assertThatThrownBy(() -> checkpoints.save(run, "/b#k#0", Checkpoint.completed(2, "b", null, Instant.now())))
                .isInstanceOf(FencedException.class)
                .hasMessageStartingWith("run " + run + " is owned by another worker now (this worker's claim, fencing"
                        + " token 7, was taken over after its lease expired); the checkpoint of task 'b' was refused");
        assertThat(checkpoints.load(run, "/b#k#0", getClass().getClassLoader())).isEmpty();
    }

    @Test
    void aValueThatCannotBeCheckpointedIsRefusedNamingTheTaskAndTheType() {
        assertThatThrownBy(() -> checkpoints.save(run, "/open#k#0",
                Checkpoint.completed(new Socketish(), "open", null, Instant.now())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the result of task 'open', of type " + Socketish.class.getName()
                        + ", cannot be checkpointed");
        assertThat(checkpoints.load(run, "/open#k#0", getClass().getClassLoader())).isEmpty();
    }
}
