package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks a request's JSON parameters against a flow's {@link ParameterSchema} and builds the
 * parameter record. Every problem names the field (a dotted path such as {@code report.currency} or
 * {@code rows[2]}) and what is wrong with it; all of them are reported at once.
 */
final class ParameterBinder {

    /** One problem with one field. */
    record Problem(String field, String problem) {
    }

    private final ObjectMapper json;

    ParameterBinder(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The flow's parameters.
     *
     * @param flow the flow's name, for messages
     * @param type its parameter type, empty if it declares none
     * @param schema its schema
     * @param given the request's JSON (an object; {@code null} for an empty body)
     * @return the parameter record, or {@code null} for a flow without a parameter type
     * @throws HttpError 400 naming each field that does not fit
     */
    Object bind(String flow, Optional<Class<?>> type, ObjectNode schema, JsonNode given) {
        JsonNode body = given == null || given.isMissingNode() ? json.createObjectNode() : given;
        List<Problem> problems = new ArrayList<>();
        check(schema, body, "", problems);
        if (!problems.isEmpty()) {
            throw HttpError.badParameters(flow, problems);
        }
        if (type.isEmpty()) {
            return null;
        }
        JsonNode complete = body.deepCopy();
        fillDefaults(schema, complete);
        try {
            return json.treeToValue(complete, type.get());
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException refused) {
            for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
                if (cause instanceof ValueInstantiationException instantiation) {
                    Throwable reason = instantiation.getCause() == null ? instantiation : instantiation.getCause();
                    throw HttpError.badParameters(flow, List.of(new Problem("", type.get().getSimpleName()
                            + " refused the parameters: " + reason.getMessage())));
                }
            }
            String message = refused.getMessage() == null ? refused.toString() : refused.getMessage().lines()
                    .findFirst().orElse("");
            throw HttpError.badParameters(flow, List.of(new Problem("", "the parameters do not fit "
                    + type.get().getSimpleName() + ": " + message)));
        }
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<Problem> problems) {
        String field = path.isEmpty() ? "(body)" : path;
        if (value.isNull()) {
            problems.add(new Problem(field, "must not be null; give a value or leave it out if it is optional"));
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "string" -> checkString(schema, value, field, problems);
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(new Problem(field, "expected true or false, got " + ParameterSchema.show(value)));
                }
            }
            case "integer" -> checkInteger(schema, value, field, problems);
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(new Problem(field, "expected a number, got " + ParameterSchema.show(value)));
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(new Problem(field, "expected a list (a JSON array), got " + ParameterSchema.show(value)));
                    return;
                }
                Set<JsonNode> seen = new HashSet<>();
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
                    if (schema.path("uniqueItems").asBoolean() && !seen.add(value.get(i))) {
                        problems.add(new Problem(path + "[" + i + "]", "repeats " + ParameterSchema.show(value.get(i))
                                + ", and the set takes each value once"));
                    }
                }
            }
            case "object" -> checkObject(schema, value, path, field, problems);
            default -> {
                // a type the schema leaves open: Jackson decides when the record is built
            }
        }
    }

    private static void checkString(JsonNode schema, JsonNode value, String field, List<Problem> problems) {
        if (!value.isTextual()) {
            problems.add(new Problem(field, "expected " + (schema.has("enum") ? "one of " + constants(schema) : "a string")
                    + ", got " + ParameterSchema.show(value)));
            return;
        }
        String text = value.asText();
        if (schema.has("enum")) {
            boolean known = false;
            for (JsonNode constant : schema.get("enum")) {
                known |= constant.asText().equalsIgnoreCase(text);
            }
            if (!known) {
                problems.add(new Problem(field, "expected one of " + constants(schema) + ", got " + ParameterSchema.show(value)));
            }
            return;
        }
        if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()
                || schema.has("minLength") && text.length() < schema.get("minLength").asInt()) {
            problems.add(new Problem(field, "expected a single character, got " + ParameterSchema.show(value)));
            return;
        }
        String format = schema.path("format").asText("");
        try {
            switch (format) {
                case "date" -> LocalDate.parse(text);
                case "date-time" -> {
                    if (!schema.path("description").asText("").contains("local")) {
                        OffsetDateTime.parse(text);
                    } else {
                        java.time.LocalDateTime.parse(text);
                    }
                }
                case "time" -> LocalTime.parse(text);
                case "duration" -> Duration.parse(text);
                case "uuid" -> UUID.fromString(text);
                case "uri" -> java.net.URI.create(text);
                default -> {
                    // any string
                }
            }
        } catch (DateTimeParseException | IllegalArgumentException notThatFormat) {
            problems.add(new Problem(field, "expected " + describeFormat(format) + ", got " + ParameterSchema.show(value)));
        }
    }

    private static String describeFormat(String format) {
        return switch (format) {
            case "date" -> "an ISO date such as 2026-01-31";
            case "date-time" -> "an ISO date and time such as 2026-01-31T12:00:00Z";
            case "time" -> "an ISO time such as 12:30:00";
            case "duration" -> "an ISO duration such as PT30S";
            case "uuid" -> "a UUID";
            default -> "a URI";
        };
    }

    private static void checkInteger(JsonNode schema, JsonNode value, String field, List<Problem> problems) {
        boolean whole = value.isIntegralNumber()
                || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
        if (!whole) {
            problems.add(new Problem(field, "expected a whole number, got " + ParameterSchema.show(value)));
            return;
        }
        if (schema.has("minimum") && value.bigIntegerValue().compareTo(schema.get("minimum").bigIntegerValue()) < 0
                || schema.has("maximum") && value.bigIntegerValue().compareTo(schema.get("maximum").bigIntegerValue()) > 0) {
            problems.add(new Problem(field, "expected a whole number from " + schema.get("minimum") + " to "
                    + schema.get("maximum") + ", got " + ParameterSchema.show(value)));
        }
    }

    private static void checkObject(JsonNode schema, JsonNode value, String path, String field, List<Problem> problems) {
        if (!value.isObject()) {
            problems.add(new Problem(field, "expected an object, got " + ParameterSchema.show(value)));
            return;
        }
        String prefix = path.isEmpty() ? "" : path + ".";
        JsonNode properties = schema.get("properties");
        if (properties == null) {
            JsonNode values = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                check(values, entry.getValue(), prefix + entry.getKey(), problems);
            }
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode property = properties.get(entry.getKey());
            if (property == null) {
                List<String> known = new ArrayList<>();
                properties.fieldNames().forEachRemaining(known::add);
                problems.add(new Problem(prefix + entry.getKey(), "is not a parameter of this flow; "
                        + (known.isEmpty() ? "it takes none" : "the parameters are " + String.join(", ", known))));
                continue;
            }
            check(property, entry.getValue(), prefix + entry.getKey(), problems);
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                JsonNode property = properties.get(required.asText());
                problems.add(new Problem(prefix + required.asText(), "is required, and was not given (expected "
                        + expects(property) + ")"));
            }
        }
    }

    /** What a schema expects, in words. */
    static String expects(JsonNode schema) {
        String format = schema.path("format").asText("");
        return switch (schema.path("type").asText("")) {
            case "string" -> schema.has("enum") ? "one of " + constants(schema) : format.isEmpty() ? "a string"
                    : describeFormat(format);
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "array" -> "a list of " + expects(schema.path("items")).replaceFirst("^an? ", "") + "s";
            case "object" -> schema.has("title") ? "an object " + schema.get("title").asText() : "an object";
            default -> "a value";
        };
    }

    private static String constants(JsonNode schema) {
        List<String> all = new ArrayList<>();
        schema.get("enum").forEach(constant -> all.add(constant.asText()));
        return String.join(", ", all);
    }

    /** Fills what was left out: declared defaults, false, empty lists and maps, implicit records. */
    private static void fillDefaults(JsonNode schema, JsonNode value) {
        if (!value.isObject() || !schema.has("properties")) {
            return;
        }
        ObjectNode object = (ObjectNode) value;
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode property = entry.getValue();
            if (!object.has(entry.getKey())) {
                if (property.has("default")) {
                    object.set(entry.getKey(), property.get("default").deepCopy());
                } else {
                    switch (property.path("type").asText("")) {
                        case "boolean" -> object.put(entry.getKey(), false);
                        case "array" -> object.putArray(entry.getKey());
                        case "object" -> object.putObject(entry.getKey());
                        default -> {
                            // null, or Optional.empty(): Jackson's own absent value
                        }
                    }
                }
            }
            if (object.has(entry.getKey())) {
                fillDefaults(property, object.get(entry.getKey()));
            }
        }
    }

    /** The problems as one sentence. */
    static String describe(List<Problem> problems) {
        return problems.stream().map(p -> (p.field().isEmpty() ? "" : p.field() + " ") + p.problem())
                .collect(Collectors.joining("; "));
    }
}
