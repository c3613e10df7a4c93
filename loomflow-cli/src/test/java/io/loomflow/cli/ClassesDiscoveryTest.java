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
                .contains(", one from ext.Clash in " + classes + "; rename one of them, or leave one provider off the class"
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
}
