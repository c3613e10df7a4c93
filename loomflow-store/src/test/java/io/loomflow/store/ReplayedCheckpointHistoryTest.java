package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunOptions;
import io.loomflow.Task;
import io.loomflow.spi.Checkpoint;
import io.loomflow.spi.Checkpoints;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The history of a durable run executed again says which children were replayed from their checkpoints. */
class ReplayedCheckpointHistoryTest {

    /** Checkpoints kept in a map: the smallest implementation of the SPI, for this test only. */
    private static final class MapCheckpoints implements Checkpoints {
        private final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();

        @Override
        public String inputKey(Object input) {
            return String.valueOf(input);
        }

        @Override
        public Optional<Checkpoint> load(UUID scope, String key, ClassLoader loader) {
            return Optional.ofNullable(saved.get(scope + key));
        }

        @Override
        public void save(UUID scope, String key, Checkpoint checkpoint) {
            saved.put(scope + key, checkpoint);
        }
    }

    @Test
    void aReplayedChildIsRecordedAsCachedWithTheCheckpointItCameFrom() {
        RunStore history = RunStore.inMemory();
        MapCheckpoints checkpoints = new MapCheckpoints();
        AtomicInteger executions = new AtomicInteger();
        Task<Integer, Integer> twice = Task.named("twice", (Integer x) -> {
            executions.incrementAndGet();
            return x * 2;
        });
        Flow<Integer, Integer> flow = Flow.named("durable", (Integer x) -> twice.call(x) + 1);
        UUID scope = UUID.randomUUID();

        for (int execution = 0; execution < 2; execution++) {
            try (Engine engine = Engine.builder().checkpoints(checkpoints).listener(RunRecorder.to(history)).build()) {
                assertThat(engine.run(flow, 20, RunOptions.defaults().withCheckpoints(scope))).isEqualTo(41);
            }
        }

        assertThat(executions).hasValue(1);
        UUID second = history.runs(RunQuery.all().withRootsOnly().withLimit(1)).getFirst().id();
        RunRecord replayed = history.children(second).getFirst();
        assertThat(replayed.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Cached");
        assertThat(replayed.history().getLast().detail()).startsWith("replayed from checkpoint " + scope + "/")
                .contains("twice");
    }
}
