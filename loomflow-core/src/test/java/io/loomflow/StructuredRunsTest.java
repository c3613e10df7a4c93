package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guarantee 2: every run has a scope, and ends only after all its children have ended. */
class StructuredRunsTest {

    private static Engine engine(ThreadKind.Tracking threads, EventRecorder events) {
        return Engine.builder().threadFactory(threads).listener(events).build();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aParentEndsOnlyAfterChildrenItNeverJoined(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        AtomicInteger finishedChildren = new AtomicInteger();
        Task<Integer, Integer> slow = Task.named("slow", (Integer i) -> {
            Thread.sleep(50);
            finishedChildren.incrementAndGet();
            return i;
        });
        Flow<Integer, Integer> fireAndForget = Flow.named("fire-and-forget", (Integer n) -> {
            for (int i = 0; i < n; i++) {
                slow.submit(i); // never joined
            }
            return n;
        });
        try (Engine engine = engine(threads, events)) {
            assertThat(engine.run(fireAndForget, 20)).isEqualTo(20);
            assertThat(finishedChildren).hasValue(20);
        }
        List<Event.StateChange> changes = events.changes();
        Event.StateChange parentEnd = events.lastChangesOf("fire-and-forget").getFirst();
        for (Event.StateChange childEnd : events.lastChangesOf("slow")) {
            assertThat(childEnd.state()).isInstanceOf(State.Completed.class);
            assertThat(changes.indexOf(childEnd)).isLessThan(changes.indexOf(parentEnd));
        }
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aChildThatFailsUnseenFailsItsParentWithTheSameError(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        IllegalStateException boom = new IllegalStateException("boom");
        Task<String, String> failing = Task.named("failing", (String s) -> {
            throw boom;
        });
        Flow<String, String> careless = Flow.named("careless", (String s) -> {
            failing.submit(s); // never joined
            return "done";
        });
        try (Engine engine = engine(threads, events)) {
            assertThatThrownBy(() -> engine.run(careless, "x")).isSameAs(boom);
        }
        assertThat(events.lastChangesOf("careless").getFirst().state()).isEqualTo(new State.Failed(boom));
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingChildCancelsItsRunningSiblingsAndTheirJoinShowsTheCause(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        CountDownLatch siblingStarted = new CountDownLatch(1);
        IllegalArgumentException cause = new IllegalArgumentException("bad input 7");
        Task<String, String> waitsForever = TestTasks.blockingUntilCancelled("waits-forever", siblingStarted);
        Task<String, String> fails = Task.named("fails", (String s) -> {
            siblingStarted.await();
            throw cause;
        });
        Flow<String, String> flow = Flow.named("fail-fast", (String s) -> {
            Handle<String> sibling = waitsForever.submit(s);
            fails.submit(s);
            // Only cancellation ends the sibling; joining it must throw the failing child's error itself.
            return sibling.join();
        });
        try (Engine engine = engine(threads, events)) {
            assertThatThrownBy(() -> engine.run(flow, "x")).isSameAs(cause);
        }
        assertThat(events.lastChangesOf("waits-forever").getFirst().state()).isInstanceOf(State.Cancelled.class);
        assertThat(((State.Cancelled) events.lastChangesOf("waits-forever").getFirst().state()).reason())
                .contains("sibling", "fails", "bad input 7");
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void underCollectAllAFailingChildCancelsNothing(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        Task<Integer, Integer> evenFails = Task.named("even-fails", (Integer i) -> {
            if (i % 2 == 0) {
                throw new IllegalStateException("item " + i);
            }
            Thread.sleep(20);
            return i;
        });
        Flow<Integer, List<Outcome<Integer>>> collect = Flow.named("collect", (Integer n) ->
                evenFails.map(java.util.stream.IntStream.range(0, n).boxed()).outcomes())
                .withFailurePolicy(FailurePolicy.COLLECT_ALL);
        List<Outcome<Integer>> outcomes;
        try (Engine engine = engine(threads, events)) {
            outcomes = engine.run(collect, 10);
        }
        assertThat(outcomes).hasSize(10);
        for (int i = 0; i < 10; i++) {
            int index = i;
            if (i % 2 == 0) {
                assertThat(outcomes.get(i)).isInstanceOfSatisfying(Outcome.Failure.class, f -> assertThat(f.error())
                        .isInstanceOf(IllegalStateException.class).hasMessage("item " + index));
            } else {
                assertThat(outcomes.get(i)).isEqualTo(new Outcome.Success<>(i));
            }
        }
        assertThat(events.lastChangesOf("even-fails")).noneMatch(c -> c.state() instanceof State.Cancelled);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFlowThatCatchesAChildsErrorCanStartNewChildren(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Task<String, String> primary = Task.named("primary", (String s) -> {
            throw new java.io.IOException("primary down");
        });
        Task<String, String> fallback = Task.named("fallback", (String s) -> "fallback:" + s);
        Flow<String, String> flow = Flow.named("with-fallback", (String s) -> {
            try {
                return primary.call(s);
            } catch (Exception e) {
                return fallback.call(s);
            }
        });
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            assertThat(engine.run(flow, "x")).isEqualTo("fallback:x");
        }
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingARunReachesEveryDescendantAndIsRecorded(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        CountDownLatch leavesStarted = new CountDownLatch(8);
        Task<Integer, Integer> leaf = TestTasks.blockingUntilCancelled("leaf", leavesStarted);
        Flow<Integer, List<Integer>> middle = Flow.named("middle", (Integer i) -> leaf.map(List.of(i, i + 1)).join());
        Task<Integer, List<Integer>> branch = Task.named("branch", middle::call);
        Flow<Integer, Integer> root = Flow.named("root", (Integer n) -> {
            branch.map(List.of(0, 2, 4, 6)).join();
            return n;
        });
        try (Engine engine = engine(threads, events)) {
            Handle<Integer> handle = engine.submit(root, 1);
            assertThat(leavesStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handle.cancel()).isTrue();
            assertThatThrownBy(handle::join).isInstanceOf(RunCancelledException.class);
            assertThat(handle.state()).isInstanceOf(State.Cancelled.class);
        }
        Map<UUID, Event.StateChange> last = events.lastChangePerRun();
        assertThat(last).hasSize(1 + 4 + 4 + 8);
        assertThat(last.values()).allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void whenTheBodyFailsItsChildrenAreCancelledAndAwaited(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        CountDownLatch started = new CountDownLatch(3);
        Task<Integer, Integer> blocked = Task.named("blocked", (Integer i) -> {
            started.countDown();
            Thread.sleep(Duration.ofMinutes(5));
            return i;
        });
        UnsupportedOperationException bodyError = new UnsupportedOperationException("body gave up");
        Flow<Integer, Integer> flow = Flow.named("gives-up", (Integer n) -> {
            for (int i = 0; i < 3; i++) {
                blocked.submit(i);
            }
            started.await();
            throw bodyError;
        });
        try (Engine engine = engine(threads, events)) {
            assertThatThrownBy(() -> engine.run(flow, 3)).isSameAs(bodyError);
        }
        assertThat(events.lastChangesOf("blocked")).hasSize(3)
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
        assertThat(threads.alive()).isEmpty();
    }
}
