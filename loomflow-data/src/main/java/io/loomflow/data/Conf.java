package io.loomflow.data;

import io.loomflow.data.internal.CatalogReader;
import io.loomflow.data.internal.Interpolation;
import io.loomflow.data.internal.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A configuration folder as Kedro lays it out: {@code conf/base} for what every environment
 * shares, overlaid by {@code conf/<environment>} ({@code conf/local} unless another is chosen),
 * each holding {@code catalog*.yml}, {@code parameters*.yml}, {@code credentials*.yml} and
 * {@code globals*.yml}:
 * <pre>
 * conf/base/catalog.yml        datasets:
 *                                companies: { type: csv, uri: "az://raw/companies.csv", credentials: lake }
 * conf/base/globals.yml        bucket: raw-data
 * conf/local/credentials.yml   lake: { sasToken: "${AZURE_SAS_TOKEN}" }    # git-ignored
 * </pre>
 * How the layers combine, as Kedro's {@code OmegaConfigLoader} does by default: a dataset, a
 * storage scheme, a credentials entry or a global given in the environment replaces the one of the
 * same name in {@code base} whole. Parameters are merged key by key, to any depth (Kedro's
 * {@code "soft"} merge strategy), so an environment overrides one nested value without repeating
 * its neighbours. Within one folder, a name given in two files is an error naming both.
 *
 * <p>References: {@code ${NAME}} and {@code ${oc.env:NAME}} are environment variables (in the
 * catalog, credentials and globals), {@code ${globals:key}} a value of the globals (anywhere). A
 * dataset or storage names its credentials with {@code credentials: NAME}; the entry's options are
 * added to the storage's. Credentials are never shown: not by {@link #toString}, nor in any
 * message, and a syntax error in a credentials file quotes none of it. Immutable and thread-safe.
 */
public final class Conf {

    /** The environment used when none is chosen, as in Kedro. */
    public static final String DEFAULT_ENVIRONMENT = "local";

    /** The environment variable that chooses the environment, as {@code KEDRO_ENV} does for Kedro. */
    public static final String ENVIRONMENT_VARIABLE = "LOOMFLOW_ENV";

    private final Path folder;
    private final String environment;
    private final Catalog catalog;
    private final Map<String, Object> parameters;
    private final Set<String> credentialNames;
    private final List<Path> files;
    private final List<Path> layers;
    private final Interpolation interpolation;

    private Conf(Path folder, String environment, Catalog catalog, Map<String, Object> parameters,
                 Set<String> credentialNames, List<Path> files, List<Path> layers, Interpolation interpolation) {
        this.folder = folder;
        this.layers = layers;
        this.interpolation = interpolation;
        this.environment = environment;
        this.catalog = catalog;
        this.parameters = parameters;
        this.credentialNames = credentialNames;
        this.files = files;
    }

    /**
     * Reads a configuration folder in the environment named by {@code LOOMFLOW_ENV}, or
     * {@code local}.
     *
     * @param folder the folder that holds {@code base}, usually {@code conf}
     * @return the configuration
     * @throws CatalogException naming file, line and entry for anything wrong
     */
    public static Conf load(Path folder) {
        Map<String, String> variables = System.getenv();
        String chosen = variables.get(ENVIRONMENT_VARIABLE);
        return load(folder, chosen == null || chosen.isBlank() ? DEFAULT_ENVIRONMENT : chosen.strip(), variables);
    }

    /**
     * Reads a configuration folder in an environment, with the process's environment variables.
     *
     * @param folder the folder that holds {@code base}, usually {@code conf}
     * @param environment the environment's folder name, such as {@code local} or {@code prod}
     * @return the configuration
     * @throws CatalogException naming file, line and entry for anything wrong
     */
    public static Conf load(Path folder, String environment) {
        return load(folder, environment, System.getenv());
    }

