package io.loomflow.sql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/** The contract on H2 in memory. */
class H2SqlTableTest extends SqlTableContract {

    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
        return url;
    }

    @Override
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    String typedDdl() {
        return "CREATE TABLE typed (id BIGINT PRIMARY KEY, price DECIMAL(10, 2), active BOOLEAN, born DATE, seen TIMESTAMP,"
                + " at TIMESTAMP WITH TIME ZONE, ref UUID, data VARBINARY(100), ratio DOUBLE PRECISION)";
    }
}
