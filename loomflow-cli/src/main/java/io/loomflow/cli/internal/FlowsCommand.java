package io.loomflow.cli.internal;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loomflow flows}: the flows found, with their parameters. */
@Command(name = "flows", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Lists the flows found on the class path and in --classes, with their parameters.",
        footer = {"", "Examples:",
                "  loomflow flows",
                "  loomflow flows --classes build/classes"})
final class FlowsCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    FlowsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        PrintStream out = context.out();
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            List<FlowCatalog.Entry> entries = catalog.entries().stream()
                    .sorted(Comparator.comparing(entry -> entry.flow().name())).toList();
            if (entries.isEmpty()) {
                out.println("No flows found. Put a FlowProvider on the class path (listed in " + FlowCatalog.SERVICES_FILE
                        + "), or pass --classes DIR.");
                return ExitCode.OK.code();
            }
            for (FlowCatalog.Entry entry : entries) {
                out.println(entry.flow().name() + "  (from " + entry.provider() + ")");
                Class<?> type = entry.flow().parameterType().orElse(null);
                if (type == null) {
                    out.println("  no parameters");
                } else if (!type.isRecord()) {
                    out.println("  takes a " + type.getName() + ", which --param cannot build (not a record)");
                } else {
                    List<ParameterBinder.Description> parameters = ParameterBinder.describeAll(type);
                    if (parameters.isEmpty()) {
                        out.println("  no parameters");
                    }
                    int width = parameters.stream().mapToInt(p -> p.name().length()).max().orElse(0);
                    for (ParameterBinder.Description parameter : parameters) {
                        out.println("  --param " + Text.pad(parameter.name(), width) + "  " + parameter.expects()
                                + (parameter.required() ? ", required" : ", optional"));
                    }
                }
            }
        }
        return ExitCode.OK.code();
    }
}
