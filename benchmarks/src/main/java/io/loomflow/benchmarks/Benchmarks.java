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
}
