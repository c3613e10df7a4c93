package io.loomflow.cli.internal;

import io.loomflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --db}: where the run history is. A {@code jdbc:} URL opens that database (PostgreSQL,
 * or H2); anything else is a directory holding the embedded store. Default: {@code LOOMFLOW_DB},
 * else {@code .loomflow} in the working directory.
 */
final class StoreOption {

    static final String DEFAULT_DIRECTORY = ".loomflow";

    @Option(names = "--db", paramLabel = "URL|DIR", defaultValue = "${env:LOOMFLOW_DB}",
            description = "Where the run history is: a directory for the embedded store (default: .loomflow, or"
                    + " $LOOMFLOW_DB), or a JDBC URL such as jdbc:postgresql://HOST:5432/DB?user=U&password=P.")
    String db;

    private String location() {
        return db == null || db.isBlank() ? DEFAULT_DIRECTORY : db.strip();
    }

    private boolean isUrl() {
        return location().startsWith("jdbc:");
    }

    /**
     * Opens the store, creating the embedded one if it does not exist yet.
     *
     * @throws io.loomflow.store.RunStoreException if it cannot be opened; its message says which and why
     */
    RunStore openForWriting() {
        return isUrl() ? RunStore.open(location()) : RunStore.embedded(Path.of(location()));
    }

    /**
     * Opens the store to change what it holds: as {@link #openForWriting()}, but empty, creating
     * nothing, if it is an embedded store that does not exist (nothing was recorded).
     *
     * @throws io.loomflow.store.RunStoreException if it cannot be opened; its message says which and why
     */
    Optional<RunStore> openExistingForWriting() {
        if (!isUrl() && !embeddedExists()) {
            return Optional.empty();
        }
        return Optional.of(openForWriting());
    }

    /**
     * Opens the store to read it only: nothing is created, migrated or written, a damaged store is
     * refused as it is, and a read-only one can be read. Empty if it is an embedded store that does
     * not exist (nothing was recorded).
     *
     * @throws io.loomflow.store.RunStoreException if it cannot be read; its message says which and why
     */
    Optional<RunStore> openForReading() {
        if (isUrl()) {
            return Optional.of(RunStore.openReadOnly(location()));
        }
        if (!embeddedExists()) {
            return Optional.empty();
        }
        return Optional.of(RunStore.embeddedReadOnly(Path.of(location())));
    }

    /**
     * The JDBC URL of the store's database, for tables other modules keep there (the schedules'):
     * the {@code jdbc:} URL given, or the embedded store's; empty, creating nothing, if it is an
     * embedded store that does not exist.
     */
    Optional<String> existingUrl() {
        if (isUrl()) {
            return Optional.of(location());
        }
        return embeddedExists() ? Optional.of(RunStore.embeddedUrl(Path.of(location()))) : Optional.empty();
    }

    /**
     * The JDBC URL a scheduler or a trigger runner keeps its tables at, beside the runs it starts: the {@code jdbc:} URL
     * given, or the embedded store's (H2 with {@code AUTO_SERVER}). A database in memory is refused:
     * its slots would be forgotten with the process, and fired again by the next.
     *
     * @param why what needs it, for the message, such as {@code "the schedules and triggers of conf"}
     * @throws CliException (bad input) for an in-memory database
     */
    String schedulerUrl(String why) {
        if (isUrl()) {
            if (location().regionMatches(true, 0, "jdbc:h2:mem:", 0, "jdbc:h2:mem:".length())) {
                throw CliException.badInput("--db " + location() + " is a database in memory, which " + why + " cannot"
                        + " use: what they fired (a schedule's slot, a trigger's source) would be forgotten when the"
                        + " process ends and fired again by the next; pass --db with a PostgreSQL URL or a directory"
                        + " for the embedded store (such as .loomflow), or remove them");
            }
            return location();
        }
        return RunStore.embeddedUrl(Path.of(location()));
    }

    /** Tells whether the embedded store's file exists; refuses a {@code --db} that names a file. */
    private boolean embeddedExists() {
        if (Files.isRegularFile(Path.of(location()))) {
            throw CliException.badInput("--db " + location() + " is a file; pass the directory that holds the run history"
                    + " (history.mv.db), such as .loomflow, or a jdbc: URL");
        }
        return Files.exists(Path.of(location()).resolve("history.mv.db"));
    }

    /**
     * Where task results are kept for caching and resume: {@code results} in the embedded store's
     * directory, or {@code .loomflow/results} beside a database given by URL.
     */
    Path resultsDirectory() {
        return (isUrl() ? Path.of(DEFAULT_DIRECTORY) : Path.of(location())).resolve("results");
    }

    /** The store as messages name it: {@code the run history at /home/me/project/.loomflow}. */
    String describe() {
        return "the run history at " + (isUrl() ? location().replaceAll("(?i)(password=)[^&;]*", "$1***")
                : Path.of(location()).toAbsolutePath().normalize().toString());
    }
}
