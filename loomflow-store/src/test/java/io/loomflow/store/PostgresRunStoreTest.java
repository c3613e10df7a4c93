package io.loomflow.store;

import io.loomflow.store.contract.Postgres;
import io.loomflow.store.contract.RunStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresRunStoreTest extends RunStoreContract {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Override
    protected RunStore openStore() throws Exception {
        POSTGRES.emptySchema();
        return RunStore.open(POSTGRES.url());
    }

    @Override
    protected RunStore reopenStore() {
        return RunStore.open(POSTGRES.url());
    }
}
