package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guarantee 3: a named limit is never exceeded, and never deadlocks a run that nests calls under it. */
class ConcurrencyLimitTest {

    /** Counts how many bodies are inside at once, and the most there ever were. */
    private static final class Gauge {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        <T> T inside(java.util.concurrent.Callable<T> work) throws Exception {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                return work.call();
            } finally {
                now.decrementAndGet();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aLimitIsNeverExceededAndIsReached(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Gauge gauge = new Gauge();
        Task<Integer, Integer> limited = Task.named("limited", (Integer i) -> gauge.inside(() -> {
            Thread.sleep(5);
            return i;
        })).withLimit("model", 3);
        Flow<Integer, Integer> flow = Flow.named("fan-out", (Integer n) -> {
            List<Handle<Integer>> submitted = IntStream.range(0, n).mapToObj(limited::submit).toList();
            List<Integer> mapped = limited.map(IntStream.range(0, n).boxed()).join();
            return submitted.stream().mapToInt(Handle::join).sum() + mapped.stream().mapToInt(i -> i).sum();
        });
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            assertThat(engine.run(flow, 60)).isEqualTo(2 * (59 * 60 / 2));
        }
        assertThat(gauge.max).hasValue(3);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aLimitSharedByConcurrentRootRunsIsNeverExceeded(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        Gauge gauge = new Gauge();
        Task<Integer, Integer> limited = Task.named("limited", (Integer i) -> gauge.inside(() -> {
            Thread.sleep(2);
            return i;
        })).withLimit("db");
        Flow<Integer, Integer> flow = Flow.named("one", limited::call);
        try (Engine engine = Engine.builder().threadFactory(threads).limit("db", 4).build()) {
            var futures = IntStream.range(0, 100).mapToObj(i -> engine.runAsync(flow, i)).toList();
            for (var future : futures) {
                future.get();
            }
        }
        assertThat(gauge.max).hasValue(4);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void callsNestedFiveDeepUnderALimitOfOneDoNotDeadlock(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Gauge lineages = new Gauge();
        // level 5 -> subflow -> level 4 -> subflow -> ... -> level 1, every task under the same limit of 1;
        // each level below the top maps two children under the permit its ancestor holds.
        Task<Integer, Integer>[] levels = nestedLevels(5);
        Task<Integer, Integer> top = levels[5];
        Flow<Integer, Integer> flow = Flow.named("nest", (Integer depth) -> lineages.inside(() -> top.call(depth)));
        Task<Integer, Integer> guardedTop = Task.named("guarded-top", (Integer depth) ->
                lineages.inside(() -> top.call(depth))).withLimit("one");
        Flow<Integer, Integer> guarded = Flow.named("guarded", guardedTop::call);
        try (Engine engine = Engine.builder().threadFactory(threads).limit("one", 1).build()) {
            var runs = IntStream.range(0, 4).mapToObj(i -> engine.runAsync(guarded, 5)).toList();
            for (var run : runs) {
                assertThat(run.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join()).isEqualTo(16);
            }
            assertThat(engine.run(flow, 5)).isEqualTo(16);
        }
        // Five root lineages competed for one permit; one lineage at a time held it.
        assertThat(lineages.max).hasValue(1);
        assertThat(threads.alive()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Task<Integer, Integer>[] nestedLevels(int depth) {
        Task<Integer, Integer>[] levels = new Task[depth + 1];
        levels[1] = Task.named("level-1", (Integer d) -> 1).withLimit("one");
        for (int level = 2; level <= depth; level++) {
            Task<Integer, Integer> below = levels[level - 1];
            Flow<Integer, Integer> sub = Flow.named("sub-" + level, (Integer d) ->
                    below.map(List.of(d - 1, d - 1)).join().stream().mapToInt(i -> i).sum());
            levels[level] = Task.named("level-" + level, (Integer d) -> sub.call(d)).withLimit("one");
        }
        return levels;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void taskSubflowTaskNestingWorksToAnyDepth(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        int depth = 60;
        Task<Integer, Integer>[] tasks = chain(depth);
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            assertThat(engine.run(tasks[depth], depth)).isEqualTo(0);
        }
        assertThat(threads.alive()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Task<Integer, Integer>[] chain(int depth) {
        Task<Integer, Integer>[] tasks = new Task[depth + 1];
        tasks[0] = Task.named("bottom", (Integer d) -> d);
        for (int level = 1; level <= depth; level++) {
            Task<Integer, Integer> below = tasks[level - 1];
            Flow<Integer, Integer> sub = Flow.named("sub", (Integer d) -> below.call(d - 1));
            tasks[level] = Task.named("task", sub::call);
        }
        return tasks;
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWaitingRunIsRecordedPendingOnItsLimit(ThreadKind kind) throws Exception {
        EventRecorder events = new EventRecorder();
        var release = new java.util.concurrent.CountDownLatch(1);
        Task<Integer, Integer> holder = Task.named("holder", (Integer i) -> {
            release.await();
            return i;
        }).withLimit("one", 1);
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events).build()) {
            Flow<Integer, Integer> both = Flow.named("both", (Integer i) -> {
                Handle<Integer> first = holder.submit(1);
                Handle<Integer> second = holder.submit(2);
                while (!(second.state() instanceof State.Pending) && !(first.state() instanceof State.Pending)) {
                    Thread.sleep(Duration.ofMillis(1));
                }
                release.countDown();
                return first.join() + second.join();
            });
            assertThat(engine.run(both, 0)).isEqualTo(3);
        }
        assertThat(events.lastChangesOf("holder")).hasSize(2);
        long pendingRuns = events.lastChangesOf("holder").stream()
                .filter(c -> events.statesOf(c.run().id()).contains(new State.Pending("one"))).count();
        assertThat(pendingRuns).isEqualTo(1);
    }
}
