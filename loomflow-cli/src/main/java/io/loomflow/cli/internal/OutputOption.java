package io.loomflow.cli.internal;

import picocli.CommandLine.Option;

/** {@code --output json|text}: what a command that prints a run's result puts on stdout. */
final class OutputOption {

    @Option(names = "--output", paramLabel = "FORMAT",
            description = "json: only the result, as JSON, on stdout, and everything else (progress, the run id,"
                    + " failures) on stderr: the default when stdout is not a terminal, so that it can be piped to jq."
                    + " text: the result after the lines about the run, on stdout: the default in a terminal.")
    OutputFormat output;

    /** Tells whether only the result goes to stdout: {@code --output json}, or no terminal and no {@code --output}. */
    boolean json(CliContext context) {
        return OutputFormat.resolve(output, context.consoleIsTerminal()) == OutputFormat.JSON;
    }
}
