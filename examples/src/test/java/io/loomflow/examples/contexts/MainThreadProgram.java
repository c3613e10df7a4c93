package io.loomflow.examples.contexts;

import io.loomflow.Engine;
import java.util.Map;

/**
 * A program for {@link MainThreadTest}: from the JVM's real {@code main} thread, marks the thread as
 * a caller would (a thread-local value, a context class loader of its own), runs {@link MatrixFlows}
 * through every entry point (each checked to leave the thread unchanged), closes its engine, and
 * prints the results and the threads left. Returns from {@code main} with the default engine still
 * open: its shutdown hook closes it, and the JVM must exit at once.
 */
public final class MainThreadProgram {

    private MainThreadProgram() {
    }

    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        System.out.println("thread: " + main.getName() + ", virtual " + main.isVirtual());
        TrackingThreadFactory threads = new TrackingThreadFactory("loomflow-main-");
        try (var _ = CallerState.mark("main")) {
            CallerState before = CallerState.capture();
            try (Engine engine = Engine.builder().name("main").threadFactory(threads).build()) {
                Map<EntryPoint, String> results = MatrixHarness.runEveryEntryPoint(engine);
                results.forEach((entryPoint, result) -> System.out.println(entryPoint + ": " + result));
            }
            System.out.println("main thread unchanged: " + CallerState.capture().equals(before));
        }
        System.out.println("engine threads made: " + (threads.created() > 0 ? "some" : "none")
                + ", alive after close: " + threads.notTerminated().size());
        System.out.println("non-daemon threads: " + ThreadCensus.watched().stream()
                .filter(t -> !t.isDaemon()).map(Thread::getName).sorted().toList());
    }
}
