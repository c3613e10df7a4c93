package io.loomflow.cli.internal;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code loomflow completion}: a bash and zsh completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Prints a completion script for bash and zsh (in zsh it needs 'autoload -U +X bashcompinit"
                + " && bashcompinit' first).",
        footer = {"", "Examples:",
                "  source <(loomflow completion)",
                "  loomflow completion > /etc/bash_completion.d/loomflow"})
final class CompletionCommand implements Callable<Integer> {

    private final CliContext context;

    @Spec
    CommandSpec spec;

    CompletionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.out().print(AutoComplete.bash("loomflow", spec.root().commandLine()));
        context.out().flush();
        return ExitCode.OK.code();
    }
}
