package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tasks with a cache reuse stored results across runs, end Cached, and never fail because of the store. */
class ResultCacheTest {

    private final MemoryResultStore store = new MemoryResultStore();
    private final EventRecorder events = new EventRecorder();
    private final AtomicInteger calls = new AtomicInteger();
    private final Task<String, String> shout = Task.named("shout", (String s) -> {
        calls.incrementAndGet();
        return s.toUpperCase() + "!";
    }).withCache();

    private Engine engine() {
        return Engine.builder().results(store).listener(events).build();
    }

    @Test
    void aCacheHitEndsCachedWithoutRunningTheTask() {
        try (Engine engine = engine()) {
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
        }
        assertThat(calls).hasValue(1);
        List<Event.StateChange> endings = events.lastChangesOf("shout");
        assertThat(endings).extracting(c -> c.state().label()).containsExactly("Completed", "Cached");
        State.Cached cached = (State.Cached) endings.get(1).state();
        assertThat(cached.result()).isEqualTo("HI!");
        assertThat(cached.key()).isEqualTo("shout/1/input:hi");
        assertThat(cached.producedBy()).isEqualTo(endings.getFirst().run().id());
    }

    @Test
    void theCachedStateIsOneEventStraightAfterScheduled() {
        try (Engine engine = engine()) {
            engine.run(shout, "hi");
            engine.run(shout, "hi");
        }
        UUID second = events.lastChangesOf("shout").get(1).run().id();
        assertThat(events.stateLabelsOf(second)).containsExactly("Scheduled", "Cached");
        Event.StateChange cached = events.changes().stream().filter(c -> c.run().id().equals(second)).toList().getLast();
        assertThat(cached.previous()).isInstanceOf(State.Scheduled.class);
        assertThat(cached.state().isFinal()).isTrue();
    }

    @Test
    void aDifferentInputMisses() {
        try (Engine engine = engine()) {
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
            assertThat(engine.run(shout, "ho")).isEqualTo("HO!");
        }
        assertThat(calls).hasValue(2);
    }

    @Test
    void anotherVersionMissesAndKeepsItsOwnResults() {
        Task<String, String> shoutV2 = shout.withCache(Cache.forever().withVersion("2"));
        try (Engine engine = engine()) {
            engine.run(shout, "hi");
            engine.run(shoutV2, "hi");
            engine.run(shoutV2, "hi");
            engine.run(shout, "hi");
        }
        assertThat(calls).hasValue(2);
        assertThat(store.results).containsOnlyKeys("shout/1/input:hi", "shout/2/input:hi");
    }

    @Test
    void anOwnKeyDecidesWhichInputsShareAResult() {
        Task<String, String> byFirstLetter = shout.withCacheKey(s -> s.substring(0, 1));
        try (Engine engine = engine()) {
            assertThat(engine.run(byFirstLetter, "apple")).isEqualTo("APPLE!");
            assertThat(engine.run(byFirstLetter, "avocado")).isEqualTo("APPLE!");
            assertThat(engine.run(byFirstLetter, "banana")).isEqualTo("BANANA!");
        }
        assertThat(calls).hasValue(2);
        assertThat(store.results).containsOnlyKeys("shout/1/key:a", "shout/1/key:b");
    }

    @Test
    void tasksWithTheSameInputButDifferentNamesDoNotShareResults() {
        Task<String, String> whisper = Task.named("whisper", (String s) -> {
            calls.incrementAndGet();
            return s.toLowerCase();
        }).withCache();
        try (Engine engine = engine()) {
            assertThat(engine.run(shout, "Hi")).isEqualTo("HI!");
            assertThat(engine.run(whisper, "Hi")).isEqualTo("hi");
        }
        assertThat(calls).hasValue(2);
    }

