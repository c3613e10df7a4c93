package io.loomflow.examples.s2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario S2 in a notebook: the spaceflights pipeline run from JShell snippets, with the snippets
 * executed in this JVM ({@code local}) and in a JVM of their own (the default, remote engine),
 * gives the report that a run from plain Java code gives.
 */
class SpaceflightsInJShellTest {

    @TempDir
    Path workspace;

    /** A fresh copy of the example project: conf/ and the raw data. */
    private Path project(String name) throws Exception {
        Path project = workspace.resolve(name);
        for (String file : List.of("conf/catalog.yml", "conf/parameters.yml", "data/01_raw/companies.csv",
                "data/01_raw/shuttles.csv")) {
            Files.createDirectories(project.resolve(file).getParent());
            Files.copy(Path.of(file), project.resolve(file));
        }
        return project;
    }

    /** The snippets a notebook user would write; the last one's value is the report. */
    private static List<String> snippets(Path project) {
        String root = project.toString().replace("\\", "\\\\");
        return List.of(
                "import io.loomflow.*;",
                "import io.loomflow.data.*;",
                "import io.loomflow.data.spi.StorageOptions;",
                "import java.nio.file.Path;",
                "import java.util.Map;",
                "var catalog = Catalog.load(Path.of(\"" + root + "/conf/catalog.yml\")).withStorage(\"file\","
                        + " Storages.resource(new StorageOptions(\"file\", Map.of(\"root\", \"" + root + "/data\"))));",
                "var parameters = Parameters.load(Path.of(\"" + root + "/conf/parameters.yml\"));",
                "var flow = io.loomflow.examples.s2.Spaceflights.pipeline().toFlow(\"spaceflights\", catalog, parameters);",
                "flow.run(PipelineRun.all());",
                "Flow.named(\"read\", (Integer i) -> catalog.dataset(\"shuttle_report\").load()).run(0)");
    }

    private static String runIn(JShell.Builder builder, List<String> snippets) {
        try (JShell shell = builder.build()) {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            for (String entry : classPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
            String value = null;
            for (String snippet : snippets) {
                for (SnippetEvent event : shell.eval(snippet)) {
                    if (event.causeSnippet() != null) {
                        continue;
                    }
                    assertThat(event.status()).as("%s: %s", snippet, shell.diagnostics(event.snippet())
                            .map(d -> d.getMessage(null)).toList()).isEqualTo(Snippet.Status.VALID);
                    assertThat(event.exception()).as(snippet).isNull();
                    value = event.value();
                }
            }
            return value;
        }
    }

    @Test
    void fromJShellInProcessAndRemoteTheReportIsTheSame() throws Exception {
        String reference = runIn(JShell.builder().executionEngine("local"), snippets(project("reference")));
        assertThat(reference).contains("currency=USD", "shuttles=4", "well_rated_shuttles=3",
                "Type F5={", "Type V5={");
        assertThat(runIn(JShell.builder().executionEngine("local"), snippets(project("local")))).isEqualTo(reference);
        assertThat(runIn(JShell.builder(), snippets(project("remote")))).isEqualTo(reference);
    }
}
