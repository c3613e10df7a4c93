package io.loomflow.spring.internal;

import io.loomflow.Engine;
import org.springframework.context.SmartLifecycle;

/** Closes the engine when the context stops, in the phase given; see LoomflowAutoConfiguration. */
public final class EngineLifecycle implements SmartLifecycle {

    private final Engine engine;
    private final int phase;
    private volatile boolean running;

    /**
     * A lifecycle that closes {@code engine}.
     *
     * @param engine the engine to close
     * @param phase its phase
     */
    public EngineLifecycle(Engine engine, int phase) {
        this.engine = engine;
        this.phase = phase;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes the engine: no more runs, those in flight get the grace, then are cancelled. Blocks until done. */
    @Override
    public void stop() {
        try {
            engine.close();
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
