package io.loomflow.data.internal;

import io.loomflow.data.CatalogException;
import io.loomflow.data.Format;
import io.loomflow.data.Storages;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads {@code catalog.yml} with SnakeYAML's node API (through {@link YamlFile}, which bounds what
 * the file may hold), which keeps the position of every key and value, so that each error names the
 * file, line, column and entry.
 */
public final class CatalogReader {

    /** The dataset types and their default formats. */
    private static final Map<String, Format<?>> TYPES = types();
    private static final Set<String> SECTIONS = Set.of("storage", "datasets");
    private static final Set<String> DATASET_FIELDS = Set.of("type", "uri", "options", "credentials", "path",
            "dataset", "suffix", "versioned");
    /** The fields only a partitioned dataset has. */
    private static final Set<String> PARTITION_FIELDS = Set.of("path", "dataset", "suffix");
    /** The types of a folder or prefix of many objects. */
    private static final Set<String> PARTITIONED = Set.of("partitioned", "incremental");
    /** The field of a dataset, and the option of a storage, that names an entry of credentials.yml. */
    public static final String CREDENTIALS = "credentials";

    /**
     * A reference to an entry of {@code credentials.yml}.
     *
     * @param name the entry's name
     * @param where {@code file:line:column} of the reference
     */
    public record CredentialsReference(String name, String where) {
    }

    /**
     * One dataset entry.
     *
     * @param name its name
     * @param type its type
     * @param location its URI
     * @param options its format's options
     * @param credentials the credentials it names, or {@code null}
     * @param where {@code file:line:column} of its name
     * @param partitions how its partitions are picked, {@code null} for a dataset of one object
     * @param versioned whether each save writes a new version ({@code versioned: true})
     */
    public record DatasetEntry(String name, String type, URI location, Map<String, String> options,
                               @Nullable CredentialsReference credentials, String where,
                               @Nullable Partitioning partitions, boolean versioned) {
    }

    /**
     * How a partitioned dataset ({@code type: partitioned} or {@code incremental}) picks its objects;
     * its entry's type and options are then those of one partition ({@code dataset:}).
     *
     * @param suffix the partitions' suffix, empty for every object
     * @param incremental whether only partitions after the checkpoint are loaded
     */
    public record Partitioning(String suffix, boolean incremental) {
    }

    /**
     * What a catalog file holds.
     *
     * @param file the file
     * @param storage the options of each storage scheme
     * @param storageCredentials the credentials each storage scheme names, if any
     * @param storageWhere {@code file:line:column} of each storage scheme
     * @param datasets the datasets, in file order
     */
    public record Contents(Path file, Map<String, Map<String, String>> storage,
                           Map<String, CredentialsReference> storageCredentials, Map<String, String> storageWhere,
                           List<DatasetEntry> datasets) {
    }

    private final Path file;
    private final Interpolation interpolation;

    private CatalogReader(Path file, Interpolation interpolation) {
        this.file = file;
        this.interpolation = interpolation;
    }

    private static Map<String, Format<?>> types() {
        Map<String, Format<?>> types = new LinkedHashMap<>();
        types.put("text", Format.text());
        types.put("bytes", Format.bytes());
        types.put("json", Format.json(Object.class));
        types.put("csv", Format.csv());
        types.put("jsonl", Format.jsonLines(Map.class));
        return types;
    }

    /**
     * The default format of a dataset type.
     *
     * @param type a type name
     * @return its format
     * @throws IllegalArgumentException naming the known types if it is not one
     */
    public static Format<?> defaultFormat(String type) {
        return format(type, Map.of());
    }

