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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Set<String> DATASET_FIELDS = Set.of("type", "uri", "options");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** One dataset entry. */
    public record DatasetEntry(String name, String type, URI location, Map<String, String> options) {
    }

    /** What a catalog file holds. */
    public record Contents(Map<String, Map<String, String>> storage, List<DatasetEntry> datasets) {
    }

    private final Path file;
    private final Map<String, String> environment;

    private CatalogReader(Path file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    private static Map<String, Format<?>> types() {
        Map<String, Format<?>> types = new LinkedHashMap<>();
        types.put("text", Format.text());
        types.put("bytes", Format.bytes());
        types.put("json", Format.json(Object.class));
        types.put("csv", Format.csv());
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
     * character); the other types take none.
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
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (!type.equals("csv") || !option.getKey().equals("separator")) {
                throw new IllegalArgumentException("unknown option '" + option.getKey() + "' for type " + type + "; "
                        + (type.equals("csv") ? "csv takes the option separator" : type + " takes no options"));
            }
            if (option.getValue().length() != 1) {
                throw new IllegalArgumentException("option separator was '" + option.getValue() + "'; give one"
                        + " character, such as ';' or \"\\t\" for a tab");
            }
        }
        return options.containsKey("separator") ? Formats.csvMaps(options.get("separator").charAt(0)) : format;
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
        return new CatalogReader(file, environment).read();
    }

    private Contents read() {
        Node root = YamlFile.compose(file, "catalog file", "create it (see the catalog's documentation for its"
                + " sections) or give the right path");
        Map<String, Map<String, String>> storage = new LinkedHashMap<>();
        List<DatasetEntry> datasets = new ArrayList<>();
        if (root == null) {
            return new Contents(storage, datasets);
        }
        for (NodeTuple section : mapping(root, "the catalog").getValue()) {
            String name = scalar(section.getKeyNode(), "a section name");
            switch (name) {
                case "storage" -> readStorage(section.getValueNode(), storage);
                case "datasets" -> readDatasets(section.getValueNode(), datasets);
                default -> throw error(section.getKeyNode(), "unknown section '" + name + "'; a catalog has the"
                        + " sections " + String.join(" and ", new java.util.TreeSet<>(SECTIONS)));
            }
        }
        return new Contents(storage, datasets);
    }

    private void readStorage(Node node, Map<String, Map<String, String>> storage) {
        for (NodeTuple scheme : mapping(node, "the storage section").getValue()) {
            String name = scalar(scheme.getKeyNode(), "a URI scheme");
            Map<String, String> options = new LinkedHashMap<>();
            for (NodeTuple option : mapping(scheme.getValueNode(), "the options of storage '" + name + "'").getValue()) {
                String key = scalar(option.getKeyNode(), "an option name");
                options.put(key, substitute(option.getValueNode(), "storage '" + name + "'"));
            }
            storage.put(name, options);
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
                            + " the fields type, uri and options");
                }
                fields.put(key, field);
            }
            String type = required(fields, "type", name, dataset, "csv");
            if (!TYPES.containsKey(type) && FormatProviders.find(type).isEmpty()) {
                throw error(fields.get("type").getValueNode(), "dataset '" + name + "': unknown type '" + type
                        + "'; use one of " + knownTypes());
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
            datasets.add(new DatasetEntry(name, type, location(uri, fields.get("uri").getValueNode(), name), options));
        }
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
        String value = scalar(node, "a value");
        Matcher variables = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (variables.find()) {
            String name = variables.group(1);
            String replacement = environment.get(name);
            if (replacement == null) {
                throw error(node, entry + ": ${" + name + "} is not defined in the environment; set " + name
                        + " before running, or write the value itself");
            }
            variables.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        variables.appendTail(out);
        return out.toString();
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
        return new CatalogException(file + ":" + (node.getStartMark().getLine() + 1) + ":"
                + (node.getStartMark().getColumn() + 1) + ": " + message, null);
    }
}
