package io.loomflow.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Builds a flow's parameter record from {@code --param name=value} pairs.
 *
 * <p>The rules (also in the README):
 * <ul>
 *   <li>A name is a record component's name; case, {@code -} and {@code _} are ignored, so
 *       {@code --param fail-at=3} sets {@code failAt}. A dotted name {@code a.b} sets component
 *       {@code b} of the nested record {@code a}, or the entry {@code b} of the map {@code a}.</li>
 *   <li>A list, set or array component takes comma-separated values, or the name repeated; any
 *       other component is given once.</li>
 *   <li>Values are converted with Jackson: numbers, {@code true}/{@code false}, enum constants (any
 *       case), UUIDs, ISO dates, times and durations, paths, URIs.</li>
 *   <li>A component may be left out if the record declares {@code public static Params defaults()}
 *       (its value there is taken, as the server takes it), or if it is a {@code boolean} (false), a
 *       list, set, array or map (empty), an {@code Optional} (empty), or annotated
 *       {@code @Nullable} (null); every other one is required.</li>
 * </ul>
 * Every mistake is a {@link CliException} naming the parameter, what it expects and the value given.
 */
final class ParameterBinder {

    private final ObjectMapper json;

    ParameterBinder(ObjectMapper json) {
        this.json = json;
    }

    /** One {@code --param} pair. */
    private record Pair(String name, String value) {
    }

    /** One parameter a record takes, flattened: {@code report.currency}, what it expects, whether required. */
    record Description(String name, String expects, boolean required) {
    }

