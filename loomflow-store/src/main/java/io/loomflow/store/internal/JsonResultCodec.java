package io.loomflow.store.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.loomflow.store.ResultCodec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Results as Jackson JSON with their types: every value whose declared type is not final (at the
 * top, inside lists and maps, in {@code Object} components) carries its class, as an
 * {@code "@class"} property of an object or as {@code ["java.lang.Long", 5]} for a scalar, so that
 * it comes back as the type it was. Strings, ints, doubles and booleans are JSON's own and carry
 * none.
 *
 * <p><b>Which classes are built.</b> A type named in a file is a class the process will load and
 * construct; with an unrestricted list, a tampered file can build a "gadget" whose constructor or
 * setters do harm. So the validator allows only data: records (built through their canonical
 * constructor, from their components alone), enums, arrays of allowed types, an exact list of JDK
 * value and collection classes, and the packages the user allows. Anything else fails to read and
 * the store treats the entry as absent. Jackson's own blocklist of known gadgets applies as well.
 *
 * <p><b>Class loaders.</b> Results are built with the class loader of the task's code (a dev-mode
 * reload has a new one). Jackson caches what it resolved per mapper, so each loader gets a mapper
 * of its own; only the latest is kept, which is the common case of one loader, and lets an old
 * generation's loader go.
 */
public final class JsonResultCodec implements ResultCodec {

    /** The codec of {@link ResultCodec#json()}. */
    public static final JsonResultCodec DEFAULT = new JsonResultCodec(List.of());

    /** The JDK classes results may be built as, by exact name. */
    private static final Pattern JDK_VALUES = Pattern.compile(String.join("|",
            "java\\.lang\\.(String|Boolean|Character|Byte|Short|Integer|Long|Float|Double)",
            "java\\.math\\.(BigDecimal|BigInteger)",
            "java\\.util\\.(UUID|ArrayList|LinkedList|ArrayDeque|HashMap|LinkedHashMap|TreeMap|HashSet|LinkedHashSet"
                    + "|TreeSet)",
            "java\\.util\\.ImmutableCollections\\$(List12|ListN|SubList|Set12|SetN|Map1|MapN)",
            "java\\.util\\.Collections\\$(Unmodifiable|Singleton|Empty|Synchronized)[A-Za-z]*",
            "java\\.util\\.Arrays\\$ArrayList",
            "java\\.time\\.(Instant|LocalDate|LocalDateTime|LocalTime|OffsetDateTime|OffsetTime|ZonedDateTime"
                    + "|Duration|Period|Year|YearMonth|MonthDay)"));

    private record LoaderMapper(ClassLoader loader, ObjectMapper mapper) {
    }

    private final List<String> allowedPrefixes;
    private final ObjectMapper writer;
    private volatile LoaderMapper reader;

    private JsonResultCodec(List<String> allowedPrefixes) {
        this.allowedPrefixes = List.copyOf(allowedPrefixes);
        this.writer = mapper(null);
    }

    /** The codec that also allows classes under these package prefixes. */
    public static JsonResultCodec allowing(List<String> prefixes) {
        for (String prefix : prefixes) {
            if (prefix == null || prefix.isBlank() || !prefix.endsWith(".")) {
                throw new IllegalArgumentException("allowed package prefix \"" + prefix + "\" must name a package"
                        + " and end with a dot; pass a prefix such as \"com.acme.model.\"");
            }
            if (prefix.startsWith("java.") || prefix.startsWith("javax.")) {
                throw new IllegalArgumentException("allowed package prefix \"" + prefix + "\" would let result files"
                        + " build JDK classes beyond the safe list; allow your own packages only, such as"
                        + " \"com.acme.model.\"");
            }
        }
        return new JsonResultCodec(prefixes);
    }

    private ObjectMapper mapper(ClassLoader loader) {
        JsonMapper.Builder builder = JsonMapper.builder()
                .addModule(JavaTimeModule.create())
                .activateDefaultTyping(validator(), ObjectMapper.DefaultTyping.NON_FINAL, JsonTypeInfo.As.PROPERTY);
        if (loader != null) {
            builder.typeFactory(TypeFactory.defaultInstance().withClassLoader(loader));
        }
        return builder.build();
    }

    private PolymorphicTypeValidator validator() {
        return BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(new BasicPolymorphicTypeValidator.TypeMatcher() {
                    @Override
                    public boolean match(MapperConfig<?> config, Class<?> type) {
                        return allowed(type);
                    }
                })
                .build();
    }

    private boolean allowed(Class<?> type) {
        if (type.isArray()) {
            Class<?> component = type.getComponentType();
            return component.isPrimitive() || allowed(component);
        }
        if (Record.class.isAssignableFrom(type) || Enum.class.isAssignableFrom(type)) {
            return true;
        }
        String name = type.getName();
        if (JDK_VALUES.matcher(name).matches()) {
            return true;
        }
        for (String prefix : allowedPrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String encode(Object value) {
        try {
            return writer.writerFor(Object.class).writeValueAsString(value);
        } catch (JsonProcessingException notJson) {
            throw new IllegalArgumentException("a result of type " + value.getClass().getName() + " cannot be written"
                    + " as JSON (" + notJson.getOriginalMessage() + "); return records, lists, maps, text or numbers,"
                    + " or give the result store a codec that writes this type", notJson);
        }
    }

    @Override
    public Object decode(String json, ClassLoader loader) {
        try {
            return readerFor(loader).readerFor(Object.class).readValue(json);
        } catch (JsonProcessingException unreadable) {
            throw new IllegalArgumentException("a stored result cannot be read back (" + unreadable.getOriginalMessage()
                    + "); if it names a type that is not allowed, make that type a record, or allow its package"
                    + " with ResultCodec.jsonAllowing(\"com.acme.model.\")", unreadable);
        }
    }

    private ObjectMapper readerFor(ClassLoader loader) {
        LoaderMapper current = reader;
        if (current != null && current.loader() == loader) {
            return current.mapper();
        }
        ObjectMapper mapper = mapper(loader);
        reader = new LoaderMapper(loader, mapper);
        return mapper;
    }

    @Override
    public String toString() {
        return allowedPrefixes.isEmpty() ? "ResultCodec.json()" : "ResultCodec.jsonAllowing(" + allowedPrefixes + ")";
    }
}
