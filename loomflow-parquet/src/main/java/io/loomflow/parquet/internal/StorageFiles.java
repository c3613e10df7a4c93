package io.loomflow.parquet.internal;

import io.loomflow.data.spi.Storage;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Parquet's file abstractions over a dataset's storage: a file read by ranges ({@link
 * Storage#size}, {@link Storage#readRange}) and a file written to a stream (a staged write); and a
 * file that is bytes in memory, held whole.
 *
 * <p>Reading takes the object's size, then its last {@link #TAIL} bytes (the footer, in one
 * request; the whole object if it is no larger) and its first bytes, and checks the marks of a
 * Parquet file at both ends. Then each read outside what is held fetches {@link #READ_AHEAD} bytes
 * from where it starts, so the footer's small reads do not become many requests; a read of that
 * much or more (a row group's column chunks) is fetched as it is.
 */
final class StorageFiles {

    /** What a read fetches at least, unless the object ends before. */
    static final int READ_AHEAD = 1 << 20;

    /** The end of the object fetched when it is opened, for its footer. */
    static final int TAIL = 64 * 1024;

    /** The first bytes fetched when it is opened, for its mark and a message if it is not Parquet. */
    private static final int HEAD = 16;

    private StorageFiles() {
    }

    /**
     * Opens an object as a Parquet file, read by ranges.
     *
     * @param storage its storage
     * @param location where it is
     * @return the file
     * @throws io.loomflow.data.spi.NoSuchObjectException if there is no object there
     * @throws IOException if the store fails
     * @throws BadParquetException if the object does not start and end as a Parquet file
     */
    static InputFile input(Storage storage, URI location) throws IOException {
        long length = storage.size(location);
        int tailLength = (int) (length <= READ_AHEAD ? length : TAIL);
        byte[] tail = storage.readRange(location, length - tailLength, tailLength);
        if (tail.length != tailLength) {
            throw new IOException("the object at " + location + " changed while it was read (" + length + " bytes, then "
                    + (length - tailLength + tail.length) + "); read it again");
        }
        byte[] head = length <= tailLength ? tail : storage.readRange(location, 0, HEAD);
        ParquetIo.checkMagic(length, head, tail);
        return new RangedFile(storage, location, length, length - tailLength, tail);
    }

    /**
     * A file that is these bytes, all held: nothing is fetched.
     *
     * @param content the file's bytes
     * @return the file
     */
    static InputFile input(byte[] content) {
        return new RangedFile(null, null, content.length, 0, content);
    }

    /**
     * A file written to a stream, which it does not close: parquet-java closes its stream when the
     * file is written, and the stream (a staged write) is committed by its owner after that. Writes
     * are gathered in a buffer of 64 KiB, as parquet-java writes page headers a few bytes at a time.
     *
     * @param target where the bytes go
     * @return the file
     */
    static OutputFile output(OutputStream target) {
        BufferedOutputStream out = new BufferedOutputStream(target, 64 * 1024);
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) {
                return createOrOverwrite(blockSizeHint);
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                return new PositionOutputStream() {
                    private long position;

                    @Override
                    public long getPos() {
                        return position;
                    }

                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        position++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        position += len;
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush(); // not closed: the owner of the stream commits or aborts it
                    }
                };
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }

    /** An error of the store while parquet-java reads: not the file's fault, worth a retry. */
    static final class StoreException extends IOException {
        private static final long serialVersionUID = 1L;

        StoreException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        /** The store's own error. */
        IOException store() {
            return (IOException) getCause();
        }
    }

    /** A file of {@code length} bytes whose last ones, from {@code tailStart}, are held. */
    private record RangedFile(@Nullable Storage storage, @Nullable URI location, long length, long tailStart,
                              byte[] tail) implements InputFile {
        @Override
        public long getLength() {
            return length;
        }

        @Override
        public SeekableInputStream newStream() {
            return new RangeStream(this);
        }

        @Override
        public String toString() {
            return location != null ? location.toString() : "the dataset's " + length + " bytes";
        }
    }

    /** Reads from what is held (the tail, the last read ahead), else fetches a range. */
    private static final class RangeStream extends SeekableInputStream {
        private final RangedFile file;
        private long position;
        private byte[] held = new byte[0];
        private long heldStart;

        RangeStream(RangedFile file) {
            this.file = file;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0 || newPos > file.length) {
                throw new EOFException("position " + newPos + " is outside the file's " + file.length + " bytes");
            }
            position = newPos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= file.length) {
                return -1;
            }
            int n = copyHeld(b, off, len);
            if (n > 0) {
                return n;
            }
            int wanted = (int) Math.min(len, file.length - position);
            if (wanted >= READ_AHEAD) { // a column chunk: fetched as it is, not held
                byte[] range = fetch(position, wanted);
                System.arraycopy(range, 0, b, off, range.length);
                position += range.length;
                return range.length;
            }
            held = fetch(position, (int) Math.min(READ_AHEAD, file.length - position));
            heldStart = position;
            return copyHeld(b, off, len);
        }

        /** Copies from the tail or the bytes read ahead, if the position is in one of them. */
        private int copyHeld(byte[] b, int off, int len) {
            for (int i = 0; i < 2; i++) {
                byte[] from = i == 0 ? file.tail : held;
                long start = i == 0 ? file.tailStart : heldStart;
                if (position >= start && position < start + from.length) {
                    int n = (int) Math.min(len, start + from.length - position);
                    System.arraycopy(from, (int) (position - start), b, off, n);
                    position += n;
                    return n;
                }
            }
            return 0;
        }

        private byte[] fetch(long offset, int length) throws IOException {
            if (file.storage == null || file.location == null) {
                throw new EOFException("position " + offset + " is outside the file's " + file.length + " bytes");
            }
            byte[] range;
            try {
                range = file.storage.readRange(file.location, offset, length);
            } catch (IOException failed) {
                throw new StoreException(failed);
            }
            if (range.length == 0) {
                throw new StoreException(new IOException("the object at " + file.location + " ends before byte "
                        + offset + " of the " + file.length + " it had when opened: it changed while it was read; read"
                        + " it again"));
            }
            return range;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = read(bytes, start + done, len - done);
                if (n < 0) {
                    throw new EOFException("the file ends " + (len - done) + " bytes too early");
                }
                done += n;
            }
        }

        @Override
        public int read(ByteBuffer buf) throws IOException {
            if (!buf.hasRemaining()) {
                return 0;
            }
            byte[] bytes = new byte[(int) Math.min(buf.remaining(), Math.max(1, file.length - position))];
            int n = read(bytes, 0, bytes.length);
            if (n > 0) {
                buf.put(bytes, 0, n);
            }
            return n;
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            if (buf.remaining() > file.length - position) {
                throw new EOFException("the file ends " + (buf.remaining() - (file.length - position))
                        + " bytes too early");
            }
            if (buf.hasArray()) {
                int n = buf.remaining();
                readFully(buf.array(), buf.arrayOffset() + buf.position(), n);
                buf.position(buf.position() + n);
                return;
            }
            byte[] bytes = new byte[buf.remaining()];
            readFully(bytes, 0, bytes.length);
            buf.put(bytes);
        }
    }
}
