package io.loomflow.data.spi;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;

/**
 * A {@link StagedWrite} for object stores that upload an object in parts and then publish the
 * parts as one (Azure's staged blocks and block list, S3's multipart upload): the bytes written
 * are gathered into parts of one size; each full part is sent as it fills; at the commit, an
 * object that never filled a part is sent whole in one request, and otherwise the last part is
 * sent and the parts are published. The buffer holds one part, so a write of any size needs that
 * much memory.
 *
 * <p>A backend implements {@link #sendPart}, {@link #putWhole}, {@link #publishParts} and
 * {@link #abortParts}; this class calls them in order. Used by one thread at a time.
 */
public abstract class PartedWrite extends StagedWrite {

    private final byte[] part;
    private int filled;
    private int sent;

    /**
     * Starts a write in parts.
     *
     * @param location where the object will appear when committed
     * @param partSize the size of every part but the last, in bytes (at least 1)
     */
    protected PartedWrite(URI location, int partSize) {
        super(location);
        if (partSize < 1) {
            throw new IllegalArgumentException("partSize must be at least 1, was " + partSize);
        }
        this.part = new byte[partSize];
    }

    @Override
    protected final void stage(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int taken = Math.min(length, part.length - filled);
            System.arraycopy(bytes, offset, part, filled, taken);
            filled += taken;
            offset += taken;
            length -= taken;
            if (filled == part.length) {
                sendFilled();
            }
        }
    }

    private void sendFilled() throws IOException {
        sendPart(sent + 1, Arrays.copyOf(part, filled));
        sent++;
        filled = 0;
    }

    @Override
    protected final void publish() throws IOException {
        if (sent == 0) {
            putWhole(Arrays.copyOf(part, filled));
            return;
        }
        if (filled > 0) {
            sendFilled();
        }
        publishParts();
    }

    @Override
    protected final void discard() throws IOException {
        filled = 0;
        if (sent > 0) {
            abortParts();
        }
    }

    /**
     * Sends one part, where no reader sees it yet.
     *
     * @param number the part's number, from 1, in the order of the bytes
     * @param bytes the part's bytes (a copy this method may keep)
     * @throws IOException if the store refused it; the write is then aborted
     */
    protected abstract void sendPart(int number, byte[] bytes) throws IOException;

    /**
     * Publishes an object smaller than one part, in one request, replacing any older one.
     *
     * @param content the whole object
     * @throws IOException if the store refused it; the location then keeps what it had
     */
    protected abstract void putWhole(byte[] content) throws IOException;

    /**
     * Publishes the parts sent, in number order, as the object.
     *
     * @throws IOException if the store refused; the parts are then aborted
     */
    protected abstract void publishParts() throws IOException;

    /**
     * Drops the parts sent; called only when at least one was sent and the write is not committed.
     *
     * @throws IOException if they could not be dropped (they are still never visible as the object)
     */
    protected abstract void abortParts() throws IOException;
}
