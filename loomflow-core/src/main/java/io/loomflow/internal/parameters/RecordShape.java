package io.loomflow.internal.parameters;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record of parameters: its components, each with its shape, its default (from the record's
 * {@code public static defaults()}, or the enclosing record's) and whether it may be left out.
 */
public record RecordShape(Class<?> type, List<Component> components, Constructor<?> constructor) implements Shape {

    /**
     * One component.
     *
     * @param byDefault the value taken when it is left out, or {@code null} if none is declared
     * @param nullable whether it is annotated {@code @Nullable} (left out, it is {@code null})
     * @param limits the constraints it declares ({@code @Min}, {@code @Size}...), checked on every value bound
     */
    public record Component(String name, Shape shape, Object byDefault, boolean nullable, Limits limits) {

        /** What it takes, in words, with its constraints: {@code a whole number from 1 to 100}. */
        public String expects() {
            return limits.expects(shape);
        }

        /** Tells whether it must be given. */
        public boolean required() {
            return byDefault == null && !nullable && shape.absent() == REQUIRED;
        }
    }

    /** The component of a name, or {@code null}. */
    Component component(String name) {
        for (Component component : components) {
            if (component.name().equals(name)) {
                return component;
            }
        }
        return null;
    }

    List<String> names() {
        return components.stream().map(Component::name).toList();
    }

    @Override
    public Map<String, Object> schema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("title", type.getSimpleName());
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Component component : components) {
            Map<String, Object> property = component.shape().schema();
            component.limits().addTo(property);
            Object byDefault = component.byDefault() == null ? null : component.shape().toJson(component.byDefault());
            if (byDefault != null && !(component.shape() instanceof RecordShape)) {
                property.put("default", byDefault);
            }
            properties.put(component.name(), property);
            if (component.required()) {
                required.add(component.name());
            }
        }
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    @Override
    public String expects() {
        return "an object " + type.getSimpleName() + " with " + String.join(", ", names());
    }

    @Override
    public Object absent() {
        for (Component component : components) {
            if (component.required()) {
                return REQUIRED;
            }
        }
        return Map.of(); // nothing required: left out, it is bound from nothing, so that its defaults apply
    }

    @Override
    public Object bind(Object given, String field, Problems problems) {
        if (!(given instanceof Map<?, ?> object)) {
            problems.add(field, "expected " + expects() + ", got " + Problems.show(given));
            return null;
        }
        int before = problems.count();
        String prefix = field.isEmpty() ? "" : field + ".";
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (component(name) == null) {
                problems.add(prefix + name, unknown(field, name, prefix, names()));
            }
        }
        Object[] arguments = new Object[components.size()];
        for (int i = 0; i < components.size(); i++) {
            Component component = components.get(i);
            String path = prefix + component.name();
            if (object.containsKey(component.name())) {
                Object value = object.get(component.name());
                if (value == null && component.nullable()) {
                    arguments[i] = null;
                } else if (value == null && component.shape() instanceof OptionalShape) {
                    arguments[i] = java.util.Optional.empty();
                } else if (value == null) {
                    problems.add(path, "must not be null; give " + component.expects() + ", or leave it out"
                            + (component.required() ? " (it is required)" : " to take its default"));
                } else {
                    arguments[i] = component.shape().bind(value, path, problems);
                    check(component, arguments[i], path, problems);
                }
            } else if (component.byDefault() != null) {
                arguments[i] = component.byDefault();
            } else if (component.nullable()) {
                arguments[i] = null;
            } else {
                Object absent = component.shape().absent();
                if (absent == REQUIRED && component.shape() instanceof RecordShape nested) {
                    nested.bind(Map.of(), path, problems); // names each required part
                } else if (absent == REQUIRED) {
                    problems.add(path, "is required, and was not given (expected " + component.expects() + ")");
                } else {
                    arguments[i] = component.shape() instanceof RecordShape nested ? nested.bind(absent, path, problems)
                            : absent;
                    check(component, arguments[i], path, problems); // an empty list left out may be too short
                }
            }
        }
        if (problems.count() > before) {
            return null;
        }
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException refused) {
            Throwable reason = refused.getCause();
            problems.add(field, type.getSimpleName() + " refused the parameters: " + (reason.getMessage() == null
                    ? reason.getClass().getName() : reason.getMessage()));
            return null;
        } catch (ReflectiveOperationException | IllegalArgumentException unexpected) {
            problems.add(field, "could not be made: " + unexpected);
            return null;
        }
    }

    /** Adds the problem, if any, of a bound value with the component's constraints: the one place they are checked. */
    private static void check(Component component, Object value, String path, Problems problems) {
        String problem = value == null ? null : component.limits().problem(value);
        if (problem != null) {
            problems.add(path, problem);
        }
    }

    /** The problem of an unknown name: the closest known one, and all of them ({@code shown}, as they are listed). */
    String unknown(String field, String name, String prefix, List<String> shown) {
        String hint = Closest.to(name, names()).map(best -> "did you mean '" + prefix + best + "'? ").orElse("");
        return "is unknown" + (field.isEmpty() ? "; " : " in " + type.getSimpleName() + "; ") + hint
                + (components.isEmpty() ? "it takes no parameters" : (field.isEmpty() ? "the parameters are " : "its parts are ")
                + String.join(", ", shown));
    }

    @Override
    public Object toJson(Object value) {
        if (value == null) {
            return null;
        }
        Map<String, Object> object = new LinkedHashMap<>();
        for (Component component : components) {
            Object part = Shapes.read(type, component.name(), value);
            Object json = part == null ? null : component.shape().toJson(part);
            if (json != null) {
                object.put(component.name(), json);
            }
        }
        return object;
    }
}
