package io.loomflow.examples.contexts;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Counts the threads a context might leave behind.
 *
 * <p>Two views, because neither alone sees everything:
 * <ul>
 *   <li>{@link #watched()}: the live platform threads that matter, the non-daemon ones (they keep
 *       a JVM from exiting) and any named {@code loomflow*}. Daemon threads of the JDK and of JUnit
 *       (the virtual-thread carriers {@code ForkJoinPool-1-worker-*}, the common pool, timeout
 *       threads) come and go on their own and are not counted. {@code Thread.getAllStackTraces()}
 *       lists platform threads only.
 *   <li>{@link #loomflowThreads()}: every live thread, virtual ones included, named
 *       {@code loomflow*}, read from a JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads},
 *       which lists virtual threads too). The default engine's threads are virtual and named
 *       {@code loomflow-default-*}; an engine under test names its threads {@code loomflow-*} too.
 * </ul>
 */
final class ThreadCensus {

    private static final Pattern NAME = Pattern.compile("\"name\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    private ThreadCensus() {
    }

    /** The live non-daemon platform threads, and the live platform threads named {@code loomflow*}. */
    static Set<Thread> watched() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (!t.isDaemon() || t.getName().startsWith("loomflow")))
                .collect(Collectors.toSet());
    }

    /**
     * The watched threads alive now that were not in the baseline, after giving threads that are
     * ending (a pool's worker after {@code close()}, a timer thread after {@code cancel()}) up to
     * {@code settle} to terminate.
     */
    static List<String> newSince(Set<Thread> baseline, Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            List<String> extra = watched().stream().filter(t -> !baseline.contains(t))
                    .map(t -> t + (t.isDaemon() ? " (daemon)" : " (non-daemon)")).sorted().toList();
            if (extra.isEmpty() || System.nanoTime() > deadline) {
                return extra;
            }
            Thread.sleep(10);
        }
    }

    /** The names of all live threads, platform or virtual, whose name starts with {@code loomflow}. */
    static List<String> loomflowThreads() {
        try {
            Path dir = Files.createTempDirectory("thread-dump");
            Path file = dir.resolve("threads.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                Matcher names = NAME.matcher(Files.readString(file));
                return names.results().map(m -> m.group(1)).filter(n -> n.startsWith("loomflow")).sorted().toList();
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