    /**
     * The format of a dataset type with its options: {@code csv} takes {@code separator} (one
     * character) and {@code stream}, {@code jsonl} takes {@code stream} ({@code true}: records as a
     * lazy stream, see {@link Format#streaming()}); the other types take none.
     *
     * @param type a type name
     * @param options the dataset's options
     * @return its format
     * @throws IllegalArgumentException naming the known types, or the option and what to give
     */
    public static Format<?> format(String type, Map<String, String> options) {
        Format<?> format = TYPES.get(type);
        if (format == null) {
            // Types of other modules (spi.FormatProvider), such as parquet; they check their own options.
            return FormatProviders.find(type).<Format<?>>map(provider -> provider.format(options)).orElseThrow(() ->
                    new IllegalArgumentException("unknown dataset type '" + type + "'; use one of " + knownTypes()));
        }
        Set<String> known = switch (type) {
            case "csv" -> Set.of("separator", "stream");
            case "jsonl" -> Set.of("stream");
            default -> Set.of();
        };
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (!known.contains(option.getKey())) {
                throw new IllegalArgumentException("unknown option '" + option.getKey() + "' for type " + type + "; "
                        + (known.isEmpty() ? type + " takes no options" : type + " takes the options "
                        + String.join(", ", new java.util.TreeSet<>(known))));
            }
            if (option.getKey().equals("separator") && option.getValue().length() != 1) {
                throw new IllegalArgumentException("option separator was '" + option.getValue() + "'; give one"
                        + " character, such as ';' or \"\\t\" for a tab");
            }
            if (option.getKey().equals("stream") && !Set.of("true", "false").contains(option.getValue())) {
                throw new IllegalArgumentException("option stream was '" + option.getValue() + "'; give true (records"
                        + " as a stream, read and written as they go) or false");
            }
        }
        boolean stream = Boolean.parseBoolean(options.get("stream"));
        char separator = options.getOrDefault("separator", ",").charAt(0);
        return switch (type) {
            case "csv" -> stream ? Formats.csvMapStream(separator) : options.containsKey("separator")
                    ? Formats.csvMaps(separator) : format;
            case "jsonl" -> stream ? Format.jsonLinesStream(Map.class) : format;
            default -> format;
        };
    }

    /** The built-in types, then those of other modules (parquet needs loomflow-parquet). */
    private static String knownTypes() {
        List<String> types = new ArrayList<>(TYPES.keySet());
        types.addAll(FormatProviders.types());
        return String.join(", ", types) + (types.contains("parquet") ? "" : " (parquet needs the loomflow-parquet module"
                + " on the class path)");
    }

    /**
     * Reads a catalog file.
     *
     * @param file the file
     * @param environment the values of {@code ${NAME}} variables
     * @return its contents
     * @throws CatalogException for anything wrong, naming file and line
     */
    public static Contents read(Path file, Map<String, String> environment) {
        return new CatalogReader(file, Interpolation.environmentOnly(environment)).read();
    }

    /**
     * Reads a catalog file of a configuration folder.
     *
     * @param file the file
     * @param interpolation what {@code ${...}} references stand for
     * @return its contents
     * @throws CatalogException for anything wrong, naming file and line
     */
    public static Contents read(Path file, Interpolation interpolation) {
        return new CatalogReader(file, interpolation).read();
    }

    private Contents read() {
        Node root = YamlFile.compose(file, "catalog file", "create it (see the catalog's documentation for its"
                + " sections) or give the right path");
        Map<String, Map<String, String>> storage = new LinkedHashMap<>();
        Map<String, CredentialsReference> storageCredentials = new LinkedHashMap<>();
        Map<String, String> storageWhere = new LinkedHashMap<>();
        List<DatasetEntry> datasets = new ArrayList<>();
        if (root == null) {
            return new Contents(file, storage, storageCredentials, storageWhere, datasets);
        }
        for (NodeTuple section : mapping(root, "the catalog").getValue()) {
            String name = scalar(section.getKeyNode(), "a section name");
            switch (name) {
                case "storage" -> readStorage(section.getValueNode(), storage, storageCredentials, storageWhere);
                case "datasets" -> readDatasets(section.getValueNode(), datasets);
                default -> throw error(section.getKeyNode(), "unknown section '" + name + "'; a catalog has the"
                        + " sections " + String.join(" and ", new java.util.TreeSet<>(SECTIONS)));
            }
        }
        return new Contents(file, storage, storageCredentials, storageWhere, datasets);
    }

    private void readStorage(Node node, Map<String, Map<String, String>> storage,
                             Map<String, CredentialsReference> storageCredentials, Map<String, String> storageWhere) {
        for (NodeTuple scheme : mapping(node, "the storage section").getValue()) {
            String name = scalar(scheme.getKeyNode(), "a URI scheme");
            Map<String, String> options = new LinkedHashMap<>();
            for (NodeTuple option : mapping(scheme.getValueNode(), "the options of storage '" + name + "'").getValue()) {
                String key = scalar(option.getKeyNode(), "an option name");
                if (key.equals("password") && !scalar(option.getValueNode(), "a value").matches("\\$\\{[^}]+}")) {
                    // The value is not quoted: it is the secret.
                    throw error(option.getValueNode(), "storage '" + name + "': a catalog file never holds a password;"
                            + " move it to credentials.yml (conf/local, kept out of git) and write credentials: NAME"
                            + " here, or give it from the environment as password: ${DB_PASSWORD}");
                }
                String value = substitute(option.getValueNode(), "storage '" + name + "'");
                if (key.equals(CREDENTIALS)) {
                    storageCredentials.put(name, new CredentialsReference(value, where(option.getValueNode())));
                } else {
                    options.put(key, value);
                }
            }
            storage.put(name, options);
            storageWhere.put(name, where(scheme.getKeyNode()));
        }
    }

    private void readDatasets(Node node, List<DatasetEntry> datasets) {
        // A name given twice is refused by YamlFile, as every duplicate key is.
        for (NodeTuple dataset : mapping(node, "the datasets section").getValue()) {
            String name = scalar(dataset.getKeyNode(), "a dataset name");
            Map<String, NodeTuple> fields = new LinkedHashMap<>();
            for (NodeTuple field : mapping(dataset.getValueNode(), "dataset '" + name + "'").getValue()) {
                String key = scalar(field.getKeyNode(), "a field name");
                if (!DATASET_FIELDS.contains(key)) {
                    throw error(field.getKeyNode(), "dataset '" + name + "': unknown field '" + key + "'; a dataset has"
                            + " the fields type, uri, options, credentials and versioned (a partitioned one also"
                            + " dataset, suffix and path)");
                }
                fields.put(key, field);
            }
            String type = required(fields, "type", name, dataset, "csv");
            NodeTuple versionedField = fields.get("versioned");
            boolean versioned = versionedField != null && versioned(versionedField, name);
            if (versioned && PARTITIONED.contains(type)) {
                throw error(versionedField.getKeyNode(), Versions.partitionedRefusal(name, type));
            }
            if (PARTITIONED.contains(type)) {
                datasets.add(readPartitioned(name, type, fields, dataset));
                continue;
            }
            for (String partitionField : PARTITION_FIELDS) {
                if (fields.containsKey(partitionField)) {
                    throw error(fields.get(partitionField).getKeyNode(), "dataset '" + name + "': the field '"
                            + partitionField + "' is for a folder of many objects (type: partitioned or incremental);"
                            + (partitionField.equals("path") ? " write uri for a " + type + " dataset"
                            : " remove it, or change the type"));
                }
            }
            if (!TYPES.containsKey(type) && FormatProviders.find(type).isEmpty()) {
                throw error(fields.get("type").getValueNode(), "dataset '" + name + "': unknown type '" + type
                        + "'; use one of " + knownTypes() + ", or partitioned or incremental for a folder of many objects");
            }
            String uri = required(fields, "uri", name, dataset, "file:01_raw/" + name + ".csv");
            Map<String, String> options = new LinkedHashMap<>();
            NodeTuple optionsField = fields.get("options");
            if (optionsField != null) {
                for (NodeTuple option : mapping(optionsField.getValueNode(), "the options of dataset '" + name + "'")
                        .getValue()) {
                    options.put(scalar(option.getKeyNode(), "an option name"),
                            substitute(option.getValueNode(), "dataset '" + name + "'"));
                }
                try {
                    format(type, options);
                } catch (IllegalArgumentException wrong) {
                    throw error(optionsField.getValueNode(), "dataset '" + name + "': " + wrong.getMessage());
                }
            }
            NodeTuple credentialsField = fields.get(CREDENTIALS);
            CredentialsReference credentials = credentialsField == null ? null : new CredentialsReference(
                    substitute(credentialsField.getValueNode(), "dataset '" + name + "'"),
                    where(credentialsField.getValueNode()));
            URI location = location(uri, fields.get("uri").getValueNode(), name);
            if (versioned) {
                String refusal = Versions.refusal(name, format(type, options), location);
                if (refusal != null) {
                    throw error(versionedField.getKeyNode(), refusal);
                }
            }
            datasets.add(new DatasetEntry(name, type, location, options, credentials, where(dataset.getKeyNode()), null,
                    versioned));
        }
    }

    /** The value of a {@code versioned} field: true or false. */
    private boolean versioned(NodeTuple field, String dataset) {
        String value = substitute(field.getValueNode(), "dataset '" + dataset + "'");
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(field.getValueNode(), "dataset '" + dataset + "': versioned was '" + value + "'; give"
                    + " true (each save writes a new version, and a load reads the latest) or false");
        };
    }

    /**
     * A partitioned entry: its prefix ({@code uri}, or {@code path} as Kedro spells it), the type and
     * options of one partition ({@code dataset: csv} or {@code dataset: {type: csv, options: ...}}),
     * and the {@code suffix} of the partitions' names.
     */
    private DatasetEntry readPartitioned(String name, String type, Map<String, NodeTuple> fields, NodeTuple dataset) {
        String entry = "dataset '" + name + "'";
        if (fields.containsKey("options")) {
            throw error(fields.get("options").getKeyNode(), entry + ": a " + type + " dataset has no options of its own;"
                    + " give the partitions' options under dataset, as dataset: {type: csv, options: {separator: \";\"}}");
        }
        if (fields.containsKey("uri") && fields.containsKey("path")) {
            throw error(fields.get("path").getKeyNode(), entry + " has both uri and path; give its prefix once");
        }
        String prefixField = fields.containsKey("path") ? "path" : "uri";
        String prefix = required(fields, prefixField, name, dataset, "file:01_raw/" + name + "/");
        NodeTuple underlying = fields.get("dataset");
        if (underlying == null) {
            throw error(dataset.getKeyNode(), entry + " is " + type + " but does not say what its partitions are; add,"
                    + " for example, dataset: {type: csv}");
        }
        String partitionType;
        Map<String, String> options = new LinkedHashMap<>();
        Node node = underlying.getValueNode();
        Node typeNode = node;
        if (node instanceof ScalarNode) {
            partitionType = substitute(node, entry);
        } else {
            Node optionsNode = null;
            typeNode = null;
            for (NodeTuple field : mapping(node, "the dataset of " + entry).getValue()) {
                String key = scalar(field.getKeyNode(), "a field name");
                switch (key) {
                    case "type" -> typeNode = field.getValueNode();
                    case "options" -> optionsNode = field.getValueNode();
                    default -> throw error(field.getKeyNode(), entry + ": unknown field '" + key + "' in its dataset;"
                            + " the partitions' dataset has the fields type and options (the location is the " + type
                            + " dataset's " + prefixField + ")");
                }
            }
            if (typeNode == null) {
                throw error(node, entry + ": its dataset has no type; add, for example, type: csv");
            }
            partitionType = substitute(typeNode, entry);
            if (optionsNode != null) {
                for (NodeTuple option : mapping(optionsNode, "the options of the dataset of " + entry).getValue()) {
                    options.put(scalar(option.getKeyNode(), "an option name"), substitute(option.getValueNode(), entry));
                }
            }
        }
        if (PARTITIONED.contains(partitionType)) {
            throw error(typeNode, entry + ": the partitions of a " + type + " dataset cannot be " + partitionType
                    + "; give the type of one object, such as csv, json or parquet");
        }
        Object partitionFormat;
        try {
            partitionFormat = format(partitionType, options);
        } catch (IllegalArgumentException wrong) {
            throw error(typeNode, entry + ": " + wrong.getMessage());
        }
        if (partitionFormat instanceof io.loomflow.data.spi.DirectFormat<?>) {
            throw error(typeNode, entry + ": the partitions of a " + type + " dataset are objects under a prefix, and a "
                    + partitionType + " dataset is not an object; give the type of one object, such as csv, json or"
                    + " parquet");
        }
        String suffix = fields.containsKey("suffix") ? substitute(fields.get("suffix").getValueNode(), entry) : "";
        NodeTuple credentialsField = fields.get(CREDENTIALS);
        CredentialsReference credentials = credentialsField == null ? null : new CredentialsReference(
                substitute(credentialsField.getValueNode(), entry), where(credentialsField.getValueNode()));
        return new DatasetEntry(name, partitionType, location(prefix, fields.get(prefixField).getValueNode(), name),
                options, credentials, where(dataset.getKeyNode()), new Partitioning(suffix, type.equals("incremental")),
                false);
    }

    private String required(Map<String, NodeTuple> fields, String field, String dataset, NodeTuple entry,
                            String example) {
        NodeTuple present = fields.get(field);
        if (present == null) {
            throw error(entry.getKeyNode(), "dataset '" + dataset + "' has no " + field + "; add, for example, "
                    + field + ": " + example);
        }
        return substitute(present.getValueNode(), "dataset '" + dataset + "'");
    }

    private URI location(String text, Node node, String dataset) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException bad) {
            throw error(node, "dataset '" + dataset + "': uri '" + text + "' is not a valid URI (" + bad.getReason()
                    + "); write it as file:data/x.csv, az://container/path or s3://bucket/key");
        }
        if (uri.getScheme() == null) {
            throw error(node, "dataset '" + dataset + "': uri '" + text + "' has no scheme; write it as file:" + text
                    + ", or az://container/path or s3://bucket/key");
        }
        checkScheme(uri.getScheme(), node, "dataset '" + dataset + "': uri '" + text + "': ");
        return uri;
    }

    private void checkScheme(String scheme, Node node, String entry) {
        try {
            Storages.provider(scheme);
        } catch (IllegalArgumentException unknown) {
            throw error(node, entry + unknown.getMessage());
        }
    }

    private String substitute(Node node, String entry) {
        return interpolation.resolve(scalar(node, "a value"), where(node) + ": " + entry, true);
    }

    private String where(Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1) + ":" + (node.getStartMark().getColumn() + 1);
    }

    private MappingNode mapping(Node node, String what) {
        if (node instanceof MappingNode mapping) {
            return mapping;
        }
        throw error(node, what + " must be a mapping of names to values (key: value lines)");
    }

    private String scalar(Node node, String what) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        throw error(node, "expected " + what + " here, as a single value, not a list or mapping");
    }

    private CatalogException error(Node node, String message) {
        return new CatalogException(where(node) + ": " + message, null);
    }
}
