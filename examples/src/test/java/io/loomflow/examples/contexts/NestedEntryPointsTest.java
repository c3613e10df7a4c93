package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The context matrix inside runs: nested to depth 10, alternately inside a running task and inside
 * a subflow, and at every level every entry point runs {@link MatrixFlows} (from inside a run, all
 * of them start children of the current run on its engine).
 *
 * <p>Level {@code d} runs {@link #level(int)}: a task when {@code d} is odd, a subflow when it is
 * even; level 10 is the root. A level (1) runs every entry point on the reference flow, checking
 * its own thread is unchanged around each call, and (2) calls level {@code d - 1} through a blocking
 * entry point chosen by {@code d}: {@code task.call} or {@code engine.run(task)} for a task level;
 * {@code Flow.run}, {@code engine.run}, {@code runAsync} or {@code engine.runAsync} (joined) for a
 * subflow level, with {@code engine} the current run's own engine. The test asserts that every level
 * ran, as a child of the level above (one run tree, not new root runs), and that the root returns
 * the reference result computed at the bottom; and, after the engines close, that no thread is left
 * behind.
 */
class NestedEntryPointsTest {

    private static final int DEPTH = 10;

    /** Each level's run, by depth; filled by the levels of the test in progress. */
    private static final ConcurrentMap<Integer, RunInfo> LEVELS = new ConcurrentHashMap<>();

    private static final Task<Integer, String> TASK_LEVEL = Task.named("nest-task", NestedEntryPointsTest::level);
    private static final Flow<Integer, String> FLOW_LEVEL = Flow.named("nest-flow", NestedEntryPointsTest::level);

    @AfterEach
    void forgetLevels() {
        LEVELS.clear();
    }

    private static String level(int depth) {
        RunContext run = RunContext.current();
        RunInfo previous = LEVELS.putIfAbsent(depth, run.info());
        if (previous != null) {
            throw new AssertionError("level " + depth + " ran twice: " + previous + " and " + run.info());
        }
        Engine engine = run.engine();
        try (var _ = CallerState.mark("level-" + depth)) {
            Map<EntryPoint, String> here = MatrixHarness.runEveryEntryPoint(engine);
            MatrixHarness.assertSameResults(here, "inside a " + run.info().kind() + " at depth " + depth);
            if (depth == 0) {
                return here.get(EntryPoint.FLOW_RUN);
            }
            int next = depth - 1;
            CallerState before = CallerState.capture();
            String inner;
            if (next % 2 == 1) {
                inner = switch ((next / 2) % 2) {
                    case 0 -> TASK_LEVEL.call(next);
                    default -> engine.run(TASK_LEVEL, next);
                };
            } else {
                inner = switch ((next / 2) % 4) {
                    case 0 -> FLOW_LEVEL.run(next);
                    case 1 -> engine.run(FLOW_LEVEL, next);
                    case 2 -> FLOW_LEVEL.runAsync(next).join();
                    default -> engine.runAsync(FLOW_LEVEL, next).join();
                };
            }
            CallerState after = CallerState.capture();
            if (!after.equals(before) || after.interrupted()) {
                throw new AssertionError("calling level " + next + " changed the thread of level " + depth
                        + ": before " + before + ", after " + after);
            }
            return inner;
        }
    }

    private static void assertOneTreeOfDepth10() {
        assertThat(LEVELS.keySet()).as("levels that ran").hasSize(DEPTH + 1);
        RunInfo root = LEVELS.get(DEPTH);
        assertThat(root.isRoot()).isTrue();
        assertThat(root.kind()).isEqualTo(RunInfo.Kind.FLOW);
        for (int depth = DEPTH - 1; depth >= 0; depth--) {
            RunInfo level = LEVELS.get(depth);
            assertThat(level.kind()).as("kind of level %d", depth)
                    .isEqualTo(depth % 2 == 1 ? RunInfo.Kind.TASK : RunInfo.Kind.FLOW);
            assertThat(level.parentId()).as("parent of level %d", depth).isEqualTo(LEVELS.get(depth + 1).id());
            assertThat(level.rootId()).as("root of level %d", depth).isEqualTo(root.id());
        }
    }

    @Test
    void everyEntryPointWorksInsideTasksAndSubflowsToDepth10OnAnEngine() throws Exception {
        try (MatrixHarness harness = new MatrixHarness(); var _ = CallerState.mark("test")) {
            CallerState before = CallerState.capture();
            String result = harness.engine.run(FLOW_LEVEL, DEPTH);
            assertThat(CallerState.capture()).isEqualTo(before);
            assertThat(result).isEqualTo(MatrixFlows.reference());
            assertOneTreeOfDepth10();
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void everyEntryPointWorksInsideTasksAndSubflowsToDepth10OnTheDefaultEngine() throws Exception {
        try (MatrixHarness harness = new MatrixHarness(); var _ = CallerState.mark("test")) {
            CallerState before = CallerState.capture();
            String result = FLOW_LEVEL.run(DEPTH);
            assertThat(CallerState.capture()).isEqualTo(before);
            assertThat(result).isEqualTo(MatrixFlows.reference());
            assertOneTreeOfDepth10();
            harness.closeAndAssertNothingLeftBehind();
        }
    }
}
