package io.loomflow;

/**
 * The engine's loggers, looked up on first use. Looking a {@link System.Logger} up starts the
 * logging backend, and java.util.logging then installs a shutdown hook of its own that closes its
 * handlers at exit; a program that never logs through Loomflow should not pay for either.
 */
final class Loggers {

    private Loggers() {
    }

    /** The engine's own warnings and errors. */
    static System.Logger engine() {
        return Engine.LOGGER;
    }

    /** Lines written by runs through {@link RunLog}. */
    static System.Logger runs() {
        return Runs.LOGGER;
    }

    private static final class Engine {
        static final System.Logger LOGGER = System.getLogger("io.loomflow.engine");
    }

    private static final class Runs {
        static final System.Logger LOGGER = System.getLogger("io.loomflow.run");
    }
}
