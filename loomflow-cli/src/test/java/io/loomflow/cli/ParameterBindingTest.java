package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --param pairs become the flow's parameter record: scalars, enums, lists, nested records, maps, optionals. */
class ParameterBindingTest {

    @TempDir
    Path directory;

    private Command typed(String... params) {
        String[] args = new String[params.length * 2 + 6];
        args[0] = "run";
        args[1] = "typed";
        for (int i = 0; i < params.length; i++) {
            args[2 + 2 * i] = "--param";
            args[3 + 2 * i] = params[i];
        }
        args[args.length - 4] = "--db";
        args[args.length - 3] = directory.resolve("history").toString();
        args[args.length - 2] = "--progress";
        args[args.length - 1] = "plain";
        Command command = Command.run(args);
        assertThat(command.exitCode()).as(command.toString()).isZero();
        return command;
    }

    private static String result(Command command) {
        String out = command.out();
        return out.substring(out.indexOf('{')).replaceAll("\\s+", "");
    }

    @Test
    void everyKindOfParameterIsBound() {
        Command command = typed("count=3", "ratio=0.5", "dry-run=true", "color=green", "ids=1,2", "ids=3",
                "window.from=2026-01-31", "window.length=PT30S", "note=hi", "limits.http=16", "limits.db=4");

        assertThat(result(command)).isEqualTo("{\"count\":3,\"ratio\":0.5,\"dryRun\":true,\"color\":\"GREEN\",\"ids\":[1,2,3],"
                + "\"window\":{\"from\":\"2026-01-31\",\"length\":\"PT30S\"},\"note\":\"hi\",\"limits\":{\"http\":16,\"db\":4}}");
    }

    @Test
    void booleansListsMapsAndOptionalsMayBeLeftOut() {
        Command command = typed("count=3", "ratio=1", "color=RED", "window.from=2026-01-31", "window.length=PT1M");

        assertThat(result(command)).isEqualTo("{\"count\":3,\"ratio\":1.0,\"dryRun\":false,\"color\":\"RED\",\"ids\":[],"
                + "\"window\":{\"from\":\"2026-01-31\",\"length\":\"PT1M\"},\"note\":null,\"limits\":{}}");
    }

    @Test
    void theFlowsCommandListsEachParameterWithWhatItExpects() {
        Command command = Command.run("flows");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).contains("typed  (from io.loomflow.cli.flows.TestFlows in ")
                .contains("  --param count          a whole number from -2147483648 to 2147483647, required\n")
                .contains("  --param dryRun         true or false, optional\n")
                .contains("  --param ids            a list, each a whole number from -2147483648 to 2147483647; comma-separated or"
                        + " repeated, optional\n")
                .contains("  --param window.from    a date such as 2026-01-31, required\n")
                .contains("  --param note           text, optional\n")
                .contains("  --param limits.KEY     a map of names to values, each a whole number from -2147483648 to 2147483647;"
                        + " one NAME.KEY=VALUE per entry, optional\n")
                .contains("plain  (from io.loomflow.cli.flows.TestFlows in ")
                .contains("  no parameters");
    }

    @Test
    void aRecordsDefaultsFillWhatIsLeftOutAsTheServerFillsIt() {
        Command command = Command.run("run", "tuned", "--param", "batch=32", "--param", "window.length=PT1H", "--db",
                directory.resolve("history").toString(), "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(result(command)).isEqualTo("{\"model\":\"small\",\"batch\":32,"
                + "\"window\":{\"from\":\"2026-01-01\",\"length\":\"PT1H\"}}");
        assertThat(Command.run("flows").out()).contains("  --param model          text, default \"small\"\n")
                .contains("  --param batch          a whole number from -2147483648 to 2147483647, default 8\n");
    }
}
