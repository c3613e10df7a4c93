package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each due slot fired once: one scheduler on the embedded H2 store, two racing on PostgreSQL; pause and resume. */
class SchedulerTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    record Report(String region) {
    }

    private final AtomicInteger runs = new AtomicInteger();
    private final Flow<Report, String> report = Flow.named("report", Report.class, params -> {
        runs.incrementAndGet();
        return params.region();
    });

    @TempDir
    Path directory;

    private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling the count with a deadline, not waiting for time to pass
        }
        assertThat(count.get()).isEqualTo(expected);
    }

    private static int slotRows(String url) throws Exception {
        try (Connection connection = url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url, "sa", "")
                : DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM lf_schedule_slot")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void aScheduleWhoseSlotsChangedStartsAgainFromItsNewDefinition() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("changed") + ";AUTO_SERVER=TRUE";
        Instant ten = T0.plus(Duration.ofHours(10));
        ManualTimeSource clock = ManualTimeSource.startingAt(ten);
        Schedule utc = Schedule.cron("hourly", "report", "0 * * * *").withParameters(Map.of("region", "emea"))
                .withCatchUp(CatchUp.each(24)).withMaxActive(100);
        // engines that record into the scheduler's database, as recovery needs: a run whose end a closed scheduler
        // did not write down is then known ended, never started again
        try (RunStore history = RunStore.open(url);
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(utc).engine(engine, report)
                     .clock(clock).build()) {
            assertThat(scheduler.tick().get("hourly")).extracting(Slot::key).containsExactly("2026-06-01T10:00");
        }
        // The same name, now in Tokyo (UTC+9): the stored cursor, 10:00, is no slot of it that passed unfired;
        // read as Tokyo's 10:00 it would be 01:00Z, and catch-up would fire 02:00Z to 10:00Z again.
        clock.advance(Duration.ofMinutes(30)); // 10:30Z
        Schedule tokyo = utc.withZone("Asia/Tokyo");
        // engines that record into the scheduler's database, as recovery needs: a run whose end a closed scheduler
        // did not write down is then known ended, never started again
        try (RunStore history = RunStore.open(url);
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(tokyo).engine(engine, report)
                     .clock(clock).build()) {
            assertThat(scheduler.tick()).isEmpty();
            clock.advance(Duration.ofMinutes(30)); // 11:00Z, 20:00 in Tokyo
            assertThat(scheduler.tick().get("hourly")).extracting(Slot::key).containsExactly("2026-06-01T20:00");
        }
        // Changing only what keeps the slots (max active) keeps the cursor: the slot missed meanwhile is caught up.
        clock.advance(Duration.ofHours(2)); // 13:00Z; 21:00 in Tokyo was missed
        // engines that record into the scheduler's database, as recovery needs: a run whose end a closed scheduler
        // did not write down is then known ended, never started again
        try (RunStore history = RunStore.open(url);
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(tokyo.withMaxActive(50))
                     .engine(engine, report).clock(clock).build()) {
            assertThat(scheduler.tick().get("hourly")).extracting(Slot::key)
                    .containsExactly("2026-06-01T21:00", "2026-06-01T22:00");
        }
        awaitCount(runs, 4);
        // A claim of the old timing left unended (its scheduler died), then the timing changes kind: the row's key,
        // a wall-clock time, is no slot of an interval; it is set aside, and the new slots fire.
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE lf_schedule_slot SET state = 'claimed', claimed_by = 'gone'"
                    + " WHERE schedule = 'hourly' AND slot = '2026-06-01T22:00'")).isEqualTo(1);
        }
        clock.advance(Duration.ofHours(1)); // 14:00Z
        Schedule interval = Schedule.every("hourly", "report", Duration.ofMinutes(30), T0)
                .withParameters(Map.of("region", "emea"));
        try (RunStore history = RunStore.open(url);
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(interval).engine(engine, report)
                     .clock(clock).build()) {
            assertThat(scheduler.tick().get("hourly")).extracting(Slot::key).containsExactly("2026-06-01T14:00:00Z");
            assertThat(scheduler.fired("hourly", 10, 0)).filteredOn(f -> f.slot().equals("2026-06-01T22:00"))
                    .extracting(FiredSlot::state).containsExactly("ended");
        }
        awaitCount(runs, 5);
    }

    @Test
    void oneSchedulerOnTheEmbeddedStoreFiresEachSlotOnceAndPauseHoldsIt() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *").withParameters(Map.of("region", "emea"))
                .withMaxActive(100);
        Set<String> fired = new HashSet<>();
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(minutely).engine(engine, report)
                     .clock(clock).build()) {
            assertThat(scheduler.tick().get("minutely")).extracting(Slot::key).containsExactly("2026-06-01T00:00");
            fired.add("2026-06-01T00:00");
            for (int minute = 0; minute < 30; minute++) {
                clock.advance(Duration.ofMinutes(1));
                for (Slot slot : scheduler.tick().getOrDefault("minutely", List.of())) {
                    assertThat(fired.add(slot.key())).isTrue();
                }
                assertThat(scheduler.tick()).isEmpty(); // a second tick at the same time fires nothing
            }
            awaitCount(runs, 31);
            assertThat(fired).hasSize(31).contains("2026-06-01T00:01", "2026-06-01T00:30");

            scheduler.pause("minutely");
            assertThat(scheduler.isPaused("minutely")).isTrue();
            clock.advance(Duration.ofMinutes(5));
            assertThat(scheduler.tick()).isEmpty();
            scheduler.resume("minutely");
            // 00:31 to 00:34 were missed (more than the minute of grace): the latest fires, and 00:35 on time
            assertThat(scheduler.tick().get("minutely")).extracting(Slot::key)
                    .containsExactly("2026-06-01T00:34", "2026-06-01T00:35");
            awaitCount(runs, 33);
        }
        assertThat(slotRows(url)).isEqualTo(33);
    }

    @Test
    void aDueSlotWaitsWhileMaxActiveRunsAreActive() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("active") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Flow<Report, String> slow = Flow.named("slow", Report.class, params -> {
            release.await();
            return params.region();
        });
        Schedule minutely = Schedule.cron("slow-minutely", "slow", "* * * * *").withParameters(Map.of("region", "x"));
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(minutely).engine(engine, slow)
                     .clock(clock).build()) {
            assertThat(scheduler.tick().get("slow-minutely")).extracting(Slot::key).containsExactly("2026-06-01T00:00");
            clock.advance(Duration.ofMinutes(1));
            assertThat(scheduler.tick()).isEmpty(); // 00:01 is due, and one run is active
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Map<String, List<Slot>> next = scheduler.tick();
            while (next.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                next = scheduler.tick();
            }
            assertThat(next.get("slow-minutely")).extracting(Slot::key).containsExactly("2026-06-01T00:01");
        }
    }

    @Test
    void twoSchedulersOnPostgresFireEachSlotExactlyOnce() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule everyTwenty = Schedule.cron("every-20s", "report", "*/20 * * * * *")
                .withParameters(Map.of("region", "emea")).withMaxActive(1000);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *")
                .withParameters(Map.of("region", "apac")).withMaxActive(1000);
        int minutes = 120;
        List<String> fired = new ArrayList<>();
        try (Engine first = Engine.builder().build(); Engine second = Engine.builder().build();
             Scheduler a = Scheduler.builder().database(POSTGRES.url()).schedules(everyTwenty, minutely)
                     .engine(first, report).clock(clock).name("a").build();
             Scheduler b = Scheduler.builder().database(POSTGRES.url()).schedules(everyTwenty, minutely)
                     .engine(second, report).clock(clock).name("b").build();
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int step = 0; step < minutes * 3; step++) {
                clock.advance(Duration.ofSeconds(20));
                List<Future<Map<String, List<Slot>>>> ticks = pool.invokeAll(List.<Callable<Map<String, List<Slot>>>>of(
                        a::tick, b::tick));
                for (Future<Map<String, List<Slot>>> tick : ticks) {
                    tick.get().forEach((name, slots) -> slots.forEach(slot -> fired.add(name + "@" + slot.key())));
                }
            }
            int expected = minutes * 3 + minutes + 2; // the slots at the start too: since is inclusive
            awaitCount(runs, expected);
            assertThat(fired).hasSize(expected).doesNotHaveDuplicates();
        }
        assertThat(slotRows(POSTGRES.url())).isEqualTo(minutes * 4 + 2);
    }

    @Test
    void aScheduleForAnUnknownFlowOrWithParametersThatDoNotFitIsRefused() {
        String url = "jdbc:h2:file:" + directory.resolve("refused") + ";AUTO_SERVER=TRUE";
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> Scheduler.builder().database(url)
                    .schedules(Schedule.cron("nightly", "reprot", "0 2 * * *")).engine(engine, report).build())
                    .isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("schedule nightly names flow 'reprot'").hasMessageContaining("report");
            assertThatThrownBy(() -> Scheduler.builder().database(url)
                    .schedules(Schedule.cron("nightly", "report", "0 2 * * *").withParameters(Map.of("regoin", "x")))
                    .engine(engine, report).build())
                    .isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("schedule nightly: its parameters do not fit flow report");
        }
    }
}
