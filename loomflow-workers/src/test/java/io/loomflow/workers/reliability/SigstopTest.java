package io.loomflow.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.reliability.WorkerProcesses.WorkerProcess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker JVM frozen with SIGSTOP past its lease (2 s) while it runs two runs, one inside a task
 * and one after its last task: another worker takes both over; resumed with SIGCONT while the
 * other still runs them, the frozen worker's late checkpoint and late completion are refused by
 * the fencing token, and each run's result is the second worker's, ended exactly once.
 */
class SigstopTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // two JVM starts and a lease expiry on a loaded 2-core machine
    void aWorkerFrozenPastItsLeaseIsFencedOutAndTheRunsCompleteOnceOnAnother() throws Exception {
        String url = POSTGRES.url();
        try (Ledger ledger = Ledger.open(url, 2);
             WorkerProcesses processes = new WorkerProcesses(url, System.out::println)) {
            ledger.create();
            WorkerProcess frozen = processes.start("frozen", Map.of("concurrency", "2", "lease", "2000", "hold", "true"));
            frozen.awaitReady(WAIT);
            try (WorkQueue queue = WorkQueue.connect(url); EndedRuns ended = new EndedRuns(url, ledger.schema())) {
                QueuedRun<String> lateCheckpoint = queue.runAsync(FiveStepWorker.FLOW, "{\"number\":1,\"hold\":\"step3\"}",
                        Submission.defaults());
                QueuedRun<String> lateCompletion = queue.runAsync(FiveStepWorker.FLOW, "{\"number\":2,\"hold\":\"end\"}",
                        Submission.defaults());
                frozen.await(("HOLD " + lateCheckpoint.id() + " step3")::equals, "hold inside task 3", WAIT);
                frozen.await(("HOLD " + lateCompletion.id() + " end")::equals, "hold after the last task", WAIT);

                frozen.signal("STOP");
                boolean resumed = false;
                try {
                    // The taker holds at the same places, so that the frozen worker's late writes meet the runs
                    // still running under the taker's claim: only the fencing token tells the two apart.
                    WorkerProcess taker = processes.start("taker", Map.of("concurrency", "2", "lease", "2000",
                            "hold", "true"));
                    UUID takerId = taker.awaitReady(WAIT);
                    taker.await(("HOLD " + lateCheckpoint.id() + " step3")::equals, "hold inside task 3", WAIT);
                    taker.await(("HOLD " + lateCompletion.id() + " end")::equals, "hold after the last task", WAIT);

                    // The frozen worker's heartbeat would notice the take-over and stop the runs before they
                    // write; a lock on its row in lf_worker holds the heartbeat, so that its late writes reach
                    // the database and the fencing token is what refuses them.
                    try (Connection lock = POSTGRES.connect()) {
                        lock.setAutoCommit(false);
                        try (PreparedStatement statement = lock.prepareStatement(
                                "SELECT 1 FROM lf_worker WHERE name = 'frozen' FOR UPDATE")) {
                            statement.executeQuery().close();
                        }
                        frozen.signal("CONT");
                        resumed = true;
                        frozen.send("release");
                        frozen.await(line -> line.contains("gave queued run " + lateCheckpoint.id() + " up here")
                                && line.contains("FencedException") && line.contains("step3"),
                                "refused checkpoint of task 3", WAIT);
                        frozen.await(line -> line.contains("gave queued run " + lateCompletion.id() + " up here")
                                && line.contains("its completion was refused"), "refused completion", WAIT);
                        lock.rollback();
                    }
                    for (QueuedRun<String> run : List.of(lateCheckpoint, lateCompletion)) {
                        List<Object> row = ledger.queueRow(run.id());
                        assertThat(row.get(0)).as("state while the taker holds it").isEqualTo("running");
                        assertThat(row.get(1)).as("owner while the taker holds it").isEqualTo(takerId);
                        assertThat(row.get(2)).as("result while the taker holds it").isNull();
                    }
                    assertThat(ledger.checkpoints(lateCheckpoint.id())).as("checkpoints: tasks 1 and 2, not the late 3")
                            .isEqualTo(2);

                    taker.send("release");
                    String takersResult = "{\"worker\":\"taker\",\"steps\":5}";
                    assertThat(lateCheckpoint.result().get(60, TimeUnit.SECONDS)).isEqualTo(takersResult);
                    assertThat(lateCompletion.result().get(60, TimeUnit.SECONDS)).isEqualTo(takersResult);
                    for (QueuedRun<String> run : List.of(lateCheckpoint, lateCompletion)) {
                        List<Object> row = ledger.queueRow(run.id());
                        assertThat(row.get(0)).as("state").isEqualTo("completed");
                        assertThat(row.get(1)).as("owner").isEqualTo(takerId);
                        assertThat((String) row.get(2)).as("result").isEqualTo(takersResult);
                        assertThat(ledger.checkpoints(run.id())).as("checkpoints left after completion").isZero();
                    }
                    ended.awaitAll(List.of(lateCheckpoint.id(), lateCompletion.id()), WAIT);
                    assertThat(ended.counts()).as("end-of-run notifications")
                            .isEqualTo(Map.of(lateCheckpoint.id(), 1, lateCompletion.id(), 1));
                    assertThat(ledger.effectsByRun()).as("effects per run")
                            .isEqualTo(Map.of(lateCheckpoint.id(), 5, lateCompletion.id(), 5));
                    assertThat(ledger.conflictsOf(lateCheckpoint.id(), 3))
                            .as("task 3 ran on both workers and wrote its effect once, under the same key")
                            .hasSize(1);
                    assertThat(attempts(lateCheckpoint.id())).isEqualTo(2);
                    assertThat(frozen.alive()).as("the frozen worker goes on after being fenced out").isTrue();

                    // The run history of the frozen worker's executions (attempt 1 of each run, recorded
                    // under the queued run's id): what it did after it lost the runs is not recorded, and
                    // each ends Crashed with the reason, not Completed.
                    try (RunStore history = RunStore.openReadOnly(url)) {
                        RunRecord first = awaitFinal(history, lateCheckpoint.id());
                        assertThat(first.state()).as("frozen execution of the run held in task 3")
                                .isEqualTo(State.Kind.CRASHED);
                        assertThat(first.history().getLast().detail()).contains("lost queued run " + lateCheckpoint.id());
                        Map<String, State.Kind> steps = new TreeMap<>();
                        history.children(first.id()).forEach(child -> steps.put(child.name(), child.state()));
                        assertThat(steps).as("its tasks: 1 and 2 completed while it held the run; 3, which"
                                + " finished after the take-over, is not recorded as completed")
                                .isEqualTo(Map.of("step1", State.Kind.COMPLETED, "step2", State.Kind.COMPLETED,
                                        "step3", State.Kind.CRASHED));
                        RunRecord second = awaitFinal(history, lateCompletion.id());
                        assertThat(second.state()).as("frozen execution of the run held after its last task")
                                .isEqualTo(State.Kind.CRASHED);
                        assertThat(history.children(second.id())).as("its five tasks, completed before the freeze")
                                .hasSize(5).allSatisfy(child -> assertThat(child.state()).isEqualTo(State.Kind.COMPLETED));
                    }
                } finally {
                    if (!resumed) {
                        frozen.signal("CONT");
                    }
                }
            }
        }
    }

    /** The run's record once it has ended: the frozen worker records its history off its runs' threads. */
    private static RunRecord awaitFinal(RunStore history, UUID run) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            Optional<RunRecord> record = history.run(run);
            if (record.isPresent() && record.get().state().isFinal()) {
                return record.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("run " + run + " did not end in the history within " + WAIT + ": " + record);
            }
            Thread.sleep(50); // polling the store, bounded by the deadline
        }
    }

    private static int attempts(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT attempts FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
