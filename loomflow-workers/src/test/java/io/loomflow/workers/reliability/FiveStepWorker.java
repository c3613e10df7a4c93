package io.loomflow.workers.reliability;

import io.loomflow.Flow;
import io.loomflow.Retry;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.workers.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * A worker in a JVM of its own, as the reliability tests and the soak harness start it:
 * {@code FiveStepWorker url=URL name=NAME [concurrency=4] [lease=3000] [work=150] [hold=false] [limit=0]}.
 * With {@code limit=N} (N > 0) every task takes the cluster-wide limit {@value #LIMIT} of size N
 * and records in the {@link Ledger} when its work enters and leaves it.
 *
 * <p>It runs the flow {@value #FLOW}: five tasks {@code step1..step5}, each of which records its
 * execution in the {@link Ledger}, works for {@code work} milliseconds, and writes its effect once
 * under its {@link RunContext#idempotencyKey() idempotency key}. The flow's result is
 * {@code {"worker": NAME, "steps": 5}}: which worker finished the run.
 *
 * <p>It prints {@code READY <worker id>} once registered. With {@code hold=true} it also stops where
 * a job asks it to ({@code "hold": "step3"} inside task 3, {@code "hold": "end"} after the last
 * task, in the flow's own code), prints {@code HOLD <run id> <where>}, and goes on when a line
 * {@code release} arrives on its standard input. A job with {@code "hold": "crash"} halts the JVM
 * inside task 2 (exit status 3), having printed {@code CRASH <run id>}. It closes the worker (no grace) on SIGTERM.
 */
public final class FiveStepWorker {

    /** The flow's name. */
    public static final String FLOW = "five-steps";
    /** The number of tasks in a run. */
    public static final int STEPS = 5;
    /** The shared limit every task takes when the worker is started with {@code limit=N}. */
    public static final String LIMIT = "gpu";

    /**
     * A job: its number, and where a worker started with {@code hold=true} stops.
     *
     * @param number the job's number
     * @param hold {@code ""}, {@code "step3"} or {@code "end"}; or {@code "crash"}, which halts the
     *             worker's JVM inside task 2 (after task 1's checkpoint), with any {@code hold} option
     */
    public record Job(int number, String hold) {
    }

    /**
     * A finished run.
     *
     * @param worker the name of the worker that finished it
     * @param steps how many steps it has
     */
    public record Done(String worker, int steps) {
    }

    private FiveStepWorker() {
    }

    /**
     * Starts the worker and runs until killed or terminated.
     *
     * @param args {@code key=value} options (see the class's description)
     * @throws Exception if the worker cannot start
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("concurrency", "4", "lease", "3000", "work", "150",
                "hold", "false", "limit", "0"));
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("argument '" + arg + "' is not key=value; pass url=..., name=...");
            }
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        String url = options.get("url");
        String name = options.get("name");
        if (url == null || name == null) {
            throw new IllegalArgumentException("pass url=jdbc:postgresql://... and name=NAME");
        }
        Duration work = Duration.ofMillis(Long.parseLong(options.get("work")));
        boolean holding = Boolean.parseBoolean(options.get("hold"));
        CountDownLatch released = new CountDownLatch(1);
        if (holding) {
            Thread.ofVirtual().name("stdin").start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.equals("release")) {
                            released.countDown();
                        }
                    }
                } catch (IOException closed) {
                    // the test went away
                }
            });
        }
        Ledger ledger = Ledger.open(url, 4);
        long pid = ProcessHandle.current().pid();
        Hold hold = holding ? (run, where) -> {
            System.out.println("HOLD " + run + " " + where);
            released.await();
        } : (run, where) -> { };
        int limit = Integer.parseInt(options.get("limit"));
        Worker.Builder builder = Worker.builder().database(url).name(name)
                .flows(flow(ledger, name, pid, work, hold, limit > 0))
                .concurrency(Integer.parseInt(options.get("concurrency")))
                .leaseExpiry(Duration.ofMillis(Long.parseLong(options.get("lease"))))
                .pollInterval(Duration.ofMillis(100));
        if (limit > 0) {
            builder.sharedLimit(LIMIT, limit);
        }
        Worker worker = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close(Duration.ZERO);
            ledger.close();
        }));
        worker.start();
        System.out.println("READY " + worker.id());
        new CountDownLatch(1).await(); // the worker's threads are virtual: keep the JVM up until it is stopped
    }

    /** Where a held job waits for the test. */
    @FunctionalInterface
    private interface Hold {
        void at(UUID run, String where) throws InterruptedException;
    }

    private static Flow<Job, Done> flow(Ledger ledger, String name, long pid, Duration work, Hold hold, boolean limited) {
        // A task retries its own writes while the database restarts, as a real task would.
        Retry outages = Retry.exponential(30, Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1));
        List<Task<Job, Integer>> steps = new ArrayList<>();
        for (int number = 1; number <= STEPS; number++) {
            int step = number;
            steps.add(Task.named("step" + step, (Job job) -> {
                String key = RunContext.current().idempotencyKey();
                UUID run = queuedRun(key);
                ledger.executed(run, step, pid);
                if (step == 3 && job.hold().equals("step3")) {
                    hold.at(run, "step3");
                }
                if (step == 2 && job.hold().equals("crash")) {
                    System.out.println("CRASH " + run);
                    System.out.flush();
                    Runtime.getRuntime().halt(3); // a flow that brings its JVM down, as a native crash or an OOM kill does
                }
                if (limited) {
                    long stay = ledger.enter(pid);
                    Thread.sleep(work); // the task's work, simulated, inside the shared limit
                    ledger.leave(stay);
                } else {
                    Thread.sleep(work); // the task's work, simulated
                }
                ledger.effect(key, run, step, pid);
                return step;
            }).withRetries(outages));
            if (limited) {
                steps.set(step - 1, steps.get(step - 1).withLimit(LIMIT));
            }
        }
        return Flow.named(FLOW, Job.class, job -> {
            int done = 0;
            for (Task<Job, Integer> step : steps) {
                done = Math.max(done, step.call(job));
            }
            if (job.hold().equals("end")) {
                hold.at(queuedRun(RunContext.current().idempotencyKey()), "end");
            }
            return new Done(name, done);
        });
    }

    /** The queued run's id: a durable run's idempotency keys start with it, then a slash. */
    private static UUID queuedRun(String idempotencyKey) {
        return UUID.fromString(idempotencyKey.substring(0, idempotencyKey.indexOf('/')));
    }
}
