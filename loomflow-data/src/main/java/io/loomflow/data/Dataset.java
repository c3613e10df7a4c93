package io.loomflow.data;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Resource;
import io.loomflow.RunContext;
import io.loomflow.TimeSource;
import io.loomflow.data.internal.Versions;
import io.loomflow.data.spi.DirectFormat;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.RangedFormat;
import io.loomflow.data.spi.RecordStreamException;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import io.loomflow.spi.FlowGraph;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

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
 * <p>A {@linkplain #versioned() versioned} dataset keeps every save, as Kedro's versioned datasets
 * do: version {@code V} of a dataset at {@code <uri>} is the object {@code <uri>/V/<file name of
 * uri>}, and a version is the UTC time of the save, written {@code YYYY-MM-DDThh.mm.ss.sssZ} (such
 * as {@code 2026-12-04T10.00.00.000Z}) so that versions sort as text in the order they were made.
 * A save writes a new version and never replaces one; a load reads the latest version, or the one
 * {@linkplain #withLoadVersion(String) pinned}.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=versioned}
 *
 * <p>Every load and save made inside a run is recorded in that run's lineage
 * ({@link RunContext#recordDatasetAccess}): read or written, the dataset's name, the version ({@code
 * null} if it is not versioned) and the object's location, without user information, query or
 * fragment ({@link FlowGraph#shownLocation(URI)}). A streamed load is recorded when its object is
 * opened, a streamed save when its write is committed; a load or save that fails records nothing.
 *
 * @param <T> the type of the data
 */
public final class Dataset<T> {

    /** How many versions the error of a version that does not exist lists, newest first. */
    private static final int LISTED_VERSIONS = 5;

    private final String name;
    private final URI location;
    private final Format<T> format;
    private final Resource<Storage> storage;
    private final boolean versioned;
    private final @Nullable String loadVersion;
    private final @Nullable String saveVersion;
    /** The name its loads and saves are recorded under: its own, or a partitioned dataset's. */
    private final String recordedAs;

    private Dataset(String name, URI location, Format<T> format, Resource<Storage> storage, boolean versioned,
                    @Nullable String loadVersion, @Nullable String saveVersion, String recordedAs) {
        this.name = name;
        this.location = location;
        this.format = format;
        this.storage = storage;
        this.versioned = versioned;
        this.loadVersion = loadVersion;
        this.saveVersion = saveVersion;
        this.recordedAs = recordedAs;
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
        return new Dataset<>(name, location, format, storage, false, null, null, name);
    }

    /**
     * Returns a copy that is versioned: each save writes a new version, and a load reads the latest
     * (see the class's description). The catalog's {@code versioned: true} makes the same.
     *
     * @return the versioned copy
     * @throws IllegalArgumentException for a dataset that cannot be versioned, saying why: one whose
     *     format reads and writes it itself (a SQL table), or whose location ends with {@code /} or has
     *     a query or fragment
     */
    public Dataset<T> versioned() {
        String refusal = Versions.refusal(name, format, location);
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        return new Dataset<>(name, location, format, storage, true, loadVersion, saveVersion, recordedAs);
    }

    /**
     * Tells whether the dataset is versioned.
     *
     * @return {@code true} if its saves keep every version
     */
    public boolean isVersioned() {
        return versioned;
    }

    /**
     * Returns a copy that loads one version rather than the latest (Kedro's load version).
     *
     * @param version the version, such as {@code 2026-12-04T10.00.00.000Z}
     * @return the pinned copy; its {@link #load()} fails, listing the versions there are, if that
     *     version does not exist
     * @throws IllegalArgumentException if the dataset is not versioned, or {@code version} is not
     *     written as a version is
     */
    public Dataset<T> withLoadVersion(String version) {
        requireVersioned("withLoadVersion");
        return new Dataset<>(name, location, format, storage, true, Versions.check(name, version), saveVersion,
                recordedAs);
    }

    /**
     * The version this dataset loads, if one is pinned.
     *
     * @return the pinned version, or empty if it loads the latest
     */
    public Optional<String> loadVersion() {
        return Optional.ofNullable(loadVersion);
    }

    /**
     * Returns a copy whose saves write this version (Kedro's save version), rather than the time the
     * current run was created. A pipeline's run saves all its versioned datasets under one version so.
     *
     * @param version the version, such as {@code 2026-12-04T10.00.00.000Z}
     * @return the changed copy
     * @throws IllegalArgumentException if the dataset is not versioned, or {@code version} is not
     *     written as a version is
     */
    public Dataset<T> withSaveVersion(String version) {
        requireVersioned("withSaveVersion");
        return new Dataset<>(name, location, format, storage, true, loadVersion, Versions.check(name, version),
                recordedAs);
    }

    /** The same dataset, recorded in lineage under another name: a partition, as its partitioned dataset. */
    Dataset<T> recordedAs(String lineageName) {
        return new Dataset<>(name, location, format, storage, versioned, loadVersion, saveVersion, lineageName);
    }

    private void requireVersioned(String call) {
        if (!versioned) {
            throw new IllegalArgumentException("dataset '" + name + "' is not versioned, so it has no versions to "
                    + call + "; make it versioned (versioned: true in the catalog, or dataset.versioned())");
        }
    }

    /**
     * The version of an instant, as saves name them: its UTC time, {@code YYYY-MM-DDThh.mm.ss.sssZ}.
     *
     * @param at an instant
     * @return its version, such as {@code 2026-12-04T10.00.00.000Z}
     */
    public static String version(Instant at) {
        return Versions.of(Objects.requireNonNull(at, "at"));
    }

    /**
     * Where a version of this dataset is: {@code <uri>/<version>/<file name of uri>}.
     *
     * @param version the version
     * @return its object's location
     * @throws IllegalArgumentException if the dataset is not versioned, or {@code version} is not
     *     written as a version is
     */
    public URI location(String version) {
        requireVersioned("locate");
        return Versions.location(location, Versions.check(name, version));
    }

    /**
     * The versions of this dataset there are: the folders under {@code <uri>/} named as versions that
     * hold its object (a version whose write has not finished has none, and is not one).
     *
     * @return the versions, oldest first
     * @throws IllegalArgumentException if the dataset is not versioned
     * @throws DatasetException if the store cannot be listed
     */
    public List<String> versions() {
        requireVersioned("list");
        return versions(storage.get());
    }

    /**
     * The versions of this dataset there are, listed with the storage that {@code engine} has open,
     * whatever thread calls it: for tools that watch data outside runs, such as a trigger that
     * starts a flow when a new version appears.
     *
     * @param engine the engine whose storage resource is used (opened on first use)
     * @return the versions, oldest first
     * @throws IllegalArgumentException if the dataset is not versioned
     * @throws DatasetException if the store cannot be listed
     */
    public List<String> versions(Engine engine) {
        Objects.requireNonNull(engine, () -> "dataset '" + name + "': versions needs an engine, not null");
        requireVersioned("list");
        return versions(storage.get(engine));
    }

    private List<String> versions(Storage store) {
        URI prefix = Versions.prefix(location);
        try {
            return Versions.among(name, location, store.list(prefix));
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not list its versions under "
                    + prefix + ": " + failed.getMessage(), failed, true);
        }
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
     * Reads the dataset; a versioned one, the version pinned or else the latest.
     *
     * @return its value
     * @throws DatasetNotFoundException if nothing is at its location; for a versioned dataset, if it
     *     has no version yet, or the version pinned does not exist (the message lists the latest that
     *     do)
     * @throws DatasetException if the store fails or the content is not in the dataset's format
     */
    public T load() {
        return load(storage.get());
    }

    /**
     * Reads the dataset with the storage that {@code engine} has open, whatever thread calls it: for
     * tools that read data outside runs, such as the server's preview of a pipeline's datasets.
     *
     * @param engine the engine whose storage resource is used (opened on first use)
     * @return its value
     * @throws DatasetNotFoundException if nothing is at its location (as {@link #load()})
     * @throws DatasetException if the store fails or the content is not in the dataset's format
     */
    public T load(Engine engine) {
        Objects.requireNonNull(engine, () -> "dataset '" + name + "': load needs an engine, not null");
        return load(storage.get(engine));
    }

    /** Reads the object, or the version pinned or latest, and records the read in the current run. */
    private T load(Storage store) {
        if (!versioned) {
            T value;
            try {
                value = read(store);
            } catch (DatasetException failed) {
                throw versionsInstead(store, failed);
            }
            record(Event.DatasetAccess.Access.READ, null, location);
            return value;
        }
        String version = loadVersion != null ? loadVersion : latest(store);
        URI object = Versions.location(location, version);
        T value;
        try {
            value = at(object).read(store);
        } catch (DatasetNotFoundException absent) {
            throw loadVersion == null ? absent : noSuchVersion(store, object, absent);
        }
        record(Event.DatasetAccess.Access.READ, version, object);
        return value;
    }

    /**
     * The error of a load of a dataset that is not versioned, or, where versions of it are under its
     * location (it was saved versioned), one that says so.
     */
    private DatasetException versionsInstead(Storage store, DatasetException failed) {
        if (format instanceof DirectFormat<?> || Versions.refusal(name, format, location) != null) {
            return failed;
        }
        List<String> there;
        try {
            there = Versions.among(name, location, store.list(Versions.prefix(location)));
        } catch (IOException | RuntimeException unlisted) {
            failed.addSuppressed(unlisted);
            return failed;
        }
        if (there.isEmpty()) {
            return failed;
        }
        String message = "dataset '" + name + "' is not versioned, but " + location + " holds versions of it (the"
                + " latest " + there.getLast() + "), as a versioned dataset saves them; add versioned: true to its entry"
                + " (in code, dataset.versioned()) to load the latest";
        return failed instanceof DatasetNotFoundException ? new DatasetNotFoundException(name, location, message, failed)
                : new DatasetException(name, location, message, failed, false);
    }

    /** The greatest version that holds the object. */
    private String latest(Storage store) {
        List<String> there = versions(store);
        if (there.isEmpty() && objectAtLocation(store)) {
            throw new DatasetNotFoundException(name, location, "dataset '" + name + "' is versioned, but " + location
                    + " is an object of its own, not a folder of versions (saved before the dataset was versioned?);"
                    + " move it to " + location + "/<version>/" + Versions.fileName(location) + ", such as "
                    + Versions.location(location, Versions.EXAMPLE) + ", or remove versioned from its entry",
                    new NoSuchObjectException(Versions.prefix(location)));
        }
        if (there.isEmpty()) {
            throw new DatasetNotFoundException(name, location, "dataset '" + name + "' is versioned and has no version"
                    + " yet: no folder under " + Versions.prefix(location) + " holds a version of "
                    + Versions.fileName(location) + "; save it first (is the node that produces it upstream?), or"
                    + " correct its location in the catalog", new NoSuchObjectException(location));
        }
        return there.getLast();
    }

    /** Whether an object is at the dataset's own location; a store that cannot tell says no. */
    private boolean objectAtLocation(Storage store) {
        try {
            return store.exists(location);
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    private DatasetNotFoundException noSuchVersion(Storage store, URI object, DatasetNotFoundException absent) {
        List<String> there = versions(store);
        String message = "dataset '" + name + "' has no version " + loadVersion + " (nothing at " + object + "); ";
        if (there.isEmpty()) {
            message += "it has no version at all yet under " + Versions.prefix(location) + ": save it first (is the"
                    + " node that produces it upstream?), or correct its location in the catalog";
        } else {
            List<String> newest = there.reversed().subList(0, Math.min(LISTED_VERSIONS, there.size()));
            message += (there.size() == 1 ? "its only version is " : "its latest versions are ") + String.join(", ", newest)
                    + (there.size() > LISTED_VERSIONS ? " (of " + there.size() + ")" : "") + "; pin one of those, or"
                    + " leave the version out to load the latest";
        }
        return new DatasetNotFoundException(name, object, message, absent.getCause() == null ? absent : absent.getCause());
    }

    /** This dataset's object of one version, as a dataset that is not versioned (for reading and writing it). */
    private Dataset<T> at(URI object) {
        return new Dataset<>(name, object, format, storage, false, null, null, recordedAs);
    }

    /**
     * Records, in the current run's lineage, a read of this dataset's value that the node which saved
     * it handed over in memory, at the version it saved (ignored when the dataset is not versioned).
     */
    void recordHandedOver(String savedVersion) {
        if (versioned) {
            record(Event.DatasetAccess.Access.READ, savedVersion, location(savedVersion));
        } else {
            record(Event.DatasetAccess.Access.READ, null, location);
        }
    }

    /** Records a load or save in the lineage of the current run, if any. */
    private void record(Event.DatasetAccess.Access access, @Nullable String version, URI object) {
        RunContext.find().ifPresent(run -> run.recordDatasetAccess(access, recordedAs, version,
                FlowGraph.shownLocation(object)));
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
     * Writes the dataset, replacing what was there atomically: a failed save leaves the old data. A
     * versioned dataset writes a new version instead, never seen half-written: the one given to
     * {@link #withSaveVersion(String)}, or else the time the current run was created on its engine's
     * clock ({@link io.loomflow.RunInfo#createdAt()}; outside runs, now).
     *
     * @param value the new value
     * @throws DatasetException if the value cannot be written in the format, or the store fails; for a
     *     versioned dataset, if that version exists already (it is never overwritten)
     */
    public void save(T value) {
        Storage store = storage.get();
        if (!versioned) {
            write(store, value);
            record(Event.DatasetAccess.Access.WRITE, null, location);
            return;
        }
        String version = saveVersion != null ? saveVersion : Versions.of(RunContext.find()
                .map(run -> run.info().createdAt()).orElseGet(() -> TimeSource.system().now()));
        URI object = Versions.location(location, version);
        boolean taken;
        try {
            taken = store.exists(object);
        } catch (IOException failed) {
            close(value);
            throw new DatasetException(name, object, "dataset '" + name + "' could not tell whether its version "
                    + version + " exists at " + object + ": " + failed.getMessage(), failed, true);
        }
        if (taken) {
            close(value);
            throw new DatasetException(name, object, "dataset '" + name + "' already has version " + version + " at "
                    + object + ", and a version is never overwritten; save under a new version (each pipeline run"
                    + " has its own; in code, dataset.withSaveVersion(...)), or delete that one first",
                    new IllegalStateException("version " + version + " exists"), false);
        }
        at(object).write(store, value);
        record(Event.DatasetAccess.Access.WRITE, version, object);
    }

    private static void close(@Nullable Object value) {
        if (value instanceof BaseStream<?, ?> records) {
            records.close();
        }
    }

    /** Writes the object at this dataset's location, whole or streamed, or through its direct format. */
    private void write(Storage store, T value) {
        if (format instanceof DirectFormat<T> direct) {
            direct(() -> {
                direct.save(name, location, store, value);
                return null;
            }, "saved to");
            return;
        }
        if (format.streaming()) {
            saveStream(store, value);
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
            store.write(location, content);
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
    private void saveStream(Storage store, T value) {
        if (!(value instanceof BaseStream<?, ?> records)) {
            throw new DatasetException(name, location, "dataset '" + name + "' is saved as a stream of " + format.name()
                    + " records, but was given " + (value == null ? "null" : "a " + value.getClass().getName())
                    + "; give a java.util.stream.Stream (list.stream()), or use a whole " + format.name() + " format",
                    new IllegalArgumentException(String.valueOf(value)), false);
        }
        try (records) {
            StagedWrite out;
            try {
                out = store.openWrite(location);
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
     * Tells whether the dataset exists: for a versioned dataset, whether the version it loads does
     * (the one pinned, or any).
     *
     * @return {@code true} if something is at its location
     * @throws DatasetException if the store cannot be asked
     */
    public boolean exists() {
        if (format instanceof DirectFormat<T> direct) {
            return direct(() -> direct.exists(location, storage.get()), "checked at");
        }
        Storage store = storage.get();
        if (versioned && loadVersion == null) {
            return !versions(store).isEmpty();
        }
        URI object = loadVersion == null ? location : Versions.location(location, loadVersion);
        try {
            return store.exists(object);
        } catch (IOException failed) {
            throw new DatasetException(name, object, "could not tell whether dataset '" + name + "' exists at "
                    + object + ": " + failed.getMessage(), failed, true);
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
        return "Dataset[" + name + ", " + location + ", " + format.name() + (!versioned ? ""
                : loadVersion == null ? ", versioned" : ", version " + loadVersion) + "]";
    }
}
