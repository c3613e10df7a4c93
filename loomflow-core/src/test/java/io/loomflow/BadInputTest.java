package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input fails at once, naming the offending value and what to do. */
class BadInputTest {

    @Test
    void nullOrBlankNames() {
        assertThatThrownBy(() -> Flow.named(null, (String s) -> s)).isInstanceOf(NullPointerException.class)
                .hasMessage("Flow name must not be null; pass a short non-blank name such as \"fetch\"");
        assertThatThrownBy(() -> Task.named("  ", (String s) -> s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Task name was blank (\"  \"); pass a short non-blank name such as \"fetch\"");
        assertThatThrownBy(() -> Resource.named("", () -> "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Resource name was blank");
        assertThatThrownBy(() -> Engine.builder().name(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Engine name was blank");
    }

    @Test
    void nullFunctions() {
        assertThatThrownBy(() -> Task.named("fetch", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("Task 'fetch' needs a function; pass a lambda such as (String id) -> load(id)");
        assertThatThrownBy(() -> Flow.named("report", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Flow 'report' needs a function");
        assertThatThrownBy(() -> Resource.named("client", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Resource 'client' needs an opener");
    }

    @Test
    void negativeRetriesAndBadRetryShapes() {
        assertThatThrownBy(() -> Retry.fixed(-1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetries was -1; pass 0 or more (0 means a failed attempt is not tried again)");
        assertThatThrownBy(() -> Retry.exponential(2, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry delay was PT-1S; pass zero or a positive duration");
        assertThatThrownBy(() -> Retry.fixed(1, Duration.ZERO).withJitter(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry jitter was 1.5; pass a fraction from 0 to 1");
        assertThatThrownBy(() -> Task.named("t", (String s) -> s).withRetries(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("task 't': retry policy must not be null");
    }

    @Test
    void zeroOrNegativeTimeouts() {
        Task<String, String> task = Task.named("fetch", (String s) -> s);
        assertThatThrownBy(() -> task.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 'fetch': timeout was PT0S; pass a positive duration, or leave the timeout unset for none");
        assertThatThrownBy(() -> Flow.named("report", (String s) -> s).withTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flow 'report': timeout was PT-0.005S");
    }

    @Test
    void zeroOrNegativeLimits() {
        assertThatThrownBy(() -> Task.named("fetch", (String s) -> s).withLimit("http", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 'fetch': limit 'http' was given 0 permits; pass 1 or more");
        assertThatThrownBy(() -> Engine.builder().limit("http", -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit 'http' was given -2 permits; pass 1 or more");
        assertThatThrownBy(() -> Engine.builder().shutdownGrace(Duration.ofSeconds(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdown grace was PT-1S");
    }

    @Test
    void aLimitThatNoOneDefinedFailsTheRunWithAClearMessage() {
        Task<String, String> task = Task.named("fetch", (String s) -> s).withLimit("http");
        try (Engine engine = Engine.builder().name("e").build()) {
            assertThatThrownBy(() -> engine.run(task, "x")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'fetch' uses limit 'http', which engine 'e' does not define; add"
                            + " .limit(\"http\", N) to the engine's builder, or declare the size with withLimit(\"http\", N)");
        }
    }

    @Test
    void twoSizesForOneLimitFailClearly() {
        Task<String, String> four = Task.named("four", (String s) -> s).withLimit("http", 4);
        Task<String, String> eight = Task.named("eight", (String s) -> s).withLimit("http", 8);
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(four, "a")).isEqualTo("a");
            assertThatThrownBy(() -> engine.run(eight, "b")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("task 'eight' declares limit 'http' with 8 permits, but another flow or task"
                            + " declared it with 4");
        }
    }

    @Test
    void joiningAHandleFromAnotherEnginesRunFailsAtOnce() {
        try (Engine first = Engine.builder().name("first").build(); Engine second = Engine.builder().name("second").build()) {
            Handle<String> handle = first.submit(Flow.named("owned", (String s) -> s), "x");
            Flow<String, String> joinsForeign = Flow.named("joins-foreign", (String s) -> handle.join());
            assertThatThrownBy(() -> second.run(joinsForeign, "y")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot join flow 'owned'").hasMessageContaining("of engine 'first'")
                    .hasMessageContaining("from inside flow 'joins-foreign'").hasMessageContaining("of engine 'second'");
            assertThat(handle.join()).isEqualTo("x"); // from outside any run it is fine
        }
    }

    @Test
    void callingAFlowOnAClosedEngineFailsAtOnce() {
        Engine engine = Engine.builder().name("gone").build();
        engine.close();
        assertThatThrownBy(() -> engine.run(Flow.named("late", (String s) -> s), "x"))
                .isInstanceOf(EngineClosedException.class).hasMessageContaining("engine 'gone' is closed");
    }

    @Test
    void mapOfNullFailsClearly() {
        Task<String, String> task = Task.named("fetch", (String s) -> s);
        assertThatThrownBy(() -> task.map((List<String>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("task 'fetch': map needs a collection of inputs, not null");
    }

    @Test
    void aResourceWhoseOpenerReturnsNullFailsClearly() {
        Resource<String> nothing = Resource.named("nothing", () -> null);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> nothing.get(engine)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Resource 'nothing': its opener returned null");
        }
    }
}
