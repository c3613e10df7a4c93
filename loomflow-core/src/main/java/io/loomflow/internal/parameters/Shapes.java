package io.loomflow.internal.parameters;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Derives the {@link Shape} of a parameter record, once: every component's type is checked here, so
 * a type that parameters cannot take is refused when the model is made, naming the component.
 */
public final class Shapes {

    private static final String TAKES = "a parameter may be text, a character, a boolean, a number, an enum, a UUID, a URI,"
            + " a path, a java.time date, time, instant or duration, a nested record, an Optional of one of these, or a"
            + " List, Set, array or Map with String keys of them";

    private Shapes() {
    }

    /**
     * The shape of a parameter record.
     *
     * @throws IllegalArgumentException naming the component whose type parameters cannot take
     */
    public static RecordShape of(Class<?> record) {
        if (!record.isRecord()) {
            throw new IllegalArgumentException("the parameter type " + record.getName() + " is not a record; give the flow"
                    + " a parameter record such as record Params(String name) {}");
        }
        return record(record, defaults(record), new LinkedHashSet<>(), record.getSimpleName());
    }

    private static RecordShape record(Class<?> record, Object defaults, Set<Class<?>> enclosing, String where) {
        if (!enclosing.add(record)) {
            throw new IllegalArgumentException("parameter record " + record.getName() + " contains itself (at " + where
                    + "), which a form or a command line cannot give; use a record without cycles");
        }
        List<RecordShape.Component> components = new ArrayList<>();
        Class<?>[] types = new Class<?>[record.getRecordComponents().length];
        int i = 0;
        for (RecordComponent component : record.getRecordComponents()) {
            types[i++] = component.getType();
            Object byDefault = defaults == null ? null : read(record, component.getName(), defaults);
            if (byDefault instanceof Optional<?> optional && optional.isEmpty()) {
                byDefault = null;
            }
            String path = where + "." + component.getName();
            Shape shape;
            if (component.getType().isRecord()) {
                Class<?> nested = component.getType();
                shape = record(nested, byDefault != null ? byDefault : defaults(nested), enclosing, path);
            } else {
                shape = of(component.getGenericType(), enclosing, path);
            }
            Limits limits = Limits.of(component, shape, path);
            if (byDefault != null) {
                String problem = limits.problem(byDefault);
                if (problem != null) {
                    throw new IllegalArgumentException("the default of parameter " + path + " in " + record.getName()
                            + ".defaults() does not fit its constraints: it " + problem + "; change the default or the"
                            + " constraint");
                }
            }
            components.add(new RecordShape.Component(component.getName(), shape, byDefault, nullable(component), limits));
        }
        enclosing.remove(record);
        Constructor<?> constructor;
        try {
            constructor = record.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException closed) {
            throw new IllegalArgumentException("cannot make " + record.getName() + " (" + closed + "); make the record"
                    + " public, in a package your module exports or opens", closed);
        }
        return new RecordShape(record, List.copyOf(components), constructor);
    }

    private static Shape of(Type type, Set<Class<?>> enclosing, String where) {
        Class<?> raw = raw(type);
        Scalar scalar = Scalar.of(raw);
        if (scalar != null) {
            return scalar;
        }
        if (raw.isRecord()) {
            return record(raw, defaults(raw), enclosing, where);
        }
        if (raw == Optional.class) {
            return new OptionalShape(of(argument(type, 0, where), enclosing, where));
        }
        if (raw.isArray()) {
            Type element = type instanceof GenericArrayType array ? array.getGenericComponentType() : raw.getComponentType();
            return new ListShape(raw, of(element, enclosing, where + "[]"));
        }
        boolean set = Set.class.isAssignableFrom(raw) && raw.isAssignableFrom(LinkedHashSet.class);
        boolean list = !Set.class.isAssignableFrom(raw) && raw.isAssignableFrom(ArrayList.class) && raw != Object.class;
        if (set || list) {
            return new ListShape(raw, of(argument(type, 0, where), enclosing, where + "[]"));
        }
        if (Map.class.isAssignableFrom(raw) && raw.isAssignableFrom(LinkedHashMap.class)) {
            if (raw(argument(type, 0, where)) != String.class) {
                throw new IllegalArgumentException("parameter " + where + " is a map whose keys are not String (" + type
                        + "); use Map<String, V>");
            }
            return new MapShape(raw, of(argument(type, 1, where), enclosing, where + ".KEY"));
        }
        throw new IllegalArgumentException("parameter " + where + " has type " + type.getTypeName() + ", which flow"
                + " parameters cannot take; " + TAKES);
    }

    /** The record's {@code public static R defaults()} instance, or {@code null} if it declares none. */
    static Object defaults(Class<?> record) {
        Method method;
        try {
            method = record.getMethod("defaults");
        } catch (NoSuchMethodException none) {
            return null;
        }
        if (!Modifier.isStatic(method.getModifiers()) || method.getReturnType() != record) {
            return null;
        }
        try {
            method.setAccessible(true);
            return method.invoke(null);
        } catch (InvocationTargetException failed) {
            throw new IllegalArgumentException(record.getName() + ".defaults() threw " + failed.getCause()
                    + "; make it return the record's default values", failed.getCause());
        } catch (ReflectiveOperationException | RuntimeException closed) {
            throw new IllegalArgumentException("cannot call " + record.getName() + ".defaults() (" + closed
                    + "); make the record public", closed);
        }
    }

    /** A component's value of a record instance. */
    static Object read(Class<?> record, String name, Object instance) {
        try {
            Method accessor = record.getDeclaredMethod(name);
            accessor.setAccessible(true);
            return accessor.invoke(instance);
        } catch (InvocationTargetException failed) {
            throw new IllegalArgumentException(record.getName() + "." + name + "() threw " + failed.getCause(), failed.getCause());
        } catch (ReflectiveOperationException | RuntimeException closed) {
            throw new IllegalArgumentException("cannot read " + name + " of " + record.getName() + " (" + closed
                    + "); make the record public", closed);
        }
    }

    private static boolean nullable(RecordComponent component) {
        List<Annotation> annotations = new ArrayList<>(List.of(component.getAnnotations()));
        annotations.addAll(List.of(component.getAnnotatedType().getAnnotations()));
        return annotations.stream().anyMatch(annotation -> annotation.annotationType().getSimpleName().equals("Nullable"));
    }

    private static Class<?> raw(Type type) {
        return switch (type) {
            case Class<?> plain -> plain;
            case ParameterizedType parameterized -> raw(parameterized.getRawType());
            case GenericArrayType array -> raw(array.getGenericComponentType()).arrayType();
            case WildcardType wildcard -> raw(wildcard.getUpperBounds()[0]);
            default -> Object.class; // a type variable
        };
    }

    private static Type argument(Type type, int index, String where) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
            Type argument = parameterized.getActualTypeArguments()[index];
            return argument instanceof WildcardType wildcard ? wildcard.getUpperBounds()[0] : argument;
        }
        throw new IllegalArgumentException("parameter " + where + " has the raw type " + type.getTypeName()
                + "; give its type arguments, such as List<String>");
    }

}
