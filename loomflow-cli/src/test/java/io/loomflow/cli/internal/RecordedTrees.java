package io.loomflow.cli.internal;

import io.loomflow.Engine;
import io.loomflow.FailurePolicy;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.ItemHistory;
import io.loomflow.Outcome;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Run trees recorded by a real engine into an in-memory store, for the tests of what {@code show},
 * {@code logs} and {@code prune} do with a store: a flow that notes, maps {@code check} over many
 * items (every item {@code i % 50 == 7} fails), calls a subflow, then maps three more.
 */
final class RecordedTrees implements AutoCloseable {

    static final Task<Integer, Integer> CHECK = Task.named("check", (Integer i) -> {
        RunContext.current().log().info("item %d", i);
        if (i % 50 == 7) {
            throw new IllegalStateException("item " + i + " is bad");
        }
        return i;
    });
    static final Task<String, String> NOTE = Task.named("note", (String s) -> {
        RunContext.current().log().info("note %s", s);
        return s;
    });
    static final Flow<String, String> NESTED = Flow.named("nested", (String s) -> NOTE.call(NOTE.call(s)));

    /** The flow: note, a map of {@code items} items, the subflow, a map of three, note. */
    static Flow<Integer, Integer> checking(ItemHistory history) {
        return Flow.named("checking", (Integer items) -> {
            RunContext.current().log().info("checking %d", items);
            NOTE.call("before");
            int good = (int) CHECK.map(IntStream.range(0, items).boxed()).outcomes().stream()
                    .filter(outcome -> outcome instanceof Outcome.Success<?>).count();
            NESTED.call("inside");
            CHECK.map(IntStream.range(0, 3).boxed()).outcomes();
            NOTE.call("after");
            return good;
        }).withFailurePolicy(FailurePolicy.COLLECT_ALL).withItemHistory(history);
    }

    final RunStore store = RunStore.inMemory();
    final RunRecorder recorder = RunRecorder.to(store);
    final Engine engine = Engine.builder().listener(recorder).build();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(), false,
            false, InstantSource.system(), ZoneOffset.UTC);

    /** Runs {@code checking} over {@code items} items to its end and returns its record. */
    RunRecord record(int items, ItemHistory history) throws Exception {
        return record(checking(history), items);
    }

    <P> RunRecord record(Flow<P, ?> flow, P input) throws Exception {
        Handle<?> handle = engine.submit(flow, input);
        handle.join();
        recorder.flush();
        return store.run(handle.runId()).orElseThrow();
    }

    /** What was printed to {@link #context}'s out since the last call, as lines. */
    java.util.List<String> printed() {
        String text = out.toString(StandardCharsets.UTF_8);
        out.reset();
        return text.lines().toList();
    }

    @Override
    public void close() {
        engine.close();
    }
}
