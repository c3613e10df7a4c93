package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code System.exit} from inside a task while {@code main} waits in {@code flow.run}: the JVM exits
 * with that code and prints nothing but what the program printed, every time. (The default engine's
 * shutdown hook cancels the run; the waiting {@code main} must not then throw, because an exception
 * escaping {@code main} is printed, racing the JVM's halt.)
 */
class ExitFromTaskTest {

    private static final int JVMS = 30;
    /** JVMs started together: their start-up is mostly waiting, so more than the cores. */
    private static final int AT_ONCE = 6;

    @Test
    void systemExitInATaskWhileMainWaitsInFlowRunExitsWithItsCodeAndPrintsNothingElse(@TempDir Path dir) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int first = 0; first < JVMS; first += AT_ONCE) {
            List<Process> batch = new ArrayList<>();
            for (int i = first; i < Math.min(JVMS, first + AT_ONCE); i++) {
                batch.add(new ProcessBuilder(javaCommand(ExitFromTaskProgram.class, "3"))
                        .redirectOutput(dir.resolve(i + ".out").toFile())
                        .redirectError(dir.resolve(i + ".err").toFile()).start());
            }
            for (int i = 0; i < batch.size(); i++) {
                Process process = batch.get(i);
                int n = first + i;
                process.getOutputStream().close();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    failures.add("JVM " + n + " did not exit");
                    continue;
                }
                String out = Files.readString(dir.resolve(n + ".out"), StandardCharsets.UTF_8);
                String err = Files.readString(dir.resolve(n + ".err"), StandardCharsets.UTF_8);
                if (process.exitValue() != 3 || !out.equals("running" + System.lineSeparator()) || !err.isEmpty()) {
                    failures.add("JVM " + n + ": exit code " + process.exitValue() + "\n--- stdout\n" + out
                            + "--- stderr\n" + err);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /** The command that runs the program's main in a new JVM, with the tests' class path. */
    private static List<String> javaCommand(Class<?> program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")); // starts faster; the behaviour is the same
        String modulePath = System.getProperty("jdk.module.path", "");
        String classPath = System.getProperty("java.class.path", "");
        command.add("-cp");
        command.add(modulePath.isEmpty() ? classPath : modulePath + File.pathSeparator + classPath);
        command.add(program.getName());
        command.addAll(List.of(args));
        return command;
    }
}
