package io.loomflow.workers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.spi.ContextPropagator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The context a queued run carries: stored as JSON, handed back where the run starts, and never a
 * reason for a run to fail or to start twice, whatever the propagator does.
 */
class TraceContextTest {

    private final AtomicInteger starts = new AtomicInteger();

    private String start() {
        starts.incrementAndGet();
        return "started";
    }

    /** A propagator that carries one header and records what it was handed back. */
    private static final class Recording implements ContextPropagator {
        final AtomicReference<Map<String, String>> continued = new AtomicReference<>();

        @Override
        public Map<String, String> inject() {
            return Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        }

        @Override
        public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
            continued.set(headers);
            return start.get();
        }
    }

    @Test
    void theHeadersAreStoredAsJsonAndHandedBackWhereTheRunStarts() {
        Recording propagator = new Recording();
        TraceContext context = new TraceContext(propagator, "test");

        String stored = context.inject();

        assertThat(stored).isEqualTo("{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}");
        assertThat(context.continueIn(stored, this::start)).isEqualTo("started");
        assertThat(propagator.continued.get()).isEqualTo(propagator.inject());
        assertThat(starts).hasValue(1);
    }

    @Test
    void withoutAPropagatorOrAStoredContextNothingIsCarriedAndTheRunStarts() {
        assertThat(new TraceContext(null, "test").inject()).isNull();
        assertThat(new TraceContext(null, "test").continueIn("{\"a\":\"b\"}", this::start)).isEqualTo("started");
        Recording propagator = new Recording();
        assertThat(new TraceContext(propagator, "test").continueIn(null, this::start)).isEqualTo("started");
        assertThat(propagator.continued.get()).isNull();
        assertThat(starts).hasValue(2);
    }

    @Test
    void aPropagatorThatThrowsCarriesNothingAndTheRunStartsOnce() {
        ContextPropagator throwing = new ContextPropagator() {
            @Override
            public Map<String, String> inject() {
                throw new IllegalStateException("broken propagator");
            }

            @Override
            public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
                throw new IllegalStateException("broken propagator");
            }
        };
        TraceContext context = new TraceContext(throwing, "test");

        assertThat(context.inject()).isNull();
        assertThat(context.continueIn("{\"a\":\"b\"}", this::start)).isEqualTo("started");
        assertThat(context.continueIn("not json", this::start)).isEqualTo("started");
        assertThat(starts).hasValue(2);
    }

    @Test
    void aPropagatorThatStartsTheRunTwiceOrNeverStartsItOnce() {
        ContextPropagator twice = new ContextPropagator() {
            @Override
            public Map<String, String> inject() {
                return Map.of();
            }

            @Override
            public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
                start.get();
                return start.get();
            }
        };
        ContextPropagator never = new ContextPropagator() {
            @Override
            public Map<String, String> inject() {
                return Map.of();
            }

            @Override
            public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
                return null;
            }
        };

        assertThat(new TraceContext(twice, "test").continueIn("{}", this::start)).isEqualTo("started");
        assertThat(starts).hasValue(1);
        assertThat(new TraceContext(never, "test").continueIn("{}", this::start)).isEqualTo("started");
        assertThat(starts).hasValue(2);
        assertThat(new TraceContext(twice, "test").inject()).as("empty headers are not stored").isNull();
    }

    @Test
    void whatStartingTheRunThrowsIsThrown() {
        TraceContext context = new TraceContext(new Recording(), "test");

        assertThatThrownBy(() -> context.continueIn("{}", () -> {
            starts.incrementAndGet();
            throw new IllegalArgumentException("a run with that id is in flight");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("a run with that id is in flight");
        assertThat(starts).hasValue(1);
    }
}
