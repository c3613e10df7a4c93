package io.loomflow.cli.internal;

/** What {@code loomflow run} prints on stdout ({@code --output}). */
enum OutputFormat {
    /**
     * Only the result, as JSON, so that stdout can be piped ({@code | jq .}); progress, the run id and
     * any failure summary go to stderr. The default when stdout is not a terminal.
     */
    JSON,
    /** Progress, a line naming the final state and the run id, then the result, all on stdout. The default in a terminal. */
    TEXT;

    /** The format given, or the default when none was: text in a terminal, JSON otherwise. */
    static OutputFormat resolve(OutputFormat given, boolean terminal) {
        return given != null ? given : terminal ? TEXT : JSON;
    }
}
