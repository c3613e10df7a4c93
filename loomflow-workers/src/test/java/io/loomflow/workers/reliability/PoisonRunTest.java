package io.loomflow.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.QueuedRunFailedException;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import io.loomflow.workers.reliability.WorkerProcesses.WorkerProcess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run that brings down every worker JVM that takes it (a poison run) is not re-queued for ever:
 * after as many recoveries as its submission allows, the leader fails it with
 * {@code RunLostException}, deletes its checkpoints and cancels its unfinished child runs, and the
 * workers go on with the other runs.
 */
class PoisonRunTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS) // three JVM starts and two lease expiries on a loaded machine
    void aRunThatBringsDownEveryWorkerFailsOnceItsRecoveriesAreSpentAndTheOthersGoOn() throws Exception {
        String url = POSTGRES.url();
        try (Ledger ledger = Ledger.open(url, 2);
             WorkerProcesses processes = new WorkerProcesses(url, System.out::println)) {
            ledger.create();
            // The leader that re-queues expired leases: a worker of this JVM that never takes the poison run.
            try (Worker housekeeper = Worker.builder().database(url).name("housekeeper")
                    .flows(Flow.named("other", String.class, text -> text)).leaseExpiry(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(100)).build().start();
                 WorkQueue queue = WorkQueue.connect(url)) {
                Map<String, String> options = Map.of("concurrency", "2", "lease", "1000");
                WorkerProcess first = processes.start("first", options);
                first.awaitReady(WAIT);
                QueuedRun<String> poison = queue.runAsync(FiveStepWorker.FLOW, "{\"number\":1,\"hold\":\"crash\"}",
                        Submission.defaults().withMaxRecoveries(1));
                crashes(first, poison.id());
                // Recovered once (lease expired, re-queued): the next worker takes it, and goes down too.
                WorkerProcess second = processes.start("second", options);
                second.awaitReady(WAIT);
                crashes(second, poison.id());

                // A second loss is one more than allowed: the run fails, for good.
                assertThatThrownBy(() -> poison.result().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(QueuedRunFailedException.class, failed -> {
                            assertThat(failed.errorType()).isEqualTo("io.loomflow.RunLostException");
                            assertThat(failed.getMessage()).contains("lost its worker 2 time(s)")
                                    .contains("may be recovered only 1 time(s)").contains("Submission.withMaxRecoveries");
                        });
                assertThat(column(poison.id(), "state")).isEqualTo("failed");
                assertThat(column(poison.id(), "recoveries")).isEqualTo(2);
                assertThat(ledger.checkpoints(poison.id())).as("task 1's checkpoint, deleted with the run").isZero();

                // The workers go on: a third one runs the next run, and never the failed one again.
                WorkerProcess third = processes.start("third", options);
                third.awaitReady(WAIT);
                QueuedRun<String> healthy = queue.runAsync(FiveStepWorker.FLOW, "{\"number\":2,\"hold\":\"\"}",
                        Submission.defaults());
                assertThat(healthy.result().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isEqualTo("{\"worker\":\"third\",\"steps\":5}");
                assertThat(column(poison.id(), "attempts")).as("claims of the failed run").isEqualTo(2);
                assertThat(housekeeper.inFlight()).isZero();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aParentThatFailsForGoodCancelsItsUnfinishedChildrenAndDropsItsCheckpoints() throws Exception {
        String url = POSTGRES.url();
        try (Worker leader = Worker.builder().database(url).name("leader")
                .flows(Flow.named("other", String.class, text -> text)).leaseExpiry(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(100)).build();
             Connection connection = POSTGRES.connect()) {
            leader.start(); // creates the tables; the leader's housekeeping does the rest
            UUID parent = UUID.randomUUID();
            UUID queuedChild = UUID.randomUUID();
            UUID runningChild = UUID.randomUUID();
            UUID doneChild = UUID.randomUUID();
            try (Statement statement = connection.createStatement()) {
                // A parent whose worker died with its lease, with no recovery left, and a map's items.
                statement.execute("INSERT INTO lf_queue (id, flow, parameters, queue, not_before, state, token, owner,"
                        + " lease_until, attempts, recoveries, max_recoveries) VALUES ('" + parent + "', 'sum', '{}',"
                        + " 'default', now(), 'running', 3, '" + UUID.randomUUID() + "', now() - INTERVAL '1 second',"
                        + " 3, 2, 2)");
                statement.execute("INSERT INTO lf_queue (id, flow, parameters, queue, not_before, state, kind, parent,"
                        + " token, owner, lease_until) VALUES"
                        + " ('" + queuedChild + "', 'square', '1', 'items', now(), 'queued', 'task', '" + parent
                        + "', 0, NULL, NULL),"
                        + " ('" + runningChild + "', 'square', '2', 'items', now(), 'running', 'task', '" + parent
                        + "', 1, '" + UUID.randomUUID() + "', now() + INTERVAL '1 hour'),"
                        + " ('" + doneChild + "', 'square', '3', 'items', now(), 'completed', 'task', '" + parent
                        + "', 1, NULL, NULL)");
                statement.execute("INSERT INTO lf_checkpoint (run_id, key, value, task, created) VALUES ('" + parent
                        + "', 'square/1', '1', 'square', now())");
            }
            Instant deadline = Instant.now().plus(WAIT);
            while (!"failed".equals(column(parent, "state"))) {
                assertThat(Instant.now()).as("the leader fails the parent").isBefore(deadline);
                Thread.sleep(50); // polling the row the leader's heartbeat changes, bounded by the deadline
            }
            assertThat(column(parent, "error_type")).isEqualTo("io.loomflow.RunLostException");
            assertThat((String) column(parent, "error_message")).contains("lost its worker 3 time(s)");
            assertThat(column(queuedChild, "state")).isEqualTo("cancelled");
            assertThat(column(runningChild, "state")).as("its worker stops it at its next heartbeat").isEqualTo("cancelled");
            assertThat(column(doneChild, "state")).isEqualTo("completed");
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM lf_checkpoint WHERE run_id = '" + parent
                         + "'")) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
    }

    /** Waits for a worker JVM to take the poison run and go down with it. */
    private static void crashes(WorkerProcess worker, UUID run) throws InterruptedException {
        worker.await(("CRASH " + run)::equals, "the poison run's crash", WAIT);
        assertThat(worker.awaitExit(WAIT)).as(worker + " went down").isTrue();
        assertThat(worker.exitStatus()).isEqualTo(3);
    }

    private static Object column(UUID run, String column) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT " + column + " FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).as("queued run " + run).isTrue();
                return rows.getObject(1);
            }
        }
    }
}
