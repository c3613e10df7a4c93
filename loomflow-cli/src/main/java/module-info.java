/**
 * Loomflow's command line: {@code loomflow run FLOW --param k=v}, {@code runs}, {@code show},
 * {@code logs}, {@code prune}, {@code flows}, {@code server}, {@code dev}, {@code worker}, {@code workers}, {@code submit}, {@code schedules},
 * {@code init}, {@code completion} and {@code shell}.
 *
 * <p>Exports one small API package, {@code io.loomflow.cli} ({@link io.loomflow.cli.Main}); the
 * commands live in {@code io.loomflow.cli.internal}, opened to picocli, which reads their
 * annotations. Flows are found with {@link java.util.ServiceLoader} as
 * {@link io.loomflow.spi.FlowProvider}s.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.cli {
    requires io.loomflow;
    requires io.loomflow.store;
    requires io.loomflow.server;
    requires io.loomflow.workers;
    requires io.loomflow.schedules; // loomflow schedules: list, pause, resume (ScheduleAdmin)
    requires io.loomflow.slf4j; // a task's SLF4J and System.Logger lines captured into its run's log
    requires java.sql; // loomflow worker reads the runs it holds (WorkerRunLog)
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires java.logging;
    // sun.misc.Signal: Ctrl-C and SIGTERM cancel the run before the JVM begins to shut down.
    requires jdk.unsupported;
    requires jdk.jshell; // loomflow shell: JShell in this JVM

    exports io.loomflow.cli;

    opens io.loomflow.cli.internal to info.picocli;

    uses io.loomflow.spi.FlowProvider;

    // loomflow shell's execution engine: JShell's, closing the snippets' default engine on /exit and /reset.
    provides jdk.jshell.spi.ExecutionControlProvider with io.loomflow.cli.internal.ShellExecution;
}
