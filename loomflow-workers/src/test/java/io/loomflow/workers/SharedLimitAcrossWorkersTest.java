package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster-wide limits through workers: a shared limit holds across all the workers of a database,
 * measured by the tasks themselves, and a queue's maximum of runs in flight holds across workers.
 */
class SharedLimitAcrossWorkersTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final TestWorkers workers = new TestWorkers(POSTGRES);
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    /** A task that counts how many are inside at once; they meet in groups of {@code group}. */
    private Task<Integer, Integer> meeting(String name, int group) {
        CyclicBarrier meet = new CyclicBarrier(group);
        return Task.named(name, (Integer item) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                // If a holder more than the group were inside, it would be here while a group waits.
                meet.await(10, TimeUnit.SECONDS);
            } catch (BrokenBarrierException | TimeoutException broken) {
                // most already shows it
            } finally {
                inside.decrementAndGet();
            }
            return item;
        });
    }

    @Test
    void aSharedLimitOfThreeAcrossThreeWorkersOfEightRunsAtMostThreeAndEveryRunCompletes() throws Exception {
        Task<Integer, Integer> gpu = meeting("gpu-task", 3).withLimit("gpu");
        Flow<Integer, Integer> flow = Flow.named("uses-gpu", Integer.class, gpu::call);
        for (String name : List.of("a", "b", "c")) {
            workers.start(workers.builder(flow).name(name).concurrency(8).sharedLimit("gpu", 3));
        }
        WorkQueue queue = workers.queue();

        List<QueuedRun<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            runs.add(queue.runAsync(flow, i, Submission.defaults()));
        }
        int sum = 0;
        for (QueuedRun<Integer> run : runs) {
            sum += run.result().get(60, TimeUnit.SECONDS);
        }

        assertThat(sum).isEqualTo(29 * 30 / 2);
        assertThat(most).hasValue(3);
    }

    @Test
    void aWorkerThatDeclaresASharedLimitWithAnotherSizeDoesNotStart() {
        Flow<Integer, Integer> flow = Flow.named("sized", Integer.class, (Integer i) -> i);
        workers.start(workers.builder(flow).name("first").sharedLimit("model", 3));

        assertThatThrownBy(() -> workers.start(workers.builder(flow).name("second").sharedLimit("model", 5)))
                .isInstanceOf(WorkQueueException.class)
                .hasMessageContaining("shared limit 'model' has 3 permits")
                .hasMessageContaining("worker second declares it with 5");
    }

    @Test
    void aQueuesMaximumOfTwoRunsInFlightHoldsAcrossTwoWorkers() throws Exception {
        Task<Integer, Integer> work = meeting("batch-task", 2);
        Flow<Integer, Integer> flow = Flow.named("batch", Integer.class, work::call);
        Flow<Integer, Integer> other = Flow.named("other", Integer.class, (Integer i) -> i);
        for (String name : List.of("a", "b")) {
            workers.start(workers.builder(flow, other).name(name).concurrency(8).queues("batch", "default")
                    .queueConcurrency("batch", 2));
        }
        WorkQueue queue = workers.queue();

        List<QueuedRun<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            runs.add(queue.runAsync(flow, i, Submission.defaults().withQueue("batch")));
        }
        QueuedRun<Integer> unlimited = queue.runAsync(other, 7, Submission.defaults());
        assertThat(unlimited.result().get(30, TimeUnit.SECONDS)).as("the other queue is not held up").isEqualTo(7);
        for (QueuedRun<Integer> run : runs) {
            run.result().get(60, TimeUnit.SECONDS);
        }

        assertThat(most).hasValue(2);
    }

    @Test
    void aQueueMaximumForAQueueTheWorkerDoesNotServeIsRefused() {
        Flow<Integer, Integer> flow = Flow.named("any", Integer.class, (Integer i) -> i);
        assertThatThrownBy(() -> workers.builder(flow).queues("a").queueConcurrency("b", 2).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue 'b', which this worker does not take runs from");
    }
}
