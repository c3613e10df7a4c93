package io.loomflow.examples.shutdown;

import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Shutdown at process level: a JVM with 1,000 tasks in flight on the default engine is stopped by
 * SIGTERM, by {@code System.exit} from inside a task, or by {@code main} returning. Each time it
 * must exit within the engine's grace period plus one second, print no stack trace, and report a
 * final state for every run (none left running).
 *
 * <p>Time bounds here are behaviour (the grace period is the contract), not speed measurements.
 */
class ProcessShutdownTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    /** A running child JVM and everything it prints. */
    private static final class Child {
        final Process process;
        final List<String> stdout = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<String> stderr;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> outputClosed;

        Child(String mode, Duration taskTime, Duration grace) throws IOException {
            process = new ProcessBuilder(ChildJvm.java(), "-Dloomflow.shutdownGrace=" + grace, "-cp", ChildJvm.classPath(),
                    InFlightProgram.class.getName(), mode, taskTime.toString()).start();
            process.getOutputStream().close();
            outputClosed = CompletableFuture.runAsync(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        stdout.add(line);
                        if (line.equals("ready")) {
                            ready.complete(null);
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            stderr = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        void awaitReady() throws Exception {
            ready.get(60, TimeUnit.SECONDS);
        }

        /** Waits for exit and returns how long it took from now. */
        Duration awaitExit() throws Exception {
            long start = System.nanoTime();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exited").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            outputClosed.get(10, TimeUnit.SECONDS);
            return took;
        }

        /** How many runs ended in each final state, by run name. */
        Map<String, Map<String, Long>> finalStates() {
            return stdout.stream().filter(line -> line.startsWith("final ")).map(line -> line.split(" "))
                    .collect(Collectors.groupingBy(parts -> parts[1],
                            Collectors.groupingBy(parts -> parts[2], Collectors.counting())));
        }
    }

    @Test
    void onSigtermRunsInFlightFinishWithinTheGracePeriod() throws Exception {
        Duration grace = Duration.ofSeconds(5);
        Child child = new Child("wait", Duration.ofSeconds(1), grace);
        child.awaitReady();
        child.process.toHandle().destroy(); // SIGTERM only: Process.destroy() would also close our pipes
        Duration took = child.awaitExit();

        assertThat(took).isLessThan(grace.plus(ONE_SECOND));
        assertThat(child.process.exitValue()).isEqualTo(143);
        assertThat(child.stderr.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(child.finalStates()).isEqualTo(Map.of(
                "in-flight", Map.of("Completed", 1L),
                "sleep", Map.of("Completed", (long) InFlightProgram.TASKS)));
    }

    @Test
    void onSigtermRunsThatOutlastTheGracePeriodAreCancelledAndRecorded() throws Exception {
        Duration grace = Duration.ofSeconds(2);
        Child child = new Child("wait", Duration.ofMinutes(5), grace);
        child.awaitReady();
        child.process.toHandle().destroy(); // SIGTERM only: Process.destroy() would also close our pipes
        Duration took = child.awaitExit();

        assertThat(took).isGreaterThanOrEqualTo(grace).isLessThan(grace.plus(ONE_SECOND));
        assertThat(child.stderr.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(child.finalStates()).isEqualTo(Map.of(
                "in-flight", Map.of("Cancelled", 1L),
                "sleep", Map.of("Cancelled", (long) InFlightProgram.TASKS)));
    }

    @Test
    void systemExitFromInsideATaskExitsWithinTheGracePeriod() throws Exception {
        Duration grace = Duration.ofSeconds(2);
        Child child = new Child("exit", Duration.ofMinutes(5), grace);
        child.awaitReady();
        Duration took = child.awaitExit();

        assertThat(took).isLessThan(grace.plus(ONE_SECOND));
        assertThat(child.process.exitValue()).isZero();
        assertThat(child.stderr.get(10, TimeUnit.SECONDS)).isEmpty();
        Map<String, Map<String, Long>> states = child.finalStates();
        assertThat(states.get("in-flight")).isEqualTo(Map.of("Cancelled", 1L));
        assertThat(states.get("sleep")).isEqualTo(Map.of("Cancelled", (long) InFlightProgram.TASKS));
    }

    @Test
    void theDefaultEnginesHookIsTheOnlyOneAndAnExplicitCloseDoesNotDisturbIt() throws Exception {
        ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.java(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", ChildJvm.classPath(), HookCountProgram.class.getName()), Duration.ofSeconds(60));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).isEqualTo("hooks added 1\n");
    }

    @Test
    void whenMainReturnsRunsStartedWithRunAsyncCompleteBeforeTheJvmExits() throws Exception {
        Duration grace = Duration.ofSeconds(10);
        Child child = new Child("return", Duration.ofSeconds(1), grace);
        child.awaitReady();
        Duration took = child.awaitExit();

        assertThat(took).isLessThan(grace.plus(ONE_SECOND));
        assertThat(child.process.exitValue()).isZero();
        assertThat(child.stderr.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(child.finalStates()).isEqualTo(Map.of(
                "in-flight", Map.of("Completed", 1L),
                "sleep", Map.of("Completed", (long) InFlightProgram.TASKS)));
    }
}
