package io.loomflow.internal.parameters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code NAME=VALUE} pairs (the command line's {@code --param}) into the JSON tree that
 * {@link Shape#bind} takes, with the values as text:
 * <ul>
 *   <li>a name is a component's name, or the same ignoring case, {@code -} and {@code _}
 *       ({@code fail-at} sets {@code failAt}); {@code a.b} sets part {@code b} of the nested record
 *       {@code a}, or the entry {@code b} of the map {@code a};</li>
 *   <li>a list, set or array takes comma-separated values, or the name repeated; an empty item
 *       ({@code 1,,2}) is a problem, not skipped;</li>
 *   <li>anything else is given once.</li>
 * </ul>
 */
public final class TextPairs {

    private TextPairs() {
    }

    /** The tree of the pairs that could be placed; the others added problems (binding the tree then adds its own). */
    public static Map<String, Object> tree(RecordShape shape, List<String> pairs, Problems problems) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0 || pair.substring(0, equals).isBlank()) {
                problems.add("", Problems.show(pair) + " is not of the form NAME=VALUE, such as name=World");
                continue;
            }
            String name = pair.substring(0, equals).strip();
            place(shape, tree, name, name.split("\\.", -1), 0, "", pair.substring(equals + 1), problems);
        }
        return tree;
    }

    @SuppressWarnings("unchecked")
    private static void place(RecordShape record, Map<String, Object> node, String name, String[] segments, int index,
                              String prefix, String value, Problems problems) {
        RecordShape.Component component = component(record, segments[index]);
        if (component == null) {
            List<String> valid = record.components().stream()
                    .map(c -> prefix + c.name() + " (" + c.expects() + ")").toList();
            problems.add(prefix + segments[index], record.unknown(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
                    segments[index], prefix, valid));
            return;
        }
        String path = prefix + component.name();
        Shape shape = component.shape() instanceof OptionalShape optional ? optional.inner() : component.shape();
        boolean last = index == segments.length - 1;
        switch (shape) {
            case RecordShape nested -> {
                if (last) {
                    problems.add(path, "is a group; give its parts (" + describe(nested, path + ".") + "), such as "
                            + path + "." + nested.components().getFirst().name() + "=VALUE");
                    return;
                }
                Object child = node.computeIfAbsent(component.name(), key -> new LinkedHashMap<String, Object>());
                place(nested, (Map<String, Object>) child, name, segments, index + 1, path + ".", value, problems);
            }
            case MapShape map -> {
                if (last) {
                    problems.add(path, "is a map; give its entries as " + path + ".KEY=VALUE");
                    return;
                }
                String key = String.join(".", Arrays.copyOfRange(segments, index + 1, segments.length));
                Map<String, Object> entries = (Map<String, Object>) node.computeIfAbsent(component.name(),
                        k -> new LinkedHashMap<String, Object>());
                if (entries.putIfAbsent(key, value) != null) {
                    problems.add(path + "." + key, twice(entries.get(key), value));
                }
            }
            case ListShape list when last -> {
                List<Object> items = (List<Object>) node.computeIfAbsent(component.name(), k -> new ArrayList<>());
                String[] parts = value.split(",", -1);
                for (int i = 0; i < parts.length; i++) {
                    String item = parts[i].strip();
                    if (item.isEmpty() && !(parts.length == 1 && list.element() instanceof Scalar text
                            && text.kind() == Scalar.Kind.STRING)) {
                        problems.add(path + "[" + items.size() + "]", "expected " + list.element().expects()
                                + ", got an empty value (item " + (i + 1) + " of " + Problems.show(value)
                                + "); remove the extra comma");
                        continue;
                    }
                    items.add(item);
                }
            }
            default -> {
                if (!last) {
                    problems.add(name, path + " has no parts, so '" + name + "' names nothing; give " + path + "=VALUE");
                    return;
                }
                Object earlier = node.putIfAbsent(component.name(), value);
                if (earlier != null) {
                    problems.add(path, twice(earlier, value));
                }
            }
        }
    }

    private static String twice(Object first, String second) {
        return "was given twice (" + Problems.show(first) + " and " + Problems.show(second) + "); give it once (only"
                + " lists take several values)";
    }

    /** The component a name means: exactly, else ignoring case, '-' and '_'. */
    private static RecordShape.Component component(RecordShape record, String name) {
        RecordShape.Component exact = record.component(name);
        if (exact != null) {
            return exact;
        }
        for (RecordShape.Component component : record.components()) {
            if (loose(component.name()).equals(loose(name))) {
                return component;
            }
        }
        return null;
    }

    private static String loose(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String describe(RecordShape record, String prefix) {
        List<String> parts = new ArrayList<>();
        for (RecordShape.Component component : record.components()) {
            parts.add(prefix + component.name() + " (" + component.expects() + ")");
        }
        return String.join(", ", parts);
    }
}
