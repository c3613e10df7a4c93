package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters from YAML reach nodes as params: inputs, nested ones by their dotted path. */
class ParametersTest {

    @TempDir
    Path conf;

    @Test
    void nestedParametersAreReachableByDottedPath() throws Exception {
        Path file = conf.resolve("parameters.yml");
        Files.writeString(file, """
                test_size: 0.2
                model_options:
                  features: [engines, passenger_capacity]
                  seed: 7
                """);
        Map<String, Object> parameters = Parameters.load(file);
        assertThat(parameters).containsEntry("test_size", 0.2).containsEntry("model_options.seed", 7)
                .containsEntry("model_options.features", List.of("engines", "passenger_capacity"));
        Node split = Node.of("split", List.of("params:test_size", "params:model_options.features"), List.of("plan"),
                inputs -> inputs.get("params:test_size") + " of " + inputs.get("params:model_options.features"));
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Pipeline.of(split).toFlow("split", Catalog.builder().build(), parameters),
                    PipelineRun.all())).isEqualTo(Map.of("plan", "0.2 of [engines, passenger_capacity]"));
        }
    }

    @Test
    void aParameterGivenWithoutAValueReachesItsNodeAsNull() throws Exception {
        Path file = conf.resolve("parameters.yml");
        Files.writeString(file, "threshold:\nlabel: shuttles\n");
        Map<String, Object> parameters = Parameters.load(file);
        assertThat(parameters).containsEntry("threshold", null).containsEntry("label", "shuttles");
        Node describe = Node.of("describe", List.of("params:threshold", "params:label"), List.of("text"),
                inputs -> inputs.get("params:label") + " above " + inputs.get("params:threshold"));
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Pipeline.of(describe).toFlow("describe", Catalog.builder().build(), parameters),
                    PipelineRun.all())).isEqualTo(Map.of("text", "shuttles above null"));
        }
    }

    @Test
    void aBrokenFileIsNamedWithItsLine() throws Exception {
        Path file = conf.resolve("parameters.yml");
        Files.writeString(file, "a: 1\nb: [2, 3\n");
        assertThatThrownBy(() -> Parameters.load(file)).isInstanceOf(CatalogException.class)
                .hasMessageStartingWith(file + ":3:1: not valid YAML: ");
        Files.writeString(file, "- just\n- a list\n");
        assertThatThrownBy(() -> Parameters.load(file)).hasMessage(file
                + ":1:1: parameters must be a mapping of names to values (key: value lines)");
    }

    @Test
    void anchorsAliasesAndMergeKeysWithinTheLimitsStillWork() throws Exception {
        Path file = conf.resolve("parameters.yml");
        Files.writeString(file, """
                defaults: &defaults { seed: 7, rate: 0.1 }
                small: { <<: *defaults, rate: 0.2 }
                large: *defaults
                sizes: &sizes [1, 2, 3]
                grid: [*sizes, *sizes]
                """);
        assertThat(Parameters.load(file)).containsEntry("small.seed", 7).containsEntry("small.rate", 0.2)
                .containsEntry("large.rate", 0.1).containsEntry("grid", List.of(List.of(1, 2, 3), List.of(1, 2, 3)));
    }
}
