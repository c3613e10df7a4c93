package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.Task;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The recorder writes off the runs' threads, never slows or fails them, and loses nothing at close. */
class RunRecorderTest {

    private final Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> i * 2);
    private final Flow<Integer, Integer> flow = Flow.named("sum", (Integer n) ->
            twice.map(IntStream.range(0, n).boxed()).join().stream().mapToInt(i -> i).sum());

    @Test
    void runsFinishWhileTheStoreIsStuckAndCloseWritesEverything() throws Exception {
        FlakyStore store = new FlakyStore();
        CountDownLatch gate = new CountDownLatch(1);
        store.holdWritesUntil(gate); // the store blocks every write until released
        Engine engine = Engine.builder().listener(RunRecorder.to(store)).build();
        assertThat(engine.runAsync(flow, 100).get(30, TimeUnit.SECONDS)).isEqualTo(9900);
        assertThat(store.inner.runs(RunQuery.all())).isEmpty(); // nothing written yet: the runs did not wait
        gate.countDown();
        engine.close();
        assertThat(store.inner.runs(RunQuery.all().withLimit(1000))).hasSize(101)
                .allSatisfy(run -> assertThat(run.state()).isEqualTo(State.Kind.COMPLETED));
        assertThat(store.writerThreads).containsOnly("loomflow-run-recorder");
        assertThat(store.closed).isTrue();
    }

    @Test
    void aStoreThatIsDownNeverFailsARunAndGetsEverythingOnceItIsBack() throws Exception {
        FlakyStore store = new FlakyStore();
        store.down = true;
        RunRecorder recorder = RunRecorder.to(store);
        try (Engine engine = Engine.builder().listener(recorder).build()) {
            assertThat(engine.run(flow, 10)).isEqualTo(90);
            assertThat(store.attempts.tryAcquire(10, TimeUnit.SECONDS)).as("the recorder tried to write").isTrue();
            store.down = false;
            assertThat(engine.run(flow, 3)).isEqualTo(6);
            recorder.flush();
            assertThat(store.inner.runs(RunQuery.all().withRootsOnly())).hasSize(2)
                    .allSatisfy(run -> assertThat(run.state()).isEqualTo(State.Kind.COMPLETED));
            assertThat(store.inner.runs(RunQuery.all().withLimit(100))).hasSize(2 + 10 + 3);
        }
    }
}
