package io.loomflow.cli.internal;

import io.loomflow.store.RunIdPrefix;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Parses run ids as the commands take them: a whole id, the start of a root run's id, or
 * {@code last}. Run ids are time-ordered (version 7 UUIDs): the runs below a root share the first 13
 * to 15 characters of its id, so a prefix names a root run, and a run below a root takes its whole id.
 */
final class Runs {

    /** What {@code last} names. */
    static final String LAST = "last";
    /** How many runs an ambiguous prefix lists. */
    static final int MATCHES_SHOWN = 10;

    private static final String WHAT_AN_ID_IS = "a run id is a UUID such as 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a, as"
            + " 'loomflow runs' lists them, the first characters of a root run's id (0194f3c2), or 'last'";

    private Runs() {
    }

    /**
     * A run as it was given, read before the store is opened so that bad input opens nothing.
     *
     * @param given the text given
     * @param id the whole id, if that is what was given
     * @param prefix the start of an id, if that is what was given
     */
    record Named(String given, @Nullable UUID id, @Nullable RunIdPrefix prefix) {

        /** Tells whether {@code last} was given. */
        boolean last() {
            return id == null && prefix == null;
        }

        /** The run named, from the store: the whole id as given, the one root run the prefix matches, or the last. */
        UUID resolve(RunStore history, StoreOption store, @Nullable String flow, ZoneId zone) {
            if (id != null) {
                return id;
            }
            if (prefix == null) {
                RunQuery newest = new RunQuery(null, flow, true, 1);
                return history.runs(newest).stream().findFirst().map(RunRecord::id)
                        .orElseThrow(() -> none(store, flow));
            }
            List<RunRecord> matches = history.runsByIdPrefix(prefix.text(), true, MATCHES_SHOWN + 1);
            if (matches.size() == 1) {
                return matches.getFirst().id();
            }
            if (matches.isEmpty()) {
                throw noMatch(given, store);
            }
            StringBuilder message = new StringBuilder("'" + given + "' starts the ids of "
                    + (matches.size() > MATCHES_SHOWN ? "more than " + MATCHES_SHOWN : matches.size())
                    + " root runs; give more characters of the one you mean:");
            matches.stream().limit(MATCHES_SHOWN).forEach(run -> message.append("\n  ").append(run.id()).append("  ")
                    .append(TerminalText.line(run.name())).append("  started ")
                    .append(Text.dateTime(run.createdAt(), zone)));
            if (matches.size() > MATCHES_SHOWN) {
                message.append("\n  ...");
            }
            throw CliException.badInput(message.toString());
        }
    }

    /**
     * The run in {@code text}: a whole id, the start of a root run's id, or {@code last}.
     *
     * @throws CliException if it is none of these
     */
    static Named named(String text) {
        if (text.toLowerCase(Locale.ROOT).equals(LAST)) {
            return new Named(text, null, null);
        }
        if (text.length() == 36) {
            return new Named(text, id(text), null);
        }
        try {
            return new Named(text, null, RunIdPrefix.of(text));
        } catch (IllegalArgumentException notAPrefix) {
            throw CliException.badInput("'" + TerminalText.line(text) + "' is not a run id; " + WHAT_AN_ID_IS);
        }
    }

    /**
     * The run id in {@code text}.
     *
     * @throws CliException if it is not a UUID
     */
    static UUID id(String text) {
        return id(text, "", WHAT_AN_ID_IS);
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

    /** The error for a run named that a store which does not exist cannot have. */
    static CliException unknown(Named named, StoreOption store) {
        return named.id() != null ? unknown(named.id(), store) : named.last() ? none(store, null)
                : noMatch(named.given(), store);
    }

    /** The error for a prefix no root run's id starts with. */
    private static CliException noMatch(String prefix, StoreOption store) {
        return CliException.badInput("no root run's id starts with '" + prefix + "' in " + store.describe()
                + "; list them with 'loomflow runs' (a run below a root, as 'loomflow runs --all' lists it, takes its"
                + " whole id), or pass the right --db");
    }

    /** The error for {@code last} when there is no run (of the flow). */
    private static CliException none(StoreOption store, @Nullable String flow) {
        return CliException.badInput("there is no last run" + (flow == null ? "" : " of flow '" + TerminalText.line(flow) + "'")
                + ": no run" + (flow == null ? "" : " of it") + " is recorded in " + store.describe()
                + "; start one with 'loomflow run " + (flow == null ? "FLOW" : TerminalText.line(flow)) + "'");
    }
}
