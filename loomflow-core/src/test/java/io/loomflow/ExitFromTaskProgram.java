package io.loomflow;

/**
 * A program for {@link ExitFromTaskTest}: {@code main} runs a flow on the default engine and waits
 * for it in {@code flow.run}, and the flow's task calls {@code System.exit} with the code given as
 * the only argument. It prints one line before the run; nothing else may appear.
 */
public final class ExitFromTaskProgram {

    private ExitFromTaskProgram() {
    }

    public static void main(String[] args) {
        int code = Integer.parseInt(args[0]);
        Task<Integer, Integer> exit = Task.named("exit", (Integer status) -> {
            System.exit(status);
            return status;
        });
        Flow<Integer, Integer> exits = Flow.named("exits", exit::call);
        System.out.println("running");
        exits.run(code);
        System.out.println("flow.run returned, which it never should");
    }
}
