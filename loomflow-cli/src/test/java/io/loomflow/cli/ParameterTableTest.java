package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.cases.ParameterCases;
import io.loomflow.cases.ParameterCases.Case;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one table of parameter binding ({@code io/loomflow/cases/parameters.tsv}, shared with core and
 * the server) through {@code loomflow run knobs --param FIELD=TEXT}: a row that fits prints the
 * record with that value; one that does not exits 2 naming the field and what it expects, with no
 * stack trace.
 */
class ParameterTableTest {

    @TempDir
    static Path directory;

    static Stream<Case> typed() {
        return ParameterCases.typed().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typed")
    void everyTypedRowIsBoundAsTheTableSays(Case row) throws Exception {
        Command command = Command.run("run", "knobs", "--param", row.pair(), "--db", directory.resolve("history").toString(),
                "--progress", "plain");

        if (row.fits()) {
            assertThat(command.exitCode()).as(command.toString()).isZero();
            String out = command.out();
            JsonNode result = new ObjectMapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
            Object value = new ObjectMapper().treeToValue(result.path(row.field().split("\\.")[0]), Object.class);
            assertThat(ParameterCases.same(value, row.expected())).as("%s printed %s", row, value).isTrue();
        } else {
            assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
            assertThat(command.err()).as(command.toString()).contains("parameter '" + row.problemField() + "'")
                    .contains(row.expected()).doesNotContain("\tat ").doesNotContain("Exception");
            // a control character in a value is shown escaped, never sent to the terminal
            assertThat(command.err()).doesNotContain("\u001b");
        }
    }
}
