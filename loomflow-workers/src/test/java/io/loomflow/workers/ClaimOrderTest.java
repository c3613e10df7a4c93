package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which runs a worker claims, and when: priority, earliest start, queues, concurrency. */
class ClaimOrderTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final List<String> started = new CopyOnWriteArrayList<>();
    private final CountDownLatch gateStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** Records the order of starts; the run named "gate" waits until the test releases it. */
    private final Flow<String, String> record = Flow.named("record", String.class, name -> {
        started.add(name);
        if (name.equals("gate")) {
            gateStarted.countDown();
            release.await(30, TimeUnit.SECONDS);
        }
        return name;
    });
    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void higherPriorityRunsAreClaimedFirst() throws Exception {
        workers.start(workers.builder(record).concurrency(1));
        WorkQueue queue = workers.queue();
        QueuedRun<String> gate = queue.runAsync(record, "gate", Submission.defaults());
        assertThat(gateStarted.await(30, TimeUnit.SECONDS)).as("the gate run started").isTrue();

        List<QueuedRun<String>> runs = new ArrayList<>();
        runs.add(queue.runAsync(record, "low", Submission.defaults().withPriority(-5)));
        runs.add(queue.runAsync(record, "normal", Submission.defaults()));
        runs.add(queue.runAsync(record, "urgent", Submission.defaults().withPriority(10)));
        runs.add(queue.runAsync(record, "high", Submission.defaults().withPriority(5)));
        release.countDown();
        gate.result().get(30, TimeUnit.SECONDS);
        for (QueuedRun<String> run : runs) {
            run.result().get(30, TimeUnit.SECONDS);
        }

        assertThat(started).containsExactly("gate", "urgent", "high", "normal", "low");
    }

    @Test
    void aRunIsNotStartedBeforeItsEarliestStartAndLaterOnesPassIt() throws Exception {
        workers.start(workers.builder(record).concurrency(1));
        WorkQueue queue = workers.queue();
        Instant notBefore = Instant.now().plusMillis(1500);

        QueuedRun<String> later = queue.runAsync(record, "later", Submission.defaults().withPriority(100)
                .withNotBefore(notBefore));
        QueuedRun<String> now = queue.runAsync(record, "now", Submission.defaults());
        now.result().get(30, TimeUnit.SECONDS);
        later.result().get(30, TimeUnit.SECONDS);

        assertThat(started).containsExactly("now", "later");
        assertThat(startOf(later.id())).isAfterOrEqualTo(notBefore);
    }

    @Test
    void aWorkerTakesRunsOnlyFromItsQueues() throws Exception {
        workers.start(workers.builder(record).name("reports").queues("reports"));
        workers.start(workers.builder(record).name("mail").queues("mail"));
        WorkQueue queue = workers.queue();

        QueuedRun<String> report = queue.runAsync(record, "report", Submission.defaults().withQueue("reports"));
        QueuedRun<String> mail = queue.runAsync(record, "mail", Submission.defaults().withQueue("mail"));
        report.result().get(30, TimeUnit.SECONDS);
        mail.result().get(30, TimeUnit.SECONDS);

        assertThat(workerOf(report.id())).isEqualTo("reports");
        assertThat(workerOf(mail.id())).isEqualTo("mail");
    }

    @Test
    void aWorkerNeverRunsMoreThanItsConcurrencyAtOnce() throws Exception {
        int concurrency = 3;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(concurrency);
        CountDownLatch release = new CountDownLatch(1);
        // The first runs hold their slot until the test has looked; later ones pass at once.
        Task<Integer, Integer> hold = Task.named("hold", (Integer item) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                full.countDown();
                release.await(30, TimeUnit.SECONDS);
            } finally {
                running.decrementAndGet();
            }
            return item;
        });
        Flow<Integer, Integer> held = Flow.named("held", Integer.class, hold::call);
        workers.start(workers.builder(held).concurrency(concurrency));
        WorkQueue queue = workers.queue();
        // All due at the same moment, so that the worker finds more runs than it has slots.
        Submission together = Submission.defaults().withNotBefore(Instant.now().plusSeconds(1));
        List<QueuedRun<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 4 * concurrency; i++) {
            runs.add(queue.runAsync(held, i, together));
        }

        assertThat(full.await(30, TimeUnit.SECONDS)).as("the first runs started").isTrue();
        long claimed = queue.queues().getFirst().running();
        release.countDown();
        for (QueuedRun<Integer> run : runs) {
            run.result().get(60, TimeUnit.SECONDS);
        }

        assertThat(claimed).as("runs the worker held while its slots were full").isEqualTo(concurrency);
        assertThat(most).as("runs in flight at once, counted by the tasks").hasValue(concurrency);
    }

    private static Instant startOf(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT started FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
    }

    private static String workerOf(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT w.name FROM lf_queue q JOIN lf_worker w ON w.id = q.owner WHERE q.id = ?""")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : "no worker";
            }
        }
    }
}
