package io.loomflow.spring.internal;

import io.loomflow.Engine;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Loomflow's health: DOWN when the engine is closed or the store cannot be read (its error as a detail), UP
 * otherwise, with the engine's name, the flow runs in flight and whether the store answered.
 */
public final class LoomflowHealth implements HealthIndicator {

    private final Engine engine;
    private final RunStore store;
    private final RunActivity activity;

    /**
     * An indicator of {@code engine} and {@code store}.
     *
     * @param engine the engine
     * @param store the run history, or null when there is none
     * @param activity the runs in flight
     */
    public LoomflowHealth(Engine engine, RunStore store, RunActivity activity) {
        this.engine = engine;
        this.store = store;
        this.activity = activity;
    }

    @Override
    public Health health() {
        Health.Builder health = engine.isClosed() ? Health.down().withDetail("engine", "closed")
                : Health.up().withDetail("engine", "open");
        health.withDetail("engineName", engine.name()).withDetail("runsInFlight", activity.inFlight());
        if (store == null) {
            return health.withDetail("store", "none").build();
        }
        try {
            store.runs(new RunQuery(null, null, true, 1, 0));
            health.withDetail("store", "reachable");
        } catch (RuntimeException unreachable) {
            health.down().withDetail("store", "unreachable: " + unreachable.getMessage());
        }
        return health.build();
    }
}
