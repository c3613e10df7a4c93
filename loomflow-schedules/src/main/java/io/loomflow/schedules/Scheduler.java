package io.loomflow.schedules;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.RunOptions;
import io.loomflow.TimeSource;
import io.loomflow.schedules.internal.SlotTable;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Fires the due slots of its schedules, each slot once, however many schedulers share the database
 * (PostgreSQL, or an embedded H2 file): per schedule, one transaction locks the schedule's row,
 * computes the due slots from its cursor ({@link Schedule#dueSlots}), inserts one row per slot it
 * fires (primary key schedule and slot, with the run id chosen for it), and moves the cursor; only
 * after that commit are the runs started, on the given engine, under those run ids.
 *
 * <p>{@link #tick()} does one pass; {@link #start()} ticks in the background every second of its
 * {@link TimeSource}. Pause and resume are kept in the database.
 */
public final class Scheduler implements AutoCloseable {

    private final SlotTable table;
    private final Map<String, Schedule> schedules;
    private final Map<String, Flow<?, ?>> flows;
    private final Engine engine;
    private final TimeSource clock;
    private final Duration every;
    private @Nullable Thread loop;
    private volatile boolean closed;

    private Scheduler(Builder builder, SlotTable table) {
        this.table = table;
        this.schedules = builder.schedules;
        this.flows = builder.flows;
        this.engine = Objects.requireNonNull(builder.engine);
        this.clock = builder.clock;
        this.every = builder.every;
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
     * this returns.
     *
     * @return the slots fired by this call, by schedule name
     */
    public Map<String, List<Slot>> tick() {
        Map<String, List<Slot>> fired = new LinkedHashMap<>();
        for (Schedule schedule : schedules.values()) {
            List<SlotTable.Claim> claims = table.claimDue(schedule, clock.now());
            List<Slot> slots = new ArrayList<>();
            for (SlotTable.Claim claim : claims) {
                launch(schedule, claim);
                slots.add(claim.slot());
            }
            if (!slots.isEmpty()) {
                fired.put(schedule.name(), slots);
            }
        }
        return fired;
    }

    @SuppressWarnings("unchecked")
    private void launch(Schedule schedule, SlotTable.Claim claim) {
        Flow<Object, Object> flow = (Flow<Object, Object>) flows.get(schedule.flow());
        Object params = ParameterModel.of(flow).bind(schedule.parameters());
        CompletableFuture<Object> run = engine.runAsync(flow, params, RunOptions.defaults().withRunId(claim.runId()));
        table.started(schedule.name(), claim.slot().key());
        run.whenComplete((result, failure) -> table.ended(schedule.name(), claim.slot().key()));
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

    /** Stops ticking and closes the connection pool; runs already started go on on their engine. */
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
        table.close();
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {

        private final Map<String, Schedule> schedules = new LinkedHashMap<>();
        private final Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        private @Nullable String url;
        private @Nullable Engine engine;
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
            if (engine == null) {
                throw new IllegalStateException("Scheduler.builder() needs engine(engine, flows...)");
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
            return new Scheduler(this, table);
        }
    }
}
