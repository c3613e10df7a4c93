package io.loomflow.workers.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@link FiveStepWorker}s in JVMs of their own, started with this JVM's {@code java} and class
 * path, with their output (standard output and error together) kept line by line, and the signals
 * the tests send them. Thread-safe; {@link #close()} stops every process still alive.
 */
public final class WorkerProcesses implements AutoCloseable {

    /** Java's exit status for a process ended by SIGKILL: 128 + 9. */
    public static final int KILLED = 137;

    private final String url;
    private final Consumer<String> echo;
    private final List<WorkerProcess> started = new ArrayList<>();

    /**
     * @param url the queue's database, with its schema
     * @param echo where every output line goes as well, prefixed with the worker's name
     */
    public WorkerProcesses(String url, Consumer<String> echo) {
        this.url = url;
        this.echo = echo;
    }

    /**
     * Starts a worker; does not wait for it.
     *
     * @param name its name
     * @param options more {@link FiveStepWorker} options, such as {@code concurrency}
     * @return the process
     * @throws IOException if the JVM cannot be started
     */
    public WorkerProcess start(String name, Map<String, String> options) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("this JVM's command is unknown, so no worker JVM can be started"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %5$s%6$s%n",
                "-cp", System.getProperty("java.class.path"), FiveStepWorker.class.getName(), "url=" + url,
                "name=" + name));
        options.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        WorkerProcess worker = new WorkerProcess(name, process);
        synchronized (started) {
            started.add(worker);
        }
        Thread.ofVirtual().name("output-" + name).start(worker::read);
        return worker;
    }

    /**
     * Every worker started so far, dead or alive.
     *
     * @return the workers, in start order
     */
    public List<WorkerProcess> all() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    /** Terminates every worker still alive (SIGTERM, which closes it), then kills what remains. */
    @Override
    public void close() throws InterruptedException {
        List<WorkerProcess> alive = all().stream().filter(worker -> worker.process.isAlive()).toList();
        alive.forEach(worker -> worker.process.destroy());
        for (WorkerProcess worker : alive) {
            if (!worker.process.waitFor(20, TimeUnit.SECONDS)) {
                worker.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** One worker JVM and its output. */
    public final class WorkerProcess {
        private final String name;
        private final Process process;
        private final List<String> lines = new ArrayList<>(); // guarded by itself
        private boolean ended; // guarded by lines

        private WorkerProcess(String name, Process process) {
            this.name = name;
            this.process = process;
        }

        private void read() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    echo.accept(name + "| " + line);
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the process died
            } finally {
                synchronized (lines) {
                    ended = true;
                    lines.notifyAll();
                }
            }
        }

        /** @return the worker's name */
        public String name() {
            return name;
        }

        /** @return the process id */
        public long pid() {
            return process.pid();
        }

        /** @return whether the process runs */
        public boolean alive() {
            return process.isAlive();
        }

        /** @return every line it wrote so far */
        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /**
         * Waits for the first line (written so far or later) that matches.
         *
         * @param wanted what the line must satisfy
         * @param what the line, in the error
         * @param most how long to wait
         * @return the line
         * @throws InterruptedException if interrupted
         * @throws IllegalStateException if none came in time, or the process's output ended first
         */
        public String await(Predicate<String> wanted, String what, Duration most) throws InterruptedException {
            long deadline = System.nanoTime() + most.toNanos();
            synchronized (lines) {
                int seen = 0;
                while (true) {
                    for (; seen < lines.size(); seen++) {
                        if (wanted.test(lines.get(seen))) {
                            return lines.get(seen);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (ended || left <= 0) {
                        throw new IllegalStateException("worker " + name + " wrote no " + what + " within " + most
                                + (ended ? " (its output ended)" : "") + "; its last lines: "
                                + lines.subList(Math.max(0, lines.size() - 10), lines.size()));
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                }
            }
        }

        /**
         * Waits until it is registered.
         *
         * @param most how long to wait
         * @return its worker id
         * @throws InterruptedException if interrupted
         */
        public UUID awaitReady(Duration most) throws InterruptedException {
            return UUID.fromString(await(line -> line.startsWith("READY "), "READY line", most).substring(6));
        }

        /**
         * Kills it with SIGKILL ({@link Process#destroyForcibly()} on Linux) and waits until it is dead.
         *
         * @return its exit status, {@link #KILLED} after a SIGKILL
         * @throws InterruptedException if interrupted
         */
        public int kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker " + name + " (pid " + pid() + ") outlived SIGKILL by 30 s");
            }
            return process.exitValue();
        }

        /**
         * Sends a signal with {@code kill -SIGNAL pid}.
         *
         * @param signal such as {@code STOP} or {@code CONT}
         * @throws IOException if {@code kill} cannot be run
         * @throws InterruptedException if interrupted
         */
        public void signal(String signal) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        }

        /**
         * Writes a line to its standard input.
         *
         * @param line the line
         * @throws IOException if it cannot be written
         */
        public void send(String line) throws IOException {
            OutputStream input = process.getOutputStream();
            input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        }

        /**
         * Waits until the process ended by itself.
         *
         * @param most how long to wait
         * @return whether it ended
         * @throws InterruptedException if interrupted
         */
        public boolean awaitExit(Duration most) throws InterruptedException {
            return process.waitFor(most.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * The exit status of a process that has ended.
         *
         * @return its exit status
         * @throws IllegalThreadStateException if it is still running
         */
        public int exitStatus() {
            return process.exitValue();
        }

        @Override
        public String toString() {
            return name + " (pid " + pid() + ")";
        }
    }
}
