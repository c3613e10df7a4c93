package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.contract.ChildJvm;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

        ChildJvm whole = run("whole");
        assertThat(whole.exitCode()).as(whole.toString()).isEqualTo(3); // -XX:+ExitOnOutOfMemoryError
        assertThat(whole.output()).contains("OutOfMemoryError");
        assertThat(root.resolve("trips.jsonl")).doesNotExist();

        ChildJvm streamed = run("stream");
        assertThat(streamed.exitCode()).as(streamed.toString()).isZero();
        assertThat(streamed.output()).contains("converted");
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

    private ChildJvm run(String mode) throws Exception {
        return ChildJvm.run(HEAP, StreamingMemoryChild.class, root, mode, root.toString());
    }
}
