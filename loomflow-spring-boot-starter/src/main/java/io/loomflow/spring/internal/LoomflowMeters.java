package io.loomflow.spring.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Loomflow's meters, of flow runs: {@code loomflow.runs.started} (counter), {@code loomflow.runs.active} (gauge),
 * {@code loomflow.runs.ended} (counter, tag {@code state}) and {@code loomflow.runs.duration} (timer, tag
 * {@code state}), each tagged {@code engine} with the engine's name.
 */
public final class LoomflowMeters implements MeterBinder {

    private final RunActivity activity;
    private final String engine;

    /**
     * Meters of {@code activity}.
     *
     * @param activity the counts
     * @param engine the engine's name, as a tag
     */
    public LoomflowMeters(RunActivity activity, String engine) {
        this.activity = activity;
        this.engine = engine;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("loomflow.runs.active", activity, RunActivity::inFlight).tag("engine", engine)
                .description("flow runs started and not ended").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("loomflow.runs.started", activity, RunActivity::started)
                .tag("engine", engine).description("flow runs started").register(registry);
        activity.onEnd((state, took) -> {
            Counter.builder("loomflow.runs.ended").tag("engine", engine).tag("state", state)
                    .description("flow runs ended, by final state").register(registry).increment();
            Timer.builder("loomflow.runs.duration").tag("engine", engine).tag("state", state)
                    .description("flow runs' durations, by final state").register(registry).record(took);
        });
    }
}
