package io.loomflow.workers.reliability;

import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.reliability.WorkerProcesses.WorkerProcess;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs of {@link FiveStepWorker#FLOW} through a few worker JVMs, one of which, chosen at random, is
 * killed with SIGKILL and started again each time another share of the first two thirds of the
 * runs has completed; then
 * checks that every run completed exactly once and that only tasks in flight at a kill ran again.
 * The bounded test and the {@code WorkerSoak} harness both run it. Not thread-safe; one soak at a time.
 *
 * <p>Each kill waits for the worker's replacement to register before the next, so at most one
 * worker is down at a time. The time from a kill to each of the dead worker's runs running
 * elsewhere (or completed) is measured by polling the queue's rows every 20 ms: no event marks it.
 */
public final class KillSoak {

    /**
     * What to run.
     *
     * @param url the queue's database, with its schema (which the soak fills)
     * @param workers how many worker JVMs run at once
     * @param concurrency each worker's concurrency
     * @param lease the workers' lease expiry
     * @param work how long each task works
     * @param runs how many runs
     * @param kills how many SIGKILLs
     * @param seed picks the workers to kill
     * @param deadline how long the runs may take in all
     */
    public record Settings(String url, int workers, int concurrency, Duration lease, Duration work, int runs,
                           int kills, long seed, Duration deadline, int sharedLimit) {

        /** Settings without a shared limit. */
        public Settings(String url, int workers, int concurrency, Duration lease, Duration work, int runs,
                        int kills, long seed, Duration deadline) {
            this(url, workers, concurrency, lease, work, runs, kills, seed, deadline, 0);
        }
    }

    /**
     * One SIGKILL.
     *
     * @param worker the killed worker's name
     * @param pid its process id
     * @param exitStatus its exit status ({@link WorkerProcesses#KILLED} after a SIGKILL)
     * @param at when it was dead
     * @param held the runs it held then
     */
    public record Kill(String worker, long pid, int exitStatus, Instant at, List<UUID> held) {
    }

    /**
     * What happened.
     *
     * @param runs runs submitted
     * @param completed runs whose future completed with a result
     * @param kills the kills, in order
     * @param takeovers for each run a killed worker held, the time until it ran elsewhere
     * @param repeated the tasks executed more than once
     * @param unexplained repeated tasks with an earlier execution that was not in flight at a kill: not by a
     *     worker killed after it started, or by one that went on to a later task of the run
     * @param why for each of {@code unexplained}, its executions: process, start, whether and when
     *     that process was killed, whether it went on to a later task of the run
     * @param conflicts executions that found their effect written already
     * @param lost runs that did not complete
     * @param duplicated runs that ended more than once, or with other than five effects
     * @param finishedBy how many runs each worker finished
     * @param elapsed from the first submission to the last completion
     * @param mostInsideLimit with a shared limit, the most tasks inside it at once, as the tasks
     *     recorded it (a killed process's stay ending at its kill); 0 without one
     */
    public record Report(int runs, int completed, List<Kill> kills, List<Duration> takeovers,
                         List<Ledger.Repeated> repeated, List<Ledger.Repeated> unexplained, List<String> why,
                         int conflicts,
                         List<UUID> lost, List<String> duplicated, Map<String, Integer> finishedBy, Duration elapsed,
                         int mostInsideLimit) {

        /** @return how many task executions were repeats */
        public int reexecutions() {
            return repeated.stream().mapToInt(task -> task.executions().size() - 1).sum();
        }

        /** @return the runs the killed workers held, in all */
        public int runsHeldAtKills() {
            return kills.stream().mapToInt(kill -> kill.held().size()).sum();
        }

        /**
         * The report as text, a figure per line.
         *
         * @return the text
         */
        public String text() {
            List<Duration> sorted = new ArrayList<>(takeovers);
            Collections.sort(sorted);
            String takeover = sorted.isEmpty() ? "none measured"
                    : "p50 " + sorted.get(sorted.size() / 2).toMillis() + " ms, max "
                    + sorted.getLast().toMillis() + " ms over " + sorted.size() + " run(s)";
            return String.join("\n",
                    "runs submitted:                " + runs,
                    "runs completed:                " + completed + " in " + elapsed.toMillis() + " ms",
                    "SIGKILLs:                      " + kills.size() + " (exit status "
                            + kills.stream().map(Kill::exitStatus).distinct().toList() + ")",
                    "runs held by killed workers:   " + runsHeldAtKills(),
                    "kill to running elsewhere:     " + takeover,
                    "tasks re-executed:             " + reexecutions() + " (on " + repeated.size() + " task(s); "
                            + unexplained.size() + " not in flight at a kill)",
                    "effects found already written: " + conflicts,
                    "lost runs:                     " + lost.size() + (lost.isEmpty() ? "" : " " + lost),
                    "duplicated runs:               " + duplicated.size() + (duplicated.isEmpty() ? "" : " " + duplicated),
                    "finished by:                   " + finishedBy)
                    + (mostInsideLimit == 0 ? "" : "\nmost inside the shared limit:  " + mostInsideLimit)
                    + (why.isEmpty() ? "" : "\nnot in flight at a kill:\n  " + String.join("\n  ", why));
        }
    }

    private final Settings settings;
    private final Consumer<String> log;

    /**
     * @param settings what to run
     * @param log where progress lines go
     */
    public KillSoak(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    /**
     * Runs the soak: creates the ledger's tables, starts the workers, submits and kills, stops the
     * workers, and checks.
     *
     * @param processes where the workers are started (and stopped when it closes)
     * @return the report
     * @throws Exception if the soak itself cannot go on (the database refuses, a worker never registers)
     */
    public Report run(WorkerProcesses processes) throws Exception {
        Random random = new Random(settings.seed());
        Map<String, String> options = Map.of("concurrency", Integer.toString(settings.concurrency()),
                "lease", Long.toString(settings.lease().toMillis()), "work", Long.toString(settings.work().toMillis()),
                "limit", Integer.toString(settings.sharedLimit()));
        try (Ledger ledger = Ledger.open(settings.url(), 4)) {
            ledger.create();
            EndedRuns ended = new EndedRuns(settings.url(), ledger.schema());
            List<WorkerProcess> alive = new ArrayList<>();
            for (int i = 1; i <= settings.workers(); i++) {
                alive.add(processes.start("w" + i, options));
            }
            Map<WorkerProcess, UUID> ids = new ConcurrentHashMap<>();
            for (WorkerProcess worker : alive) {
                ids.put(worker, worker.awaitReady(Duration.ofSeconds(60)));
            }
            List<QueuedRun<String>> queued = new ArrayList<>();
            AtomicInteger completed = new AtomicInteger();
            Object progress = new Object();
            List<Kill> kills = new ArrayList<>();
            Map<Long, Instant> killedAt = new ConcurrentHashMap<>();
            List<Duration> takeovers = Collections.synchronizedList(new ArrayList<>());
            List<Thread> watchers = new ArrayList<>();
            long start = System.nanoTime();
            try (WorkQueue queue = WorkQueue.connect(settings.url())) {
                for (int i = 0; i < settings.runs(); i++) {
                    QueuedRun<String> run = queue.runAsync(FiveStepWorker.FLOW, "{\"number\":" + i + ",\"hold\":\"\"}",
                            Submission.defaults().withIdempotencyKey("soak-" + i));
                    run.result().whenComplete((result, error) -> {
                        completed.incrementAndGet();
                        synchronized (progress) {
                            progress.notifyAll();
                        }
                    });
                    queued.add(run);
                }
                log.accept("submitted " + settings.runs() + " runs");
                long deadline = start + settings.deadline().toNanos();
                for (int k = 1; k <= settings.kills(); k++) {
                    // Spread over the first two thirds of the runs, so that the last kills still find runs in flight.
                    int threshold = (int) ((long) k * settings.runs() * 2 / (3L * settings.kills()));
                    if (!awaitCompleted(completed, progress, threshold, deadline)) {
                        log.accept("only " + completed.get() + " runs completed by the deadline; " + (k - 1) + " kills");
                        break;
                    }
                    int victim = random.nextInt(alive.size());
                    WorkerProcess doomed = alive.get(victim);
                    UUID doomedId = ids.get(doomed);
                    int exit = doomed.kill();
                    Instant at = Instant.now();
                    killedAt.put(doomed.pid(), ledger.now());
                    long killed = System.nanoTime();
                    List<UUID> held = ledger.heldBy(doomedId);
                    Kill kill = new Kill(doomed.name(), doomed.pid(), exit, at, held);
                    kills.add(kill);
                    log.accept("kill " + k + ": SIGKILL " + doomed + " after " + completed.get() + " completed runs;"
                            + " exit " + exit + ", it held " + held.size() + " run(s)");
                    watchers.add(Thread.ofVirtual().name("takeover-" + k)
                            .start(() -> watch(ledger, held, doomedId, killed, takeovers)));
                    WorkerProcess replacement = restart(processes, doomed.name().replaceFirst("\\.\\d+$", "") + "." + k,
                            options, ids);
                    alive.set(victim, replacement);
                }
                for (QueuedRun<String> run : queued) {
                    long left = Math.max(0, start + settings.deadline().toNanos() - System.nanoTime());
                    try {
                        run.result().get(left, TimeUnit.NANOSECONDS);
                    } catch (ExecutionException | TimeoutException notDone) {
                        // counted as lost below
                    }
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            for (Thread watcher : watchers) {
                watcher.join(Duration.ofSeconds(70));
            }
            ended.awaitAll(queued.stream().filter(run -> run.result().isDone() && !run.result().isCompletedExceptionally())
                    .map(QueuedRun::id).toList(), Duration.ofSeconds(10));
            ended.close();
            return check(ledger, queued, kills, takeovers, ended.counts(), elapsed,
                    settings.sharedLimit() > 0 ? ledger.mostInside(killedAt) : 0);
        }
    }

    /**
     * Starts a replacement worker; one that exits before it registers (the database was restarted
     * by someone else meanwhile: a worker refuses to start without it) is started again, up to 5 times.
     */
    private WorkerProcess restart(WorkerProcesses processes, String name, Map<String, String> options,
                                  Map<WorkerProcess, UUID> ids) throws Exception {
        for (int attempt = 1; ; attempt++) {
            WorkerProcess replacement = processes.start(name + (attempt == 1 ? "" : "-" + attempt), options);
            try {
                ids.put(replacement, replacement.awaitReady(Duration.ofSeconds(60)));
                return replacement;
            } catch (IllegalStateException notStarted) {
                if (attempt == 5 || replacement.alive()) {
                    throw notStarted;
                }
                log.accept("replacement " + replacement + " exited before it registered; starting another");
            }
        }
    }

    private static boolean awaitCompleted(AtomicInteger completed, Object progress, int threshold, long deadline)
            throws InterruptedException {
        synchronized (progress) {
            while (completed.get() < threshold) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    /** Polls the dead worker's runs until each runs elsewhere or completed, recording how long it took. */
    private void watch(Ledger ledger, List<UUID> held, UUID dead, long killed, List<Duration> takeovers) {
        List<UUID> waiting = new ArrayList<>(held);
        long deadline = killed + TimeUnit.SECONDS.toNanos(60);
        try {
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                List<UUID> taken;
                try {
                    taken = ledger.takenOver(waiting, dead);
                } catch (SQLException unreachable) {
                    taken = List.of(); // the database restarts: look again
                }
                long now = System.nanoTime();
                for (UUID run : taken) {
                    takeovers.add(Duration.ofNanos(now - killed));
                }
                waiting.removeAll(taken);
                if (!waiting.isEmpty()) {
                    new CountDownLatch(1).await(20, TimeUnit.MILLISECONDS); // no event to wait on: poll
                }
            }
        } catch (InterruptedException stopped) {
            log.accept("stopped measuring take-overs: " + stopped);
        }
        if (!waiting.isEmpty()) {
            log.accept("runs of dead worker " + dead + " not taken over within 60 s: " + waiting);
        }
    }

    private Report check(Ledger ledger, List<QueuedRun<String>> queued, List<Kill> kills, List<Duration> takeovers,
                         Map<UUID, Integer> endings, Duration elapsed, int mostInsideLimit) throws SQLException {
        Map<UUID, Integer> effects = ledger.effectsByRun();
        List<UUID> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        Map<String, Integer> finishedBy = new java.util.TreeMap<>();
        int completed = 0;
        for (QueuedRun<String> run : queued) {
            if (!run.result().isDone() || run.result().isCompletedExceptionally()) {
                lost.add(run.id());
                continue;
            }
            completed++;
            String result = run.result().join();
            String worker = result.replaceFirst(".*\"worker\":\"([^\"]*)\".*", "$1");
            finishedBy.merge(worker, 1, Integer::sum);
            int ends = endings.getOrDefault(run.id(), 0);
            int written = effects.getOrDefault(run.id(), 0);
            if (ends != 1 || written != FiveStepWorker.STEPS) {
                duplicated.add(run.id() + " ended " + ends + " time(s) with " + written + " effect(s)");
            }
        }
        List<Ledger.Repeated> repeated = ledger.repeated();
        List<Ledger.Repeated> unexplained = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (Ledger.Repeated task : repeated) {
            List<Ledger.Execution> executions = task.executions();
            for (Ledger.Execution earlier : executions.subList(0, executions.size() - 1)) {
                // In flight at a kill: started before its process was killed, which had not gone on to a
                // later task of the run (that would mean this one's checkpoint was saved).
                boolean inFlightAtKill = kills.stream().anyMatch(kill -> kill.pid() == earlier.pid()
                        && !earlier.at().isAfter(kill.at()))
                        && !ledger.wentPast(task.run(), task.task(), earlier.pid());
                if (!inFlightAtKill) {
                    unexplained.add(task);
                    List<String> each = new ArrayList<>();
                    for (Ledger.Execution execution : executions) {
                        Kill killed = kills.stream().filter(kill -> kill.pid() == execution.pid()).findFirst().orElse(null);
                        each.add("pid " + execution.pid() + " at " + execution.at() + (killed == null ? ", never killed"
                                : ", killed at " + killed.at()) + (ledger.wentPast(task.run(), task.task(), execution.pid())
                                ? ", went on to a later task" : ""));
                    }
                    why.add("run " + task.run() + " task " + task.task() + ": " + each);
                    break;
                }
            }
        }
        return new Report(queued.size(), completed, List.copyOf(kills), List.copyOf(takeovers), repeated, unexplained, why,
                ledger.conflicts(), lost, duplicated, finishedBy, elapsed, mostInsideLimit);
    }
}
