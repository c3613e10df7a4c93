package io.loomflow.store.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Sends Flyway's messages to the platform logger {@code io.loomflow.store.migration}, one level
 * down: its progress reports become DEBUG, so that creating a store prints nothing, while warnings
 * and errors stay visible. Flyway creates it by name; it must stay public with a no-arg constructor.
 */
public final class FlywayLog implements LogCreator {

    /** Created by Flyway. */
    public FlywayLog() {
    }

    @Override
    public Log createLogger(Class<?> source) {
        Logger logger = System.getLogger("io.loomflow.store.migration");
        return new Log() {
            @Override
            public boolean isDebugEnabled() {
                return logger.isLoggable(Level.TRACE);
            }

            @Override
            public void debug(String message) {
                logger.log(Level.TRACE, message);
            }

            @Override
            public void info(String message) {
                logger.log(Level.DEBUG, message);
            }

            @Override
            public void notice(String message) {
                logger.log(Level.DEBUG, message);
            }

            @Override
            public void warn(String message) {
                logger.log(Level.WARNING, message);
            }

            @Override
            public void error(String message) {
                logger.log(Level.ERROR, message);
            }

            @Override
            public void error(String message, Exception error) {
                logger.log(Level.ERROR, message, error);
            }
        };
    }
}
