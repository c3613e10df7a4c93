package io.loomflow.examples.init;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * What {@code loomflow init} makes is a project that works: scaffolded outside the clone, it is built
 * by Maven (the clone's {@code mvnw}) with the two commands of its README, against the Loomflow
 * artifacts of this build; its test runs and passes, and its flow prints the totals it computed.
 *
 * <p>The Loomflow artifacts it needs (the parent POM, the BOM, {@code loomflow-core} and
 * {@code loomflow-data}, as this build made them) are laid out as installed in a local repository
 * of the test's own, which Maven reads first; everything else comes from this build's local
 * repository, read-only ({@code maven.repo.local.tail}). So the project is built against this build's
 * Loomflow, never an older one installed before, whether the build ran {@code install} or only
 * {@code verify}, and nothing is written to the user's repository.
 */
class InitProjectBuildTest {

    /** The repository root: the tests run in {@code examples}. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** The Loomflow modules the project names (with the parent POM their POMs name), as directories of the clone. */
    private static final List<String> MODULES = List.of("loomflow-core", "loomflow-data");

    @Test
    void theProjectInitMakesBuildsWithItsReadmesCommandsAndItsTestPasses(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"init", "demo", "--dir", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Path project = dir.resolve("demo");
        Path repository = repositoryOfThisBuild(dir.resolve("m2"));

        List<String> commands = readmeCommands(project.resolve("README.md"));
        assertThat(commands).containsExactly("mvn -q compile exec:exec", "mvn verify");

        Result test = maven(project, repository, commands.get(1), dir.resolve("test.log"));
        assertThat(test.exitCode()).as(test.output()).isZero();
        Path report = project.resolve("target/surefire-reports/TEST-com.example.demo.DemoFlowTest.xml");
        assertThat(report).as(test.output()).exists();
        Document suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertThat(Integer.parseInt(attribute(suite, "tests"))).as("tests run").isPositive();
        assertThat(attribute(suite, "failures")).isEqualTo("0");
        assertThat(attribute(suite, "errors")).isEqualTo("0");
        assertThat(attribute(suite, "skipped")).isEqualTo("0");

        Result run = maven(project, repository, commands.get(0), dir.resolve("run.log"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains(
                "{region=east, orders=1, total=42.10}",
                "{region=north, orders=2, total=155.75}",
                "{region=south, orders=2, total=99.99}");
        assertThat(Files.readString(project.resolve("data/02_output/region_totals.csv")))
                .isEqualTo("region,orders,total\neast,1,42.10\nnorth,2,155.75\nsouth,2,99.99\n");
    }

    /** The lines of the README's first code block: the commands that run and test the project. */
    private static List<String> readmeCommands(Path readme) throws IOException {
        String text = Files.readString(readme);
        int start = text.indexOf("```\n") + 4;
        return text.substring(start, text.indexOf("```", start)).lines().toList();
    }

    private record Result(int exitCode, String output) {
    }

    /**
     * Runs one README command ({@code mvn ...}) in the project with the clone's {@code mvnw}, on the
     * JDK running this test, against {@code repository} and then this build's local repository.
     */
    private static Result maven(Path project, Path repository, String command, Path log) throws Exception {
        assertThat(command).startsWith("mvn ");
        List<String> line = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-ntp",
                "-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + outerRepository()));
        if (System.getProperty("loomflow.maven.mode", "").equals("offline=true")) {
            line.add("-o");
        }
        line.addAll(List.of(command.substring("mvn ".length()).split(" ")));
        ProcessBuilder builder = new ProcessBuilder(line).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_ARGS");
        Process maven = builder.start();
        if (!maven.waitFor(10, TimeUnit.MINUTES)) {
            maven.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", line) + " did not end within 10 minutes:\n" + Files.readString(log));
        }
        return new Result(maven.exitValue(), String.join(" ", line) + "\n" + Files.readString(log));
    }

    /** The local repository of the build running this test; ~/.m2/repository when run outside Maven. */
    private static Path outerRepository() {
        String configured = System.getProperty("loomflow.repo.local", "");
        return configured.isBlank() ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(configured);
    }

    /**
     * A local repository holding the parent POM, the BOM and {@link #MODULES} as this build made them
     * (their POMs and jars), laid out as {@code mvn install} lays them out.
     */
    private static Path repositoryOfThisBuild(Path repository) throws Exception {
        String version = text(ROOT.resolve("pom.xml"), "/project/version");
        put(repository, "loomflow-parent", version, ROOT.resolve("pom.xml"), "pom");
        put(repository, "loomflow-bom", version, ROOT.resolve("loomflow-bom/pom.xml"), "pom");
        for (String module : MODULES) {
            put(repository, module, version, ROOT.resolve(module).resolve("pom.xml"), "pom");
            Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
            assertThat(jar).as("this build's " + module + " jar; build it first, as"
                    + " ./mvnw -pl examples -am verify does").exists();
            put(repository, module, version, jar, "jar");
        }
        return repository;
    }

    private static void put(Path repository, String artifactId, String version, Path file, String extension) throws IOException {
        Path directory = Files.createDirectories(repository.resolve("io/loomflow").resolve(artifactId).resolve(version));
        Files.copy(file, directory.resolve(artifactId + "-" + version + "." + extension), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String text(Path xml, String xpath) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        return ((String) XPathFactory.newInstance().newXPath().evaluate(xpath, document, XPathConstants.STRING)).strip();
    }

    private static String attribute(Document suite, String name) {
        return suite.getDocumentElement().getAttribute(name);
    }
}
