package io.loomflow.store;

import java.nio.file.Path;

/**
 * Run by {@link ReadOnlyStoreTest} in a child JVM: opens the embedded store in {@code args[0]} for
 * reading, prints {@code reading N runs}, and holds it open until its standard input ends.
 */
public final class ReadingProgram {

    private ReadingProgram() {
    }

    /**
     * Runs the program.
     *
     * @param args the store's directory
     * @throws Exception never, in practice
     */
    public static void main(String[] args) throws Exception {
        try (RunStore history = RunStore.embeddedReadOnly(Path.of(args[0]))) {
            System.out.println("reading " + history.runs(RunQuery.all()).size() + " runs");
            System.out.flush();
            System.in.readAllBytes();
        }
    }
}
