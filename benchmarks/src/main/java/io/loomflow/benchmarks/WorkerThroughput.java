package io.loomflow.benchmarks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.StartWorkflowOptions;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.workflow.Queue;
import dev.dbos.transact.workflow.Workflow;
import dev.dbos.transact.workflow.WorkflowHandle;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration.JobRunrConfigurationResult;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

/**
 * The workers of {@code loomflow-workers} on PostgreSQL (issue 15, "Speed"), all in one JVM and on
 * one PostgreSQL server, each system in a database of its own created for it and dropped after it:
 *
 * <ol>
 *   <li>Throughput of no-op runs through the queue, Loomflow with 1 and 2 {@link Worker}s (in this
 *       JVM), against the raw {@code FOR UPDATE SKIP LOCKED} floor with as many consumers and the
 *       same batch size, db-scheduler (one-time tasks), JobRunr and DBOS Transact (a queue of
 *       workflows). Every system gets the same load: {@code submitters} virtual threads submit one
 *       run per call (one transaction each) while the system runs; the time is from the first
 *       submission until every run is recorded as ended.</li>
 *   <li>Pickup latency on an idle worker: submit to the flow's first line, {@code System.nanoTime()}
 *       in this JVM, sequential submissions.</li>
 *   <li>Cost of a durable task: sequential runs of 10 checkpointed no-op tasks, and of none, on a
 *       Loomflow worker and in DBOS (a workflow of 10 steps, started directly); the difference over
 *       10 is the cost of one task, in time and in database writes.</li>
 *   <li>Failover: a worker JVM ({@link FailoverVictim}) killed with SIGKILL while its runs are in
 *       flight, with a short lease; the time until each of its runs starts on a worker here.</li>
 * </ol>
 *
 * <p>Database writes come from {@code pg_stat_database} of the system's own database, read after
 * the system closed all its connections (a backend reports its counts when it exits): committed
 * transactions (read-only ones included) and rows inserted, updated and deleted; and the bytes of
 * write-ahead log the server wrote meanwhile.
 *
 * <p>Usage: {@code WorkerThroughput [key=value...]}; the keys and defaults are in {@link #main}.
 * Each {@code RESULT} line holds a figure against the goal of issue 15.
 */
public final class WorkerThroughput {

    private static final double FLOOR_SHARE_GOAL = 0.8;
    private static final double OTHERS_FACTOR_GOAL = 2.0;
    private static final double PICKUP_P50_GOAL_MILLIS = 3;
    private static final double PICKUP_P99_GOAL_MILLIS = 25;
    private static final int DURABLE_TASKS = 10;

    private final Benchmarks.Options options;
    private final String admin;
    private final int submitters;
    private final int concurrency;

    private WorkerThroughput(Benchmarks.Options options) {
        this.options = options;
        this.admin = options.text("postgres");
        this.submitters = options.number("submitters");
        this.concurrency = options.number("concurrency");
    }

