package io.loomflow.store;

import io.loomflow.store.contract.RunStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRunStoreTest extends RunStoreContract {

    @TempDir
    Path directory;

    @Override
    protected RunStore openStore() {
        return RunStore.embedded(directory.resolve(".loomflow"));
    }

    @Override
    protected RunStore reopenStore() {
        return RunStore.embedded(directory.resolve(".loomflow"));
    }
}
