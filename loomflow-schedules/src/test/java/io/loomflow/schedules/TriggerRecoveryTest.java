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
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fire claimed by a runner that could not start its run (it died, or its launch failed) is
 * started by another after the lease, once: on an engine under the claimed run id unless the
 * history has it; on workers through the fire's idempotency key, which gives the same queued run.
 */
class TriggerRecoveryTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    record Region(String region) {
    }

    record Load(String upstream) {
    }

    private final Queue<Load> loads = new ConcurrentLinkedQueue<>();
    // one source flow per test: the two share a database schema
    private final Flow<Region, Integer> extract = Flow.named("extract", Region.class, params -> params.region().length());
    private final Flow<Region, Integer> extract2 = Flow.named("extract2", Region.class, params -> params.region().length());
    private final Flow<Region, Integer> extract3 = Flow.named("extract3", Region.class, params -> params.region().length());
    private final Flow<Load, String> store = Flow.named("store", Load.class, params -> {
        loads.add(params);
        return params.upstream();
    });
    private final Flow<Load, String> load = Flow.named("load", Load.class, params -> {
        loads.add(params);
        return params.upstream();
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

    private static Trigger afterExtract(String name) {
        return Trigger.onRunEnd(name, name.equals("queued") ? "extract2" : "extract", "load")
                .withRunParameters(run -> Map.of("upstream", run.id().toString()));
    }

    /** A run of extract, recorded in the history, on the manual clock. */
    private UUID extractRun(ManualTimeSource clock, Flow<Region, Integer> extract) {
        try (RunStore history = RunStore.open(POSTGRES.url());
             Engine elsewhere = Engine.builder().clock(clock).listener(RunRecorder.to(history)).build()) {
            elsewhere.run(extract, new Region("emea"));
        }
        return UUID.fromString(rowsUnchecked("SELECT id FROM lf_run WHERE name = '" + extract.name() + "'")
                .getFirst().getFirst());
    }

    private static List<List<String>> rowsUnchecked(String sql) {
        try {
            return rows(sql);
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    @Test
    void aFireWhoseRunNeverStartedIsStartedByAnotherRunnerUnderItsRunIdAfterTheLeaseOnce() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Engine closed = Engine.builder().clock(clock).build();
        closed.close(); // a runner whose engine is gone: it claims the fire and cannot start the run
        try (TriggerRunner dying = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract("lost"))
                .engine(closed, extract, load).clock(clock).name("dying").recoverAfter(LEASE).build()) {
            clock.advance(Duration.ofSeconds(1));
            UUID source = extractRun(clock, extract);
            clock.advance(Duration.ofSeconds(1));
            dying.tick(); // it claims the fire; starting the run fails
            List<List<String>> claimed = rows("SELECT source, run_id, state, claimed_by FROM lf_trigger_fire"
                    + " WHERE trigger_name = 'lost'");
            assertThat(claimed).hasSize(1);
            assertThat(claimed.getFirst()).startsWith(source.toString()).endsWith("claimed", "dying");
            UUID runId = UUID.fromString(claimed.getFirst().get(1));

            try (RunStore history = RunStore.open(POSTGRES.url());
                 Engine engine = Engine.builder().clock(clock).listener(RunRecorder.to(history)).build();
                 TriggerRunner other = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract("lost"))
                         .engine(engine, extract, load).clock(clock).name("other").recoverAfter(LEASE).build()) {
                assertThat(other.tick()).isEmpty(); // within the lease: the claim is the dying one's
                clock.advance(LEASE.plusSeconds(1));
                assertThat(other.tick()).isEqualTo(Map.of("lost", List.of(source.toString())));
                assertThat(other.tick()).isEmpty();
                await(() -> history.run(runId).map(run -> run.state() == State.Kind.COMPLETED).orElse(false),
                        "the recovered run completed under the claimed id");
                assertThat(loads).containsExactly(new Load(source.toString()));

                // a runner killed after starting the run and before marking it: the history has it, not started again
                execute("UPDATE lf_trigger_fire SET state = 'claimed', claimed_by = 'ghost', claimed_at_ms = 0"
                        + " WHERE trigger_name = 'lost'");
                assertThat(other.tick()).isEmpty();
                assertThat(rows("SELECT run_id, state FROM lf_trigger_fire WHERE trigger_name = 'lost'"))
                        .containsExactly(List.of(runId.toString(), "started"));
            }
        }
        assertThat(loads).hasSize(1);
    }

    @Test
    void onWorkersAFireIsQueuedUnderItsKeyAndALostLaunchIsSubmittedAgainGivingTheSameRun() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url())) {
            UUID source;
            try (TriggerRunner early = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract("queued"))
                    .workQueue(queue, extract2, load).clock(clock).name("early").recoverAfter(LEASE).build()) {
                clock.advance(Duration.ofSeconds(1));
                source = extractRun(clock, extract2);
                clock.advance(Duration.ofSeconds(1));
                early.tick(); // no worker runs load yet: the submission is refused, the claim stays
            }
            assertThat(rows("SELECT state FROM lf_trigger_fire WHERE trigger_name = 'queued'"))
                    .containsExactly(List.of("claimed"));
            String key = "loomflow-trigger:queued@" + source;
            assertThat(TriggerRunner.idempotencyKey("queued", source.toString())).isEqualTo(key);
            try (Worker worker = Worker.builder().database(POSTGRES.url()).flows(load).build().start();
                 TriggerRunner runner = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract("queued"))
                         .workQueue(queue, extract2, load).clock(clock).name("later").recoverAfter(LEASE).build()) {
                assertThat(runner.tick()).isEmpty(); // within the lease
                clock.advance(LEASE.plusSeconds(1));
                assertThat(runner.tick()).isEqualTo(Map.of("queued", List.of(source.toString())));
                await(() -> loads.size() == 1, "the queued run ran");
                List<List<String>> queued = rows("SELECT id, state FROM lf_queue WHERE idempotency_key = '" + key + "'");
                assertThat(queued).hasSize(1);
                String queuedId = queued.getFirst().getFirst();
                assertThat(rows("SELECT run_id, state FROM lf_trigger_fire WHERE trigger_name = 'queued'"))
                        .containsExactly(List.of(queuedId, "started"));
                // a runner killed after submitting and before marking it started: submitted again, the same run
                execute("UPDATE lf_trigger_fire SET state = 'claimed', claimed_by = 'ghost', claimed_at_ms = 0"
                        + " WHERE trigger_name = 'queued'");
                assertThat(runner.tick()).isEqualTo(Map.of("queued", List.of(source.toString())));
                assertThat(rows("SELECT run_id, state FROM lf_trigger_fire WHERE trigger_name = 'queued'"))
                        .containsExactly(List.of(queuedId, "started"));
                assertThat(rows("SELECT COUNT(*) FROM lf_queue WHERE flow = 'load'")).containsExactly(List.of("1"));
            }
        }
        assertThat(loads).containsExactly(new Load(source()));
    }

    @Test
    void aRunnerAloneStartsItsOwnFailedLaunchAfterTheLeaseOnceUnderItsKey() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Trigger trigger = Trigger.onRunEnd("alone", "extract3", "store")
                .withRunParameters(run -> Map.of("upstream", run.id().toString()));
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url());
             TriggerRunner runner = TriggerRunner.builder().database(POSTGRES.url()).triggers(trigger)
                     .workQueue(queue, extract3, store).clock(clock).name("alone").recoverAfter(LEASE).build()) {
            clock.advance(Duration.ofSeconds(1));
            UUID source = extractRun(clock, extract3);
            clock.advance(Duration.ofSeconds(1));
            assertThat(runner.tick()).as("no live worker runs store: nothing started").isEmpty();
            assertThat(rows("SELECT state, claimed_by FROM lf_trigger_fire WHERE trigger_name = 'alone'"))
                    .containsExactly(List.of("claimed", "alone"));
            try (Worker worker = Worker.builder().database(POSTGRES.url()).flows(store).build().start()) {
                assertThat(runner.tick()).as("within the lease").isEmpty();
                clock.advance(LEASE.plusSeconds(1));
                assertThat(runner.tick()).isEqualTo(Map.of("alone", List.of(source.toString())));
                assertThat(runner.tick()).isEmpty();
                await(() -> loads.size() == 1, "the queued run ran");
                String key = TriggerRunner.idempotencyKey("alone", source.toString());
                List<List<String>> queued = rows("SELECT id FROM lf_queue WHERE idempotency_key = '" + key + "'");
                assertThat(queued).hasSize(1);
                assertThat(rows("SELECT run_id, state FROM lf_trigger_fire WHERE trigger_name = 'alone'"))
                        .containsExactly(List.of(queued.getFirst().getFirst(), "started"));
                assertThat(rows("SELECT COUNT(*) FROM lf_queue WHERE flow = 'store'")).containsExactly(List.of("1"));
            }
        }
        assertThat(loads).extracting(Load::upstream).containsExactly(rows("SELECT id FROM lf_run WHERE name = 'extract3'")
                .getFirst().getFirst());
    }

    private String source() throws Exception {
        return rows("SELECT id FROM lf_run WHERE name = 'extract2'").getFirst().getFirst();
    }
}
