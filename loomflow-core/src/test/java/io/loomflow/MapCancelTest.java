package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancelling a large map: the items that never started are settled at once, as one shared
 * cancelled outcome, without becoming runs (no id, no events), whatever cancels the map.
 */
class MapCancelTest {

    private static final int ITEMS = 100_000;

    private final EventRecorder events = new EventRecorder();

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aMapOfAHundredThousandItemsUnderALimitOfTwoCancelledAfterAFewStartedHasEveryOutcomeCancelledAndEventsOnlyForTheItemsThatStarted(
            ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(2);
        Task<Integer, Integer> blocks = TestTasks.<Integer>blockingUntilCancelled("blocks", started).withLimit("two", 2);
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
            MapHandle<Integer> items = blocks.map(IntStream.range(0, n).boxed());
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(items.cancel()).isTrue();
            assertThatThrownBy(items::join).isInstanceOf(RunCancelledException.class)
                    .hasMessageContaining("map of task 'blocks' was cancelled (item 0 of " + n + ")");
            return items.outcomes();
        });
        List<Outcome<Integer>> outcomes;
        try (Engine engine = Engine.builder().threadFactory(threads).listener(events).build()) {
            outcomes = engine.run(flow, ITEMS);
        }
        assertThat(outcomes).hasSize(ITEMS).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Cancelled.class));
        assertThat(outcomes.subList(2, ITEMS)).allSatisfy(o -> assertThat(o).isSameAs(outcomes.get(2)));
        assertThat(outcomes.get(2)).isEqualTo(new Outcome.Cancelled<>("its map was cancelled on request"));
        assertThat(itemsSeen("blocks")).containsExactlyInAnyOrder(0, 1);
        assertThat(events.lastChangesOf("blocks")).allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingItemUnderFailFastLeavesTheItemsThatNeverStartedWithoutEvents(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        IllegalStateException boom = new IllegalStateException("item 2 is bad");
        Task<Integer, Integer> thirdFails = Task.named("third-fails", (Integer i) -> {
            if (i == 2) {
                throw boom;
            }
            return i;
        }).withLimit("one", 1);
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
            MapHandle<Integer> items = thirdFails.map(IntStream.range(0, n).boxed());
            assertThatThrownBy(items::join).isSameAs(boom);
            return items.outcomes();
        });
        List<Outcome<Integer>> outcomes;
        try (Engine engine = Engine.builder().threadFactory(threads).listener(events).build()) {
            outcomes = engine.run(flow, ITEMS);
        }
        assertThat(outcomes.subList(0, 3)).containsExactly(new Outcome.Success<>(0), new Outcome.Success<>(1),
                new Outcome.Failure<>(boom));
        assertThat(outcomes.subList(3, ITEMS)).hasSize(ITEMS - 3).allSatisfy(o -> assertThat(o)
                .isInstanceOfSatisfying(Outcome.Cancelled.class, c -> assertThat(c.reason()).contains("failed with " + boom)));
        assertThat(itemsSeen("third-fails")).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void underCollectAllAFailingItemCancelsNothingButACancelStillSettlesTheItemsThatNeverStarted() {
        CountDownLatch othersStarted = new CountDownLatch(2);
        Task<Integer, Integer> firstFails = Task.named("first-fails", (Integer i) -> {
            if (i == 0) {
                throw new IllegalStateException("item 0 is bad");
            }
            othersStarted.countDown();
            new CountDownLatch(1).await();
            return i;
        }).withLimit("two", 2);
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
            MapHandle<Integer> items = firstFails.map(IntStream.range(0, n).boxed());
            assertThat(othersStarted.await(10, TimeUnit.SECONDS)).isTrue(); // the failure cancelled nothing
            items.cancel();
            return items.outcomes();
        }).withFailurePolicy(FailurePolicy.COLLECT_ALL);
        List<Outcome<Integer>> outcomes;
        try (Engine engine = Engine.builder().listener(events).build()) {
            outcomes = engine.run(flow, ITEMS);
        }
        assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Failure.class);
        assertThat(outcomes.subList(1, ITEMS)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Cancelled.class));
        // the failing item, and the two that took the permits after it
        assertThat(itemsSeen("first-fails")).containsExactlyInAnyOrder(0, 1, 2);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void cancellingTheRunAboveTheMapEndsItAsSoonAsTheItemsThatStartedHaveSettled(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(2);
        Flow<Integer, Integer> flow = joiningBlockingItemsUnderALimitOfTwo(started);
        try (Engine engine = Engine.builder().threadFactory(threads).listener(events).build()) {
            Handle<Integer> run = engine.submit(flow, ITEMS);
            awaitStarted(started);
            assertThat(run.cancel()).isTrue();
            assertThat(run.outcome()).isInstanceOf(Outcome.Cancelled.class);
        }
        assertThat(itemsSeen("blocks")).containsExactlyInAnyOrder(0, 1);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closingTheEngineSettlesTheItemsThatNeverStartedWithoutEventsAndLeavesNoThread(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(2);
        Flow<Integer, Integer> flow = joiningBlockingItemsUnderALimitOfTwo(started);
        CompletableFuture<Integer> result;
        try (Engine engine = Engine.builder().threadFactory(threads).listener(events)
                .shutdownGrace(Duration.ZERO, Duration.ofSeconds(10)).build()) {
            result = engine.runAsync(flow, ITEMS);
            awaitStarted(started);
        }
        assertThat(result).isCompletedExceptionally();
        assertThat(events.lastChangesOf("f")).singleElement()
                .satisfies(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
        assertThat(itemsSeen("blocks")).containsExactlyInAnyOrder(0, 1);
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void aMapNoneOfWhoseWorkersCouldStartEndsAtOnceWithEveryItemCancelledAndNoItemRuns() {
        AtomicInteger allowed = new AtomicInteger(1); // the flow's own thread, then none
        ThreadFactory virtual = Thread.ofVirtual().factory();
        ThreadFactory refusing = body -> {
            if (allowed.getAndDecrement() <= 0) {
                throw new IllegalStateException("no more threads here");
            }
            return virtual.newThread(body);
        };
        Task<Integer, Integer> quick = Task.named("quick", (Integer i) -> i).withLimit("two", 2);
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> quick.map(IntStream.range(0, n).boxed())
                .outcomes());
        List<Outcome<Integer>> outcomes;
        try (Engine engine = Engine.builder().threadFactory(refusing).listener(events).build()) {
            outcomes = engine.run(flow, ITEMS);
        }
        assertThat(outcomes).hasSize(ITEMS).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Cancelled.class,
                c -> assertThat(c.reason()).contains("no thread could be started for it").contains("no more threads here")));
        assertThat(itemsSeen("quick")).isEmpty();
    }

    /** A flow that maps, under a limit of two, a task named {@code blocks} that blocks until cancelled, and joins. */
    private static Flow<Integer, Integer> joiningBlockingItemsUnderALimitOfTwo(CountDownLatch started) {
        Task<Integer, Integer> blocks = TestTasks.<Integer>blockingUntilCancelled("blocks", started).withLimit("two", 2);
        return Flow.named("f", (Integer n) -> blocks.map(IntStream.range(0, n).boxed()).join().size());
    }

    private static void awaitStarted(CountDownLatch started) {
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).as("items started").isTrue();
        } catch (InterruptedException interrupted) {
            throw new AssertionError(interrupted);
        }
    }

    /** The indices of the items of the runs named {@code name} that any event was published for. */
    private Set<Integer> itemsSeen(String name) {
        return events.changes().stream().map(Event.StateChange::run)
                .filter(run -> run.name().equals(name) && run.mapItem() != null)
                .map(run -> run.mapItem().index()).collect(Collectors.toSet());
    }
}
