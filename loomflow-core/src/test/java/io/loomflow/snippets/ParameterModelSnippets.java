package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.ParameterException;
import io.loomflow.ParameterModel;
import io.loomflow.Param.Max;
import io.loomflow.Param.Min;
import io.loomflow.Param.NotBlank;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example in the javadoc of {@link ParameterModel}, run. */
class ParameterModelSnippets {

    // @start region="params"
    public record Params(String name, int count) {
        public static Params defaults() { return new Params("World", 3); }
    }
    // @end

    @Test
    void jsonAndTextBindToTheRecordLeftOutComponentsTakeTheirDefaults() {
        // @start region="bind"
        ParameterModel<Params> model = ParameterModel.of(Params.class);
        Params fromJson = model.bind(Map.of("name", "Ada"));        // count takes its default, 3
        Params fromText = model.bindText(List.of("count=128"));     // name takes its default
        // @end
        assertThat(fromJson).isEqualTo(new Params("Ada", 3));
        assertThat(fromText).isEqualTo(new Params("World", 128));
    }

    // @start region="constraints"
    public record Batch(@Min(1) @Max(1000) int items, @NotBlank String label) {
    }
    // @end

    @Test
    void constraintsAreCheckedOnEveryBind() {
        ParameterModel<Batch> model = ParameterModel.of(Batch.class);
        assertThat(model.bindText(List.of("items=1000", "label=nightly"))).isEqualTo(new Batch(1000, "nightly"));
        assertThatThrownBy(() -> model.bindText(List.of("items=-5", "label=nightly")))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("items: must be from 1 to 1000, got -5");
    }
}
