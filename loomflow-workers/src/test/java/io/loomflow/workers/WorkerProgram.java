package io.loomflow.workers;

import io.loomflow.Flow;
import io.loomflow.Task;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A worker in a JVM of its own, for the tests that kill one: {@code WorkerProgram URL NAME}. Runs
 * the flow "pipeline" (tasks "first", then "stuck"), printing {@code FIRST <input>} when the first
 * task runs and {@code STUCK <input>} when the second starts, which then never returns; prints
 * {@code READY} once registered. Lease 1 s, so that its death is noticed quickly.
 */
public final class WorkerProgram {

    private WorkerProgram() {
    }

    /**
     * The pipeline flow: {@code first} then {@code stuck}; a test defines the same names in its
     * own JVM with a {@code stuck} that returns.
     *
     * @param stuck the second task
     * @param first the first task
     * @return the flow
     */
    static Flow<String, String> pipeline(Task<String, String> first, Task<String, String> stuck) {
        return Flow.named("pipeline", String.class, input -> stuck.call(first.call(input)));
    }

    /**
     * Starts the worker and waits forever.
     *
     * @param args the database URL and the worker's name
     * @throws InterruptedException never in practice: the test kills the process
     */
    public static void main(String[] args) throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Task<String, String> first = Task.named("first", (String input) -> {
            System.out.println("FIRST " + input);
            return input + "+first";
        });
        Task<String, String> stuck = Task.named("stuck", (String input) -> {
            System.out.println("STUCK " + input);
            never.await();
            return input;
        });
        Worker.builder().database(args[0]).name(args[1]).flows(pipeline(first, stuck))
                .leaseExpiry(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(100)).build().start();
        System.out.println("READY");
        never.await();
    }
}
