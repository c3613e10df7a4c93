package io.loomflow.cli;

import io.loomflow.cli.internal.Cli;
import io.loomflow.cli.internal.CliContext;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The {@code loomflow} command: {@code run}, {@code runs}, {@code show}, {@code logs}, {@code prune}, {@code flows},
 * {@code server}, {@code init} and {@code completion}; {@code loomflow --help} lists them and {@code loomflow
 * COMMAND --help} shows each one's options with an example.
 *
 * <p><b>Exit codes.</b>
 * <ul>
 *   <li>0: success;</li>
 *   <li>1: the run failed or was cancelled (the summary names the failed runs); {@code prune} could not
 *       write the store;</li>
 *   <li>2: bad usage or bad input (an unknown command, option, flow, parameter, or run id);</li>
 *   <li>3: the run history is unavailable (unreachable database, corrupt file, a store written by
 *       a newer Loomflow);</li>
 *   <li>4: an unexpected error in Loomflow or a flow provider (a bug; {@code --verbose} shows the
 *       stack trace).</li>
 * </ul>
 * A run stopped with Ctrl-C or SIGTERM is cancelled and recorded Cancelled, and the process exits
 * with 130 or 143, as if the signal had killed it; a second signal exits at once.
 *
 * <p>{@link #run(String[], PrintStream, PrintStream)} runs one command in this process, which is
 * how tests and programs that embed the command call it; it is thread-safe in that each call builds
 * its own command objects, engine and store connection and closes them before returning, but it
 * installs no signal handling and configures no logging ({@code server} then serves until the calling
 * thread is interrupted): what a task logs reaches its run's log only where the embedding program
 * installs loomflow-slf4j's capture itself.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs one command and exits the JVM with its exit code. Sets up {@code java.util.logging} for the
     * process: what a task logs through SLF4J or {@link System.Logger} while it runs is captured into
     * its run's log, and the console shows the warnings logged outside of runs, one line each (unless
     * {@code java.util.logging.config.file} is set: then only the capture is added). Cancels a running
     * flow on Ctrl-C or SIGTERM.
     *
     * @param args the command line, such as {@code run hello --param name=World}
     */
    public static void main(String[] args) {
        Cli.configureLogging();
        System.exit(Cli.run(args, CliContext.forProcess()));
    }

    /**
     * Runs one command in this process and returns its exit code, writing what it prints to
     * {@code out} and its errors to {@code err}.
     *
     * @param args the command line, such as {@code run hello --param name=World}
     * @param out where output goes
     * @param err where error messages go
     * @return the exit code: 0 success, 1 run failed or cancelled, 2 bad usage or input, 3 store
     *     unavailable, 4 unexpected error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Objects.requireNonNull(args, "args must not be null; pass an empty array for no arguments");
        return Cli.run(args, CliContext.embedded(Objects.requireNonNull(out, "out"), Objects.requireNonNull(err, "err")));
    }
}
