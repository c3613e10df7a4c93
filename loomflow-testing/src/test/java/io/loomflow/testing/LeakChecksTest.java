package io.loomflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The checks after each test fail a test that leaves a run, a thread or a resource behind, naming it. */
class LeakChecksTest {

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample))
                .configurationParameter(LeakySamples.RUN_SAMPLES, "true").execute().testEvents();
    }

    @Test
    void aRunLeftInFlightFailsTheTestNamingTheRun() {
        Events events = run(LeakySamples.RunLeftInFlight.class);

        events.assertThatEvents().haveExactly(1, event(test("leavesARunRunning"), finishedWithFailure(
                instanceOf(AssertionError.class),
                message(m -> m.startsWith("leavesARunRunning(Engine) left 1 thing behind:")
                        && m.contains("flow run 'forever' (")
                        && m.contains(") was still Running when the test ended; join it")))));
    }

    @Test
    void aResourceThatDidNotCloseFailsTheTestNamingTheResource() {
        Events events = run(LeakySamples.ResourceLeftOpen.class);

        events.assertThatEvents().haveExactly(1, event(test("opensAResourceThatCannotClose"), finishedWithFailure(
                instanceOf(AssertionError.class),
                message(m -> m.contains("resource 'pool' was not closed: its closer threw when engine"
                        + " 'test-opensAResourceThatCannotClose' closed")))));
    }

    @Test
    void aThreadStillAliveAfterTheEngineClosedFailsTheTestNamingIt() {
        CountDownLatch release = new CountDownLatch(1);
        LeakySamples.ThreadLeftAlive.RELEASE.set(release);
        try {
            Events events = run(LeakySamples.ThreadLeftAlive.class);

            events.assertThatEvents().haveExactly(1, event(test("leavesAThreadThatIgnoresInterrupts"),
                    finishedWithFailure(instanceOf(AssertionError.class), message(m ->
                            m.contains("flow run 'stubborn' (") && m.contains("was still Running when the test ended")
                                    && m.contains("that engine 'test-leavesAThreadThatIgnoresInterrupts' started was"
                                            + " still alive 5 s after the engine closed")))));
        } finally {
            release.countDown();
            LeakySamples.ThreadLeftAlive.RELEASE.set(null);
        }
    }

    @Test
    void aTestThatLeavesNothingBehindPasses() {
        Events events = run(LeakySamples.Clean.class);

        events.assertThatEvents().haveExactly(1, event(test("joinsItsRun"), finishedSuccessfully()));
        assertThat(events.failed().count()).isZero();
    }
}
