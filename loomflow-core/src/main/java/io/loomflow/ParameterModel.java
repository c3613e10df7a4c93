package io.loomflow;

import io.loomflow.internal.parameters.MapShape;
import io.loomflow.internal.parameters.OptionalShape;
import io.loomflow.internal.parameters.Problems;
import io.loomflow.internal.parameters.RecordShape;
import io.loomflow.internal.parameters.Shape;
import io.loomflow.internal.parameters.Shapes;
import io.loomflow.internal.parameters.TextPairs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one model of a flow's parameters: its JSON schema, its defaults, and how parameters given as
 * JSON (the HTTP API and the web form) or as {@code NAME=VALUE} text (the command line) become the
 * flow's parameter record. Every tool that starts flows from the outside binds through it, so they
 * accept and refuse the same values with the same messages. The model of a record such as
 * {@snippet class=io.loomflow.snippets.ParameterModelSnippets region=params}
 * binds it from JSON and from text:
 * {@snippet class=io.loomflow.snippets.ParameterModelSnippets region=bind}
 *
 * <p>The rules:
 * <ul>
 *   <li>A parameter record's components may be text, characters, booleans, numbers
 *       ({@code byte}...{@code long}, {@code float}, {@code double}, {@code BigInteger},
 *       {@code BigDecimal}), enums (any case), UUIDs, URIs, paths, {@code java.time} dates, times,
 *       instants and durations (ISO-8601), nested records, {@code Optional}s of these, and lists,
 *       sets, arrays and {@code Map<String, V>} of them.</li>
 *   <li>Numbers are checked exactly against their Java type: {@code 128} for a {@code byte},
 *       {@code 1e400} for an {@code int}, {@code 1e40} for a {@code float}, {@code NaN} and
 *       infinities are problems, never wrapped, rounded to infinity or cut. Text numbers use ASCII
 *       digits. A JSON string is read as text, so {@code "42"} fits an {@code int} as
 *       {@code count=42} does on the command line.</li>
 *   <li>A set takes each value once; a list item is never skipped ({@code 1,,2} is a problem); a
 *       map entry needs a non-empty name. A {@code file:} URI given for a {@code Path} is the path
 *       it names (how a run's record keeps paths).</li>
 *   <li>An explicit JSON {@code null} leaves an {@code Optional} empty and a {@code @Nullable}
 *       component null; for anything else it is a problem.</li>
 *   <li>A component may be left out if the record declares {@code public static R defaults()} (its
 *       value there is taken), or if it is a {@code boolean} (false), a list, set, array or map
 *       (empty), an {@code Optional} (empty), annotated {@code @Nullable} (null), or a nested record
 *       none of whose own components is required; every other one is required.</li>
 *   <li>A component may declare constraints, named and meant as Jakarta Bean Validation's:
 *       {@link io.loomflow.Param.Min} and {@link io.loomflow.Param.Max} (numbers),
 *       {@link io.loomflow.Param.Size} (the length of text, the count of a list, set, array or
 *       map), {@link io.loomflow.Param.NotBlank} and {@link io.loomflow.Param.Pattern}
 *       (text), nested in {@link Param}. They are checked here, on
 *       every value bound from JSON or text (so the command line, the HTTP API and the form refuse
 *       alike: {@code items: must be from 1 to 1000, got -5}), and shown in the {@link #schema()} as
 *       {@code minimum}, {@code maximum}, {@code minLength}, {@code maxLength}, {@code pattern},
 *       {@code minItems}... A value left out or {@code null} is not checked (except an empty list
 *       taken for one left out). Constraints that no value fits, that do not apply to the
 *       component's type, or that its default breaks are refused when the model is made, naming the
 *       component:
 *       {@snippet class=io.loomflow.snippets.ParameterModelSnippets region=constraints}</li>
 *   <li>A record's canonical constructor may refuse values by throwing; its message becomes a
 *       problem.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Problems are raised as one
 * {@link ParameterException} naming every field that does not fit (at most 20 are listed).
 *
 * @param <P> the parameter record
 */
public final class ParameterModel<P> {

    private final String subject;
    private final @Nullable Class<P> type;
    private final @Nullable RecordShape shape;
    private final @Nullable String unusable;

    private ParameterModel(String subject, @Nullable Class<P> type, @Nullable RecordShape shape, @Nullable String unusable) {
        this.subject = subject;
        this.type = type;
        this.shape = shape;
        this.unusable = unusable;
    }

    /**
     * The model of a parameter record.
     *
     * @param recordType the record
     * @param <P> the record
     * @return its model
     * @throws IllegalArgumentException if it is not a record, or a component has a type parameters
     *     cannot take (the message names it)
     */
    public static <P> ParameterModel<P> of(Class<P> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        return new ParameterModel<>(recordType.getSimpleName(), recordType, Shapes.of(recordType), null);
    }

    /**
     * The model of a flow's parameters. A flow without a parameter type takes none (it binds only an
     * empty set of parameters, to {@code null}). A flow whose type is not a record, or holds a type
     * parameters cannot take, gets a model whose every bind fails, saying why: it can still be
     * listed, and run from code.
     *
     * @param flow the flow
     * @return its model
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ParameterModel<?> of(Flow<?, ?> flow) {
        String subject = "flow '" + flow.name() + "'";
        Optional<Class<?>> type = flow.parameterType();
        if (type.isEmpty()) {
            return new ParameterModel<>(subject, null, null, null);
        }
        try {
            return new ParameterModel(subject, type.get(), Shapes.of(type.get()), null);
        } catch (IllegalArgumentException unusable) {
            return new ParameterModel(subject, type.get(), null, unusable.getMessage());
        }
    }

    /**
     * The parameter record, if the flow declares one.
     *
     * @return the record's class, or empty for a flow that takes no parameters
     */
    public Optional<Class<P>> type() {
        return Optional.ofNullable(type);
    }

    /**
     * Why parameters cannot be bound at all (a type that is not a record, or a component of a type
     * parameters cannot take), if so.
     *
     * @return the reason, or empty when binding can work
     */
    public Optional<String> unusable() {
        return Optional.ofNullable(unusable);
    }

    /**
     * The JSON schema (draft 2020-12) of the parameters, as a tree of maps, lists, strings, numbers
     * and booleans, with {@code default}s from the record's {@code defaults()}.
     *
     * @return a new mutable tree
     */
    public Map<String, Object> schema() {
        Map<String, Object> schema;
        if (shape != null) {
            schema = shape.schema();
        } else {
            schema = new LinkedHashMap<>();
            schema.put("type", "object");
            if (unusable != null) {
                schema.put("description", unusable);
            }
            schema.put("properties", new LinkedHashMap<>());
            schema.put("additionalProperties", false);
        }
        Map<String, Object> withVersion = new LinkedHashMap<>();
        withVersion.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        withVersion.putAll(schema);
        return withVersion;
    }

    /**
     * One parameter, flattened: for a listing such as {@code loomflow flows}.
     *
     * @param name the dotted name, such as {@code window.start}; a map's entries are {@code name.KEY}
     * @param expects what it takes, in words
     * @param required whether it must be given
     * @param byDefault the default as JSON text, or empty
     */
    public record Parameter(String name, String expects, boolean required, Optional<String> byDefault) {
    }

    /**
     * The parameters, nested records flattened into dotted names.
     *
     * @return the parameters in declaration order; empty for a flow that takes none
     */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        if (shape != null) {
            flatten(shape, "", all);
        }
        return all;
    }

    private static void flatten(RecordShape record, String prefix, List<Parameter> all) {
        for (RecordShape.Component component : record.components()) {
            Shape inner = component.shape() instanceof OptionalShape optional ? optional.inner() : component.shape();
            if (inner instanceof RecordShape nested) {
                flatten(nested, prefix + component.name() + ".", all);
                continue;
            }
            Object byDefault = component.byDefault() == null ? null : component.shape().toJson(component.byDefault());
            all.add(new Parameter(prefix + component.name() + (inner instanceof MapShape ? ".KEY" : ""),
                    component.expects(), component.required(),
                    Optional.ofNullable(byDefault).map(ParameterModel::text)));
        }
    }

    /**
     * Binds parameters given as JSON.
     *
     * @param given a JSON object as maps, lists, strings, numbers, booleans and nulls (numbers best as
     *     {@code BigDecimal} or {@code BigInteger}, so that nothing is rounded before the check)
     * @return the parameter record, or {@code null} for a flow that takes none
     * @throws ParameterException naming every field that does not fit
     */
    public @Nullable P bind(Map<String, ?> given) {
        Objects.requireNonNull(given, "given");
        Problems problems = new Problems();
        Object bound = bind(given, problems);
        return finish(bound, problems);
    }

    /**
     * Binds parameters given as {@code NAME=VALUE} text, as on the command line: names are matched
     * ignoring case, {@code -} and {@code _}; {@code a.b} names part {@code b} of the nested record
     * (or map) {@code a}; a list takes comma-separated values or the name repeated.
     *
     * @param pairs the {@code NAME=VALUE} texts
     * @return the parameter record, or {@code null} for a flow that takes none
     * @throws ParameterException naming every parameter that does not fit
     */
    public @Nullable P bindText(Collection<String> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        Problems problems = new Problems();
        if (shape == null) {
            Map<String, Object> names = new LinkedHashMap<>();
            pairs.forEach(pair -> names.put(pair.contains("=") ? pair.substring(0, pair.indexOf('=')).strip() : pair, pair));
            return finish(bind(names, problems), problems);
        }
        Map<String, Object> tree = TextPairs.tree(shape, List.copyOf(pairs), problems);
        return finish(bind(tree, problems), problems);
    }

    /**
     * Binds {@code NAME=VALUE} text over parameters given as JSON, as {@code loomflow run --resume RUN
     * --param ...} does over RUN's recorded parameters: each parameter the text gives replaces the
     * base's (a list or a value whole; a nested record or a map part by part, so {@code a.b=v} keeps
     * {@code a}'s other parts), and the others keep the base's values. The text is read by the rules
     * of {@link #bindText(Collection)}, the base by those of {@link #bind(Map)}.
     *
     * @param base a JSON object as {@link #bind(Map)} takes, such as what {@link #toJson} returned
     * @param pairs the {@code NAME=VALUE} texts
     * @return the parameter record, or {@code null} for a flow that takes none
     * @throws ParameterException naming every parameter that does not fit
     */
    public @Nullable P bindText(Map<String, ?> base, Collection<String> pairs) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(pairs, "pairs");
        if (shape == null) {
            return bindText(pairs);
        }
        Problems problems = new Problems();
        Map<String, Object> tree = TextPairs.tree(shape, List.copyOf(pairs), problems);
        return finish(bind(overlay(base, tree), problems), problems);
    }

    /** {@code over} laid on {@code base}: maps (records and maps) merged key by key, anything else replaced. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> overlay(Map<String, ?> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> merged.merge(key, value, (was, given) -> was instanceof Map<?, ?> inner
                && given instanceof Map<?, ?> ? overlay((Map<String, ?>) inner, (Map<String, Object>) given) : given));
        return merged;
    }

    private Object bind(Map<String, ?> given, Problems problems) {
        if (unusable != null) {
            problems.add("", unusable);
            return null;
        }
        if (shape == null) {
            for (String name : given.keySet()) {
                problems.add(name, "is unknown: " + subject + " takes no parameters; leave it out, or define the flow"
                        + " with Flow.named(name, Params.class, body)");
            }
            return null;
        }
        return shape.bind(given, "", problems);
    }

    @SuppressWarnings("unchecked")
    private P finish(Object bound, Problems problems) {
        if (!problems.kept().isEmpty()) {
            throw new ParameterException(subject, problems.kept().stream()
                    .map(p -> new ParameterException.Problem(p.field(), p.problem())).toList(), problems.leftOut());
        }
        return (P) bound;
    }

    /**
     * Checks a parameter record that was made in code or read by another library (a worker reads a
     * queued run's parameters from JSON) by the rules {@link #bind} applies: the constraints its
     * components declare ({@link Param.Min}...), required values, and its canonical constructor.
     * Parameters of a flow that takes none, of a type the model cannot take (see
     * {@link #unusable()}), and {@code null} pass unchecked, as they run from code.
     *
     * @param parameters a parameter record of this model, or {@code null}
     * @throws ParameterException naming every field that does not fit
     */
    public void check(@Nullable P parameters) {
        if (parameters != null && shape != null) {
            bind(toJson(parameters));
        }
    }

    /**
     * The parameters as a JSON tree, the inverse of {@link #bind}: what a run's record keeps, and
     * what {@code bind} reads back to the same record.
     *
     * @param parameters a parameter record of this model
     * @return a new tree of maps, lists, strings, numbers and booleans; an empty map for {@code null}
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toJson(@Nullable P parameters) {
        if (parameters == null || shape == null) {
            return new LinkedHashMap<>();
        }
        return (Map<String, Object>) shape.toJson(parameters);
    }

    /** JSON text of a small tree, for {@link Parameter#byDefault()}. */
    private static String text(Object json) {
        return switch (json) {
            case String string -> "\"" + string.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case Map<?, ?> map -> {
                List<String> entries = new ArrayList<>();
                map.forEach((key, value) -> entries.add(text(String.valueOf(key)) + ":" + text(value)));
                yield "{" + String.join(",", entries) + "}";
            }
            case List<?> list -> "[" + String.join(",", list.stream().map(ParameterModel::text).toList()) + "]";
            default -> String.valueOf(json);
        };
    }

    /**
     * The closest of some names to a name given by mistake, for "did you mean" hints: within a third
     * of its length in edits (at least 2), ignoring case; the one rule of every Loomflow tool.
     *
     * @param given the name given
     * @param names the valid names
     * @return the closest valid name, or empty if none is close
     */
    public static Optional<String> closest(String given, Collection<String> names) {
        return io.loomflow.internal.parameters.Closest.to(given, names);
    }

    @Override
    public String toString() {
        return "ParameterModel[" + subject + "]";
    }
}
