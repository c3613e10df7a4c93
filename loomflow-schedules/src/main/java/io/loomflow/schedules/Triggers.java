package io.loomflow.schedules;

import io.loomflow.data.Conf;
import io.loomflow.data.ConfValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Triggers from {@code triggers.yml} next to the catalog ({@code conf/base/triggers.yml}, overlaid
 * by the environment's, as {@link Conf#entries} reads them): a mapping of trigger names to their
 * settings.
 * <pre>
 * report-after-ingest:
 *   flow: report                  # the flow it starts, required
 *   onRunEnd: ingest              # one of onRunEnd (a flow), onNewVersion or onNewPartitions (a dataset of the catalog)
 *   states: [Completed, Cached]   # onRunEnd only: the final states that fire it; Completed unless given
 *   parameters: { region: emea }  # fixed parameters of the run it starts
 * refresh-on-upload:
 *   flow: refresh
 *   onNewVersion: prices          # a versioned dataset of the catalog
 *   pollEvery: 30s                # dataset triggers only; 1m unless given; 1s to 366d, written as in schedules.yml
 * </pre>
 * Every mistake is a {@link TriggerException} starting {@code file:line:column:}, naming the value
 * and showing a valid one; whether the flows and datasets exist, and whether the parameters fit, is
 * checked by the {@link TriggerRunner} given the triggers.
 */
public final class Triggers {

    /** The keys a trigger may have, in the order they are documented. */
    public static final List<String> KEYS = List.of("flow", "onRunEnd", "onNewVersion", "onNewPartitions", "states",
            "parameters", "pollEvery");

    private static final List<String> SOURCES = List.of("onRunEnd", "onNewVersion", "onNewPartitions");

    private Triggers() {
    }

    /**
     * The triggers of a configuration folder, in file order; none when it has no
     * {@code triggers.yml}.
     *
     * @param conf the configuration, as {@link Conf#load} reads it
     * @return the triggers
     * @throws TriggerException at the line of a mistake, naming the value and showing a valid one
     */
    public static List<Trigger> load(Conf conf) {
        return ConfSettings.load(conf, "triggers", TriggerException::new, Triggers::trigger);
    }

    private static Trigger trigger(String name, ConfValue entry) {
        ConfSettings<TriggerException> read = new ConfSettings<>("trigger " + name, TriggerException::new);
        Map<String, ConfValue> settings = read.settings(entry, KEYS, "{ flow: report, onRunEnd: ingest }");
        ConfValue flowValue = settings.get("flow");
        if (flowValue == null) {
            throw read.error(entry, "trigger " + name + " has no flow; add flow: followed by the name of the flow it"
                    + " starts, such as flow: report");
        }
        String flow = read.text("flow", flowValue, "report");
        List<String> sources = settings.keySet().stream().filter(SOURCES::contains).toList();
        if (sources.size() != 1) {
            throw read.error(sources.isEmpty() ? entry : settings.get(sources.get(1)), "trigger " + name + " must have"
                    + " one of onRunEnd, onNewVersion or onNewPartitions" + (sources.isEmpty() ? ""
                    : ", not " + String.join(" and ", sources)) + ", such as onRunEnd: ingest (a flow whose runs"
                    + " end), onNewVersion: prices (a versioned dataset) or onNewPartitions: events (a partitioned"
                    + " dataset)");
        }
        String kind = sources.getFirst();
        ConfValue sourceValue = settings.get(kind);
        String source = read.text(kind, sourceValue, kind.equals("onRunEnd") ? "ingest" : "prices");
        Trigger trigger;
        try {
            trigger = switch (kind) {
                case "onRunEnd" -> Trigger.onRunEnd(name, source, flow);
                case "onNewVersion" -> Trigger.onNewVersion(name, source, flow);
                default -> Trigger.onNewPartitions(name, source, flow);
            };
        } catch (TriggerException invalid) {
            String message = invalid.getMessage();
            throw read.error(message.startsWith("invalid trigger name") ? entry
                    : message.contains("'" + flow + "'") && !message.contains("'" + source + "'") ? flowValue
                    : sourceValue, message);
        }
        ConfValue states = settings.get("states");
        if (states != null) {
            if (trigger.kind() != Trigger.Kind.RUN_END) {
                throw read.error(states, "trigger " + name + ": states are the final states of a run that fire an"
                        + " onRunEnd trigger; a dataset trigger fires on new data: remove states");
            }
            trigger = whenStates(read, trigger, states);
        }
        ConfValue parameters = settings.get("parameters");
        if (parameters != null) {
            Map<String, ?> values = read.parameters(parameters);
            try {
                trigger = trigger.withParameters(values);
            } catch (TriggerException notJson) {
                throw read.error(parameters, notJson.getMessage());
            }
        }
        ConfValue pollEvery = settings.get("pollEvery");
        if (pollEvery != null) {
            if (trigger.kind() == Trigger.Kind.RUN_END) {
                throw read.error(pollEvery, "trigger " + name + ": pollEvery is how often a dataset trigger"
                        + " (onNewVersion, onNewPartitions) lists its dataset; an onRunEnd trigger fires when the run"
                        + " ends: remove pollEvery");
            }
            trigger = trigger.withPollEvery(read.durationWithin("pollEvery", pollEvery, "30s", Trigger.MIN_POLL,
                    Trigger.MAX_POLL));
        }
        return trigger;
    }

    /** {@code states: Failed} or {@code states: [Failed, Crashed]}; a bad label is reported at its own place. */
    private static Trigger whenStates(ConfSettings<TriggerException> read, Trigger trigger, ConfValue states) {
        List<ConfValue> items = states.isList() ? states.items() : List.of(states);
        if (items.isEmpty()) {
            throw read.error(states, "trigger " + trigger.name() + ": states needs one or more final states, such as"
                    + " states: [Completed, Cached]");
        }
        List<String> labels = new ArrayList<>();
        for (ConfValue item : items) {
            String label = read.text("states", item, "[Failed, Crashed]");
            try {
                trigger.whenStates(label);
            } catch (TriggerException notAFinalState) {
                throw read.error(item, notAFinalState.getMessage());
            }
            labels.add(label);
        }
        return trigger.whenStates(labels.toArray(String[]::new));
    }
}
