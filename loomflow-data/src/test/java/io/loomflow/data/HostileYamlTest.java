package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.loomflow.data.internal.YamlFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile YAML corpus ({@code src/test/resources/hostile-yaml}, one file per case, described in its
 * {@code cases.csv}) through both YAML readers: each file is refused within seconds, with a
 * {@link CatalogException} that starts with {@code file:line:column:} and names the offending value;
 * never an {@code OutOfMemoryError}, a {@code StackOverflowError} or a hang.
 */
class HostileYamlTest {

    private static final Duration QUICKLY = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    /** Each row of {@code cases.csv} once for each reader it names. */
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = HostileYamlTest.class.getResourceAsStream("/hostile-yaml/cases.csv")) {
            String index = new String(Objects.requireNonNull(in, "cases.csv").readAllBytes(), StandardCharsets.UTF_8);
            for (String line : index.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList()) {
                String[] columns = line.split("\\|", 4);
                for (String reader : columns[1].trim().split(" ")) {
                    cases.add(Arguments.of(columns[0].trim(), reader, columns[2].trim(), columns[3].trim()));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} through the {1} reader")
    @MethodSource("cases")
    void isRefusedWithItsPositionAndTheOffendingValue(String name, String reader, String position, String fragment)
            throws Exception {
        Path file = directory.resolve(name);
        try (InputStream in = HostileYamlTest.class.getResourceAsStream("/hostile-yaml/" + name)) {
            assertThat(in).as("corpus file %s", name).isNotNull();
            Files.copy(in, file);
        }
        CatalogException refused = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(CatalogException.class,
                () -> read(reader, file)), () -> name + " through the " + reader + " reader took too long");
        assertThat(refused.getMessage()).startsWith(file + ":" + position + ": ").contains(fragment)
                .doesNotContain("\n");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedAtTheLineThatPassesIt() throws Exception {
        Path file = directory.resolve("huge.yml");
        int lineLength = 1024;
        int lines = YamlFile.MAX_BYTES / lineLength + 1; // the last line passes the limit
        StringBuilder text = new StringBuilder(lines * lineLength);
        for (int i = 0; i < lines; i++) {
            text.append("k%06d: ".formatted(i)).append("x".repeat(lineLength - 10)).append('\n');
        }
        Files.writeString(file, text);
        for (String reader : new String[] {"catalog", "parameters"}) {
            CatalogException refused = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(CatalogException.class,
                    () -> read(reader, file)));
            assertThat(refused.getMessage()).isEqualTo(file + ":" + lines + ":1: the " + reader + " file is larger than"
                    + " 3145728 bytes, the most Loomflow reads from a YAML file (the limit is passed on this line); keep"
                    + " data in datasets, not in configuration");
        }
    }

    private static Object read(String reader, Path file) {
        return switch (reader) {
            case "catalog" -> Catalog.load(file, Map.of());
            case "parameters" -> Parameters.load(file);
            default -> throw new IllegalArgumentException("cases.csv names an unknown reader '" + reader
                    + "'; use catalog or parameters");
        };
    }
}
