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

    @Test
    void anEngineTakesOneInterceptor() {
        Engine.Builder builder = Engine.builder().runInterceptor(new Tag());
        assertThatThrownBy(() -> builder.runInterceptor(new Tag())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has a run interceptor already").hasMessageContaining(Tag.class.getName());
    }
}
