package io.loomflow.data.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} must do. Each backend's test extends this class, opens its storage
 * against a real store, and names where a test may write. Every test writes under a fresh prefix,
 * so backends may share one bucket or container across tests.
 *
 * <p>The streaming cases write objects larger than any backend's part or block (S3's parts are 8
 * MiB, Azure's blocks 4 MiB), so a backend that uploads in parts does so here.
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

    /** More than two S3 parts and four Azure blocks, and not a multiple of either. */
    private static final int LARGE = 17 * 1024 * 1024 + 5;

    private static byte[] random(int size) {
        byte[] content = new byte[size];
        ThreadLocalRandom.current().nextBytes(content);
        return content;
    }

    /** Writes {@code content} in pieces of changing sizes, as a serializer would. */
    private static void writeInPieces(StagedWrite write, byte[] content) throws IOException {
        int at = 0;
        int piece = 1;
        while (at < content.length) {
            int length = Math.min(piece, content.length - at);
            write.write(content, at, length);
            at += length;
            piece = piece * 3 % 1_000_003 + 1;
        }
    }

    @Test
    void aLargeObjectWrittenAsAStreamInPartsIsReadBackWholeAndAsAStream() throws Exception {
        byte[] content = random(LARGE);
        try (StagedWrite write = storage.openWrite(at("large/stream.bin"))) {
            writeInPieces(write, content);
            write.commit();
            assertThat(write.committed()).isTrue();
        }
        assertThat(storage.read(at("large/stream.bin"))).isEqualTo(content);
        try (InputStream in = storage.openRead(at("large/stream.bin"))) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(storage.list(at("large/"))).containsExactly(at("large/stream.bin"));
    }

    @Test
    void aSmallOrEmptyStreamedWriteIsAWholeObject() throws Exception {
        try (StagedWrite write = storage.openWrite(at("small.txt"))) {
            write.write("small".getBytes());
            write.commit();
        }
        try (StagedWrite write = storage.openWrite(at("empty.txt"))) {
            write.commit();
        }
        assertThat(storage.read(at("small.txt"))).isEqualTo("small".getBytes());
        assertThat(storage.read(at("empty.txt"))).isEmpty();
    }

    @Test
    void nothingIsVisibleBeforeTheCommit() throws Exception {
        byte[] content = random(LARGE);
        try (StagedWrite write = storage.openWrite(at("pending.bin"))) {
            writeInPieces(write, content);
            assertThat(storage.exists(at("pending.bin"))).isFalse();
            assertThatThrownBy(() -> storage.read(at("pending.bin"))).isInstanceOf(NoSuchObjectException.class);
            assertThat(storage.list(at(""))).isEmpty();
            write.commit();
        }
        assertThat(storage.read(at("pending.bin"))).isEqualTo(content);
    }

    @Test
    void anAbortedWriteLeavesNothing() throws Exception {
        try (StagedWrite write = storage.openWrite(at("aborted.bin"))) {
            writeInPieces(write, random(LARGE));
            write.abort();
            assertThatThrownBy(() -> write.write(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("aborted");
            assertThatThrownBy(write::commit).isInstanceOf(IllegalStateException.class);
        }
        try (StagedWrite write = storage.openWrite(at("never.bin"))) {
            writeInPieces(write, random(LARGE));
            // closed without a commit, as when the code writing it throws
        }
        assertThat(storage.exists(at("aborted.bin"))).isFalse();
        assertThat(storage.exists(at("never.bin"))).isFalse();
        assertThat(storage.list(at(""))).isEmpty();
    }

    @Test
    protected void anAbortedWriteKeepsTheOlderObject() throws Exception {
        byte[] older = random(1000);
        storage.write(at("kept.bin"), older);
        try (StagedWrite write = storage.openWrite(at("kept.bin"))) {
            writeInPieces(write, random(LARGE));
        }
        assertThat(storage.read(at("kept.bin"))).isEqualTo(older);
        assertThat(storage.list(at(""))).containsExactly(at("kept.bin"));
    }

    @Test
    void aWriteThatFailsMidStreamPublishesNothing() throws Exception {
        assertThatThrownBy(() -> {
            try (StagedWrite write = storage.openWrite(at("f.bin"))) {
                writeInPieces(write, random(LARGE / 2));
                throw new IllegalStateException("the records ran out");
            }
        }).hasMessage("the records ran out");
        assertThat(storage.exists(at("f.bin"))).isFalse();
        assertThat(storage.list(at(""))).isEmpty();
    }

    @Test
    void aCommittedWriteTakesNoMoreBytes() throws Exception {
        StagedWrite write = storage.openWrite(at("c.txt"));
        write.write(1);
        write.commit();
        assertThatThrownBy(() -> write.write(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(at("c.txt") + " was already committed");
        write.close();
        assertThat(storage.read(at("c.txt"))).containsExactly(1);
    }

    @Test
    void readersDuringAStreamedWriteSeeTheOldObjectOrTheNewOneNeverAPart() throws Exception {
        byte[] older = new byte[LARGE];
        Arrays.fill(older, (byte) 'o');
        byte[] newer = new byte[LARGE - 12345];
        Arrays.fill(newer, (byte) 'n');
        storage.write(at("swap.bin"), older);
        AtomicBoolean written = new AtomicBoolean();
        AtomicInteger sawNew = new AtomicInteger();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            boolean streamed = r == 1;
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    boolean last = false;
                    while (!last) {
                        last = written.get(); // one read after the commit, which must see the new object
                        byte[] seen;
                        if (streamed) {
                            try (InputStream in = storage.openRead(at("swap.bin"))) {
                                seen = in.readAllBytes();
                            } catch (IOException changedUnderIt) {
                                if (last) {
                                    throw changedUnderIt;
                                }
                                continue; // a store may refuse a read that spans a replace; never mix
                            }
                        } else {
                            seen = storage.read(at("swap.bin"));
                        }
                        if (Arrays.equals(seen, newer)) {
                            sawNew.incrementAndGet();
                        } else if (!Arrays.equals(seen, older)) {
                            throw new AssertionError("a reader saw " + seen.length + " bytes that are neither the old"
                                    + " object nor the new one");
                        }
                        if (last && !Arrays.equals(seen, newer)) {
                            throw new AssertionError("a read after the commit still saw the old object");
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        try (StagedWrite write = storage.openWrite(at("swap.bin"))) {
            writeInPieces(write, newer);
            write.commit();
        } finally {
            written.set(true);
        }
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(errors).isEmpty();
        assertThat(sawNew.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRangeIsReadAsItsBytesAndEndsWithTheObject() throws Exception {
        byte[] content = random(100_000);
        storage.write(at("range.bin"), content);
        assertThat(storage.readRange(at("range.bin"), 0, 10)).isEqualTo(Arrays.copyOfRange(content, 0, 10));
        assertThat(storage.readRange(at("range.bin"), 54_321, 1000)).isEqualTo(Arrays.copyOfRange(content, 54_321, 55_321));
        assertThat(storage.readRange(at("range.bin"), 99_990, 1000)).isEqualTo(Arrays.copyOfRange(content, 99_990, 100_000));
        assertThat(storage.readRange(at("range.bin"), 100_000, 10)).isEmpty();
        assertThat(storage.readRange(at("range.bin"), 5, 0)).isEmpty();
        assertThatThrownBy(() -> storage.readRange(at("range.bin"), -1, 10)).isInstanceOf(IllegalArgumentException.class);
        URI missing = at("no/range.bin");
        assertThatThrownBy(() -> storage.readRange(missing, 0, 10)).isInstanceOf(NoSuchObjectException.class);
    }

    @Test
    void theSizeOfAnObjectIsItsByteCountAndFollowsAReplacement() throws Exception {
        byte[] large = random(LARGE);
        try (StagedWrite write = storage.openWrite(at("size/large.bin"))) {
            writeInPieces(write, large);
            write.commit();
        }
        storage.write(at("size/empty.bin"), new byte[0]);
        storage.write(at("size/small.txt"), "twelve bytes".getBytes());
        assertThat(storage.size(at("size/large.bin"))).isEqualTo(LARGE);
        assertThat(storage.size(at("size/empty.bin"))).isZero();
        assertThat(storage.size(at("size/small.txt"))).isEqualTo(12);
        storage.write(at("size/small.txt"), "six b.".getBytes());
        assertThat(storage.size(at("size/small.txt"))).isEqualTo(6);
        URI missing = at("no/such/sized.bin");
        assertThatThrownBy(() -> storage.size(missing)).isInstanceOfSatisfying(NoSuchObjectException.class,
                e -> assertThat(e.location()).isEqualTo(missing));
    }

    @Test
    void openingAMissingObjectIsReportedWithItsLocation() {
        URI missing = at("no/such/stream.csv");
        assertThatThrownBy(() -> storage.openRead(missing).close()).isInstanceOfSatisfying(NoSuchObjectException.class,
                e -> assertThat(e.location()).isEqualTo(missing));
    }
}
