package io.loomflow.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB, in memory through its JDBC driver: the second, independent Parquet implementation (C++). */
final class DuckDb implements AutoCloseable {

    private final Connection connection;

    DuckDb() throws SQLException {
        this.connection = DriverManager.getConnection("jdbc:duckdb:");
    }

    Statement statement() throws SQLException {
        return connection.createStatement();
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The rows of a query, each column as DuckDB's JDBC driver gives it as a string. */
    List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The codecs of a file's column chunks, as DuckDB reads them from its footer. */
    static List<String> codecs(byte[] file) {
        try (DuckDb duck = new DuckDb()) {
            Path path = Files.createTempFile("codecs", ".parquet");
            try {
                Files.write(path, file);
                return duck.rows("SELECT DISTINCT compression FROM parquet_metadata('" + path + "')").stream()
                        .map(List::getFirst).toList();
            } finally {
                Files.delete(path);
            }
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (SQLException failed) {
            throw new IllegalStateException(failed);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
