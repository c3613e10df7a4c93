package io.loomflow.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Parameters for pipelines, read from YAML ({@code conf/parameters.yml}) and read by nodes as
 * {@code params:NAME} inputs. Nested keys are also reachable by their dotted path:
 * <pre>
 * test_size: 0.2
 * model_options:
 *   features: [engines, passenger_capacity]   # params:model_options.features
 * </pre>
 * Stateless; the returned maps are immutable.
 */
public final class Parameters {

    private Parameters() {
    }

    /**
     * Reads a parameters file.
     *
     * @param file the YAML file
     * @return every top-level key and every dotted path to a nested value, with its value
     * @throws CatalogException naming the file and line of a YAML error, or a file that is not a
     *     mapping of names to values
     */
    public static Map<String, Object> load(Path file) {
        Object document;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (NoSuchFileException absent) {
            throw new CatalogException("parameters file " + file + " does not exist; create it, or give the right path",
                    absent);
        } catch (IOException unreadable) {
            throw new CatalogException("parameters file " + file + " cannot be read: " + unreadable.getMessage(),
                    unreadable);
        } catch (MarkedYAMLException syntax) {
            int line = syntax.getProblemMark() == null ? 0 : syntax.getProblemMark().getLine() + 1;
            throw new CatalogException(file + ":" + line + ": not valid YAML: " + syntax.getProblem(), syntax);
        }
        if (document == null) {
            return Map.of();
        }
        if (!(document instanceof Map<?, ?> top)) {
            throw new CatalogException(file + ":1: parameters must be a mapping of names to values (key: value lines)",
                    null);
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", top, flat);
        return java.util.Collections.unmodifiableMap(flat);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            into.put(key, entry.getValue());
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, into);
            }
        }
    }
}
