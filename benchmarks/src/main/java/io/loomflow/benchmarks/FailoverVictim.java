package io.loomflow.benchmarks;

import io.loomflow.Flow;
import io.loomflow.workers.Worker;
import java.time.Duration;

/**
 * The worker that {@link WorkerThroughput} kills: a JVM of its own that runs the flow
 * {@code failover}, whose runs print {@code STARTED <n>} and then wait an hour, so they are in
 * flight when the JVM is destroyed. Prints {@code READY} once registered.
 *
 * <p>Usage: {@code FailoverVictim <postgres URL> <lease seconds> <concurrency>}.
 */
final class FailoverVictim {

    private FailoverVictim() {
    }

    /**
     * Starts the worker and waits to be killed.
     *
     * @param args the queue database's URL, the lease expiry in seconds and the worker's concurrency
     * @throws InterruptedException never in practice: the JVM is killed while it waits
     */
    public static void main(String[] args) throws InterruptedException {
        Flow<Integer, Integer> failover = Flow.named("failover", Integer.class, n -> {
            System.out.println("STARTED " + n);
            System.out.flush();
            Thread.sleep(Duration.ofHours(1));
            return n;
        });
        Worker worker = Worker.builder().database(args[0]).name("victim").flows(failover)
                .leaseExpiry(Duration.ofSeconds(Integer.parseInt(args[1]))).concurrency(Integer.parseInt(args[2]))
                .build().start();
        System.out.println("READY " + worker.id());
        System.out.flush();
        Thread.sleep(Duration.ofHours(1));
    }
}
