package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomflow.Engine;
import io.loomflow.EngineClosedException;
import io.loomflow.EventListener;
import io.loomflow.Flow;
import io.loomflow.ParameterException;
import io.loomflow.ParameterModel;
import io.loomflow.Handle;
import io.loomflow.Subscription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flows a server offers at one time, with the engine their runs start on and the JSON mapper
 * that meets their parameter and result types. A plain server has one generation for its whole
 * life; in dev mode each successful compile makes a new one, and the one it replaces stops
 * admitting runs, lets those in flight end within the grace, closes its engine (and so its
 * resources), and is dropped together with its class loader, which nothing else here keeps.
 */
final class Generation {

    private final long number;
    private final ClassLoader loader;
    private final Map<String, Server.FlowEntry> flows;
    private final Map<String, String> sources;
    private final Engine engine;
    private final boolean ownsEngine;
    private final ObjectMapper json;
    private final Views views;
    private final SourceLocator locator;
    private final List<Subscription> subscriptions = new ArrayList<>();

    /**
     * A generation of {@code offered} flows on {@code engine}.
     *
     * @param loader the class loader of a dev generation's classes, or null
     * @param locator where errors were thrown in a dev generation's sources, or null
     * @param sources the file each flow comes from (dev mode), by flow name; may be empty
     * @throws IllegalArgumentException if two flows share a name, or a parameter record cannot be described
     */
    Generation(long number, ClassLoader loader, SourceLocator locator, Collection<? extends Flow<?, ?>> offered,
               Map<String, String> sources, Engine engine, boolean ownsEngine) {
        this.number = number;
        this.loader = loader;
        this.sources = Map.copyOf(sources);
        this.json = Server.mapper();
        this.views = new Views(json, () -> locator);
        this.locator = locator;
        Map<String, Server.FlowEntry> entries = new LinkedHashMap<>();
        for (Flow<?, ?> flow : offered) {
            ParameterModel<?> model = ParameterModel.of(flow);
            ObjectNode schema = json.valueToTree(model.schema());
            if (entries.putIfAbsent(flow.name(), new Server.FlowEntry(flow, model, schema)) != null) {
                throw new IllegalArgumentException("two flows are named '" + flow.name() + "'; give each a name of its own");
            }
        }
        this.flows = entries;
        this.engine = engine;
        this.ownsEngine = ownsEngine;
    }

    /**
     * Starts knowing this generation's runs in flight, recording them and sending their events, as the
     * server's own listeners.
     */
    void attach(LiveRuns live, EventListener recorder, EventHub hub) {
        subscriptions.add(engine.subscribe(live.listener(engine)));
        subscriptions.add(engine.subscribe(recorder));
        subscriptions.add(engine.subscribe(hub.listener(views::event)));
    }

    /** Where in a dev generation's sources errors were thrown; null for a server not in dev mode. */
    SourceLocator locator() {
        return locator;
    }

    /** The class loader of a dev generation's classes, or null. */
    ClassLoader loader() {
        return loader;
    }

    long number() {
        return number;
    }

    Collection<Server.FlowEntry> flows() {
        return flows.values();
    }

    Set<String> names() {
        return flows.keySet();
    }

    Server.FlowEntry flow(String name) {
        Server.FlowEntry entry = flows.get(name);
        if (entry == null) {
            throw HttpError.unknownFlow(name, flows.keySet());
        }
        return entry;
    }

    /** The source file of a flow, relative to the dev directory, or null. */
    String source(String flow) {
        return sources.get(flow);
    }

    Engine engine() {
        return engine;
    }

    /**
     * Binds the body to the flow's parameters and submits a run.
     *
     * @throws EngineClosedException if this generation stopped admitting runs meanwhile
     */
    @SuppressWarnings("unchecked")
    Handle<?> start(Server.FlowEntry entry, Map<String, Object> body) {
        return engine.submit((Flow<Object, Object>) entry.flow(), bind(entry, body));
    }

    /** The flow's parameters from a request's body; a 400 naming each field that does not fit. */
    static Object bind(Server.FlowEntry entry, Map<String, Object> body) {
        try {
            return entry.parameters().bind(body);
        } catch (ParameterException doesNotFit) {
            throw HttpError.badParameters(doesNotFit);
        }
    }

    /**
     * Ends the generation: closes the engine if it is its own (runs in flight get the engine's grace,
     * then are cancelled; resources close after the last run), and stops listening to it.
     */
    void close() {
        // Closing an engine is idempotent and waits for its end, from any thread: a second caller,
        // such as the server stopping while dev mode retires this generation, waits as long.
        if (ownsEngine) {
            engine.close();
        }
        subscriptions.forEach(Subscription::close);
    }
}
