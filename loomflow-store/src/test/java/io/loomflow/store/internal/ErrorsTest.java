package io.loomflow.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that cannot be used says which one and what to do, and leaves it as it was. */
class ErrorsTest {

    @TempDir
    Path directory;

    @Test
    void aCorruptStoreFileIsNamedAndLeftUntouched() throws Exception {
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Path file = Files.write(directory.resolve("history.mv.db"), garbage);

        assertThatThrownBy(() -> RunStore.embedded(directory)).isInstanceOf(RunStoreException.class)
                .hasMessageStartingWith("the run history file " + directory.toAbsolutePath().resolve("history.mv.db")
                        + " is damaged or not an H2 database")
                .hasMessageContaining("move it aside to start a new history there");
        assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> RunStore.open("jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=secret"))
                .isInstanceOf(RunStoreException.class)
                .hasMessageStartingWith("cannot reach the run history database at"
                        + " jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=***")
                .hasMessageContaining("start the database, or pass another URL with --db")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aMissingPostgresDatabaseIsNamed() {
        assertThatThrownBy(() -> RunStore.open("jdbc:postgresql://127.0.0.1:5432/no_such_database?user=postgres"))
                .isInstanceOf(RunStoreException.class)
                .hasMessageContaining("the run history database at jdbc:postgresql://127.0.0.1:5432/no_such_database")
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnsupportedUrlListsTheOnesThatWork() {
        assertThatThrownBy(() -> RunStore.open("jdbc:mysql://127.0.0.1/loomflow"))
                .isInstanceOf(RunStoreException.class)
                .hasMessage("the run history URL jdbc:mysql://127.0.0.1/loomflow is not one Loomflow can use; pass"
                        + " jdbc:postgresql://HOST:PORT/DATABASE, jdbc:h2:file:PATH, or a directory for the embedded store");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(directory.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> RunStore.embedded(file.resolve(".loomflow"))).isInstanceOf(RunStoreException.class)
                .hasMessageStartingWith("cannot create the run history directory " + file.resolve(".loomflow"));
    }
}
