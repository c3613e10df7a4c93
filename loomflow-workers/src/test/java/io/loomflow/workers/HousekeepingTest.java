package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader's retention of ended runs: rows of runs that ended longer ago than
 * {@link Worker.Builder#keepEndedRuns} go, with what is left of their checkpoints and, once their
 * parent is gone, their child runs; a child of a parent still there stays, whatever its age.
 */
class HousekeepingTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void runsThatEndedLongerAgoThanTheyAreKeptAreDeletedWithTheirChildrenAndCheckpoints() throws Exception {
        Flow<String, String> echo = Flow.named("echo", String.class, s -> s);
        workers.start(workers.builder(echo).name("leader").leaseExpiry(Duration.ofSeconds(2))
                .keepEndedRuns(Duration.ofMinutes(1)));
        UUID old = UUID.randomUUID();
        UUID oldChild = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        UUID runningParent = UUID.randomUUID();
        UUID oldChildOfRunning = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO lf_queue (id, flow, parameters, queue, not_before, idempotency_key, state,"
                    + " ended, parent, kind) VALUES"
                    + " ('" + old + "', 'echo', '\"a\"', 'default', now(), 'key-old', 'completed',"
                    + "  now() - INTERVAL '2 minutes', NULL, 'flow'),"
                    + " ('" + oldChild + "', 'item', '1', 'items', now(), NULL, 'completed',"
                    + "  now() - INTERVAL '3 minutes', '" + old + "', 'task'),"
                    + " ('" + recent + "', 'echo', '\"b\"', 'default', now(), NULL, 'failed', now(), NULL, 'flow'),"
                    + " ('" + runningParent + "', 'elsewhere', '\"c\"', 'default', now(), NULL, 'queued', NULL, NULL, 'flow'),"
                    + " ('" + oldChildOfRunning + "', 'item', '2', 'items', now(), NULL, 'completed',"
                    + "  now() - INTERVAL '1 day', '" + runningParent + "', 'task')");
            statement.execute("INSERT INTO lf_checkpoint (run_id, key, value, task, created) VALUES ('" + old
                    + "', 'k', '1', 'item', now())");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Set.of(recent.toString(), runningParent.toString(), oldChildOfRunning.toString()).equals(rows())) {
            assertThat(System.nanoTime()).as("the leader deleted the old runs; left: " + rows()).isLessThan(deadline);
            new CountDownLatch(1).await(50, TimeUnit.MILLISECONDS); // polls the table, bounded by the deadline
        }
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM lf_checkpoint")) {
            count.next();
            assertThat(count.getInt(1)).as("checkpoints of deleted runs").isZero();
        }
        // The deleted run's idempotency key is free again: the same key makes a new run.
        WorkQueue queue = workers.queue();
        QueuedRun<String> again = queue.runAsync(echo, "a", Submission.defaults().withIdempotencyKey("key-old"));
        assertThat(again.created()).isTrue();
        assertThat(again.id()).isNotEqualTo(old);
        assertThat(again.result().get(30, TimeUnit.SECONDS)).isEqualTo("a");
    }

    private static Set<String> rows() throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT id FROM lf_queue");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
