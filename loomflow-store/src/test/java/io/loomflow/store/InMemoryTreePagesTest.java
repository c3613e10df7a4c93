package io.loomflow.store;

import io.loomflow.store.contract.TreePagesContract;

/** Summaries, pages and pruning on the in-memory store. */
class InMemoryTreePagesTest extends TreePagesContract {

    @Override
    protected RunStore openStore() {
        return RunStore.inMemory();
    }
}
