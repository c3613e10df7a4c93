package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory promise at a size CI can afford: a node turns a CSV four times larger than its JVM's
 * whole heap into JSON lines, as streams, and succeeds; the same conversion on whole objects runs
 * out of memory, so the size is one where streaming matters.
 */
class StreamingMemoryTest {

    private static final String HEAP = "-Xmx32m";
    private static final long CSV_BYTES = 128L * 1024 * 1024;

    @TempDir
    Path root;

    @Test
    void aCsvFourTimesTheHeapStreamsThroughANodeToJsonLinesAndTheWholePathRunsOutOfMemory() throws Exception {
        long rows = writeCsv(root.resolve("trips.csv"));
        assertThat(Files.size(root.resolve("trips.csv"))).isGreaterThanOrEqualTo(CSV_BYTES);

        Child whole = run("whole");
        assertThat(whole.exitCode).as(whole.toString()).isEqualTo(3); // -XX:+ExitOnOutOfMemoryError
        assertThat(whole.output).contains("OutOfMemoryError");
        assertThat(root.resolve("trips.jsonl")).doesNotExist();

        Child streamed = run("stream");
        assertThat(streamed.exitCode).as(streamed.toString()).isZero();
        assertThat(streamed.output).contains("converted");
        long lines = 0;
        String last = null;
        try (BufferedReader jsonl = Files.newBufferedReader(root.resolve("trips.jsonl"))) {
            for (String line = jsonl.readLine(); line != null; line = jsonl.readLine()) {
                lines++;
                last = line;
            }
        }
        assertThat(lines).isEqualTo(rows);
        assertThat(last).isEqualTo("{\"id\":" + rows + ",\"city\":\"City " + rows % 97 + "\",\"km\":" + (rows % 1000) / 10.0
                + "}");
    }

    /** Writes rows until the file has at least {@link #CSV_BYTES}; returns how many. */
    private static long writeCsv(Path file) throws IOException {
        long rows = 0;
        long bytes = 0;
        try (BufferedWriter csv = Files.newBufferedWriter(file)) {
            csv.write("id,city,km\n");
            while (bytes < CSV_BYTES) {
                rows++;
                String row = rows + ",City " + rows % 97 + "," + (rows % 1000) / 10.0 + "\n";
                csv.write(row);
                bytes += row.length();
            }
        }
        return rows;
    }

    private record Child(int exitCode, String output) {
    }

    private Child run(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            classPath = classPath + File.pathSeparator + modulePath;
        }
        List<String> command = new ArrayList<>(List.of(java, HEAP, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-cp", classPath, StreamingMemoryChild.class.getName(), mode, root.toString()));
        Path output = root.resolve(mode + ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(mode + " did not end within 5 minutes: " + Files.readString(output));
        }
        String text = Files.readString(output);
        Files.delete(output);
        return new Child(process.exitValue(), text);
    }
}
