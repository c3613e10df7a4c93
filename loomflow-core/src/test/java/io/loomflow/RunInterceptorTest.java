package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.RunInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The run interceptor: captured where a run starts, current where it executes, and never a run's failure. */
class RunInterceptorTest {

    /** Context kept per thread, as a tracing library keeps its current span. */
    private static final class Tag implements RunInterceptor {
        final ThreadLocal<String> current = new ThreadLocal<>();
        final Map<String, String> capturedByName = new ConcurrentHashMap<>();

        @Override
        public Object capture(RunInfo run) {
            String where = current.get();
            capturedByName.put(run.name(), String.valueOf(where));
            return (where == null ? "" : where + "/") + run.name();
        }

        @Override
        public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
            String before = current.get();
            current.set((String) captured);
            try {
                run.run();
            } finally {
                current.set(before);
            }
        }
    }

    @Test
    void whatIsCapturedWhereARunStartsIsCurrentWhileItsCodeExecutesAndOnlyThen() {
        Tag tag = new Tag();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Task<Integer, Integer> item = Task.named("item", (Integer i) -> {
            seen.add(tag.current.get());
            return i;
        }).withLimit("one", 1); // one thread runs the items in turn
        Task<String, String> leaf = Task.named("leaf", (String s) -> tag.current.get());
        Flow<String, String> flow = Flow.named("flow", (String s) -> leaf.call(s) + " " + item.map(List.of(1, 2, 3)).join());
        try (Engine engine = Engine.builder().runInterceptor(tag).build()) {
            tag.current.set("request");
            try {
                assertThat(engine.run(flow, "x")).isEqualTo("request/flow/leaf [1, 2, 3]");
                assertThat(tag.current.get()).isEqualTo("request");
            } finally {
                tag.current.remove();
            }
        }
        assertThat(tag.capturedByName).containsEntry("flow", "request").containsEntry("leaf", "request/flow");
        assertThat(seen).containsOnly("item").hasSize(3); // an item is captured on the map's thread, where nothing is current
    }

    @Test
    void anInterceptorThatThrowsOrMisbehavesNeverFailsARunAndRunsItOnce() {
        List<RunInterceptor> broken = List.of(
                interceptor(run -> {
                    throw new IllegalStateException("capture broken");
                }, (info, run) -> run.run()),
                interceptor(run -> null, (info, run) -> {
                    throw new IllegalStateException("execute broken");
                }),
                interceptor(run -> null, (info, run) -> {
                    run.run();
                    run.run();
                    throw new IllegalStateException("broken after the run");
                }),
                interceptor(run -> null, (info, run) -> {
                    // forgets to run it
                }));
        for (RunInterceptor interceptor : broken) {
            AtomicInteger executions = new AtomicInteger();
            Task<Integer, Integer> count = Task.named("count", (Integer i) -> {
                executions.incrementAndGet();
                return i;
            });
            Flow<Integer, Integer> flow = Flow.named("counting", (Integer n) ->
                    count.map(java.util.stream.IntStream.range(0, n).boxed().toList()).join().size());
            Task<String, String> fails = Task.named("fails", (String s) -> {
                throw new IllegalArgumentException("the task's own error");
            });
            try (Engine engine = Engine.builder().runInterceptor(interceptor).build()) {
                assertThat(engine.run(flow, 20)).isEqualTo(20);
                assertThatThrownBy(() -> engine.run(fails, "x")).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("the task's own error");
            }
            assertThat(executions).hasValue(20);
        }
    }

    private static RunInterceptor interceptor(java.util.function.Function<RunInfo, @Nullable Object> capture,
                                              java.util.function.BiConsumer<RunInfo, Runnable> execute) {
        return new RunInterceptor() {
            @Override
            public @Nullable Object capture(RunInfo run) {
                return capture.apply(run);
            }

            @Override
            public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
                execute.accept(info, run);
            }
        };
    }

    /** Records, in one shared list, what the engine asks of it, naming itself. */
    private static final class Recorder implements RunInterceptor {
        final String name;
        final List<String> log;

        Recorder(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public Object capture(RunInfo run) {
            log.add(name + " capture " + run.name());
            return name + ":" + run.name();
        }

        @Override
        public Object captureChild(RunInfo run, @Nullable Object parentCaptured) {
            log.add(name + " captureChild " + run.name() + " of " + parentCaptured);
            return name + ":" + run.name();
        }

        @Override
        public void onStateChange(RunInfo run, @Nullable Object captured, State state, TimeSource clock) {
            log.add(name + " " + state.label() + " " + captured);
        }

        @Override
        public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
            log.add(name + " enter " + captured);
            try {
                run.run();
            } finally {
                log.add(name + " exit " + captured);
            }
        }
    }

    @Test
    void interceptorsNestInTheOrderAddedEachHandedWhatItCaptured() {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        Task<String, String> leaf = Task.named("leaf", (String s) -> {
            log.add("leaf runs");
            return s;
        });
        Flow<String, String> flow = Flow.named("flow", (String s) -> leaf.call(s));
        try (Engine engine = Engine.builder().runInterceptor(new Recorder("A", log))
                .runInterceptor(new Recorder("B", log)).build()) {
            assertThat(engine.run(flow, "x")).isEqualTo("x");
        }
        assertThat(log).containsExactly(
                "A capture flow", "B capture flow",
                "A Scheduled A:flow", "B Scheduled B:flow",
                "A enter A:flow", "B enter B:flow",
                "A Running A:flow", "B Running B:flow",
                "A captureChild leaf of A:flow", "B captureChild leaf of B:flow",
                "A Scheduled A:leaf", "B Scheduled B:leaf",
                "A enter A:leaf", "B enter B:leaf",
                "A Running A:leaf", "B Running B:leaf",
                "leaf runs",
                "A Completed A:leaf", "B Completed B:leaf",
                "B exit B:leaf", "A exit A:leaf",
                "A Completed A:flow", "B Completed B:flow",
                "B exit B:flow", "A exit A:flow");
    }

    @Test
    void everyStateChangeReachesTheInterceptorInOrderRetriesAndLimitsIncluded() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger attempts = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Task<Integer, Integer> holds = Task.named("holds", (Integer i) -> {
            release.await();
            return i;
        }).withLimit("one", 1);
        Task<Integer, Integer> flaky = Task.named("flaky", (Integer i) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("once");
            }
            return i;
        }).withLimit("one", 1).withRetries(Retry.fixed(2, java.time.Duration.ofMillis(1)));
        Recorder recorder = new Recorder("R", log);
        try (Engine engine = Engine.builder().runInterceptor(recorder).build()) {
            Handle<Integer> first = engine.submit(Flow.named("first", (Integer i) -> holds.call(i)), 1);
            awaitUntil(() -> log.contains("R Running R:holds"));
            Handle<Integer> second = engine.submit(Flow.named("second", (Integer i) -> flaky.call(i)), 2);
            awaitUntil(() -> log.contains("R Pending R:flaky"));
            release.countDown();
            assertThat(first.join() + second.join()).isEqualTo(3);
        }
        assertThat(log).filteredOn(line -> (line.endsWith(" R:flaky") || line.startsWith("R captureChild flaky"))
                        && !line.startsWith("R enter") && !line.startsWith("R exit"))
                .containsExactly("R captureChild flaky of R:second", "R Scheduled R:flaky", "R Pending R:flaky", "R Running R:flaky",
                        "R Retrying R:flaky", "R Running R:flaky", "R Completed R:flaky"); // the limit is free for the retry
    }

    /** Polls {@code condition} until it holds, for at most 30 seconds. */
    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s");
            }
            Thread.sleep(1);
        }
    }

    /** Throws from every method. */
    private static RunInterceptor broken() {
        return new RunInterceptor() {
            @Override
            public Object capture(RunInfo run) {
                throw new IllegalStateException("capture broken");
            }

            @Override
            public Object captureChild(RunInfo run, @Nullable Object parentCaptured) {
                throw new IllegalStateException("captureChild broken");
            }

            @Override
            public void onStateChange(RunInfo run, @Nullable Object captured, State state, TimeSource clock) {
                throw new IllegalStateException("onStateChange broken");
            }

            @Override
            public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
                throw new IllegalStateException("execute broken");
            }
        };
    }

    @Test
    void aBrokenInterceptorLeavesTheOthersWhole() {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger executions = new AtomicInteger();
        Task<Integer, Integer> count = Task.named("count", (Integer i) -> {
            executions.incrementAndGet();
            return i;
        });
        Flow<Integer, Integer> flow = Flow.named("counting", (Integer n) ->
                count.map(java.util.stream.IntStream.range(0, n).boxed().toList()).join().size());
        for (int okAt = 0; okAt < 3; okAt++) { // the good one outermost, between two broken ones, innermost
            log.clear();
            executions.set(0);
            Engine.Builder builder = Engine.builder();
            for (int i = 0; i < 3; i++) {
                builder.runInterceptor(i == okAt ? new Recorder("ok", log) : broken());
            }
            try (Engine engine = builder.build()) {
                assertThat(engine.run(flow, 5)).isEqualTo(5);
                assertThat(engine.run(flow, 3)).isEqualTo(3);
            }
            assertThat(executions).hasValue(8);
            assertThat(log).filteredOn(line -> line.startsWith("ok enter")).hasSize(10);
            assertThat(log).filteredOn(line -> line.startsWith("ok exit")).hasSize(10);
            assertThat(log).filteredOn(line -> line.startsWith("ok Running")).hasSize(10);
            assertThat(log).filteredOn(line -> line.startsWith("ok Completed")).hasSize(10);
            assertThat(log).filteredOn(line -> line.startsWith("ok captureChild count of ok:counting")).hasSize(8);
        }
    }

    @Test
    void theSameInterceptorCannotBeAddedTwice() {
        Tag tag = new Tag();
        Engine.Builder builder = Engine.builder().runInterceptor(tag).runInterceptor(new Tag());
        assertThatThrownBy(() -> builder.runInterceptor(tag)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already").hasMessageContaining(Tag.class.getName());
    }
}
