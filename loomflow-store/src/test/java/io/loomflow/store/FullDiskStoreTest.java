package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.store.contract.FillingDisk;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store on a full disk: a write fails as an outage that names the full disk, and so do
 * the next ones, which meet the database H2 closed under the pool's connections; writes work again
 * once there is space, without opening the store anew. The process's heartbeat, failing meanwhile,
 * shows nothing on the console: the recorder reports a store that cannot be written, once.
 */
class FullDiskStoreTest {

    @TempDir
    Path directory;

    private final Flow<Integer, Integer> next = Flow.named("next", (Integer n) -> n + 1);

    private List<Event> runEvents(int times) {
        List<Event> events = new ArrayList<>();
        try (Engine engine = Engine.builder().listener(events::add).build()) {
            for (int i = 0; i < times; i++) {
                engine.run(next, i);
            }
        }
        return events;
    }

    /** Writes, and tells whether it worked; a failure must be one that retrying can cure. */
    private static boolean written(RunStore store, List<Event> events) {
        try {
            store.write(events);
            return true;
        } catch (RunStoreException failed) {
            assertThat(failed.isRetryable()).as("retryable: %s", failed.getMessage()).isTrue();
            return false;
        }
    }

    @Test
    void everyWriteOnAFullDiskIsRetryableAndWritesWorkAgainOnceThereIsSpace() throws Exception {
        FillingDisk.register();
        String url = "jdbc:h2:" + FillingDisk.SCHEME + ":" + directory.resolve("history");
        Path full = directory.resolve(FillingDisk.FULL);
        Logger storeLogger = Logger.getLogger("io.loomflow.store");
        Level shown = storeLogger.getLevel();
        storeLogger.setLevel(Level.FINE); // to see what is logged below the console
        try (RunStore store = RunStore.open(url); CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            store.write(runEvents(1));
            Files.createFile(full);
            assertThatThrownBy(() -> store.write(runEvents(1)))
                    .isInstanceOfSatisfying(RunStoreException.class, e -> assertThat(e.isRetryable()).isTrue())
                    .hasMessage("the disk that holds the run history at " + url + " is full (No space left on device);"
                            + " free some space there");
            for (int attempt = 2; attempt <= 4; attempt++) { // H2 closed the database: these meet it closed
                assertThatThrownBy(() -> store.write(runEvents(1))).as("attempt %d", attempt)
                        .isInstanceOfSatisfying(RunStoreException.class, e -> assertThat(e.isRetryable()).isTrue());
            }
            // The process's heartbeat fails too, and says so below the console: the recorder reports the store.
            logs.awaitMessage("could not renew this process's heartbeat", Duration.ofSeconds(10));
            assertThat(logs.consoleLines()).isEmpty();

            Files.delete(full);
            List<Event> next = runEvents(2);
            for (int attempt = 1; !written(store, next); attempt++) { // each pooled connection H2 closed is dropped once used
                assertThat(attempt).as("attempts once there is space").isLessThan(10);
            }
            assertThat(store.runs(RunQuery.all())).hasSize(3);
        } finally {
            storeLogger.setLevel(shown);
        }
    }
}
