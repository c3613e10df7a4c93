package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --classes DIR where DIR holds .java sources: compiled first (by the server's compiler), then found by the one rule. */
class SourcesDirectoryTest {

    @TempDir
    Path directory;

    private static final String FLOWS = """
            package ext;
            import io.loomflow.Flow;
            public final class SourceFlows {
                public record Params(String name) {}
                public static final Flow<Params, String> GREET =
                        Flow.named("from-source", Params.class, (Params p) -> "compiled " + p.name());
            }
            """;

    private Path write(Path root, String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        return path;
    }

    private static Set<Path> temporaryCompiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(path -> path.getFileName().toString().startsWith("loomflow-classes-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aDirectoryOfSourcesIsCompiledThenItsFlowsRunAndListAndTheCompiledClassesAreDeleted() throws Exception {
        Path sources = directory.resolve("flows");
        write(sources, "ext/SourceFlows.java", FLOWS);
        Set<Path> before = temporaryCompiles();

        Command run = Command.run("run", "from-source", "-p", "name=x", "--classes", sources.toString(),
                "--db", directory.resolve("history").toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("\"compiled x\"\n");

        Command flows = Command.run("flows", "--classes", sources.toString());
        assertThat(flows.exitCode()).as(flows.toString()).isZero();
        assertThat(flows.out()).contains("from-source  (from ext.SourceFlows in " + sources + ")");
        assertThat(temporaryCompiles()).as("the classes compiled into a temporary directory are deleted")
                .isEqualTo(before);
        try (Stream<Path> left = Files.walk(sources)) {
            assertThat(left.filter(path -> path.toString().endsWith(".class")).toList())
                    .as("nothing is written beside the sources").isEmpty();
        }
    }

    @Test
    void aProjectWithSrcMainJavaIsCompiledFromItsSourcesNotFromItsStaleClasses() throws Exception {
        Path project = directory.resolve("project");
        write(project, "src/main/java/ext/SourceFlows.java", FLOWS.replace("\"compiled \"", "\"fresh \""));
        write(project, "target/classes/ext/Stale.class", "not a class file");

        Command run = Command.run("run", "from-source", "-p", "name=y", "--classes", project.toString(),
                "--db", directory.resolve("history").toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("\"fresh y\"\n");
    }

    @Test
    void sourcesThatDoNotCompileAreBadInputListingFileLineAndMessage() throws Exception {
        Path sources = directory.resolve("broken");
        Path good = write(sources, "ext/SourceFlows.java", FLOWS);
        Path broken = write(sources, "ext/Broken.java", "package ext;\npublic final class Broken {\n    int x = nope;\n}\n");

        Command command = Command.run("flows", "--classes", sources.toString());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: --classes " + sources + " holds .java sources (compiled first, as"
                        + " 'loomflow dev' does), and they do not compile:\n  " + broken + ":3:13: cannot find symbol")
                .contains("symbol:   variable nope")
                .endsWith("fix them and run the command again\n")
                .doesNotContain(good.toString())
                .doesNotContain("\tat ");
    }

    @Test
    void aDirectoryOfCompiledClassesIsNotCompiledEvenWithSourcesBesideThem() throws Exception {
        Path mixed = directory.resolve("mixed");
        write(mixed, "ext/SourceFlows.java", FLOWS);
        write(mixed, "ext/Other.class", "not a class file");

        Command command = Command.run("flows", "--classes", mixed.toString());

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).doesNotContain("from-source");
        assertThat(List.of(command.err())).noneMatch(err -> err.contains("compile"));
    }
}
