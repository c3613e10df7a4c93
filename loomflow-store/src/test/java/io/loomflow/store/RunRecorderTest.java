package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.Task;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The recorder writes off the runs' threads, never slows or fails them, and loses nothing at close. */
class RunRecorderTest {

    /** A store that notes which threads write to it, and can be made to block or fail. */
    private static final class WatchedStore implements RunStore {
        final RunStore inner = RunStore.inMemory();
        final Set<String> writerThreads = ConcurrentHashMap.newKeySet();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean failing;

        @Override
        public void write(List<Event> events) {
            writerThreads.add(Thread.currentThread().getName());
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new IllegalStateException("database down");
            }
            inner.write(events);
        }

        @Override
        public Optional<RunRecord> run(UUID id) {
            return inner.run(id);
        }

        @Override
        public List<RunRecord> runs(RunQuery query) {
            return inner.runs(query);
        }

        @Override
        public List<RunRecord> children(UUID parentId) {
            return inner.children(parentId);
        }

        @Override
        public List<LogRecord> logs(UUID runId) {
            return inner.logs(runId);
        }

        @Override
        public void close() {
        }
    }

    private final Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> i * 2);
    private final Flow<Integer, Integer> flow = Flow.named("sum", (Integer n) ->
            twice.map(IntStream.range(0, n).boxed()).join().stream().mapToInt(i -> i).sum());

    @Test
    void runsFinishWhileTheStoreIsStuckAndCloseWritesEverything() throws Exception {
        WatchedStore store = new WatchedStore();
        store.gate = new CountDownLatch(1); // the store blocks every write until released
        Engine engine = Engine.builder().listener(RunRecorder.to(store)).build();
        assertThat(engine.runAsync(flow, 100).get(30, TimeUnit.SECONDS)).isEqualTo(9900);
        assertThat(store.inner.runs(RunQuery.all())).isEmpty(); // nothing written yet: the runs did not wait
        store.gate.countDown();
        engine.close();
        assertThat(store.inner.runs(RunQuery.all().withLimit(1000))).hasSize(101)
                .allSatisfy(run -> assertThat(run.state()).isEqualTo(State.Kind.COMPLETED));
        assertThat(store.writerThreads).containsOnly("loomflow-run-recorder");
    }

    @Test
    void aFailingStoreNeverFailsARun() throws Exception {
        WatchedStore store = new WatchedStore();
        store.failing = true;
        RunRecorder recorder = RunRecorder.to(store);
        try (Engine engine = Engine.builder().listener(recorder).build()) {
            assertThat(engine.run(flow, 10)).isEqualTo(90);
            recorder.flush();
            store.failing = false;
            assertThat(engine.run(flow, 3)).isEqualTo(6);
            recorder.flush();
            assertThat(store.inner.runs(RunQuery.all().withRootsOnly())).hasSize(1);
        }
    }
}
