package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task of a distributed map that names a shared limit takes its permit where each item executes,
 * on the worker that claimed it, never in the parent while it waits for the item: a permit held by
 * the waiting parent would be one the item needs, and a map wider than the limit would wait for ever.
 */
class QueuedTaskLimitTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final TestWorkers workers = new TestWorkers(POSTGRES);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aMapWiderThanTheLimitOfItsQueuedTaskCompletesWithinTheLimit() throws Exception {
        Task<Integer, Integer> slow = Task.named("slow", (Integer i) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                return i * 2;
            } finally {
                running.decrementAndGet();
            }
        }).withQueue("items").withLimit("gpu");
        Flow<Integer, Integer> sum = Flow.named("sum", Integer.class,
                n -> slow.map(IntStream.range(0, n).boxed().toList()).join().stream().mapToInt(Integer::intValue).sum());
        workers.start(workers.builder(sum).name("one").tasks(slow).queues("default", "items").concurrency(8)
                .sharedLimit("gpu", 2));
        WorkQueue queue = workers.queue();

        int total = queue.runAsync(sum, 12, Submission.defaults()).result().get(60, TimeUnit.SECONDS);

        assertThat(total).isEqualTo(2 * IntStream.range(0, 12).sum());
        assertThat(most.get()).as("items running at once, as the tasks saw it").isBetween(1, 2);
    }
}
