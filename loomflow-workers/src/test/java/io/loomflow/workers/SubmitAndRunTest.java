package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import io.loomflow.Param;
import io.loomflow.ParameterException;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Submitting runs: a worker runs them and the futures complete; keys, unknown flows and bad parameters. */
class SubmitAndRunTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    record Order(String customer, int quantity) {
    }

    record Receipt(String text, int total) {
    }

    record Unwritable(String name, Runnable callback) {
    }

    record Bounded(@Param.Min(1) int quantity) {
    }

    private final AtomicInteger executions = new AtomicInteger();
    private final Task<Order, Integer> price = Task.named("price", (Order order) -> order.quantity() * 3);
    private final Flow<Order, Receipt> checkout = Flow.named("checkout", Order.class, order -> {
        executions.incrementAndGet();
        int total = price.call(order);
        return new Receipt(order.customer() + " pays " + total, total);
    });
    private final Flow<Order, Receipt> broken = Flow.named("broken", Order.class, order -> {
        throw new IllegalStateException("no stock for " + order.customer());
    });
    private final Flow<Unwritable, String> unwritable = Flow.named("unwritable", Unwritable.class, Unwritable::name);
    private final Flow<Bounded, Integer> bounded = Flow.named("bounded", Bounded.class, order -> {
        executions.incrementAndGet();
        return order.quantity();
    });
    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aSubmittedRunIsRunByAWorkerAndItsFutureCompletesWithTheResult() throws Exception {
        workers.start(workers.builder(checkout, broken).name("only"));
        WorkQueue queue = workers.queue();

        QueuedRun<Receipt> run = queue.runAsync(checkout, new Order("ada", 4), Submission.defaults());

        assertThat(run.id()).isNotNull();
        assertThat(run.created()).isTrue();
        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo(new Receipt("ada pays 12", 12));
        assertThat(queue.run(checkout, new Order("bob", 1), Submission.defaults())).isEqualTo(new Receipt("bob pays 3", 3));
    }

    @Test
    void aRunThatFailsOnTheWorkerFailsItsFutureWithTheErrorsTypeAndMessage() {
        workers.start(workers.builder(checkout, broken));
        WorkQueue queue = workers.queue();

        QueuedRun<Receipt> run = queue.runAsync(broken, new Order("cy", 1), Submission.defaults());

        assertThatThrownBy(() -> run.result().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(QueuedRunFailedException.class)
                .hasMessage("queued run " + run.id() + " of flow 'broken' failed on a worker with"
                        + " java.lang.IllegalStateException: no stock for cy")
                .satisfies(error -> assertThat(((QueuedRunFailedException) error).errorType())
                        .isEqualTo(IllegalStateException.class.getName()));
    }

    @Test
    void aRunSubmittedByNameWithTextParametersCompletesWithItsResultAsJson() throws Exception {
        workers.start(workers.builder(checkout));
        WorkQueue queue = workers.queue();

        QueuedRun<String> run = queue.runAsync("checkout", Map.of("customer", "dee", "quantity", "2"),
                Submission.defaults());

        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo("{\"text\":\"dee pays 6\",\"total\":6}");
    }

    @Test
    void parametersOutsideTheirDeclaredConstraintsAreRefusedAtSubmitOrFailTheRunWithoutRunningIt() throws Exception {
        workers.start(workers.builder(bounded));
        WorkQueue queue = workers.queue();

        assertThatThrownBy(() -> queue.runAsync(bounded, new Bounded(-5), Submission.defaults()))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("quantity").hasMessageContaining("must be at least 1, got -5");
        QueuedRun<String> byName = queue.runAsync("bounded", Map.of("quantity", "-5"), Submission.defaults());

        assertThatThrownBy(() -> byName.result().get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(QueuedRunFailedException.class)
                .hasMessageContaining("must be at least 1, got -5")
                .satisfies(error -> assertThat(((QueuedRunFailedException) error).errorType())
                        .isEqualTo(ParameterException.class.getName()));
        assertThat(queue.run(bounded, new Bounded(2), Submission.defaults())).isEqualTo(2);
        assertThat(executions).as("only the run whose parameters fit ran").hasValue(1);
        assertThat(queue.queues().stream().mapToLong(QueueStats::queued).sum()).isZero();
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameRunWhichRunsOnce() throws Exception {
        workers.start(workers.builder(checkout));
        WorkQueue queue = workers.queue();
        Submission keyed = Submission.defaults().withIdempotencyKey("order-17");

        QueuedRun<Receipt> first = queue.runAsync(checkout, new Order("eve", 1), keyed);
        first.result().get(30, TimeUnit.SECONDS);
        QueuedRun<Receipt> again = queue.runAsync(checkout, new Order("eve", 1), keyed);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.created()).isFalse();
        assertThat(again.result().get(30, TimeUnit.SECONDS)).isEqualTo(new Receipt("eve pays 3", 3));
        assertThat(executions).hasValue(1);
    }

    @Test
    void eightConcurrentSubmittersOfOneKeyGetOneRun() throws Exception {
        workers.start(workers.builder(checkout));
        WorkQueue queue = workers.queue();
        Submission keyed = Submission.defaults().withIdempotencyKey("order-" + UUID.randomUUID());
        CountDownLatch ready = new CountDownLatch(8);
        List<Callable<QueuedRun<Receipt>>> submitters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            submitters.add(() -> {
                ready.countDown();
                ready.await();
                return queue.runAsync(checkout, new Order("fay", 2), keyed);
            });
        }

        List<QueuedRun<Receipt>> runs = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<QueuedRun<Receipt>> submitted : threads.invokeAll(submitters)) {
                runs.add(submitted.get());
            }
        }

        assertThat(runs.stream().map(QueuedRun::id).collect(Collectors.toSet())).hasSize(1);
        assertThat(runs.stream().filter(QueuedRun::created).count()).isEqualTo(1);
        for (QueuedRun<Receipt> run : runs) {
            assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo(new Receipt("fay pays 6", 6));
        }
        assertThat(executions).hasValue(1);
    }

    @Test
    void aFlowNoLiveWorkerAdvertisesIsRefusedAtOnceListingTheKnownFlows() {
        workers.start(workers.builder(checkout, broken));
        WorkQueue queue = workers.queue();
        Flow<String, String> unknown = Flow.named("refund", (String s) -> s);

        assertThatThrownBy(() -> queue.runAsync(unknown, "x", Submission.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no live worker runs flow 'refund' on queue 'default'; the live workers run:"
                        + " broken (queue default), checkout (queue default). Check the flow's name and queue, or start"
                        + " a worker that runs it");
        assertThatThrownBy(() -> queue.runAsync(checkout, new Order("gil", 1), Submission.defaults().withQueue("bulk")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no live worker runs flow 'checkout' on queue 'bulk';");
        assertThat(queue.queues()).isEmpty();
    }

    @Test
    void aWorkerStartedJustAfterARefusalIsFoundByTheNextSubmission() throws Exception {
        workers.start(workers.builder(broken).name("first"));
        WorkQueue queue = workers.queue();
        assertThatThrownBy(() -> queue.runAsync(broken, new Order("ivy", 1), Submission.defaults().withQueue("late")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no live worker runs flow 'broken' on queue 'late';");
        // The queue remembers the live workers for a moment to answer a stream of submissions, but a refusal
        // is always made on a fresh reading: a worker that has just started is found at once.
        workers.start(workers.builder(checkout).name("second").queues("late"));

        QueuedRun<Receipt> run = queue.runAsync(checkout, new Order("ivy", 2), Submission.defaults().withQueue("late"));

        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo(new Receipt("ivy pays 6", 6));
    }

    @Test
    void parametersThatCannotBeQueuedAreRefusedAtSubmitNamingTheField() {
        workers.start(workers.builder(unwritable));
        WorkQueue queue = workers.queue();

        assertThatThrownBy(() -> queue.runAsync(unwritable, new Unwritable("hal", () -> { }), Submission.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the parameters of flow 'unwritable' cannot be queued: field 'callback' of the"
                        + " parameters (" + Unwritable.class.getName() + ") cannot be ");
        assertThat(queue.queues()).isEmpty();
    }

    @Test
    void aWorkerNeedsPostgresAndSaysSoForAnH2Url() {
        assertThatThrownBy(() -> Worker.builder().database("jdbc:h2:file:/tmp/x;password=secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workers and the work queue need PostgreSQL (they claim runs with FOR UPDATE SKIP LOCKED"
                        + " and wake each other with LISTEN/NOTIFY), and jdbc:h2:file:/tmp/x;password=*** is an H2"
                        + " database; pass jdbc:postgresql://HOST:PORT/DATABASE");
        assertThatThrownBy(() -> WorkQueue.connect("jdbc:h2:mem:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLeaseExpiryBelowOneSecondIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> Worker.builder().leaseExpiry(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease expiry PT0.5S must be between PT1S and PT1H");
        assertThatThrownBy(() -> Worker.builder().database(POSTGRES.url()).flows(checkout)
                .leaseExpiry(Duration.ofSeconds(2)).heartbeat(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("heartbeat PT1S must be shorter than half the lease expiry PT2S");
    }

    @Test
    void theQueueListsItsLiveWorkersWithTheirFlowsAndQueues() {
        Worker worker = workers.start(workers.builder(checkout, broken).name("lister").queues("default", "bulk")
                .version("1.2").concurrency(3));
        WorkQueue queue = workers.queue();

        List<WorkerInfo> listed = queue.workers();

        assertThat(listed).hasSize(1);
        WorkerInfo info = listed.getFirst();
        assertThat(info.id()).isEqualTo(worker.id());
        assertThat(info.name()).isEqualTo("lister");
        assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(Set.copyOf(info.queues())).containsExactlyInAnyOrder("default", "bulk");
        assertThat(info.flows()).containsExactly("broken@1.2", "checkout@1.2");
        assertThat(info.concurrency()).isEqualTo(3);
        assertThat(info.alive()).isTrue();
        assertThat(info.stopping()).isFalse();
    }

    @Test
    void aPollOnlyWorkerRunsSubmittedRunsToo() throws Exception {
        workers.start(workers.builder(checkout).notifications(false));
        WorkQueue queue = workers.queue();

        assertThat(queue.runAsync(checkout, new Order("ida", 5), Submission.defaults()).result().get(30, TimeUnit.SECONDS))
                .isEqualTo(new Receipt("ida pays 15", 15));
    }
}
