package io.loomflow.store;

import io.loomflow.store.contract.Postgres;
import io.loomflow.store.contract.TreePagesContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Summaries, pages and pruning on PostgreSQL. */
class PostgresTreePagesTest extends TreePagesContract {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Override
    protected RunStore openStore() throws Exception {
        POSTGRES.emptySchema();
        return RunStore.open(POSTGRES.url());
    }
}
