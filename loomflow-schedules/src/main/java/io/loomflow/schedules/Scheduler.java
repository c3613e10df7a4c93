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
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Fires the due slots of its schedules, each slot once, however many schedulers share the database
 * (PostgreSQL, or an embedded H2 file): per schedule, one transaction locks the schedule's row,
 * computes the due slots from its cursor ({@link Schedule#dueSlots}), inserts one row per slot it
 * fires (primary key schedule and slot, with the run id chosen for it), and moves the cursor; only
 * after that commit are the runs started, on the given engine under those run ids, or queued on a
 * {@link WorkQueue} with an idempotency key per slot. Claims older than a lease whose runs were never
 * started are recovered by any scheduler (see {@link Builder#recoverAfter}).
 *
 * <p>{@link #tick()} does one pass; {@link #start()} ticks in the background every second of its
 * {@link TimeSource}. Pause and resume are kept in the database.
 */
public final class Scheduler implements AutoCloseable {

    private final SlotTable table;
    private final Map<String, Schedule> schedules;
    private final Map<String, Flow<?, ?>> flows;
    private final Launcher launcher;
    private final TimeSource clock;
    private final Duration every;
    private final Duration recoverAfter;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet(); // "schedule\nslot" launched here, not ended
    private @Nullable Thread loop;
    private volatile boolean closed;

    private Scheduler(Builder builder, SlotTable table, Launcher launcher) {
        this.table = table;
        this.schedules = builder.schedules;
        this.flows = builder.flows;
        this.launcher = launcher;
        this.clock = builder.clock;
        this.every = builder.every;
        this.recoverAfter = builder.recoverAfter;
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
     * this returns. First it recovers the slots whose claim is older than the
     * {@linkplain Builder#recoverAfter lease} and whose run another scheduler (or this one, before a
     * restart) claimed and may never have started, and marks ended the runs of such claims that
     * the history or the queue shows ended.
     *
     * @return the slots fired (or recovered) by this call, by schedule name
     */
    public Map<String, List<Slot>> tick() {
        Map<String, List<Slot>> fired = new LinkedHashMap<>();
        for (Schedule schedule : schedules.values()) {
            Instant now = clock.now();
            List<Slot> slots = new ArrayList<>(recover(schedule, now));
            for (SlotTable.Claim claim : table.claimDue(schedule, now)) {
                if (launch(schedule, claim.slot(), claim.runId())) {
                    slots.add(claim.slot());
                }
            }
            if (!slots.isEmpty()) {
                fired.put(schedule.name(), slots);
            }
        }
        return fired;
    }

    private List<Slot> recover(Schedule schedule, Instant now) {
        List<Slot> recovered = new ArrayList<>();
        long stale = now.minus(recoverAfter).toEpochMilli();
        for (SlotTable.Row row : table.unended(schedule.name())) {
            if (row.claimedAtMs() >= stale || inFlight.contains(schedule.name() + "\n" + row.slot())) {
                continue; // a claim within its lease, or a run of this scheduler's, which marks its own end
            }
            Launcher.Status status = launcher.status(row.runId());
            if (row.state().equals("started")) {
                if (status == Launcher.Status.ENDED || status == Launcher.Status.MISSING && launcher.idempotent()) {
                    table.ended(schedule.name(), row.slot()); // on a queue, missing means deleted once ended
                    continue;
                }
                if (status == Launcher.Status.ACTIVE) {
                    continue;
                }
                // started on an engine, and the history has no run of that id: its scheduler died before
                // the history had it, so it is started again, under the same id (below)
            }
            // claimed, and its claimer never said it started the run
            if (row.state().equals("claimed") && status != Launcher.Status.MISSING && !launcher.idempotent()) {
                table.started(schedule.name(), row.slot(), row.runId()); // it did start: the history has it
                if (status == Launcher.Status.ENDED) {
                    table.ended(schedule.name(), row.slot());
                }
            } else if (table.takeOver(schedule.name(), row, now)) {
                Slot slot = schedule.slot(row.slot());
                System.getLogger(Scheduler.class.getName()).log(System.Logger.Level.INFO, "schedule " + schedule.name()
                        + ": slot " + slot.key() + " was " + row.state() + " by " + row.claimedBy() + " and no run of it is known;"
                        + " starting it (run " + row.runId() + ")");
                if (launch(schedule, slot, row.runId())) {
                    recovered.add(slot);
                }
            }
        }
        return recovered;
    }

    @SuppressWarnings("unchecked")
    private boolean launch(Schedule schedule, Slot slot, UUID runId) {
        Flow<Object, Object> flow = (Flow<Object, Object>) flows.get(schedule.flow());
        String key = schedule.name() + "\n" + slot.key();
        inFlight.add(key);
        UUID started;
        try {
            Object params = ParameterModel.of(flow).bind(schedule.parameters());
            started = launcher.launch(schedule, flow, params, slot, runId, ended -> {
                try {
                    if (ended && !closed) {
                        table.ended(schedule.name(), slot.key());
                    }
                } finally {
                    // only once its row says ended: until then a tick's recovery must see it as this scheduler's
                    inFlight.remove(key);
                }
            });
        } catch (RuntimeException failed) {
            inFlight.remove(key);
            System.getLogger(Scheduler.class.getName()).log(System.Logger.Level.WARNING, "schedule " + schedule.name()
                    + ": cannot start the run of slot " + slot.key() + " (" + failed.getMessage() + "); any scheduler"
                    + " starts it again after " + recoverAfter, failed);
            return false;
        }
        table.started(schedule.name(), slot.key(), started);
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
     * Ticks in the background, on a virtual thread, every second of the clock (or as set).
     *
     * @return this scheduler
     */
    public synchronized Scheduler start() {
        if (loop == null) {
            loop = Thread.ofVirtual().name("loomflow-scheduler").start(() -> {
                while (!closed) {
                    try {
                        tick();
                        clock.sleep(every);
                    } catch (InterruptedException stopped) {
                        return;
                    } catch (RuntimeException failed) {
                        System.getLogger(Scheduler.class.getName()).log(System.Logger.Level.WARNING,
                                "a scheduler's tick failed; retrying at the next: " + failed, failed);
                        try {
                            clock.sleep(every);
                        } catch (InterruptedException stopped) {
                            return;
                        }
                    }
                }
            });
        }
        return this;
    }

    /**
     * Stops ticking and closes its connection; runs already started go on on their engine or queue
     * (their ends are no longer recorded in the slot rows: the next scheduler learns them from the
     * history or the queue once their claims are older than the lease).
     */
    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = loop;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        launcher.close();
        table.close();
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
         * engine, has no record of it). Keep it longer than the time a scheduler takes from a claim
         * to the start of its run.
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
         * How often {@link #start()}'s loop ticks (every second unless given).
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
