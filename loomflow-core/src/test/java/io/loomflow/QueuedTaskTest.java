package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.RemoteRuns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A map over a task marked {@link Task#withQueue(String)}: in a durable run on an engine with
 * {@link RemoteRuns}, each item is submitted under its checkpoint key and awaited, and its result
 * checkpointed; everywhere else the task runs here, as before.
 */
class QueuedTaskTest {

    private static final int ITEMS = 100;

    private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    private final AtomicInteger localExecutions = new AtomicInteger();
    private final AtomicInteger remoteExecutions = new AtomicInteger();
    private final UUID scope = UUID.randomUUID();
    private final RunOptions durably = RunOptions.defaults().withCheckpoints(scope);
    private final Task<Integer, Integer> square = Task.named("square", (Integer i) -> {
        localExecutions.incrementAndGet();
        return i * i;
    }).withQueue("items");
    private final Flow<Integer, Integer> squares = Flow.named("squares", (Integer n) ->
            square.map(IntStream.range(0, n).boxed().toList()).join().stream().mapToInt(Integer::intValue).sum());
    private final MemoryRemoteRuns remote = new MemoryRemoteRuns(Map.<String, Function<Object, Object>>of("square",
            input -> {
                remoteExecutions.incrementAndGet();
                return (Integer) input * (Integer) input;
            }));

    private static int sumOfSquares(int n) {
        return IntStream.range(0, n).map(i -> i * i).sum();
    }

    @Test
    void aMapOverAQueuedTaskInADurableRunSubmitsEachItemOnceUnderItsCheckpointKeyAndCheckpointsItsResult() {
        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(remote).build()) {
            assertThat(engine.run(squares, ITEMS, durably)).isEqualTo(sumOfSquares(ITEMS));
        }
        assertThat(localExecutions).as("no item ran here").hasValue(0);
        assertThat(remoteExecutions).hasValue(ITEMS);
        assertThat(remote.requests()).hasSize(ITEMS).allSatisfy(request -> {
            assertThat(request.scope()).isEqualTo(scope);
            assertThat(request.queue()).isEqualTo("items");
            assertThat(request.task()).isEqualTo("square");
        });
        assertThat(remote.children().keySet()).as("the idempotency keys").hasSize(ITEMS)
                .contains(scope + "//square[0]", scope + "//square[99]");
        assertThat(checkpoints.savedIn(scope)).hasSize(ITEMS).containsKey("/square[42]");
        assertThat(checkpoints.savedIn(scope).get("/square[42]").value()).isEqualTo(42 * 42);
    }

    @Test
    void aDurableRunExecutedAgainReplaysTheCheckpointedItemsAndReattachesToTheOthersWithoutNewChildren() {
        checkpoints.allowSaves(60);
        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(remote).build()) {
            assertThatThrownBy(() -> engine.run(squares, ITEMS, durably)).isInstanceOf(RunLostException.class);
        }
        int submittedBefore = remote.children().size();
        int requestsBefore = remote.requests().size();
        checkpoints.allowAllSaves();

        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(remote).build()) {
            assertThat(engine.run(squares, ITEMS, durably)).isEqualTo(sumOfSquares(ITEMS));
        }

        List<RemoteRuns.Request> again = remote.requests().subList(requestsBefore, remote.requests().size());
        assertThat(again).as("only the items without a checkpoint were asked for again").hasSize(ITEMS - 60);
        assertThat(again).allSatisfy(request -> assertThat(remote.children()).containsKey(request.idempotencyKey()));
        // How many items the first execution had submitted when it was lost depends on the scheduling (at
        // least the 60 it checkpointed); each of those is re-attached, and only the others get a child now.
        assertThat(submittedBefore).as("the first execution submitted at least the items it checkpointed")
                .isGreaterThan(60);
        assertThat(remote.children()).as("one child per item: those of the first execution re-attached")
                .hasSize(ITEMS);
        assertThat(remoteExecutions).as("no child executed twice").hasValue(ITEMS);
        assertThat(localExecutions).hasValue(0);
    }

    @Test
    void withoutADispatcherTheItemsOfADurableRunRunHere() {
        try (Engine engine = Engine.builder().checkpoints(checkpoints).build()) {
            assertThat(engine.run(squares, ITEMS, durably)).isEqualTo(sumOfSquares(ITEMS));
        }
        assertThat(localExecutions).hasValue(ITEMS);
        assertThat(checkpoints.savedIn(scope)).hasSize(ITEMS);
    }

    @Test
    void outsideADurableRunAndForCallsAQueuedTaskRunsHereEvenWithADispatcher() {
        Flow<Integer, Integer> calling = Flow.named("calling", (Integer n) -> square.call(n) + square.submit(n).join());
        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(remote).build()) {
            assertThat(engine.run(squares, ITEMS)).isEqualTo(sumOfSquares(ITEMS));
            assertThat(engine.run(calling, 3, durably)).isEqualTo(18);
        }
        assertThat(localExecutions).hasValue(ITEMS + 2);
        assertThat(remote.requests()).isEmpty();
    }

    @Test
    void cancellingTheMapCancelsTheChildrenOfItsItems() {
        MemoryRemoteRuns neverTaken = new MemoryRemoteRuns(Map.of());
        Flow<Integer, List<Outcome<Integer>>> cancelling = Flow.named("cancelling", (Integer n) -> {
            MapHandle<Integer> map = square.map(IntStream.range(0, n).boxed().toList());
            neverTaken.awaitChildren(n);
            map.cancel();
            return map.outcomes();
        });
        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(neverTaken).build()) {
            assertThat(engine.run(cancelling, 10, durably)).hasSize(10)
                    .allSatisfy(outcome -> assertThat(outcome).isInstanceOf(Outcome.Cancelled.class));
        }
        assertThat(neverTaken.children().values()).hasSize(10).allSatisfy(child ->
                assertThat(child).isCancelled());
        assertThat(checkpoints.savedIn(scope)).as("a cancelled item is not checkpointed").isEmpty();
    }

    @Test
    void aChildThatFailedFailsItsItemWithTheChildsErrorAndTheItemIsNotRetriedHere() {
        Task<Integer, Integer> failing = Task.named("failing", (Integer i) -> i).withQueue("items")
                .withRetries(Retry.fixed(3, Duration.ofMillis(1)));
        MemoryRemoteRuns failingRemote = new MemoryRemoteRuns(Map.<String, Function<Object, Object>>of("failing",
                input -> {
                    throw new IllegalStateException("item " + input + " failed on another worker");
                }));
        Flow<Integer, List<Integer>> flow = Flow.named("fails", (Integer n) ->
                failing.map(IntStream.range(0, n).boxed().toList()).join());
        try (Engine engine = Engine.builder().checkpoints(checkpoints).remoteRuns(failingRemote).build()) {
            assertThatThrownBy(() -> engine.run(flow, 1, durably)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("item 0 failed on another worker");
        }
        assertThat(failingRemote.requests()).as("asked once, not once per retry").hasSize(1);
        CompletableFuture<Object> child = failingRemote.children().values().iterator().next();
        assertThat(child).isCompletedExceptionally();
    }

    @Test
    void aBlankQueueIsRefusedNamingTheTask() {
        assertThatThrownBy(() -> Task.named("t", (Integer i) -> i).withQueue(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("task 't': queue name was blank (\" \")");
        assertThat(square.queue()).contains("items");
        assertThat(Task.named("t", (Integer i) -> i).queue()).isEmpty();
    }
}
