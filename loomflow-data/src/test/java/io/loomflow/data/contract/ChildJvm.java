package io.loomflow.data.contract;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test harness: runs a main class of the tests' class path in a child JVM with a small heap,
 * which exits on its first {@code OutOfMemoryError} (exit code 3), and gives its exit code and
 * output. The memory tests of streamed datasets (CSV here, Parquet in loomflow-parquet) prove with it
 * that data larger than the heap passes.
 *
 * @param exitCode the child's exit code
 * @param output what it printed, standard output and error together
 */
public record ChildJvm(int exitCode, String output) {

    /**
     * Runs a child JVM and waits for it, 5 minutes at most.
     *
     * @param heap the heap option, such as {@code -Xmx32m}
     * @param main the class whose {@code main} runs
     * @param folder where its output is collected (a file, deleted after)
     * @param args its arguments
     * @return how it ended
     * @throws Exception if it cannot be started, or did not end in time
     */
    public static ChildJvm run(String heap, Class<?> main, Path folder, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            classPath = classPath + File.pathSeparator + modulePath;
        }
        List<String> command = new ArrayList<>(List.of(java, heap, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(folder, "child", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not end within 5"
                    + " minutes: " + Files.readString(output));
        }
        String text = Files.readString(output);
        Files.delete(output);
        return new ChildJvm(process.exitValue(), text);
    }
}
