package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler JVM ({@link ClaimKillProgram}) killed with SIGKILL inside the window between a slot's
 * claim (committed: the slot row is {@code claimed}) and its run's start being marked ({@code
 * started}), at a point the test knows, on PostgreSQL; then a scheduler in this process takes over
 * after the lease. Each time the slot fires exactly once, under the row's run id (an engine) or its
 * idempotency key (a work queue), every row ends {@code ended}, and no slot from the killed one on is
 * lost or fired twice. The points:
 * <ul>
 *   <li>engine, before the run exists anywhere but in the victim (its run interceptor blocks the
 *       launch): the survivor starts the run under the claimed id;</li>
 *   <li>engine, after the history recorded the run and before the row was marked started (a
 *       listener behind the recorder blocks the launch): the survivor does not start it again;</li>
 *   <li>work queue, before the submission (the test's lock on {@code lf_queue} holds the victim's
 *       insert; the server drops the dead client's statement): the survivor queues it, once;</li>
 *   <li>work queue, after the submission committed and before the row was marked started (the
 *       test's lock on {@code lf_schedule_slot} holds the victim's update): the survivor's submission
 *       with the slot's key gives the run already queued.</li>
 * </ul>
 */
class ClaimKillTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final String SCHEDULE = SchedulerProgram.schedule().name();
    private static final String VICTIM = "victim";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path logs;

    private final AtomicInteger executed = new AtomicInteger();
    /** The flow the survivor (and the test's worker) runs: {@link SchedulerProgram#TICK}'s name and parameters, counted. */
    private final Flow<SchedulerProgram.Tick, String> tick = Flow.named(SchedulerProgram.TICK.name(),
            SchedulerProgram.Tick.class, params -> {
                executed.incrementAndGet();
                return "tock";
            });
    private Process victim;

    @BeforeEach
    void emptyDatabase() throws Exception {
        POSTGRES.emptySchema();
        RunStore.open(POSTGRES.url()).close(); // the tables, so that the test can lock them before the victim runs
    }

    @AfterEach
    void killVictim() throws InterruptedException {
        if (victim != null) {
            victim.destroyForcibly();
            victim.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onAnEngineASlotClaimedByAKilledSchedulerBeforeItsRunExistedIsStartedOnceUnderItsRunId() throws Exception {
        UUID blocked = startVictimUntilBlocked("before-start");
        assertThat(rows("SELECT id FROM lf_run")).as("nothing of the run left the victim").isEmpty();
        List<SlotRow> claimed = victimClaims();
        killVictim(blocked);

        Set<String> recovered = survive(false);
        assertThat(recovered).as("the survivor started every slot the victim claimed")
                .containsAll(claimed.stream().map(SlotRow::slot).toList());
        List<SlotRow> slots = checkEachSlotOnce(claimed, blocked);
        checkEachSlotRanOnceInTheHistory(slots);
        assertThat(executed.get()).as("runs executed, each slot's once").isEqualTo(slots.size());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onAnEngineASlotWhoseRunTheHistoryHasIsNotStartedAgainAfterItsSchedulerIsKilledBeforeMarkingIt()
            throws Exception {
        UUID blocked = startVictimUntilBlocked("after-record");
        await(() -> !rows("SELECT id FROM lf_run WHERE id = '" + blocked + "'").isEmpty(),
                "the victim's recorder wrote its run to the history");
        List<SlotRow> claimed = victimClaims();
        killVictim(blocked);

        Set<String> recovered = survive(false);
        SlotRow first = claimed.stream().filter(row -> row.runId().equals(blocked)).findFirst().orElseThrow();
        assertThat(recovered).as("the slot whose run the history has is not started again").doesNotContain(first.slot());
        List<SlotRow> slots = checkEachSlotOnce(claimed, blocked);
        checkEachSlotRanOnceInTheHistory(slots);
        try (RunStore history = RunStore.openReadOnly(POSTGRES.url())) {
            RunRecord run = history.run(blocked).orElseThrow();
            assertThat(run.state().isFinal()).as("the killed process's run reads ended: " + run.state()).isTrue();
        }
        assertThat(executed.get()).as("runs executed here: every slot's but the killed one's").isEqualTo(slots.size() - 1);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onWorkersASlotClaimedByASchedulerKilledBeforeItsSubmissionIsQueuedOnce() throws Exception {
        queued(false);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onWorkersASlotSubmittedByASchedulerKilledBeforeMarkingItIsNotQueuedAgain() throws Exception {
        queued(true);
    }

    /**
     * Kills the victim inside its launch on a work queue: with the submission not made (its insert
     * held by the test's lock on {@code lf_queue}), or made and committed (its update of the slot row
     * held by the test's lock on {@code lf_schedule_slot}); then a survivor takes over.
     */
    private void queued(boolean submitted) throws Exception {
        try (Worker worker = Worker.builder().database(POSTGRES.url()).flows(tick).pollInterval(Duration.ofMillis(100))
                .build().start()) {
            await(() -> !rows("SELECT name FROM lf_worker WHERE expires > now()").isEmpty(), "the worker is live");
            List<SlotRow> claimed;
            try (Connection queueLock = lock("lf_queue")) {
                startVictim("queue");
                int submitting = awaitWaitingOn("lf_queue", "INSERT INTO lf_queue");
                claimed = victimClaims();
                if (!submitted) {
                    killVictim(null);
                    awaitGone(submitting); // the server drops the dead client's statement: it never commits
                    queueLock.rollback();
                    assertThat(rows("SELECT id FROM lf_queue")).as("nothing queued").isEmpty();
                } else {
                    try (Connection slotLock = lock("lf_schedule_slot")) {
                        queueLock.rollback(); // the submission goes through, then the update marking it started waits
                        await(() -> rows("SELECT id FROM lf_queue").size() == 1, "the victim's submission committed");
                        int marking = awaitWaitingOn("lf_schedule_slot", "UPDATE lf_schedule_slot");
                        killVictim(null);
                        awaitGone(marking);
                        slotLock.rollback();
                    }
                }
            }
            assertThat(rows("SELECT state FROM lf_schedule_slot WHERE claimed_by = '" + VICTIM + "'"))
                    .as("the victim's claims, not marked started").containsOnly(List.of("claimed"));

            Set<String> recovered = survive(true);
            assertThat(recovered).as("every claim of the victim submitted (again)")
                    .containsAll(claimed.stream().map(SlotRow::slot).toList());
            List<SlotRow> slots = checkEachSlotOnce(claimed, null);
            List<List<String>> queue = rows("SELECT idempotency_key, id::text, state FROM lf_queue ORDER BY idempotency_key");
            List<List<String>> expected = new ArrayList<>();
            for (SlotRow slot : slots) {
                expected.add(List.of("loomflow-schedule:" + SCHEDULE + "@" + slot.slot(), slot.runId().toString(),
                        "completed"));
            }
            assertThat(queue).as("one queued run per slot, under its key, the slot row's run").isEqualTo(expected);
            assertThat(executed.get()).as("queued runs executed, each slot's once").isEqualTo(slots.size());
        }
    }

    // --- the victim ---------------------------------------------------------------------------

    private void startVictim(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // the server checks every 100 ms that the victim's connections are alive, also while a statement of
        // theirs waits for a lock, so a statement of the killed process does not go on once the test unlocks
        String url = POSTGRES.url() + "&options=-c%20client_connection_check_interval%3D100";
        victim = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), ClaimKillProgram.class.getName(), url, VICTIM, mode)
                .redirectErrorStream(true).redirectOutput(log().toFile()).start();
        await(() -> output().contains("ready"), "the victim is ready");
    }

    /** Starts the victim and waits until its program says the launch of its first slot is blocked; that run's id. */
    private UUID startVictimUntilBlocked(String mode) throws Exception {
        startVictim(mode);
        await(() -> output().contains("blocked "), "the victim's launch blocked");
        String line = output().lines().filter(text -> text.startsWith("blocked ")).findFirst().orElseThrow();
        return UUID.fromString(line.substring("blocked ".length()).strip());
    }

    /** The victim's slot rows, which must all still be claimed (committed) and by it, the blocked one among them. */
    private List<SlotRow> victimClaims() throws Exception {
        List<SlotRow> all = slotRows();
        assertThat(all).as("slot rows while the victim is blocked").isNotEmpty()
                .allSatisfy(row -> assertThat(row.state() + " by " + row.claimedBy()).isEqualTo("claimed by " + VICTIM));
        return all;
    }

    /** SIGKILL; waits for the exit. */
    private void killVictim(UUID blocked) throws Exception {
        if (blocked != null) {
            assertThat(slotRows()).extracting(SlotRow::runId).as("the blocked run is a claimed slot's").contains(blocked);
        }
        victim.destroyForcibly(); // SIGKILL on Linux
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(victim.exitValue()).as("exit status of SIGKILL").isEqualTo(137);
    }

    private Path log() {
        return logs.resolve(VICTIM + ".log");
    }

    private String output() throws Exception {
        return Files.exists(log()) ? Files.readString(log()) : "";
    }

    // --- the survivor -------------------------------------------------------------------------

    /**
     * A scheduler of this process on a manual clock from the victim's last claim: one tick within the
     * lease (nothing is recovered or due), then one after it; waits until every slot row has ended.
     *
     * @return the slots the second tick fired or recovered
     */
    private Set<String> survive(boolean onWorkers) throws Exception {
        long lastClaim = slotRows().stream().mapToLong(SlotRow::claimedAtMs).max().orElseThrow();
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.ofEpochMilli(lastClaim));
        Set<String> fired = new HashSet<>();
        try (RunStore history = RunStore.open(POSTGRES.url());
             Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
             WorkQueue queue = WorkQueue.connect(POSTGRES.url())) {
            Scheduler.Builder builder = Scheduler.builder().database(POSTGRES.url()).schedules(SchedulerProgram.schedule())
                    .clock(clock).name("survivor").recoverAfter(SchedulerProgram.LEASE);
            try (Scheduler survivor = (onWorkers ? builder.workQueue(queue, tick) : builder.engine(engine, tick)).build()) {
                assertThat(survivor.tick()).as("within the lease the victim's claims are left alone").isEmpty();
                clock.advance(SchedulerProgram.LEASE.plusSeconds(1));
                survivor.tick().getOrDefault(SCHEDULE, List.of()).forEach(slot -> fired.add(slot.key()));
                await(() -> rows("SELECT slot, state FROM lf_schedule_slot WHERE state <> 'ended'").isEmpty(),
                        "every slot row ended");
            }
        }
        return fired;
    }

    // --- the checks ---------------------------------------------------------------------------

    /**
     * Every second from the victim's first claim to the survivor's last slot has one row, ended, with
     * a run id of its own; on an engine ({@code blocked} given) the victim's claims kept their run
     * ids, the blocked run's among them.
     */
    private List<SlotRow> checkEachSlotOnce(List<SlotRow> claimed, UUID blocked) throws Exception {
        List<SlotRow> slots = slotRows();
        assertThat(slots).extracting(SlotRow::state).as("states").containsOnly("ended");
        Instant first = Instant.parse(slots.getFirst().slot());
        for (int i = 0; i < slots.size(); i++) {
            assertThat(slots.get(i).slot()).as("slot %d: every second once, none lost", i)
                    .isEqualTo(first.plusSeconds(i).toString());
        }
        assertThat(slots.size()).as("slots past the victim's").isGreaterThan(claimed.size());
        assertThat(slots.subList(0, claimed.size())).extracting(SlotRow::slot).as("the victim's claims come first")
                .containsExactlyElementsOf(claimed.stream().map(SlotRow::slot).toList());
        if (blocked != null) { // on an engine a slot's run keeps the id claimed for it (on workers it is the queued run's)
            assertThat(slots.subList(0, claimed.size())).extracting(SlotRow::runId)
                    .as("the victim's claims, under their run ids, the blocked one's among them")
                    .containsExactlyElementsOf(claimed.stream().map(SlotRow::runId).toList()).contains(blocked);
        }
        assertThat(slots).extracting(SlotRow::runId).as("run ids").doesNotHaveDuplicates();
        return slots;
    }

    /** The history has one root run of the flow per slot, under the slot row's run id, and no other. */
    private void checkEachSlotRanOnceInTheHistory(List<SlotRow> slots) throws Exception {
        List<String> runs = rows("SELECT id::text FROM lf_run WHERE name = '" + tick.name() + "' AND parent_id IS NULL"
                + " ORDER BY id").stream().map(List::getFirst).toList();
        assertThat(runs).as("the flow's runs in the history: each slot's, under its row's run id")
                .containsExactlyInAnyOrderElementsOf(slots.stream().map(row -> row.runId().toString()).toList());
    }

    // --- the database -------------------------------------------------------------------------

    /** A slot row of the schedule. */
    private record SlotRow(String slot, UUID runId, String state, String claimedBy, long claimedAtMs) {
    }

    private static List<SlotRow> slotRows() throws Exception {
        return rows("SELECT slot, run_id, state, claimed_by, claimed_at_ms FROM lf_schedule_slot WHERE schedule = '"
                + SCHEDULE + "' ORDER BY slot").stream().map(row -> new SlotRow(row.get(0), UUID.fromString(row.get(1)),
                row.get(2), row.get(3), Long.parseLong(row.get(4)))).toList();
    }

    private static List<List<String>> rows(String sql) throws Exception {
        return SchedulerSigkillTest.rows(POSTGRES, sql);
    }

    /** A connection in a transaction that holds an exclusive lock on the table: others read it, none writes it. */
    private static Connection lock(String table) throws Exception {
        Connection connection = POSTGRES.connect();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE " + table + " IN EXCLUSIVE MODE");
        }
        return connection;
    }

    /** Waits until a statement starting as given waits for a lock on the table; the server process that runs it. */
    private int awaitWaitingOn(String table, String statement) throws Exception {
        String sql = "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted"
                + " AND l.relation = '" + table + "'::regclass AND a.query LIKE '%" + statement + "%'";
        await(() -> rows(sql).size() == 1, "a statement '" + statement + "...' waits for the lock on " + table);
        return Integer.parseInt(rows(sql).getFirst().getFirst());
    }

    /** Waits until the server process is gone: its client was killed, and its statement did not complete. */
    private void awaitGone(int pid) throws Exception {
        await(() -> rows("SELECT pid FROM pg_stat_activity WHERE pid = " + pid).isEmpty(),
                "the killed client's server process " + pid + " ended");
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what + "; slot rows: "
                        + rows("SELECT slot, run_id, state, claimed_by FROM lf_schedule_slot ORDER BY slot")
                        + "; the victim printed:\n" + output());
            }
            Thread.sleep(20); // polling with a deadline
        }
    }
}
