package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guarantee 6: a resource opens lazily once per engine, is shared by tasks, and closes with its engine. */
class ResourceLifetimeTest {

    /** A stand-in for a client: counts how often it was opened and closed. */
    static final class Client implements AutoCloseable {
        static final AtomicInteger OPENED = new AtomicInteger();
        final int generation = OPENED.incrementAndGet();
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manyConcurrentFirstUsesOpenItOnceAndShareIt(ThreadKind kind) throws Exception {
        AtomicInteger opens = new AtomicInteger();
        Resource<Client> client = Resource.named("client", () -> {
            opens.incrementAndGet();
            Thread.sleep(20); // a slow open invites races
            return new Client();
        });
        Set<Client> seen = ConcurrentHashMap.newKeySet();
        Task<Integer, Integer> use = Task.named("use", (Integer i) -> {
            seen.add(client.get());
            return i;
        });
        Client opened;
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            engine.run(Flow.named("f", (Integer n) -> use.map(IntStream.range(0, n).boxed()).join()), 200);
            assertThat(opens).hasValue(1);
            assertThat(seen).hasSize(1);
            opened = seen.iterator().next();
            assertThat(opened.closed).isFalse();
        }
        assertThat(opened.closed).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void itIsNotOpenedUntilFirstUse(ThreadKind kind) {
        AtomicInteger opens = new AtomicInteger();
        Resource<String> unused = Resource.named("unused", () -> "x" + opens.incrementAndGet());
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            engine.run(Flow.named("f", (Integer i) -> i), 1);
        }
        assertThat(opens).hasValue(0);
        assertThat(unused.name()).isEqualTo("unused");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void eachEngineGetsItsOwnInstance(ThreadKind kind) {
        Resource<Client> client = Resource.named("client", Client::new);
        Flow<Integer, Client> flow = Flow.named("f", (Integer i) -> client.get());
        Client fromFirst;
        Client fromSecond;
        try (Engine first = Engine.builder().threadFactory(kind.tracking()).build();
             Engine second = Engine.builder().threadFactory(kind.tracking()).build()) {
            fromFirst = first.run(flow, 1);
            fromSecond = second.run(flow, 1);
            assertThat(first.run(flow, 2)).isSameAs(fromFirst);
            assertThat(fromSecond).isNotSameAs(fromFirst);
            first.close();
            assertThat(fromFirst.closed).isTrue();
            assertThat(fromSecond.closed).isFalse();
        }
        assertThat(fromSecond.closed).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailedOpenReachesTheCallerUnchangedAndIsTriedAgain(ThreadKind kind) {
        AtomicInteger attempts = new AtomicInteger();
        java.io.UncheckedIOException refused = new java.io.UncheckedIOException(new java.io.IOException("refused"));
        Resource<String> flaky = Resource.named("flaky", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw refused;
            }
            return "open";
        });
        Flow<Integer, String> flow = Flow.named("f", (Integer i) -> flaky.get());
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            assertThatThrownBy(() -> engine.run(flow, 1)).isSameAs(refused);
            assertThat(engine.run(flow, 2)).isEqualTo("open");
            assertThat(engine.run(flow, 3)).isEqualTo("open");
        }
        assertThat(attempts).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFailingCloseIsLoggedAndTheOthersStillClose(ThreadKind kind) {
        List<String> closed = new CopyOnWriteArrayList<>();
        Resource<String> good = Resource.named("good", () -> "good").withCloser(closed::add);
        Resource<String> bad = Resource.named("bad", () -> "bad").withCloser(v -> {
            throw new IllegalStateException("cannot close " + v);
        });
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            engine.run(Flow.named("f", (Integer i) -> good.get() + bad.get()), 1);
        }
        assertThat(closed).containsExactly("good");
    }

    @org.junit.jupiter.api.Test
    void openResourcesListsThoseOpenAndAfterCloseThoseWhoseCloserThrew() {
        Resource<String> first = Resource.named("first", () -> "1");
        Resource<String> stuck = Resource.named("stuck", () -> "2").withCloser(value -> {
            throw new IllegalStateException("cannot close " + value);
        });
        Resource<String> last = Resource.named("last", () -> "3");
        Engine engine = Engine.builder().build();
        assertThat(engine.openResources()).isEmpty();
        engine.run(Flow.named("f", (Integer i) -> first.get() + stuck.get() + last.get()), 1);
        assertThat(engine.openResources()).containsExactly("first", "stuck", "last");

        engine.close();

        assertThat(engine.openResources()).containsExactly("stuck");
    }
}
