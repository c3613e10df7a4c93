package io.loomflow.data.contract;

import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.Storage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test harness: a storage that counts the bytes its readers take from another one, by every
 * read call (whole objects, ranges, and the bytes actually pulled from opened streams), and the
 * read requests made. Tests use it to prove that a reader reads little of a large object.
 */
public final class CountingStorage extends ForwardingStorage {

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong wholeReads = new AtomicLong();

    /**
     * Counts the reads of {@code delegate}.
     *
     * @param delegate the storage read
     */
    public CountingStorage(Storage delegate) {
        super(delegate);
    }

    /** The bytes read so far. */
    public long bytesRead() {
        return bytes.get();
    }

    /** The read requests so far: whole reads, ranges, and streams opened. */
    public long readRequests() {
        return requests.get();
    }

    /** The whole objects read so far ({@link #read}). */
    public long wholeReads() {
        return wholeReads.get();
    }

    @Override
    public byte[] read(URI location) throws IOException {
        requests.incrementAndGet();
        wholeReads.incrementAndGet();
        byte[] content = super.read(location);
        bytes.addAndGet(content.length);
        return content;
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws IOException {
        requests.incrementAndGet();
        byte[] range = super.readRange(location, offset, length);
        bytes.addAndGet(range.length);
        return range;
    }

    @Override
    public InputStream openRead(URI location) throws IOException {
        requests.incrementAndGet();
        return new FilterInputStream(super.openRead(location)) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytes.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytes.addAndGet(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                bytes.addAndGet(skipped); // a store sends skipped bytes too
                return skipped;
            }
        };
    }
}
