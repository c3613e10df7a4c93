package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A durable run, executed again after it was lost (its checkpoints refused it, as they refuse a
 * worker that no longer owns it), replays the children that had ended instead of running them again.
 */
class DurableRunTest {

    private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    private final EventRecorder events = new EventRecorder();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final UUID scope = UUID.randomUUID();
    private final RunOptions durably = RunOptions.defaults().withCheckpoints(scope);

    private Engine engine() {
        return Engine.builder().checkpoints(checkpoints).listener(events).build();
    }

    private int executions(String name) {
        return executions.getOrDefault(name, new AtomicInteger()).get();
    }

    private void executed(String name) {
        executions.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    }

    private Task<Integer, Integer> adding(String name, int add) {
        return Task.named(name, (Integer x) -> {
            executed(name);
            return x + add;
        });
    }

    /** Runs the flow durably, expecting it to be lost; returns the error. */
    private <P> RunLostException lost(Flow<P, ?> flow, P params) {
        try (Engine engine = engine()) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> engine.run(flow, params, durably));
            assertThat(thrown).isInstanceOf(RunLostException.class);
            return (RunLostException) thrown;
        }
    }

    private <P, R> R runAgain(Flow<P, R> flow, P params) {
        checkpoints.allowAllSaves();
        executions.clear();
        try (Engine engine = engine()) {
            return engine.run(flow, params, durably);
        }
    }

    @Test
    void aNewRunIdIsTimeOrderedAsTheEnginesAre() {
        long before = System.currentTimeMillis();
        UUID first = RunOptions.newRunId();
        long after = System.currentTimeMillis();
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.getMostSignificantBits() >>> 16).as("its leading 48 bits: the millisecond it was made")
                .isBetween(before, after);
        try (Engine engine = Engine.builder().build()) {
            UUID engines = engine.submit(Flow.named("id", (Integer i) -> i), 1).runId();
            assertThat(engines.version()).isEqualTo(first.version());
        }
    }

    @Test
    void aFlowOfFiveTasksLostAfterTheThirdCheckpointRunsOnlyTheLastTwoWhenRunAgain() {
        List<Task<Integer, Integer>> steps = IntStream.rangeClosed(1, 5).mapToObj(i -> adding("step" + i, i)).toList();
        Flow<Integer, Integer> pipeline = Flow.named("pipeline", (Integer x) -> {
            int value = x;
            for (Task<Integer, Integer> step : steps) {
                value = step.call(value);
            }
            return value;
        });
        checkpoints.allowSaves(3);

        RunLostException error = lost(pipeline, 100);

        assertThat(error).hasMessageContaining("flow 'pipeline'").hasMessageContaining(scope.toString())
                .hasMessageContaining("task 'step4'").hasMessageContaining("/step4#106#0");
        assertThat(error.getCause()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer owns the run");
        assertThat(events.lastChangesOf("pipeline").getLast().state()).isInstanceOf(State.Crashed.class);
        assertThat(events.lastChangesOf("step4").getLast().state()).isInstanceOf(State.Cancelled.class);
        assertThat(executions("step5")).as("the flow does not go on past a checkpoint that failed").isZero();
        assertThat(checkpoints.savedIn(scope)).containsOnlyKeys("/step1#100#0", "/step2#101#0", "/step3#103#0");

        assertThat(runAgain(pipeline, 100)).isEqualTo(115);

        assertThat(List.of(executions("step1"), executions("step2"), executions("step3"))).containsOnly(0);
        assertThat(List.of(executions("step4"), executions("step5"))).containsOnly(1);
        State.Cached replayed = (State.Cached) events.lastChangesOf("step2").getLast().state();
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.message()).startsWith("replayed from checkpoint " + scope + "//step2#101#0");
        assertThat(checkpoints.savedIn(scope)).hasSize(5);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aMapOfWhichSixtyItemsWereCheckpointedRunsOnlyTheOtherFortyWhenRunAgain(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Set<Integer> executedItems = ConcurrentHashMap.newKeySet();
        Task<Integer, Integer> square = Task.named("square", (Integer i) -> {
            executedItems.add(i);
            return i * i;
        });
        Flow<Integer, Integer> squares = Flow.named("squares", (Integer n) ->
                square.map(IntStream.range(0, n).boxed().toList()).join().stream().mapToInt(Integer::intValue).sum());
        checkpoints.allowSaves(60);
        try (Engine engine = Engine.builder().checkpoints(checkpoints).threadFactory(threads).build()) {
            assertThatThrownBy(() -> engine.run(squares, 100, durably)).isInstanceOf(RunLostException.class)
                    .hasMessageContaining("task 'square'");
        }
        Set<Integer> checkpointed = checkpoints.savedIn(scope).keySet().stream()
                .map(key -> Integer.valueOf(key.substring("/square[".length(), key.length() - 1)))
                .collect(Collectors.toSet());
        assertThat(checkpointed).hasSize(60);

        executedItems.clear();
        checkpoints.allowAllSaves();
        try (Engine engine = Engine.builder().checkpoints(checkpoints).threadFactory(threads).build()) {
            assertThat(engine.run(squares, 100, durably)).isEqualTo(IntStream.range(0, 100).map(i -> i * i).sum());
        }
        assertThat(executedItems).hasSize(40).doesNotContainAnyElementsOf(checkpointed);
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void aSubflowThatCompletedIsReplayedWholeAndOneHalfDoneRunsOnlyItsUnfinishedChildren() {
        Task<Integer, Integer> a1 = adding("a1", 1);
        Task<Integer, Integer> a2 = adding("a2", 2);
        Task<Integer, Integer> b1 = adding("b1", 10);
        Task<Integer, Integer> b2 = adding("b2", 20);
        Task<Integer, Integer> b3 = adding("b3", 30);
        Flow<Integer, Integer> first = Flow.named("first", (Integer x) -> {
            executed("first");
            return a2.call(a1.call(x));
        });
        Flow<Integer, Integer> second = Flow.named("second", (Integer x) -> {
            executed("second");
            return b3.call(b2.call(b1.call(x)));
        });
        Flow<Integer, Integer> outer = Flow.named("outer", (Integer x) -> second.run(first.run(x)));
        checkpoints.allowSaves(4); // a1, a2, first, b1

        lost(outer, 0);
        assertThat(checkpoints.savedIn(scope)).containsOnlyKeys("/first#0#0", "/first#0#0/a1#0#0",
                "/first#0#0/a2#1#0", "/second#3#0/b1#3#0");

        assertThat(runAgain(outer, 0)).isEqualTo(63);

        assertThat(executions("first")).as("a completed subflow is not entered").isZero();
        assertThat(events.lastChangesOf("a1")).as("its children are not visited")
                .allMatch(change -> change.state() instanceof State.Completed);
        assertThat(executions("second")).as("a subflow that had not completed runs again").isEqualTo(1);
        assertThat(executions("b1")).isZero();
        assertThat(List.of(executions("b2"), executions("b3"))).containsOnly(1);
    }

    @Test
    void theSameTaskCalledTwiceWithTheSameInputGetsTwoCheckpointsAndBothReplay() {
        Task<Integer, Integer> twice = adding("double", 0);
        Task<Integer, Integer> last = adding("last", 1);
        Flow<Integer, Integer> flow = Flow.named("sum", (Integer x) -> last.call(twice.call(x) + twice.call(x)));
        checkpoints.allowSaves(2);

        lost(flow, 5);
        assertThat(executions("double")).isEqualTo(2);
        assertThat(checkpoints.savedIn(scope)).containsOnlyKeys("/double#5#0", "/double#5#1");

        assertThat(runAgain(flow, 5)).isEqualTo(11);
        assertThat(executions("double")).isZero();
        assertThat(executions("last")).isEqualTo(1);
    }

    @Test
    void aFailedTaskThatTheFlowCaughtReplaysAsAFailureAndTheFlowTakesTheSamePath() {
        Task<Integer, Integer> flaky = Task.named("flaky", (Integer x) -> {
            executed("flaky");
            throw new IOException("service down for " + x);
        });
        Task<Integer, Integer> fallback = adding("fallback", 1000);
        Task<Integer, Integer> after = adding("after", 1);
        List<Throwable> caught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Flow<Integer, Integer> flow = Flow.named("careful", (Integer x) -> {
            int value;
            try {
                value = flaky.call(x);
            } catch (Exception failure) {
                caught.add(failure);
                value = fallback.call(x);
            }
            return after.call(value);
        });
        checkpoints.allowSaves(2); // flaky's failure, fallback

        lost(flow, 7);
        Checkpoint failure = checkpoints.savedIn(scope).get("/flaky#7#0");
        assertThat(failure.failed()).isTrue();
        assertThat(failure.errorType()).isEqualTo(IOException.class.getName());
        assertThat(failure.errorMessage()).isEqualTo("service down for 7");

        assertThat(runAgain(flow, 7)).isEqualTo(1008);
        assertThat(executions("flaky")).isZero();
        assertThat(executions("fallback")).as("the fallback is replayed too: the flow took the same path").isZero();
        assertThat(executions("after")).isEqualTo(1);
        assertThat(caught).hasSize(2);
        assertThat(caught.get(1)).isInstanceOfSatisfying(ReplayedFailureException.class, replayed -> {
            assertThat(replayed.originalType()).isEqualTo(IOException.class.getName());
            assertThat(replayed.originalMessage()).isEqualTo("service down for 7");
            assertThat(replayed).hasMessageContaining("java.io.IOException: service down for 7")
                    .hasMessageContaining("replayed from checkpoint");
        });
        assertThat(events.lastChangesOf("flaky").getLast().state()).isInstanceOf(State.Failed.class);
    }

    @Test
    void theIdempotencyKeyIsTheSameInEveryExecutionAndDiffersBetweenSiblings() {
        Map<String, List<String>> keys = new ConcurrentHashMap<>();
        Task<Integer, Integer> charge = Task.named("charge", (Integer amount) -> {
            keys.computeIfAbsent("charge " + amount, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(RunContext.current().idempotencyKey());
            if (amount == 3) {
                throw new UncheckedIOException(new IOException("the payment service is down"));
            }
            return amount;
        });
        Flow<Integer, Integer> flow = Flow.named("payments", (Integer x) -> {
            int total = charge.call(1) + charge.call(2);
            try {
                total += charge.call(3);
            } catch (UncheckedIOException down) {
                total += 0;
            }
            return total;
        });
        checkpoints.allowSaves(1); // charge(1) only: charge(2) runs in both executions
        lost(flow, 0);
        assertThat(runAgain(flow, 0)).isEqualTo(3);

        assertThat(keys.get("charge 1")).hasSize(1);
        assertThat(keys.get("charge 2")).hasSize(2).containsOnly(scope + "//charge#2#0");
        assertThat(keys.get("charge 3")).hasSize(1);
        assertThat(Set.of(keys.get("charge 1").getFirst(), keys.get("charge 2").getFirst(),
                keys.get("charge 3").getFirst())).hasSize(3);
    }

    @Test
    void theIdempotencyKeyOfARunThatIsNotDurableIsItsRunId() {
        Flow<Integer, String> flow = Flow.named("plain", (Integer x) -> RunContext.current().idempotencyKey());
        try (Engine engine = Engine.builder().checkpoints(checkpoints).build()) {
            Handle<String> run = engine.submit(flow, 1);
            assertThat(run.join()).isEqualTo(run.runId().toString());
        }
        assertThat(checkpoints.loads()).as("a run that is not durable looks nothing up").isZero();
    }

    @Test
    void aRunStartedWithAnIdHasItAndASecondRunWithTheSameIdIsRefusedWhileTheFirstRuns() throws Exception {
        UUID id = UUID.randomUUID();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Flow<Integer, Integer> waiting = Flow.named("waiting", (Integer x) -> {
            started.countDown();
            release.await();
            return x;
        });
        try (Engine engine = Engine.builder().build()) {
            Handle<Integer> first = engine.submit(waiting, 1, RunOptions.defaults().withRunId(id));
            assertThat(first.runId()).isEqualTo(id);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> engine.submit(waiting, 2, RunOptions.defaults().withRunId(id)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id.toString())
                    .hasMessageContaining("in flight");
            release.countDown();
            assertThat(first.join()).isEqualTo(1);
            assertThat(engine.run(waiting, 3, RunOptions.defaults().withRunId(id)))
                    .as("the id is free again once the run ended").isEqualTo(3);
        }
    }

    @Test
    void aDurableRunWithAnIdInsideARunIsARootRun() {
        UUID id = UUID.randomUUID();
        Flow<Integer, UUID> inner = Flow.named("inner", (Integer x) -> RunContext.current().info().parentId());
        Flow<Integer, UUID> outer = Flow.named("outer", (Integer x) ->
                RunContext.current().engine().run(inner, x, durably.withRunId(id)));
        try (Engine engine = engine()) {
            assertThat(engine.run(outer, 1)).isNull();
        }
        assertThat(events.lastChangesOf("inner").getLast().run().id()).isEqualTo(id);
    }

    @Test
    void aDurableRunOnAnEngineWithoutCheckpointsIsRefusedNamingTheBuilderMethod() {
        Flow<Integer, Integer> flow = Flow.named("f", (Integer x) -> x);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(flow, 1, durably)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Engine.builder().checkpoints(checkpoints)")
                    .hasMessageContaining(scope.toString());
        }
    }

    @Test
    void aCheckpointThatCannotBeLoadedLosesTheRunWithTheLoadFailureAsCause() {
        Task<Integer, Integer> step = adding("step", 1);
        Flow<Integer, Integer> flow = Flow.named("loading", (Integer x) -> step.call(x));
        checkpoints.failLoads(true);

        RunLostException error = lost(flow, 1);

        assertThat(error).hasMessageContaining("failed to load").hasMessageContaining("/step#1#0")
                .hasMessageContaining("flow 'loading'");
        assertThat(error.getCause()).hasMessageContaining("refuse to load");
        assertThat(executions("step")).isZero();
    }

    @Test
    void aResultThatCannotBeSavedLosesTheRunNamingTheTask() {
        Task<Integer, MemoryCheckpoints.Unserializable> make = Task.named("make", MemoryCheckpoints.Unserializable::new);
        Task<Integer, Integer> next = adding("next", 1);
        Flow<Integer, Integer> flow = Flow.named("making", (Integer x) -> next.call(make.call(x).value()));

        RunLostException error = lost(flow, 1);

        assertThat(error).hasMessageContaining("task 'make'").hasMessageContaining("failed to save");
        assertThat(error.getCause()).hasMessageContaining(MemoryCheckpoints.Unserializable.class.getName());
        assertThat(executions("next")).isZero();
        assertThat(checkpoints.savedIn(scope)).isEmpty();
    }

    @Test
    void childrenWhoseInputCannotBeKeyedAreMatchedByCallOrder() {
        Task<MemoryCheckpoints.Unkeyable, Integer> unwrap = Task.named("unwrap", (MemoryCheckpoints.Unkeyable u) -> {
            executed("unwrap");
            return u.value();
        });
        Task<Integer, Integer> last = adding("last", 0);
        Flow<Integer, Integer> flow = Flow.named("unkeyed", (Integer x) -> last.call(
                unwrap.call(new MemoryCheckpoints.Unkeyable(x)) + unwrap.call(new MemoryCheckpoints.Unkeyable(x + 1))));
        checkpoints.allowSaves(2);

        lost(flow, 1);
        assertThat(checkpoints.savedIn(scope)).containsOnlyKeys("/unwrap#call:0", "/unwrap#call:1");

        assertThat(runAgain(flow, 1)).isEqualTo(3);
        assertThat(executions("unwrap")).isZero();
    }

    @Test
    void aChildReusedFromTheResultCacheIsCheckpointedLikeOneThatRan() {
        MemoryResultStore results = new MemoryResultStore();
        Task<Integer, Integer> cached = adding("cached", 1).withCache(Cache.forever());
        Task<Integer, Integer> last = adding("last", 1);
        Flow<Integer, Integer> flow = Flow.named("reusing", (Integer x) -> last.call(cached.call(x)));
        try (Engine engine = Engine.builder().results(results).build()) {
            assertThat(engine.run(cached, 1)).isEqualTo(2);
        }
        results.close();
        checkpoints.allowSaves(1);
        try (Engine engine = Engine.builder().results(results).checkpoints(checkpoints).listener(events).build()) {
            assertThatThrownBy(() -> engine.run(flow, 1, durably)).isInstanceOf(RunLostException.class);
        }
        assertThat(executions("cached")).as("the cache's result was reused").isEqualTo(1);
        assertThat(checkpoints.savedIn(scope)).containsOnlyKeys("/cached#1#0");
        assertThat(checkpoints.savedIn(scope).get("/cached#1#0").value()).isEqualTo(2);
    }
}
