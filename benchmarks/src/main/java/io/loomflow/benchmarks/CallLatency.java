package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.Locale;

/**
 * Harness: the latency of one {@code task.call(x)} inside a running flow, against the floor of
 * starting and joining one virtual thread from inside a virtual thread, measured in the same JVM
 * and interleaved round by round.
 *
 * <p>Both loops run on a virtual thread and time each operation on its own with
 * {@link System#nanoTime()}:
 * <ul>
 *   <li><b>floor</b>: a plain virtual thread runs {@code Thread.startVirtualThread(noop).join()};</li>
 *   <li><b>task call</b>: the body of a running flow (on the engine's virtual thread) runs
 *       {@code increment.call(i)}, a task with no retries, timeout, limit, listeners or persistence.</li>
 * </ul>
 * Rounds alternate floor and call so that JIT, GC and carrier-thread drift hit both alike. The
 * first {@code warmupRounds} rounds are discarded. Prints per-round medians, then the pooled
 * order statistics and the ratio of medians (target: at most 6).
 *
 * <p>Arguments, all optional: {@code [opsPerRound=50000] [rounds=20] [warmupRounds=5]}.
 */
public final class CallLatency {

    private static final Runnable NOOP = () -> { };

    static final Task<Integer, Integer> INCREMENT = Task.named("increment", (Integer x) -> x + 1);

    /** Runs {@code samples.length} task calls and records each call's latency (also {@link TracingOverhead}'s). */
    static final Flow<long[], Long> CALLS = Flow.named("calls", (long[] samples) -> {
        long sink = 0;
        for (int i = 0; i < samples.length; i++) {
            long start = System.nanoTime();
            int result = INCREMENT.call(i);
            samples[i] = System.nanoTime() - start;
            sink += result;
        }
        return sink;
    });

    private CallLatency() {
    }

    public static void main(String[] args) throws Exception {
        int opsPerRound = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmupRounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        Benchmarks.printEnvironment("CallLatency");
        System.out.printf(Locale.ROOT, "ops per round %,d, rounds %d (first %d discarded as warm-up)%n%n",
                opsPerRound, rounds, warmupRounds);

        Samples floor = new Samples("floor: start+join virtual thread", opsPerRound * rounds);
        Samples call = new Samples("task.call inside a running flow", opsPerRound * rounds);
        try (Engine engine = Engine.builder().name("bench").build()) {
            for (int round = 0; round < rounds; round++) {
                long[] floorRound = floorRound(opsPerRound);
                long[] callRound = new long[opsPerRound];
                engine.run(CALLS, callRound);
                boolean warmup = round < warmupRounds;
                System.out.printf(Locale.ROOT, "round %2d%s  floor median %s  call median %s  ratio %.2f%n",
                        round + 1, warmup ? " (warm-up)" : "          ",
                        Samples.micros(Samples.median(floorRound)), Samples.micros(Samples.median(callRound)),
                        (double) Samples.median(callRound) / Samples.median(floorRound));
                if (!warmup) {
                    floor.addAll(floorRound);
                    call.addAll(callRound);
                }
            }
        }
        System.out.println();
        System.out.println(floor.summary());
        System.out.println(call.summary());
        double ratio = (double) call.median() / floor.median();
        System.out.printf(Locale.ROOT, "%nRESULT floor median %s, task call median %s, ratio %.2f (target <= 6.00): %s%n",
                Samples.micros(floor.median()), Samples.micros(call.median()), ratio, ratio <= 6.0 ? "MET" : "MISSED");
    }

    /** On a fresh virtual thread: {@code ops} times start and join one virtual thread, each timed. */
    private static long[] floorRound(int ops) throws InterruptedException {
        long[] samples = new long[ops];
        Thread driver = Thread.startVirtualThread(() -> {
            try {
                for (int i = 0; i < ops; i++) {
                    long start = System.nanoTime();
                    Thread.startVirtualThread(NOOP).join();
                    samples[i] = System.nanoTime() - start;
                }
            } catch (InterruptedException interrupted) {
                throw new IllegalStateException("floor round interrupted", interrupted);
            }
        });
        driver.join();
        return samples;
    }
}