    @Test
    void aResultExpiresOnTheEnginesClock() {
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
        Task<String, String> hourly = shout.withCache(Cache.expiringAfter(Duration.ofHours(1)));
        try (Engine engine = Engine.builder().clock(clock).results(store).listener(events).build()) {
            engine.run(hourly, "hi");
            clock.advance(Duration.ofMinutes(59));
            engine.run(hourly, "hi");
            assertThat(calls).as("reused within the hour").hasValue(1);
            clock.advance(Duration.ofMinutes(1));
            engine.run(hourly, "hi");
            assertThat(calls).as("ran again once the hour was up").hasValue(2);
            clock.advance(Duration.ofMinutes(30));
            engine.run(hourly, "hi");
        }
        assertThat(calls).as("the new result counts from when it was stored").hasValue(2);
        assertThat(store.results.get("shout/1/input:hi").expiresAt()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
        assertThat(events.lastChangesOf("shout")).extracting(c -> c.state().label())
                .containsExactly("Completed", "Cached", "Completed", "Cached");
    }

    @Test
    void aStoredNullIsAResultNotAMiss() {
        Task<String, String> nothing = Task.<String, String>named("nothing", (String s) -> {
            calls.incrementAndGet();
            return null;
        }).withCache();
        try (Engine engine = engine()) {
            assertThat(engine.run(nothing, "x")).isNull();
            assertThat(engine.run(nothing, "x")).isNull();
        }
        assertThat(calls).hasValue(1);
        assertThat(events.lastChangesOf("nothing").getLast().state()).isEqualTo(new State.Cached(null, "nothing/1/input:x",
                events.lastChangesOf("nothing").getFirst().run().id()));
    }

    @Test
    void joinAndOutcomeOfACachedRunGiveItsResult() {
        Flow<String, List<Object>> flow = Flow.named("twice", (String s) -> {
            String first = shout.call(s);
            Handle<String> second = shout.submit(s);
            return List.of(first, second.join(), second.outcome(), second.state().label());
        });
        try (Engine engine = engine()) {
            assertThat(engine.run(flow, "hi")).containsExactly("HI!", "HI!", new Outcome.Success<>("HI!"), "Cached");
            assertThat(engine.runAsync(flow, "hi").join()).first().isEqualTo("HI!");
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void itemsOfAMapAreCachedOneByOne() {
        Flow<List<String>, List<String>> all = Flow.named("all", (List<String> words) -> shout.withLimit("one", 1).map(words).join());
        try (Engine engine = engine()) {
            assertThat(engine.run(all, List.of("a", "b", "c"))).containsExactly("A!", "B!", "C!");
            assertThat(engine.run(all, List.of("b", "c", "d"))).containsExactly("B!", "C!", "D!");
        }
        assertThat(calls).hasValue(4);
    }

    @Test
    void aStoreThatThrowsNeverFailsARun() {
        store.failing = true;
        try (Engine engine = engine()) {
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
        }
        assertThat(calls).hasValue(2);
        assertThat(events.lastChangesOf("shout")).extracting(c -> c.state().label()).containsExactly("Completed", "Completed");
        assertThat(warnings()).hasSize(2).allSatisfy(message -> assertThat(message)
                .contains("task 'shout'", "could not make a key of its input hi", "withCacheKey"));
    }

    @Test
    void aStoreThatFailsToLoadOrSaveNeverFailsARun() {
        Task<String, String> keyed = shout.withCacheKey(s -> s);
        store.failing = true;
        try (Engine engine = engine()) {
            assertThat(engine.run(keyed, "hi")).isEqualTo("HI!");
            assertThat(engine.run(keyed, "hi")).isEqualTo("HI!");
        }
        assertThat(calls).hasValue(2);
        assertThat(warnings()).hasSize(4).anySatisfy(message -> assertThat(message)
                .contains("failed to load key shout/1/key:hi; the task runs instead"))
                .anySatisfy(message -> assertThat(message)
                        .contains("failed to save its result under key shout/1/key:hi; the run is not affected"));
    }

    @Test
    void aKeyFunctionThatThrowsOrReturnsNullOnlyTurnsCachingOffForThatRun() {
        Task<String, String> picky = shout.withCacheKey(s -> switch (s) {
            case "boom" -> throw new IllegalArgumentException("no key for boom");
            case "none" -> null;
            default -> s;
        });
        try (Engine engine = engine()) {
            for (int i = 0; i < 2; i++) {
                assertThat(engine.run(picky, "boom")).isEqualTo("BOOM!");
                assertThat(engine.run(picky, "none")).isEqualTo("NONE!");
                assertThat(engine.run(picky, "ok")).isEqualTo("OK!");
            }
        }
        assertThat(calls).hasValue(5);
        assertThat(warnings()).hasSize(4).anySatisfy(m -> assertThat(m).contains("cache key function threw"))
                .anySatisfy(m -> assertThat(m).contains("returned null for input none"));
    }

    @Test
    void withoutAResultStoreACachedTaskSimplyRuns() {
        try (Engine engine = Engine.builder().listener(events).build()) {
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
            assertThat(engine.run(shout, "hi")).isEqualTo("HI!");
        }
        assertThat(calls).hasValue(2);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aTaskWithoutACacheNeitherLooksUpNorSaves() {
        Task<String, String> plain = Task.named("plain", (String s) -> s);
        try (Engine engine = engine()) {
            engine.run(plain, "hi");
            engine.run(plain, "hi");
        }
        assertThat(store.loads).hasValue(0);
        assertThat(store.results).isEmpty();
    }

    @Test
    void theEngineClosesItsResultStore() {
        Engine engine = engine();
        assertThat(store.closed).isFalse();
        engine.close();
        assertThat(store.closed).isTrue();
    }

    private List<String> warnings() {
        return events.events().stream().filter(Event.LogLine.class::isInstance).map(Event.LogLine.class::cast)
                .filter(line -> line.level() == Level.WARNING).map(Event.LogLine::message).toList();
    }
}
