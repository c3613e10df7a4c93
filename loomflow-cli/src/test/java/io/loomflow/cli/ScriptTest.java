package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ./loomflow script at the repository root builds what it needs (if it must) and runs the examples' hello flow. */
class ScriptTest {

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // the first use builds the command and its AOT cache with ./mvnw
    void theScriptRunsHelloFromTheRepositoryRoot() throws Exception {
        Path root = Path.of(System.getProperty("loomflow.root", "..")).toAbsolutePath().normalize();
        Path out = directory.resolve("out.txt");
        Path err = directory.resolve("err.txt");
        Process process = new ProcessBuilder(root.resolve("loomflow").toString(), "run", "hello", "--param", "name=World",
                "--db", directory.resolve("history").toString(), "--progress", "plain")
                .directory(root.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }

        assertThat(process.exitValue()).as("stderr:\n" + Files.readString(err)).isZero();
        // stdout is a file, no terminal: only the result goes there, as JSON; progress and the run id to stderr
        assertThat(Files.readString(out)).isEqualTo("\"Hello, World!\"\n");
        assertThat(Files.readString(err)).containsPattern("greet +INFO +greeting World\n")
                .containsPattern("hello Completed in \\d+ ms; run [0-9a-f-]{36}\n");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void serverRunsWithAServersJvmFlagsRatherThanTheFastStartOnes() throws Exception {
        Path root = Path.of(System.getProperty("loomflow.root", "..")).toAbsolutePath().normalize();
        Path out = directory.resolve("server-out.txt");
        // The script execs the JVM, so the process is the JVM and its arguments are the script's choice.
        Process server = new ProcessBuilder(root.resolve("loomflow").toString(), "server", "--port", "0",
                "--db", directory.resolve("history").toString())
                .directory(root.toFile())
                .redirectOutput(out.toFile())
                .redirectError(directory.resolve("server-err.txt").toFile())
                .start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(4))
                    .until(() -> Files.readString(out).contains("Loomflow server at") || !server.isAlive());
            assertThat(server.isAlive()).as("the server runs; stderr:\n%s",
                    Files.readString(directory.resolve("server-err.txt"))).isTrue();
            // ProcessHandle.Info leaves out long command lines; /proc has them whole (CI runs Linux).
            java.util.List<String> arguments = java.util.List.of(Files.readString(Path.of("/proc", Long.toString(server.pid()),
                    "cmdline")).split("\0"));
            assertThat(arguments).contains("-XX:+UseG1GC", "-Dsun.net.httpserver.nodelay=true")
                    .noneMatch(argument -> argument.startsWith("-XX:TieredStopAtLevel") || argument.equals("-XX:+UseSerialGC")
                            || argument.startsWith("-XX:AOTCache"));
        } finally {
            server.destroy(); // SIGTERM: the server stops in order
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
