package io.loomflow.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

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
