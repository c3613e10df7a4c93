package io.loomflow;

import java.lang.System.Logger.Level;

/** A run's logger: each line is an event, and a line of the {@code io.loomflow.run} logger. */
final class RunNodeLog implements RunLog {

    private final EngineImpl engine;
    private final RunInfo info;

    RunNodeLog(EngineImpl engine, RunInfo info) {
        this.engine = engine;
        this.info = info;
    }

    @Override
    public void debug(String format, Object... args) {
        write(Level.DEBUG, format(format, args), null);
    }

    @Override
    public void info(String format, Object... args) {
        write(Level.INFO, format(format, args), null);
    }

    @Override
    public void warn(String format, Object... args) {
        write(Level.WARNING, format(format, args), null);
    }

    @Override
    public void error(String message, Throwable thrown) {
        write(Level.ERROR, String.valueOf(message), thrown);
    }

    private static String format(String format, Object... args) {
        return args == null || args.length == 0 ? String.valueOf(format) : String.format(format, args);
    }

    private void write(Level level, String message, Throwable thrown) {
        engine.publishLog(info, level, message, thrown);
        if (Loggers.runs().isLoggable(level)) {
            Loggers.runs().log(level, "[" + info.name() + " " + info.id() + "] " + message, thrown);
        }
    }
}
