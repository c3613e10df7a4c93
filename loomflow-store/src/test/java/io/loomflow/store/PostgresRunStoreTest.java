package io.loomflow.store;

import io.loomflow.store.contract.Postgres;
import io.loomflow.store.contract.RunStoreContract;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresRunStoreTest extends RunStoreContract {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Override
    protected RunStore openStore() throws Exception {
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS lf_lineage, lf_log, lf_run, lf_map, lf_owner, lf_queue, lf_worker, lf_checkpoint, lf_leader, lf_limit_slot, lf_limit, lf_queue_limit, lf_webhook_delivery, lf_schema_history");
        }
        return RunStore.open(POSTGRES.url());
    }

    @Override
    protected RunStore reopenStore() {
        return RunStore.open(POSTGRES.url());
    }
}
