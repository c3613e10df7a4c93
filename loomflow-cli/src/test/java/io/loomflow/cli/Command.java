package io.loomflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs one {@code loomflow} command in this JVM through the public entry point and keeps what it printed. */
record Command(int exitCode, String out, String err) {

    static Command run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = Main.run(args, outStream, errStream);
        }
        return new Command(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The run id printed after {@code run}: the last word of the line that ends with it. */
    String runId() {
        return out.lines().filter(line -> line.contains("; run ")).findFirst()
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .orElseThrow(() -> new AssertionError("no run id in the output:\n" + out + "\nerr:\n" + err));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
