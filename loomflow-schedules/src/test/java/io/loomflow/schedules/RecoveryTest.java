package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.State;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slot claimed by a scheduler that died before starting its run is started by another after the
 * lease, once: on an engine under the claimed run id unless the history has it; on workers through
 * the slot's idempotency key. A started run of a dead scheduler stops counting toward max active
 * once it has ended. A started slot of a scheduler whose engine records its runs nowhere is not
 * started again (the history cannot tell a lost run from one that ran), with an ERROR naming the fix.
 */
class RecoveryTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    record Report(String region) {
    }

    private final AtomicInteger runs = new AtomicInteger();
    private final Flow<Report, String> report = Flow.named("report", Report.class, params -> {
        runs.incrementAndGet();
        return params.region();
    });

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5); // polling with a deadline, not waiting for time to pass
        }
    }

    private static List<List<String>> rows(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES.url());
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

    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(POSTGRES.url());
             Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private static void awaitAllEnded(String schedule) throws InterruptedException {
        await(() -> {
            try {
                return rows("SELECT state FROM lf_schedule_slot WHERE schedule = '" + schedule + "' AND state <> 'ended'")
                        .isEmpty();
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
        }, "every slot of " + schedule + " ended");
    }

    private static Schedule daily(String name) {
        return Schedule.cron(name, "report", "0 3 * * *").withParameters(Map.of("region", "emea"));
    }

    @Test
    void aClaimWhoseRunNeverStartedIsStartedByAnotherSchedulerUnderItsRunIdAfterTheLease() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0.plus(Duration.ofHours(3)));
        Schedule schedule = daily("lost-claim");
        try (RunStore history = RunStore.open(POSTGRES.url());
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build()) {
            // a scheduler whose engine is gone: it claims the slot and cannot start the run
            Engine closed = Engine.builder().build();
            closed.close();
            try (Scheduler dying = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                    .engine(closed, report).clock(clock).name("dying").recoverAfter(LEASE).build()) {
                assertThat(dying.tick()).isEmpty();
            }
            List<List<String>> claimed = rows("SELECT run_id, state, claimed_by FROM lf_schedule_slot"
                    + " WHERE schedule = 'lost-claim'");
            assertThat(claimed).hasSize(1);
            assertThat(claimed.getFirst().subList(1, 3)).containsExactly("claimed", "dying");
            UUID runId = UUID.fromString(claimed.getFirst().getFirst());

            try (Scheduler other = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                    .engine(engine, report).clock(clock).name("other").recoverAfter(LEASE).build()) {
                assertThat(other.tick()).isEmpty(); // within the lease: the claim is the dying one's
                clock.advance(LEASE.plusSeconds(1));
                assertThat(other.tick().get("lost-claim")).extracting(Slot::key).containsExactly("2026-06-01T03:00");
                assertThat(other.tick()).isEmpty();
                await(() -> history.run(runId).map(run -> run.state() == State.Kind.COMPLETED).orElse(false),
                        "the recovered run completed under the claimed id");
                assertThat(runs.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void aClaimWhoseRunTheHistoryHasIsNotStartedAgainAndItsEndFreesMaxActive() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0.plus(Duration.ofHours(3)));
        Schedule schedule = daily("started-then-died");
        try (RunStore history = RunStore.open(POSTGRES.url());
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build()) {
            UUID runId;
            try (Scheduler first = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                    .engine(engine, report).clock(clock).name("first").recoverAfter(LEASE).build()) {
                assertThat(first.tick()).containsKey("started-then-died");
                runId = UUID.fromString(rows("SELECT run_id FROM lf_schedule_slot"
                        + " WHERE schedule = 'started-then-died'").getFirst().getFirst());
                await(() -> history.run(runId).map(run -> run.state() == State.Kind.COMPLETED).orElse(false),
                        "the run completed");
            }
            // as a scheduler killed after starting the run and before recording it started leaves the row
            execute("UPDATE lf_schedule_slot SET state = 'claimed' WHERE schedule = 'started-then-died'");
            clock.advance(Duration.ofDays(1)); // the next slot is due; max active is 1 and the row counts
            try (Scheduler other = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                    .engine(engine, report).clock(clock).name("other").recoverAfter(LEASE).build()) {
                assertThat(other.tick().get("started-then-died")).extracting(Slot::key)
                        .containsExactly("2026-06-02T03:00"); // the old claim ended: no longer active
                await(() -> runs.get() == 2, "the next slot's run");
            }
            assertThat(rows("SELECT slot, state FROM lf_schedule_slot WHERE schedule = 'started-then-died'"
                    + " ORDER BY slot")).containsExactly(List.of("2026-06-01T03:00", "ended"),
                    List.of("2026-06-02T03:00", "ended"));
            assertThat(runs.get()).as("the first slot's run was not started again").isEqualTo(2);
        }
    }

    @Test
    void onWorkersEachSlotIsQueuedOnceUnderItsKeyAndALostLaunchIsSubmittedAgain() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0.plus(Duration.ofHours(3)));
        Schedule schedule = daily("queued").withMaxActive(10);
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url())) {
            try (Scheduler early = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                    .workQueue(queue, report).clock(clock).name("early").recoverAfter(LEASE).build()) {
                assertThat(early.tick()).isEmpty(); // no worker runs the flow yet: refused, the claim stays
            }
            assertThat(rows("SELECT state FROM lf_schedule_slot WHERE schedule = 'queued'"))
                    .containsExactly(List.of("claimed"));
            try (Worker worker = Worker.builder().database(POSTGRES.url()).flows(report).build().start();
                 Scheduler scheduler = Scheduler.builder().database(POSTGRES.url()).schedules(schedule)
                         .workQueue(queue, report).clock(clock).name("later").recoverAfter(LEASE).build()) {
                clock.advance(LEASE.plusSeconds(1));
                assertThat(scheduler.tick().get("queued")).extracting(Slot::key).containsExactly("2026-06-01T03:00");
                clock.advance(Duration.ofDays(1));
                assertThat(scheduler.tick().get("queued")).extracting(Slot::key).containsExactly("2026-06-02T03:00");
                await(() -> runs.get() == 2, "both queued runs ran");
                awaitAllEnded("queued");
                // a scheduler killed after submitting and before recording it leaves the claim: submitted again, same run
                execute("UPDATE lf_schedule_slot SET state = 'claimed', claimed_at_ms = 0 WHERE schedule = 'queued'"
                        + " AND slot = '2026-06-02T03:00'");
                assertThat(scheduler.tick().get("queued")).extracting(Slot::key).containsExactly("2026-06-02T03:00");
                awaitAllEnded("queued");
            }
            assertThat(rows("SELECT idempotency_key, state FROM lf_queue WHERE flow = 'report' ORDER BY idempotency_key"))
                    .containsExactly(List.of("loomflow-schedule:queued@2026-06-01T03:00", "completed"),
                            List.of("loomflow-schedule:queued@2026-06-02T03:00", "completed"));
            assertThat(rows("SELECT COUNT(*) FROM lf_schedule_slot s JOIN lf_queue q ON q.id::text = s.run_id"
                    + " WHERE s.schedule = 'queued'")).containsExactly(List.of("2"));
            assertThat(runs.get()).isEqualTo(2);
        }
    }

    @Test
    void aStartedSlotOfAnEngineThatRecordsNowhereIsNotStartedAgainAfterTheLease() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0.plus(Duration.ofHours(3)));
        Schedule schedule = daily("records-nowhere");
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
        try (Engine engine = Engine.builder().build(); // no RunRecorder: its runs are recorded nowhere
             Scheduler scheduler = Scheduler.builder().database(POSTGRES.url()).schedules(schedule).engine(engine, report)
                     .clock(clock).name("blind").recoverAfter(LEASE).historyCheckAfter(Duration.ofMillis(1)).build()) {
            assertThat(scheduler.tick().get("records-nowhere")).extracting(Slot::key).containsExactly("2026-06-01T03:00");
            awaitAllEnded("records-nowhere");
            clock.advance(Duration.ofDays(1));
            assertThat(scheduler.tick().get("records-nowhere")).extracting(Slot::key).containsExactly("2026-06-02T03:00");
            awaitAllEnded("records-nowhere");
            assertThat(runs.get()).isEqualTo(2);

            // as a scheduler killed after its run started and before it wrote the run's end leaves the row
            execute("UPDATE lf_schedule_slot SET state = 'started' WHERE schedule = 'records-nowhere'"
                    + " AND slot = '2026-06-02T03:00'");
            clock.advance(LEASE.plusSeconds(1));
            assertThat(scheduler.tick()).as("nothing started again").isEmpty();
            assertThat(rows("SELECT state FROM lf_schedule_slot WHERE schedule = 'records-nowhere'"
                    + " AND slot = '2026-06-02T03:00'")).containsExactly(List.of("ended"));
            assertThat(runs.get()).as("the slot's run ran once").isEqualTo(2);
            assertThat(logged).extracting(LogRecord::getMessage)
                    .anySatisfy(message -> assertThat(message).contains("scheduler blind started runs of schedule"
                            + " records-nowhere").contains("slot 2026-06-02T03:00 is marked ended")
                            .contains(".listener(RunRecorder.to(RunStore.open(url)))"))
                    .anySatisfy(message -> assertThat(message).contains("the run history in the scheduler's database does"
                            + " not have it"));
        } finally {
            logger.removeHandler(capture);
        }
    }
}
