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
        return id(text, "", "a run id is a UUID such as 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a, as 'loomflow runs' lists them");
    }

    /**
     * The id in {@code text}, given to an option.
     *
     * @param option the option, such as {@code --map}, or empty for the run argument
     * @param where what an id is and where to find one, for the message
     * @throws CliException if it is not a UUID
     */
    static UUID id(String text, String option, String where) {
        try {
            if (text.length() == 36) {
                return UUID.fromString(text);
            }
        } catch (IllegalArgumentException notAUuid) {
            // reported below
        }
        throw CliException.badInput((option.isEmpty() ? "" : option + " ") + "'" + TerminalText.line(text) + "' is not "
                + (option.isEmpty() ? "a run id" : "an id") + "; " + where);
    }

    /** The error for a run the store does not have. */
    static CliException unknown(UUID id, StoreOption store) {
        return CliException.badInput("no run " + id + " in " + store.describe()
                + "; list the runs with 'loomflow runs' (add --all for runs below the roots), or pass the right --db");
    }
}
