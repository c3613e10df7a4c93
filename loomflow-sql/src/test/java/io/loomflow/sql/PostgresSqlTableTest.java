package io.loomflow.sql;

import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a real PostgreSQL, in a schema of this class's own, dropped after. */
class PostgresSqlTableTest extends SqlTableContract {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Override
    String url() {
        return POSTGRES.url();
    }

    @Override
    Connection connect() throws SQLException {
        return POSTGRES.connect();
    }

    @Override
    String typedDdl() {
        return "CREATE TABLE typed (id BIGINT PRIMARY KEY, price NUMERIC(10, 2), active BOOLEAN, born DATE,"
                + " seen TIMESTAMP, at TIMESTAMPTZ, ref UUID, data BYTEA, ratio DOUBLE PRECISION)";
    }
}
