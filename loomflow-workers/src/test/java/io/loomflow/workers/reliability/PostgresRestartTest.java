package io.loomflow.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkQueueException;
import io.loomflow.workers.WorkerInfo;
import io.loomflow.workers.reliability.WorkerProcesses.WorkerProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL stopped and started again while two worker JVMs run a stream of runs: the workers and
 * the queue client in this JVM reconnect by themselves, no run is lost or ends twice, and the
 * workers report the outage in single lines, without stack traces. The machine's PostgreSQL is
 * shared with other tests, so the outage is short and happens once, and it is started again in a
 * {@code finally} block whatever happens.
 */
class PostgresRestartTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A line of a stack trace, or the head of one. */
    private static final Pattern STACK = Pattern.compile("^\\s+at |^Caused by: |^Exception in thread |^\\s+\\.\\.\\. \\d+ more");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // two JVM starts, a database restart and lease expiries
    void workersAndClientsReconnectByThemselvesAfterPostgresRestartsAndLoseNoRun() throws Exception {
        String url = POSTGRES.url();
        try (Ledger ledger = Ledger.open(url, 2);
             WorkerProcesses processes = new WorkerProcesses(url, System.out::println)) {
            ledger.create();
            Map<String, String> options = Map.of("concurrency", "4", "lease", "3000", "work", "100");
            List<WorkerProcess> workers = List.of(processes.start("a", options), processes.start("b", options));
            for (WorkerProcess worker : workers) {
                worker.awaitReady(WAIT);
            }
            try (WorkQueue queue = WorkQueue.connect(url)) {
                List<QueuedRun<String>> runs = new ArrayList<>();
                CountDownLatch someDone = new CountDownLatch(4);
                for (int i = 0; i < 24; i++) {
                    QueuedRun<String> run = submit(queue, "before-" + i);
                    run.result().whenComplete((result, error) -> someDone.countDown());
                    runs.add(run);
                }
                assertThat(someDone.await(60, TimeUnit.SECONDS)).as("4 runs done before the restart").isTrue();

                try {
                    POSTGRES.stopServer();
                    assertThatThrownBy(() -> submit(queue, "during"))
                            .isInstanceOf(WorkQueueException.class)
                            .hasMessageContaining("cannot reach the queue database")
                            .satisfies(error -> assertThat(((WorkQueueException) error).isRetryable()).isTrue());
                } finally {
                    POSTGRES.startServer();
                    awaitAcceptingConnections();
                }
                awaitWorkersAlive(queue, 2);
                for (int i = 0; i < 16; i++) {
                    runs.add(submit(queue, "after-" + i));
                }

                for (QueuedRun<String> run : runs) {
                    assertThat(run.result().get(60, TimeUnit.SECONDS)).as("result of run " + run.id())
                            .matches("\\{\"worker\":\"[ab]\",\"steps\":5}");
                }
                assertThat(ledger.queueStates()).as("queue rows by state").isEqualTo(Map.of("completed", 40));
                Map<java.util.UUID, Integer> effects = ledger.effectsByRun();
                assertThat(effects).as("runs with effects").hasSize(40);
                assertThat(effects.values()).as("effects per run").containsOnly(FiveStepWorker.STEPS);
            }
            for (WorkerProcess worker : workers) {
                List<String> lines = worker.lines();
                assertThat(lines).as("output of worker " + worker.name() + " holds no stack trace")
                        .noneMatch(line -> STACK.matcher(line).find());
                assertThat(lines).as("worker " + worker.name() + " reported the outage")
                        .anyMatch(line -> line.contains("WARNING") && line.contains("cannot"));
                assertThat(lines).as("worker " + worker.name() + " reported the reconnection")
                        .anyMatch(line -> line.contains("listening for notifications again")
                                || line.contains("heartbeat reaches"));
                // A part of the worker (claim loop, heartbeat, listener, run history) says once that it lost the
                // database, not once per retry; what concerns one run (a lease lost, a checkpoint retried) is
                // said once per run.
                List<String> warnings = lines.stream().filter(line -> line.contains(" WARNING ")).toList();
                assertThat(warnings.stream().map(PostgresRestartTest::kind).distinct().count())
                        .as("warnings said once each by worker " + worker.name() + ": " + warnings)
                        .isEqualTo(warnings.size());
            }
        }
    }

    private static QueuedRun<String> submit(WorkQueue queue, String key) {
        return queue.runAsync(FiveStepWorker.FLOW, "{\"number\":0,\"hold\":\"\"}",
                Submission.defaults().withIdempotencyKey(key));
    }

    /**
     * What a warning says, without its time and its varying reason (in parentheses), and with the
     * run it names, if any: two warnings of one kind show a message repeated per retry.
     */
    private static String kind(String line) {
        return line.replaceFirst("^\\S+ ", "").replaceAll("\\(.*\\)", "(...)");
    }

    /** Waits until the server accepts a connection, not only listens: no event tells it, so this polls with a deadline. */
    private static void awaitAcceptingConnections() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection connection = POSTGRES.connect()) {
                return;
            } catch (SQLException starting) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not accept connections within 30 s of its start", starting);
                }
                new CountDownLatch(1).await(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Waits until the workers' heartbeats reach the database again, so that a submission finds them live. */
    private static void awaitWorkersAlive(WorkQueue queue, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (queue.workers().stream().filter(WorkerInfo::alive).count() < count) {
            assertThat(System.nanoTime()).as(count + " workers alive within 30 s of the restart").isLessThan(deadline);
            new CountDownLatch(1).await(50, TimeUnit.MILLISECONDS);
        }
    }
}
