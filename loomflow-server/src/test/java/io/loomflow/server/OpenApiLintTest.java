package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * openapi.json passes an independent OpenAPI linter: Redocly CLI with its recommended rules
 * ({@code src/test/openapi-lint/redocly.yaml}), installed from the npm registry with {@code npm ci} into
 * {@code target/openapi-lint}, exactly as {@code package-lock.json} pins it. Needs node 20.19+ and npm on
 * the PATH; without them the test fails and says so.
 */
class OpenApiLintTest {

    private static final Path SOURCE = Path.of("src/test/openapi-lint");
    private static final Path TOOL = Path.of("target/openapi-lint");
    private static final Path DOCUMENT = Path.of("src/main/resources/io/loomflow/server/internal/web/openapi.json");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES) // the first run installs the linter
    void theOpenApiDocumentPassesRedoclysRecommendedRules() throws Exception {
        Path redocly = TOOL.resolve("node_modules/.bin/redocly");
        if (!Files.isExecutable(redocly)) {
            Files.createDirectories(TOOL);
            for (String file : List.of("package.json", "package-lock.json")) {
                Files.copy(SOURCE.resolve(file), TOOL.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Result installed = run(TOOL, 5, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(installed.exit()).as("npm ci of the pinned linter:\n%s", installed.output()).isZero();
        }
        Result lint = run(Path.of("."), 2, redocly.toString(), "lint", "--config", SOURCE.resolve("redocly.yaml").toString(),
                "--format", "stylish", DOCUMENT.toString());
        assertThat(lint.exit()).as("redocly lint:\n%s", lint.output()).isZero();
        assertThat(lint.output()).as("redocly lint:\n%s", lint.output()).contains("valid").doesNotContainPattern("(?i)\\d+ warnings?");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path directory, int minutes, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("openapi-lint", ".txt");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException notInstalled) {
            throw new AssertionError("cannot run " + command[0] + " (" + notInstalled.getMessage() + "); install node 20.19"
                    + " or newer with npm (apt-get install nodejs npm, or from nodejs.org)", notInstalled);
        }
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + minutes + " minutes:\n"
                    + Files.readString(output));
        }
        try {
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
