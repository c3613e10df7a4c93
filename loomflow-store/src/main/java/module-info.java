/**
 * Loomflow store: the run history, recorded from an engine's event stream, in memory, in an
 * embedded H2 file, or in PostgreSQL.
 *
 * <p>Exports one API package, {@code io.loomflow.store}; implementations live in {@code
 * io.loomflow.store.internal}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.loomflow.store {
    requires transitive io.loomflow;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires transitive com.fasterxml.jackson.databind; // LoomflowJson hands out a JsonMapper.Builder
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires java.sql;
    requires com.zaxxer.hikari;
    // Flyway ships no module name; this is the name the JDK derives from flyway-core-VERSION.jar.
    requires flyway.core;

    exports io.loomflow.store;

    // Flyway finds the migrations by scanning this module's resources.
    opens io.loomflow.store.migration.h2;
    opens io.loomflow.store.migration.postgresql;
    // Flyway creates its logger, FlywayLog, by name.
    opens io.loomflow.store.internal to flyway.core;
}
