package io.loomflow.examples.contexts;

import io.loomflow.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A program for {@link ShutdownHookTest}: installs a JVM shutdown hook of the user's own that runs
 * {@link MatrixFlows} through every entry point, on the default engine and on an engine the hook
 * builds, and prints one line per call: {@code hook <entry point>: <result>} or
 * {@code hook <entry point>: failed: <exception type>: <message>}; then whether the engine's
 * threads are gone and the hook's thread is unchanged (thread-local values, context class loader,
 * name, interrupt status), and {@code hook done}.
 *
 * <p>Arguments: a mode, and {@code exit} to end with {@code System.exit(0)} instead of returning
 * from {@code main}.
 * <ul>
 *   <li>{@code warm}: main runs the flow on the default engine first, so Loomflow's own hook is
 *       installed and races with the user's (either outcome is allowed);
 *   <li>{@code closed}: as {@code warm}, but the user's hook first waits until the default engine
 *       refuses work (Loomflow's hook has begun closing it), so the default-engine calls must fail
 *       with a clear message;
 *   <li>{@code cold}: main never touches Loomflow, so the first use is inside the hook, when no
 *       shutdown hook can be added any more.
 * </ul>
 */
public final class ShutdownHookProgram {

    private static final List<EntryPoint> ON_DEFAULT_ENGINE =
            List.of(EntryPoint.FLOW_RUN, EntryPoint.TASK_CALL, EntryPoint.FLOW_RUN_ASYNC);
    private static final List<EntryPoint> ON_OWN_ENGINE =
            List.of(EntryPoint.ENGINE_RUN, EntryPoint.ENGINE_RUN_TASK, EntryPoint.ENGINE_RUN_ASYNC);

    private ShutdownHookProgram() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        boolean exit = args.length > 1 && args[1].equals("exit");
        if (!mode.equals("cold")) {
            System.out.println("main Flow.run: " + MatrixFlows.FLOW.run(MatrixFlows.ITEMS));
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("user-hook").unstarted(() -> hook(mode)));
        System.out.println("main done");
        if (exit) {
            System.exit(0);
        }
    }

    private static void hook(String mode) {
        if (mode.equals("closed")) {
            System.out.println("hook waited for the default engine to refuse work: " + awaitDefaultEngineRefuses());
        }
        CallerState.Marked marked = CallerState.mark("user-hook");
        CallerState before = CallerState.capture();
        for (EntryPoint entryPoint : ON_DEFAULT_ENGINE) {
            System.out.println("hook " + entryPoint + ": " + attempt(() -> entryPoint.run(null, MatrixFlows.ITEMS)));
        }
        System.out.println("hook Engine.defaultEngine(): " + attempt(() -> Engine.defaultEngine().name()));
        TrackingThreadFactory threads = new TrackingThreadFactory("loomflow-hook-");
        try (Engine own = Engine.builder().name("hook").threadFactory(threads).build()) {
            for (EntryPoint entryPoint : ON_OWN_ENGINE) {
                System.out.println("hook own " + entryPoint + ": " + attempt(() -> entryPoint.run(own, MatrixFlows.ITEMS)));
            }
        }
        System.out.println("hook own engine threads alive after close: " + threads.notTerminated().size());
        System.out.println("hook thread unchanged: " + CallerState.capture().equals(before));
        marked.close();
        System.out.println("hook done");
    }

    /** Waits, up to 20 s, until {@code Engine.defaultEngine()} throws; returns whether it did. */
    private static boolean awaitDefaultEngineRefuses() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Engine.defaultEngine();
                Thread.sleep(5);
            } catch (RuntimeException refused) {
                return true;
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private static String attempt(Supplier<String> call) {
        try {
            return call.get();
        } catch (RuntimeException | Error failure) {
            Throwable error = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return "failed: " + error.getClass().getSimpleName() + ": " + error.getMessage();
        }
    }
}
