package io.loomflow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive as a user gets it: unpacked with tar into a temporary directory, and bin/loomflow run
 * as a process from a working directory outside the repository, on the JDK that runs this test.
 */
class DistributionIT {

    private static final Path ARCHIVE = Path.of(System.getProperty("loomflow.dist.archive"));
    private static final String VERSION = System.getProperty("loomflow.dist.version");
    private static final long DEADLINE_SECONDS = 120;

    @TempDir
    static Path unpacked;

    @TempDir
    Path work;

    private static Path home;

    private static final String FLOWS = """
            package ext;
            import io.loomflow.Flow;
            public final class Greetings {
                public record Params(String name) {}
                public static final Flow<Params, String> GREET =
                        Flow.named("greet", Params.class, (Params p) -> "%s " + p.name());
            }
            """;

    /** What a process printed and how it ended. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).as("built by package").isRegularFile();
        Result tar = run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", unpacked.toString()), unpacked, Map.of());
        assertThat(tar.exitCode()).as(tar.toString()).isZero();
        home = unpacked.resolve("loomflow-" + VERSION);
    }

    /** Runs a command with a deadline (destroyed when it passes) and returns what it printed. */
    private static Result run(List<String> command, Path directory, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within " + DEADLINE_SECONDS + " s\n--- stderr ---\n"
                    + err.get(10, TimeUnit.SECONDS));
        }
        return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException failed) {
            return "(could not read: " + failed + ")";
        }
    }

    /** bin/loomflow (or another path to it) run in the test's working directory, on this test's JDK. */
    private Result loomflow(Path launcher, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        Collections.addAll(command, arguments);
        return run(command, work, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }

    /** bin/loomflow run in another working directory. */
    private Result loomflowIn(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/loomflow").toString()));
        Collections.addAll(command, arguments);
        return run(command, directory, Map.of("JAVA_HOME", System.getProperty("java.home")));
    }

    private Path write(Path root, String word) throws IOException {
        Path file = root.resolve("ext/Greetings.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, FLOWS.formatted(word));
        return root;
    }

    /** Compiles the flow with the word into a classes directory, against the archive's jars only. */
    private Path classes(String word) throws Exception {
        Path sources = write(Files.createDirectories(work.resolve("src-" + word)), word);
        Path classes = Files.createDirectories(work.resolve("classes-" + word));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        String jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = String.join(File.pathSeparator, lib.map(Path::toString).filter(name -> name.endsWith(".jar")).toList());
        }
        int result = javac.run(null, errors, errors, "-d", classes.toString(), "-cp", jars,
                "--release", "25", "-proc:none", sources.resolve("ext/Greetings.java").toString());
        assertThat(result).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    @Test
    void theArchiveHoldsTheLauncherTheCommandsJarsAndNoExamplesOrBenchmarks() throws Exception {
        String root = "loomflow-" + VERSION + "/";
        try (ZipFile zip = new ZipFile(System.getProperty("loomflow.dist.zip"))) {
            List<String> names = zip.stream().map(entry -> entry.getName()).toList();
            assertThat(names).contains(root + "bin/loomflow", root + "lib/select-jdk.sh", root + "README.md", root + "LICENSE");
            for (String module : List.of("cli", "core", "data", "azure", "s3", "store", "server", "workers", "slf4j", "schedules")) {
                assertThat(names).contains(root + "lib/loomflow-" + module + "-" + VERSION + ".jar");
            }
            assertThat(names).noneMatch(name -> name.contains("examples") || name.contains("benchmarks"));
        }
        assertThat(Files.isExecutable(home.resolve("bin/loomflow"))).as("tar keeps bin/loomflow executable").isTrue();
    }

    @Test
    void runsAFlowFromAJar() throws Exception {
        Path classes = classes("from-a-jar");
        Path jar = work.resolve("flows.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }

        Result result = loomflow(home.resolve("bin/loomflow"), "run", "greet", "-p", "name=jar", "--classes", jar.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString()).isEqualTo("\"from-a-jar jar\"\n");
    }

    @Test
    void runsAFlowFromAClassesDirectory() throws Exception {
        Path classes = classes("from-classes");

        Result result = loomflow(home.resolve("bin/loomflow"), "run", "greet", "-p", "name=dir", "--classes", classes.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString()).isEqualTo("\"from-classes dir\"\n");
    }

    @Test
    void runsAFlowFromADirectoryOfSources() throws Exception {
        Path sources = write(Files.createDirectories(work.resolve("flows")), "from-sources");

        Result result = loomflow(home.resolve("bin/loomflow"), "run", "greet", "-p", "name=src", "--classes", sources.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString()).isEqualTo("\"from-sources src\"\n");
    }

    @Test
    void whatATaskLogsThroughSlf4jOrSystemLoggerIsInItsRunsLogWithoutConfiguration() throws Exception {
        Path file = work.resolve("logging/ext/LoggingFlows.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                package ext;
                import io.loomflow.Flow;
                import io.loomflow.Task;
                import java.util.List;
                public final class LoggingFlows {
                    static final Task<String, String> ITEM = Task.named("item", (String id) -> {
                        org.slf4j.LoggerFactory.getLogger("ext.items").info("slf4j says {}", id);
                        System.getLogger("ext.jdk").log(System.Logger.Level.WARNING, "System.Logger says {0}", id);
                        return id;
                    });
                    public record Params(String items) {}
                    public static final Flow<Params, List<String>> LOGGING =
                            Flow.named("logging", Params.class, (Params p) -> ITEM.map(List.of(p.items().split(","))).join());
                }
                """);

        Result run = loomflow(home.resolve("bin/loomflow"), "run", "logging", "-p", "items=a,b", "--classes",
                work.resolve("logging").toString(), "--db", work.resolve("history").toString(), "--output", "text");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        String id = run.out().lines().filter(line -> line.contains("; run ")).findFirst()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).orElseThrow(() -> new AssertionError(run));
        assertThat(run.err()).as("in the run's progress, not a second time from the console").doesNotContain("loomflow: WARNING");

        Result logs = loomflow(home.resolve("bin/loomflow"), "logs", id, "--db", work.resolve("history").toString());
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out().lines().toList()).as(logs.toString()).hasSize(4)
                .anySatisfy(line -> assertThat(line).containsPattern("  item +INFO +slf4j says a$"))
                .anySatisfy(line -> assertThat(line).containsPattern("  item +WARNING +System.Logger says a$"))
                .anySatisfy(line -> assertThat(line).containsPattern("  item +INFO +slf4j says b$"))
                .anySatisfy(line -> assertThat(line).containsPattern("  item +WARNING +System.Logger says b$"));
    }

    @Test
    void initMakesAProjectWhoseFlowTheArchiveRunsFromItsSourcesWithoutMaven() throws Exception {
        Result init = loomflow(home.resolve("bin/loomflow"), "init", "sales");
        assertThat(init.exitCode()).as(init.toString()).isZero();
        Path project = work.resolve("sales");

        Result result = loomflowIn(project, "run", "sales", "--classes", ".");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().replaceAll("\\s", "")).as(result.toString())
                .contains("{\"region\":\"east\",\"orders\":\"1\",\"total\":\"42.10\"}");
        assertThat(project.resolve("data/02_output/region_totals.csv")).isRegularFile();
        Result again = loomflow(home.resolve("bin/loomflow"), "init", "sales");
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains(project.getFileName().toString()).doesNotContain("\tat ");
    }

    @Test
    void onAJreItRunsCompiledFlowsAndSaysThatSourcesDevAndTheShellNeedAJdk() throws Exception {
        // A real Java 25 runtime without the compiler and JShell, made by this JDK's jlink.
        Path jre = work.resolve("jre");
        Result jlink = run(List.of(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(), "--add-modules",
                "java.base,java.sql,java.naming,java.management,java.logging,java.xml,java.desktop,jdk.httpserver,"
                        + "jdk.unsupported,java.net.http,jdk.crypto.ec,java.instrument,jdk.zipfs,java.security.jgss,"
                        + "java.transaction.xa", "--output", jre.toString(), "--strip-debug", "--no-header-files",
                "--no-man-pages"), work, Map.of());
        assertThat(jlink.exitCode()).as(jlink.toString()).isZero();
        Map<String, String> onTheJre = Map.of("JAVA_HOME", jre.toString());
        String launcher = home.resolve("bin/loomflow").toString();
        Path sources = write(Files.createDirectories(work.resolve("flows")), "from-sources");

        Result compiled = run(List.of(launcher, "run", "greet", "-p", "name=jre", "--classes",
                classes("on-a-jre").toString()), work, onTheJre);
        Result fromSources = run(List.of(launcher, "run", "greet", "--classes", sources.toString()), work, onTheJre);
        Result dev = run(List.of(launcher, "dev", sources.toString(), "--port", "0"), work, onTheJre);
        Result shell = run(List.of(launcher, "shell"), work, onTheJre);

        assertThat(compiled.exitCode()).as(compiled.toString()).isZero();
        assertThat(compiled.out()).isEqualTo("\"on-a-jre jre\"\n");
        for (Result needsAJdk : List.of(fromSources, dev, shell)) {
            assertThat(needsAJdk.exitCode()).as(needsAJdk.toString()).isEqualTo(2);
            assertThat(needsAJdk.err()).as(needsAJdk.toString()).contains("this Java runtime (" + jre + ")")
                    .contains("run on a JDK 25, with JAVA_HOME set to it").doesNotContain("\tat ");
        }
    }

    @Test
    void aDirectoryWithNoFlowsIsBadInputNamingTheRule() throws Exception {
        Path empty = Files.createDirectories(work.resolve("nothing"));

        Result result = loomflow(home.resolve("bin/loomflow"), "flows", "--classes", empty.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString()).startsWith("loomflow: no flows were found; put a FlowProvider")
                .contains("or a public static final Flow field in a public class").doesNotContain("\tat ");
    }

    @Test
    void runsThroughASymlinkToTheLauncher() throws Exception {
        Path classes = classes("linked");
        Path links = Files.createDirectories(work.resolve("my-bin"));
        Path link = links.resolve("loomflow");
        Files.createSymbolicLink(link, links.relativize(home.resolve("bin/loomflow")));

        Result result = loomflow(link, "run", "greet", "-p", "name=link", "--classes", classes.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).as(result.toString()).isEqualTo("\"linked link\"\n");
    }

    @Test
    void withOnlyAnOldJavaItSaysToInstallJdk25AndExitsNonZero() throws Exception {
        // An old Java as a JDK 17 looks: a release file, and a java that says its version.
        Path old = Files.createDirectories(work.resolve("jdk-17/bin"));
        Files.writeString(old.getParent().resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
        Path java = Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
        java.toFile().setExecutable(true);
        // A PATH with that java and the few tools the launcher uses, and no other java.
        Path tools = Files.createDirectories(work.resolve("tools"));
        for (String tool : List.of("bash", "sh", "env", "dirname", "readlink", "sed", "cat")) {
            Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
        }
        Path noJdks = Files.createDirectories(work.resolve("no-jdks"));
        Map<String, String> environment = new HashMap<>(Map.of("JAVA_HOME", old.getParent().toString(),
                "PATH", old + File.pathSeparator + tools, "LOOMFLOW_JDK_DIRS", noJdks.toString()));

        Result result;
        try {
            result = run(List.of(tools.resolve("bash").toString(), home.resolve("bin/loomflow").toString(), "flows"), work,
                    environment);
        } finally {
            try (Stream<Path> links = Files.list(tools)) {
                for (Path link : links.toList()) {
                    Files.delete(link); // the links, not the tools
                }
            }
        }

        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).as(result.toString())
                .contains("Loomflow needs Java 25 or newer, and found none: JAVA_HOME has Java 17.0.2 (" + old.resolve("java") + ")")
                .contains("Install a JDK 25 (for example Eclipse Temurin 25")
                .doesNotContain("\tat ");
    }

    private static Path onPath(String tool) {
        for (String directory : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(tool + " is not on the PATH");
    }
}
