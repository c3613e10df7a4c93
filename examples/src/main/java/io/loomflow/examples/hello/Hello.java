package io.loomflow.examples.hello;

import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;

/**
 * The smallest flow: one task that greets someone. Run it with {@code ./loomflow run hello --param
 * name=World}.
 */
public final class Hello {

    /**
     * The parameters of the flow.
     *
     * @param name who to greet
     */
    public record Params(String name) {
    }

    /** The task: makes the greeting and logs it. */
    static final Task<String, String> GREET = Task.named("greet", (String name) -> {
        String greeting = "Hello, " + name + "!";
        RunContext.current().log().info("greeting %s", name);
        return greeting;
    });

    /** The flow: greets the name given. */
    public static final Flow<Params, String> FLOW = Flow.named("hello", Params.class, (Params p) -> GREET.call(p.name()));

    private Hello() {
    }
}
