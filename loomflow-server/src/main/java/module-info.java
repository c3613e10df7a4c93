/**
 * Loomflow server: a JSON API, server-sent events and a web UI to start flows and watch their runs.
 *
 * <p>Exports one API package, {@code io.loomflow.server} ({@link io.loomflow.server.LoomflowServer});
 * the HTTP handlers, pages and schemas live in {@code io.loomflow.server.internal}. HTTP is served
 * by the JDK's own server ({@code jdk.httpserver}) on virtual threads.
 */
module io.loomflow.server {
    requires transitive io.loomflow;
    requires transitive io.loomflow.store;
    requires transitive io.loomflow.workers; // LoomflowServer.Builder.queue(WorkQueue)
    requires transitive io.loomflow.schedules; // LoomflowServer.Builder.scheduler(Scheduler)
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires transitive jdk.httpserver; // LoomflowServer.handler() is an HttpHandler
    requires java.compiler; // dev mode compiles flow sources in the process
    requires java.management; // dev mode's status counts threads
    requires com.fasterxml.jackson.annotation; // the API's response records say which values may be left out
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;

    exports io.loomflow.server;

    // Jackson writes the server's small response records.
    opens io.loomflow.server.internal to com.fasterxml.jackson.databind;
}
