package io.loomflow.cli.internal;

import java.io.PrintStream;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.Map;

/**
 * What one invocation of the command runs against: its output streams, environment, clock and
 * whether it owns the process (and so handles Ctrl-C and SIGTERM). Immutable.
 *
 * @param out where output goes
 * @param err where error messages go
 * @param environment the environment variables ({@code LOOMFLOW_CLASSPATH}, {@code COLUMNS})
 * @param consoleIsTerminal whether {@code out} is an interactive terminal (for {@code --progress=auto})
 * @param ownsProcess whether this invocation may install a shutdown hook to cancel its run
 * @param clock the clock of the progress view's elapsed time
 * @param zone the time zone in which times are shown
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> environment, boolean consoleIsTerminal,
                         boolean ownsProcess, InstantSource clock, ZoneId zone) {

    /** Copies the environment. */
    public CliContext {
        environment = Map.copyOf(environment);
    }

    /**
     * The context of the {@code loomflow} process: the standard streams, the process's environment,
     * and a terminal if there is one.
     *
     * @return the context
     */
    public static CliContext forProcess() {
        java.io.Console console = System.console();
        return new CliContext(System.out, System.err, System.getenv(), console != null && console.isTerminal(), true,
                InstantSource.system(), ZoneId.systemDefault());
    }

    /**
     * The context of a command run inside another program: given streams, never a terminal, no
     * signal handling.
     *
     * @param out where output goes
     * @param err where error messages go
     * @return the context
     */
    public static CliContext embedded(PrintStream out, PrintStream err) {
        return new CliContext(out, err, System.getenv(), false, false, InstantSource.system(), ZoneId.systemDefault());
    }

    /** The terminal's width in columns, from {@code COLUMNS}, else 80. */
    int columns() {
        try {
            int columns = Integer.parseInt(environment.getOrDefault("COLUMNS", "80").strip());
            return columns >= 20 ? columns : 80;
        } catch (NumberFormatException notANumber) {
            return 80;
        }
    }
}
