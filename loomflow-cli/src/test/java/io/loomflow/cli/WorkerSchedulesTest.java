package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow worker --conf DIR} hosts the folder's schedules and triggers, queueing their runs on
 * its own PostgreSQL database: two worker processes hosting the same files fire every slot of an
 * every-second schedule once (one queued run per slot, completed by one of them), and a run-end
 * trigger once per run of its source; a schedule or trigger naming a flow the worker does not serve
 * is exit 2 before the worker starts.
 */
class WorkerSchedulesTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final String SOURCES = """
            package ext;

            import io.loomflow.Flow;

            public final class Chain {
                public record Label(String label) {}

                public static final Flow<Label, String> TICK = Flow.named("tick", Label.class,
                        (Label p) -> "tick " + p.label());
                public static final Flow<Label, String> TOCK = Flow.named("tock", Label.class,
                        (Label p) -> "tock " + p.label());
            }
            """;

    private static final int SLOTS = 8;

    @TempDir
    Path directory;

    /** A project: flows/ with the sources, conf/base with an empty catalog, schedules.yml and triggers.yml. */
    private Path project(String schedules, String triggers) throws Exception {
        Path project = Files.createDirectories(directory.resolve("project"));
        Path sources = Files.createDirectories(project.resolve("flows/ext"));
        Files.writeString(sources.resolve("Chain.java"), SOURCES);
        Path base = Files.createDirectories(project.resolve("conf/base"));
        Files.writeString(base.resolve("catalog.yml"), "datasets: {}\n");
        Files.writeString(base.resolve("schedules.yml"), schedules);
        Files.writeString(base.resolve("triggers.yml"), triggers);
        return project;
    }

    /** One slot row, with its queued run's state and key (null when the queue has no such run). */
    private record Slot(Instant slot, String runId, String queueState, String key) {
    }

    @Test
    // two JVMs compile the flows, then fire 8 slots; the wait below says what is missing
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void twoWorkersHostingTheSameFilesFireEachSlotAndEachSourceOnce() throws Exception {
        POSTGRES.emptySchema();
        Path project = project("""
                ticking:
                  flow: tick
                  every: 1s
                  parameters: { label: scheduled }
                """, """
                tock-after-tick:
                  flow: tock
                  onRunEnd: tick
                  parameters: { label: triggered }
                """);
        String[] args = {"--db", POSTGRES.url(), "--classes", project.resolve("flows").toString(), "--conf",
                project.resolve("conf").toString(), "--grace", "5s"};
        List<Slot> slots;
        Map<String, List<String>> tocks;
        try (WorkerProcess first = WorkerProcess.start(project, with(args, "--name", "w1"));
             WorkerProcess second = WorkerProcess.start(project, with(args, "--name", "w2"))) {
            for (WorkerProcess worker : List.of(first, second)) {
                assertThat(worker.awaitLine("schedules from ", Duration.ofSeconds(10))).isEqualTo("schedules from "
                        + project.resolve("conf") + ": ticking (their runs are queued on queue default of this database)");
                assertThat(worker.awaitLine("triggers from ", Duration.ofSeconds(10))).isEqualTo("triggers from "
                        + project.resolve("conf") + ": tock-after-tick (their runs are queued on queue default of this"
                        + " database)");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                slots = slots();
                tocks = tocks();
                if (slots.size() >= SLOTS && settled(slots.subList(0, SLOTS), tocks)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the first " + SLOTS + " slots did not complete with their triggered"
                            + " runs within 90 s: " + slots + "; tocks " + tocks + "\nw1:\n" + first.err() + "\nw2:\n"
                            + second.err());
                }
                Thread.sleep(200); // polling with the deadline above, not waiting for time to pass
            }
            assertThat(first.terminate()).as(first.err()).isZero();
            assertThat(second.terminate()).as(second.err()).isZero();
        }
        slots = slots();
        tocks = tocks();
        // every second of the window has one slot, each with one queued run under the slot's key
        for (int i = 1; i < slots.size(); i++) {
            assertThat(slots.get(i).slot()).as("slots %s", slots).isEqualTo(slots.get(i - 1).slot().plusSeconds(1));
        }
        for (Slot slot : slots) {
            assertThat(slot.key()).as("slot %s", slot).isEqualTo("loomflow-schedule:ticking@" + slot.slot());
        }
        assertThat(slots.subList(0, SLOTS)).extracting(Slot::queueState).containsOnly("completed");
        assertThat(count("SELECT count(*) FROM lf_queue WHERE flow = 'tick'")).as("no tick run but the slots'")
                .isEqualTo(slots.size());
        // each tick run that ended fired tock once, under the trigger's key
        for (Slot slot : slots.subList(0, SLOTS)) {
            assertThat(tocks.get(slot.runId())).as("tock runs of tick run %s", slot.runId())
                    .containsExactly("loomflow-trigger:tock-after-tick@" + slot.runId());
        }
        assertThat(count("SELECT count(*) FROM lf_queue WHERE flow = 'tock'")).as("no tock run but the fires'")
                .isEqualTo(tocks.values().stream().mapToInt(List::size).sum());
        assertThat(count("SELECT count(*) FROM lf_trigger_fire WHERE trigger_name = 'tock-after-tick'"))
                .isEqualTo(tocks.size());
    }

    @Test
    void aScheduleOrTriggerOfAFlowTheWorkerDoesNotServeIsExit2() throws Exception {
        Path project = project("""
                ticking:
                  flow: tik
                  every: 1s
                  parameters: { label: x }
                """, "");
        Command schedule = Command.run("worker", "--db", POSTGRES.url(), "--classes", project.resolve("flows").toString(),
                "--conf", project.resolve("conf").toString());
        assertThat(schedule.exitCode()).as(schedule.toString()).isEqualTo(2);
        assertThat(schedule.err()).contains("schedule ticking names flow 'tik'").contains("did you mean tick?");

        Files.writeString(project.resolve("conf/base/schedules.yml"), "");
        Files.writeString(project.resolve("conf/base/triggers.yml"), """
                after:
                  flow: tock
                  onRunEnd: tack
                  parameters: { label: x }
                """);
        Command trigger = Command.run("worker", "--db", POSTGRES.url(), "--classes", project.resolve("flows").toString(),
                "--conf", project.resolve("conf").toString());
        assertThat(trigger.exitCode()).as(trigger.toString()).isEqualTo(2);
        assertThat(trigger.err()).contains("trigger after watches flow 'tack'").contains("did you mean t");
        assertThat(trigger.out()).as("the worker did not start").isEmpty();
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Whether each slot's run completed, and each one's tock run (fired by the trigger) too. */
    private static boolean settled(List<Slot> first, Map<String, List<String>> tocks) throws SQLException {
        for (Slot slot : first) {
            if (!"completed".equals(slot.queueState()) || !tocks.containsKey(slot.runId())) {
                return false;
            }
        }
        return count("SELECT count(*) FROM lf_queue q JOIN lf_trigger_fire f ON q.id::text = f.run_id"
                + " WHERE f.trigger_name = 'tock-after-tick' AND q.state = 'completed' AND f.source IN ("
                + String.join(", ", first.stream().map(s -> "'" + s.runId() + "'").toList()) + ")") == first.size();
    }

    private static List<Slot> slots() throws SQLException {
        List<Slot> slots = new ArrayList<>();
        eachRow("SELECT s.slot, s.run_id, q.state, q.idempotency_key FROM lf_schedule_slot s LEFT JOIN lf_queue q"
                + " ON q.id::text = s.run_id WHERE s.schedule = 'ticking' ORDER BY s.slot", row -> slots.add(
                new Slot(Instant.parse(row.getString(1)), row.getString(2), row.getString(3), row.getString(4))));
        return slots;
    }

    /** The keys of the queued tock runs, by the tick run whose end fired them. */
    private static Map<String, List<String>> tocks() throws SQLException {
        Map<String, List<String>> tocks = new HashMap<>();
        eachRow("SELECT f.source, q.idempotency_key FROM lf_trigger_fire f JOIN lf_queue q ON q.id::text = f.run_id"
                + " WHERE f.trigger_name = 'tock-after-tick'", row -> tocks.computeIfAbsent(row.getString(1),
                source -> new ArrayList<>()).add(row.getString(2)));
        return tocks;
    }

    /** Reads a row of a result. */
    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    /** Reads each row of a query; none before the workers made the tables. */
    private static void eachRow(String sql, RowReader reader) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                reader.read(rows);
            }
        } catch (SQLException noTablesYet) {
            if (!"42P01".equals(noTablesYet.getSQLState())) { // undefined_table
                throw noTablesYet;
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
