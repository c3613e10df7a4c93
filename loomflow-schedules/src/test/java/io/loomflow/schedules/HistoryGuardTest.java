package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler whose engine records its runs nowhere (no {@code RunRecorder} on the scheduler's
 * database): a slot row left {@code started} by it (as a scheduler killed before writing the run's
 * end leaves it) is not started again after the lease, since the history cannot tell a lost run from
 * one that ran; it is marked ended, and one ERROR names the fix.
 */
class HistoryGuardTest {

    private static final Instant T0 = Instant.parse("2026-06-01T03:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    record Report(String region) {
    }

    private final AtomicInteger runs = new AtomicInteger();
    private final Flow<Report, String> report = Flow.named("report", Report.class, params -> {
        runs.incrementAndGet();
        return params.region();
    });

    @TempDir
    Path directory;

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5); // polling with a deadline, not waiting for time to pass
        }
    }

    private static String state(String url, String slot) {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT state FROM lf_schedule_slot WHERE slot = '" + slot + "'")) {
            return row.next() ? row.getString(1) : "none";
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    @Test
    void aStartedSlotOfAnEngineThatRecordsNowhereIsNotStartedAgainAfterTheLease() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule daily = Schedule.cron("daily", "report", "0 3 * * *").withParameters(Map.of("region", "emea"));
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord entry) {
                if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    logged.add(entry);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Scheduler.class.getName());
        logger.addHandler(capture);
        try (Engine engine = Engine.builder().build(); // records its runs nowhere
             Scheduler scheduler = Scheduler.builder().database(url).schedules(daily).engine(engine, report).clock(clock)
                     .name("blind").recoverAfter(LEASE).historyCheckAfter(Duration.ofMillis(1)).build()) {
            assertThat(scheduler.tick().get("daily")).extracting(Slot::key).containsExactly("2026-06-01T03:00");
            await(() -> state(url, "2026-06-01T03:00").equals("ended"), "the first slot's end written");
            clock.advance(Duration.ofDays(1));
            assertThat(scheduler.tick().get("daily")).extracting(Slot::key).containsExactly("2026-06-02T03:00");
            await(() -> state(url, "2026-06-02T03:00").equals("ended"), "the second slot's end written");
            assertThat(runs.get()).isEqualTo(2);

            // as a scheduler killed after its run started and before it wrote the run's end leaves the row
            try (Connection connection = DriverManager.getConnection(url, "sa", "");
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE lf_schedule_slot SET state = 'started' WHERE slot = '2026-06-02T03:00'");
            }
            clock.advance(LEASE.plusSeconds(1));
            assertThat(scheduler.tick()).as("nothing started again").isEmpty();
            assertThat(state(url, "2026-06-02T03:00")).isEqualTo("ended");
            assertThat(runs.get()).as("the slot's run ran once").isEqualTo(2);
            assertThat(logged).extracting(LogRecord::getMessage)
                    .anySatisfy(message -> assertThat(message).contains("scheduler blind started runs of schedule daily")
                            .contains("slot 2026-06-02T03:00 is marked ended")
                            .contains(".listener(RunRecorder.to(RunStore.open(url)))"))
                    .anySatisfy(message -> assertThat(message).contains("the run history in the scheduler's database does"
                            + " not have it"));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
