package io.loomflow.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * openapi.json says what the API's response records really write: each route answers success with the
 * schema named after its record, each record's schema has exactly the record's JSON properties, lists
 * as required exactly those always written, and refers to the schemas of the records inside it.
 */
class OpenApiContractTest {

    private final ObjectMapper json = Server.mapper();

    @Test
    void eachRouteAnswersWithTheSchemaOfItsRecord() throws Exception {
        JsonNode document = document();
        Router router = new Router(json, new Access(null, "127.0.0.1", List.of()), null);
        new Api(null, json, null).addTo(router);
        Map<String, Class<?>> answers = router.answers();
        assertThat(answers).hasSize(23);
        answers.forEach((route, type) -> {
            String[] methodAndPath = route.split(" ", 2);
            JsonNode responses = document.path("paths").path(methodAndPath[1])
                    .path(methodAndPath[0].toLowerCase(java.util.Locale.ROOT)).path("responses");
            JsonNode success = responses.has("200") ? responses.get("200") : responses.get("202");
            assertThat(success).as(route).isNotNull();
            assertThat(success.at("/content/application~1json/schema/$ref").asText()).as(route)
                    .isEqualTo("#/components/schemas/" + type.getSimpleName());
        });
    }

    @Test
    void eachRecordsSchemaHasExactlyItsPropertiesAndRequiresThoseAlwaysWritten() throws Exception {
        JsonNode schemas = document().path("components").path("schemas");
        Set<String> records = new TreeSet<>();
        for (Class<?> type : Responses.class.getDeclaredClasses()) {
            if (!type.isRecord()) {
                continue;
            }
            records.add(type.getSimpleName());
            JsonNode schema = schemas.path(type.getSimpleName());
            assertThat(schema.isObject()).as("a schema named %s", type.getSimpleName()).isTrue();

            JavaType javaType = json.constructType(type);
            Map<String, RecordComponent> byJsonName = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            for (BeanPropertyDefinition property : json.getSerializationConfig().introspect(javaType).findProperties()) {
                RecordComponent component = Arrays.stream(type.getRecordComponents())
                        .filter(c -> c.getName().equals(property.getInternalName())).findFirst().orElseThrow();
                byJsonName.put(property.getName(), component);
                JsonInclude include = component.getAccessor().getAnnotation(JsonInclude.class); // it lands on the accessor
                if (include == null || include.value() == JsonInclude.Include.ALWAYS) {
                    required.add(property.getName());
                }
            }
            List<String> described = new ArrayList<>();
            schema.path("properties").fieldNames().forEachRemaining(described::add);
            assertThat(described).as("the properties of %s", type.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(byJsonName.keySet());
            List<String> requiredInDocument = new ArrayList<>();
            schema.path("required").forEach(name -> requiredInDocument.add(name.asText()));
            assertThat(requiredInDocument).as("what %s always has", type.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(required);

            byJsonName.forEach((name, component) -> {
                JsonNode property = schema.path("properties").path(name);
                Class<?> inner = elementRecord(component.getGenericType());
                if (inner != null && component.getType() == List.class) {
                    assertThat(property.at("/items/$ref").asText()).as("%s.%s", type.getSimpleName(), name)
                            .isEqualTo("#/components/schemas/" + inner.getSimpleName());
                } else if (inner != null) {
                    assertThat(property.path("$ref").asText()).as("%s.%s", type.getSimpleName(), name)
                            .isEqualTo("#/components/schemas/" + inner.getSimpleName());
                }
            });
        }
        List<String> schemaNames = new ArrayList<>();
        schemas.fieldNames().forEachRemaining(schemaNames::add);
        schemaNames.remove("Error"); // errors are HttpError's body, described by hand
        assertThat(schemaNames).as("every schema is a response record").containsExactlyInAnyOrderElementsOf(records);
    }

    /** The record a component is, or holds in a list; null for anything else. */
    private static Class<?> elementRecord(Type type) {
        if (type instanceof Class<?> plain) {
            return plain.isRecord() ? plain : null;
        }
        if (type instanceof ParameterizedType list && list.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element.isRecord() ? element : null;
        }
        return null;
    }

    private static JsonNode document() throws Exception {
        try (InputStream in = Api.class.getResourceAsStream("web/openapi.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
