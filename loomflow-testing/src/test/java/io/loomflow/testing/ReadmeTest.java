package io.loomflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's example is ReportTest, which runs: the two cannot drift apart. */
class ReadmeTest {

    @Test
    void theReadmesExampleIsReportTestAsItRuns() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("README.md has a java block").isTrue();
        String source = Files.readString(Path.of("src/test/java/io/loomflow/testing/ReportTest.java"));
        String example = block.group(1);
        assertThat(example).contains("@LoomflowTest\nclass ReportTest {");
        assertThat(source).contains(example.substring(example.indexOf("@LoomflowTest")));
        for (String line : example.substring(0, example.indexOf("@LoomflowTest")).strip().split("\n")) {
            assertThat(source).as("ReportTest has the README's imports").contains(line);
        }
    }
}
