package io.loomflow.data.internal;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Objects in memory, for tests and for data that need not outlive the engine: {@code mem://bucket/key}.
 * Streamed writes are the SPI's defaults (collected, then put on commit), as they are in memory anyway.
 */
public final class MemoryStorage implements Storage {

    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

    /** Creates an empty storage. */
    public MemoryStorage() {
    }

    private static String key(URI location) {
        if (!"mem".equalsIgnoreCase(location.getScheme())) {
            throw new IllegalArgumentException("location " + location + " is not a mem: URI; write it as mem://bucket/key");
        }
        return location.normalize().toString();
    }

    @Override
    public byte[] read(URI location) throws NoSuchObjectException {
        byte[] content = objects.get(key(location));
        if (content == null) {
            throw new NoSuchObjectException(location);
        }
        return content.clone();
    }

    @Override
    public InputStream openRead(URI location) throws NoSuchObjectException {
        byte[] content = objects.get(key(location));
        if (content == null) {
            throw new NoSuchObjectException(location);
        }
        return new ByteArrayInputStream(content); // stored arrays are never changed: a write replaces them
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws NoSuchObjectException {
        Storage.checkRange(offset, length);
        byte[] content = objects.get(key(location));
        if (content == null) {
            throw new NoSuchObjectException(location);
        }
        int from = (int) Math.min(offset, content.length);
        return java.util.Arrays.copyOfRange(content, from, (int) Math.min((long) from + length, content.length));
    }

    @Override
    public long size(URI location) throws NoSuchObjectException {
        byte[] content = objects.get(key(location));
        if (content == null) {
            throw new NoSuchObjectException(location);
        }
        return content.length;
    }

    @Override
    public void write(URI location, byte[] content) {
        objects.put(key(location), content.clone());
    }

    @Override
    public boolean exists(URI location) {
        return objects.containsKey(key(location));
    }

    @Override
    public boolean delete(URI location) {
        return objects.remove(key(location)) != null;
    }

    @Override
    public List<URI> list(URI prefix) {
        String start = key(prefix);
        return objects.tailMap(start).keySet().stream().takeWhile(key -> key.startsWith(start)).map(URI::create).toList();
    }

    @Override
    public void close() {
        objects.clear();
    }
}
