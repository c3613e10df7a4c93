package io.loomflow.data.internal;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects as files under one root folder. {@code file:data/x.csv} is {@code <root>/data/x.csv};
 * a location that leaves the root ({@code file:../x}, or an absolute path elsewhere) is refused.
 * Writes go to a temporary file beside the target, then replace it with an atomic rename.
 */
public final class FileStorage implements Storage {

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

    /** The file behind a location, checked to lie under the root. */
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
        return resolved;
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
    public void write(URI location, byte[] content) throws IOException {
        Path target = resolve(location);
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".partial");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException notAtomic) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
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
        String wanted = root.relativize(resolve(prefix)).toString().replace('\\', '/');
        if (prefix.toString().endsWith("/") && !wanted.isEmpty()) {
            wanted += "/";
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<URI> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String relative = root.relativize(file).toString().replace('\\', '/');
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
