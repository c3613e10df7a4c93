package io.loomflow.cli.internal;

import picocli.CommandLine.Option;

/** {@code --verbose}: stack traces with errors, debug log lines while running. */
final class VerboseOption {

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces with errors, and debug log lines.")
    boolean verbose;
}
