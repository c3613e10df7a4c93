package io.loomflow.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The yardstick of {@link StartupComparison}: the smallest plain Java program that does what
 * {@code loomflow run hello} does at its core. It opens the same embedded database (H2, a file in
 * the given directory, in the same mode as Loomflow's store), runs one task on a virtual thread,
 * records it with one insert, prints its result, and exits.
 */
public final class PlainHello {

    private PlainHello() {
    }

    /**
     * Runs the program.
     *
     * @param args the directory of the database file
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        Path directory = Files.createDirectories(Path.of(args.length > 0 ? args[0] : ".plain-hello"));
        String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("history") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        try (Connection connection = DriverManager.getConnection(url, "sa", "")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS task_run (id UUID PRIMARY KEY, name VARCHAR(100),"
                        + " result VARCHAR(1000), at TIMESTAMP WITH TIME ZONE)");
            }
            String[] result = new String[1];
            Thread.ofVirtual().start(() -> result[0] = "Hello, World!").join();
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO task_run (id, name, result, at) VALUES (RANDOM_UUID(), 'hello', ?, CURRENT_TIMESTAMP)")) {
                insert.setString(1, result[0]);
                insert.executeUpdate();
            }
            System.out.println(result[0]);
        }
    }
}