    /**
     * Runs the parts named by {@code parts}.
     *
     * @param args {@code key=value} options: {@code postgres} (a URL to a database where this user may
     *             create databases), {@code parts}, {@code systems}, {@code runs}, {@code warmup},
     *             {@code rounds}, {@code concurrency} (each worker's, and the floor's batch size),
     *             {@code submitters}, {@code pickups}, {@code durableRuns}, {@code lease} (seconds, for
     *             failover), {@code failoverRuns}, {@code dbosPoll} (DBOS's queue polling interval, ms)
     * @throws Exception if a database or a system fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("WorkerThroughput", args,
                "postgres", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
                "parts", "throughput,latency,durable,failover",
                "systems", "floor,loomflow,db-scheduler,jobrunr,dbos",
                "runs", "20000", "warmup", "2000", "rounds", "3",
                "concurrency", "64", "submitters", "8",
                "pickups", "2000", "durableRuns", "200",
                "lease", "3", "failoverRuns", "8", "dbosPoll", "50");
        System.out.println("load average at start: " + loadAverage());
        WorkerThroughput harness = new WorkerThroughput(options);
        List<String> parts = List.of(options.text("parts").split(","));
        if (parts.contains("throughput")) {
            harness.throughput(List.of(options.text("systems").split(",")));
        }
        if (parts.contains("latency")) {
            harness.retrying("pickup latency", () -> {
                harness.pickupLatency();
                return null;
            });
        }
        if (parts.contains("durable")) {
            harness.retrying("durable task", () -> {
                harness.durableCost();
                return null;
            });
        }
        if (parts.contains("failover")) {
            harness.retrying("failover", () -> {
                harness.failover();
                return null;
            });
        }
        System.out.println("load average at end: " + loadAverage());
    }

    // ---- PostgreSQL going away (other programs on a shared machine may restart it) ----

    /**
     * Runs {@code part} again, up to 3 times, when it failed on a lost or unavailable connection (PostgreSQL
     * restarted, or a pool that gave no connection in time), once PostgreSQL answers; the failure is printed.
     */
    private <T> T retrying(String what, Callable<T> part) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return part.call();
            } catch (Exception failed) {
                if (attempt >= 3 || !lostDatabase(failed)) {
                    throw failed;
                }
                System.out.println("  (" + what + " failed on a lost or unavailable database connection (" + failed
                        + "); measuring again once PostgreSQL answers)");
                awaitPostgres();
            }
        }
    }

    private static boolean lostDatabase(Throwable failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            String message = String.valueOf(cause.getMessage());
            if (message.contains("terminating connection") || message.contains("refused")
                    || message.contains("cannot reach")) {
                return true;
            }
        }
        return false;
    }

    private void awaitPostgres() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Connection connection = DriverManager.getConnection(admin)) {
                return;
            } catch (SQLException notYet) {
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("PostgreSQL at " + admin + " did not answer for 5 minutes");
    }

    // ---- 1. throughput ----

    /** A queue under load: a round submits runs 0..n-1 and waits until all of them ended. */
    private interface QueueUnderTest extends AutoCloseable {

        /** Before a round of {@code runs} runs. */
        void begin(int runs) throws Exception;

        /** Submits run {@code i} of the round; called from several threads at once. */
        void submit(int i) throws Exception;

        /** Waits until every run of the round is recorded as ended. */
        void awaitEnd() throws Exception;
    }

    private interface Opener {
        QueueUnderTest open(String url) throws Exception;
    }

    /** The figures of one system: median wall time of a round, submission time, writes per run. */
    private record Rate(String system, double millis, double submitMillis, int runs, Writes writes, int allRuns,
                        double cpuMillisPerRun) {

        double perSecond() {
            return runs / (millis / 1000);
        }
    }

    private void throughput(List<String> systems) throws Exception {
        int runs = options.number("runs");
        System.out.printf(Locale.ROOT, "%n1. Throughput: %,d no-op runs per round, %d submitters (one run per"
                + " transaction), batch size and worker concurrency %d, median of %d rounds after %,d runs of"
                + " warm-up%n", runs, submitters, concurrency, options.number("rounds"), options.number("warmup"));
        Map<String, Rate> rates = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String system : systems) {
            switch (system) {
                case "floor" -> {
                    rates.put("floor1", retrying("floor", () -> measure("floor, 1 consumer", url -> new Floor(url, 1))));
                    rates.put("floor2", retrying("floor", () -> measure("floor, 2 consumers", url -> new Floor(url, 2))));
                }
                case "loomflow" -> {
                    rates.put("loomflow1", retrying("Loomflow", () -> measure("Loomflow, 1 worker", url -> new Loomflow(url, 1))));
                    rates.put("loomflow2", retrying("Loomflow", () -> measure("Loomflow, 2 workers", url -> new Loomflow(url, 2))));
                }
                case "db-scheduler", "jobrunr", "dbos" -> {
                    Opener opener = switch (system) {
                        case "db-scheduler" -> DbScheduler::new;
                        case "jobrunr" -> JobRunrQueue::new;
                        default -> DbosQueue::new;
                    };
                    try {
                        rates.put(system, retrying(system, () -> measure(system, opener)));
                    } catch (Exception | LinkageError notHere) {
                        failed.put(system, String.valueOf(notHere));
                        System.out.printf(Locale.ROOT, "  %-34s could not run here: %s%n", system, notHere);
                    }
                }
                default -> throw new IllegalArgumentException("unknown system '" + system + "' in systems=; pass"
                        + " some of floor,loomflow,db-scheduler,jobrunr,dbos");
            }
        }
        System.out.println();
        for (Rate rate : rates.values()) {
            System.out.printf(Locale.ROOT, "  %-34s %,8.0f runs/s  round %8.1f ms (submitting %8.1f ms)  per run:"
                            + " %5.2f transactions, %5.2f rows written, %5.2f KB of WAL (%,d runs counted); this JVM's"
                            + " CPU %.3f ms per run of the timed rounds%n", rate.system(),
                    rate.perSecond(), rate.millis(), rate.submitMillis(),
                    rate.writes().commits() / (double) rate.allRuns(), rate.writes().rows() / (double) rate.allRuns(),
                    rate.writes().wal() / 1024.0 / rate.allRuns(), rate.allRuns(), rate.cpuMillisPerRun());
        }
        failed.forEach((system, why) -> System.out.printf(Locale.ROOT, "  %-34s did not run: %s%n", system, why));
        for (int workers = 1; workers <= 2; workers++) {
            Rate loomflow = rates.get("loomflow" + workers);
            Rate floor = rates.get("floor" + workers);
            if (loomflow != null && floor != null) {
                double share = loomflow.perSecond() / floor.perSecond();
                System.out.printf(Locale.ROOT, "RESULT throughput, %d worker(s): Loomflow %,.0f runs/s, floor (%d"
                                + " consumer(s), batches of %d) %,.0f runs/s, %.2f of the floor (goal >= %.1f): %s%n",
                        workers, loomflow.perSecond(), workers, concurrency, floor.perSecond(), share,
                        FLOOR_SHARE_GOAL, share >= FLOOR_SHARE_GOAL ? "MET" : "MISSED");
            }
        }
        Rate best = null;
        for (String other : List.of("db-scheduler", "jobrunr", "dbos")) {
            Rate rate = rates.get(other);
            if (rate != null && (best == null || rate.perSecond() > best.perSecond())) {
                best = rate;
            }
        }
        Rate ours = rates.get("loomflow2") != null ? rates.get("loomflow2") : rates.get("loomflow1");
        if (best != null && ours != null) {
            double factor = ours.perSecond() / best.perSecond();
            System.out.printf(Locale.ROOT, "RESULT throughput against the best of db-scheduler, JobRunr and DBOS"
                            + " (%s, %,.0f runs/s): %s %,.0f runs/s, %.2fx (goal >= %.1fx): %s%s%n", best.system(),
                    best.perSecond(), ours.system(), ours.perSecond(), factor, OTHERS_FACTOR_GOAL,
                    factor >= OTHERS_FACTOR_GOAL ? "MET" : "MISSED",
                    failed.isEmpty() ? "" : " (not run here: " + failed.keySet() + ")");
        }
    }

    /** One system in a fresh database: a warm-up round, then the timed rounds; writes counted over all. */
    private Rate measure(String system, Opener opener) throws Exception {
        int runs = options.number("runs");
        int warmup = options.number("warmup");
        int rounds = options.number("rounds");
        try (FreshDatabase database = new FreshDatabase(system)) {
            Writes before = database.writes();
            List<double[]> timings = new ArrayList<>();
            long cpuBefore;
            long cpu;
            try (QueueUnderTest queue = opener.open(database.url())) {
                round(queue, warmup);
                cpuBefore = processCpuNanos();
                for (int r = 0; r < rounds; r++) {
                    double[] timing = round(queue, runs);
                    timings.add(timing);
                    System.out.printf(Locale.ROOT, "  %-34s round %d: %8.1f ms, %,8.0f runs/s (submitting %.1f ms)%n",
                            system, r + 1, timing[1], runs / (timing[1] / 1000), timing[0]);
                }
                cpu = processCpuNanos() - cpuBefore;
            }
            Writes writes = database.writes().minus(before);
            timings.sort((a, b) -> Double.compare(a[1], b[1]));
            double[] median = timings.get(timings.size() / 2);
            return new Rate(system, median[1], median[0], runs, writes, warmup + rounds * runs,
                    cpu / 1e6 / ((double) rounds * runs));
        }
    }

    /** The CPU time this JVM has used, all threads: the systems run in it, submitters included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Returns {submit millis, total millis}. */
    private double[] round(QueueUnderTest queue, int runs) throws Exception {
        queue.begin(runs);
        long start = System.nanoTime();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> submitting = new ArrayList<>();
            for (int t = 0; t < submitters; t++) {
                int first = t;
                submitting.add(executor.submit(() -> {
                    for (int i = first; i < runs; i += submitters) {
                        queue.submit(i);
                    }
                    return null;
                }));
            }
            for (Future<?> future : submitting) {
                future.get();
            }
        }
        long submitted = System.nanoTime();
        queue.awaitEnd();
        long ended = System.nanoTime();
        return new double[] {(submitted - start) / 1e6, (ended - start) / 1e6};
    }

    /** Counts ended runs down to zero; awaited once. */
    private static final class Countdown {
        private final AtomicInteger remaining;
        private final CountDownLatch zero = new CountDownLatch(1);
        private volatile RuntimeException failure;

        Countdown(int runs) {
            remaining = new AtomicInteger(runs);
            if (runs == 0) {
                zero.countDown();
            }
        }

        void ended(int runs) {
            if (remaining.addAndGet(-runs) == 0) {
                zero.countDown();
            }
        }

        /** Ends the wait with the failure of a consumer, such as a lost database. */
        void failed(RuntimeException why) {
            failure = why;
            zero.countDown();
        }

        boolean done() {
            return zero.getCount() == 0;
        }

        void await() throws InterruptedException {
            if (!zero.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(remaining.get() + " runs still not ended after 10 minutes");
            }
            RuntimeException why = failure;
            if (why != null) {
                throw why;
            }
        }
    }

    /**
     * The floor: one INSERT per submitted run; each consumer claims up to a batch with one
     * {@code UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED)} and marks the batch done with one
     * {@code UPDATE}; an empty claim waits 1 ms.
     */
    private final class Floor implements QueueUnderTest {
        private final HikariDataSource data;
        private final int consumers;
        private Countdown countdown = new Countdown(0);
        private final List<Thread> threads = new ArrayList<>();

        Floor(String url, int consumers) throws SQLException {
            this.data = pool(url, submitters + consumers);
            this.consumers = consumers;
            try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE floor_queue (id BIGSERIAL PRIMARY KEY, payload INT NOT NULL,"
                        + " state TEXT NOT NULL DEFAULT 'queued', owner INT, lease_until TIMESTAMPTZ,"
                        + " created TIMESTAMPTZ NOT NULL DEFAULT now(), ended TIMESTAMPTZ)");
                statement.execute("CREATE INDEX floor_queued ON floor_queue (id) WHERE state = 'queued'");
            }
        }

        @Override
        public void begin(int runs) {
            countdown = new Countdown(runs);
            threads.clear();
            for (int c = 0; c < consumers; c++) {
                int owner = c;
                threads.add(Thread.ofPlatform().name("floor-consumer-" + c).start(() -> consume(owner, countdown)));
            }
        }

        private void consume(int owner, Countdown round) {
            try (Connection connection = data.getConnection();
                 PreparedStatement claim = connection.prepareStatement("""
                         UPDATE floor_queue q SET state = 'running', owner = ?, lease_until = now() + INTERVAL '30 s'
                         FROM (SELECT id FROM floor_queue WHERE state = 'queued' ORDER BY id LIMIT ?
                               FOR UPDATE SKIP LOCKED) c
                         WHERE q.id = c.id RETURNING q.id""");
                 PreparedStatement done = connection.prepareStatement(
                         "UPDATE floor_queue SET state = 'done', ended = now() WHERE id = ANY (?)")) {
                while (!round.done()) {
                    claim.setInt(1, owner);
                    claim.setInt(2, concurrency);
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rows = claim.executeQuery()) {
                        while (rows.next()) {
                            ids.add(rows.getLong(1));
                        }
                    }
                    if (ids.isEmpty()) {
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    Array array = connection.createArrayOf("bigint", ids.toArray());
                    done.setArray(1, array);
                    done.executeUpdate();
                    round.ended(ids.size());
                }
            } catch (SQLException failed) {
                round.failed(new IllegalStateException("the floor's consumer failed: " + failed.getMessage(), failed));
            }
        }

        @Override
        public void submit(int i) throws SQLException {
            try (Connection connection = data.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO floor_queue (payload) VALUES (?)")) {
                insert.setInt(1, i);
                insert.executeUpdate();
            }
        }

        @Override
        public void awaitEnd() throws InterruptedException {
            countdown.await();
            for (Thread thread : threads) {
                thread.join();
            }
        }

        @Override
        public void close() {
            data.close();
        }
    }

    /** Loomflow: {@code WorkQueue.runAsync} per run, the futures awaited; workers in this JVM. */
    private final class Loomflow implements QueueUnderTest {
        private final Flow<Integer, Integer> noop = Flow.named("noop", Integer.class, i -> i);
        private final List<Worker> workers = new ArrayList<>();
        private final WorkQueue queue;
        private CompletableFuture<?>[] futures = new CompletableFuture<?>[0];

        Loomflow(String url, int count) {
            for (int w = 0; w < count; w++) {
                workers.add(Worker.builder().database(url).name("bench-" + (w + 1)).flows(noop)
                        .concurrency(concurrency).build().start());
            }
            queue = WorkQueue.connect(url);
        }

        @Override
        public void begin(int runs) {
            futures = new CompletableFuture<?>[runs];
        }

        @Override
        public void submit(int i) {
            futures[i] = queue.runAsync(noop, i, Submission.defaults()).result();
        }

        @Override
        public void awaitEnd() throws Exception {
            CompletableFuture.allOf(futures).get(10, TimeUnit.MINUTES);
        }

        @Override
        public void close() {
            queue.close();
            workers.forEach(worker -> worker.close(Duration.ZERO));
        }
    }

    /**
     * db-scheduler: a one-time task per run, scheduled for now; {@code concurrency} threads, lock
     * and fetch ({@code SKIP LOCKED}), immediate execution, polling every 100 ms. A one-time task's
     * row is deleted when it ends: a round ends when its tasks ran and the table is empty.
     */
    private final class DbScheduler implements QueueUnderTest {
        private final HikariDataSource data;
        private final OneTimeTask<Integer> task;
        private final Scheduler scheduler;
        private Countdown countdown = new Countdown(0);
        private int round;

        DbScheduler(String url) throws SQLException {
            data = pool(url, submitters + 8);
            try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
                // The table of db-scheduler's documentation for PostgreSQL.
                statement.execute("""
                        CREATE TABLE scheduled_tasks (task_name TEXT NOT NULL, task_instance TEXT NOT NULL,
                            task_data BYTEA, execution_time TIMESTAMPTZ, picked BOOLEAN NOT NULL, picked_by TEXT,
                            last_success TIMESTAMPTZ, last_failure TIMESTAMPTZ, consecutive_failures INT,
                            last_heartbeat TIMESTAMPTZ, version BIGINT NOT NULL, priority SMALLINT, state TEXT,
                            PRIMARY KEY (task_name, task_instance))""");
                statement.execute("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
                statement.execute("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
                statement.execute("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC,"
                        + " execution_time ASC)");
            }
            task = Tasks.oneTime("noop", Integer.class).execute((instance, context) -> countdown.ended(1));
            scheduler = Scheduler.create(data, task).threads(concurrency).pollingInterval(Duration.ofMillis(100))
                    .pollUsingLockAndFetch(0.5, 1.0).enableImmediateExecution().build();
            scheduler.start();
        }

        @Override
        public void begin(int runs) {
            countdown = new Countdown(runs);
            round++;
        }

        @Override
        public void submit(int i) {
            scheduler.schedule(task.instance(round + "-" + i, i), Instant.now());
        }

        @Override
        public void awaitEnd() throws Exception {
            countdown.await();
            try (Connection connection = data.getConnection();
                 PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM scheduled_tasks")) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (true) {
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) == 0) {
                            return;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("db-scheduler's tasks were not all done after 10 minutes");
                    }
                    Thread.sleep(5);
                }
            }
        }

        @Override
        public void close() {
            scheduler.stop();
            data.close();
        }
    }

    /** JobRunr, as in {@code StoreThroughput}: {@code concurrency} workers, its shortest poll interval (5 s). */
    private final class JobRunrQueue implements QueueUnderTest {
        private final HikariDataSource data;
        private final StorageProvider storage;
        private final JobScheduler scheduler;
        private long expected;

        JobRunrQueue(String url) {
            data = pool(url, submitters + 8);
            storage = new PostgresStorageProvider(data);
            JobRunrConfigurationResult jobRunr = JobRunr.configure().useStorageProvider(storage)
                    .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                            .andWorkerCount(concurrency).andPollInterval(Duration.ofSeconds(5)))
                    .initialize();
            scheduler = jobRunr.getJobScheduler();
        }

        @Override
        public void begin(int runs) {
            expected += runs;
        }

        @Override
        public void submit(int i) {
            scheduler.enqueue(() -> WorkerThroughput.noop(i));
        }

        @Override
        public void awaitEnd() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (storage.countJobs(StateName.SUCCEEDED) < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JobRunr's jobs had not all succeeded after 10 minutes");
                }
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            JobRunr.destroy();
            data.close();
        }
    }

    /**
     * The job JobRunr runs: nothing.
     *
     * @param item the job's item
     */
    public static void noop(int item) {
        // nothing: the comparison is about the queue
    }

    /**
     * DBOS Transact's workflows for the comparison.
     */
    public interface DbosWorkflows {

        /**
         * A workflow that does nothing.
         *
         * @param i its item
         * @return the item
         */
        int noop(int i);

        /**
         * A workflow of {@value #STEPS} no-op steps, each checkpointed by DBOS.
         *
         * @param i its item
         * @return the sum of the steps' results
         */
        int steps(int i);

        /** The steps of {@link #steps}. */
        int STEPS = DURABLE_TASKS;
    }

    /** The workflows' code; DBOS calls them through the proxy it makes. */
    public static final class DbosWorkflowsImpl implements DbosWorkflows {
        private final DBOS dbos;

        DbosWorkflowsImpl(DBOS dbos) {
            this.dbos = dbos;
        }

        @Override
        @Workflow(name = "noop")
        public int noop(int i) {
            return i;
        }

        @Override
        @Workflow(name = "steps")
        public int steps(int i) {
            int sum = 0;
            for (int k = 0; k < STEPS; k++) {
                int item = k;
                sum += dbos.runStep(() -> item, "step");
            }
            return sum;
        }
    }

    /** A DBOS instance on a database of its own, with its data source. */
    private static final class Dbos implements AutoCloseable {
        final HikariDataSource data;
        final DBOS dbos;
        final DbosWorkflows workflows;
        final Queue queue;

        Dbos(String url, int poolSize, Duration poll) {
            data = pool(url, poolSize);
            dbos = new DBOS(DBOSConfig.defaults("loomflow-bench").withDataSource(data).disableAdminServer());
            queue = new Queue("bench").withPollingInterval(poll);
            dbos.registerQueue(queue);
            DbosWorkflowsImpl impl = new DbosWorkflowsImpl(dbos);
            workflows = dbos.registerProxy(DbosWorkflows.class, impl);
            dbos.launch();
        }

        @Override
        public void close() {
            dbos.close();
            data.close();
        }
    }

    /**
     * DBOS Transact: each run a workflow started on a queue with no concurrency limit, polled every
     * {@code dbosPoll} ms (its default is 1 s); the handles' results awaited.
     */
    private final class DbosQueue implements QueueUnderTest {
        private final Dbos dbos;
        private List<WorkflowHandle<Integer, RuntimeException>> handles = List.of();

        DbosQueue(String url) {
            dbos = new Dbos(url, submitters + 8, Duration.ofMillis(options.number("dbosPoll")));
        }

        @Override
        public void begin(int runs) {
            List<WorkflowHandle<Integer, RuntimeException>> slots = new ArrayList<>(runs);
            for (int i = 0; i < runs; i++) {
                slots.add(null);
            }
            handles = slots;
        }

        @Override
        public void submit(int i) {
            handles.set(i, dbos.dbos.startWorkflow(() -> dbos.workflows.noop(i),
                    new StartWorkflowOptions().withQueue(dbos.queue)));
        }

        @Override
        public void awaitEnd() {
            for (WorkflowHandle<Integer, RuntimeException> handle : handles) {
                handle.getResult();
            }
        }

        @Override
        public void close() {
            dbos.close();
        }
    }

    // ---- 2. pickup latency ----

    private void pickupLatency() throws Exception {
        int pickups = options.number("pickups");
        int warmup = Math.max(100, pickups / 10);
        System.out.printf(Locale.ROOT, "%n2. Pickup latency on an idle worker: %,d sequential submissions after %,d"
                + " not counted; submit to the flow's first line, each run awaited before the next%n", pickups, warmup);
        BlockingQueue<Long> started = new LinkedBlockingQueue<>();
        Flow<Integer, Integer> pickup = Flow.named("pickup", Integer.class, i -> {
            started.add(System.nanoTime());
            return i;
        });
        Samples latency = new Samples("submit to first line", pickups);
        Samples submitting = new Samples("runAsync returned", pickups);
        try (FreshDatabase database = new FreshDatabase("pickup");
             Worker worker = Worker.builder().database(database.url()).name("idle").flows(pickup)
                     .concurrency(concurrency).build().start();
             WorkQueue queue = WorkQueue.connect(database.url())) {
            for (int i = 0; i < warmup + pickups; i++) {
                long start = System.nanoTime();
                QueuedRun<Integer> run = queue.runAsync(pickup, i, Submission.defaults());
                long returned = System.nanoTime();
                Long first = started.poll(30, TimeUnit.SECONDS);
                if (first == null) {
                    throw new IllegalStateException("run " + run.id() + " did not start within 30 s");
                }
                if (i >= warmup) {
                    latency.add(first - start);
                    submitting.add(returned - start);
                }
                run.result().get(30, TimeUnit.SECONDS);
            }
            worker.close(Duration.ZERO);
        }
        System.out.println("  " + submitting.summary());
        System.out.println("  " + latency.summary());
        double p50 = latency.median() / 1e6;
        double p99 = latency.quantile(0.99) / 1e6;
        System.out.printf(Locale.ROOT, "RESULT pickup latency p50 %.2f ms (goal <= %.0f ms): %s%n", p50,
                PICKUP_P50_GOAL_MILLIS, p50 <= PICKUP_P50_GOAL_MILLIS ? "MET" : "MISSED");
        System.out.printf(Locale.ROOT, "RESULT pickup latency p99 %.2f ms (goal <= %.0f ms): %s%n", p99,
                PICKUP_P99_GOAL_MILLIS, p99 <= PICKUP_P99_GOAL_MILLIS ? "MET" : "MISSED");
    }

    // ---- 3. cost of a durable task ----

    /** One session of sequential runs: the median latency and the writes of all its runs. */
    private record Session(double medianMillis, Writes writes, int runs) {

        double rowsPerRun() {
            return writes.rows() / (double) runs;
        }

        double commitsPerRun() {
            return writes.commits() / (double) runs;
        }

        double walPerRun() {
            return writes.wal() / (double) runs;
        }
    }

    private interface SessionRunner {
        Session run(FreshDatabase database, boolean tasks) throws Exception;
    }

    private void durableCost() throws Exception {
        int runs = options.number("durableRuns");
        System.out.printf(Locale.ROOT, "%n3. Cost of a durable task: %,d sequential runs of %d checkpointed no-op"
                + " tasks, and of none, each after %d not counted (latency), writes over all runs; per task ="
                + " (10 tasks - none) / 10%n", runs, DURABLE_TASKS, warmupOf(runs));
        double[] loomflow = durable("Loomflow (submit to a worker, result awaited)", this::loomflowSession);
        double[] dbos;
        try {
            dbos = durable("DBOS (startWorkflow, no queue, result awaited)", this::dbosSession);
        } catch (Exception | LinkageError notHere) {
            System.out.println("  DBOS could not run here: " + notHere);
            return;
        }
        System.out.printf(Locale.ROOT, "RESULT durable task: Loomflow %.3f ms and %.2f rows written per task, DBOS %.3f"
                        + " ms and %.2f rows; run of %d tasks %.2f ms vs %.2f ms (goal: at or below DBOS): %s%n",
                loomflow[0], loomflow[1], dbos[0], dbos[1], DURABLE_TASKS, loomflow[2], dbos[2],
                loomflow[0] <= dbos[0] ? "MET" : "MISSED");
    }

    private static int warmupOf(int runs) {
        return Math.max(20, runs / 5);
    }

    /** Returns {ms per task, rows written per task, ms per run of 10 tasks}. */
    private double[] durable(String system, SessionRunner runner) throws Exception {
        try (FreshDatabase database = new FreshDatabase("durable")) {
            runner.run(database, false); // creates the tables: not counted
            Session none = runner.run(database, false);
            Session ten = runner.run(database, true);
            double perTask = (ten.medianMillis() - none.medianMillis()) / DURABLE_TASKS;
            double rowsPerTask = (ten.rowsPerRun() - none.rowsPerRun()) / DURABLE_TASKS;
            double commitsPerTask = (ten.commitsPerRun() - none.commitsPerRun()) / DURABLE_TASKS;
            double walPerTask = (ten.walPerRun() - none.walPerRun()) / DURABLE_TASKS;
            System.out.printf(Locale.ROOT, "  %-48s run of none %7.2f ms (%5.2f transactions, %5.2f rows written),"
                            + " of %d tasks %7.2f ms (%5.2f transactions, %5.2f rows); per task %.3f ms, %.2f"
                            + " transactions, %.2f rows, %.2f KB of WAL%n", system, none.medianMillis(),
                    none.commitsPerRun(), none.rowsPerRun(), DURABLE_TASKS, ten.medianMillis(), ten.commitsPerRun(),
                    ten.rowsPerRun(), perTask, commitsPerTask, rowsPerTask, walPerTask / 1024.0);
            return new double[] {perTask, rowsPerTask, ten.medianMillis()};
        }
    }

    private Session loomflowSession(FreshDatabase database, boolean tasks) throws Exception {
        Task<Integer, Integer> step = Task.named("step", (Integer k) -> k);
        Flow<Integer, Integer> flow = tasks
                ? Flow.named("steps", Integer.class, i -> {
                    int sum = 0;
                    for (int k = 0; k < DURABLE_TASKS; k++) {
                        sum += step.call(k);
                    }
                    return sum;
                })
                : Flow.named("none", Integer.class, i -> i);
        Writes before = database.writes();
        int runs = options.number("durableRuns");
        int warmup = warmupOf(runs);
        Samples millis = new Samples("run", runs);
        try (Worker worker = Worker.builder().database(database.url()).name("durable").flows(flow).concurrency(8)
                .build().start();
             WorkQueue queue = WorkQueue.connect(database.url())) {
            for (int i = 0; i < warmup + runs; i++) {
                long start = System.nanoTime();
                queue.run(flow, i, Submission.defaults());
                if (i >= warmup) {
                    millis.add(System.nanoTime() - start);
                }
            }
            worker.close(Duration.ZERO);
        }
        return new Session(millis.median() / 1e6, database.writes().minus(before), warmup + runs);
    }

    private Session dbosSession(FreshDatabase database, boolean tasks) throws Exception {
        Writes before = database.writes();
        int runs = options.number("durableRuns");
        int warmup = warmupOf(runs);
        Samples millis = new Samples("run", runs);
        try (Dbos dbos = new Dbos(database.url(), 4, Duration.ofMillis(options.number("dbosPoll")))) {
            for (int i = 0; i < warmup + runs; i++) {
                int item = i;
                long start = System.nanoTime();
                WorkflowHandle<Integer, RuntimeException> handle = tasks
                        ? dbos.dbos.startWorkflow(() -> dbos.workflows.steps(item))
                        : dbos.dbos.startWorkflow(() -> dbos.workflows.noop(item));
                handle.getResult();
                if (i >= warmup) {
                    millis.add(System.nanoTime() - start);
                }
            }
        }
        return new Session(millis.median() / 1e6, database.writes().minus(before), warmup + runs);
    }

    // ---- 4. failover ----

    private void failover() throws Exception {
        int lease = options.number("lease");
        int runs = options.number("failoverRuns");
        Duration heartbeat = Duration.ofSeconds(lease).dividedBy(3);
        System.out.printf(Locale.ROOT, "%n4. Failover: a worker JVM with %d runs in flight killed (SIGKILL), lease"
                + " expiry %d s (heartbeat %d ms); time from the kill to each run's first line on a worker here%n",
                runs, lease, heartbeat.toMillis());
        BlockingQueue<Long> started = new LinkedBlockingQueue<>();
        Flow<Integer, Integer> failover = Flow.named("failover", Integer.class, n -> {
            started.add(System.nanoTime());
            return n;
        });
        try (FreshDatabase database = new FreshDatabase("failover")) {
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), FailoverVictim.class.getName(), database.url(),
                    String.valueOf(lease), String.valueOf(runs))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(victim.getInputStream(),
                    StandardCharsets.UTF_8))) {
                expectLine(lines, "READY");
                List<QueuedRun<Integer>> queued = new ArrayList<>();
                try (WorkQueue queue = WorkQueue.connect(database.url())) {
                    for (int i = 0; i < runs; i++) {
                        queued.add(queue.runAsync(failover, i, Submission.defaults()));
                    }
                    for (int i = 0; i < runs; i++) {
                        expectLine(lines, "STARTED");
                    }
                    try (Worker survivor = Worker.builder().database(database.url()).name("survivor").flows(failover)
                            .leaseExpiry(Duration.ofSeconds(lease)).concurrency(runs).build().start()) {
                        long killed = System.nanoTime();
                        victim.destroyForcibly();
                        if (!victim.waitFor(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the killed worker JVM did not end within 30 s");
                        }
                        Samples after = new Samples("kill to running elsewhere", runs);
                        for (int i = 0; i < runs; i++) {
                            Long first = started.poll(lease * 10L + 30, TimeUnit.SECONDS);
                            if (first == null) {
                                throw new IllegalStateException((runs - i) + " runs of the killed worker did not start"
                                        + " here within " + (lease * 10 + 30) + " s");
                            }
                            after.add(first - killed);
                        }
                        for (QueuedRun<Integer> run : queued) {
                            run.result().get(60, TimeUnit.SECONDS);
                        }
                        double bound = Duration.ofSeconds(lease).plus(heartbeat.multipliedBy(2)).toMillis() / 1000.0;
                        double last = after.quantile(1.0) / 1e9;
                        System.out.printf(Locale.ROOT, "RESULT failover: first run running elsewhere %.2f s after the"
                                        + " kill, all %d %.2f s (lease %d s; bound lease + 2 heartbeats = %.1f s): %s%n",
                                after.quantile(0) / 1e9, runs, last, lease, bound, last <= bound ? "MET" : "MISSED");
                        survivor.close(Duration.ZERO);
                    }
                }
            } finally {
                victim.destroyForcibly();
            }
        }
    }

    private static void expectLine(BufferedReader lines, String prefix) throws IOException {
        String line = lines.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException("the worker JVM said '" + line + "', expected " + prefix);
        }
    }

    // ---- databases ----

    /**
     * Committed transactions and rows written in one database, from {@code pg_stat_database}, and
     * the bytes of write-ahead log the whole server wrote meanwhile ({@code pg_current_wal_lsn()};
     * the systems run one at a time, so it is theirs).
     */
    private record Writes(long commits, long inserted, long updated, long deleted, long wal) {

        long rows() {
            return inserted + updated + deleted;
        }

        Writes minus(Writes before) {
            return new Writes(commits - before.commits, inserted - before.inserted, updated - before.updated,
                    deleted - before.deleted, wal - before.wal);
        }
    }

    /** A database created for one system on the server of {@code postgres}, dropped at close. */
    private final class FreshDatabase implements AutoCloseable {
        private final String name;
        private final String url;

        FreshDatabase(String system) throws SQLException {
            name = "lf_bench_" + system.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            try (Connection connection = DriverManager.getConnection(admin);
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            int query = admin.indexOf('?');
            String base = query < 0 ? admin : admin.substring(0, query);
            url = base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : admin.substring(query));
        }

        String url() {
            return url;
        }

        /** The counts once no connection to the database is left (a backend reports its counts as it exits). */
        Writes writes() throws SQLException, InterruptedException {
            try (Connection connection = DriverManager.getConnection(admin);
                 PreparedStatement sessions = connection.prepareStatement(
                         "SELECT count(*) FROM pg_stat_activity WHERE datname = ?");
                 PreparedStatement counts = connection.prepareStatement("SELECT xact_commit, tup_inserted,"
                         + " tup_updated, tup_deleted FROM pg_stat_database WHERE datname = ?")) {
                sessions.setString(1, name);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    try (ResultSet rows = sessions.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) == 0) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        System.out.println("  (connections to " + name + " still open after 30 s: its counts may lag)");
                        break;
                    }
                    Thread.sleep(20);
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_stat_clear_snapshot()");
                }
                counts.setString(1, name);
                try (ResultSet rows = counts.executeQuery();
                     Statement statement = connection.createStatement();
                     ResultSet lsn = statement.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")) {
                    rows.next();
                    lsn.next();
                    return new Writes(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), lsn.getLong(1));
                }
            }
        }

        /** Drops the database; names the connections still open to it after 10 s, which the drop ends. */
        @Override
        public void close() throws SQLException, InterruptedException {
            try (Connection connection = DriverManager.getConnection(admin);
                 PreparedStatement sessions = connection.prepareStatement(
                         "SELECT application_name, state, left(query, 80) FROM pg_stat_activity WHERE datname = ?");
                 Statement statement = connection.createStatement()) {
                sessions.setString(1, name);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                List<String> open = new ArrayList<>();
                do {
                    open.clear();
                    try (ResultSet rows = sessions.executeQuery()) {
                        while (rows.next()) {
                            open.add(rows.getString(1) + " (" + rows.getString(2) + ": " + rows.getString(3) + ")");
                        }
                    }
                    if (!open.isEmpty()) {
                        Thread.sleep(20);
                    }
                } while (!open.isEmpty() && System.nanoTime() < deadline);
                if (!open.isEmpty()) {
                    System.out.println("  (still connected to " + name + " 10 s after its system closed: " + open + ")");
                }
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException lost) {
                awaitPostgres(); // it went away: drop it once it is back
                try (Connection connection = DriverManager.getConnection(admin);
                     Statement statement = connection.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                }
            }
        }
    }

    private static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException unreadable) {
            return "unknown (" + unreadable.getMessage() + ")";
        }
    }
}
