package io.loomflow.cli.internal;

import java.util.UUID;

/** Parses run ids as the commands take them. */
final class Runs {

    private Runs() {
    }

    /**
     * The run id in {@code text}.
     *
     * @throws CliException if it is not a UUID
     */
    static UUID id(String text) {
        try {
            if (text.length() == 36) {
                return UUID.fromString(text);
            }
        } catch (IllegalArgumentException notAUuid) {
            // reported below
        }
        throw CliException.badInput("'" + text + "' is not a run id; a run id is a UUID such as"
                + " 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a, as 'loomflow runs' lists them");
    }

    /** The error for a run the store does not have. */
    static CliException unknown(UUID id, StoreOption store) {
        return CliException.badInput("no run " + id + " in " + store.describe()
                + "; list the runs with 'loomflow runs' (add --all for runs below the roots), or pass the right --db");
    }
}
