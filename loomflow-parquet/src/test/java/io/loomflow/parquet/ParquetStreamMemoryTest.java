package io.loomflow.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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

        Child write = run("write");
        assertThat(write.exitCode).as(write.toString()).isZero();
        assertThat(Files.size(root.resolve("readings.parquet"))).isGreaterThan(PARQUET_BYTES);

        Child whole = run("whole");
        assertThat(whole.exitCode).as(whole.toString()).isEqualTo(3); // -XX:+ExitOnOutOfMemoryError
        assertThat(whole.output).contains("OutOfMemoryError");
        assertThat(root.resolve("out.csv")).doesNotExist();

        Child read = run("read");
        assertThat(read.exitCode).as(read.toString()).isZero();
        assertThat(read.output).contains("converted");
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
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, ParquetStreamMemoryChild.class.getName(), mode,
                root.toString()));
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
