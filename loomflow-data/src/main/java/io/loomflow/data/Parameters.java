package io.loomflow.data;

import io.loomflow.data.internal.YamlFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
     * @throws CatalogException naming the file, line and column of a YAML error, a duplicate key, an
     *     alias that refers to itself or expands past the limits (see the module's README), or a file
     *     that is not a mapping of names to values
     */
    public static Map<String, Object> load(Path file) {
        Object document = YamlFile.load(file, "parameters file", "create it, or give the right path");
        if (document == null) {
            return Map.of();
        }
        if (!(document instanceof Map<?, ?> top)) {
            throw new CatalogException(file + ":1:1: parameters must be a mapping of names to values (key: value lines)",
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
