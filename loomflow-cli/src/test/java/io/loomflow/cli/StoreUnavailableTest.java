package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run history that cannot be used: the store's own message on stderr, exit 3, no stack trace. */
class StoreUnavailableTest {

    @TempDir
    Path directory;

    private static Command unavailable(String... args) {
        Command command = Command.run(args);
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(3);
        assertThat(command.err()).as(command.toString()).startsWith("loomflow: ").doesNotContain("\tat ");
        return command;
    }

    @Test
    void anUnreachableDatabaseSaysWhichAndHowToFixIt() {
        Command command = unavailable("run", "greet", "--param", "name=x", "--db", "jdbc:postgresql://127.0.0.1:1/test?user=postgres");

        assertThat(command.err()).startsWith("loomflow: cannot reach the run history database at"
                + " jdbc:postgresql://127.0.0.1:1/test?user=postgres (Connection to 127.0.0.1:1 refused.")
                .endsWith("; start the database, or pass another URL with --db\n");
        assertThat(unavailable("runs", "--db", "jdbc:postgresql://127.0.0.1:1/test").err()).contains("cannot reach");
    }

    @Test
    void aStoreWrittenByANewerLoomflowIsRefusedWithWhatToDo() throws Exception {
        Path store = directory.resolve("history");
        RunStore.embedded(store).close();
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + store.resolve("history") + ";AUTO_SERVER=TRUE", "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO \"lf_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\","
                    + " \"script\", \"installed_by\", \"execution_time\", \"success\") VALUES (99, '99', 'from the future', 'SQL',"
                    + " 'V99__future.sql', 'test', 0, TRUE)");
        }

        Command command = unavailable("runs", "--db", store.toString());

        assertThat(command.err()).matches("loomflow: the run history at " + java.util.regex.Pattern.quote(store.toAbsolutePath()
                .toString()) + " was written by a newer Loomflow \\(schema version 99; this one knows up to \\d+\\); upgrade"
                + " Loomflow, or point it at another store\n");
        assertThat(unavailable("run", "greet", "--param", "name=x", "--db", store.toString()).err()).contains("newer Loomflow");
    }

    @Test
    void aCorruptStoreFileIsRefusedWithWhatToDo() throws Exception {
        Path store = Files.createDirectories(directory.resolve("history"));
        Files.write(store.resolve("history.mv.db"), "this is not an H2 database, it is a shopping list".repeat(200).getBytes());

        Command command = unavailable("runs", "--db", store.toString());

        assertThat(command.err()).startsWith("loomflow: the run history file " + store.toAbsolutePath()
                        + "/history.mv.db is damaged or not an H2 database")
                .endsWith("; it was left as it was. Restore it from a backup, or move it aside to start a new history there\n");
    }

    @Test
    void aStoreFileCutShortIsRefusedByEveryReadingCommandAndLeftByteForByte() throws Exception {
        Path recorded = directory.resolve("history");
        String id = Command.run("run", "greet", "--param", "name=x", "--db", recorded.toString(), "--progress", "plain").runId();
        byte[] whole = Files.readAllBytes(recorded.resolve("history.mv.db"));
        for (int size : new int[] {8192, 12288}) {
            byte[] before = java.util.Arrays.copyOf(whole, size);
            for (String[] args : new String[][] {{"runs"}, {"runs", "--all"}, {"show", id}, {"logs", id}, {"logs", id, "-f"}}) {
                // A copy per command: H2 keeps a file it failed to open locked by this JVM.
                Path store = Files.createDirectories(directory.resolve("cut-" + size + "-" + String.join("-", args)));
                Files.write(store.resolve("history.mv.db"), before);
                java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
                all.addAll(java.util.List.of("--db", store.toString()));
                assertThat(unavailable(all.toArray(String[]::new)).err()).startsWith("loomflow: the run history file "
                        + store.toAbsolutePath() + "/history.mv.db is damaged").contains("Restore it from a backup");
                assertThat(Files.readAllBytes(store.resolve("history.mv.db"))).as("cut to %d, after %s", size, all)
                        .isEqualTo(before);
            }
        }
    }
}
