package io.loomflow.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.Durability;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration.JobRunrConfigurationResult;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

/**
 * Task runs per second with full history in a SQL store, next to the raw floor of the same
 * database, and (on PostgreSQL) next to JobRunr recording the same number of jobs.
 *
 * <p>Loomflow: a flow maps a no-op task over N items on an engine whose {@link RunRecorder} writes
 * to the store; the time runs from the start of the flow until {@code flush()} says every event
 * (Scheduled, Running and Completed of each task run, with its parameters) is committed.
 *
 * <p>The floor: N "tasks" whose history is one INSERT when they start and one UPDATE when they end,
 * through plain JDBC, in two forms: one statement per commit (what a naive recorder does), and the
 * same statements in JDBC batches of 1,000 per transaction (what a careful one does). The ratio is
 * taken against the faster of the two.
 *
 * <p>Usage: {@code StoreThroughput [N] [postgres URL]}; without a URL only the embedded store is
 * measured. Each figure is the median of 5 rounds after one warm-up round.
 */
public final class StoreThroughput {

    private StoreThroughput() {
    }

    /**
     * Runs the comparison.
     *
     * @param args the number of tasks (default 20,000) and an optional PostgreSQL URL
     * @throws Exception if a database fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.printEnvironment("StoreThroughput");
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path directory = Files.createTempDirectory("loomflow-store-bench");
        String h2 = "jdbc:h2:file:" + directory.resolve("floor") + ";WRITE_DELAY=0";
        try {
            compare("embedded H2 (file)", tasks, h2, () -> RunStore.embedded(directory.resolve("strict"), Durability.STRICT),
                    () -> RunStore.embedded(directory.resolve("relaxed"), Durability.RELAXED));
        } finally {
            Benchmarks.deleteTree(directory); // its databases reach gigabytes at a million tasks
        }
        if (args.length > 1) {
            compare("PostgreSQL", tasks, args[1], () -> RunStore.open(args[1], Durability.STRICT),
                    () -> RunStore.open(args[1], Durability.RELAXED));
            jobRunr(tasks, args[1]);
        }
    }

    private interface Opener {
        RunStore open();
    }

    private static void compare(String database, int tasks, String floorUrl, Opener strict, Opener relaxed)
            throws Exception {
        System.out.printf(Locale.ROOT, "%n%s, %,d tasks per round%n", database, tasks);
        double oneByOne;
        double batched;
        try (HikariDataSource data = pool(floorUrl)) {
            try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS floor_task");
                statement.execute("CREATE TABLE floor_task (id UUID PRIMARY KEY, name VARCHAR(100), state VARCHAR(16),"
                        + " created_at TIMESTAMP WITH TIME ZONE, ended_at TIMESTAMP WITH TIME ZONE)");
            }
            oneByOne = Benchmarks.medianMillis(5, () -> floor(data, tasks, 1));
            batched = Benchmarks.medianMillis(5, () -> floor(data, tasks, 1000));
        }
        double strictMillis = loomflow(strict, tasks);
        double relaxedMillis = loomflow(relaxed, tasks);
        double floor = Math.min(oneByOne, batched);
        print("floor: insert + update per task, one per commit", tasks, oneByOne, floor);
        print("floor: insert + update per task, batches of 1,000", tasks, batched, floor);
        print("Loomflow, full history, Durability.STRICT", tasks, strictMillis, floor);
        print("Loomflow, full history, Durability.RELAXED", tasks, relaxedMillis, floor);
    }

    private static void print(String what, int tasks, double millis, double floor) {
        System.out.printf(Locale.ROOT, "  %-52s %9.1f ms  %,10.0f tasks/s  %.2f of the floor's rate%n", what, millis,
                tasks / (millis / 1000), floor / millis);
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:h2:")) {
            config.setUsername("sa");
        }
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    /** One INSERT at each task's start and one UPDATE at its end, {@code perCommit} tasks per transaction. */
    private static void floor(HikariDataSource data, int tasks, int perCommit) throws Exception {
        try (Connection connection = data.getConnection()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM floor_task");
            }
            connection.setAutoCommit(perCommit == 1);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO floor_task (id, name, state, created_at) VALUES (?, ?, 'Running', ?)");
                 PreparedStatement update = connection.prepareStatement(
                         "UPDATE floor_task SET state = 'Completed', ended_at = ? WHERE id = ?")) {
                for (int start = 0; start < tasks; start += perCommit) {
                    List<UUID> ids = new ArrayList<>();
                    for (int i = start; i < Math.min(tasks, start + perCommit); i++) {
                        UUID id = UUID.randomUUID();
                        ids.add(id);
                        insert.setObject(1, id);
                        insert.setString(2, "noop");
                        insert.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
                        if (perCommit == 1) {
                            insert.executeUpdate();
                        } else {
                            insert.addBatch();
                        }
                    }
                    if (perCommit > 1) {
                        insert.executeBatch();
                    }
                    for (UUID id : ids) {
                        update.setObject(1, Instant.now().atOffset(ZoneOffset.UTC));
                        update.setObject(2, id);
                        if (perCommit == 1) {
                            update.executeUpdate();
                        } else {
                            update.addBatch();
                        }
                    }
                    if (perCommit > 1) {
                        update.executeBatch();
                        connection.commit();
                    }
                }
            }
        }
    }

    /** A flow maps a no-op task over the items; timed until the recorder has committed every event. */
    private static double loomflow(Opener opener, int tasks) throws Exception {
        Task<Integer, Integer> noop = Task.named("noop", (Integer i) -> i);
        Flow<Integer, Integer> flow = Flow.named("many", (Integer n) -> noop.map(IntStream.range(0, n).boxed()).join().size());
        RunRecorder recorder = RunRecorder.to(opener.open());
        try (Engine engine = Engine.builder().listener(recorder).build()) {
            return Benchmarks.medianMillis(5, () -> {
                engine.run(flow, tasks);
                recorder.flush();
            });
        }
    }

    /** JobRunr on the same PostgreSQL: enqueue N jobs, and process them with its background server. */
    private static void jobRunr(int tasks, String url) throws Exception {
        try (HikariDataSource data = pool(url)) {
            try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS jobrunr_bench CASCADE");
                statement.execute("CREATE SCHEMA jobrunr_bench");
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=jobrunr_bench");
            config.setMaximumPoolSize(8);
            try (HikariDataSource jobData = new HikariDataSource(config)) {
                StorageProvider storage = new PostgresStorageProvider(jobData);
                JobRunrConfigurationResult jobRunr = JobRunr.configure().useStorageProvider(storage)
                        .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                                .andWorkerCount(64).andPollInterval(Duration.ofSeconds(5)))
                        .initialize();
                try {
                    List<Integer> items = IntStream.range(0, tasks).boxed().toList();
                    long start = System.nanoTime();
                    jobRunr.getJobScheduler().enqueue(items.stream(), i -> StoreThroughput.noop(i));
                    double enqueued = (System.nanoTime() - start) / 1e6;
                    while (storage.countJobs(StateName.SUCCEEDED) < tasks) {
                        Thread.sleep(20);
                    }
                    double processed = (System.nanoTime() - start) / 1e6;
                    System.out.printf(Locale.ROOT, "%nJobRunr 8.7.0 on the same PostgreSQL, %,d jobs (64 workers, 5 s poll)%n",
                            tasks);
                    System.out.printf(Locale.ROOT, "  %-52s %9.1f ms  %,10.0f jobs/s%n", "enqueued (one state each)",
                            enqueued, tasks / (enqueued / 1000));
                    System.out.printf(Locale.ROOT, "  %-52s %9.1f ms  %,10.0f jobs/s%n",
                            "enqueued, processed, succeeded (three states each)", processed, tasks / (processed / 1000));
                } finally {
                    JobRunr.destroy();
                }
            }
            try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS jobrunr_bench CASCADE");
            }
        }
    }

    /**
     * The job JobRunr runs: nothing.
     *
     * @param item the job's item
     */
    public static void noop(int item) {
        // nothing: the comparison is about recording, not work
    }
}
