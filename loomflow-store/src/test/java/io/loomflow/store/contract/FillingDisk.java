package io.loomflow.store.contract;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's files on a disk that a test can fill: the URL {@code jdbc:h2:fillingdisk:DIR/history} is the
 * embedded store's file on the ordinary disk, except that while a file {@code disk-is-full} sits in
 * {@code DIR}, writing to the database file fails as on a full disk: an {@link IOException} "No space
 * left on device", which H2 meets as it would the operating system's. The disk's state is that
 * file, so the test changes nothing shared but H2's list of file systems, to which this one is added.
 */
public final class FillingDisk extends FilePathWrapper {

    /** The URL prefix of the file system, after {@code jdbc:h2:}. */
    public static final String SCHEME = "fillingdisk";
    /** The file that makes the disk full while it exists. */
    public static final String FULL = "disk-is-full";

    /** Adds this file system to H2's; adding it again replaces it by an equal one. */
    public static void register() {
        FilePath.register(new FillingDisk());
    }

    /** H2 creates one for each path. */
    public FillingDisk() {
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        FileChannel file = getBase().open(mode);
        return getBase().getName().endsWith(".mv.db")
                ? new Filling(file, Path.of(getBase().getParent().toString()).resolve(FULL)) : file;
    }

    /** A database file whose writes fail while the disk is full. */
    private static final class Filling extends FileBase {
        private final FileChannel file;
        private final Path full;

        Filling(FileChannel file, Path full) {
            this.file = file;
            this.full = full;
        }

        private void spaceLeft() throws IOException {
            if (Files.exists(full)) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            spaceLeft();
            return file.write(source);
        }

        @Override
        public int write(ByteBuffer source, long position) throws IOException {
            spaceLeft();
            return file.write(source, position);
        }

        @Override
        public int read(ByteBuffer target) throws IOException {
            return file.read(target);
        }

        @Override
        public int read(ByteBuffer target, long position) throws IOException {
            return file.read(target, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long position) throws IOException {
            file.position(position);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
