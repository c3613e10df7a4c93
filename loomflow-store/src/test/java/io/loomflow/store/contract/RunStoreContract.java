package io.loomflow.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.Retry;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import io.loomflow.store.StateRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link RunStore} must record and answer. Each store's test extends this class and
 * opens a store against its real database; the history is written by a real engine through a
 * {@link RunRecorder}.
 */
public abstract class RunStoreContract {

    /** Opens an empty store; the recorder closes it. */
    protected abstract RunStore openStore() throws Exception;

    /** Opens the same database again, after the first store was closed. */
    protected abstract RunStore reopenStore() throws Exception;

    /** The parameters of the recorded flow. */
    public record Params(String source, int items) {
    }

    private final AtomicInteger attempts = new AtomicInteger();
    private final Task<Integer, Integer> square = Task.named("square", (Integer i) -> {
        RunContext.current().log().info("squaring %d", i);
        if (i == 2 && attempts.incrementAndGet() == 1) {
            throw new java.io.IOException("transient failure on 2");
        }
        return i * i;
    }).withRetries(Retry.fixed(1, Duration.ZERO));
    private final Task<Integer, Integer> refuse = Task.named("refuse", (Integer i) -> {
        throw new IllegalArgumentException("item " + i + " is refused", new IllegalStateException("the cause"));
    });
    private final AtomicInteger measured = new AtomicInteger();
    private final Task<String, Integer> measure = Task.named("measure", (String s) -> {
        measured.incrementAndGet();
        return s.length();
    }).withCache();
    private final Flow<Params, Integer> flow = Flow.named("report", (Params p) -> {
        measure.call(p.source());
        measure.call(p.source()); // the second call ends Cached
        int sum = square.map(java.util.stream.IntStream.range(0, p.items()).boxed()).join().stream().mapToInt(i -> i).sum();
        try {
            refuse.call(7);
        } catch (IllegalArgumentException handled) {
            RunContext.current().log().warn("skipped: %s", handled.getMessage());
        }
        return sum;
    });

    @TempDir
    Path results;
    private RunRecord root;
    private RunStore reopened;

    @BeforeEach
    void recordARun() throws Exception {
        try (Engine engine = Engine.builder().listener(RunRecorder.to(openStore()))
                .results(ResultStores.directory(results)).build()) {
            assertThat(engine.run(flow, new Params("data/x.csv", 3))).isEqualTo(0 + 1 + 4);
        } // the engine closes the recorder last: everything is written, then the store is closed
        reopened = reopenStore();
        List<RunRecord> roots = reopened.runs(RunQuery.all().withRootsOnly());
        assertThat(roots).hasSize(1);
        root = roots.getFirst();
    }

    @AfterEach
    void closeTheReopenedStore() {
        if (reopened != null) {
            reopened.close();
        }
    }

