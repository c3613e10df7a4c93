package io.loomflow.store;

import io.loomflow.store.contract.LineageContract;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A run's lineage in PostgreSQL. */
class PostgresLineageTest extends LineageContract {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Override
    protected RunStore openStore() throws Exception {
        POSTGRES.emptySchema();
        return RunStore.open(POSTGRES.url());
    }

    @Override
    protected long accessesKept(RunStore store) throws Exception {
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM lf_lineage")) {
            count.next();
            return count.getLong(1);
        }
    }
}
