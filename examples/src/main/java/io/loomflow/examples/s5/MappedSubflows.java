package io.loomflow.examples.s5;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Param;
import io.loomflow.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scenario S5: a flow maps a task over many items; each task calls a subflow. The parent finishes
 * only when every child has, a failing child's error reaches the caller unchanged, and the program
 * exits at once with nothing printed but its output.
 *
 * <p>Run it with {@code ./mvnw -q -pl examples exec:exec}. Arguments: the number of items (default
 * 1000) and, optionally, {@code --fail-at N} to make item N's subflow fail.
 */
public final class MappedSubflows {

    /**
     * The parameters of the flow: how many items (1 to 1,000,000), and which one fails (0 for none).
     *
     * @param items how many items to map over
     * @param failAt the item whose subflow fails, or 0 for none
     */
    public record Params(@Param.Min(1) @Param.Max(1_000_000) int items, @Param.Min(0) int failAt) {
    }

    /** What the subflow throws for the item chosen to fail. */
    public static final class ItemFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        ItemFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The subflow each task calls: looks the item up (the short sleep stands for I/O) and squares it. */
    static Flow<Integer, Integer> enrich(int failAt) {
        return Flow.named("enrich", (Integer item) -> {
            Thread.sleep(Duration.ofMillis(5));
            if (item == failAt) {
                throw new ItemFailedException("item " + item + " could not be enriched",
                        new IOException("lookup of item " + item + " timed out"));
            }
            return item * item;
        });
    }

    /**
     * The mapped task: calls the subflow for one item. Its results are persisted, so that when a run
     * fails, a resume of it ({@code loomflow run s5 --resume RUN -p failAt=0}) reuses the items that
     * completed (they end Cached) and runs only the others. On an engine without a result store, as
     * in {@link #main}, it simply runs.
     */
    static Task<Integer, Integer> process(int failAt) {
        Flow<Integer, Integer> enrich = enrich(failAt);
        return Task.named("process", (Integer item) -> enrich.call(item) + 1).withPersistedResult();
    }

    /** The flow: maps the task over items 1..n and returns the results in input order. */
    public static Flow<Params, List<Integer>> flow() {
        return Flow.named("s5", Params.class, (Params params) -> process(params.failAt())
                .map(IntStream.rangeClosed(1, params.items()).boxed())
                .join());
    }

    private MappedSubflows() {
    }

    /**
     * Runs the scenario on the default engine and prints the results and the run tree; exits with
     * status 1 if the flow failed.
     *
     * @param args {@code [items] [--fail-at N]}
     */
    public static void main(String[] args) {
        Params params = parse(args);
        RunTree tree = new RunTree();
        boolean failed = false;
        try (var subscription = Engine.defaultEngine().subscribe(tree)) {
            List<Integer> results = flow().run(params);
            long sum = results.stream().mapToLong(Integer::longValue).sum();
            System.out.println("results: " + results.size() + " items, first "
                    + results.subList(0, Math.min(5, results.size())) + ", sum " + sum);
        } catch (Exception failure) { // the flow rethrows exactly what the subflow threw, checked or not
            failed = true;
            System.out.println("failed: " + failure + (failure.getCause() == null ? "" : ", caused by " + failure.getCause()));
        }
        System.out.println("run tree:");
        System.out.print(tree.render());
        if (failed) {
            System.exit(1);
        }
    }

    private static Params parse(String[] args) {
        int items = 1000;
        int failAt = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--fail-at") && i + 1 < args.length) {
                failAt = number("--fail-at", args[++i]);
            } else {
                items = number("the number of items", args[i]);
            }
        }
        return new Params(items, failAt);
    }

    private static int number(String what, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException notANumber) {
            System.err.println("Usage: MappedSubflows [items] [--fail-at N]; " + what + " must be a whole number, was '"
                    + value + "'");
            System.exit(2);
            throw notANumber;
        }
    }
}
