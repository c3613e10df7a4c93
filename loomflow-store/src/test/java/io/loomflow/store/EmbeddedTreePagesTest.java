package io.loomflow.store;

import io.loomflow.store.contract.TreePagesContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Summaries, pages and pruning on the embedded H2 store. */
class EmbeddedTreePagesTest extends TreePagesContract {

    @TempDir
    Path directory;

    @Override
    protected RunStore openStore() {
        return RunStore.embedded(directory.resolve(".loomflow"));
    }
}
