package io.loomflow.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.benchmarks.Benchmarks.Options;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Scheduler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 19's scheduler benchmark: {@code schedules} cron schedules firing every minute ({@code * * * * *}) on one
 * process, on the real clock, for {@code minutes} minute boundaries, with the runs started on a local engine (a flow
 * that does nothing); on the embedded H2 store and on PostgreSQL.
 *
 * <p>Lateness of a fire: the instant the scheduler started the slot's run (the run's first state change, which the
 * engine emits inside {@code Engine.runAsync}, on the scheduler's thread) minus the slot's due instant (its key, a
 * wall-clock minute in UTC). The run ids come from the scheduler's slot table after the run, so each fire is matched
 * to its own slot. The time the slot was claimed ({@code claimed_at_ms}, the clock read at the start of the claim
 * transaction of its batch of schedules) is reported beside it: the scheduler's loop claims up to 2 s before the due
 * instant and starts the runs at it, so this is negative.
 *
 * <p>CPU: the process's CPU time ({@code OperatingSystemMXBean.getProcessCpuTime}, every JVM thread: the scheduler's
 * virtual thread has no CPU clock of its own), sampled every 100 ms; per minute, during the burst (from the due
 * instant to the last fire of that minute) and between fires (from the last fire to the next minute), and the latter
 * as a share of one core. On PostgreSQL, the CPU of the database's backends serving the scheduler, read from
 * {@code /proc} (same machine), beside it.
 *
 * <p>The floor, in the same run first: a {@code ScheduledExecutorService} with one thread firing as many no-op tasks
 * at every minute boundary, measured the same way.
 *
 * <p>Usage: {@code SchedulerLateness [schedules=10000] [minutes=3] [floorMinutes=2] [stores=h2,postgres]
 * [postgres=URL] [tickMillis=1000]} ({@code tickMillis} is the scheduler's {@code tickEvery}: the longest its loop
 * sleeps, not when it fires). A store's measurement takes up to a minute to reach the first boundary, then
 * {@code minutes} minutes less 5 s; with {@code minutes=5}, under 6 minutes.
 */
public final class SchedulerLateness {

    private static final Clock UTC = Clock.systemUTC(); // microseconds on Linux
    private static final long SAMPLE_MILLIS = 100;
    private static final Duration TAIL = Duration.ofSeconds(55);

    /** The flow's parameters: none. */
    public record Nothing() {
    }

    private final Options options;
    private final int schedules;
    private final int minutes;
    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private SchedulerLateness(Options options) {
        this.options = options;
        this.schedules = options.number("schedules");
        this.minutes = options.number("minutes");
    }

