package io.loomflow.examples.s2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.loomflow.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow run spaceflights --param project=DIR} with a hostile {@code parameters.yml} or
 * {@code catalog.yml} (cases of loomflow-data's hostile YAML corpus): the command ends quickly with
 * exit 1, a message naming the file, line, column and offending alias or key, and no stack trace.
 * Before the YAML readers were bounded, the first case took 5.9 GB and 15 minutes and ignored SIGTERM.
 */
class SpaceflightsHostileYamlTest {

    /** The 13 lines of issue 12: each anchor holds four aliases of the one before, 4^12 values in all. */
    static final String BILLION_LAUGHS = "l0: &l0 x\n" + IntStream.rangeClosed(1, 12)
            .mapToObj(i -> "l%d: &l%d {k0: *l%d, k1: *l%d, k2: *l%d, k3: *l%d}\n".formatted(i, i, i - 1, i - 1, i - 1, i - 1))
            .collect(Collectors.joining());

    @TempDir
    Path project;

    @BeforeEach
    void copyTheExampleProject() throws Exception {
        SpaceflightsTest.copyExampleProject(project);
    }

    private String refusedRun(Path hostile, String content) throws Exception {
        Files.writeString(hostile, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                return Main.run(new String[] {"run", "spaceflights", "--param", "project=" + project, "--db",
                        project.resolve("history").toString(), "--progress", "plain", "--output", "text"},
                        outStream, errStream);
            }
        });
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(errors).isEqualTo(1);
        assertThat(errors).startsWith("loomflow: flow 'spaceflights' failed: ").doesNotContain("\tat ")
                .doesNotContain("OutOfMemoryError").doesNotContain("StackOverflowError");
        return errors;
    }

    @Test
    void aBillionLaughsParametersFileIsRefusedAtTheAliasThatPassesTheLimit() throws Exception {
        Path parameters = project.resolve("conf/parameters.yml");
        assertThat(refusedRun(parameters, BILLION_LAUGHS)).contains(parameters + ":9:14: alias *l7 (anchor on line 8)"
                + " stands for 43689 nodes");
    }

    @Test
    void aSelfReferencingParametersFileIsRefusedAtItsAlias() throws Exception {
        Path parameters = project.resolve("conf/parameters.yml");
        assertThat(refusedRun(parameters, "a: &a\n  b: *a\n"))
                .contains(parameters + ":2:6: alias *a is inside the value of its own anchor &a (line 1)");
    }

    @Test
    void aCatalogWithADatasetGivenTwiceIsRefusedAtTheSecond() throws Exception {
        Path catalog = project.resolve("conf/catalog.yml");
        String twice = Files.readString(catalog) + "  companies: { type: csv, uri: \"file:01_raw/shuttles.csv\" }\n";
        assertThat(refusedRun(catalog, twice)).contains(catalog + ":12:3: the key 'companies' appears twice in the"
                + " same mapping (first at line 6, column 3)");
    }
}
