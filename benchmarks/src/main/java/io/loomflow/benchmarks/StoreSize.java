package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * What the run history costs on disk per recorded task run, on the embedded H2 store and on
 * PostgreSQL, for this build and (side by side, in the same run) for an older build; and what
 * recording a run of a million tasks in full costs in wall time and on disk.
 *
 * <p>Bytes per task: a flow maps a no-op task (no log lines) over {@code tasks} items and another
 * flow maps it over none, each into a fresh store; the difference of the two stores' sizes divided
 * by {@code tasks} is the cost of one task run, indexes included. H2: the size of
 * {@code history.mv.db} after the store is closed, and after it is compacted ({@code SHUTDOWN COMPACT}).
 * PostgreSQL: {@code pg_total_relation_size} (heap, indexes, TOAST) summed over the store's tables in
 * a fresh schema, as the recorder left them and after {@code VACUUM FULL}; the schema is dropped
 * after. Each build is measured in a child JVM whose class path starts with that build's jar, so
 * the older build's store classes are the ones that record.
 *
 * <p>A million tasks: the same flow over {@code million} items under a limit of 64 running at once,
 * timed with no listener and with a {@link RunRecorder} writing every event to a fresh store, until
 * {@code flush()} returns; prints the ratio and the store's size.
 *
 * <p>Usage: {@code StoreSize [tasks=100000] [million=1000000] [postgres=URL] [before=JAR]}; {@code
 * before} is the shaded benchmarks jar of the older build, {@code postgres} a URL such as {@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres} (none: H2 only), {@code million=0} skips
 * the million-task runs. Temporary directories and schemas are deleted at the end.
 */
public final class StoreSize {

    private static final Task<Integer, Integer> NOOP = Task.named("noop", (Integer i) -> i).withLimit("cpu");
    private static final Flow<Integer, Integer> MANY = Flow.named("many",
            (Integer n) -> NOOP.map(IntStream.range(0, n).boxed()).join().size());

    private StoreSize() {
    }

