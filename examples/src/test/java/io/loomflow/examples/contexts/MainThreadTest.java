package io.loomflow.examples.contexts;

import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The context matrix for the main thread. JUnit runs tests on threads of its own, never on a JVM's
 * {@code main}; so {@link MainThreadProgram} runs every entry point from the {@code main} thread of
 * a JVM started for it, and this test compares its output with the reference result. The program
 * also checks its thread unchanged, its engine's threads gone after close, and that {@code main}
 * is the only non-daemon thread left; the JVM must then exit promptly (the default engine, still
 * open, is closed by Loomflow's shutdown hook) with nothing on standard error.
 */
class MainThreadTest {

    @Test
    void everyEntryPointGivesTheSameResultFromTheMainThreadAndTheJvmExitsPromptly() throws Exception {
        ChildJvm.Result result = ChildJvm.runMain(MainThreadProgram.class, Duration.ofSeconds(30));
        List<String> expected = new ArrayList<>();
        expected.add("thread: main, virtual false");
        for (EntryPoint entryPoint : EntryPoint.values()) {
            expected.add(entryPoint + ": " + MatrixFlows.reference());
        }
        expected.add("main thread unchanged: true");
        expected.add("engine threads made: some, alive after close: 0");
        expected.add("non-daemon threads: [main]");
        assertThat(result.lines()).as("%s", result).containsExactlyElementsOf(expected);
        assertThat(result.stderr()).as("%s", result).isEmpty();
        assertThat(result.exitCode()).as("%s", result).isZero();
        // Far above a normal start-and-exit (about a second here), far below the default engine's
        // 10 s grace period, which an exit that waits for a stray run would use up.
        assertThat(result.elapsed()).as("%s", result).isLessThan(Duration.ofSeconds(8));
    }
}
