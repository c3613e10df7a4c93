package io.loomflow.schedules;

import io.loomflow.State;
import io.loomflow.schedules.internal.JsonValues;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Starts a flow when something happens: a run of another flow ends in one of some states
 * ({@link #onRunEnd}), a versioned dataset gets a new version ({@link #onNewVersion}), or a
 * partitioned dataset gets new partitions ({@link #onNewPartitions}). A {@link TriggerRunner} fires
 * each trigger once per source (a run, a version, a batch of partitions), however many runners
 * share the database. Immutable; the {@code with} methods return a changed copy.
 *
 * <p><b>Parameters.</b> The started flow gets the fixed parameters ({@link #withParameters(Map)},
 * JSON values as the command line binds them), overlaid with those a function of the source makes
 * ({@link #withRunParameters}, {@link #withDataParameters}).
 */
public final class Trigger {

    /** What a trigger watches. */
    public enum Kind {
        /** The end of a root run of a flow. */
        RUN_END,
        /** A new version of a versioned dataset. */
        NEW_VERSION,
        /** New partitions of a partitioned dataset. */
        NEW_PARTITIONS
    }

    /** How often a dataset trigger lists its dataset, unless {@link #withPollEvery} says otherwise. */
    public static final Duration DEFAULT_POLL = Duration.ofMinutes(1);
    /** The shortest {@link #withPollEvery}: one second, a runner's tick. */
    public static final Duration MIN_POLL = Duration.ofSeconds(1);
    /** The longest {@link #withPollEvery}: 366 days, a year even with a leap day. */
    public static final Duration MAX_POLL = Duration.ofDays(366);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final String name;
    private final Kind kind;
    private final String source;
    private final String flow;
    private final Set<State.Kind> states;
    private final Map<String, @Nullable Object> parameters;
    private final @Nullable Function<EndedRun, Map<String, ?>> runParameters;
    private final @Nullable Function<NewData, Map<String, ?>> dataParameters;
    private final Duration pollEvery;

    private Trigger(String name, Kind kind, String source, String flow, Set<State.Kind> states,
            Map<String, @Nullable Object> parameters, @Nullable Function<EndedRun, Map<String, ?>> runParameters,
            @Nullable Function<NewData, Map<String, ?>> dataParameters, Duration pollEvery) {
        this.name = name;
        this.kind = kind;
        this.source = source;
        this.flow = flow;
        this.states = states;
        this.parameters = parameters;
        this.runParameters = runParameters;
        this.dataParameters = dataParameters;
        this.pollEvery = pollEvery;
    }

    private static Trigger of(String name, Kind kind, String source, String flow) {
        check(name, "trigger");
        check(Objects.requireNonNull(source, "source"), kind == Kind.RUN_END ? "flow" : "dataset");
        check(Objects.requireNonNull(flow, "flow"), "flow");
        return new Trigger(name, kind, source, flow, EnumSet.of(State.Kind.COMPLETED), Map.of(), null, null,
                DEFAULT_POLL);
    }

    private static void check(String name, String what) {
        Objects.requireNonNull(name, what + " name");
        if (!NAME.matcher(name).matches()) {
            throw new TriggerException("invalid " + what + " name '" + name + "'; use letters, digits, '.', '_' and"
                    + " '-' (starting with a letter or digit, at most 200), as nightly-report");
        }
    }

    /**
     * Starts {@code flow} when a root run of {@code sourceFlow} ends Completed (or in the states
     * {@link #whenStates} gives).
     *
     * @param name the trigger's name, unique among triggers
     * @param sourceFlow the flow whose runs it watches
     * @param flow the flow it starts, not {@code sourceFlow}
     * @return the trigger
     * @throws TriggerException for an invalid name, or a flow that would start itself
     */
    public static Trigger onRunEnd(String name, String sourceFlow, String flow) {
        Trigger trigger = of(name, Kind.RUN_END, sourceFlow, flow);
        if (sourceFlow.equals(flow)) {
            throw new TriggerException("trigger " + name + " starts flow '" + flow + "' when a run of '" + flow + "'"
                    + " ends: each run it starts would start another, without end; start another flow (the work to"
                    + " do after " + flow + "), or use a schedule to run " + flow + " again and again");
        }
        return trigger;
    }

    /**
     * Starts {@code flow} once per new version of a versioned dataset of the runner's catalog.
     *
     * @param name the trigger's name, unique among triggers
     * @param dataset the dataset's name in the catalog
     * @param flow the flow it starts
     * @return the trigger
     */
    public static Trigger onNewVersion(String name, String dataset, String flow) {
        return of(name, Kind.NEW_VERSION, dataset, flow);
    }

    /**
     * Starts {@code flow} once per batch of new partitions (those whose ids sort after the newest
     * seen) of a partitioned dataset of the runner's catalog.
     *
     * @param name the trigger's name, unique among triggers
     * @param dataset the dataset's name in the catalog
     * @param flow the flow it starts
     * @return the trigger
     */
    public static Trigger onNewPartitions(String name, String dataset, String flow) {
        return of(name, Kind.NEW_PARTITIONS, dataset, flow);
    }

    /**
     * The final states that fire a run-end trigger, by label: {@code Completed}, {@code Cached},
     * {@code Failed}, {@code Cancelled}, {@code Crashed} (any case).
     *
     * @param labels one or more final states
     * @return the changed copy
     * @throws TriggerException naming a label that is no state, or a state that does not end a run
     */
    public Trigger whenStates(String... labels) {
        if (labels.length == 0) {
            throw new TriggerException("trigger " + name + ": whenStates needs one or more states, such as"
                    + " whenStates(\"Failed\", \"Crashed\")");
        }
        EnumSet<State.Kind> kinds = EnumSet.noneOf(State.Kind.class);
        for (String label : labels) {
            State.Kind found = Arrays.stream(State.Kind.values()).filter(k -> k.label().equalsIgnoreCase(label))
                    .findFirst().orElseThrow(() -> new TriggerException("trigger " + name + ": '" + label
                            + "' is not a state; a run ends in one of " + finalLabels()));
            kinds.add(found);
        }
        return whenStates(kinds);
    }

    /**
     * The final states that fire a run-end trigger.
     *
     * @param kinds one or more final states
     * @return the changed copy
     * @throws TriggerException for a state that does not end a run, or a trigger that is not run-end
     */
    public Trigger whenStates(Set<State.Kind> kinds) {
        if (kind != Kind.RUN_END) {
            throw new TriggerException("trigger " + name + " watches dataset " + source + "; states are for"
                    + " Trigger.onRunEnd");
        }
        if (kinds.isEmpty()) {
            throw new TriggerException("trigger " + name + ": whenStates needs one or more states, such as "
                    + finalLabels());
        }
        for (State.Kind k : kinds) {
            if (!k.isFinal()) {
                throw new TriggerException("trigger " + name + ": a run does not end in " + k.label()
                        + "; give one or more of " + finalLabels());
            }
        }
        return new Trigger(name, kind, source, flow, Set.copyOf(EnumSet.copyOf(kinds)), parameters, runParameters,
                dataParameters, pollEvery);
    }

    private static String finalLabels() {
        return Arrays.stream(State.Kind.values()).filter(State.Kind::isFinal).map(State.Kind::label)
                .collect(Collectors.joining(", "));
    }

    /**
     * Fixed parameters of the started flow, JSON values (maps, lists, strings, numbers, booleans
     * and nulls) by parameter name, as the command line and the API bind them.
     *
     * @param fixed the parameters
     * @return the changed copy
     * @throws TriggerException naming a value that is not a JSON value
     */
    public Trigger withParameters(Map<String, ?> fixed) {
        return new Trigger(name, kind, source, flow, states, JsonValues.parameters(fixed,
                problem -> new TriggerException("trigger " + name + ": " + problem)), runParameters, dataParameters,
                pollEvery);
    }

    /**
     * Parameters made from the run that ended, over the fixed ones (a run-end trigger).
     *
     * @param function from the ended run to parameters (JSON values by name)
     * @return the changed copy
     * @throws TriggerException if this is a dataset trigger
     */
    public Trigger withRunParameters(Function<EndedRun, Map<String, ?>> function) {
        if (kind != Kind.RUN_END) {
            throw new TriggerException("trigger " + name + " watches dataset " + source + "; give its parameters"
                    + " with withDataParameters");
        }
        return new Trigger(name, kind, source, flow, states, parameters, Objects.requireNonNull(function), null,
                pollEvery);
    }

    /**
     * Parameters made from the new version or partitions, over the fixed ones (a dataset trigger).
     *
     * @param function from the new data to parameters (JSON values by name)
     * @return the changed copy
     * @throws TriggerException if this is a run-end trigger
     */
    public Trigger withDataParameters(Function<NewData, Map<String, ?>> function) {
        if (kind == Kind.RUN_END) {
            throw new TriggerException("trigger " + name + " watches runs of " + source + "; give its parameters"
                    + " with withRunParameters");
        }
        return new Trigger(name, kind, source, flow, states, parameters, null, Objects.requireNonNull(function),
                pollEvery);
    }

    /**
     * How often a dataset trigger lists its dataset (every minute unless given); a run-end
     * trigger reads the run history at each of its runner's ticks.
     *
     * @param every from {@link #MIN_POLL} (1 second) to {@link #MAX_POLL} (366 days)
     * @return the changed copy
     * @throws TriggerException for a value out of that range
     */
    public Trigger withPollEvery(Duration every) {
        if (every.compareTo(MIN_POLL) < 0 || every.compareTo(MAX_POLL) > 0) {
            throw new TriggerException("trigger " + name + ": pollEvery must be between " + MIN_POLL + " and "
                    + MAX_POLL + " (1 second and 366 days), not " + every + "; for example Duration.ofMinutes(1)");
        }
        return new Trigger(name, kind, source, flow, states, parameters, runParameters, dataParameters, every);
    }

    /**
     * The trigger's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * What it watches.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The flow whose runs, or the dataset whose data, it watches.
     *
     * @return the name
     */
    public String source() {
        return source;
    }

    /**
     * The flow it starts.
     *
     * @return the flow's name
     */
    public String flow() {
        return flow;
    }

    /**
     * The final states that fire a run-end trigger.
     *
     * @return the states
     */
    public Set<State.Kind> states() {
        return states;
    }

    /**
     * The fixed parameters.
     *
     * @return the parameters
     */
    public Map<String, @Nullable Object> parameters() {
        return parameters;
    }

    /**
     * How often a dataset trigger lists its dataset.
     *
     * @return the interval
     */
    public Duration pollEvery() {
        return pollEvery;
    }

    /**
     * The parameters of the run started for a run that ended: the fixed ones, overlaid with the
     * function's.
     *
     * @param run the run that ended
     * @return the parameters
     */
    public Map<String, @Nullable Object> parametersFor(EndedRun run) {
        Map<String, @Nullable Object> all = new LinkedHashMap<>(parameters);
        if (runParameters != null) {
            all.putAll(runParameters.apply(run));
        }
        return all;
    }

    /**
     * The parameters of the run started for new data: the fixed ones, overlaid with the function's.
     *
     * @param data the new version or partitions
     * @return the parameters
     */
    public Map<String, @Nullable Object> parametersFor(NewData data) {
        Map<String, @Nullable Object> all = new LinkedHashMap<>(parameters);
        if (dataParameters != null) {
            all.putAll(dataParameters.apply(data));
        }
        return all;
    }

    /**
     * Whether a function makes (some of) the parameters, so that the fixed ones alone may not fit.
     *
     * @return whether {@link #withRunParameters} or {@link #withDataParameters} was given
     */
    public boolean hasFunction() {
        return runParameters != null || dataParameters != null;
    }

    @Override
    public String toString() {
        return "Trigger[" + name + ", " + kind + " of " + source + (kind == Kind.RUN_END ? " in " + states : "")
                + " starts " + flow + ", parameters " + parameters + (kind == Kind.RUN_END ? ""
                : ", every " + pollEvery) + "]";
    }
}