    /**
     * The flow's parameters.
     *
     * @param flow the flow's name, for messages
     * @param type its parameter type, empty if it declares none
     * @param given the {@code --param} values
     * @return the parameter record, or {@code null} for a flow without a parameter type
     */
    Object bind(String flow, Optional<Class<?>> type, List<String> given) {
        List<Pair> pairs = given.stream().map(ParameterBinder::pair).toList();
        if (type.isEmpty()) {
            if (!pairs.isEmpty()) {
                throw CliException.badInput("flow '" + flow + "' declares no parameter record, so it takes no --param (was"
                        + " given " + pairs.stream().map(Pair::name).collect(Collectors.joining(", ")) + "); leave them out,"
                        + " or define the flow with Flow.named(name, Params.class, body)");
            }
            return null;
        }
        Class<?> record = type.get();
        if (!record.isRecord()) {
            throw CliException.badInput("flow '" + flow + "' takes a " + record.getName() + ", which is not a record, and the"
                    + " command line builds only records from --param; give the flow a parameter record such as"
                    + " record Params(String name) {}");
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            place(flow, record, tree, pair, pair.name().split("\\.", -1), 0, "");
        }
        List<String> missing = new ArrayList<>();
        fillDefaults(record, tree, "", missing, defaults(flow, record));
        if (!missing.isEmpty()) {
            throw CliException.badInput("flow '" + flow + "' needs " + (missing.size() == 1 ? "parameter " : "parameters ")
                    + String.join(", ", missing) + ", not given; pass "
                    + missing.stream().map(m -> "--param " + m.substring(0, m.indexOf(' ')) + "=VALUE")
                            .collect(Collectors.joining(" ")));
        }
        try {
            return json.convertValue(tree, record);
        } catch (IllegalArgumentException refused) {
            for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
                if (cause instanceof ValueInstantiationException instantiation) {
                    Throwable reason = instantiation.getCause() == null ? instantiation : instantiation.getCause();
                    throw new CliException(ExitCode.BAD_INPUT, "flow '" + flow + "': " + record.getSimpleName()
                            + " refused the parameters: " + Text.error(reason), refused);
                }
            }
            throw new CliException(ExitCode.BAD_INPUT, "flow '" + flow + "': the parameters do not fit "
                    + record.getSimpleName() + ": " + Text.firstLine(refused.getMessage()), refused);
        }
    }

    private static Pair pair(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0 || text.substring(0, equals).isBlank()) {
            throw CliException.badInput("--param '" + text + "' is not of the form NAME=VALUE; for example --param name=World");
        }
        return new Pair(text.substring(0, equals).strip(), text.substring(equals + 1));
    }

    @SuppressWarnings("unchecked")
    private void place(String flow, Class<?> record, Map<String, Object> node, Pair pair, String[] segments, int index,
                       String prefix) {
        RecordComponent component = component(flow, record, segments[index], prefix);
        String path = prefix + component.getName();
        Class<?> raw = component.getType();
        Type generic = component.getGenericType();
        boolean last = index == segments.length - 1;
        if (raw.isRecord()) {
            if (last) {
                throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' is a group; give its parts:"
                        + " " + parts(raw, path + ".") + ", such as --param " + path + "."
                        + raw.getRecordComponents()[0].getName() + "=VALUE");
            }
            Object child = node.computeIfAbsent(component.getName(), name -> new LinkedHashMap<String, Object>());
            if (!(child instanceof Map)) {
                throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' was given twice");
            }
            place(flow, raw, (Map<String, Object>) child, pair, segments, index + 1, path + ".");
            return;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (last) {
                throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' is a map; give its entries as"
                        + " --param " + path + ".KEY=VALUE");
            }
            String key = String.join(".", Arrays.copyOfRange(segments, index + 1, segments.length));
            Map<String, Object> map = (Map<String, Object>) node.computeIfAbsent(component.getName(),
                    name -> new LinkedHashMap<String, Object>());
            check(flow, path + "." + key, typeArgument(generic, 1), pair.value());
            if (map.putIfAbsent(key, pair.value()) != null) {
                throw twice(flow, path + "." + key, map.get(key), pair.value());
            }
            return;
        }
        if (!last) {
            throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' has no parts, so '" + pair.name()
                    + "' names nothing; pass --param " + path + "=VALUE");
        }
        if (isList(raw)) {
            List<Object> values = (List<Object>) node.computeIfAbsent(component.getName(), name -> new ArrayList<>());
            Type element = raw.isArray() ? arrayElement(generic) : typeArgument(generic, 0);
            for (String value : pair.value().split(",", -1)) {
                String item = value.strip();
                if (item.isEmpty() && pair.value().contains(",")) {
                    continue; // "a,,b" or a trailing comma: nothing between the commas
                }
                check(flow, path, element, item);
                values.add(item);
            }
            return;
        }
        Type target = raw == Optional.class ? typeArgument(generic, 0) : generic;
        check(flow, path, target, pair.value());
        Object earlier = node.putIfAbsent(component.getName(), pair.value());
        if (earlier != null) {
            throw twice(flow, path, earlier, pair.value());
        }
    }

    private static CliException twice(String flow, String path, Object first, String second) {
        return CliException.badInput("parameter '" + path + "' of flow '" + flow + "' was given twice ('" + first + "' and '"
                + second + "'); give it once (only lists take several values)");
    }

    /** The component a name means: exactly, else ignoring case, '-' and '_'. */
    private static RecordComponent component(String flow, Class<?> record, String name, String prefix) {
        RecordComponent[] components = record.getRecordComponents();
        for (RecordComponent component : components) {
            if (component.getName().equals(name)) {
                return component;
            }
        }
        String loose = loose(name);
        for (RecordComponent component : components) {
            if (loose(component.getName()).equals(loose)) {
                return component;
            }
        }
        List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
        String where = prefix.isEmpty() ? "flow '" + flow + "' has no parameter '" + name + "'"
                : "parameter group '" + prefix.substring(0, prefix.length() - 1) + "' of flow '" + flow + "' has no part '"
                + name + "'";
        if (names.isEmpty()) {
            throw CliException.badInput(where + "; it takes none");
        }
        String suggestion = Text.closest(name, names).map(best -> " Did you mean '" + prefix + best + "'?").orElse("");
        throw CliException.badInput(where + "." + suggestion + " The valid ones are: " + parts(record, prefix));
    }

    private static String loose(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String parts(Class<?> record, String prefix) {
        return Arrays.stream(record.getRecordComponents())
                .map(c -> prefix + c.getName() + " (" + describe(c.getGenericType()) + ")")
                .collect(Collectors.joining(", "));
    }

    /** Converts one value to see that it fits, for a message that names the parameter. */
    private void check(String flow, String path, Type target, String value) {
        Class<?> raw = rawClass(target);
        boolean text = raw == String.class || raw == CharSequence.class || raw == Object.class;
        if (!text && value.isBlank()) {
            throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' expects " + describe(target)
                    + ", but was given an empty value");
        }
        if (raw.isRecord()) {
            throw CliException.badInput("parameter '" + path + "' of flow '" + flow + "' is a group, which cannot be given"
                    + " as one value; give its parts as --param " + path + ".PART=VALUE");
        }
        try {
            json.convertValue(value, json.constructType(target));
        } catch (IllegalArgumentException doesNotFit) {
            throw new CliException(ExitCode.BAD_INPUT, "parameter '" + path + "' of flow '" + flow + "' expects "
                    + describe(target) + ", but was given '" + value + "'", doesNotFit);
        }
    }

    /**
     * Leaves out what may be left out, and collects what is required and missing, as
     * {@code name (what it expects)}.
     */
    @SuppressWarnings("unchecked")
    private static void fillDefaults(Class<?> record, Map<String, Object> node, String prefix, List<String> missing,
                                     Object defaults) {
        for (RecordComponent component : record.getRecordComponents()) {
            String name = component.getName();
            Class<?> raw = component.getType();
            Object byDefault = defaults == null ? null : read(component, defaults);
            if (raw.isRecord()) {
                Map<String, Object> child = (Map<String, Object>) node.computeIfAbsent(name, n -> new LinkedHashMap<>());
                fillDefaults(raw, child, prefix + name + ".", missing, byDefault != null ? byDefault : defaults(prefix + name, raw));
                continue;
            }
            if (node.containsKey(name)) {
                continue;
            }
            if (byDefault != null) {
                node.put(name, byDefault);
            } else if (raw == boolean.class || raw == Boolean.class) {
                node.put(name, "false");
            } else if (isList(raw)) {
                node.put(name, List.of());
            } else if (Map.class.isAssignableFrom(raw)) {
                node.put(name, Map.of());
            } else if (raw == Optional.class || nullable(component)) {
                node.put(name, null);
            } else {
                missing.add(prefix + name + " (" + describe(component.getGenericType()) + ")");
            }
        }
    }

    /** The record's {@code public static} {@code defaults()} instance, or {@code null} if it declares none. */
    static Object defaults(String what, Class<?> record) {
        java.lang.reflect.Method method;
        try {
            method = record.getMethod("defaults");
        } catch (NoSuchMethodException none) {
            return null;
        }
        if (!java.lang.reflect.Modifier.isStatic(method.getModifiers()) || method.getReturnType() != record) {
            return null;
        }
        try {
            return method.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException failed) {
            Throwable cause = failed instanceof java.lang.reflect.InvocationTargetException ? failed.getCause() : failed;
            throw CliException.badInput("the defaults of '" + what + "' failed: " + record.getName() + ".defaults() threw "
                    + cause + "; make it return the record's default values");
        }
    }

    private static Object read(RecordComponent component, Object instance) {
        try {
            Object value = component.getAccessor().invoke(instance);
            return value instanceof Optional<?> optional ? optional.orElse(null) : value;
        } catch (ReflectiveOperationException failed) {
            throw CliException.badInput("cannot read " + component.getName() + " of " + component.getDeclaringRecord().getName()
                    + "'s defaults(): " + failed + "; make the record public");
        }
    }

    /** Tells whether a component may be left out. */
    static boolean optional(RecordComponent component) {
        Class<?> raw = component.getType();
        return raw == boolean.class || raw == Boolean.class || isList(raw) || Map.class.isAssignableFrom(raw)
                || raw == Optional.class || nullable(component);
    }

    private static boolean nullable(RecordComponent component) {
        for (Annotation annotation : component.getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        for (Annotation annotation : component.getAnnotatedType().getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    /** The parameters of a record, flattened, for {@code loomflow flows}. */
    static List<Description> describeAll(Class<?> record) {
        List<Description> all = new ArrayList<>();
        describeAll(record, "", all);
        return all;
    }

    private static void describeAll(Class<?> record, String prefix, List<Description> all) {
        Object defaults = defaults(prefix.isEmpty() ? record.getSimpleName() : prefix, record);
        for (RecordComponent component : record.getRecordComponents()) {
            if (component.getType().isRecord()) {
                describeAll(component.getType(), prefix + component.getName() + ".", all);
            } else {
                String name = prefix + component.getName() + (Map.class.isAssignableFrom(component.getType()) ? ".KEY" : "");
                boolean byDefault = defaults != null && read(component, defaults) != null;
                all.add(new Description(name, describe(component.getGenericType()), !byDefault && !optional(component)));
            }
        }
    }

    private static boolean isList(Class<?> raw) {
        return Collection.class.isAssignableFrom(raw) || (raw.isArray() && raw != byte[].class && raw != char[].class);
    }

    /** What a value of the type looks like, in words. */
    static String describe(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == String.class || raw == CharSequence.class) {
            return "text";
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
                || raw == Short.class || raw == byte.class || raw == Byte.class || raw == BigInteger.class) {
            return "a whole number (" + raw.getSimpleName() + ")";
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class || raw == BigDecimal.class) {
            return "a number (" + raw.getSimpleName() + ")";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == char.class || raw == Character.class) {
            return "one character";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
        }
        if (raw == UUID.class) {
            return "a UUID";
        }
        if (raw == LocalDate.class) {
            return "a date such as 2026-01-31";
        }
        if (raw == LocalDateTime.class) {
            return "a date and time such as 2026-01-31T09:30";
        }
        if (raw == Instant.class) {
            return "an instant such as 2026-01-31T09:30:00Z";
        }
        if (raw == Duration.class) {
            return "a duration such as PT30S";
        }
        if (raw == Path.class) {
            return "a path";
        }
        if (raw == URI.class) {
            return "a URI";
        }
        if (raw == Optional.class) {
            return describe(typeArgument(type, 0));
        }
        if (raw.isArray()) {
            return "a list, each " + describe(arrayElement(type)) + "; comma-separated or repeated";
        }
        if (Collection.class.isAssignableFrom(raw)) {
            return "a list, each " + describe(typeArgument(type, 0)) + "; comma-separated or repeated";
        }
        if (Map.class.isAssignableFrom(raw)) {
            return "a map, each value " + describe(typeArgument(type, 1)) + "; one NAME.KEY=VALUE per entry";
        }
        if (raw.isRecord()) {
            return "a group: " + parts(raw, "");
        }
        if (raw == Object.class) {
            return "a value";
        }
        return "a " + raw.getSimpleName();
    }

    private static Class<?> rawClass(Type type) {
        return switch (type) {
            case Class<?> c -> c;
            case ParameterizedType p -> rawClass(p.getRawType());
            case GenericArrayType a -> Array.newInstance(rawClass(a.getGenericComponentType()), 0).getClass();
            case WildcardType w -> rawClass(w.getUpperBounds()[0]);
            default -> Object.class; // a type variable
        };
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
            Type argument = parameterized.getActualTypeArguments()[index];
            return argument instanceof WildcardType wildcard ? wildcard.getUpperBounds()[0] : argument;
        }
        return Object.class;
    }

    private static Type arrayElement(Type type) {
        if (type instanceof GenericArrayType array) {
            return array.getGenericComponentType();
        }
        return rawClass(type).getComponentType();
    }
}
