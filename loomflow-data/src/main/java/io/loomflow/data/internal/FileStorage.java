package io.loomflow.data.internal;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Objects as files under one root folder. {@code file:data/x.csv} is {@code <root>/data/x.csv};
 * a location that leaves the root is refused: textually ({@code file:../x}, or an absolute path
 * elsewhere), and through a symbolic link (a folder or file inside the root that links outside it,
 * also a dangling link as the file to be written). Links that stay inside the root are followed;
 * the root itself may be a link. The check resolves links when a location is used, and the file is
 * then read or written at its real path; it does not guard against someone who can change links
 * under the root while it runs.
 *
 * <p>Writes, whole or streamed ({@link #openWrite}), go to a temporary file beside the target
 * ({@code .<name>.<random>.partial}, never listed), then replace it with an atomic rename on commit;
 * an aborted or failed write deletes its temporary file. A reader holds the file it opened, so a
 * rename under it does not change what it reads. A new
 * file gets the process's usual permissions (as the umask decides, like any file the process
 * creates); a file that is replaced keeps its permissions.
 */
public final class FileStorage implements Storage {

    /** As many links as Linux follows in one path before it gives up. */
    private static final int MAX_LINKS = 40;

    private final Path root;

    /**
     * Creates a storage rooted at {@code root}.
     *
     * @param root the folder every location is resolved against
     */
    public FileStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The real path of the file behind a location, checked to lie under the root, links resolved. */
    Path resolve(URI location) {
        if (!"file".equalsIgnoreCase(location.getScheme())) {
            throw new IllegalArgumentException("location " + location + " is not a file: URI; write it as"
                    + " file:relative/path (under " + root + ")");
        }
        String path = location.isOpaque() ? location.getSchemeSpecificPart() : location.getPath();
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("location " + location + " names no file; write it as file:relative/path");
        }
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("location " + location + " leaves the storage root " + root
                    + "; use a path inside the root, without '..', or set the storage's root option");
        }
        Path realRoot = realPath(root, location);
        Path real = realPath(resolved, location);
        if (!real.startsWith(realRoot)) {
            throw new IllegalArgumentException("location " + location + " leaves the storage root " + root
                    + " through a symbolic link: " + resolved + " is really " + real + "; replace the link with"
                    + " the folder or file itself, or set the storage's root option to include " + real);
        }
        return real;
    }

    /**
     * The path with every link in its existing part resolved: the real path of the longest part
     * that exists, then the rest. A link to nothing (which a write would replace, or create the
     * target of) is followed by reading it, so it counts as going where it points.
     */
    private static Path realPath(Path path, URI location) {
        Path current = path;
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path existing = current;
            ArrayDeque<Path> rest = new ArrayDeque<>();
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                rest.push(existing.getFileName());
                existing = existing.getParent();
            }
            if (existing == null) {
                return current.normalize();
            }
            Path resolved;
            boolean dangling = false;
            try {
                resolved = existing.toRealPath();
            } catch (NoSuchFileException linkToNothing) {
                try {
                    resolved = existing.resolveSibling(Files.readSymbolicLink(existing)).toAbsolutePath();
                    dangling = true;
                } catch (IOException unreadable) {
                    throw unresolvable(location, existing, unreadable);
                }
            } catch (IOException unreadable) {
                throw unresolvable(location, existing, unreadable);
            }
            while (!rest.isEmpty()) {
                resolved = resolved.resolve(rest.pop());
            }
            if (!dangling) {
                return resolved.normalize();
            }
            current = resolved;
        }
        throw new IllegalArgumentException("location " + location + " passes through more than " + MAX_LINKS
                + " symbolic links (a loop?); replace the links with the folders or files themselves");
    }

    private static IllegalArgumentException unresolvable(URI location, Path path, IOException cause) {
        return new IllegalArgumentException("location " + location + " cannot be checked against the storage root:"
                + " resolving the links of " + path + " failed (" + cause.getMessage() + "); replace the links with"
                + " the folders or files themselves", cause);
    }

    @Override
    public byte[] read(URI location) throws IOException {
        try {
            return Files.readAllBytes(resolve(location));
        } catch (NoSuchFileException absent) {
            throw new NoSuchObjectException(location);
        }
    }

    @Override
    public InputStream openRead(URI location) throws IOException {
        try {
            return Files.newInputStream(resolve(location));
        } catch (NoSuchFileException absent) {
            throw new NoSuchObjectException(location);
        }
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws IOException {
        Storage.checkRange(offset, length);
        try (FileChannel file = FileChannel.open(resolve(location), StandardOpenOption.READ)) {
            ByteBuffer range = ByteBuffer.allocate((int) Math.max(0, Math.min(length, file.size() - offset)));
            while (range.hasRemaining() && file.read(range, offset + range.position()) >= 0) {
                // read until the range is full; the size was taken from the open file
            }
            return range.hasRemaining() ? java.util.Arrays.copyOf(range.array(), range.position()) : range.array();
        } catch (NoSuchFileException absent) {
            throw new NoSuchObjectException(location);
        }
    }

    @Override
    public long size(URI location) throws IOException {
        try {
            java.nio.file.attribute.BasicFileAttributes file = Files.readAttributes(resolve(location),
                    java.nio.file.attribute.BasicFileAttributes.class);
            if (!file.isRegularFile()) {
                throw new NoSuchObjectException(location); // a folder is no object, as exists() says
            }
            return file.size();
        } catch (NoSuchFileException absent) {
            throw new NoSuchObjectException(location);
        }
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        try (StagedWrite write = openWrite(location)) {
            write.write(content);
            write.commit();
        }
    }

    @Override
    public StagedWrite openWrite(URI location) throws IOException {
        Path target = resolve(location);
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path temporary = createTemporary(folder, target.getFileName().toString());
        OutputStream out;
        try {
            out = Files.newOutputStream(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException failed) {
            Files.deleteIfExists(temporary);
            throw failed;
        }
        return new StagedWrite(location) {
            @Override
            protected void stage(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            protected void publish() throws IOException {
                out.close();
                keepPermissions(target, temporary);
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }

            @Override
            protected void discard() throws IOException {
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
        };
    }

    /** A new file beside the target, with the permissions any new file of the process gets (not 0600). */
    private static Path createTemporary(Path folder, String name) throws IOException {
        while (true) {
            Path temporary = folder.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".partial");
            try {
                Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temporary;
            } catch (FileAlreadyExistsException taken) {
                // another writer's temporary file: draw another name
            }
        }
    }

    private static void keepPermissions(Path target, Path temporary) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
            Files.setPosixFilePermissions(temporary, permissions);
        } catch (NoSuchFileException | UnsupportedOperationException nothingToKeep) {
            // a new file, or a file system without POSIX permissions
        }
    }

    @Override
    public boolean exists(URI location) {
        return Files.isRegularFile(resolve(location));
    }

    @Override
    public boolean delete(URI location) throws IOException {
        return Files.deleteIfExists(resolve(location));
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        Path realRoot = realPath(root, prefix);
        String wanted = realRoot.relativize(resolve(prefix)).toString().replace('\\', '/');
        if (prefix.toString().endsWith("/") && !wanted.isEmpty()) {
            wanted += "/";
        }
        if (!Files.isDirectory(realRoot)) {
            return List.of();
        }
        List<URI> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(realRoot)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String relative = realRoot.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith(wanted) && !file.getFileName().toString().endsWith(".partial")) {
                    found.add(URI.create("file:" + relative.replace(" ", "%20")));
                }
            }
        }
        found.sort(null);
        return found;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "FileStorage[" + root + "]";
    }
}
