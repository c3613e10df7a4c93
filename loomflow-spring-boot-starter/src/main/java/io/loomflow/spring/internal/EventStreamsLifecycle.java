package io.loomflow.spring.internal;

import io.loomflow.server.LoomflowServer;
import org.springframework.context.SmartLifecycle;

/** Ends the mounted server's event streams when the context stops, before the web server's graceful shutdown. */
public final class EventStreamsLifecycle implements SmartLifecycle {

    private final LoomflowServer server;
    private final int phase;
    private volatile boolean running;

    /**
     * A lifecycle that ends {@code server}'s event streams.
     *
     * @param server the mounted server
     * @param phase the phase to stop in
     */
    public EventStreamsLifecycle(LoomflowServer server, int phase) {
        this.server = server;
        this.phase = phase;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        server.endEventStreams();
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