    /**
     * Reads a configuration folder in an environment.
     *
     * @param folder the folder that holds {@code base}, usually {@code conf}
     * @param environment the environment's folder name; {@code local} may be absent (it is
     *     git-ignored, so a fresh clone has none), any other must exist
     * @param variables the values of {@code ${NAME}} references
     * @return the configuration
     * @throws CatalogException naming file, line and entry for anything wrong
     */
    public static Conf load(Path folder, String environment, Map<String, String> variables) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(variables, "variables");
        if (environment == null || environment.isBlank() || environment.contains("/") || environment.contains("\\")
                || environment.equals("..") || environment.equals(".")) {
            throw new CatalogException("environment '" + environment + "' is not a folder name; give the name of a"
                    + " folder of " + folder + ", such as local or prod", null);
        }
        Path base = folder.resolve("base");
        if (!Files.isDirectory(base)) {
            throw new CatalogException("configuration folder " + folder + " has no base folder (" + base + "); create"
                    + " it with catalog.yml in it, or give the folder that holds base", null);
        }
        Path env = folder.resolve(environment);
        if (environment.equals("base")) {
            throw new CatalogException("environment 'base' is the shared layer, not an environment; choose another,"
                    + " such as local", null);
        }
        if (!Files.isDirectory(env) && !environment.equals(DEFAULT_ENVIRONMENT)) {
            throw new CatalogException("environment '" + environment + "' has no folder " + env + "; the environments of "
                    + folder + " are " + environments(folder) + "; create it, or choose one of these", null);
        }
        List<Path> layers = Files.isDirectory(env) ? List.of(base, env) : List.of(base);
        List<Path> read = new ArrayList<>();

        // globals first: the other files refer to them
        Map<String, Object> globals = new LinkedHashMap<>();
        List<Path> globalsFiles = new ArrayList<>();
        for (Path layer : layers) {
            Map<String, Object> layerGlobals = new LinkedHashMap<>();
            Map<String, Path> from = new LinkedHashMap<>();
            for (Path file : files(layer, "globals")) {
                Node root = YamlFile.compose(file, "globals file", "create it");
                for (Map.Entry<String, Object> entry : topLevel(file, root, "globals", false).entrySet()) {
                    once(from, entry.getKey(), file, "global");
                    layerGlobals.put(entry.getKey(), entry.getValue());
                }
                globalsFiles.add(file);
                read.add(file);
            }
            globals.putAll(layerGlobals);
        }
        Interpolation interpolation = new Interpolation(variables, globals,
                String.join(" and ", globalsFiles.stream().map(Path::toString).toList()));

        // credentials: names and options; values resolved, never shown
        Map<String, Map<String, String>> credentials = new LinkedHashMap<>();
        List<Path> credentialsFiles = new ArrayList<>();
        for (Path layer : layers) {
            Map<String, Path> from = new LinkedHashMap<>();
            Map<String, Map<String, String>> layerCredentials = new LinkedHashMap<>();
            for (Path file : files(layer, "credentials")) {
                for (Map.Entry<String, Map<String, String>> entry : credentials(file, interpolation).entrySet()) {
                    once(from, entry.getKey(), file, "credentials entry");
                    layerCredentials.put(entry.getKey(), entry.getValue());
                }
                credentialsFiles.add(file);
                read.add(file);
            }
            credentials.putAll(layerCredentials);
        }

