package io.loomflow.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The wall time of {@code loomflow run hello} as a whole process, next to {@link PlainHello}, a
 * plain program that opens the same embedded database and runs one virtual-thread task, both
 * started the same way from this harness, alternately, each in a fresh working directory whose
 * database already exists (the first run of each, which creates it, is a warm-up).
 *
 * <p>Usage, from the repository root after {@code ./loomflow} has built itself once:
 * {@code java -cp benchmarks/target/benchmarks.jar io.loomflow.benchmarks.StartupComparison [rounds]}.
 */
public final class StartupComparison {

    private StartupComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param args the number of rounds (default 15)
     * @throws Exception if a process cannot start or fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.printEnvironment("StartupComparison");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path root = Path.of("").toAbsolutePath();
        Path loomflow = root.resolve("loomflow");
        if (!Files.isExecutable(loomflow)) {
            throw new IllegalStateException("run this from the repository root, where ./loomflow is; got " + root);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(StartupComparison.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path work = Files.createTempDirectory("loomflow-startup");
        List<String> plain = List.of(java, "-cp", jar, PlainHello.class.getName(), work.resolve("plain").toString());
        List<String> hello = List.of(loomflow.toString(), "run", "hello", "--param", "name=World");

        time(plain, work);
        time(hello, work);
        List<Double> plainMillis = new ArrayList<>();
        List<Double> helloMillis = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            plainMillis.add(time(plain, work));
            helloMillis.add(time(hello, work));
        }
        double plainMedian = median(plainMillis);
        double helloMedian = median(helloMillis);
        System.out.printf(Locale.ROOT, "%d rounds, medians:%n", rounds);
        System.out.printf(Locale.ROOT, "  plain program (H2 file + one virtual-thread task)   %7.1f ms%n", plainMedian);
        System.out.printf(Locale.ROOT, "  ./loomflow run hello                                %7.1f ms  (%.2fx)%n", helloMedian,
                helloMedian / plainMedian);
    }

    private static double time(List<String> command, Path directory) throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(new File(directory.toFile(), "stderr.txt"))
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + directory.resolve("stderr.txt"));
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
