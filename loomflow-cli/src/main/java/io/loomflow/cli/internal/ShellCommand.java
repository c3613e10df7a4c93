package io.loomflow.cli.internal;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow shell}: JShell in this JVM (so on the JDK this command runs on), with Loomflow and
 * the user's classes on the class path and the usual imports, its snippets run in a JVM of their
 * own by {@link ShellExecution}, which closes that JVM's default engine on {@code /exit} and
 * {@code /reset}. The exit code is JShell's.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Starts JShell on the JDK loomflow runs on, with Loomflow, the flows found and --classes on the"
                + " class path, and Loomflow's imports (io.loomflow.*, io.loomflow.data.*, io.loomflow.server.*,"
                + " java.time.*, besides JShell's own). Snippets run in a JVM of their own: /reset starts a new one"
                + " and /exit ends it, each first closing its default engine (runs still going get"
                + " loomflow.shutdownGrace, 10 s, to finish, then are cancelled). Arguments after -- go to JShell"
                + " as they are (its options, such as -R-Dloomflow.shutdownGrace=PT1S for the snippets' JVM or"
                + " --feedback concise, and files of snippets to load).",
        footer = {"", "Examples:",
                "  loomflow shell",
                "  loomflow shell --classes target/classes",
                "  loomflow shell -- --feedback concise -R-Dloomflow.shutdownGrace=PT2S setup.jsh",
                "",
                "In the shell:",
                "  jshell> var hi = Flow.named(\"hi\", (String name) -> \"Hello, \" + name)",
                "  jshell> hi.run(\"World\")",
                "  jshell> LoomflowServer.builder().flows(List.of(hi)).build().start()",
                "",
                "Exit codes: JShell's (0, or the code given to /exit); 2 bad input (a --classes",
                "entry that is missing, or holds a class compiled for a newer Java); 4 an",
                "unexpected error."})
final class ShellCommand implements Callable<Integer>, Verbose {

    /** System properties of this JVM passed on to the snippets' JVM: the default engine's grace periods. */
    private static final List<String> FORWARDED_PROPERTIES = List.of("loomflow.shutdownGrace", "loomflow.cancelGrace");

    private final CliContext context;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    @Parameters(paramLabel = "JSHELL_ARGUMENT",
            description = "Given to JShell after loomflow's own (put them after --): its options and files to load.")
    List<String> jshellArguments = new ArrayList<>();

    ShellCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() throws Exception {
        if (ModuleLayer.boot().findModule("jdk.jshell").isEmpty()) { // a JRE: JShell's classes would not even load
            throw CliException.badInput("loomflow shell needs JShell (the module jdk.jshell), and this Java runtime ("
                    + System.getProperty("java.home") + ") has none: it is a JRE or a jlink image without it; run on a"
                    + " JDK 25, with JAVA_HOME set to it");
        }
        List<Path> entries = classes.entries(context.environment());
        List<String> flows;
        // Missing entries and duplicate flow names are refused here, as the other commands refuse them.
        try (FlowCatalog catalog = FlowCatalog.discover(entries)) {
            for (Path entry : entries) {
                ClassFileCheck.check(entry);
            }
            // One line per place: "hello, s5 (from ext.Flows in target/classes)".
            flows = catalog.entries().stream().collect(Collectors.groupingBy(FlowCatalog.Entry::provider,
                            java.util.TreeMap::new, Collectors.mapping(entry -> entry.flow().name(),
                                    Collectors.joining(", "))))
                    .entrySet().stream().map(place -> "  " + place.getValue() + "  (from " + place.getKey() + ")")
                    .toList();
        }
        List<String> imports = imports(entries);
        Path startup = Files.createTempFile("loomflow-shell-", ".jsh");
        try {
            Files.writeString(startup, String.join("\n", imports) + "\n");
            List<String> arguments = new ArrayList<>(List.of("--execution", ShellExecution.NAME,
                    "--class-path", classPath(entries), "--startup", "DEFAULT", "--startup", startup.toString()));
            for (String property : FORWARDED_PROPERTIES) {
                String value = System.getProperty(property);
                if (value != null) {
                    arguments.add("-R-D" + property + "=" + value);
                }
            }
            arguments.addAll(jshellArguments);
            banner(context.out(), imports, flows);
            return JavaShellToolBuilder.builder().out(context.out()).err(context.err())
                    .start(arguments.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /** This command's own class path (it holds Loomflow), then the user's entries. */
    private static String classPath(List<Path> entries) {
        Set<String> path = new LinkedHashSet<>();
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    path.add(Path.of(entry).toAbsolutePath().normalize().toString());
                }
            }
        }
        for (Path entry : entries) {
            path.add(entry.toAbsolutePath().normalize().toString());
        }
        return String.join(File.pathSeparator, path);
    }

    /**
     * Core's API, and the data and server modules' when they are on the class path. Names that
     * {@code import module java.base} (JShell's default) also brings are imported by name, so they
     * mean Loomflow's.
     */
    private static List<String> imports(List<Path> entries) {
        List<String> imports = new ArrayList<>(List.of("import io.loomflow.*;", "import io.loomflow.Flow;",
                "import io.loomflow.EventListener;"));
        try (URLClassLoader all = new URLClassLoader("loomflow-shell-imports", urls(entries),
                ShellCommand.class.getClassLoader())) {
            if (all.getResource("io/loomflow/data/Dataset.class") != null) {
                imports.addAll(List.of("import io.loomflow.data.*;", "import io.loomflow.data.Format;",
                        "import io.loomflow.data.Node;"));
            }
            if (all.getResource("io/loomflow/server/LoomflowServer.class") != null) {
                imports.add("import io.loomflow.server.*;");
            }
        } catch (IOException closing) {
            throw new UncheckedIOException(closing);
        }
        imports.add("import java.time.*;");
        return imports;
    }

    private static URL[] urls(List<Path> entries) {
        List<URL> urls = new ArrayList<>();
        for (Path entry : entries) {
            try {
                urls.add(entry.toAbsolutePath().normalize().toUri().toURL());
            } catch (MalformedURLException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return urls.toArray(URL[]::new);
    }

    private void banner(PrintStream out, List<String> imports, List<String> flows) throws IOException {
        out.println(new Cli.Version().getVersion()[0] + ", in JShell");
        out.println("Imported: " + imports.stream().filter(line -> line.endsWith(".*;"))
                .map(line -> line.substring("import ".length(), line.length() - 1)).collect(Collectors.joining(", "))
                + " (and JShell's: java.base)");
        if (flows.isEmpty()) {
            out.println("No flows found on the class path or in --classes.");
        } else {
            out.println("Flows found:");
            flows.forEach(line -> out.println(TerminalText.line(line)));
        }
        out.println("Run a flow: ItsClass.FIELD.run(params) for a public static final Flow field, or make one:"
                + " Flow.named(\"hi\", (String name) -> \"Hello, \" + name).run(\"World\")");
        out.println("/reset and /exit close the default engine; runs still going get loomflow.shutdownGrace to finish.");
        out.flush();
    }
}
