package io.loomflow.opentelemetry.internal;

import io.loomflow.RunInfo;
import io.loomflow.State;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runs started and ended, by run name, kind and final state, kept in {@link LongAdder}s that a
 * run's thread bumps cheaply, and read by OpenTelemetry's asynchronous instruments when the metrics
 * are collected ({@code loomflow.runs.started}, {@code loomflow.runs.ended},
 * {@code loomflow.runs.active}). Runs in flight are the ones started and not yet ended. Shared by
 * every engine one {@code LoomflowTelemetry} is installed on, as the instruments are. Thread-safe.
 */
public final class RunCounts {

    private static final State.Kind[] KINDS = State.Kind.values();

    /** Per run name: the counts of its flows [0] and of its tasks [1], made when first asked for. */
    private final ConcurrentHashMap<String, ByName[]> byName = new ConcurrentHashMap<>();

    /** Counts with nothing counted yet. */
    public RunCounts() {
    }

    /**
     * The counts of one run name and kind, and the metric attributes that go with them; all made
     * once, on the first run of that name and kind.
     */
    static final class ByName {
        private final String name;
        private final RunInfo.Kind kind;
        /** {@code loomflow.run.kind} and {@code loomflow.run.name}. */
        final Attributes attributes;
        /** The same and {@code loomflow.run.state}, by {@link State.Kind#ordinal()} of a final state; null for others. */
        private final Attributes[] byState = new Attributes[KINDS.length];
        private final LongAdder started = new LongAdder();
        /** By {@link State.Kind#ordinal()}; null for a state that is not final. */
        private final LongAdder[] ended = new LongAdder[KINDS.length];
        /** {@code loomflow.limit.name} added to {@link #attributes}, by limit. */
        private final ConcurrentHashMap<String, Attributes> byLimit = new ConcurrentHashMap<>();

        ByName(RunInfo.Kind kind, String name) {
            this.name = name;
            this.kind = kind;
            this.attributes = Attributes.of(RunTelemetry.RUN_KIND, kind == RunInfo.Kind.FLOW ? "flow" : "task",
                    RunTelemetry.RUN_NAME, name);
            for (State.Kind state : KINDS) {
                if (state.isFinal()) {
                    byState[state.ordinal()] = attributes.toBuilder().put(RunTelemetry.STATE, state.label()).build();
                    ended[state.ordinal()] = new LongAdder();
                }
            }
        }

        /** Whether these are the counts of {@code run}'s name and kind. */
        boolean isOf(RunInfo run) {
            return kind == run.kind() && name.equals(run.name());
        }

        void started() {
            started.increment();
        }

        /** Counts a run that ended in {@code state}, a final state; gives the attributes of its duration. */
        Attributes ended(State.Kind state) {
            ended[state.ordinal()].increment();
            return byState[state.ordinal()];
        }

        Attributes limit(String limit) {
            return byLimit.computeIfAbsent(limit, key -> attributes.toBuilder().put(RunTelemetry.LIMIT, key).build());
        }
    }

    /**
     * The counts of {@code run}'s name and kind.
     *
     * @param run the run
     * @return its counts
     */
    ByName of(RunInfo run) {
        ByName[] kinds = byName.get(run.name());
        if (kinds == null) {
            kinds = byName.computeIfAbsent(run.name(), name -> new ByName[] {
                    new ByName(RunInfo.Kind.FLOW, name), new ByName(RunInfo.Kind.TASK, name)});
        }
        return kinds[run.kind() == RunInfo.Kind.FLOW ? 0 : 1];
    }

    /**
     * Reports the runs started, by name and kind.
     *
     * @param measurement where to report them
     */
    void observeStarted(ObservableLongMeasurement measurement) {
        forEach(counts -> {
            long started = counts.started.sum();
            if (started > 0) {
                measurement.record(started, counts.attributes);
            }
        });
    }

    /**
     * Reports the runs ended, by name, kind and final state (the states a run of that name and
     * kind has ended in).
     *
     * @param measurement where to report them
     */
    void observeEnded(ObservableLongMeasurement measurement) {
        forEach(counts -> {
            for (int i = 0; i < KINDS.length; i++) {
                if (counts.ended[i] != null) {
                    long ended = counts.ended[i].sum();
                    if (ended > 0) {
                        measurement.record(ended, counts.byState[i]);
                    }
                }
            }
        });
    }

    /**
     * Reports the runs started and not yet ended, by name and kind.
     *
     * @param measurement where to report them
     */
    void observeActive(ObservableLongMeasurement measurement) {
        forEach(counts -> {
            long ended = 0; // read before the started ones: a run counted ended was counted started before
            for (LongAdder adder : counts.ended) {
                if (adder != null) {
                    ended += adder.sum();
                }
            }
            long started = counts.started.sum();
            if (started > 0) {
                measurement.record(Math.max(0, started - ended), counts.attributes);
            }
        });
    }

    private void forEach(java.util.function.Consumer<ByName> action) {
        for (ByName[] kinds : byName.values()) {
            for (ByName counts : kinds) {
                action.accept(counts);
            }
        }
    }
}
