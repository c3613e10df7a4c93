package io.loomflow.examples.s5;

import java.time.Duration;
import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scenario S5 end to end: mapped tasks that call subflows, in process and as a program of its own. */
class MappedSubflowsTest {

    /** Every state change, in the order the listener saw them. */
    private static final class Recorder implements EventListener {
        final ConcurrentLinkedQueue<Event.StateChange> changes = new ConcurrentLinkedQueue<>();

        @Override
        public void onEvent(Event event) {
            if (event instanceof Event.StateChange change) {
                changes.add(change);
            }
        }

        /** The final state change of each run. */
        Map<UUID, Event.StateChange> endings() {
            return changes.stream().filter(c -> c.state().isFinal())
                    .collect(Collectors.toMap(c -> c.run().id(), Function.identity()));
        }
    }

    @Test
    void theParentReturnsOnlyAfterEveryTaskAndSubflowHasEnded() {
        Recorder events = new Recorder();
        List<Integer> results;
        try (Engine engine = Engine.builder().listener(events).build()) {
            results = engine.run(MappedSubflows.flow(), new MappedSubflows.Params(1000, 0));
        }
        assertThat(results).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(results.get(i)).isEqualTo((i + 1) * (i + 1) + 1);
        }
        Map<UUID, Event.StateChange> endings = events.endings();
        assertThat(endings).hasSize(1 + 1000 + 1000);
        assertThat(endings.values()).allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Completed.class));

        Event.StateChange root = endings.values().stream().filter(c -> c.run().isRoot()).findFirst().orElseThrow();
        assertThat(root.run().name()).isEqualTo("s5");
        for (Event.StateChange child : endings.values()) {
            if (child != root) {
                assertThat(child.sequence()).as("child %s ended before its root", child.run().name())
                        .isLessThan(root.sequence());
            }
        }
        Map<UUID, RunInfo> byId = endings.values().stream().map(Event.StateChange::run)
                .collect(Collectors.toMap(RunInfo::id, Function.identity()));
        List<RunInfo> tasks = byId.values().stream().filter(r -> r.name().equals("process")).toList();
        List<RunInfo> subflows = byId.values().stream().filter(r -> r.name().equals("enrich")).toList();
        assertThat(tasks).hasSize(1000).allSatisfy(task -> {
            assertThat(task.parentId()).isEqualTo(root.run().id());
            assertThat(task.kind()).isEqualTo(RunInfo.Kind.TASK);
        });
        assertThat(subflows).hasSize(1000).allSatisfy(subflow -> {
            assertThat(byId.get(subflow.parentId()).name()).isEqualTo("process");
            assertThat(subflow.kind()).isEqualTo(RunInfo.Kind.FLOW);
            assertThat(subflow.rootId()).isEqualTo(root.run().id());
        });
        assertThat(subflows.stream().map(RunInfo::parentId).distinct().count()).isEqualTo(1000);
    }

    @Test
    void oneFailingSubflowsExceptionReachesTheCallerWithItsTypeMessageAndCause() {
        Recorder events = new Recorder();
        Throwable thrown;
        try (Engine engine = Engine.builder().listener(events).build()) {
            thrown = catchThrowable(() -> engine.run(MappedSubflows.flow(), new MappedSubflows.Params(1000, 500)));
        }
        assertThat(thrown).isInstanceOf(MappedSubflows.ItemFailedException.class)
                .hasMessage("item 500 could not be enriched");
        assertThat(thrown.getCause()).isInstanceOf(IOException.class).hasMessage("lookup of item 500 timed out");

        Map<UUID, Event.StateChange> endings = events.endings();
        // Every run that was started ended, none left unfinished: every item of the map, and the
        // subflow of each item that got as far as calling it before the failure cancelled it.
        assertThat(events.changes.stream().map(c -> c.run().id()).distinct().count()).isEqualTo(endings.size());
        assertThat(endings.values()).filteredOn(c -> c.run().name().equals("process")).hasSize(1000);
        assertThat(endings.values()).filteredOn(c -> c.run().name().equals("enrich")).hasSizeBetween(1, 1000);
        Map<String, List<String>> statesByName = endings.values().stream().collect(Collectors.groupingBy(
                c -> c.run().name(), Collectors.mapping(c -> c.state().label(), Collectors.toList())));
        assertThat(statesByName.get("s5")).containsExactly("Failed");
        assertThat(statesByName.get("enrich")).contains("Failed").doesNotContain("Running", "Scheduled");
        assertThat(statesByName.get("process")).contains("Failed").doesNotContain("Running", "Scheduled");
        for (Event.StateChange ending : endings.values()) {
            if (ending.state() instanceof State.Failed failed) {
                assertThat(failed.error()).isSameAs(thrown);
            }
        }
    }

    @Test
    void theProgramPrintsOnlyItsOutputAndExitsAtOnce() throws Exception {
        ChildJvm.Result result = runProgram();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).isEqualTo("""
                results: 1000 items, first [2, 5, 10, 17, 26], sum 333834500
                run tree:
                s5  Completed 1
                  process  Completed 1000
                    enrich  Completed 1000
                """);
    }

    @Test
    void theProgramReportsAFailureAndExitsWithStatusOne() throws Exception {
        ChildJvm.Result result = runProgram("1000", "--fail-at", "7");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).startsWith("failed: io.loomflow.examples.s5.MappedSubflows$ItemFailedException: item 7"
                + " could not be enriched, caused by java.io.IOException: lookup of item 7 timed out\nrun tree:\n");
    }

    /** Runs the example in a JVM of its own, as a user would; the bound is for hangs only. */
    private static ChildJvm.Result runProgram(String... args) throws Exception {
        return ChildJvm.runMain(MappedSubflows.class, Duration.ofSeconds(60), args);
    }
}
