package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.contract.ChildJvm;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory promise of Parquet streams: in a JVM whose whole heap is 48 MiB, a node turns a CSV
 * into a Parquet file more than three times that size, and the Parquet file back into CSV, as
 * streams, row group by row group; loading the same file whole runs out of memory, so the size is
 * one where streaming matters.
 */
class ParquetStreamMemoryTest {

    private static final String HEAP = "-Xmx48m";
    private static final long PARQUET_BYTES = 3L * 48 * 1024 * 1024;

    @TempDir
    Path root;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // three child JVMs, each converting 150 MiB or more, on 2 loaded cores
    void aParquetFileThreeTimesTheHeapIsWrittenFromCsvAndReadBackToCsvAsStreams() throws Exception {
        long rows = writeCsv(root.resolve("in.csv"));

        ChildJvm write = run("write");
        assertThat(write.exitCode()).as(write.toString()).isZero();
        assertThat(Files.size(root.resolve("readings.parquet"))).isGreaterThan(PARQUET_BYTES);

        ChildJvm whole = run("whole");
        assertThat(whole.exitCode()).as(whole.toString()).isEqualTo(3); // -XX:+ExitOnOutOfMemoryError
        assertThat(whole.output()).contains("OutOfMemoryError");
        assertThat(root.resolve("out.csv")).doesNotExist();

        ChildJvm read = run("read");
        assertThat(read.exitCode()).as(read.toString()).isZero();
        assertThat(read.output()).contains("converted");
        try (BufferedReader in = Files.newBufferedReader(root.resolve("in.csv"));
             BufferedReader out = Files.newBufferedReader(root.resolve("out.csv"))) {
            long lines = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String written = out.readLine();
                assertThat(written).isNotNull();
                assertThat(written.replace("\"", "")).isEqualTo(line); // Jackson quotes the tokens, which may start with a digit
                lines++;
            }
            assertThat(out.readLine()).isNull();
            assertThat(lines).isEqualTo(rows + 1);
        }
    }

    /** Writes rows of random tokens until the CSV is larger than the Parquet file must be; returns how many. */
    private static long writeCsv(Path file) throws IOException {
        Random random = new Random(17);
        byte[] token = new byte[16];
        long rows = 0;
        long bytes = 0;
        try (BufferedWriter csv = Files.newBufferedWriter(file)) {
            csv.write("id,value,token\n");
            while (bytes < PARQUET_BYTES * 3 / 2) {
                rows++;
                random.nextBytes(token);
                String row = rows + "," + (rows % 10_000) / 8.0 + "," + HexFormat.of().formatHex(token) + "\n";
                csv.write(row);
                bytes += row.length();
            }
        }
        return rows;
    }

    private ChildJvm run(String mode) throws Exception {
        return ChildJvm.run(HEAP, ParquetStreamMemoryChild.class, root, mode, root.toString());
    }
}
