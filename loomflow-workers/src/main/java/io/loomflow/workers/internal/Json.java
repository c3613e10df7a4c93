package io.loomflow.workers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.store.LoomflowJson;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How queued runs' parameters and results travel: JSON in Loomflow's one configuration
 * ({@link LoomflowJson}). Parameters are checked at submit by reading them back as the flow's
 * parameter type, so that what a worker cannot build is refused there, naming the field.
 *
 * <p>Thread-safe: one mapper per queue or worker.
 */
final class Json {

    private final ObjectMapper mapper = LoomflowJson.builder().build();

    ObjectMapper mapper() {
        return mapper;
    }

    /** Writes a flow's parameters, and checks that a worker can read them back. */
    String writeParameters(Flow<?, ?> flow, @Nullable Object params) {
        String json;
        try {
            json = mapper.writeValueAsString(params);
        } catch (JsonProcessingException failed) {
            throw unusable(flow, params, failed, "written as JSON");
        }
        if (flow.parameterType().isPresent()) {
            try {
                mapper.readValue(json, flow.parameterType().get());
            } catch (JsonProcessingException failed) {
                throw unusable(flow, params, failed, "read back as " + flow.parameterType().get().getName());
            }
        }
        return json;
    }

    private static IllegalArgumentException unusable(Flow<?, ?> flow, @Nullable Object params,
                                                     JsonProcessingException failed, String how) {
        String field = failed instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? "field '" + mapping.getPath().stream()
                        .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                                : String.valueOf(reference.getIndex()))
                        .collect(Collectors.joining(".")) + "' of "
                : "";
        return new IllegalArgumentException("the parameters of flow '" + flow.name() + "' cannot be queued: " + field
                + "the parameters (" + (params == null ? "null" : params.getClass().getName()) + ") cannot be " + how
                + " (" + failed.getOriginalMessage() + "); a worker in another JVM reads them from JSON, so pass a"
                + " record of plain values (text, numbers, lists, maps, records, java.time values)", failed);
    }

    /**
     * Reads a queued run's parameters as the flow's parameter type, or as plain JSON values without
     * one, and checks them by the constraints the record declares, as every bind does.
     *
     * @throws io.loomflow.ParameterException naming each field that does not fit a constraint
     */
    @SuppressWarnings("unchecked")
    @Nullable Object readParameters(Flow<?, ?> flow, String json) throws JsonProcessingException {
        Class<?> type = flow.parameterType().orElse(Object.class);
        Object parameters = mapper.readValue(json, type);
        ((ParameterModel<Object>) ParameterModel.of(flow)).check(parameters);
        return parameters;
    }
}
