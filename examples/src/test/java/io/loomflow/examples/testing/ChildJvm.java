package io.loomflow.examples.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program in a JVM of its own, as a user would, and collects what it prints. */
public final class ChildJvm {

    /** What the program did: its exit code, output, and how long it took from start to exit. */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
        public List<String> lines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }

    private ChildJvm() {
    }

    /** The {@code java} launcher of the JVM running the tests (a JDK 25), found without a fixed path. */
    public static String java() {
        return ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs the tests"));
    }

    /** The class path of the tests: Loomflow, the test classes and their dependencies. */
    public static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Runs {@code mainClass} with the test class path; fails if it has not exited within {@code bound}. */
    public static Result runMain(Class<?> mainClass, Duration bound, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", classPath(), mainClass.getName()));
        command.addAll(List.of(args));
        return run(command, bound);
    }

    /** Runs a command with no input; fails if it has not exited within {@code bound}, killing it. */
    public static Result run(List<String> command, Duration bound) throws IOException, InterruptedException {
        return run(command, null, bound);
    }

    /** Runs a command in {@code directory} (null: this one) with no input; fails if it has not exited within {@code bound}. */
    public static Result run(List<String> command, Path directory, Duration bound) throws IOException, InterruptedException {
        return run(command, directory, java.util.Map.of(), bound);
    }

    /**
     * Runs a command in {@code directory} (null: this one) with no input and {@code environment} added to
     * this process's; fails if it has not exited within {@code bound}.
     */
    public static Result run(List<String> command, Path directory, java.util.Map<String, String> environment, Duration bound)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("child-jvm");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        try {
            long start = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder.directory(directory == null ? null : directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (!exited) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Result result = new Result(exited ? process.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), elapsed);
            if (!exited) {
                throw new AssertionError("the process did not exit within " + bound + ": " + command + "\n" + result);
            }
            return result;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(dir);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
