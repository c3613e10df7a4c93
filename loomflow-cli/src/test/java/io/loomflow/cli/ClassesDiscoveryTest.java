package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.cli.internal.Cli;
import io.loomflow.cli.internal.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --classes DIR and LOOMFLOW_CLASSPATH: flow providers compiled outside the build are found by the documented rule. */
class ClassesDiscoveryTest {

    @TempDir
    Path directory;

    /** Compiles {@code name -> source} pairs into {@code classes} against the test class path. */
    private void compile(Path classes, Map<String, String> sources) throws Exception {
        Path sourceRoot = Files.createDirectories(directory.resolve("src-" + classes.getFileName()));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "--release", "25", "-proc:none"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceRoot.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int result = javac.run(null, errors, errors, arguments.toArray(String[]::new));
        assertThat(result).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    }

    private static String provider(String className, String modifiers, String constructor, String flowName) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return "package ext;\n"
                + "import io.loomflow.Flow;\n"
                + "import java.util.Collection;\n"
                + "import java.util.List;\n"
                + modifiers + " class " + simple + " implements io.loomflow.spi.FlowProvider {\n"
                + "    public record Params(int times) {}\n"
                + "    " + constructor + "\n"
                + "    public Collection<Flow<?, ?>> flows() {\n"
                + "        return List.of(Flow.named(\"" + flowName + "\", Params.class, (Params p) -> \""
                + flowName + " \".repeat(p.times()).strip()));\n"
                + "    }\n"
                + "}\n";
    }

    private Path scannedDirectory() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("scanned"));
        compile(classes, Map.of(
                "ext.EchoFlows", provider("ext.EchoFlows", "public final", "public EchoFlows() {}", "echo"),
                "ext.Hidden", provider("ext.Hidden", "final", "public Hidden() {}", "hidden-not-public"),
                "ext.NeedsArgument", provider("ext.NeedsArgument", "public final", "public NeedsArgument(String x) {}",
                        "hidden-needs-argument"),
                "ext.Base", provider("ext.Base", "public abstract", "public Base() {}", "hidden-abstract")));
        return classes;
    }

    @Test
    void aDirectoryWithoutAServicesFileContributesItsPublicConcreteProvidersWithANoArgumentConstructor() throws Exception {
        Path classes = scannedDirectory();

        Command flows = Command.run("flows", "--classes", classes.toString());
        assertThat(flows.exitCode()).as(flows.toString()).isZero();
        assertThat(flows.out()).contains("echo  (from ext.EchoFlows in " + classes + ")\n  --param times  a whole number from -2147483648 to 2147483647, required")
                .doesNotContain("hidden");

        Command run = Command.run("run", "echo", "--param", "times=3", "--classes", classes.toString(),
                "--db", directory.resolve("history").toString(), "--progress", "plain");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).endsWith("\"echo echo echo\"\n");
    }

    @Test
    void aDirectoryWithAServicesFileContributesExactlyTheProvidersItLists() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("listed"));
        compile(classes, Map.of(
                "ext.Listed", provider("ext.Listed", "public final", "public Listed() {}", "listed"),
                "ext.Unlisted", provider("ext.Unlisted", "public final", "public Unlisted() {}", "unlisted")));
        Path services = Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(services.resolve("io.loomflow.spi.FlowProvider"), "# the flows of this directory\next.Listed\n");

        Command flows = Command.run("flows", "--classes", classes.toString());

        assertThat(flows.exitCode()).as(flows.toString()).isZero();
        assertThat(flows.out()).contains("listed  (from ext.Listed").doesNotContain("unlisted");
    }

    @Test
    void twoFlowsOfOneNameAreAnErrorNamingBothProviders() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("clash"));
        compile(classes, Map.of("ext.Clash", provider("ext.Clash", "public final", "public Clash() {}", "greet")));

        Command command = Command.run("run", "greet", "--param", "name=x", "--classes", classes.toString());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: two flows are named 'greet': one from io.loomflow.cli.flows.TestFlows in ")
                .contains(", one from ext.Clash in " + classes + "; rename one (Flow.named(\"...\")), or leave one off the class"
                        + " path (a flow's name is how 'loomflow run' picks it)\n");
    }

    @Test
    void aDirectoryThatDoesNotExistIsNamed() {
        Path missing = directory.resolve("no-such-classes");

        Command command = Command.run("flows", "--classes", missing.toString());

        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).isEqualTo("loomflow: --classes " + missing + ": no such directory or jar (looked at " + missing
                + "); pass a directory of compiled classes, such as target/classes, or a jar\n");
    }

    @Test
    void theEnvironmentVariableAddsEntriesLikeClasses() throws Exception {
        Path classes = scannedDirectory();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                Map.of("LOOMFLOW_CLASSPATH", classes.toString()), false, false, InstantSource.system(), ZoneId.systemDefault());

        assertThat(Cli.run(new String[] {"flows"}, context)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("echo  (from ext.EchoFlows in " + classes + ")");
    }

    /** A class with flows only in public static final fields, as the README's first flow has them. */
    private static final String FIELDS = """
            package ext;
            import io.loomflow.Flow;
            public final class FieldFlows {
                public record Params(String name) {}
                public static final Flow<Params, String> FIELDED =
                        Flow.named("fielded", Params.class, (Params p) -> "fielded " + p.name());
                public static final Flow<Params, String> ALSO = Flow.named("also-fielded", Params.class, (Params p) -> p.name());
                static final Flow<Params, String> PACKAGE_PRIVATE = Flow.named("hidden-field", Params.class, (Params p) -> "");
                public static Flow<Params, String> notFinal = Flow.named("hidden-not-final", Params.class, (Params p) -> "");
            }
            """;

    private Path fieldsDirectory() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("fields"));
        compile(classes, Map.of("ext.FieldFlows", FIELDS,
                "ext.Internal", FIELDS.replace("public final class FieldFlows", "final class Internal")
                        .replace("\"fielded\"", "\"hidden-class\"").replace("\"also-fielded\"", "\"hidden-class-2\"")));
        return classes;
    }

    @Test
    void aDirectoryWithOnlyStaticFlowFieldsRunsAndLists() throws Exception {
        Path classes = fieldsDirectory();

        Command run = Command.run("run", "fielded", "-p", "name=x", "--classes", classes.toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"fielded x\"");

        Command flows = Command.run("flows", "--classes", classes.toString());
        assertThat(flows.exitCode()).as(flows.toString()).isZero();
        assertThat(flows.out()).contains("fielded  (from ext.FieldFlows in " + classes + ")")
                .contains("also-fielded  (from ext.FieldFlows in " + classes + ")").doesNotContain("hidden");
    }

    @Test
    void aJarWithOnlyStaticFlowFieldsRuns() throws Exception {
        Path classes = fieldsDirectory();
        Path jar = directory.resolve("fields.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }

        Command run = Command.run("run", "fielded", "-p", "name=y", "--classes", jar.toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("\"fielded y\"");
    }

    @Test
    void aDirectoryWithOnlyStaticFlowFieldsServes() throws Exception {
        Path classes = fieldsDirectory();
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", directory.resolve("history").toString(),
                "--classes", classes.toString())) {
            assertThat(server.firstLine()).as(server.err()).matches("Loomflow server at \\S+ \\(15 flows; Ctrl-C to stop\\)");
            ServerProcess.Response started = server.post("/api/flows/fielded/runs", "{\"name\":\"z\"}", null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(server.awaitState(started.json().path("id").asText(), "Completed", null).path("result").asText())
                    .isEqualTo("fielded z");
            assertThat(server.terminate()).as(server.err()).isZero();
        }
    }

    @Test
    void twoStaticFlowFieldsOfOneNameAreAnErrorNamingBothClasses() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("twice"));
        compile(classes, Map.of("ext.FieldFlows", FIELDS, "ext.Again", FIELDS.replace("class FieldFlows", "class Again")
                .replace("\"also-fielded\"", "\"other\"")));

        Command flows = Command.run("flows", "--classes", classes.toString());

        assertThat(flows.exitCode()).as(flows.toString()).isEqualTo(2);
        assertThat(flows.err()).isEqualTo("loomflow: two flows are named 'fielded': one from ext.Again in " + classes
                + ", one from ext.FieldFlows in " + classes + "; rename one (Flow.named(\"...\")), or leave one off the"
                + " class path (a flow's name is how 'loomflow run' picks it)\n");
    }

    @Test
    void aDirectoryWithNoFlowsSaysWhichRuleFindsThemForEveryCommand() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("none"));
        compile(classes, Map.of("ext.Plain", "package ext; public class Plain { public static final String X = \"x\"; }"));
        String expected = "loomflow: no flows were found; put a FlowProvider (a public class implementing"
                + " io.loomflow.spi.FlowProvider with a public constructor without parameters, or one listed in"
                + " META-INF/services/io.loomflow.spi.FlowProvider) or a public static final Flow field in a public class,"
                + " in --classes DIR|JAR (or LOOMFLOW_CLASSPATH) or on the class path\n";

        for (List<String> command : List.of(List.of("flows"), List.of("server", "--port", "0"),
                List.of("run", "anything"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--classes", classes.toString()));
            Path errFile = Files.createTempFile(directory, "err", ".txt");
            Process process = withoutTestFlows(args, errFile);
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " is still running, with no flows to offer: " + Files.readString(errFile));
            }
            String err = Files.readString(errFile);
            assertThat(process.exitValue()).as(command + ": " + err).isEqualTo(2);
            assertThat(err).as(command.toString()).isEqualTo(command.getFirst().equals("run")
                    ? expected.replace("loomflow: no flows", "loomflow: unknown flow 'anything': no flows") : expected);
        }
    }

    /** The command in a JVM whose class path lacks the test classes, so that the test flows are not found. */
    private Process withoutTestFlows(List<String> args, Path err) throws Exception {
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        builder.environment().remove("LOOMFLOW_CLASSPATH");
        builder.environment().put("LOOMFLOW_DB", directory.resolve("db").toString());
        return builder.start();
    }
}
