package io.loomflow.data;

import io.loomflow.Resource;
import io.loomflow.data.internal.CatalogReader;
import io.loomflow.data.internal.Versions;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Named datasets, and the storage they live in: read from YAML ({@code conf/catalog.yml}) or built
 * in code. Changing where data lives (local files, Azure Blob, S3) is a change to the catalog only.
 * <pre>
 * storage:                      # options per URI scheme; ${NAME} is read from the environment
 *   file: { root: data }
 *   az: { connectionString: "${AZURE_STORAGE_CONNECTION_STRING}" }
 * datasets:
 *   companies: { type: csv, uri: "file:01_raw/companies.csv", options: { separator: ";" } }
 *   report:    { type: json, uri: "az://reports/report.json" }
 * </pre>
 * Types: {@code text}, {@code bytes}, {@code json}, {@code csv} (options {@code separator} and {@code stream}),
 * {@code jsonl} (JSON lines; option {@code stream}), and those other modules add through
 * {@link io.loomflow.data.spi.FormatProvider}, such as {@code parquet} ({@code loomflow-parquet}); and
 * {@code partitioned} or {@code incremental} for a prefix of many objects ({@code path} or {@code uri},
 * {@code dataset} the type of one, {@code suffix}), read with {@link #partitioned(String)}. With
 * {@code stream: true}, a csv or jsonl dataset loads and saves its records as a lazy {@code Stream} (see
 * {@link Format#streaming()}), so a node passes data of any size through a small heap.
 * {@code versioned: true} on a dataset of one object keeps every save as a version of its own
 * ({@code <uri>/<version>/<file name of uri>}) and loads the latest, or the one
 * {@linkplain #withLoadVersion(String, String) pinned} (see {@link Dataset#versioned()}); a
 * partitioned or sql dataset cannot be versioned. Each storage is an engine resource,
 * opened once per engine on first use. Immutable and thread-safe.
 */
public final class Catalog {

    /**
     * One dataset as the catalog describes it; {@code storage} is its storage's key: its URI scheme,
     * or the scheme and the credentials it names ({@code az credentials lake}).
     */
    private record Entry(String name, String type, URI location, Format<?> format, String storage,
                         @Nullable Parts parts, boolean versioned, @Nullable String loadVersion) {
        Entry(String name, String type, URI location, Format<?> format) {
            this(name, type, location, format, location.getScheme(), null, false, null);
        }

        Entry(String name, String type, URI location, Format<?> format, String storage, @Nullable Parts parts) {
            this(name, type, location, format, storage, parts, false, null);
        }

        Entry withFormat(Format<?> changed) {
            return new Entry(name, type, location, changed, storage, parts, versioned, loadVersion);
        }

        Entry withStorage(String changed) {
            return new Entry(name, type, location, format, changed, parts, versioned, loadVersion);
        }

        Entry withVersions(boolean isVersioned, @Nullable String load) {
            return new Entry(name, type, location, format, storage, parts, isVersioned, load);
        }
    }

    /** How a partitioned dataset's objects are picked: by suffix, and after a checkpoint if incremental. */
    private record Parts(String suffix, boolean incremental) {
    }

    private final Map<String, Entry> entries;
    private final Map<String, Resource<Storage>> storages;

    private Catalog(Map<String, Entry> entries, Map<String, Resource<Storage>> storages) {
        this.entries = entries;
        this.storages = storages;
    }

    /**
     * Reads a catalog file, substituting {@code ${NAME}} from the process environment.
     *
     * @param file the YAML file, usually {@code conf/catalog.yml}
     * @return the catalog
     * @throws CatalogException naming file, line and entry for anything wrong in it
     */
    public static Catalog load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Reads a catalog file, substituting {@code ${NAME}} from {@code environment}.
     *
     * @param file the YAML file
     * @param environment the values of the variables
     * @return the catalog
     * @throws CatalogException naming file, line and entry for anything wrong in it
     */
    public static Catalog load(Path file, Map<String, String> environment) {
        CatalogReader.Contents contents = CatalogReader.read(file, environment);
        Builder builder = builder();
        contents.storage().forEach(builder::storage);
        for (CatalogReader.CredentialsReference reference : contents.storageCredentials().values()) {
            throw credentialsNeedAFolder(file, reference);
        }
        for (CatalogReader.DatasetEntry entry : contents.datasets()) {
            if (entry.credentials() != null) {
                throw credentialsNeedAFolder(file, entry.credentials());
            }
            if (entry.partitions() != null) {
                builder.addPartitioned(entry.name(), entry.type(), entry.location(), entry.options(),
                        entry.partitions().suffix(), entry.partitions().incremental(), null, Map.of());
            } else {
                builder.add(entry.name(), entry.type(), entry.location(), entry.options());
                if (entry.versioned()) {
                    builder.versioned(entry.name());
                }
            }
        }
        return builder.build();
    }

    private static CatalogException credentialsNeedAFolder(Path file, CatalogReader.CredentialsReference reference) {
        return new CatalogException(reference.where() + ": credentials '" + reference.name() + "' are named, but a single"
                + " catalog file has no credentials; lay out conf/base/catalog.yml and conf/local/credentials.yml and"
                + " read them with Conf.load(Path.of(\"" + (file.getParent() == null ? "conf" : file.getParent())
                + "\")), or write the options under storage", null);
    }

    /**
     * Starts a catalog in code.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The names of the catalog's datasets, sorted.
     *
     * @return the names
     */
    public Set<String> names() {
        return new TreeSet<>(entries.keySet());
    }

    /**
     * Tells whether the catalog has a dataset.
     *
     * @param name its name
     * @return {@code true} if it is in the catalog
     */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * A dataset with its catalog type's format: text as {@code String}, bytes as {@code byte[]}, json
     * as JSON values (maps, lists, strings, numbers), csv as rows of column-to-value maps, jsonl as a
     * list of JSON objects as maps; with the option {@code stream: true}, csv and jsonl as a
     * {@code Stream} of those rows.
     *
     * @param name its name
     * @return the dataset
     * @throws IllegalArgumentException naming the known datasets if there is none of that name
     */
    public Dataset<Object> dataset(String name) {
        Entry entry = whole(name);
        @SuppressWarnings("unchecked")
        Format<Object> format = (Format<Object>) entry.format();
        return dataset(entry, format);
    }

    /** The dataset of an entry, versioned (and pinned) as the entry says. */
    private <T> Dataset<T> dataset(Entry entry, Format<T> format) {
        Dataset<T> dataset = Dataset.of(entry.name(), entry.location(), format, storages.get(entry.storage()));
        if (entry.versioned()) {
            dataset = dataset.versioned();
        }
        return entry.loadVersion() == null ? dataset : dataset.withLoadVersion(entry.loadVersion());
    }

    /**
     * A dataset read and written with {@code format}, which must be of the catalog's type (for
     * example {@code Format.csv(Company.class)} for a {@code csv} entry).
     *
     * @param name its name
     * @param format the format, of the entry's type
     * @param <T> the type of its data
     * @return the dataset
     * @throws IllegalArgumentException if there is no such dataset, or the format is of another type
     */
    public <T> Dataset<T> dataset(String name, Format<T> format) {
        Entry entry = whole(name);
        checkType(entry, format);
        return dataset(entry, format);
    }

    /**
     * Tells whether a dataset is versioned ({@code versioned: true}, or
     * {@link Builder#versioned(String)}): each save writes a new version, and a load reads the
     * latest, or the one pinned with {@link #withLoadVersion(String, String)}.
     *
     * @param name its name
     * @return {@code true} if it is a versioned dataset of the catalog
     */
    public boolean isVersioned(String name) {
        Entry entry = entries.get(name);
        return entry != null && entry.versioned();
    }

    /**
     * Returns a copy in which a versioned dataset loads one version rather than the latest (as
     * Kedro's {@code --load-versions}); a pipeline's run pins a version for itself with
     * {@link PipelineRun#withLoadVersion(String, String)}.
     *
     * @param name the dataset
     * @param version the version, such as {@code 2026-12-04T10.00.00.000Z}
     * @return the changed copy; loading that dataset fails, listing the versions there are, if the
     *     version does not exist
     * @throws IllegalArgumentException if there is no such dataset, it is not versioned, or the
     *     version is not written as a version is (the message gives an example)
     */
    public Catalog withLoadVersion(String name, String version) {
        Entry entry = entry(name);
        if (!entry.versioned()) {
            throw new IllegalArgumentException("dataset '" + name + "' is not versioned, so no version of it can be"
                    + " pinned; the versioned datasets are " + versionedNames() + ". Add versioned: true to its entry,"
                    + " or leave its version out");
        }
        Map<String, Entry> changed = new LinkedHashMap<>(entries);
        changed.put(name, entry.withVersions(true, Versions.check(name, version)));
        return new Catalog(Map.copyOf(changed), storages);
    }

    /** The names of the versioned datasets, sorted. */
    Set<String> versionedNames() {
        Set<String> names = new TreeSet<>();
        entries.values().stream().filter(Entry::versioned).forEach(entry -> names.add(entry.name()));
        return names;
    }

    /**
     * Tells whether a dataset is partitioned ({@code type: partitioned} or {@code incremental}).
     *
     * @param name its name
     * @return {@code true} if it is a partitioned dataset of the catalog
     */
    public boolean isPartitioned(String name) {
        Entry entry = entries.get(name);
        return entry != null && entry.parts() != null;
    }

    /**
     * A partitioned dataset, each partition read with its catalog type's format (see
     * {@link #dataset(String)}).
     *
     * @param name its name
     * @return the dataset
     * @throws IllegalArgumentException if there is no such dataset, or it is not partitioned
     */
    public PartitionedDataset<Object> partitioned(String name) {
        @SuppressWarnings("unchecked")
        Format<Object> format = (Format<Object>) partitionedEntry(name).format();
        return partitioned(name, format);
    }

    /**
     * A partitioned dataset whose partitions are read and written with {@code format}, of the type
     * its entry gives its partitions (for example {@code Format.csv(Company.class)} for
     * {@code dataset: {type: csv}}).
     *
     * @param name its name
     * @param format the format of one partition
     * @param <T> the type of one partition's data
     * @return the dataset
     * @throws IllegalArgumentException if there is no such dataset, it is not partitioned, or the
     *     format is of another type
     */
    public <T> PartitionedDataset<T> partitioned(String name, Format<T> format) {
        Entry entry = partitionedEntry(name);
        checkType(entry, format);
        Parts parts = Objects.requireNonNull(entry.parts());
        PartitionedDataset<T> dataset = PartitionedDataset.of(name, entry.location(), format,
                storages.get(entry.storage())).withSuffix(parts.suffix());
        return parts.incremental() ? dataset.incremental() : dataset;
    }

    /** Loads a dataset, whole or partitioned, as a pipeline does. */
    Object load(String name) {
        return isPartitioned(name) ? partitioned(name).load() : dataset(name).load();
    }

    /**
     * Saves a dataset, whole or partitioned (from a map of partitions), as a pipeline does; a
     * versioned one under {@code version}.
     */
    void save(String name, @Nullable Object value, String version) {
        if (isPartitioned(name)) {
            if (!(value instanceof Map<?, ?> map)) {
                throw new DatasetException(name, entry(name).location(), "dataset '" + name + "' is partitioned and is"
                        + " saved from a map of partition ids to data, but was given " + (value == null ? "null"
                        : "a " + value.getClass().getName()) + "; return a Map<String, ?> such as"
                        + " Map.of(\"2024-01-31\", rows)", new IllegalArgumentException(String.valueOf(value)), false);
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> partitions = (Map<String, ?>) map;
            partitioned(name).save(partitions);
        } else {
            Dataset<Object> dataset = dataset(name);
            (dataset.isVersioned() ? dataset.withSaveVersion(version) : dataset).save(value);
        }
    }

    /** Tells whether a dataset has data: an object, or for a partitioned one any partition. */
    boolean exists(String name) {
        return isPartitioned(name) ? partitioned(name).exists() : dataset(name).exists();
    }

    /**
     * Returns a copy in which a dataset is read and written with {@code format}, for example rows
     * as records with {@code Format.csv(Company.class)}; pipelines then hand nodes those values.
     *
     * @param name the dataset
     * @param format its format, of the dataset's type
     * @return the changed copy
     * @throws IllegalArgumentException if there is no such dataset, or the format is of another type
     */
    public Catalog withFormat(String name, Format<?> format) {
        Entry entry = entry(name);
        checkType(entry, format);
        Map<String, Entry> changed = new LinkedHashMap<>(entries);
        changed.put(name, entry.withFormat(format));
        return new Catalog(Map.copyOf(changed), storages);
    }

    private static void checkType(Entry entry, Format<?> format) {
        if (!format.name().equals(entry.type())) {
            throw new IllegalArgumentException("dataset '" + entry.name() + "' is of type " + entry.type()
                    + " in the catalog, but a " + format.name() + " format was given; use a " + entry.type()
                    + " format, or change its type in the catalog");
        }
    }

    /**
     * Returns a copy whose datasets of {@code scheme} use {@code storage} (those that name
     * credentials of their own too): for example a storage opened with options built in code, or
     * one wrapped to measure or slow it down.
     *
     * @param scheme the URI scheme
     * @param storage the storage, as an engine resource
     * @return the changed copy
     */
    public Catalog withStorage(String scheme, Resource<Storage> storage) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(storage, "storage");
        Map<String, Resource<Storage>> changed = new LinkedHashMap<>(storages);
        changed.put(scheme, storage);
        Map<String, Entry> moved = new LinkedHashMap<>();
        entries.forEach((name, entry) -> moved.put(name, entry.location().getScheme().equals(scheme)
                ? entry.withStorage(scheme) : entry));
        changed.keySet().removeIf(key -> !key.equals(scheme) && moved.values().stream().noneMatch(
                entry -> entry.storage().equals(key)));
        return new Catalog(Map.copyOf(moved), Map.copyOf(changed));
    }

    private Entry whole(String name) {
        Entry entry = entry(name);
        if (entry.parts() != null) {
            throw new IllegalArgumentException("dataset '" + name + "' is " + (entry.parts().incremental()
                    ? "incremental" : "partitioned") + ", a prefix of many objects; read it with"
                    + " catalog.partitioned(\"" + name + "\")");
        }
        return entry;
    }

    private Entry partitionedEntry(String name) {
        Entry entry = entry(name);
        if (entry.parts() == null) {
            throw new IllegalArgumentException("dataset '" + name + "' is a single " + entry.type() + " object, not"
                    + " partitioned; read it with catalog.dataset(\"" + name + "\"), or give it type: partitioned");
        }
        return entry;
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("the catalog has no dataset '" + name + "'; it has " + names()
                    + ". Add it to conf/catalog.yml, or check the spelling");
        }
        return entry;
    }

    @Override
    public String toString() {
        return "Catalog" + names();
    }

    /** Builds a catalog in code. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, String>> storageOptions = new LinkedHashMap<>();
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> credentialStorages = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the options of a storage scheme, such as {@code file} with {@code root}.
         *
         * @param scheme the URI scheme
         * @param options its options
         * @return this builder
         */
        public Builder storage(String scheme, Map<String, String> options) {
            storageOptions.put(Objects.requireNonNull(scheme, "scheme"), Map.copyOf(options));
            return this;
        }

        /**
         * Adds a dataset.
         *
         * @param name its name, unique in the catalog
         * @param type {@code text}, {@code bytes}, {@code json}, {@code csv}, or a type another module
         *     provides (see {@link io.loomflow.data.spi.FormatProvider})
         * @param location its URI
         * @return this builder
         * @throws IllegalArgumentException for a duplicate name or an unknown type
         */
        public Builder add(String name, String type, URI location) {
            return add(name, type, location, Map.of());
        }

        /**
         * Adds a dataset read and written with {@code format}, such as {@code Format.csv(Company.class)}.
         *
         * @param name its name, unique in the catalog
         * @param location its URI
         * @param format its format
         * @return this builder
         * @throws IllegalArgumentException for a duplicate name
         */
        public Builder add(String name, URI location, Format<?> format) {
            Objects.requireNonNull(format, () -> "dataset '" + name + "' needs a format");
            if (entries.putIfAbsent(name, new Entry(name, format.name(), Objects.requireNonNull(location, "location"),
                    format)) != null) {
                throw new IllegalArgumentException("the catalog already has a dataset '" + name + "'; give each"
                        + " dataset its own name");
            }
            return this;
        }

        /**
         * Adds a dataset with options for its format ({@code csv}: {@code separator}).
         *
         * @param name its name, unique in the catalog
         * @param type {@code text}, {@code bytes}, {@code json}, {@code csv}, or a type another module
         *     provides (see {@link io.loomflow.data.spi.FormatProvider})
         * @param location its URI
         * @param options the format's options
         * @return this builder
         * @throws IllegalArgumentException for a duplicate name, an unknown type or a wrong option
         */
        public Builder add(String name, String type, URI location, Map<String, String> options) {
            Format<?> format = CatalogReader.format(type, options);
            if (entries.putIfAbsent(name, new Entry(name, type, Objects.requireNonNull(location, "location"), format))
                    != null) {
                throw new IllegalArgumentException("the catalog already has a dataset '" + name + "'; give each"
                        + " dataset its own name");
            }
            return this;
        }

        /**
         * Adds a partitioned dataset: every object under {@code prefix} whose name ends with
         * {@code suffix} is a partition, read and written with {@code format} (see
         * {@link PartitionedDataset}).
         *
         * @param name its name, unique in the catalog
         * @param prefix the folder or prefix of its partitions
         * @param format the format of one partition
         * @param suffix the partitions' suffix, such as {@code .csv}; empty for every object
         * @param incremental whether it loads only the partitions after its checkpoint
         * @return this builder
         * @throws IllegalArgumentException for a duplicate name
         */
        public Builder addPartitioned(String name, URI prefix, Format<?> format, String suffix, boolean incremental) {
            return put(new Entry(name, format.name(), Objects.requireNonNull(prefix, "prefix"), format,
                    prefix.getScheme(), new Parts(Objects.requireNonNull(suffix, "suffix"), incremental)));
        }

        /** Adds a partitioned dataset of a catalog type, with a storage of its own if it names credentials. */
        Builder addPartitioned(String name, String type, URI prefix, Map<String, String> options, String suffix,
                               boolean incremental, @Nullable String credentials, Map<String, String> storageOptions) {
            Format<?> format = CatalogReader.format(type, options);
            String key = credentials == null ? prefix.getScheme() : prefix.getScheme() + " credentials " + credentials;
            put(new Entry(name, type, prefix, format, key, new Parts(suffix, incremental)));
            if (credentials != null) {
                credentialStorages.put(key, Map.copyOf(storageOptions));
            }
            return this;
        }

        /**
         * Makes a dataset added before versioned, as {@code versioned: true} does in a catalog file:
         * each save writes a new version {@code <uri>/<version>/<file name of uri>}, and a load reads
         * the latest (see {@link Dataset#versioned()}).
         *
         * @param name the dataset, added before
         * @return this builder
         * @throws IllegalArgumentException if no dataset of that name was added, or it cannot be
         *     versioned, saying why: a partitioned one (each partition is an object of its own), one
         *     whose format reads and writes it itself (a SQL table), or one whose location ends with
         *     {@code /}
         */
        public Builder versioned(String name) {
            Entry entry = entries.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("the catalog has no dataset '" + name + "' to make versioned; add"
                        + " it first, then call versioned(\"" + name + "\")");
            }
            if (entry.parts() != null) {
                throw new IllegalArgumentException(Versions.partitionedRefusal(name, entry.parts().incremental()
                        ? "incremental" : "partitioned"));
            }
            String refusal = Versions.refusal(name, entry.format(), entry.location());
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            entries.put(name, entry.withVersions(true, null));
            return this;
        }

        private Builder put(Entry entry) {
            if (entries.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalArgumentException("the catalog already has a dataset '" + entry.name() + "'; give each"
                        + " dataset its own name");
            }
            return this;
        }

        /**
         * Adds a dataset with a storage of its own, opened with {@code storageOptions} (its scheme's
         * options and those of its credentials): datasets that name the same credentials share it.
         */
        Builder addWithStorage(String name, String type, URI location, Map<String, String> options, String credentials,
                               Map<String, String> storageOptions) {
            Format<?> format = CatalogReader.format(type, options);
            String key = location.getScheme() + " credentials " + credentials;
            if (entries.putIfAbsent(name, new Entry(name, type, location, format, key, null)) != null) {
                throw new IllegalArgumentException("the catalog already has a dataset '" + name + "'; give each"
                        + " dataset its own name");
            }
            credentialStorages.put(key, Map.copyOf(storageOptions));
            return this;
        }

        /**
         * Builds the catalog; checks that a storage serves every dataset's scheme.
         *
         * @return the catalog
         */
        public Catalog build() {
            Map<String, Resource<Storage>> storages = new LinkedHashMap<>();
            for (Entry entry : entries.values()) {
                String scheme = entry.location().getScheme();
                Map<String, String> options = entry.storage().equals(scheme)
                        ? storageOptions.getOrDefault(scheme, Map.of()) : credentialStorages.get(entry.storage());
                storages.computeIfAbsent(entry.storage(), key -> key.equals(scheme)
                        ? Storages.resource(new StorageOptions(scheme, options))
                        : Storages.resource(new StorageOptions(scheme, options), key.substring(scheme.length() + 1)));
            }
            return new Catalog(Map.copyOf(entries), Map.copyOf(storages));
        }
    }
}
