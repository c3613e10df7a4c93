package io.loomflow.testing;

import io.loomflow.Engine;
import io.loomflow.ManualTimeSource;
import io.loomflow.store.RunStore;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link LoomflowTest}: before each test method it builds an
 * {@link Engine} of the test's own, on a {@link ManualTimeSource} reading {@link #CLOCK_START}, whose
 * runs are recorded to an in-memory {@link RunStore}; it injects them, and the {@link RunHistory}
 * that reads that store, as parameters of the test method and its {@code @BeforeEach} and
 * {@code @AfterEach} methods.
 *
 * <p>After each test it closes the engine, and fails the test, naming each, if the test left behind
 * a run still in flight (it is then cancelled), a thread the engine started that is still alive, or
 * a {@link io.loomflow.Resource} whose closer threw. Every test gets new instances; nothing is kept
 * in static or thread-local state, so tests may run in parallel.
 * {@snippet :
 * @LoomflowTest
 * class ReportTest {
 *     @Test
 *     void retriesTheFetch(Engine engine, ManualTimeSource clock, RunHistory history) throws Exception {
 *         Handle<Report> run = engine.submit(report, List.of("a"));
 *         clock.awaitSleepers(1, Duration.ofSeconds(5)); // the retry's back-off
 *         clock.advance(Duration.ofSeconds(1));
 *         run.join();
 *         assertThat(history.run(run.runId())).isCompleted().hasChild("fetch").wasRetried(1);
 *     }
 * }
 * }
 */
public final class LoomflowExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The instant each test's manual clock reads until it is advanced. */
    public static final Instant CLOCK_START = Instant.parse("2030-01-01T00:00:00Z");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LoomflowExtension.class);
    private static final Set<Class<?>> INJECTED = Set.of(Engine.class, ManualTimeSource.class, RunStore.class,
            RunHistory.class);

    /** Makes the extension; JUnit does, for {@code @LoomflowTest} or {@code @ExtendWith}. */
    public LoomflowExtension() {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String name = "test-" + context.getTestMethod().map(Method::getName).orElse("run");
        context.getStore(NAMESPACE).put(TestRig.class, new TestRig(name));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestRig rig = context.getStore(NAMESPACE).remove(TestRig.class, TestRig.class);
        if (rig == null) {
            return;
        }
        List<String> problems = rig.finish();
        if (!problems.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left " + problems.size()
                    + (problems.size() == 1 ? " thing" : " things") + " behind:\n  - " + String.join("\n  - ", problems));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestRig rig = context.getStore(NAMESPACE).get(TestRig.class, TestRig.class);
        Class<?> type = parameter.getParameter().getType();
        if (rig == null) {
            throw new ParameterResolutionException("a " + type.getSimpleName() + " of Loomflow's test kit exists only"
                    + " for one test method: declare it as a parameter of the @Test, @BeforeEach or @AfterEach"
                    + " method, not of " + parameter.getDeclaringExecutable());
        }
        if (type == Engine.class) {
            return rig.engine();
        }
        if (type == ManualTimeSource.class) {
            return rig.clock();
        }
        if (type == RunStore.class) {
            return rig.store();
        }
        return rig.history();
    }
}
