package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.store.contract.TreePagesContract;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Summaries, pages and pruning on the embedded H2 store. */
class EmbeddedTreePagesTest extends TreePagesContract {

    @TempDir
    Path directory;

    @Override
    protected RunStore openStore() {
        return RunStore.embedded(directory.resolve(".loomflow"));
    }

    @Test
    void pruningReadsTheRootsPageByPageAndKeepsExactlyTheNewest() {
        Path store = directory.resolve("many");
        try (Engine engine = Engine.builder().listener(RunRecorder.to(RunStore.embedded(store))).build()) {
            Flow<Integer, Integer> tiny = Flow.named("tiny", (Integer i) -> i);
            IntStream.range(0, 1_203).forEach(i -> engine.run(tiny, i)); // more roots than one page of the prune
        }
        try (RunStore history = RunStore.embedded(store)) {
            List<RunRecord> newest = history.runs(RunQuery.all().withRootsOnly().withLimit(7));

            PruneResult result = history.prune(Prune.keepNewest(7));

            assertThat(result.roots()).isEqualTo(1_196);
            assertThat(result.runs()).isEqualTo(1_196);
            assertThat(history.runs(RunQuery.all().withLimit(2_000))).containsExactlyElementsOf(newest);
        }
    }
}
