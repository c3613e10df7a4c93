package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker whose claim was taken over while it was busy (its token bumped in SQL, as a re-claim
 * after an expired lease does) can neither checkpoint nor complete the run: its late writes are
 * refused and the run stays as the new owner has it.
 */
class FencingTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final CountDownLatch inSecond = new CountDownLatch(1);
    private final CountDownLatch goOn = new CountDownLatch(1);
    private final AtomicInteger afterTakeOver = new AtomicInteger();
    private final Task<String, String> first = Task.named("first", (String s) -> s + "1");
    private final Task<String, String> second = Task.named("second", (String s) -> {
        inSecond.countDown();
        goOn.await();
        return s + "2";
    });
    private final Task<String, String> third = Task.named("third", (String s) -> {
        afterTakeOver.incrementAndGet();
        return s + "3";
    });
    private final Flow<String, String> steps = Flow.named("steps", String.class,
            s -> third.call(second.call(first.call(s))));
    private final CountDownLatch inPlain = new CountDownLatch(1);
    private final CountDownLatch finishPlain = new CountDownLatch(1);
    /** A flow without children: nothing to checkpoint, so only its completion can be refused. */
    private final Flow<String, String> plain = Flow.named("plain", String.class, s -> {
        inPlain.countDown();
        finishPlain.await();
        return s + "!";
    });
    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aWorkerThatLostItsClaimCannotCheckpointOrCompleteTheRun() throws Exception {
        Worker paused = workers.start(workers.builder(steps).name("paused"));
        WorkQueue queue = workers.queue();
        QueuedRun<String> run = queue.runAsync(steps, "s", Submission.defaults());
        assertThat(inSecond.await(30, TimeUnit.SECONDS)).isTrue();
        UUID newOwner = takeOver(run.id());

        goOn.countDown();
        awaitIdle(paused);

        assertThat(afterTakeOver).as("the run stopped at the refused checkpoint of 'second'").hasValue(0);
        assertThat(checkpointed(run.id())).as("only 'first' was checkpointed").isEqualTo(1);
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state, owner, result FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run.id());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("running");
                assertThat(rows.getObject(2, UUID.class)).isEqualTo(newOwner);
                assertThat(rows.getString(3)).isNull();
            }
        }
        assertThat(run.result()).isNotDone();
    }

    @Test
    void aWorkerThatLostItsClaimCannotCompleteTheRun() throws Exception {
        Worker paused = workers.start(workers.builder(plain).name("paused"));
        WorkQueue queue = workers.queue();
        QueuedRun<String> run = queue.runAsync(plain, "p", Submission.defaults());
        assertThat(inPlain.await(30, TimeUnit.SECONDS)).isTrue();
        UUID newOwner = takeOver(run.id());

        finishPlain.countDown();
        awaitIdle(paused);

        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state, owner, result FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run.id());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("running");
                assertThat(rows.getObject(2, UUID.class)).isEqualTo(newOwner);
                assertThat(rows.getString(3)).isNull();
            }
        }
        assertThat(run.result()).isNotDone();
    }

    @Test
    void aWorkerThatClaimsAgainARunItLostStopsItsEarlierExecutionBeforeResumingIt() throws Exception {
        AtomicInteger firstCalls = new AtomicInteger();
        AtomicInteger secondCalls = new AtomicInteger();
        CountDownLatch secondAgain = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<String, String> one = Task.named("one", (String s) -> {
            firstCalls.incrementAndGet();
            return s + "1";
        });
        Task<String, String> two = Task.named("two", (String s) -> {
            if (secondCalls.incrementAndGet() == 1) {
                inSecond.countDown();
                new CountDownLatch(1).await(); // the earlier execution: held here until it is stopped
            }
            secondAgain.countDown();
            release.await();
            return s + "2";
        });
        Flow<String, String> twoSteps = Flow.named("two-steps", String.class, s -> two.call(one.call(s)));
        Worker worker = workers.start(workers.builder(twoSteps).name("same"));
        QueuedRun<String> run = workers.queue().runAsync(twoSteps, "s", Submission.defaults());
        assertThat(inSecond.await(30, TimeUnit.SECONDS)).isTrue();

        // Its lease expired and the leader put it back in the queue (as RECOVER_EXPIRED does): the same
        // worker, which still executes it, claims it again at its next poll.
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("UPDATE lf_queue SET state = 'queued',"
                     + " owner = NULL, lease_until = NULL, token = token + 1, recoveries = recoveries + 1 WHERE id = ?")) {
            statement.setObject(1, run.id());
            statement.executeUpdate();
        }
        assertThat(secondAgain.await(30, TimeUnit.SECONDS)).as("the second execution reached task 'two'").isTrue();
        release.countDown();

        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo("s12");
        assertThat(firstCalls).as("'one' completed in the earlier execution and was replayed, not run again")
                .hasValue(1);
        assertThat(secondCalls).as("'two' was in flight when the run was lost, and ran again").hasValue(2);
        awaitIdle(worker);
    }

    @Test
    void aRunAWorkerOwnsButNoLongerExecutesIsLeftToExpireNotExtendedForEver() throws Exception {
        // Such a run is one whose end the worker could not record (the database refused it, or stayed
        // away past the lease): its heartbeat must not keep its lease alive, or no one would run it again.
        Worker worker = workers.start(workers.builder(plain).name("owner").leaseExpiry(Duration.ofSeconds(1)));
        UUID orphan = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("INSERT INTO lf_queue (id, flow, parameters,"
                     + " queue, not_before, state, token, owner, lease_until, attempts) VALUES (?, 'elsewhere', '{}',"
                     + " 'default', now(), 'running', 1, ?, now() + INTERVAL '1 second', 1)")) {
            statement.setObject(1, orphan);
            statement.setObject(2, worker.id());
            statement.executeUpdate();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"queued".equals(state(orphan))) {
            assertThat(System.nanoTime()).as("the lease expired and the leader re-queued the run").isLessThan(deadline);
            new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS); // polls the row, bounded by the deadline
        }
    }

    private static String state(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT state FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** Waits until the worker holds no run: no event tells it from outside, so this polls with a deadline. */
    private static void awaitIdle(Worker worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (worker.inFlight() > 0) {
            assertThat(System.nanoTime()).as("the worker let the run go within 30 s").isLessThan(deadline);
            new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS);
        }
    }

    private static int checkpointed(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM lf_checkpoint WHERE run_id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Does to the run's row what another worker's claim does: a new owner and the next fencing token. */
    private static UUID takeOver(UUID runId) throws Exception {
        UUID newOwner = UUID.randomUUID();
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE lf_queue SET token = token + 1, owner = ? WHERE id = ?")) {
            statement.setObject(1, newOwner);
            statement.setObject(2, runId);
            statement.executeUpdate();
        }
        return newOwner;
    }
}
