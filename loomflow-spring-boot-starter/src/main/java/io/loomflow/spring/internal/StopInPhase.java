package io.loomflow.spring.internal;

import org.springframework.context.SmartLifecycle;

/**
 * A lifecycle that does one thing when the context stops, in the phase given (see
 * LoomflowAutoConfiguration for the phases): close the engine, or end the mounted server's event
 * streams. Its {@code stop()} returns when the action has.
 */
public final class StopInPhase implements SmartLifecycle {

    private final Runnable action;
    private final int phase;
    private volatile boolean running;

    /**
     * A lifecycle that runs {@code action} when it stops.
     *
     * @param action what to do on stop, such as {@code engine::close}
     * @param phase the phase to stop in
     */
    public StopInPhase(Runnable action, int phase) {
        this.action = action;
        this.phase = phase;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        try {
            action.run();
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
