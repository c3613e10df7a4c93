package io.loomflow.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** What every harness prints first: the JVM, its flags and the machine it ran on. */
final class Benchmarks {

    private Benchmarks() {
    }

    static void printEnvironment(String harness) {
        Runtime runtime = Runtime.getRuntime();
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        System.out.printf(Locale.ROOT, "%s on %s %s (%s), %d processors, max heap %,d MiB, flags %s%n",
                harness, System.getProperty("java.vm.vendor"), System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), runtime.availableProcessors(),
                runtime.maxMemory() / (1024 * 1024), flags);
    }

    /**
     * The options of a harness: {@code key=value} arguments, each in place of the default of its key.
     *
     * @param values every key with its value
     */
    record Options(Map<String, String> values) {

        /**
         * Reads the arguments over the defaults, and prints the environment and the options.
         *
         * @param defaults keys and their default values, in turn
         * @throws IllegalArgumentException naming the argument, for one whose key has no default
         */
        static Options parse(String harness, String[] args, String... defaults) {
            Map<String, String> known = new LinkedHashMap<>();
            for (int i = 0; i < defaults.length; i += 2) {
                known.put(defaults[i], defaults[i + 1]);
            }
            Map<String, String> values = new LinkedHashMap<>(known);
            for (String arg : args) {
                int equals = arg.indexOf('=');
                if (equals < 0 || !known.containsKey(arg.substring(0, equals))) {
                    throw new IllegalArgumentException("unknown argument '" + arg + "'; pass key=value with a key of "
                            + known.keySet() + " (defaults " + known + ")");
                }
                values.put(arg.substring(0, equals), arg.substring(equals + 1));
            }
            printEnvironment(harness);
            System.out.println("options " + values);
            return new Options(values);
        }

        String text(String key) {
            return values.get(key);
        }

        int number(String key) {
            return Integer.parseInt(values.get(key));
        }
    }

    /** Deletes a directory and everything in it, such as a store made for one measurement. */
    static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** Something to time. */
    interface Run {
        void run() throws Exception;
    }

    /** Runs {@code run} once to warm up, then {@code repeats} times, and returns the median wall time in ms. */
    static double medianMillis(int repeats, Run run) throws Exception {
        run.run();
        java.util.List<Double> millis = new java.util.ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            run.run();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        millis.sort(null);
        return millis.get(millis.size() / 2);
    }
}
