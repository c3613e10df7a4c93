package io.loomflow.data.spi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Storage} that passes every call to another one: the base of decorators that measure,
 * limit, slow down or log storage calls, which override only the calls they change.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=forwarding}
 * Thread-safe if the storage it forwards to is.
 *
 * <p>The streaming calls ({@link #openRead}, {@link #readRange}, {@link #size}, {@link #openWrite}) go to the
 * delegate's own streaming calls, not through this class's {@link #read} and {@link #write}: a
 * decorator that must see every read or write (of a streamed dataset too) overrides them as well.
 */
public abstract class ForwardingStorage implements Storage {

    private final Storage delegate;

    /**
     * Creates a storage that forwards to {@code delegate}.
     *
     * @param delegate the storage every call goes to
     */
    protected ForwardingStorage(Storage delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public byte[] read(URI location) throws IOException {
        return delegate.read(location);
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        delegate.write(location, content);
    }

    @Override
    public InputStream openRead(URI location) throws IOException {
        return delegate.openRead(location);
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws IOException {
        return delegate.readRange(location, offset, length);
    }

    @Override
    public long size(URI location) throws IOException {
        return delegate.size(location);
    }

    @Override
    public StagedWrite openWrite(URI location) throws IOException {
        return delegate.openWrite(location);
    }

    @Override
    public boolean exists(URI location) throws IOException {
        return delegate.exists(location);
    }

    @Override
    public boolean delete(URI location) throws IOException {
        return delegate.delete(location);
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
