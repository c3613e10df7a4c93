package io.loomflow.parquet.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/** Parquet's file abstractions over bytes in memory, as a dataset's format reads and writes them. */
final class InMemoryFiles {

    private InMemoryFiles() {
    }

    /** A file that is these bytes. */
    static InputFile input(byte[] content) {
        return new InputFile() {
            @Override
            public long getLength() {
                return content.length;
            }

            @Override
            public SeekableInputStream newStream() {
                return new BytesStream(content);
            }

            @Override
            public String toString() {
                return "the dataset's " + content.length + " bytes";
            }
        };
    }

    /** A file written to memory; {@link Output#bytes()} is what was written. */
    static final class Output implements OutputFile {
        private final Buffer buffer = new Buffer();

        byte[] bytes() {
            return buffer.toByteArray();
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return createOrOverwrite(blockSizeHint);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            buffer.reset();
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return buffer.size();
                }

                @Override
                public void write(int b) {
                    buffer.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    buffer.write(b, off, len);
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
    }

    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 16);
        }
    }

    private static final class BytesStream extends SeekableInputStream {
        private final byte[] content;
        private int position;

        BytesStream(byte[] content) {
            this.content = content;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0 || newPos > content.length) {
                throw new EOFException("position " + newPos + " is outside the file's " + content.length + " bytes");
            }
            position = (int) newPos;
        }

        @Override
        public int read() {
            return position < content.length ? content[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, content.length - position);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(content, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void readFully(byte[] bytes) throws IOException {
            readFully(bytes, 0, bytes.length);
        }

        @Override
        public void readFully(byte[] bytes, int start, int len) throws IOException {
            if (len > content.length - position) {
                throw new EOFException("the file ends " + (len - (content.length - position)) + " bytes too early");
            }
            System.arraycopy(content, position, bytes, start, len);
            position += len;
        }

        @Override
        public int read(ByteBuffer buf) {
            int n = Math.min(buf.remaining(), content.length - position);
            if (n <= 0) {
                return buf.hasRemaining() ? -1 : 0;
            }
            buf.put(content, position, n);
            position += n;
            return n;
        }

        @Override
        public void readFully(ByteBuffer buf) throws IOException {
            if (buf.remaining() > content.length - position) {
                throw new EOFException("the file ends " + (buf.remaining() - (content.length - position))
                        + " bytes too early");
            }
            int n = buf.remaining();
            buf.put(content, position, n);
            position += n;
        }
    }
}