    /**
     * Runs the floor, then the scheduler on each store.
     *
     * @param args {@code key=value} options, see the class comment
     * @throws Exception if a database fails
     */
    public static void main(String[] args) throws Exception {
        Options options = Options.parse("SchedulerLateness", args, "schedules", "10000", "minutes", "3",
                "floorMinutes", "2", "stores", "h2,postgres",
                "postgres", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres", "tickMillis", "1000");
        SchedulerLateness harness = new SchedulerLateness(options);
        System.out.println("load average at start: " + harness.os.getSystemLoadAverage());
        if (options.number("floorMinutes") > 0) {
            harness.floor(options.number("floorMinutes"));
        }
        for (String store : options.text("stores").split(",")) {
            switch (store.trim()) {
                case "h2" -> {
                    Path directory = Files.createTempDirectory("loomflow-schedbench");
                    try {
                        harness.scheduler("embedded H2 (file)",
                                "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE", List.of());
                    } finally {
                        Benchmarks.deleteTree(directory);
                    }
                }
                case "postgres" -> harness.postgres();
                case "" -> { }
                default -> throw new IllegalArgumentException("unknown store '" + store + "' in stores=; use h2,"
                        + " postgres, or both as stores=h2,postgres");
            }
        }
        System.out.println("load average at end: " + harness.os.getSystemLoadAverage());
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static Instant nextMinute(Instant after) {
        return after.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        long millis = Duration.between(UTC.instant(), at).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    // ---------------------------------------------------------------------------------------------- the floor

    private void floor(int floorMinutes) throws Exception {
        Instant first = nextMinute(UTC.instant().plusSeconds(2));
        long[][] late = new long[floorMinutes][schedules];
        long[][] firedAt = new long[floorMinutes][schedules];
        AtomicInteger[] counts = new AtomicInteger[schedules];
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        List<ScheduledFuture<?>> futures = new ArrayList<>();
        long firstMicros = micros(first);
        for (int i = 0; i < schedules; i++) {
            int task = i;
            counts[i] = new AtomicInteger();
            futures.add(executor.scheduleAtFixedRate(() -> {
                long now = micros(UTC.instant());
                int minute = counts[task].getAndIncrement();
                if (minute < floorMinutes) {
                    late[minute][task] = now - (firstMicros + minute * 60_000_000L);
                    firedAt[minute][task] = now;
                }
            }, firstMicros - micros(UTC.instant()), 60_000_000L, TimeUnit.MICROSECONDS));
        }
        Instant end = first.plus(Duration.ofMinutes(floorMinutes - 1)).plus(TAIL);
        CpuSampler cpu = new CpuSampler(List.of());
        cpu.start();
        sleepUntil(end);
        cpu.stop();
        futures.forEach(f -> f.cancel(false));
        executor.shutdownNow();
        System.out.printf(Locale.ROOT, "%nfloor: a ScheduledExecutorService (1 thread), %,d no-op tasks at every minute"
                + " boundary, %d minutes from %s%n", schedules, floorMinutes, first);
        List<Minute> rows = new ArrayList<>();
        for (int m = 0; m < floorMinutes; m++) {
            Minute row = new Minute(first.plus(Duration.ofMinutes(m)));
            for (int i = 0; i < schedules; i++) {
                if (counts[i].get() > m) {
                    row.add(late[m][i], 0, firedAt[m][i]);
                }
            }
            rows.add(row);
        }
        report(rows, cpu, end, false);
    }

    // ---------------------------------------------------------------------------------------------- the scheduler

    private void postgres() throws Exception {
        String admin = options.text("postgres");
        String name = "lf_schedbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        int query = admin.indexOf('?');
        String base = query < 0 ? admin : admin.substring(0, query);
        String url = base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : admin.substring(query));
        try {
            scheduler("PostgreSQL", url, List.of(name));
        } finally {
            try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    private void scheduler(String store, String url, List<String> postgresDatabase) throws Exception {
        Map<UUID, Long> startedAt = new ConcurrentHashMap<>(schedules * 8);
        AtomicLong onSchedulerThread = new AtomicLong();
        AtomicLong elsewhere = new AtomicLong();
        Flow<Nothing, Object> noop = Flow.named("noop", Nothing.class, nothing -> null);
        Schedule[] all = new Schedule[schedules];
        for (int i = 0; i < schedules; i++) {
            all[i] = Schedule.cron(String.format(Locale.ROOT, "s%05d", i), "noop", "* * * * *");
        }
        System.out.printf(Locale.ROOT, "%nLoomflow's Scheduler on %s: %,d schedules '* * * * *', a flow that does"
                + " nothing, tickEvery %d ms, %d minutes%n", store, schedules, options.number("tickMillis"), minutes);
        try (Engine engine = Engine.builder().listener(event -> {
            if (event instanceof Event.StateChange change && change.previous() == null && change.run().isRoot()) {
                startedAt.put(change.run().id(), micros(UTC.instant()));
                if (Thread.currentThread().getName().equals("loomflow-scheduler")) {
                    onSchedulerThread.incrementAndGet();
                } else {
                    elsewhere.incrementAndGet();
                }
            }
        }).build()) {
            long buildStart = System.nanoTime();
            Scheduler scheduler = Scheduler.builder().database(url).schedules(all).engine(engine, noop)
                    .tickEvery(Duration.ofMillis(options.number("tickMillis"))).build();
            Instant built = UTC.instant();
            System.out.printf(Locale.ROOT, "  build (tables, %,d schedules registered): %.1f s%n", schedules,
                    (System.nanoTime() - buildStart) / 1e9);
            List<Integer> backends = backends(url, postgresDatabase);
            Instant first = nextMinute(built);
            Instant end = first.plus(Duration.ofMinutes(minutes - 1)).plus(TAIL);
            CpuSampler cpu = new CpuSampler(backends);
            cpu.start();
            try (scheduler) {
                scheduler.start();
                sleepUntil(end);
            }
            cpu.stop();
            List<Minute> rows = new ArrayList<>();
            for (int m = 0; m < minutes; m++) {
                rows.add(new Minute(first.plus(Duration.ofMinutes(m))));
            }
            int before = 0;
            int unmatched = 0;
            int outside = 0;
            try (Connection connection = url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url, "sa", "")
                    : DriverManager.getConnection(url);
                 Statement statement = connection.createStatement();
                 ResultSet slot = statement.executeQuery("SELECT slot, run_id, claimed_at_ms FROM lf_schedule_slot")) {
                while (slot.next()) {
                    Instant due = LocalDateTime.parse(slot.getString(1)).toInstant(ZoneOffset.UTC);
                    Long fired = startedAt.get(UUID.fromString(slot.getString(2)));
                    int m = (int) Duration.between(first, due).toMinutes();
                    if (due.isBefore(first)) {
                        before++;
                    } else if (m >= minutes) {
                        outside++;
                    } else if (fired == null) {
                        unmatched++;
                    } else {
                        long dueMicros = micros(due);
                        rows.get(m).add(fired - dueMicros, slot.getLong(3) * 1000 - dueMicros, fired);
                    }
                }
            }
            report(rows, cpu, end, true);
            System.out.printf(Locale.ROOT, "  runs whose first event came on the scheduler's thread: %,d, elsewhere:"
                    + " %,d; slots due before the first boundary (start-up): %d; after the window: %d; claimed but"
                    + " no run started: %d%n", onSchedulerThread.get(), elsewhere.get(), before, outside, unmatched);
        }
    }

    /** The backend processes of the database (PostgreSQL on this machine): their CPU is read from /proc. */
    private static List<Integer> backends(String url, List<String> database) throws SQLException {
        if (database.isEmpty()) {
            return List.of();
        }
        List<Integer> pids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            select.setString(1, database.getFirst());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
        }
        System.out.println("  PostgreSQL backends serving the scheduler: " + pids);
        return pids;
    }

    // ---------------------------------------------------------------------------------------------- figures

    /** The fires of one minute boundary. */
    private static final class Minute {
        final Instant due;
        final Samples late = new Samples("late", 16_384);
        final Samples claimed = new Samples("claimed", 16_384);
        long lastFire = Long.MIN_VALUE;

        Minute(Instant due) {
            this.due = due;
        }

        void add(long lateMicros, long claimedMicros, long firedMicros) {
            late.add(lateMicros);
            claimed.add(claimedMicros);
            lastFire = Math.max(lastFire, firedMicros);
        }
    }

    private void report(List<Minute> rows, CpuSampler cpu, Instant end, boolean scheduler) {
        System.out.printf(Locale.ROOT, "  %-20s %7s %10s %10s %10s %10s %10s %10s %12s %12s %s%n", "minute (UTC)",
                "fired", "p50 ms", "p99 ms", "max ms", "claim p50", "claim p99", "burst s", "CPU burst s",
                "CPU between", "between: share of a core" + (cpu.backends.isEmpty() ? "" : " (JVM + PostgreSQL backends)"));
        Samples pooled = new Samples("all", schedules * rows.size());
        Samples pooledLater = new Samples("after the first minute", schedules * rows.size());
        double betweenCpu = 0;
        double betweenWall = 0;
        double betweenDb = 0;
        for (int m = 0; m < rows.size(); m++) {
            Minute row = rows.get(m);
            long dueMicros = micros(row.due);
            long nextMicros = m + 1 < rows.size() ? micros(rows.get(m + 1).due) : micros(end);
            if (row.late.size() == 0) {
                System.out.printf(Locale.ROOT, "  %-20s %7d (none fired)%n", row.due, 0);
                continue;
            }
            pooled.addAll(row.late);
            if (m > 0) {
                pooledLater.addAll(row.late);
            }
            long burstEnd = Math.min(Math.max(row.lastFire, dueMicros), nextMicros);
            double burstCpu = cpu.cpuSeconds(dueMicros, burstEnd, false);
            double between = cpu.cpuSeconds(burstEnd, nextMicros, false);
            double betweenBackends = cpu.cpuSeconds(burstEnd, nextMicros, true);
            double wall = (nextMicros - burstEnd) / 1e6;
            betweenCpu += between;
            betweenDb += betweenBackends;
            betweenWall += wall;
            String share = wall <= 0.5 ? "(no time between fires)" : String.format(Locale.ROOT, "%.1f%%", 100 * between / wall)
                    + (cpu.backends.isEmpty() ? "" : String.format(Locale.ROOT, " + %.1f%%", 100 * betweenBackends / wall));
            System.out.printf(Locale.ROOT, "  %-20s %,7d %10.3f %10.3f %10.3f %10s %10s %10.3f %12.2f %12.2f %s over %.1f s%n",
                    row.due, row.late.size(), row.late.median() / 1e3, row.late.quantile(0.99) / 1e3,
                    row.late.quantile(1.0) / 1e3, scheduler ? String.format(Locale.ROOT, "%.0f", row.claimed.median() / 1e3) : "-",
                    scheduler ? String.format(Locale.ROOT, "%.0f", row.claimed.quantile(0.99) / 1e3) : "-",
                    (burstEnd - dueMicros) / 1e6, burstCpu, between, share, wall);
        }
        if (pooled.size() > 0) {
            System.out.printf(Locale.ROOT, "  all minutes: %,d fires of %,d due, lateness p50 %.3f ms, p99 %.3f ms,"
                    + " max %.3f ms%n", pooled.size(), schedules * rows.size(), pooled.median() / 1e3,
                    pooled.quantile(0.99) / 1e3, pooled.quantile(1.0) / 1e3);
        }
        if (pooledLater.size() > 0) {
            System.out.printf(Locale.ROOT, "  after the first minute: lateness p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                    pooledLater.median() / 1e3, pooledLater.quantile(0.99) / 1e3, pooledLater.quantile(1.0) / 1e3);
        }
        if (betweenWall > 0) {
            System.out.printf(Locale.ROOT, "  CPU between fires: %.2f s over %.1f s, %.1f%% of a core (%.2f s a minute)%s%n",
                    betweenCpu, betweenWall, 100 * betweenCpu / betweenWall, 60 * betweenCpu / betweenWall,
                    cpu.backends.isEmpty() ? "" : String.format(Locale.ROOT, "; PostgreSQL backends %.2f s, %.1f%% of a core",
                            betweenDb, 100 * betweenDb / betweenWall));
        }
        System.out.printf(Locale.ROOT, "  process CPU over the whole window: %.1f s in %.1f s%n", cpu.totalSeconds(),
                cpu.wallSeconds());
    }

    /** Samples the process's CPU time (and the database backends') every 100 ms on a platform thread. */
    private final class CpuSampler {
        final List<Integer> backends;
        final List<long[]> samples = new ArrayList<>(); // {micros, process CPU ns, backends' CPU ticks}
        private final Thread thread;
        private volatile boolean stopped;

        CpuSampler(List<Integer> backends) {
            this.backends = backends;
            this.thread = Thread.ofPlatform().daemon().name("cpu-sampler").unstarted(this::loop);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
        }

        private void loop() {
            while (!stopped) {
                long[] sample = {micros(UTC.instant()), os.getProcessCpuTime(), backendTicks()};
                synchronized (samples) {
                    samples.add(sample);
                }
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }

        private long backendTicks() {
            long ticks = 0;
            for (int pid : backends) {
                try {
                    String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                } catch (java.io.IOException | RuntimeException gone) {
                    // the backend ended: its last reading stays in the earlier samples
                }
            }
            return ticks;
        }

        /** CPU seconds between the samples nearest {@code from} and {@code to}; the backends' at 100 ticks a second. */
        double cpuSeconds(long from, long to, boolean ofBackends) {
            synchronized (samples) {
                long[] a = nearest(from);
                long[] b = nearest(to);
                return ofBackends ? (b[2] - a[2]) / 100.0 : (b[1] - a[1]) / 1e9;
            }
        }

        double totalSeconds() {
            return (samples.getLast()[1] - samples.getFirst()[1]) / 1e9;
        }

        double wallSeconds() {
            return (samples.getLast()[0] - samples.getFirst()[0]) / 1e6;
        }

        private long[] nearest(long at) {
            long[] best = samples.getFirst();
            for (long[] sample : samples) {
                if (Math.abs(sample[0] - at) < Math.abs(best[0] - at)) {
                    best = sample;
                }
            }
            return best;
        }
    }
}
