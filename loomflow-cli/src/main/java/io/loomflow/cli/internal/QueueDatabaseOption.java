package io.loomflow.cli.internal;

import picocli.CommandLine.Option;

/**
 * {@code --db} of the commands of workers ({@code worker}, {@code workers}, {@code submit}): the
 * PostgreSQL database the queue is in. Default: {@code LOOMFLOW_DB}. Workers need PostgreSQL (they
 * claim runs with {@code FOR UPDATE SKIP LOCKED} and wake each other with {@code LISTEN/NOTIFY}),
 * so anything else is refused with one line that says so and shows a URL.
 */
final class QueueDatabaseOption {

    /** The URL the messages show as an example. */
    static final String EXAMPLE = "jdbc:postgresql://localhost:5432/loomflow?user=loomflow&password=secret";

    @Option(names = "--db", paramLabel = "URL", defaultValue = "${env:LOOMFLOW_DB}",
            description = "The PostgreSQL database of the queue and the run history (default: $LOOMFLOW_DB), such as "
                    + EXAMPLE + ". Workers need PostgreSQL: the embedded store cannot serve them.")
    String db;

    /** The PostgreSQL URL given, or exit 2 with what to pass. */
    String url() {
        return postgres(db);
    }

    /**
     * Checks that {@code given} (a {@code --db} value) is a PostgreSQL URL.
     *
     * @throws CliException exit 2 naming the value, with an example URL
     */
    static String postgres(String given) {
        if (given == null || given.isBlank()) {
            throw CliException.badInput("workers need a PostgreSQL database; pass --db " + EXAMPLE
                    + " (or set LOOMFLOW_DB)");
        }
        String url = given.strip();
        if (!url.startsWith("jdbc:postgresql:")) {
            String what = url.startsWith("jdbc:h2:") ? "an H2 database" : url.startsWith("jdbc:") ? "not PostgreSQL"
                    : "the embedded store's directory";
            throw CliException.badInput("--db " + TerminalText.line(url.replaceAll("(?i)(password=)[^&;]*", "$1***"))
                    + " is " + what + ", and workers need PostgreSQL (they claim runs with FOR UPDATE SKIP LOCKED and"
                    + " wake each other with LISTEN/NOTIFY); pass --db " + EXAMPLE);
        }
        return url;
    }
}
