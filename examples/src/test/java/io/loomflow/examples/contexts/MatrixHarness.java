package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * One test's engines and thread baseline: an engine under test built with a
 * {@link TrackingThreadFactory}, and the default engine.
 *
 * <p>Method: opening the harness does a warm-up run of every entry point on the test thread (so the
 * default engine, the virtual-thread scheduler and the JDK's lazily started threads exist), then
 * takes the baseline, {@link ThreadCensus#watched()}. {@link #closeAndAssertNothingLeftBehind()}
 * closes the engine under test and the default engine (a closed default engine is made anew on next
 * use), then asserts that
 * <ol>
 *   <li>every thread the engine under test ever made has terminated (strictly, at once: close()
 *       must have waited for them);
 *   <li>no thread named {@code loomflow*}, virtual or platform, is alive, per a full thread dump
 *       (this covers the default engine's virtual threads, whose factory a test cannot wrap);
 *   <li>no non-daemon platform thread is alive that was not in the baseline, allowing threads the
 *       context itself ended (a pool, a timer) a moment to terminate.
 * </ol>
 */
final class MatrixHarness implements AutoCloseable {

    final TrackingThreadFactory threads = new TrackingThreadFactory("loomflow-matrix-");
    final Engine engine = Engine.builder().name("matrix").threadFactory(threads).build();
    private final Set<Thread> baseline;
    private boolean checked;

    MatrixHarness() {
        try (var _ = CallerState.mark("warm-up")) {
            Map<EntryPoint, String> warmUp = runEveryEntryPoint(engine);
            assertThat(warmUp.values()).as("warm-up on the test thread").containsOnly(MatrixFlows.reference());
        }
        baseline = ThreadCensus.watched();
    }

    /**
     * Runs the matrix flow once through every entry point on the calling thread, checking after each
     * that the thread is unchanged; returns the results by entry point.
     */
    static Map<EntryPoint, String> runEveryEntryPoint(Engine engine) {
        Map<EntryPoint, String> results = new EnumMap<>(EntryPoint.class);
        for (EntryPoint entryPoint : EntryPoint.values()) {
            results.put(entryPoint, entryPoint.runChecked(engine, MatrixFlows.ITEMS));
        }
        return results;
    }

    /** Asserts that every entry point gave the reference result. */
    static void assertSameResults(Map<EntryPoint, String> results, String context) {
        assertThat(results).as("results from %s", context).containsOnlyKeys(EntryPoint.values());
        results.forEach((entryPoint, result) -> assertThat(result)
                .as("%s from %s", entryPoint, context).isEqualTo(MatrixFlows.reference()));
    }

    /** Closes both engines and asserts that no thread is left behind; see the class description. */
    void closeAndAssertNothingLeftBehind() throws InterruptedException {
        checked = true;
        engine.close();
        Engine.defaultEngine().close();
        assertThat(threads.created()).as("threads made by the engine under test").isPositive();
        assertThat(threads.notTerminated()).as("threads of the engine under test alive after close()").isEmpty();
        assertThat(ThreadCensus.loomflowThreads()).as("loomflow threads alive after both engines closed").isEmpty();
        assertThat(ThreadCensus.newSince(baseline, Duration.ofSeconds(5)))
                .as("non-daemon or loomflow platform threads that were not there before").isEmpty();
    }

    @Override
    public void close() {
        if (!checked) { // the test failed before its check: still leave no engine open for the next test
            engine.close();
            Engine.defaultEngine().close();
        }
    }
}
