package io.loomflow.data;

import io.loomflow.Engine;
import io.loomflow.Resource;
import io.loomflow.data.spi.RecordStreamException;
import io.loomflow.data.spi.DirectFormat;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.RangedFormat;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One named piece of data: a location, a format, and the storage that holds it.
 *
 * <p>{@link #load()} and {@link #save(Object)} use the storage of the engine of the current run
 * (or of the default engine outside runs), opened once per engine. Immutable and thread-safe;
 * loads and saves of different datasets run concurrently.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=dataset}
 *
 * <p>A dataset of a {@linkplain Format#streaming() streaming} format loads a lazy {@link Stream}
 * that reads the object as it is consumed (close it, or let a pipeline close it), and saves a
 * stream as it produces its records, through a {@link StagedWrite}: the object is published only
 * once the stream has been written to its end, so a save that fails half-way (a malformed row
 * upstream, the node's own error, the store) leaves the old object, or none, never a part.
 *
 * @param <T> the type of the data
 */
public final class Dataset<T> {

    private final String name;
    private final URI location;
    private final Format<T> format;
    private final Resource<Storage> storage;

    private Dataset(String name, URI location, Format<T> format, Resource<Storage> storage) {
        this.name = name;
        this.location = location;
        this.format = format;
        this.storage = storage;
    }

    /**
     * Defines a dataset.
     *
     * @param name a non-blank name, unique in its catalog
     * @param location where it lives, in the storage's URI scheme
     * @param format how it is read and written
     * @param storage the storage that holds it, as an engine resource
     * @param <T> the type of the data
     * @return the dataset
     */
    public static <T> Dataset<T> of(String name, URI location, Format<T> format, Resource<Storage> storage) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dataset needs a non-blank name, was " + (name == null ? "null"
                    : "\"" + name + "\""));
        }
        Objects.requireNonNull(location, () -> "dataset '" + name + "' needs a location, such as file:data/x.csv");
        Objects.requireNonNull(format, () -> "dataset '" + name + "' needs a format, such as Format.csv()");
        Objects.requireNonNull(storage, () -> "dataset '" + name + "' needs a storage, such as Storages.resource(...)");
        return new Dataset<>(name, location, format, storage);
    }

    /**
     * The dataset's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Where the dataset lives.
     *
     * @return its location
     */
    public URI location() {
        return location;
    }

    /**
     * How the dataset is read and written.
     *
     * @return its format
     */
    public Format<T> format() {
        return format;
    }

    /**
     * Reads the dataset.
     *
     * @return its value
     * @throws DatasetNotFoundException if nothing is at its location
     * @throws DatasetException if the store fails or the content is not in the dataset's format
     */
    public T load() {
        return read(storage.get());
    }

    /**
     * Reads the dataset with the storage that {@code engine} has open, whatever thread calls it: for
     * tools that read data outside runs, such as the server's preview of a pipeline's datasets.
     *
     * @param engine the engine whose storage resource is used (opened on first use)
     * @return its value
     * @throws DatasetNotFoundException if nothing is at its location
     * @throws DatasetException if the store fails or the content is not in the dataset's format
     */
    public T load(Engine engine) {
        Objects.requireNonNull(engine, () -> "dataset '" + name + "': load needs an engine, not null");
        return read(storage.get(engine));
    }

    private T read(Storage store) {
        if (format instanceof DirectFormat<T> direct) {
            return direct(() -> direct.load(name, location, store), "read from");
        }
        if (format instanceof RangedFormat<T> ranged) {
            return loadRanged(store, ranged);
        }
        if (format.streaming()) {
            return loadStream(store);
        }
        byte[] content;
        try {
            content = store.read(location);
        } catch (NoSuchObjectException absent) {
            throw new DatasetNotFoundException(name, location, absent);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not be read from " + location
                    + ": " + failed.getMessage(), failed, true);
        }
        try {
            return format.read(content);
        } catch (IOException | RuntimeException malformed) {
            throw new DatasetException(name, location, "dataset '" + name + "' at " + location + " is not valid "
                    + format.name() + ": " + malformed.getMessage(), malformed, false);
        }
    }

    /**
     * Writes the dataset, replacing what was there atomically: a failed save leaves the old data.
     *
     * @param value the new value
     * @throws DatasetException if the value cannot be written in the format, or the store fails
     */
    public void save(T value) {
        if (format instanceof DirectFormat<T> direct) {
            direct(() -> {
                direct.save(name, location, storage.get(), value);
                return null;
            }, "saved to");
            return;
        }
        if (format.streaming()) {
            saveStream(value);
            return;
        }
        byte[] content;
        try {
            content = format.write(value);
        } catch (IOException | RuntimeException unwritable) {
            throw new DatasetException(name, location, "dataset '" + name + "' cannot be written as " + format.name()
                    + ": " + unwritable.getMessage(), unwritable, false);
        }
        try {
            storage.get().write(location, content);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not be saved to " + location
                    + ": " + failed.getMessage(), failed, true);
        }
    }

    /** Opens the object and hands its records out lazily, their errors named after this dataset. */
    @SuppressWarnings("unchecked")
    private T loadStream(Storage store) {
        InputStream content;
        try {
            content = store.openRead(location);
        } catch (NoSuchObjectException absent) {
            throw new DatasetNotFoundException(name, location, absent);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not be read from " + location
                    + ": " + failed.getMessage(), failed, true);
        }
        T value;
        try {
            value = format.read(content);
        } catch (IOException | RuntimeException malformed) {
            throw new DatasetException(name, location, "dataset '" + name + "' at " + location + " is not valid "
                    + format.name() + ": " + malformed.getMessage(), malformed, false);
        }
        return value instanceof Stream<?> records ? (T) named(records) : value;
    }

    /** Reads the ranges the format asks for; a stream's records are named after this dataset. */
    @SuppressWarnings("unchecked")
    private T loadRanged(Storage store, RangedFormat<T> ranged) {
        T value;
        try {
            value = ranged.read(store, location);
        } catch (NoSuchObjectException absent) {
            throw new DatasetNotFoundException(name, location, absent);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not be read from " + location
                    + ": " + failed.getMessage(), failed, true);
        } catch (RecordStreamException failed) {
            throw named(failed);
        } catch (RuntimeException malformed) {
            throw new DatasetException(name, location, "dataset '" + name + "' at " + location + " is not valid "
                    + format.name() + ": " + malformed.getMessage(), malformed, false);
        }
        return value instanceof Stream<?> records ? (T) named(records) : value;
    }

    /** The same records, with a record that cannot be read reported as this dataset's error. */
    private <R> Stream<R> named(Stream<R> records) {
        Iterator<R> source = records.iterator();
        Iterator<R> guarded = new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return source.hasNext();
                } catch (RecordStreamException failed) {
                    throw named(failed);
                }
            }

            @Override
            public R next() {
                try {
                    return source.next();
                } catch (RecordStreamException failed) {
                    throw named(failed);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(guarded, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(records::close);
    }

    private DatasetException named(RecordStreamException failed) {
        return failed.malformed()
                ? new DatasetException(name, location, "dataset '" + name + "' at " + location + " is not valid "
                        + format.name() + ": " + failed.getMessage() + "; fix that record, or remove it", failed, false)
                : new DatasetException(name, location, "dataset '" + name + "' could not be read from " + location
                        + ": " + failed.getMessage(), failed, true);
    }

    /**
     * Writes the records as they come into a staged write, committed at the end; closes the stream.
     * An error of the records' own source (another dataset's malformed row, the node's code) passes
     * unchanged; the write is aborted either way.
     */
    private void saveStream(T value) {
        if (!(value instanceof BaseStream<?, ?> records)) {
            throw new DatasetException(name, location, "dataset '" + name + "' is saved as a stream of " + format.name()
                    + " records, but was given " + (value == null ? "null" : "a " + value.getClass().getName())
                    + "; give a java.util.stream.Stream (list.stream()), or use a whole " + format.name() + " format",
                    new IllegalArgumentException(String.valueOf(value)), false);
        }
        try (records) {
            StagedWrite out;
            try {
                out = storage.get().openWrite(location);
            } catch (IOException failed) {
                throw new DatasetException(name, location, "dataset '" + name + "' could not be saved to " + location
                        + ": " + failed.getMessage(), failed, true);
            }
            try (out) {
                try {
                    format.write(value, out);
                } catch (IOException unwritable) {
                    throw new DatasetException(name, location, "dataset '" + name + "' could not be written as "
                            + format.name() + " to " + location + ", which is left as it was: " + unwritable.getMessage(),
                            unwritable, !(unwritable instanceof com.fasterxml.jackson.core.JsonProcessingException));
                }
                out.commit();
            } catch (IOException failed) {
                throw new DatasetException(name, location, "dataset '" + name + "' could not be saved to " + location
                        + ", which is left as it was: " + failed.getMessage(), failed, true);
            }
        }
    }

    /**
     * Tells whether the dataset exists.
     *
     * @return {@code true} if something is at its location
     * @throws DatasetException if the store cannot be asked
     */
    public boolean exists() {
        if (format instanceof DirectFormat<T> direct) {
            return direct(() -> direct.exists(location, storage.get()), "checked at");
        }
        try {
            return storage.get().exists(location);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "could not tell whether dataset '" + name + "' exists at "
                    + location + ": " + failed.getMessage(), failed, true);
        }
    }

    /** What a {@link DirectFormat} does, its errors named after this dataset. */
    private <R> R direct(DirectCall<R> call, String doing) {
        try {
            return call.run();
        } catch (NoSuchObjectException absent) {
            throw new DatasetNotFoundException(name, location, absent);
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not be " + doing + " " + location
                    + ": " + failed.getMessage(), failed, true);
        } catch (IllegalArgumentException | IllegalStateException wrong) {
            throw new DatasetException(name, location, "dataset '" + name + "' (" + format.name() + " at " + location
                    + "): " + wrong.getMessage(), wrong, false);
        }
    }

    private interface DirectCall<R> {
        R run() throws IOException;
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + location + ", " + format.name() + "]";
    }
}
