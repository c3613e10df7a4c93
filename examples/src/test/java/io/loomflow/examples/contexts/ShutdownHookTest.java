package io.loomflow.examples.contexts;

import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The context matrix for a JVM shutdown hook of the user's own ({@link ShutdownHookProgram}, in a
 * JVM of its own). Loomflow's hook closes the default engine, before or while the user's hook runs;
 * so in the user's hook a default-engine call may complete (with the reference result) or fail,
 * but only with an {@code EngineClosedException} whose message says the JVM is shutting down (or
 * the engine closing) and what to do instead; where the default engine is certainly gone (the
 * {@code closed} and {@code cold} modes) it must fail that way. An engine the hook builds itself
 * must run everything and leave no thread after close, and the hook's own thread must be unchanged
 * (thread-local values, context class loader, name, interrupt status). In every case the JVM exits
 * promptly, with status 0 and nothing on standard error, whether {@code main} returns or calls
 * {@code System.exit}. (In the {@code warm} race, Loomflow's hook, installed first, has so far always
 * won here, so that mode asserts the either-or rule rather than one outcome.)
 */
class ShutdownHookTest {

    @ParameterizedTest(name = "{0}, main ends by {1}")
    @CsvSource({"warm, return", "warm, exit", "closed, return", "cold, return", "cold, exit"})
    void aRunStartedInAUserShutdownHookCompletesOrFailsClearlyAndTheJvmExits(String mode, String ending)
            throws Exception {
        ChildJvm.Result result = ChildJvm.runMain(ShutdownHookProgram.class, Duration.ofSeconds(30), mode, ending);
        String reference = MatrixFlows.reference();
        boolean mustFail = !mode.equals("warm");

        List<String> lines = new ArrayList<>(result.lines());
        List<String> head = new ArrayList<>();
        if (!mode.equals("cold")) {
            head.add("main Flow.run: " + reference);
        }
        head.add("main done");
        if (mode.equals("closed")) {
            head.add("hook waited for the default engine to refuse work: true");
        }
        assertThat(lines).as("%s", result).hasSize(head.size() + 10);
        assertThat(lines.subList(0, head.size())).as("%s", result).containsExactlyElementsOf(head);
        List<String> hook = lines.subList(head.size(), lines.size());
        for (int i = 0; i < 3; i++) {
            String label = List.of("Flow.run", "task.call", "Flow.runAsync").get(i);
            assertThat(hook.get(i)).as("%s", result).startsWith("hook " + label + ": ");
            String outcome = hook.get(i).substring(("hook " + label + ": ").length());
            if (mustFail || !outcome.equals(reference)) {
                assertClearRefusal(outcome, result);
            }
        }
        assertThat(hook.get(3)).as("%s", result).startsWith("hook Engine.defaultEngine(): ");
        String defaultEngine = hook.get(3).substring("hook Engine.defaultEngine(): ".length());
        if (mustFail || !defaultEngine.equals("default")) {
            assertClearRefusal(defaultEngine, result);
        }
        assertThat(hook.subList(4, 10)).as("%s", result).containsExactly(
                "hook own engine.run: " + reference,
                "hook own engine.run(task): " + reference,
                "hook own engine.runAsync: " + reference,
                "hook own engine threads alive after close: 0",
                "hook thread unchanged: true",
                "hook done");
        assertThat(result.stderr()).as("%s", result).isEmpty();
        assertThat(result.exitCode()).as("%s", result).isZero();
        // About a second normally; a run left to the default engine's 10 s grace period would exceed this.
        assertThat(result.elapsed()).as("%s", result).isLessThan(Duration.ofSeconds(8));
    }

    /** A refusal is clear if it is an EngineClosedException that says why and what to do instead. */
    private static void assertClearRefusal(String outcome, ChildJvm.Result result) {
        assertThat(outcome).as("%s", result).startsWith("failed: EngineClosedException: ")
                .containsAnyOf("shutting down", "closing", "closed")
                .containsAnyOf("engine of your own", "Engine.builder()");
    }
}
