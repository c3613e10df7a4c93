package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunOptions;
import io.loomflow.State;
import io.loomflow.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a flow whose tasks persist their results in a result directory fails, and is resumed
 * by a new engine with a new store on the same directory, as a new process would; the run history
 * shows what was reused.
 */
class ResumeFromDirectoryTest {

    /** The flow's parameters. */
    public record Params(String source, int count) {
    }

    /** One item the flow works on. */
    public record Item(String id, int value) {
    }

    /** The flow's result. */
    public record Summary(String source, List<Item> items, long total) {
    }

    @TempDir
    Path results;

    private final RunStore history = RunStore.inMemory();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean publishFails = true;

    private final Task<Params, List<Item>> load = Task.named("load", (Params p) -> {
        count("load");
        return java.util.stream.IntStream.range(0, p.count()).mapToObj(i -> new Item(p.source() + "-" + i, i)).toList();
    }).withPersistedResult();
    private final Task<List<Item>, Map<String, Item>> index = Task.named("index", (List<Item> items) -> {
        count("index");
        Map<String, Item> byId = new java.util.TreeMap<>();
        items.forEach(item -> byId.put(item.id(), new Item(item.id(), item.value() * 10)));
        return byId;
    }).withPersistedResult();
    private final Task<Map<String, Item>, Long> publish = Task.named("publish", (Map<String, Item> byId) -> {
        count("publish");
        if (publishFails) {
            throw new IllegalStateException("the publishing service is down");
        }
        return byId.values().stream().mapToLong(Item::value).sum();
    }).withPersistedResult();
    private final Flow<Params, Summary> flow = Flow.named("orders", (Params p) -> {
        List<Item> items = load.call(p);
        Map<String, Item> byId = index.call(items);
        return new Summary(p.source(), List.copyOf(byId.values()), publish.call(byId));
    });

    private void count(String task) {
        calls.computeIfAbsent(task, key -> new AtomicInteger()).incrementAndGet();
    }

    private int calls(String task) {
        return calls.getOrDefault(task, new AtomicInteger()).get();
    }

    /** A new engine with a new store on the same directory, like a new process; the in-memory history outlives its close. */
    private Engine engine() {
        return Engine.builder().results(ResultStores.directory(results))
                .listener(RunRecorder.to(history)).build();
    }

    private UUID latestRoot() {
        return history.runs(RunQuery.all().withRootsOnly().withLimit(1)).getFirst().id();
    }

    private RunRecord child(UUID root, String name) {
        return history.children(root).stream().filter(run -> run.name().equals(name)).findFirst().orElseThrow();
    }

    private UUID failedRun(Params params) {
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(flow, params)).hasMessage("the publishing service is down");
        }
        UUID failed = latestRoot();
        assertThat(history.run(failed).orElseThrow().state()).isEqualTo(State.Kind.FAILED);
        return failed;
    }

    @Test
    void aResumedRunReusesThePersistedResultsAndRunsOnlyTheFailedTask() throws Exception {
        UUID failed = failedRun(new Params("shop", 3));
        publishFails = false;
        Params recorded = JsonMapper.builder().build()
                .readValue(history.run(failed).orElseThrow().parameters(), Params.class); // as the CLI will
        Summary summary;
        try (Engine engine = engine()) {
            summary = engine.run(flow, recorded, RunOptions.resuming(failed));
        }
        assertThat(summary).isEqualTo(new Summary("shop", List.of(new Item("shop-0", 0), new Item("shop-1", 10),
                new Item("shop-2", 20)), 30));
        assertThat(calls("load")).isEqualTo(1);
        assertThat(calls("index")).isEqualTo(1);
        assertThat(calls("publish")).isEqualTo(2);

        UUID resumed = latestRoot();
        assertThat(resumed).isNotEqualTo(failed);
        RunRecord loadAgain = child(resumed, "load");
        assertThat(loadAgain.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Cached");
        assertThat(loadAgain.history().getLast().detail()).startsWith("reused run:" + failed + "/load/1/input:")
                .endsWith(" from run " + child(failed, "load").id());
        assertThat(loadAgain.isFinal()).isTrue();
        assertThat(loadAgain.duration()).isEmpty();
        assertThat(child(resumed, "index").state()).isEqualTo(State.Kind.CACHED);
        assertThat(child(resumed, "publish").state()).isEqualTo(State.Kind.COMPLETED);
        assertThat(history.run(resumed).orElseThrow().state()).isEqualTo(State.Kind.COMPLETED);
    }

    @Test
    void resumingAResumedRunStillReusesWhatTheFirstRunPersisted() {
        Params params = new Params("shop", 2);
        UUID first = failedRun(params);
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(flow, params, RunOptions.resuming(first))).hasMessage("the publishing service is down");
        }
        UUID second = latestRoot();
        publishFails = false;
        try (Engine engine = engine()) {
            assertThat(engine.run(flow, params, RunOptions.resuming(second)).total()).isEqualTo(10);
        }
        UUID third = latestRoot();
        assertThat(calls("load")).isEqualTo(1);
        assertThat(calls("index")).isEqualTo(1);
        assertThat(calls("publish")).isEqualTo(3);
        assertThat(child(third, "index").history().getLast().detail()).startsWith("reused run:" + first + "/index/1/");
        assertThat(ResultStores.directory(results).loadScope(third)).contains(first);
        assertThat(ResultStores.directory(results).loadScope(second)).contains(first);
    }

    @Test
    void aCachedTaskIsReusedByAnotherEngineOnTheSameDirectory() {
        Task<Params, Summary> summarize = Task.named("summarize", (Params p) -> {
            count("summarize");
            return new Summary(p.source(), List.of(new Item("a", 1)), 1L);
        }).withCache();
        Summary first;
        Summary second;
        try (Engine engine = engine()) {
            first = engine.run(summarize, new Params("x", 1));
        }
        try (Engine engine = engine()) {
            second = engine.run(summarize, new Params("x", 1));
        }
        assertThat(second).isEqualTo(first).isNotSameAs(first);
        assertThat(calls("summarize")).isEqualTo(1);
        assertThat(history.runs(RunQuery.all().withName("summarize"))).extracting(RunRecord::state)
                .containsExactly(State.Kind.CACHED, State.Kind.COMPLETED);
    }

    @Test
    void aCorruptResultFileOnlyMakesTheTaskRunAgain() throws Exception {
        Task<Params, Summary> summarize = Task.named("summarize", (Params p) -> {
            count("summarize");
            return new Summary(p.source(), List.of(), calls("summarize"));
        }).withCache();
        try (Engine engine = engine()) {
            engine.run(summarize, new Params("x", 1));
        }
        Path file;
        try (Stream<Path> files = Files.list(results)) {
            file = files.filter(path -> path.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.writeString(file, "not json at all");
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store"); Engine engine = engine()) {
            assertThat(engine.run(summarize, new Params("x", 1)).total()).isEqualTo(2);
            assertThat(logs.warnings()).singleElement().asString().contains("is ignored because it is not a result envelope");
        }
        try (Engine engine = engine()) {
            assertThat(engine.run(summarize, new Params("x", 1)).total()).as("the file was replaced").isEqualTo(2);
        }
        assertThat(calls("summarize")).isEqualTo(2);
    }
}
