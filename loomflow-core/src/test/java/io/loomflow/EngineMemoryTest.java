package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What an engine keeps after its runs: nothing of a run that has ended, and nothing at all once
 * closed. Measured on the heap, after full collections, around a large map whose items call
 * subflows (every item, subflow and task call is a virtual thread of its own).
 */
class EngineMemoryTest {

    private static final int ITEMS = 30_000;
    /** Far below what the map's dead threads took when the engine kept them (tens of MiB). */
    private static final long ALLOWED_GROWTH = 4L * 1024 * 1024;

    private final Task<Integer, Integer> increment = Task.named("increment", (Integer x) -> x + 1);
    private final Flow<Integer, Integer> sub = Flow.named("sub", increment::call);
    private final Task<Integer, Integer> item = Task.named("item", sub::call);
    private final Flow<Integer, Integer> total = Flow.named("total", (Integer n) ->
            item.map(IntStream.range(0, n).boxed().toList()).join().stream().mapToInt(Integer::intValue).sum());

    @Test
    void anEngineKeepsNothingOfARunThatHasEndedAndNothingAtAllOnceClosed() {
        Engine engine = Engine.builder().build();
        engine.run(total, 10); // the engine's one-time parts (limits, loggers, JIT) before the baseline
        long baseline = usedHeapAfterFullCollections();

        int sum = engine.run(total, ITEMS);

        assertThat(sum).isEqualTo(IntStream.range(0, ITEMS).map(i -> i + 1).sum());
        long afterRun = usedHeapAfterFullCollections();
        assertThat(afterRun - baseline)
                .as("bytes still reachable from the engine after a %,d-item map has ended", ITEMS)
                .isLessThan(ALLOWED_GROWTH);

        engine.close();
        long afterClose = usedHeapAfterFullCollections();
        assertThat(afterClose - baseline)
                .as("bytes still reachable from the closed engine, which the caller still holds")
                .isLessThan(ALLOWED_GROWTH);
        assertThat(List.of(engine)).singleElement().matches(Engine::isClosed);
    }

    /** Heap in use after full collections (G1's System.gc() is one); the least of a few. */
    private static long usedHeapAfterFullCollections() {
        Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }
}
