package io.loomflow.cli;

import io.loomflow.cli.internal.Cli;
import io.loomflow.cli.internal.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.function.ToIntBiFunction;

/** Runs one {@code loomflow} command in this JVM through the public entry point and keeps what it printed. */
record Command(int exitCode, String out, String err) {

    static Command run(String... args) {
        return run((out, err) -> Main.run(args, out, err));
    }

    /** Runs one command in this JVM as the process would in a terminal: the output's defaults are those of a terminal. */
    static Command inATerminal(String... args) {
        return run((out, err) -> Cli.run(args, new CliContext(out, err, System.getenv(), true, false,
                InstantSource.system(), ZoneId.systemDefault())));
    }

    private static Command run(ToIntBiFunction<PrintStream, PrintStream> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = command.applyAsInt(outStream, errStream);
        }
        return new Command(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The run id printed after {@code run}: the last word of the line that ends with it, on stdout with
     * {@code --output text}, else on stderr.
     */
    String runId() {
        return (out + err).lines().filter(line -> line.contains("; run ")).findFirst()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .orElseThrow(() -> new AssertionError("no run id in the output:\n" + out + "\nerr:\n" + err));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
