package io.loomflow.data.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Objects;

/**
 * An object being written as a stream, from {@link Storage#openWrite(URI)}: the bytes written are
 * staged where no reader sees them (a temporary file, uncommitted blocks, the parts of a multipart
 * upload), and the object appears, whole, only when {@link #commit()} returns. Closing it without
 * a commit, or any failure while writing or committing, discards what was staged and leaves the
 * location as it was (the old object, or none). So a write that fails half-way never publishes a
 * part:
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=staged}
 *
 * <p>A backend implements {@link #stage}, {@link #publish} and {@link #discard}; this class keeps
 * the state and makes sure each is called in order, once. Used by one thread at a time; not
 * thread-safe.
 */
public abstract class StagedWrite extends OutputStream {

    private enum State { OPEN, COMMITTED, DISCARDED }

    private final URI location;
    private State state = State.OPEN;

    /**
     * Starts a staged write.
     *
     * @param location where the object will appear when committed
     */
    protected StagedWrite(URI location) {
        this.location = Objects.requireNonNull(location, "location");
    }

    /**
     * Where the object appears when committed.
     *
     * @return the location
     */
    public URI location() {
        return location;
    }

    /**
     * Whether {@link #commit()} has published the object.
     *
     * @return {@code true} once committed
     */
    public boolean committed() {
        return state == State.COMMITTED;
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        if (length == 0) {
            return;
        }
        try {
            stage(bytes, offset, length);
        } catch (IOException | RuntimeException | Error failure) {
            abortAfter(failure);
            throw failure;
        }
    }

    /**
     * Publishes the object: after this returns, readers see it whole, in place of any older one.
     * If publishing fails, what was staged is discarded and the location keeps what it had.
     *
     * @throws IOException if the object could not be published; it then was not
     * @throws IllegalStateException if the write was already committed or aborted
     */
    public final void commit() throws IOException {
        ensureOpen();
        try {
            publish();
            state = State.COMMITTED;
        } catch (IOException | RuntimeException | Error failure) {
            abortAfter(failure);
            throw failure;
        }
    }

    /**
     * Discards what was staged; the location keeps what it had. Does nothing if the write was
     * already committed or aborted.
     *
     * @throws IOException if what was staged could not be removed (it is still never visible as the
     *     object)
     */
    public final void abort() throws IOException {
        if (state == State.OPEN) {
            state = State.DISCARDED;
            discard();
        }
    }

    /**
     * Ends the write: if it was not committed, aborts it ({@link #abort()}). After a commit, does
     * nothing. So a {@code try}-with-resources block that ends before its {@code commit()}, by an
     * exception or a return, publishes nothing.
     *
     * @throws IOException if aborting fails
     */
    @Override
    public final void close() throws IOException {
        abort();
    }

    @Override
    public final void flush() {
        // Staged bytes are never visible before the commit; flushing has no meaning.
    }

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("the write to " + location + " was already "
                    + (state == State.COMMITTED ? "committed" : "aborted") + "; open another one with Storage.openWrite");
        }
    }

    private void abortAfter(Throwable failure) {
        try {
            abort();
        } catch (IOException | RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /**
     * Stages bytes; called with at least one byte, in order, until the commit.
     *
     * @param bytes the bytes
     * @param offset where they start in {@code bytes}
     * @param length how many
     * @throws IOException if they cannot be staged (the write is then aborted)
     */
    protected abstract void stage(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Makes the staged bytes the object at {@link #location()}, atomically. Called at most once.
     *
     * @throws IOException if it cannot (the write is then aborted)
     */
    protected abstract void publish() throws IOException;

    /**
     * Discards what was staged, leaving the location as it was. Called at most once, instead of a
     * successful {@link #publish()}, also after a failed one.
     *
     * @throws IOException if it cannot clean up
     */
    protected abstract void discard() throws IOException;

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + location + ", " + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
