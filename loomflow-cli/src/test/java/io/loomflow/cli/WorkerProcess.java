package io.loomflow.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code loomflow worker} in a JVM of its own, as a user starts it: the test class path, its lines
 * read as they come, SIGTERM to stop it.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path err;
    private final List<String> lines = new ArrayList<>(); // guarded by itself
    private final Thread reader;

    private WorkerProcess(Process process, Path err) {
        this.process = process;
        this.err = err;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
    }

    /**
     * Starts {@code loomflow worker ARGS} in the working directory {@code directory} (where its
     * stderr is kept too) and waits for the line that says it serves.
     */
    static WorkerProcess start(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker"));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(directory, "worker-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectError(err.toFile());
        builder.environment().remove("LOOMFLOW_DB");
        builder.environment().remove("LOOMFLOW_ENV");
        WorkerProcess worker = new WorkerProcess(builder.start(), err);
        worker.awaitLine("Ctrl-C to stop", Duration.ofSeconds(60));
        return worker;
    }

    /** Waits until a line it printed contains {@code text}, and returns that line. */
    String awaitLine(String text, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("the worker printed no line with '" + text + "' within " + within
                            + "; out:\n" + String.join("\n", lines) + "\nerr:\n" + err());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** What it printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String err() {
        try {
            return Files.readString(err);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** Sends SIGTERM (what Ctrl-C also leads to) and waits for the process to end; returns its exit code. */
    int terminate() throws InterruptedException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the pipes
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the worker did not stop within 60 s of SIGTERM; stderr:\n" + err());
        }
        reader.join(Duration.ofSeconds(10));
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
