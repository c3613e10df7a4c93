package io.loomflow.data.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} must do. Each backend's test extends this class, opens its storage
 * against a real store, and names where a test may write. Every test writes under a fresh prefix,
 * so backends may share one bucket or container across tests.
 */
public abstract class StorageContract {

    /** Opens the storage under test; closed after each test. */
    protected abstract Storage openStorage() throws Exception;

    /** The location of {@code key} under {@code prefix}, in the storage's scheme. */
    protected abstract URI location(String prefix, String key);

    protected Storage storage;
    protected String prefix;

    @BeforeEach
    void openTheStorage() throws Exception {
        storage = openStorage();
        prefix = "contract-" + UUID.randomUUID();
    }

    @AfterEach
    void closeTheStorage() throws Exception {
        storage.close();
    }

    protected URI at(String key) {
        return location(prefix, key);
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        storage.write(at("a.txt"), "hello".getBytes());
        assertThat(storage.read(at("a.txt"))).isEqualTo("hello".getBytes());
    }

    @Test
    void binaryAndEmptyContentSurvive() throws Exception {
        byte[] binary = new byte[3 * 1024 * 1024 + 17];
        ThreadLocalRandom.current().nextBytes(binary);
        binary[0] = 0;
        storage.write(at("bin/large.bin"), binary);
        storage.write(at("bin/empty.bin"), new byte[0]);
        assertThat(storage.read(at("bin/large.bin"))).isEqualTo(binary);
        assertThat(storage.read(at("bin/empty.bin"))).isEmpty();
    }

    @Test
    void aMissingObjectIsReportedWithItsLocation() {
        URI missing = at("no/such/object.csv");
        assertThatThrownBy(() -> storage.read(missing)).isInstanceOfSatisfying(NoSuchObjectException.class,
                e -> assertThat(e.location()).isEqualTo(missing));
    }

    @Test
    void existsTellsWhetherAnObjectIsThere() throws Exception {
        assertThat(storage.exists(at("x.json"))).isFalse();
        storage.write(at("x.json"), "{}".getBytes());
        assertThat(storage.exists(at("x.json"))).isTrue();
    }

    @Test
    void aWriteReplacesTheWholeObject() throws Exception {
        storage.write(at("r.txt"), "a much longer first version".getBytes());
        storage.write(at("r.txt"), "short".getBytes());
        assertThat(storage.read(at("r.txt"))).isEqualTo("short".getBytes());
    }

    @Test
    void deleteRemovesAndReportsWhetherThereWasAnObject() throws Exception {
        storage.write(at("d.txt"), "x".getBytes());
        assertThat(storage.delete(at("d.txt"))).isTrue();
        assertThat(storage.exists(at("d.txt"))).isFalse();
        assertThat(storage.delete(at("d.txt"))).isFalse();
    }

    @Test
    void listReturnsTheObjectsUnderAPrefixInOrder() throws Exception {
        for (String key : List.of("raw/b.csv", "raw/a.csv", "raw/nested/c.csv", "clean/d.csv")) {
            storage.write(at(key), key.getBytes());
        }
        assertThat(storage.list(at("raw/"))).containsExactly(at("raw/a.csv"), at("raw/b.csv"), at("raw/nested/c.csv"));
        assertThat(storage.list(at("clean/"))).containsExactly(at("clean/d.csv"));
        assertThat(storage.list(at("none/"))).isEmpty();
    }

    @Test
    void manyConcurrentWritersAndReadersDoNotInterfere() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        IntStream.range(0, 32).forEach(i -> threads.add(Thread.ofVirtual().start(() -> {
            try {
                byte[] content = ("object " + i).repeat(100).getBytes();
                storage.write(at("concurrent/" + i), content);
                assertThat(storage.read(at("concurrent/" + i))).isEqualTo(content);
            } catch (Throwable e) {
                errors.add(e);
            }
        })));
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(errors).isEmpty();
        assertThat(storage.list(at("concurrent/"))).hasSize(32);
    }
}
