package io.loomflow.benchmarks;

import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Adds a fixed latency to every call of a storage (read, write, exists, delete, list), as a network
 * store's round trip would; only for the benchmarks ({@link DatasetIoHarness},
 * {@link PartitionedLoadHarness}). Closing it leaves the storage it wraps open: the harnesses share
 * one in-memory storage between their runs.
 */
final class LatencyStorage extends ForwardingStorage {
    private final Duration latency;

    LatencyStorage(Storage inner, Duration latency) {
        super(inner);
        this.latency = latency;
    }

    private void pause() throws InterruptedIOException {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the simulated latency");
        }
    }

    @Override
    public byte[] read(URI location) throws IOException {
        pause();
        return super.read(location);
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        pause();
        super.write(location, content);
    }

    @Override
    public boolean exists(URI location) throws IOException {
        pause();
        return super.exists(location);
    }

    @Override
    public boolean delete(URI location) throws IOException {
        pause();
        return super.delete(location);
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        pause();
        return super.list(prefix);
    }

    @Override
    public void close() {
        // the wrapped storage is shared by every run of the harness
    }
}
