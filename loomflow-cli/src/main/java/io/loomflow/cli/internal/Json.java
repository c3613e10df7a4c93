package io.loomflow.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.loomflow.store.LoomflowJson;

/** The command's JSON: Loomflow's one configuration ({@link LoomflowJson}), indented for people. */
final class Json {

    private Json() {
    }

    /** A new mapper: Loomflow's settings, indented output. */
    static ObjectMapper mapper() {
        return LoomflowJson.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** The value as JSON, or as {@code String.valueOf} text when JSON cannot represent it. */
    static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception notJson) {
            return String.valueOf(value);
        }
    }
}
