package io.loomflow.store;

import io.loomflow.store.contract.RunStoreContract;

/** The contract for the in-memory store; "reopening" it means reading the same instance again. */
class InMemoryRunStoreTest extends RunStoreContract {

    private final RunStore store = RunStore.inMemory();

    @Override
    protected RunStore openStore() {
        return store;
    }

    @Override
    protected RunStore reopenStore() {
        return store;
    }
}