    @Test
    void aDeliveryIsClaimedOnceUntilItExpires() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.time.Instant expires = now.plusSeconds(300);
        assertThat(reopened.claimDelivery("hook", "msg_1", now, expires)).isTrue();
        assertThat(reopened.claimDelivery("hook", "msg_1", now.plusSeconds(299), expires.plusSeconds(299))).isFalse();
        assertThat(reopened.claimDelivery("other", "msg_1", now, expires)).as("another scope").isTrue();
        assertThat(reopened.claimDelivery("hook", "msg_2", now, expires)).as("another id").isTrue();
        // Once its time has passed, the delivery is forgotten (the signed timestamp refuses it by then).
        assertThat(reopened.claimDelivery("hook", "msg_1", expires.plusSeconds(1), expires.plusSeconds(301))).isTrue();
        assertThat(reopened.claimDelivery("hook", "msg_1", expires.plusSeconds(2), expires.plusSeconds(302))).isFalse();
        assertThatThrownBy(() -> reopened.claimDelivery("hook", "x".repeat(1001), now, expires))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id is over 1000 characters");
    }

    @Test
    void aReleasedDeliveryCanBeClaimedAgain() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.time.Instant expires = now.plusSeconds(300);
        assertThat(reopened.claimDelivery("hook", "msg_r", now, expires)).isTrue();
        assertThat(reopened.claimDelivery("other", "msg_r", now, expires)).isTrue();
        reopened.releaseDelivery("hook", "msg_r");
        assertThat(reopened.claimDelivery("hook", "msg_r", now.plusSeconds(1), expires)).as("released").isTrue();
        assertThat(reopened.claimDelivery("hook", "msg_r", now.plusSeconds(2), expires)).as("claimed again").isFalse();
        assertThat(reopened.claimDelivery("other", "msg_r", now.plusSeconds(2), expires)).as("another scope kept").isFalse();
        reopened.releaseDelivery("hook", "never-claimed"); // nothing to forget: no error
    }

    @Test
    void aDeliveryClaimedAtOnceFromManyThreadsIsWonOnce() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        int threads = 8;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Boolean>> claims = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return reopened.claimDelivery("hook", "raced", now, now.plusSeconds(300));
                }));
            }
            start.countDown();
            long won = 0;
            for (var claim : claims) {
                won += claim.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        }
    }

    @Test
    void aRootRunIsRecordedWithItsParametersHistoryAndDuration() {
        assertThat(root.name()).isEqualTo("report");
        assertThat(root.kind()).isEqualTo(RunInfo.Kind.FLOW);
        assertThat(root.parentId()).isNull();
        assertThat(root.rootId()).isEqualTo(root.id());
        assertThat(root.parameters()).isEqualTo("{\"source\":\"data/x.csv\",\"items\":3}");
        assertThat(root.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed");
        assertThat(root.state()).isEqualTo(State.Kind.COMPLETED);
        assertThat(root.error()).isNull();
        assertThat(root.result()).isEqualTo("5");
        assertThat(root.duration()).isPresent();
        assertThat(reopened.run(root.id())).contains(root);
    }

    @Test
    void childrenFormTheRunTreeWithRetriesAndFailuresRecorded() {
        List<RunRecord> children = reopened.children(root.id());
        assertThat(children).extracting(RunRecord::name).containsExactlyInAnyOrder("measure", "measure", "square", "square", "square",
                "refuse");
        assertThat(children).allSatisfy(child -> assertThat(child.rootId()).isEqualTo(root.id()));
        RunRecord retried = children.stream().filter(c -> c.parameters().equals("2")).findFirst().orElseThrow();
        assertThat(retried.history()).extracting(StateRecord::state)
                .containsExactly("Scheduled", "Running", "Retrying", "Running", "Completed");
        assertThat(retried.history().get(2).detail()).contains("attempt 1 failed with java.io.IOException: transient failure on 2");
        RunRecord refused = children.stream().filter(c -> c.name().equals("refuse")).findFirst().orElseThrow();
        assertThat(refused.state()).isEqualTo(State.Kind.FAILED);
        assertThat(children).allSatisfy(child -> assertThat(child.result()).as("task results are not recorded").isNull());
        assertThat(refused.error().type()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(refused.error().message()).isEqualTo("item 7 is refused");
        assertThat(refused.error().stackTrace()).contains("Caused by: java.lang.IllegalStateException: the cause");
    }

    @Test
    void aCacheHitIsRecordedAsACachedRunThatNeverRan() {
        assertThat(measured).hasValue(1);
        List<RunRecord> measures = reopened.children(root.id()).stream().filter(c -> c.name().equals("measure")).toList();
        assertThat(measures).extracting(RunRecord::state).containsExactly(State.Kind.COMPLETED, State.Kind.CACHED);
        RunRecord cached = measures.get(1);
        assertThat(cached.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Cached");
        assertThat(cached.history().getLast().detail()).contains("reused").contains(measures.get(0).id().toString());
        assertThat(cached.isFinal()).isTrue();
        assertThat(cached.error()).isNull();
    }

    @Test
    void logLinesAreKeptInOrderPerRun() {
        List<LogRecord> rootLines = reopened.logs(root.id());
        assertThat(rootLines).extracting(LogRecord::level, LogRecord::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("WARNING", "skipped: item 7 is refused"));
        RunRecord retried = reopened.children(root.id()).stream().filter(c -> c.parameters().equals("2")).findFirst()
                .orElseThrow();
        assertThat(reopened.logs(retried.id())).extracting(LogRecord::message).containsExactly("squaring 2", "squaring 2");
        assertThat(reopened.logs(retried.id())).extracting(LogRecord::sequence).isSorted();
        long first = reopened.logs(retried.id()).getFirst().sequence();
        assertThat(reopened.logs(retried.id(), first)).extracting(LogRecord::message).containsExactly("squaring 2");
        assertThat(reopened.logs(retried.id(), -1)).hasSize(2);
    }

    @Test
    void queriesFilterByStateAndNameAndLimit() {
        assertThat(reopened.runs(RunQuery.all().withState(State.Kind.FAILED))).extracting(RunRecord::name).containsExactly("refuse");
        assertThat(reopened.runs(RunQuery.all().withName("square"))).hasSize(3);
        assertThat(reopened.runs(RunQuery.all().withName("square").withLimit(2))).hasSize(2);
        List<RunRecord> squares = reopened.runs(RunQuery.all().withName("square"));
        assertThat(reopened.runs(RunQuery.all().withName("square").withLimit(2).withOffset(2)))
                .containsExactly(squares.get(2));
        assertThat(reopened.runs(RunQuery.all().withName("square").withOffset(3))).isEmpty();
        assertThat(reopened.runs(RunQuery.all())).hasSize(7);
        assertThat(reopened.runs(RunQuery.all().withState(State.Kind.CACHED))).extracting(RunRecord::name).containsExactly("measure");
        List<RunRecord> newestFirst = reopened.runs(RunQuery.all());
        for (int i = 1; i < newestFirst.size(); i++) {
            assertThat(newestFirst.get(i - 1).createdAt()).isAfterOrEqualTo(newestFirst.get(i).createdAt());
        }
        assertThat(reopened.runs(RunQuery.all().withState(State.Kind.RUNNING))).isEmpty();
        assertThat(Map.of("runs", reopened.runs(RunQuery.all()).size())).containsEntry("runs", 7);
    }

    @Test
    void aBatchWithAnEventTheStoreCannotRecordIsRecordedNotAtAll() throws Exception {
        Task<Unprintable, String> accept = Task.named("accept", (Unprintable value) -> "accepted");
        Flow<Integer, Integer> good = Flow.named("good", (Integer n) -> {
            RunContext.current().log().info("recording %d", n);
            return n + 1;
        });
        Flow<Integer, String> bad = Flow.named("bad", (Integer n) -> accept.call(new Unprintable()));
        List<Event> events = new java.util.ArrayList<>();
        try (Engine engine = Engine.builder().listener(events::add).build()) {
            engine.run(good, 1);
            engine.run(bad, 2);
        }
        java.util.function.Predicate<Event> refusable = event -> event.run().name().equals("accept");

        assertThatThrownBy(() -> reopened.write(events)).as("the accept run's parameters cannot be recorded").isNotNull();
        RunQuery named = RunQuery.all().withName("good");
        assertThat(reopened.runs(named)).as("nothing of the batch").isEmpty();
        assertThat(reopened.runs(RunQuery.all().withName("bad"))).isEmpty();

        reopened.write(events.stream().filter(refusable.negate()).toList());
        RunRecord recorded = reopened.runs(named).getFirst();
        assertThat(recorded.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed");
        assertThat(reopened.logs(recorded.id())).extracting(LogRecord::message).containsExactly("recording 1");
    }

    @Test
    void aPrefixOfAnIdFindsTheRunsWhoseIdStartsWithItInTheOrderOfTheirIdsOneIndexRangeAcrossEverySign() {
        java.util.UUID a = java.util.UUID.fromString("7fffffff-ffff-7fff-bfff-ffffffffffff");
        java.util.UUID b = java.util.UUID.fromString("80000000-0000-7000-0000-000000000005"); // its low half is positive
        java.util.UUID c = java.util.UUID.fromString("80000000-0000-7000-8000-000000000001"); // below b
        java.util.UUID d = java.util.UUID.fromString("80000000-0000-7000-ffff-ffffffffffff");
        java.time.Instant at = java.time.Instant.parse("2026-01-02T03:04:05Z");
        List<Event> events = new java.util.ArrayList<>();
        for (RunInfo run : List.of(new RunInfo(a, null, a, "alpha", RunInfo.Kind.FLOW, null, at),
                new RunInfo(b, null, b, "beta", RunInfo.Kind.FLOW, null, at),
                new RunInfo(c, b, b, "gamma", RunInfo.Kind.TASK, null, at),
                new RunInfo(d, null, d, "delta", RunInfo.Kind.FLOW, null, at))) {
            events.add(new Event.StateChange(events.size() + 1, at, run, null, new State.Scheduled()));
        }
        reopened.write(events);

        assertThat(reopened.runsByIdPrefix("8", false, 10)).extracting(RunRecord::id).containsExactly(b, c, d);
        assertThat(reopened.runsByIdPrefix("80000000-0000-7000", false, 10)).extracting(RunRecord::id)
                .containsExactly(b, c, d);
        assertThat(reopened.runsByIdPrefix("8000000000007000", false, 10)).extracting(RunRecord::id).containsExactly(b, c, d);
        assertThat(reopened.runsByIdPrefix("8", true, 10)).extracting(RunRecord::id).containsExactly(b, d);
        assertThat(reopened.runsByIdPrefix("8", false, 2)).extracting(RunRecord::id).containsExactly(b, c);
        assertThat(reopened.runsByIdPrefix("80000000-0000-7000-8", false, 10)).extracting(RunRecord::id).containsExactly(c);
        assertThat(reopened.runsByIdPrefix("80000000-0000-7000-8000-000000000001", false, 10)).extracting(RunRecord::id)
                .containsExactly(c);
        assertThat(reopened.runsByIdPrefix("7FFFFFFF", false, 10)).singleElement()
                .satisfies(run -> assertThat(run.name()).isEqualTo("alpha"));
        assertThat(reopened.runsByIdPrefix("9", false, 10)).isEmpty();
        assertThat(reopened.runsByIdPrefix("80000000-0000-7000-8000-000000000001", true, 10)).isEmpty();
        for (String bad : List.of("", "xyz", "8000-", "80000000-0000-7000-8000-0000000000012", "-8")) {
            assertThatThrownBy(() -> reopened.runsByIdPrefix(bad, false, 10)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> reopened.runsByIdPrefix("8", false, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
