package io.loomflow;

import java.time.Duration;

/**
 * The process-wide default engine: the one piece of static mutable state in Loomflow.
 *
 * <p>Created on first use; closed by one JVM shutdown hook, installed with the first engine. If the
 * default engine was closed explicitly (for example by a notebook's reset), the next use creates a
 * new one. Once the JVM shuts down, none is created any more. Its grace periods come from the
 * system properties {@value #FINISH_GRACE} (default {@code PT10S}) and {@value #STOP_GRACE}
 * (default {@code PT5S}).
 */
final class DefaultEngine {

    /** System property: how long runs in flight get to finish when the default engine closes. */
    static final String FINISH_GRACE = "loomflow.shutdownGrace";
    /** System property: how long cancelled runs then get to stop. */
    static final String STOP_GRACE = "loomflow.cancelGrace";

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
            engine = (EngineImpl) Engine.builder().name("default")
                    .shutdownGrace(grace(FINISH_GRACE, Duration.ofSeconds(10)), grace(STOP_GRACE, Duration.ofSeconds(5)))
                    .build();
            return engine;
        }
    }

    /** Reads a grace period from a system property holding an ISO-8601 duration such as {@code PT3S}. */
    private static Duration grace(String property, Duration fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            Duration grace = Duration.parse(value.strip());
            if (grace.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return grace;
        } catch (RuntimeException bad) {
            throw new IllegalArgumentException("system property " + property + " was '" + value + "'; give an"
                    + " ISO-8601 duration of zero or more, such as PT3S for three seconds", bad);
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
