package io.loomflow.testing;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sample test classes that {@link LeakChecksTest} runs through the JUnit Platform: each leaves one
 * thing behind (or nothing). Their names match none of the build's test patterns, so the build does
 * not run them by themselves, and a run that selects them anyway (such as {@code -Dtest='io.loomflow.testing.**'})
 * skips them: they run only with the configuration parameter {@value #RUN_SAMPLES} that LeakChecksTest sets.
 */
final class LeakySamples {

    /** The configuration parameter, set to {@code true} by LeakChecksTest, without which the samples are skipped. */
    static final String RUN_SAMPLES = "loomflow.testing.samples";

    private LeakySamples() {
    }

    /** Runs a sample only when {@link LeakChecksTest} runs it. */
    static final class OnlyFromLeakChecksTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(RUN_SAMPLES).filter("true"::equals).isPresent()
                    ? ConditionEvaluationResult.enabled("run by LeakChecksTest")
                    : ConditionEvaluationResult.disabled("a sample that LeakChecksTest runs, expecting it to fail");
        }
    }

    /** Starts a run that waits for a latch nobody counts down, and returns. */
    @LoomflowTest
    @ExtendWith(OnlyFromLeakChecksTest.class)
    static class RunLeftInFlight {
        @Test
        void leavesARunRunning(Engine engine) throws InterruptedException {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            engine.submit(Flow.named("forever", (String s) -> {
                running.countDown();
                never.await();
                return s;
            }), "x");
            running.await();
        }
    }

    /** Uses a resource whose closer throws. */
    @LoomflowTest
    @ExtendWith(OnlyFromLeakChecksTest.class)
    static class ResourceLeftOpen {
        @Test
        void opensAResourceThatCannotClose(Engine engine) {
            Resource<String> pool = Resource.named("pool", () -> "connections").withCloser(value -> {
                throw new IllegalStateException("the pool is stuck");
            });
            engine.run(Flow.named("uses-pool", (String s) -> pool.get() + s), "x");
        }
    }

    /**
     * Starts a run whose thread ignores interrupts until the test that ran this sample lets it go
     * through {@link #RELEASE}, which it sets before and clears after.
     */
    @LoomflowTest
    @ExtendWith(OnlyFromLeakChecksTest.class)
    static class ThreadLeftAlive {
        /** Counted down by {@link LeakChecksTest} once it has seen the failure; set only while it runs the sample. */
        static final AtomicReference<CountDownLatch> RELEASE = new AtomicReference<>();

        @Test
        void leavesAThreadThatIgnoresInterrupts(Engine engine) throws InterruptedException {
            CountDownLatch release = RELEASE.get();
            CountDownLatch running = new CountDownLatch(1);
            engine.submit(Flow.named("stubborn", (String s) -> {
                running.countDown();
                while (true) {
                    try {
                        release.await();
                        return s;
                    } catch (InterruptedException ignored) {
                        // ignores cancellation on purpose
                    }
                }
            }), "x");
            running.await();
        }
    }

    /** Joins its run: leaves nothing behind. */
    @LoomflowTest
    @ExtendWith(OnlyFromLeakChecksTest.class)
    static class Clean {
        @Test
        void joinsItsRun(Engine engine) {
            engine.submit(Flow.named("quick", (String s) -> s), "x").join();
        }
    }
}
