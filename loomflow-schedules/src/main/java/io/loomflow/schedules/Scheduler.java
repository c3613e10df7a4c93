package io.loomflow.schedules;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.RunOptions;
import io.loomflow.TimeSource;
import io.loomflow.schedules.internal.EngineLauncher;
import io.loomflow.schedules.internal.Launcher;
import io.loomflow.schedules.internal.QueueLauncher;
import io.loomflow.schedules.internal.ScheduleReads;
import io.loomflow.schedules.internal.SlotTable;
import io.loomflow.schedules.internal.SlotWrites;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Fires the due slots of its schedules, each slot once, however many schedulers share the database
 * (PostgreSQL, or an embedded H2 file): a claim transaction locks the rows of a batch of schedules
 * (a few hundred), computes each one's due slots from its cursor ({@link Schedule#dueSlots}),
 * inserts one row per slot it fires (primary key schedule and slot, with the run id chosen for it),
 * and moves the cursors; only after that commit are the runs started, on the given engine under
 * those run ids, or queued on a {@link WorkQueue} with an idempotency key per slot. Claims older
 * than a lease whose runs were never started are recovered by any scheduler (see
 * {@link Builder#recoverAfter}).
 *
 * <p>{@link #tick()} does one pass over every schedule. {@link #start()} runs a loop in the
 * background that keeps each schedule's next fire time in memory (read from the cursors at start,
 * and again every few seconds, for pauses and other schedulers' progress) and sleeps on its
 * {@link TimeSource} until the earliest one: it claims the schedules due at an instant up to
 * 2 s before it (less for a short lease) and starts their runs from memory at
 * that instant. A slot so claimed fires even if its schedule is paused between its claim and its
 * time. Pause and resume are kept in the database.
 */
public final class Scheduler implements AutoCloseable {

    /** How long before a slot's time the loop of {@link #start()} claims it, at most (a quarter of the lease if less). */
    static final long AHEAD_MILLIS = 2_000;
    /** How many schedules one claim transaction locks, at most. */
    static final int BATCH = 500;
    private static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Duration RECOVER = Duration.ofSeconds(5);
    /** How many of a claimer's ended slots tell whether its engine records into the history. */
    private static final int EVIDENCE = 20;
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    private final SlotTable table;
    private final Map<String, Schedule> schedules;
    private final List<String> names; // sorted: claims lock rows in this order
    private final Map<String, Flow<?, ?>> flows;
    private final Launcher launcher;
    private final TimeSource clock;
    private final Duration every;
    private final Duration recoverAfter;
    private final Duration ahead;
    private final Duration recoverEvery;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet(); // "schedule\nslot" claimed or launched here, not ended
    private final ReentrantLock passes = new ReentrantLock(); // one pass at a time: tick()'s or the loop's
    private final NextFires index = new NextFires();
    private final Map<String, SlotTable.Cursor> seen = new HashMap<>(); // the cursors the index follows; under passes
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(); // claimed, not launched yet; under passes
    private final SlotWrites writes;
    private final Object sleeping = new Object(); // guards asleep: close() interrupts the loop only while it sleeps
    private boolean asleep;
    private Instant nextRefresh = Instant.MIN; // under passes
    private Instant nextRecovery = Instant.MIN; // under passes
    private @Nullable Thread loop;
    private volatile boolean closed;
    private final Duration historyCheckAfter;
    private final AtomicReference<@Nullable Probe> firstEnded = new AtomicReference<>();
    private final Map<String, Boolean> claimers = new HashMap<>(); // whether each claimer's engine records here; under passes

    private Scheduler(Builder builder, SlotTable table, Launcher launcher) {
        this.table = table;
        this.schedules = builder.schedules;
        this.names = schedules.keySet().stream().sorted().toList();
        this.flows = builder.flows;
        this.launcher = launcher;
        this.clock = builder.clock;
        this.every = builder.every;
        this.recoverAfter = builder.recoverAfter;
        this.ahead = Duration.ofMillis(Math.min(AHEAD_MILLIS, recoverAfter.toMillis() / 4));
        this.recoverEvery = Collections.max(List.of(every, Collections.min(List.of(RECOVER, recoverAfter.dividedBy(2)))));
        this.historyCheckAfter = builder.historyCheckAfter;
        this.writes = new SlotWrites(table, inFlight, index::wake); // a slot waiting for room may fire now
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fires every due slot of every schedule that is not paused, once: the runs are started when
     * this returns. First it writes the starts and ends of runs not written yet, reads every
     * schedule's cursor, and recovers the slots whose claim is older than the
     * {@linkplain Builder#recoverAfter lease} and whose run another scheduler (or this one, before a
     * restart) claimed and may never have started, and marks ended the runs of such claims that
     * the history or the queue shows ended.
     *
     * @return the slots fired (or recovered) by this call, by schedule name
     */
    public Map<String, List<Slot>> tick() {
        passes.lock();
        try {
            writes.flush();
            Instant now = clock.now();
            Map<String, List<Slot>> fired = new LinkedHashMap<>();
            refresh(now);
            recover(now, fired);
            claim(now, now, fired);
            writes.flush(); // the rows of the runs started say so when this returns
            Map<String, List<Slot>> ordered = new LinkedHashMap<>();
            for (String name : schedules.keySet()) {
                if (fired.containsKey(name)) {
                    ordered.put(name, fired.get(name));
                }
            }
            return ordered;
        } finally {
            passes.unlock();
        }
    }

    /** One pass of the loop: what is due at {@code now} is launched, the refresh and the recovery when their time came, and the schedules due before {@code now + ahead} are claimed. */
    private void pass() {
        passes.lock();
        try {
            launchDue(null);
            Instant now = clock.now();
            boolean quiet = pending.isEmpty() || pending.peek().at().isAfter(now.plus(ahead));
            if (quiet && !now.isBefore(nextRefresh)) { // not while claims wait for their time: after the burst
                refresh(now);
            }
            if (quiet && !now.isBefore(nextRecovery)) {
                recover(now, null);
            }
            claim(now, now.plus(ahead), null);
        } finally {
            passes.unlock();
        }
    }

    /** Reads the cursors of every schedule (one query) and sets the next fire time of each whose row changed. */
    private void refresh(Instant now) {
        nextRefresh = now.plus(REFRESH);
        Map<String, SlotTable.Cursor> rows = table.cursors(names);
        for (String name : names) {
            SlotTable.Cursor row = rows.get(name);
            if (row == null) {
                seen.remove(name);
            } else if (!row.equals(seen.get(name))) {
                seen.put(name, row);
                index.set(name, row.paused() ? null : nextFire(schedules.get(name), row.cursor(), row.sinceMs()));
            }
        }
    }

    /** The fire time of the slot after {@code cursor} (or of the first at or after {@code sinceMs}); null when there is none. */
    private static @Nullable Instant nextFire(Schedule schedule, @Nullable String cursor, long sinceMs) {
        Optional<Slot> next = cursor == null ? schedule.nextSlot(Instant.ofEpochMilli(sinceMs).minusNanos(1))
                : schedule.nextSlot(schedule.slot(cursor));
        return next.map(schedule::fireAt).orElse(null);
    }

    /** Claims, in batches, the slots of the schedules whose next fire time is at or before {@code at}; launches those due. */
    private void claim(Instant now, Instant at, @Nullable Map<String, List<Slot>> fired) {
        List<String> due = index.takeUpTo(at);
        if (due.isEmpty()) {
            launchDue(fired);
            return;
        }
        due.sort(null);
        for (int from = 0; from < due.size(); from += BATCH) {
            List<Schedule> batch = due.subList(from, Math.min(due.size(), from + BATCH)).stream()
                    .map(schedules::get).toList();
            List<SlotTable.Claimed> claimed;
            try {
                claimed = table.claim(batch, at, now);
            } catch (RuntimeException failed) {
                Instant retry = clock.now().plus(every);
                for (int rest = from; rest < due.size(); rest++) {
                    index.set(due.get(rest), retry); // tried again at the next pass
                }
                throw failed;
            }
            for (SlotTable.Claimed one : claimed) {
                Schedule schedule = one.schedule();
                SlotTable.Cursor was = one.row();
                seen.put(schedule.name(), new SlotTable.Cursor(was.paused(), was.sinceMs(), one.cursor()));
                Instant next = was.paused() ? null : nextFire(schedule, one.cursor(), was.sinceMs());
                if (one.blocked()) {
                    index.block(schedule.name(), now.plus(every)); // a due slot waits for room: again then, or at a run's end
                } else {
                    index.set(schedule.name(), next != null && !next.isAfter(at) && one.claims().isEmpty()
                            ? now.plus(every) : next); // no progress (cannot be, but never a busy loop)
                }
                for (SlotTable.Claim claim : one.claims()) {
                    inFlight.add(key(schedule.name(), claim.slot().key()));
                    pending.add(new Pending(schedule.fireAt(claim.slot()), schedule, claim.slot(), claim.runId(), one,
                            one.claims().size(), bind(schedule)));
                }
            }
            launchDue(fired);
        }
    }

    /** Launches the claimed slots whose time has come. */
    private void launchDue(@Nullable Map<String, List<Slot>> fired) {
        Instant now = clock.now();
        while (!pending.isEmpty() && !pending.peek().at().isAfter(now)) {
            Pending next = pending.poll();
            if (launch(next.schedule(), next.slot(), next.runId(), next.params()) && fired != null) {
                fired.computeIfAbsent(next.schedule().name(), name -> new ArrayList<>()).add(next.slot());
            }
        }
    }

    private static String key(String schedule, String slot) {
        return schedule + "\n" + slot;
    }

    /** A slot claimed, to be launched at its fire time; the claim it was one of {@code ofClaim} slots of. */
    private record Pending(Instant at, Schedule schedule, Slot slot, UUID runId, SlotTable.Claimed claim, int ofClaim,
            Supplier<Object> params) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending other) {
            int byTime = at.compareTo(other.at);
            if (byTime != 0) {
                return byTime;
            }
            int bySchedule = schedule.name().compareTo(other.schedule.name());
            return bySchedule != 0 ? bySchedule : slot.key().compareTo(other.slot.key());
        }
    }

    /** One query for the stale claims of every schedule of this scheduler, then recovers each (see the class comment). */
    private void recover(Instant now, @Nullable Map<String, List<Slot>> fired) {
        nextRecovery = now.plus(recoverEvery);
        checkOwnHistory();
        long stale = now.minus(recoverAfter).toEpochMilli();
        for (SlotTable.Row row : table.unended(names, stale)) {
            Schedule schedule = schedules.get(row.schedule());
            if (inFlight.contains(key(row.schedule(), row.slot()))) {
                continue; // a run of this scheduler's, which marks its own end
            }
            Slot slot;
            try {
                slot = schedule.slot(row.slot());
            } catch (ScheduleException redefined) {
                // a slot of the schedule's timing before it changed: it has no place in the slots it has now
                table.ended(row.schedule(), row.slot());
                index.wake(row.schedule());
                LOG.log(System.Logger.Level.WARNING, "schedule " + row.schedule() + ": slot " + row.slot() + " ("
                        + row.state() + " by " + row.claimedBy() + ") is no slot of its timing now (" + schedule.timing()
                        + "), which changed since; it is not started again");
                continue;
            }
            if (schedule.fireAt(slot).plus(recoverAfter).isAfter(now)) {
                continue; // claimed ahead of its time, which is within the lease
            }
            Launcher.Status status = launcher.status(row.runId());
            if (row.state().equals("started")) {
                if (status == Launcher.Status.ENDED || status == Launcher.Status.MISSING && launcher.idempotent()) {
                    table.ended(row.schedule(), row.slot()); // on a queue, missing means deleted once ended
                    index.wake(row.schedule()); // a slot waiting for room may fire now
                    continue;
                }
                if (status == Launcher.Status.ACTIVE) {
                    continue;
                }
                if (!recordsHere(row)) {
                    table.ended(row.schedule(), row.slot()); // it started: not run again on no evidence
                    index.wake(row.schedule());
                    continue;
                }
                // started on an engine, and the history has no run of that id: its scheduler died before
                // the history had it, so it is started again, under the same id (below)
            }
            // claimed, and its claimer never said it started the run
            if (row.state().equals("claimed") && status != Launcher.Status.MISSING && !launcher.idempotent()) {
                table.started(row.schedule(), row.slot(), row.runId()); // it did start: the history has it
                if (status == Launcher.Status.ENDED) {
                    table.ended(row.schedule(), row.slot());
                    index.wake(row.schedule());
                }
            } else if (table.takeOver(row, now)) {
                LOG.log(System.Logger.Level.INFO, "schedule " + schedule.name() + ": slot " + slot.key() + " was "
                        + row.state() + " by " + row.claimedBy() + " and no run of it is known; starting it (run "
                        + row.runId() + ")");
                if (launch(schedule, slot, row.runId(), bind(schedule)) && fired != null) {
                    fired.computeIfAbsent(schedule.name(), name -> new ArrayList<>()).add(slot);
                }
            }
        }
    }

    /**
     * Whether the engine of the scheduler that claimed a row records its runs into this scheduler's
     * history, judged by the runs of its latest ended slots of that schedule: a started row whose run
     * the history lacks is started again only when some of them are there (or there are none to
     * judge by). Otherwise that run did start and its engine records elsewhere or nowhere: starting it
     * again would run the slot twice, so the row is marked ended, with one ERROR per such scheduler.
     */
    private boolean recordsHere(SlotTable.Row row) {
        Boolean known = claimers.get(row.claimedBy());
        if (known != null) {
            return known;
        }
        List<UUID> ended = table.endedRuns(row.schedule(), row.claimedBy(), EVIDENCE);
        if (ended.isEmpty()) {
            return true; // nothing to judge by: as a run lost before the history had it
        }
        boolean records = ended.stream().anyMatch(id -> launcher.status(id) != Launcher.Status.MISSING);
        claimers.put(row.claimedBy(), records);
        if (!records) {
            LOG.log(System.Logger.Level.ERROR, "scheduler " + row.claimedBy() + " started runs of schedule "
                    + row.schedule() + " that the run history in the scheduler's database does not have (" + ended.size()
                    + " of its latest ended slots): its engine does not record there. Slots it started are not started"
                    + " again (slot " + row.slot() + " is marked ended), since that would run them twice; give every"
                    + " scheduler's engine .listener(RunRecorder.to(RunStore.open(url))) with the scheduler's database URL"
                    + " so that a run lost in a crash can be told from one that ran");
        }
        return records;
    }

    /**
     * Off the claims' path, once: the first run this scheduler launched on its engine, once
     * {@link Builder#historyCheckAfter} has passed since it ended, must be in the run history of the
     * scheduler's database; if not, one ERROR says how to fix it (the recovery relies on it).
     */
    private void checkOwnHistory() {
        Probe probe = firstEnded.get();
        if (probe == null || probe.checked() || launcher.idempotent()
                || System.nanoTime() - probe.endedNanos() < historyCheckAfter.toNanos()) {
            return;
        }
        firstEnded.set(new Probe(probe.schedule(), probe.runId(), probe.endedNanos(), true));
        if (launcher.status(probe.runId()) == Launcher.Status.MISSING) {
            LOG.log(System.Logger.Level.ERROR, "schedule " + probe.schedule() + ": run " + probe.runId() + " ended "
                    + historyCheckAfter.toSeconds() + " s ago on this scheduler's engine, and the run history in the"
                    + " scheduler's database does not have it: the engine does not record its runs there. After a crash,"
                    + " a slot whose run started cannot be told from one whose run was lost; slots started by this"
                    + " scheduler will not be started again by others. Build the engine with"
                    + " .listener(RunRecorder.to(RunStore.open(url))) on the scheduler's database URL");
        }
    }

    /** The first run this scheduler launched that ended, for {@link #checkOwnHistory()}. */
    private record Probe(String schedule, UUID runId, long endedNanos, boolean checked) {
    }

    /** The schedule's parameters bound for one run (when it is claimed: not at its time), or how binding failed. */
    private Supplier<Object> bind(Schedule schedule) {
        try {
            Object params = ParameterModel.of(flows.get(schedule.flow())).bind(schedule.parameters());
            return () -> params;
        } catch (RuntimeException failed) {
            return () -> {
                throw failed;
            };
        }
    }

    @SuppressWarnings("unchecked")
    private boolean launch(Schedule schedule, Slot slot, UUID runId, Supplier<Object> bound) {
        Flow<Object, Object> flow = (Flow<Object, Object>) flows.get(schedule.flow());
        String key = key(schedule.name(), slot.key());
        inFlight.add(key);
        SlotWrites.Launched launched = writes.launched(schedule.name(), slot.key(), key);
        try {
            Object params = bound.get();
            // its row is written ended (in a batch) before inFlight forgets it: until then a recovery must see it
            // as this scheduler's
            UUID started = launcher.launch(schedule, flow, params, slot, runId, ended -> {
                if (ended && firstEnded.get() == null) {
                    firstEnded.compareAndSet(null, new Probe(schedule.name(), runId, System.nanoTime(), false));
                }
                launched.ended(ended && !closed);
            });
            launched.started(started);
        } catch (RuntimeException failed) {
            inFlight.remove(key);
            LOG.log(System.Logger.Level.WARNING, "schedule " + schedule.name() + ": cannot start the run of slot "
                    + slot.key() + " (" + failed.getMessage() + "); any scheduler starts it again after " + recoverAfter,
                    failed);
            return false;
        }
        return true;
    }

    /**
     * Pauses a schedule: no scheduler fires it until {@link #resume}; the slots that pass meanwhile
     * are missed, for its catch-up policy.
     *
     * @param name the schedule's name
     * @throws ScheduleException for a name no schedule has
     */
    public void pause(String name) {
        table.setPaused(known(name), true);
    }

    /**
     * Resumes a paused schedule.
     *
     * @param name the schedule's name
     * @throws ScheduleException for a name no schedule has
     */
    public void resume(String name) {
        table.setPaused(known(name), false);
        index.set(name, Instant.EPOCH); // looked at by the next pass (within a second), which reads its row
    }

    /**
     * Whether a schedule is paused, as the database says.
     *
     * @param name the schedule's name
     * @return whether it is paused
     */
    public boolean isPaused(String name) {
        return table.isPaused(known(name));
    }

    /** The most fire times or fired slots one status call gives. */
    public static final int MOST_LISTED = ScheduleReads.MOST_LISTED;

    /**
     * The schedules this scheduler fires, in the order given.
     *
     * @return the schedules
     */
    public List<Schedule> schedules() {
        return List.copyOf(schedules.values());
    }

    /**
     * Whether this scheduler has a schedule of that name.
     *
     * @param name a name
     * @return whether a schedule has it
     */
    public boolean has(String name) {
        return schedules.containsKey(name);
    }

    /**
     * A schedule's status: its definition, whether it is paused (as the database says), its next
     * {@code next} fire times after now, and its latest {@code recent} fired slots.
     *
     * @param name the schedule's name
     * @param next how many next fire times, 0 to {@value #MOST_LISTED}
     * @param recent how many fired slots, 0 to {@value #MOST_LISTED}
     * @return its status
     * @throws ScheduleException for a name no schedule has, or counts out of range
     */
    public ScheduleStatus status(String name, int next, int recent) {
        return ScheduleReads.status(table, schedules.get(known(name)), clock.now(), next, recent);
    }

    /**
     * Every schedule's status, as {@link #status} gives it, in the order the schedules were given.
     *
     * @param next how many next fire times each, 0 to {@value #MOST_LISTED}
     * @param recent how many fired slots each, 0 to {@value #MOST_LISTED}
     * @return their statuses
     */
    public List<ScheduleStatus> statuses(int next, int recent) {
        List<ScheduleStatus> all = new ArrayList<>();
        for (String name : schedules.keySet()) {
            all.add(status(name, next, recent));
        }
        return all;
    }

    /**
     * A page of the slots a schedule fired, the latest slot first.
     *
     * @param name the schedule's name
     * @param limit how many, 1 to {@value #MOST_LISTED}
     * @param offset how many of the latest to skip, 0 or more
     * @return the fired slots
     * @throws ScheduleException for a name no schedule has, or a limit or offset out of range
     */
    public List<FiredSlot> fired(String name, int limit, int offset) {
        return ScheduleReads.fired(table, schedules.get(known(name)), limit, offset);
    }

    private String known(String name) {
        if (!schedules.containsKey(name)) {
            throw new ScheduleException("no schedule is named '" + name + "'; the schedules are " + schedules.keySet());
        }
        return name;
    }

    /**
     * Fires in the background, on a thread of its own: a loop that sleeps on the clock until the next
     * fire time of its schedules (claiming a little ahead of it; see the class comment), waking at
     * least every second of the clock (or as set by {@link Builder#tickEvery}) to see a resume or a
     * run's end that makes room, and reading the cursors and recovering stale claims every few
     * seconds.
     *
     * @return this scheduler
     */
    public synchronized Scheduler start() {
        if (loop == null) {
            // a platform thread: a virtual one that parks for a moment in a burst of fires would wait for a carrier
            // behind the runs it just started
            loop = Thread.ofPlatform().daemon().name("loomflow-scheduler").start(this::run);
        }
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                pass();
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "a scheduler's pass failed; retrying at the next: " + failed, failed);
            }
            Instant now = clock.now();
            Instant wake = now.plus(every);
            passes.lock();
            try {
                if (!pending.isEmpty() && pending.peek().at().isBefore(wake)) {
                    wake = pending.peek().at();
                }
                Instant next = index.earliest();
                if (next != null && next.minus(ahead).isBefore(wake)) {
                    wake = next.minus(ahead);
                }
                if (nextRefresh.isBefore(wake)) {
                    wake = nextRefresh;
                }
                if (nextRecovery.isBefore(wake)) {
                    wake = nextRecovery;
                }
            } finally {
                passes.unlock();
            }
            synchronized (sleeping) {
                if (closed) {
                    return;
                }
                asleep = true;
            }
            try {
                clock.sleep(Duration.between(now, wake));
            } catch (InterruptedException stopped) {
                return;
            } finally {
                synchronized (sleeping) {
                    asleep = false;
                    Thread.interrupted(); // an interrupt meant for the sleep only
                }
            }
        }
    }

    /**
     * Stops firing and closes its connection: the starts and ends of runs not written yet are
     * written first, and the slots it claimed ahead of their time and has not launched are given
     * back (their rows deleted and the cursor moved back, where no scheduler claimed a later slot
     * meanwhile; otherwise any scheduler starts them after the lease). Runs already started go on
     * on their engine or queue (their ends are no longer recorded in the slot rows: the next
     * scheduler learns them from the history or the queue once their claims are older than the lease).
     */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            running = loop;
        }
        synchronized (sleeping) {
            closed = true;
            if (running != null && asleep) {
                running.interrupt(); // only while it sleeps: an interrupted statement could harm H2's file
            }
        }
        if (running != null) {
            try {
                running.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        passes.lock();
        try {
            try {
                writes.flush();
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "closing a scheduler: cannot write the starts and ends of its runs ("
                        + failed.getMessage() + "); the next scheduler learns them from the history or the queue", failed);
            }
            giveBack();
            writes.close();
            launcher.close();
            table.close();
        } finally {
            passes.unlock();
        }
    }

    /** Gives back the slots claimed ahead and not launched (see {@link #close()}). */
    private void giveBack() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, List<Pending>> bySchedule = new LinkedHashMap<>();
        for (Pending claimed : pending) {
            bySchedule.computeIfAbsent(claimed.schedule().name(), name -> new ArrayList<>()).add(claimed);
        }
        pending.clear();
        List<SlotTable.GiveBack> back = new ArrayList<>();
        for (List<Pending> claims : bySchedule.values()) {
            Pending first = claims.getFirst();
            if (claims.size() == first.ofClaim() && claims.stream().allMatch(c -> c.claim() == first.claim())) {
                back.add(new SlotTable.GiveBack(first.schedule().name(), first.claim().row().cursor(),
                        first.claim().cursor(), claims.stream().map(c -> new SlotTable.Claim(c.slot(), c.runId())).toList()));
            } // else some slot of that claim was launched: the rest is left to the recovery
        }
        try {
            if (!table.giveBack(back)) {
                LOG.log(System.Logger.Level.INFO, "closing a scheduler: another scheduler claimed after it; the slots"
                        + " it claimed ahead are started by a scheduler after " + recoverAfter);
            }
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "closing a scheduler: cannot give back the slots it claimed ahead ("
                    + failed.getMessage() + "); any scheduler starts them after " + recoverAfter, failed);
        }
    }

    /** The next fire time of each schedule, the earliest first; thread-safe. */
    private static final class NextFires {
        private record Next(Instant at, String name) implements Comparable<Next> {
            @Override
            public int compareTo(Next other) {
                int byTime = at.compareTo(other.at);
                return byTime != 0 ? byTime : name.compareTo(other.name);
            }
        }

        private final PriorityQueue<Next> queue = new PriorityQueue<>();
        private final Map<String, Instant> at = new HashMap<>(); // the valid entry of each schedule in queue
        private final Set<String> blocked = new HashSet<>();

        /** Sets a schedule's next fire time; null: none (paused, or no slot left). */
        synchronized void set(String name, @Nullable Instant when) {
            blocked.remove(name);
            if (when == null) {
                at.remove(name);
            } else if (!when.equals(at.put(name, when))) {
                queue.add(new Next(when, name));
            }
        }

        /** A schedule with a due slot waiting for room: looked at again at {@code retry}, or at once after a run's end. */
        synchronized void block(String name, Instant retry) {
            set(name, retry);
            blocked.add(name);
        }

        /** A run of the schedule ended: if it waits for room, it is looked at by the next pass. */
        synchronized void wake(String name) {
            if (blocked.contains(name)) {
                set(name, Instant.EPOCH);
            }
        }

        /** Removes and gives the schedules whose next fire time is at or before {@code until}. */
        synchronized List<String> takeUpTo(Instant until) {
            List<String> due = new ArrayList<>();
            while (!queue.isEmpty() && !queue.peek().at().isAfter(until)) {
                Next next = queue.poll();
                if (next.at().equals(at.get(next.name()))) {
                    at.remove(next.name());
                    blocked.remove(next.name());
                    due.add(next.name());
                }
            }
            return due;
        }

        /** The earliest next fire time; null when none. */
        synchronized @Nullable Instant earliest() {
            while (!queue.isEmpty() && !queue.peek().at().equals(at.get(queue.peek().name()))) {
                queue.poll(); // replaced since
            }
            return queue.isEmpty() ? null : queue.peek().at();
        }
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {

        private final Map<String, Schedule> schedules = new LinkedHashMap<>();
        private final Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        private @Nullable String url;
        private @Nullable Engine engine;
        private @Nullable WorkQueue queue;
        private Submission submission = Submission.defaults();
        private Duration recoverAfter = Duration.ofMinutes(1);
        private TimeSource clock = TimeSource.system();
        private Duration every = Duration.ofSeconds(1);
        private String name = "scheduler-" + UUID.randomUUID();
        private Duration historyCheckAfter = Duration.ofSeconds(60);

        private Builder() {
        }

        /**
         * The database: a PostgreSQL URL, or an H2 one ({@code jdbc:h2:file:...;AUTO_SERVER=TRUE} for
         * schedulers in several processes). Its tables are created or migrated by the run history's
         * migrations. Required.
         *
         * @param url the JDBC URL
         * @return this builder
         */
        public Builder database(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Adds schedules.
         *
         * @param added the schedules, with names unique
         * @return this builder
         * @throws ScheduleException for a name given twice
         */
        public Builder schedules(Schedule... added) {
            for (Schedule schedule : added) {
                if (schedules.putIfAbsent(schedule.name(), schedule) != null) {
                    throw new ScheduleException("two schedules are named '" + schedule.name() + "'; give each its own name");
                }
            }
            return this;
        }

        /**
         * Adds schedules, such as those a schedules file declares.
         *
         * @param added the schedules, with names unique
         * @return this builder
         * @throws ScheduleException for a name given twice
         */
        public Builder schedules(java.util.Collection<Schedule> added) {
            return schedules(added.toArray(Schedule[]::new));
        }

        /**
         * Where runs start: this engine, with these flows (found by name).
         *
         * @param engine the engine
         * @param known the flows schedules may name
         * @return this builder
         */
        public Builder engine(Engine engine, Flow<?, ?>... known) {
            this.engine = Objects.requireNonNull(engine, "engine");
            for (Flow<?, ?> flow : known) {
                flows.put(flow.name(), flow);
            }
            return this;
        }

        /**
         * Where runs start instead of an engine: queued on this work queue (loomflow-workers), for
         * the workers to take, with these flows (found by name). Each slot's run is submitted with
         * the idempotency key {@code loomflow-schedule:SCHEDULE@SLOT}, so a launch made again (after
         * a crash, by another scheduler) gives the run already queued. The scheduler's
         * {@link #database} must be the queue's: the queue's table tells it which runs have ended.
         *
         * @param queue the queue, which stays the caller's to close
         * @param known the flows schedules may name (some live worker must advertise each when a slot fires)
         * @return this builder
         */
        public Builder workQueue(WorkQueue queue, Flow<?, ?>... known) {
            this.queue = Objects.requireNonNull(queue, "queue");
            for (Flow<?, ?> flow : known) {
                flows.put(flow.name(), flow);
            }
            return this;
        }

        /**
         * How the runs are queued on the {@link #workQueue} (its queue, priority...); the idempotency
         * key is always the slot's. {@link Submission#defaults()} unless given.
         *
         * @param submission the submission
         * @return this builder
         */
        public Builder submission(Submission submission) {
            this.submission = Objects.requireNonNull(submission, "submission");
            return this;
        }

        /**
         * The lease of a claim (1 minute unless given): a slot claimed longer ago whose run no
         * scheduler is known to have started is started by whichever scheduler ticks next (under the
         * run id claimed for it, when the history has no run of that id; or submitted again with the
         * slot's idempotency key); a started run claimed longer ago stops counting toward
         * {@link Schedule#maxActive()} once the history or the queue shows it ended (or, on an
         * engine, has no record of it, unless the history has none of the runs of that claimer's
         * latest ended slots either: its engine records elsewhere, and the run is not started
         * again). A slot claimed ahead of its time is recovered only once its time is older than
         * the lease. Keep it longer than the time a scheduler takes from a claim to the start of
         * its run; the loop of {@link Scheduler#start()} claims up to a quarter of it (at most 2 s)
         * ahead.
         *
         * @param lease positive
         * @return this builder
         */
        public Builder recoverAfter(Duration lease) {
            if (lease.isZero() || lease.isNegative()) {
                throw new ScheduleException("recoverAfter must be positive, not " + lease
                        + "; for example Duration.ofMinutes(1)");
            }
            this.recoverAfter = lease;
            return this;
        }

        /**
         * The clock (the system's unless given); tests give a manual one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The longest {@link #start()}'s loop sleeps (a second unless given): how soon it sees a
         * {@link #resume}, or a run's end that makes room under {@link Schedule#maxActive()}, and how
         * soon a failed pass is tried again. It fires each slot at its time whatever this is.
         *
         * @param every positive
         * @return this builder
         */
        public Builder tickEvery(Duration every) {
            if (every.isZero() || every.isNegative()) {
                throw new ScheduleException("tickEvery must be positive, not " + every + "; for example Duration.ofSeconds(1)");
            }
            this.every = every;
            return this;
        }

        /**
         * How long after the first run this scheduler launched on an engine ended (in real time, since
         * the run history is written after the run) it checks that the history has it (a minute
         * unless given; tests shorten it).
         *
         * @param wait positive
         * @return this builder
         */
        Builder historyCheckAfter(Duration wait) {
            this.historyCheckAfter = wait;
            return this;
        }

        /**
         * The name this scheduler writes on the slots it claims (a random one unless given).
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Checks the schedules against the flows (each names a known flow, with parameters that
         * fit), opens the database (creating or migrating the tables) and registers the schedules.
         *
         * @return the scheduler
         * @throws ScheduleException for an unknown flow or parameters that do not fit
         */
        public Scheduler build() {
            if (url == null) {
                throw new IllegalStateException("Scheduler.builder() needs database(url)");
            }
            if ((engine == null) == (queue == null)) {
                throw new IllegalStateException("Scheduler.builder() needs one place to start runs: engine(engine,"
                        + " flows...) or workQueue(queue, flows...)" + (engine == null ? "" : ", not both"));
            }
            for (Schedule schedule : schedules.values()) {
                Flow<?, ?> flow = flows.get(schedule.flow());
                if (flow == null) {
                    throw new ScheduleException("schedule " + schedule.name() + " names flow '" + schedule.flow()
                            + "', which is not among the flows given: " + flows.keySet()
                            + ParameterModel.closest(schedule.flow(), flows.keySet()).map(c -> "; did you mean " + c + "?")
                            .orElse(""));
                }
                try {
                    ParameterModel.of(flow).bind(schedule.parameters());
                } catch (RuntimeException misfit) {
                    throw new ScheduleException("schedule " + schedule.name() + ": its parameters do not fit flow "
                            + flow.name() + ": " + misfit.getMessage(), misfit);
                }
            }
            RunStore.open(url).close(); // creates or migrates the tables
            SlotTable table = SlotTable.open(url, name);
            table.register(schedules.values(), clock.now());
            Launcher launcher = engine != null ? new EngineLauncher(engine, url)
                    : new QueueLauncher(Objects.requireNonNull(queue), submission, table);
            return new Scheduler(this, table, launcher);
        }
    }
}
