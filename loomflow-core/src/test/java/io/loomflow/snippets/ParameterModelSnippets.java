package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.ParameterModel;
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
}
