package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Resuming a failed flow run reuses the results its tasks persisted; the rest runs again. */
class ResumeTest {

    private final MemoryResultStore store = new MemoryResultStore();
    private final EventRecorder events = new EventRecorder();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean lastStepFails = true;

    private Task<Integer, Integer> step(String name, int add) {
        return Task.named(name, (Integer x) -> {
            calls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            if (name.equals("third") && lastStepFails) {
                throw new IllegalStateException("third step is down");
            }
            return x + add;
        }).withPersistedResult();
    }

    private final Task<Integer, Integer> first = step("first", 1);
    private final Task<Integer, Integer> second = step("second", 10);
    private final Task<Integer, Integer> third = step("third", 100);
    private final Task<Integer, Integer> notPersisted = Task.named("log", (Integer x) -> {
        calls.computeIfAbsent("log", k -> new AtomicInteger()).incrementAndGet();
        return x;
    });
    private final Flow<Integer, Integer> pipeline = Flow.named("pipeline",
            (Integer x) -> third.call(notPersisted.call(second.call(first.call(x)))));

    private Engine engine() {
        return Engine.builder().results(store).listener(events).build();
    }

    private int calls(String task) {
        return calls.getOrDefault(task, new AtomicInteger()).get();
    }

    private UUID failedRun() {
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(pipeline, 0)).hasMessage("third step is down");
        }
        return events.lastChangesOf("pipeline").getLast().run().id();
    }

    @Test
    void aResumedRunReusesTheCompletedTasksAndRunsTheFailedOneAgain() {
        UUID failed = failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 0, RunOptions.resuming(failed))).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(1);
        assertThat(calls("second")).isEqualTo(1);
        assertThat(calls("log")).as("a task that persists nothing runs again").isEqualTo(2);
        assertThat(calls("third")).isEqualTo(2);
        assertThat(events.lastChangesOf("first")).extracting(c -> c.state().label()).containsExactly("Completed", "Cached");
        assertThat(events.lastChangesOf("third")).extracting(c -> c.state().label()).containsExactly("Failed", "Completed");
        State.Cached reused = (State.Cached) events.lastChangesOf("second").getLast().state();
        assertThat(reused.producedBy()).isEqualTo(events.lastChangesOf("second").getFirst().run().id());
        assertThat(reused.key()).isEqualTo("run:" + failed + "/second/1/input:1");
        RunInfo resumed = events.lastChangesOf("pipeline").getLast().run();
        assertThat(resumed.isRoot()).isTrue();
        assertThat(resumed.id()).isNotEqualTo(failed);
    }

    @Test
    void resumingAResumedRunStillReusesWhatTheFirstRunPersisted() {
        UUID failed = failedRun();
        UUID failedAgain;
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(pipeline, 0, RunOptions.resuming(failed))).hasMessage("third step is down");
            failedAgain = events.lastChangesOf("pipeline").getLast().run().id();
        }
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 0, RunOptions.resuming(failedAgain))).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(1);
        assertThat(calls("second")).isEqualTo(1);
        assertThat(calls("third")).isEqualTo(3);
        assertThat(events.lastChangesOf("first")).extracting(c -> c.state().label())
                .containsExactly("Completed", "Cached", "Cached");
        assertThat(store.scopes).containsEntry(failedAgain, failed).hasSize(2).containsValues(failed, failed);
    }

    @Test
    void aNewRunDoesNotReusePersistedResults() {
        failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 0)).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(2);
        assertThat(store.loads).as("nothing is looked up outside a resume").hasValue(0);
    }

    @Test
    void aTaskWhoseInputChangedRunsAgainInAResume() {
        UUID failed = failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 5, RunOptions.resuming(failed))).isEqualTo(116);
        }
        assertThat(calls("first")).isEqualTo(2);
    }

    @Test
    void resumingARunThatPersistedNothingRunsEverything() {
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 0, RunOptions.resuming(UUID.randomUUID()))).isEqualTo(111);
        }
        assertThat(calls).allSatisfy((task, count) -> assertThat(count).hasValue(1));
    }

    @Test
    void runAsyncResumingReturnsTheFlowsResult() {
        UUID failed = failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.runAsync(pipeline, 0, RunOptions.resuming(failed)).join()).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(1);
    }

    @Test
    void submitWithResumingOptionsGivesTheNewRunsHandleAndItsResult() {
        UUID failed = failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            Handle<Integer> handle = engine.submit(pipeline, 0, RunOptions.resuming(failed));
            assertThat(handle.runId()).isNotEqualTo(failed);
            assertThat(handle.join()).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(1);
    }

    @Test
    void resumeOnAnEngineWithoutAResultStoreFailsAtOnceAndSaysWhatToDo() {
        UUID failed = UUID.randomUUID();
        try (Engine engine = Engine.builder().name("plain").build()) {
            assertThatThrownBy(() -> engine.run(pipeline, 0, RunOptions.resuming(failed)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("engine 'plain' cannot resume flow 'pipeline' (run " + failed + "): it has no result"
                            + " store, so no results were persisted to reuse; build the engine with"
                            + " Engine.builder().results(store), and mark the tasks to reuse withPersistedResult()");
            assertThatThrownBy(() -> engine.runAsync(pipeline, 0, RunOptions.resuming(failed))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(calls).isEmpty();
    }

    @Test
    void aStoreThatFailsDuringAResumeOnlyCostsTheReuse() {
        UUID failed = failedRun();
        lastStepFails = false;
        store.failing = true;
        try (Engine engine = engine()) {
            assertThat(engine.run(pipeline, 0, RunOptions.resuming(failed))).isEqualTo(111);
        }
        assertThat(calls("first")).isEqualTo(2);
        List<String> warnings = events.events().stream().filter(Event.LogLine.class::isInstance)
                .map(e -> ((Event.LogLine) e).message()).toList();
        assertThat(warnings).anySatisfy(m -> assertThat(m).contains("failed to load the result scope of run " + failed));
    }

    @Test
    void insideARunTheDefaultOptionsStartASubflowAndResumingOptionsARootRun() {
        UUID failed = failedRun();
        lastStepFails = false;
        try (Engine engine = engine()) {
            Flow<Integer, List<RunInfo>> outer = Flow.named("outer", (Integer x) -> List.of(
                    engine.submit(pipeline, x, RunOptions.defaults()).info(),
                    engine.submit(pipeline, x, RunOptions.resuming(failed)).info()));
            List<RunInfo> started = engine.run(outer, 0);
            assertThat(started.get(0).isRoot()).as("a plain submit inside a run is its child").isFalse();
            assertThat(started.get(1).isRoot()).as("a resume is a root run, even inside a run").isTrue();
        }
        assertThat(calls("first")).as("the resume reused the first step; the subflow ran it").isEqualTo(2);
    }

    @Test
    void missingOptionsAndAMissingRunIdAreRefusedSayingWhatToPass() {
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(pipeline, 0, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("options (use RunOptions.defaults())");
            assertThatThrownBy(() -> RunOptions.resuming(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("resuming needs the id of the run to resume, not null");
        }
        UUID id = UUID.randomUUID();
        assertThat(RunOptions.resuming(id)).isEqualTo(RunOptions.defaults().withResumeOf(id))
                .hasToString("RunOptions[resumeOf=" + id + "]");
        assertThat(RunOptions.resuming(id).resumeOf()).contains(id);
        assertThat(RunOptions.defaults().resumeOf()).isEmpty();
    }
}