    /**
     * Runs the measurements.
     *
     * @param args {@code key=value} options
     * @throws Exception if a database or a child JVM fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("StoreSize", args, "tasks", "100000",
                "million", "1000000", "postgres", "", "before", "");
        int tasks = options.number("tasks");
        String postgres = options.text("postgres");
        String before = options.text("before");
        String own = Path.of(StoreSize.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Map<String, String> after = child(own, tasks, postgres);
        Map<String, String> older = Map.of();
        if (!before.isEmpty()) {
            // The older build's jar, with only this harness's classes added: its store code and migrations are its own.
            Path harness = Files.createTempDirectory("loomflow-store-size-classes");
            try {
                for (String name : List.of("StoreSize", "StoreSize$Sizes")) {
                    Path file = harness.resolve("io/loomflow/benchmarks/" + name + ".class");
                    Files.createDirectories(file.getParent());
                    try (var in = StoreSize.class.getResourceAsStream(name + ".class")) {
                        Files.copy(in, file);
                    }
                }
                older = child(before + java.io.File.pathSeparator + harness, tasks, postgres);
            } finally {
                Benchmarks.deleteTree(harness);
            }
        }
        System.out.printf(Locale.ROOT, "%nbytes on disk per recorded task run (no log lines), %,d tasks, indexes included%n",
                tasks);
        System.out.printf(Locale.ROOT, "  %-40s %12s %12s%n", "", "before", "this build");
        for (String key : after.keySet()) {
            System.out.printf(Locale.ROOT, "  %-40s %12s %12s%n", key, older.getOrDefault(key, "-"), after.get(key));
        }
        int million = options.number("million");
        if (million > 0) {
            million(million, postgres);
        }
    }

    /** Runs {@link Sizes} in a child JVM with the class path given, and reads its figures. */
    private static Map<String, String> child(String classPath, int tasks, String postgres) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx2g", "-cp", classPath, Sizes.class.getName(),
                Integer.toString(tasks)));
        if (!postgres.isEmpty()) {
            command.add(postgres);
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> figures = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                int tab = line.indexOf('\t');
                if (line.startsWith("FIGURE ") && tab > 0) {
                    figures.put(line.substring(7, tab), line.substring(tab + 1));
                }
            }
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the measuring JVM failed (exit " + process.exitValue() + "): " + command);
        }
        return figures;
    }

    /** The measurement of one build, in its own JVM: prints {@code FIGURE name<TAB>value} lines. */
    public static final class Sizes {

        private Sizes() {
        }

        /**
         * Measures the bytes per task of the store classes on the class path.
         *
         * @param args the number of tasks, and an optional PostgreSQL URL
         * @throws Exception if a database fails
         */
        public static void main(String[] args) throws Exception {
            int tasks = Integer.parseInt(args[0]);
            Path directory = Files.createTempDirectory("loomflow-store-size");
            try {
                long[] empty = h2(directory.resolve("empty"), 0);
                long[] full = h2(directory.resolve("full"), tasks);
                System.out.printf(Locale.ROOT, "FIGURE H2 (file as left)\t%.0f%n", (full[0] - empty[0]) / (double) tasks);
                System.out.printf(Locale.ROOT, "FIGURE H2 (file, compacted)\t%.0f%n", (full[1] - empty[1]) / (double) tasks);
            } finally {
                Benchmarks.deleteTree(directory);
            }
            if (args.length > 1) {
                long[] empty = postgres(args[1], 0);
                long[] full = postgres(args[1], tasks);
                System.out.printf(Locale.ROOT, "FIGURE PostgreSQL (as left)\t%.0f%n", (full[0] - empty[0]) / (double) tasks);
                System.out.printf(Locale.ROOT, "FIGURE PostgreSQL (after VACUUM FULL)\t%.0f%n",
                        (full[1] - empty[1]) / (double) tasks);
            }
        }
    }

    /** Records one run of {@code tasks} no-op tasks into the store, and closes it. */
    private static void record(RunStore store, int tasks) throws Exception {
        RunRecorder recorder = RunRecorder.to(store);
        try (Engine engine = Engine.builder().limit("cpu", 64).listener(recorder).build()) {
            engine.run(MANY, tasks);
            recorder.flush();
        }
    }

    /** The size of an embedded store after one run of {@code tasks}, as left and compacted. */
    private static long[] h2(Path directory, int tasks) throws Exception {
        record(RunStore.embedded(directory), tasks);
        long asLeft = Files.size(directory.resolve("history.mv.db"));
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("history"), "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        }
        return new long[] {asLeft, Files.size(directory.resolve("history.mv.db"))};
    }

    /** The size of a PostgreSQL store in a fresh schema after one run, as left and after VACUUM FULL. */
    private static long[] postgres(String url, int tasks) throws Exception {
        String schema = "lf_size_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
            try {
                record(RunStore.open(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema), tasks);
                long asLeft = size(statement, schema);
                // Only our tables: a VACUUM FULL of the whole database would stall every other user of it.
                statement.execute("VACUUM FULL " + tables(statement, schema));
                return new long[] {asLeft, size(statement, schema)};
            } finally {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** The store's tables in a schema, qualified and comma-separated. */
    private static String tables(Statement statement, String schema) throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'")) {
            while (rows.next()) {
                tables.add(schema + "." + rows.getString(1));
            }
        }
        return String.join(", ", tables);
    }

    private static long size(Statement statement, String schema) throws Exception {
        try (ResultSet row = statement.executeQuery("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" + schema
                + "' AND c.relkind = 'r'")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** A million tasks recorded in full: wall time against no store, and the store's size. */
    private static void million(int tasks, String postgres) throws Exception {
        System.out.printf(Locale.ROOT, "%na run of %,d no-op tasks (64 at once), recorded in full%n", tasks);
        double bare;
        try (Engine engine = Engine.builder().limit("cpu", 64).build()) {
            engine.run(MANY, 1000); // warm-up
            long start = System.nanoTime();
            engine.run(MANY, tasks);
            bare = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf(Locale.ROOT, "  %-28s %8.1f s%n", "no store", bare);
        Path directory = Files.createTempDirectory("loomflow-store-million");
        try {
            long start = System.nanoTime();
            record(RunStore.embedded(directory), tasks);
            double seconds = (System.nanoTime() - start) / 1e9;
            long asLeft = Files.size(directory.resolve("history.mv.db"));
            try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("history"),
                    "sa", ""); Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN COMPACT");
            }
            long compacted = Files.size(directory.resolve("history.mv.db"));
            System.out.printf(Locale.ROOT, "  %-28s %8.1f s  %5.1f x no store  %,6d MiB as left, %,6d MiB compacted%n",
                    "embedded H2", seconds, seconds / bare, asLeft >> 20, compacted >> 20);
        } finally {
            Benchmarks.deleteTree(directory);
        }
        if (!postgres.isEmpty()) {
            String schema = "lf_million_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection admin = DriverManager.getConnection(postgres); Statement statement = admin.createStatement()) {
                statement.execute("CREATE SCHEMA " + schema);
                try {
                    long start = System.nanoTime();
                    record(RunStore.open(postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema), tasks);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "  %-28s %8.1f s  %5.1f x no store  %,6d MiB%n", "PostgreSQL", seconds,
                            seconds / bare, size(statement, schema) >> 20);
                } finally {
                    statement.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }
}
