package io.loomflow.store.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The key of a task's input: the SHA-256 of its canonical JSON, in which properties, map entries
 * and set elements are sorted, so that equal inputs give equal keys in every process (the
 * iteration order of {@code Set.of} and {@code HashSet} changes from one JVM to the next). Types are
 * not part of it: inputs with the same JSON share a key. Shared by the result stores so that they
 * agree.
 */
public final class CanonicalJson {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addModule(JavaTimeModule.create())
            .addModule(new SimpleModule("loomflow-sorted-sets").addSerializer(new SortedSetSerializer()))
            .build();

    private CanonicalJson() {
    }

    /**
     * The hex SHA-256 of an input's canonical JSON.
     *
     * @param input the input, possibly null
     * @return 64 hex digits
     * @throws IllegalArgumentException if the input cannot be written as JSON
     */
    public static String hash(Object input) {
        try {
            return sha256(JSON.writeValueAsBytes(input));
        } catch (JsonProcessingException notJson) {
            throw new IllegalArgumentException("an input of type " + input.getClass().getName() + " cannot be written"
                    + " as JSON (" + notJson.getOriginalMessage() + ")", notJson);
        }
    }

    /** The hex SHA-256 of some text, such as a key. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }

    /** Writes a set's elements in the order of their own canonical JSON. */
    @SuppressWarnings("rawtypes")
    private static final class SortedSetSerializer extends StdSerializer<Set> {
        private static final long serialVersionUID = 1L;

        SortedSetSerializer() {
            super(Set.class);
        }

        @Override
        public void serialize(Set set, JsonGenerator generator, SerializerProvider provider) throws IOException {
            List<String> elements = new ArrayList<>(set.size());
            for (Object element : set) {
                elements.add(JSON.writeValueAsString(element));
            }
            Collections.sort(elements);
            generator.writeStartArray();
            for (String element : elements) {
                generator.writeRawValue(element);
            }
            generator.writeEndArray();
        }
    }
}
