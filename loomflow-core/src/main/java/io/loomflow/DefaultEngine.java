package io.loomflow;

/**
 * The process-wide default engine: the one piece of static mutable state in Loomflow.
 *
 * <p>Created on first use; closed by one JVM shutdown hook, installed with the first engine. If the
 * default engine was closed explicitly (for example by a notebook's reset), the next use creates a
 * new one. Once the JVM shuts down, none is created any more.
 */
final class DefaultEngine {

    private static final Object LOCK = new Object();
    private static EngineImpl engine; // guarded by LOCK
    private static boolean hookInstalled; // guarded by LOCK
    private static boolean shuttingDown; // guarded by LOCK

    private DefaultEngine() {
    }

    static EngineImpl get() {
        synchronized (LOCK) {
            if (engine != null && !engine.isClosed()) {
                return engine;
            }
            if (shuttingDown) {
                throw new EngineClosedException("the JVM is shutting down, so the default engine is closed and"
                        + " no new one is made; start runs before shutdown begins, or on an engine of your own");
            }
            if (!hookInstalled) {
                try {
                    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("loomflow-shutdown")
                            .unstarted(DefaultEngine::shutDown));
                } catch (IllegalStateException shutdownInProgress) {
                    shuttingDown = true;
                    throw new EngineClosedException("the JVM is shutting down, so no default engine can be made;"
                            + " start runs before shutdown begins, or on an engine of your own");
                }
                hookInstalled = true;
            }
            engine = (EngineImpl) Engine.builder().name("default").build();
            return engine;
        }
    }

    private static void shutDown() {
        EngineImpl toClose;
        synchronized (LOCK) {
            shuttingDown = true;
            toClose = engine;
        }
        if (toClose != null) {
            toClose.close();
        }
    }
}
