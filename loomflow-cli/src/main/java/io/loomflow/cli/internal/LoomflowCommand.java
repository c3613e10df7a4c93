package io.loomflow.cli.internal;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loomflow}: the top command, which only holds the others. */
@Command(name = "loomflow", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Runs Loomflow flows, serves them over HTTP (reloading their sources in dev mode), and reads"
                + " their run history; with PostgreSQL, queues runs for workers.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Examples:",
                "  loomflow run hello --param name=World",
                "  loomflow runs --state Failed",
                "  loomflow show RUN_ID",
                "  loomflow prune --older-than 30d",
                "  loomflow server --port 8080",
                "  loomflow dev flows/",
                "  loomflow worker --db jdbc:postgresql://localhost:5432/loomflow",
                "  loomflow submit hello --param name=World --wait",
                "  loomflow init sales-report",
                "",
                "Exit codes:",
                "  0  success",
                "  1  the run failed or was cancelled; prune could not write the store",
                "  2  bad usage or bad input (unknown command, option, flow, parameter or run id; a port in use)",
                "  3  the run history is unavailable (unreachable database, corrupt or newer store)",
                "  4  an unexpected error (a bug; --verbose shows the stack trace)",
                "",
                "Run 'loomflow help COMMAND' or 'loomflow COMMAND --help' for a command's options."})
final class LoomflowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.BAD_INPUT.code();
    }
}
