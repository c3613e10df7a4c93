package io.loomflow.store;

import io.loomflow.store.contract.LineageContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** A run's lineage in the embedded store. */
class EmbeddedLineageTest extends LineageContract {

    @TempDir
    Path directory;

    @Override
    protected RunStore openStore() {
        return RunStore.embedded(directory);
    }

    @Override
    protected long accessesKept(RunStore store) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("history")
                + ";AUTO_SERVER=TRUE", "sa", "");
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM lf_lineage")) {
            count.next();
            return count.getLong(1);
        }
    }
}
