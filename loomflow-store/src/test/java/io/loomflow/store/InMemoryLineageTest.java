package io.loomflow.store;

import io.loomflow.store.contract.LineageContract;
import io.loomflow.store.internal.InMemoryRunStore;

/** A run's lineage in the in-memory store. */
class InMemoryLineageTest extends LineageContract {

    @Override
    protected RunStore openStore() {
        return RunStore.inMemory();
    }

    @Override
    protected long accessesKept(RunStore store) {
        return ((InMemoryRunStore) store).accessesKept();
    }
}
