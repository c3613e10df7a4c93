package io.loomflow.benchmarks;

import io.loomflow.workers.reliability.KillSoak;
import io.loomflow.workers.reliability.WorkerProcesses;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The soak of workers killed with SIGKILL: the reliability test's kill loop
 * ({@code io.loomflow.workers.reliability.KillSoak}, from the workers' test jar) at length. Three
 * worker JVMs of concurrency 4 take a stream of runs of five checkpointed tasks while one of them,
 * chosen at random, is killed with SIGKILL and started again, 100 times. It prints the runs, the
 * kills, the re-executed tasks, the time from a kill to each of the dead worker's runs running
 * elsewhere (p50 and max), and any lost or duplicated run.
 *
 * <p>Usage: {@code WorkerSoak [key=value...]} with {@code url} (a PostgreSQL database, default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}; the soak works in a schema of its
 * own, which it drops at the end), {@code kills} (100), {@code runs} (1,500), {@code workers} (3),
 * {@code concurrency} (4), {@code lease} in ms (3,000), {@code work} per task in ms (150),
 * {@code seed} (15). Exits with status 1 if a run was lost or duplicated, or a task ran again that
 * was not in flight at a kill.
 */
public final class WorkerSoak {

    private WorkerSoak() {
    }

    /**
     * Runs the soak.
     *
     * @param args {@code key=value} options
     * @throws Exception if the database or a worker JVM fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.printEnvironment("WorkerSoak");
        Map<String, String> options = new HashMap<>(Map.of("url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                "kills", "100", "runs", "1500", "workers", "3", "concurrency", "4", "lease", "3000", "work", "150",
                "seed", "15"));
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1 || !options.containsKey(arg.substring(0, equals))) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; pass key=value with a key of "
                        + options.keySet());
            }
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        String base = options.get("url");
        String schema = "lf_soak_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(base); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        KillSoak.Settings settings = new KillSoak.Settings(url, Integer.parseInt(options.get("workers")),
                Integer.parseInt(options.get("concurrency")), Duration.ofMillis(Long.parseLong(options.get("lease"))),
                Duration.ofMillis(Long.parseLong(options.get("work"))), Integer.parseInt(options.get("runs")),
                Integer.parseInt(options.get("kills")), Long.parseLong(options.get("seed")), Duration.ofMinutes(30));
        System.out.println("settings: " + settings.toString().replace(url, "(schema " + schema + ")"));
        KillSoak.Report report;
        try {
            // A worker that is alive and loses a lease (a heartbeat late past the lease) re-executes
            // tasks that no kill explains: show those lines.
            try (WorkerProcesses processes = new WorkerProcesses(url, line -> {
                if (line.contains("lost the lease") || line.contains("runs again elsewhere")) {
                    System.out.println(line);
                }
            })) {
                report = new KillSoak(settings, System.out::println).run(processes);
            }
        } finally {
            drop(base, schema);
        }
        System.out.println();
        System.out.println(report.text());
        if (!report.lost().isEmpty() || !report.duplicated().isEmpty() || !report.unexplained().isEmpty()) {
            System.exit(1);
        }
    }

    private static void drop(String base, String schema) throws SQLException {
        try (Connection connection = DriverManager.getConnection(base); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