        // the catalog: datasets and storage schemes, each replaced whole by the environment's
        Map<String, CatalogReader.DatasetEntry> datasets = new LinkedHashMap<>();
        Map<String, Map<String, String>> storage = new LinkedHashMap<>();
        Map<String, CatalogReader.CredentialsReference> storageCredentials = new LinkedHashMap<>();
        for (Path layer : layers) {
            Map<String, Path> datasetFrom = new LinkedHashMap<>();
            Map<String, Path> storageFrom = new LinkedHashMap<>();
            for (Path file : files(layer, "catalog")) {
                CatalogReader.Contents contents = CatalogReader.read(file, interpolation);
                for (CatalogReader.DatasetEntry entry : contents.datasets()) {
                    once(datasetFrom, entry.name(), file, "dataset");
                    datasets.remove(entry.name()); // the environment's entry comes in its own file's order
                    datasets.put(entry.name(), entry);
                }
                for (Map.Entry<String, Map<String, String>> scheme : contents.storage().entrySet()) {
                    once(storageFrom, scheme.getKey(), file, "storage scheme");
                    storage.put(scheme.getKey(), scheme.getValue());
                    storageCredentials.remove(scheme.getKey());
                    CatalogReader.CredentialsReference reference = contents.storageCredentials().get(scheme.getKey());
                    if (reference != null) {
                        storageCredentials.put(scheme.getKey(), reference);
                    }
                }
                read.add(file);
            }
        }
        if (datasets.isEmpty() && files(base, "catalog").isEmpty()) {
            throw new CatalogException("configuration folder " + base + " has no catalog.yml; create it with a"
                    + " datasets section", null);
        }
        String credentialsWhere = credentialsFiles.isEmpty() ? "there is no credentials.yml"
                : String.join(" and ", credentialsFiles.stream().map(Path::toString).toList()) + " do"
                + (credentialsFiles.size() == 1 ? "es" : "") + " not define it";
        Path credentialsHome = folder.resolve(DEFAULT_ENVIRONMENT).resolve("credentials.yml");

        Catalog.Builder builder = Catalog.builder();
        for (Map.Entry<String, Map<String, String>> scheme : storage.entrySet()) {
            Map<String, String> options = new LinkedHashMap<>(scheme.getValue());
            CatalogReader.CredentialsReference reference = storageCredentials.get(scheme.getKey());
            if (reference != null) {
                options = withCredentials(options, credentials, reference, "storage '" + scheme.getKey() + "'",
                        credentialsWhere, credentialsHome);
            }
            builder.storage(scheme.getKey(), options);
        }
        for (CatalogReader.DatasetEntry entry : datasets.values()) {
            if (entry.credentials() == null) {
                if (entry.partitions() != null) {
                    builder.addPartitioned(entry.name(), entry.type(), entry.location(), entry.options(),
                            entry.partitions().suffix(), entry.partitions().incremental(), null, Map.of());
                } else {
                    builder.add(entry.name(), entry.type(), entry.location(), entry.options());
                    if (entry.versioned()) {
                        builder.versioned(entry.name());
                    }
                }
                continue;
            }
            String scheme = entry.location().getScheme();
            Map<String, String> options = withCredentials(storage.getOrDefault(scheme, Map.of()), credentials,
                    entry.credentials(), "dataset '" + entry.name() + "'", credentialsWhere, credentialsHome);
            if (entry.partitions() != null) {
                builder.addPartitioned(entry.name(), entry.type(), entry.location(), entry.options(),
                        entry.partitions().suffix(), entry.partitions().incremental(), entry.credentials().name(),
                        options);
                continue;
            }
            builder.addWithStorage(entry.name(), entry.type(), entry.location(), entry.options(),
                    entry.credentials().name(), options);
            if (entry.versioned()) {
                builder.versioned(entry.name());
            }
        }
        Catalog catalog = builder.build();

