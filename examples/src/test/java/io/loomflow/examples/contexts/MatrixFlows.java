package io.loomflow.examples.contexts;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The flow of the context matrix: it maps a task over items and calls a subflow with the results.
 * The same body is also a task ({@link #TASK}), so that "a task called outside a flow" runs the same
 * work. {@link JShellTest#DEFINITIONS} holds the same definitions as JShell snippets.
 *
 * <p>{@link #reference()} is the result on the reference context (the test thread, an engine of its
 * own), checked once against the same computation in plain Java; every context compares with it.
 */
final class MatrixFlows {

    /** How many items the flow maps its task over. */
    static final int ITEMS = 6;

    /** The mapped task; the short sleep makes each item block (and unmount) for real. */
    static final Task<Integer, Integer> SQUARE = Task.named("square", (Integer x) -> {
        Thread.sleep(Duration.ofMillis(1));
        return x * x;
    });

    /** The subflow. */
    static final Flow<List<Integer>, Integer> SUM = Flow.named("sum",
            (List<Integer> xs) -> xs.stream().mapToInt(Integer::intValue).sum());

    /** The flow under test. */
    static final Flow<Integer, String> FLOW = Flow.named("matrix", MatrixFlows::body);

    /** The same work as a task, for {@code task.call(x)} outside a flow. */
    static final Task<Integer, String> TASK = Task.named("matrix-task", MatrixFlows::body);

    private MatrixFlows() {
    }

    private static String body(int n) {
        List<Integer> squares = SQUARE.map(IntStream.rangeClosed(1, n).boxed().toList()).join();
        return "squares=" + squares + " sum=" + SUM.call(squares);
    }

    /** The result of {@link #FLOW} for {@link #ITEMS}, computed by plain Java. */
    static String plainJava() {
        List<Integer> squares = IntStream.rangeClosed(1, ITEMS).map(x -> x * x).boxed().collect(Collectors.toList());
        return "squares=" + squares + " sum=" + squares.stream().mapToInt(Integer::intValue).sum();
    }

    /** The result on the reference context, computed once. */
    static String reference() {
        return Reference.RESULT;
    }

    private static final class Reference {
        static final String RESULT = compute();

        private static String compute() {
            try (Engine engine = Engine.builder().name("reference").build()) {
                String result = engine.run(FLOW, ITEMS);
                if (!result.equals(plainJava())) {
                    throw new AssertionError("the reference run gave " + result + ", plain Java " + plainJava());
                }
                return result;
            }
        }
    }
}
