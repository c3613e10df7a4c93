package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler JVMs ({@link SchedulerProgram}) fire a schedule every second on PostgreSQL while one
 * of them, chosen at random, is killed with SIGKILL at a random moment and another started, six
 * times: afterwards every slot from the first to the last in the window has exactly one slot row
 * and exactly one run in the history, under the row's run id; no run of the flow is left over.
 */
class SchedulerSigkillTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final int KILLS = 6;

    @TempDir
    Path logs;

    private final List<Process> processes = new ArrayList<>();
    private int started;

    private Process start() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String name = "scheduler-" + (++started);
        Process process = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SchedulerProgram.class.getName(), POSTGRES.url(), name)
                .redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile()).start();
        processes.add(process);
        return process;
    }

    private static List<List<String>> rows(String sql) throws Exception {
        return rows(POSTGRES, sql);
    }

    /** The rows a query gives, each as its columns' text. */
    static List<List<String>> rows(Postgres postgres, String sql) throws Exception {
        try (Connection connection = postgres.connect();
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<List<String>> all = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.add(rows.getString(i));
                }
                all.add(row);
            }
            return all;
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 1; i <= started; i++) {
            Path log = logs.resolve("scheduler-" + i + ".log");
            if (!processes.get(i - 1).isAlive()) {
                continue;
            }
            while (!Files.readString(log).contains("ready")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("scheduler-" + i + " did not say ready within 60 s; it printed:\n"
                            + Files.readString(log) + "\nthreads: " + threadDump(processes.get(i - 1)));
                }
                Thread.sleep(20); // polling its output with a deadline
            }
        }
    }

    private String lastLog() {
        try {
            return Files.readString(logs.resolve("scheduler-" + started + ".log"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The child's threads as jcmd prints them, to see where it waits. */
    private static String threadDump(Process process) {
        try {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
            Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(dump.getInputStream().readAllBytes());
            dump.waitFor(30, TimeUnit.SECONDS);
            return text;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /**
     * The last slot, if every slot row through it has ended with its run in the history and it is past
     * {@code end}; {@code null} otherwise. The last slot is read first, so a slot claimed after it (the
     * schedulers go on firing) cannot be counted as settled.
     */
    private @org.jspecify.annotations.Nullable Instant settledThrough(Instant end) throws Exception {
        List<List<String>> last = rows("SELECT MAX(slot) FROM lf_schedule_slot");
        // ended: its run ran and ended (its record in the history may have died with a killed scheduler's recorder)
        List<List<String>> open = rows("SELECT s.slot FROM lf_schedule_slot s WHERE s.state <> 'ended'");
        String max = last.getFirst().getFirst();
        if (!open.isEmpty() || max == null || !Instant.parse(max).isAfter(end)) {
            return null;
        }
        return Instant.parse(max);
    }

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS) // JVM starts and leases on a loaded 2-core machine
    void schedulersKilledWithSigkillNeitherLoseNorRepeatASlot() throws Exception {
        Random random = new Random();
        try {
            List<Process> live = new ArrayList<>(List.of(start(), start()));
            List<Integer> exits = new ArrayList<>();
            for (int kill = 0; kill < KILLS; kill++) {
                awaitReady();
                Thread.sleep(random.nextInt(1500)); // a random moment: the kill's point in the scheduler's work
                Process victim = live.remove(random.nextInt(live.size()));
                victim.destroyForcibly(); // SIGKILL
                assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
                exits.add(victim.exitValue());
                live.add(start());
            }
            assertThat(exits).as("exit statuses of SIGKILL").hasSize(KILLS).containsOnly(137);
            Instant end = Instant.now();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            Instant cutoff;
            while ((cutoff = settledThrough(end.plusSeconds(1))) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the slots through the window did not settle in 240 s; not ended or without"
                            + " their run: " + rows("SELECT s.slot, s.state, s.claimed_by, s.run_id, r.state FROM"
                            + " lf_schedule_slot s LEFT JOIN lf_run r ON r.id::text = s.run_id WHERE s.state <> 'ended'"
                            + " OR r.id IS NULL") + "; the last scheduler's output: " + lastLog());
                }
                Thread.sleep(100); // polling the database with a deadline
            }
            for (Process process : live) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            // the window: from the first slot fired to the last one settled (the schedulers fired on until killed,
            // and the slots after the cutoff may have been claimed by a scheduler killed before its run was recorded)
            List<List<String>> slotRows = rows("SELECT slot, run_id FROM lf_schedule_slot WHERE schedule = 'each-second'"
                    + " ORDER BY slot");
            TreeSet<Instant> slots = new TreeSet<>();
            List<String> windowRuns = new ArrayList<>();
            java.util.Set<String> slotRuns = new java.util.HashSet<>();
            for (List<String> row : slotRows) {
                slotRuns.add(row.get(1));
                Instant slot = Instant.parse(row.getFirst());
                if (!slot.isAfter(cutoff)) {
                    slots.add(slot);
                    windowRuns.add(row.get(1));
                }
            }
            assertThat(slots).as("one row per slot").hasSize(windowRuns.size());
            Instant first = slots.first();
            long seconds = Duration.between(first, slots.last()).toSeconds();
            assertThat(slots).as("every second from the first slot to the last, none missing").hasSize((int) seconds + 1);
            assertThat(seconds).as("the window spans the kills").isGreaterThan(KILLS);
            List<String> runs = rows("SELECT id::text FROM lf_run WHERE name = 'tick' AND parent_id IS NULL").stream()
                    .map(List::getFirst).toList();
            assertThat(runs).as("runs of the flow, each once").doesNotHaveDuplicates();
            // a run that ended just as its scheduler was killed may miss its record in the history (the recorder
            // writes after the run): at most one such run per kill; every other slot's run is in the history
            List<String> unrecorded = windowRuns.stream().filter(run -> !runs.contains(run)).toList();
            assertThat(unrecorded).as("slots of the window whose run is not in the history").hasSizeLessThanOrEqualTo(KILLS);
            assertThat(slotRuns).as("no run of the flow but a slot's (none doubled under another id)").containsAll(runs);
            int slotCount = slots.size();
            System.out.println("SchedulerSigkillTest: " + slotCount + " slots over " + (seconds + 1) + " s, "
                    + KILLS + " kills; recovered: " + recoveries());
        } finally {
            for (Process process : processes) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private long recoveries() throws IOException {
        long count = 0;
        try (var files = Files.list(logs)) {
            for (Path file : files.toList()) {
                count += Files.readAllLines(file).stream().filter(line -> line.contains("no run of it is known")).count();
            }
        }
        return count;
    }
}