        // parameters: merged key by key
        Map<String, @Nullable Object> parameters = new LinkedHashMap<>();
        for (Path layer : layers) {
            Map<String, Path> from = new LinkedHashMap<>();
            Map<String, @Nullable Object> layerParameters = new LinkedHashMap<>();
            for (Path file : files(layer, "parameters")) {
                for (Map.Entry<String, @Nullable Object> entry : Parameters.read(file, interpolation).entrySet()) {
                    once(from, entry.getKey(), file, "parameter");
                    layerParameters.put(entry.getKey(), entry.getValue());
                }
                read.add(file);
            }
            merge(parameters, layerParameters);
        }
        return new Conf(folder, environment, catalog, Parameters.flatten(parameters),
                Collections.unmodifiableSet(new TreeSet<>(credentials.keySet())), List.copyOf(read), layers, interpolation);
    }

    /** The catalog's options plus the credentials' ones; a name given in both is refused. */
    private static Map<String, String> withCredentials(Map<String, String> options,
                                                       Map<String, Map<String, String>> credentials,
                                                       CatalogReader.CredentialsReference reference, String entry,
                                                       String credentialsWhere, Path credentialsHome) {
        Map<String, String> secret = credentials.get(reference.name());
        if (secret == null) {
            throw new CatalogException(reference.where() + ": " + entry + " uses the credentials '" + reference.name()
                    + "', but " + credentialsWhere + "; add it to " + credentialsHome + " (kept out of git),"
                    + " as '" + reference.name() + ":' followed by its options, such as sasToken: ${AZURE_SAS_TOKEN}",
                    null);
        }
        Map<String, String> merged = new LinkedHashMap<>(options);
        for (Map.Entry<String, String> option : secret.entrySet()) {
            if (merged.putIfAbsent(option.getKey(), option.getValue()) != null) {
                throw new CatalogException(reference.where() + ": " + entry + " sets the option '" + option.getKey()
                        + "' in the catalog and in its credentials '" + reference.name() + "'; give it in one place",
                        null);
            }
        }
        return merged;
    }

    /** Deep merge: mappings merged key by key, anything else replaced. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, @Nullable Object> into, Map<String, @Nullable Object> layer) {
        for (Map.Entry<String, @Nullable Object> entry : layer.entrySet()) {
            Object old = into.get(entry.getKey());
            if (old instanceof Map<?, ?> oldMap && entry.getValue() instanceof Map<?, ?> newMap) {
                Map<String, @Nullable Object> merged = new LinkedHashMap<>((Map<String, @Nullable Object>) oldMap);
                merge(merged, (Map<String, @Nullable Object>) newMap);
                into.put(entry.getKey(), Collections.unmodifiableMap(merged));
            } else {
                into.put(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void once(Map<String, Path> from, String name, Path file, String what) {
        Path first = from.putIfAbsent(name, file);
        if (first != null) {
            throw new CatalogException(file + ": " + what + " '" + name + "' is also given in " + first + ", in the same"
                    + " folder; give it once per folder (a folder of an environment overrides base)", null);
        }
    }

    /** A credentials file: names to options, every value a text; nothing of it in any message. */
    private static Map<String, Map<String, String>> credentials(Path file, Interpolation interpolation) {
        Node root = YamlFile.compose(file, "credentials file", "create it", true);
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        if (root == null) {
            return entries;
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new CatalogException(position(file, root) + ": credentials must be a mapping of names to their"
                    + " options (name: then indented key: value lines)", null);
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new CatalogException(position(file, tuple.getKeyNode()) + ": a credentials name must be a single"
                        + " value", null);
            }
            if (!(tuple.getValueNode() instanceof MappingNode options)) {
                throw new CatalogException(position(file, tuple.getValueNode()) + ": credentials '" + key.getValue()
                        + "' must be a mapping of options, such as accountName: ... and sasToken: ...", null);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (NodeTuple option : options.getValue()) {
                if (!(option.getKeyNode() instanceof ScalarNode name) || !(option.getValueNode() instanceof ScalarNode value)) {
                    throw new CatalogException(position(file, option.getKeyNode()) + ": credentials '" + key.getValue()
                            + "': each option must be one name and one value (key: value)", null);
                }
                values.put(name.getValue(), interpolation.resolve(value.getValue(), position(file, value)
                        + ": credentials '" + key.getValue() + "', option '" + name.getValue() + "'", true));
            }
            entries.put(key.getValue(), Map.copyOf(values));
        }
        return entries;
    }

    /** The top-level keys of a file and their plain values, with {@code ${...}} resolved in texts. */
    private static Map<String, Object> topLevel(Path file, @Nullable Node root, String what, boolean secret) {
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof MappingNode) || !(YamlFile.value(file, root, secret) instanceof Map<?, ?> top)) {
            throw new CatalogException(position(file, root) + ": " + what + " must be a mapping of names to values"
                    + " (key: value lines)", null);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        top.forEach((key, value) -> values.put(String.valueOf(key), value));
        return values;
    }

    private static String position(Path file, Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1) + ":" + (node.getStartMark().getColumn() + 1);
    }

    /** The files of one kind in a folder: {@code kind.yml}, {@code kind_more.yml}, ..., by name. */
    private static List<Path> files(Path folder, String kind) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(Files::isRegularFile).filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(kind) && (name.endsWith(".yml") || name.endsWith(".yaml"));
            }).sorted().toList();
        } catch (IOException unreadable) {
            throw new CatalogException("configuration folder " + folder + " cannot be listed: " + unreadable.getMessage(),
                    unreadable);
        }
    }

    private static Set<String> environments(Path folder) {
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(Files::isDirectory).map(dir -> dir.getFileName().toString())
                    .filter(name -> !name.equals("base")).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException unreadable) {
            return Set.of();
        }
    }

    /**
     * Reads another YAML file kind of this configuration, such as {@code schedules}: the files
     * {@code NAME.yml} and {@code NAME*.yml} of {@code base}, then of the environment, each a mapping
     * of names to values. An entry given in the environment replaces the one of the same name in
     * {@code base} whole (as datasets do); a name given twice in one folder is an error naming both
     * files. Each value keeps its place, so the caller reports its own mistakes at their line with
     * {@link ConfValue#error}. The files are read when this is called, with the same limits and
     * checks as the catalog (size, encoding, duplicate keys, aliases) and the same {@code ${...}}
     * references.
     *
     * @param name the files' name, letters, digits and {@code _} only, such as {@code schedules}
     * @return the entries by name, in file order; empty when there is no such file
     * @throws CatalogException naming file, line and column of a syntax error, or a file that is
     *     not a mapping of names to values
     */
    public Map<String, ConfValue> entries(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new CatalogException("'" + name + "' is not a configuration file name; give one of letters, digits"
                    + " and _, such as schedules", null);
        }
        Map<String, ConfValue> entries = new LinkedHashMap<>();
        for (Path layer : layers) {
            Map<String, Path> from = new LinkedHashMap<>();
            for (Path file : files(layer, name)) {
                Node root = YamlFile.compose(file, name + " file", "create it");
                if (root == null) {
                    continue;
                }
                if (!(root instanceof MappingNode)) {
                    throw new CatalogException(position(file, root) + ": " + name + " must be a mapping of names to"
                            + " their entries (name: then indented key: value lines)", null);
                }
                ConfValue top = new ConfValue(file, root, root, interpolation);
                for (Map.Entry<String, ConfValue> entry : top.entries().entrySet()) {
                    once(from, entry.getKey(), file, name + " entry");
                    entries.remove(entry.getKey()); // the environment's entry comes in its own file's order
                    entries.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * The environment these were read in, such as {@code local}.
     *
     * @return its name
     */
    public String environment() {
        return environment;
    }

    /**
     * The catalog: {@code base}'s datasets and storage, with the environment's in their place.
     *
     * @return the catalog
     */
    public Catalog catalog() {
        return catalog;
    }

    /**
     * The parameters, merged key by key, as {@link Parameters#load} gives them: every top-level key
     * and every dotted path to a nested value.
     *
     * @return the parameters, immutable; a key given without a value has the value {@code null}
     */
    @NullUnmarked
    public Map<String, Object> parameters() {
        return parameters;
    }

    /**
     * The names of the credentials entries (never their values).
     *
     * @return the names, sorted
     */
    public Set<String> credentialNames() {
        return credentialNames;
    }

    /**
     * The files read, in the order they were read.
     *
     * @return the files
     */
    public List<Path> files() {
        return files;
    }

    /** The folder, the environment, the datasets and the names of the credentials; never their values. */
    @Override
    public String toString() {
        return "Conf[" + folder + ", environment " + environment + ", datasets " + catalog.names() + ", parameters "
                + new TreeSet<>(parameters.keySet()) + ", credentials " + credentialNames + " (values hidden)]";
    }
}
