package io.loomflow.store.internal;

import io.loomflow.store.RunStoreException;

/** The SQL databases a run store can live in, each with its own migration folder. */
enum SqlDialect {
    /** H2 in a file: the embedded store. */
    H2("h2"),
    /** PostgreSQL, for history shared across machines. */
    POSTGRESQL("postgresql");

    private final String folder;

    SqlDialect(String folder) {
        this.folder = folder;
    }

    String folder() {
        return folder;
    }

    static SqlDialect of(String url, String shown) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new RunStoreException("the run history URL " + shown + " is not one Loomflow can use; pass"
                + " jdbc:postgresql://HOST:PORT/DATABASE, jdbc:h2:file:PATH, or a directory for the embedded store", null);
    }
}
