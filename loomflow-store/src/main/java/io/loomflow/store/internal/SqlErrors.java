package io.loomflow.store.internal;

import io.loomflow.store.RunStoreException;
import java.sql.SQLException;
import java.util.regex.Pattern;

/** Turns the databases' errors into messages that say which store and what to do. */
final class SqlErrors {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final int H2_FILE_CORRUPTED = 90030;
    private static final int H2_FILE_VERSION = 90048;
    private static final int H2_WRONG_USER_OR_PASSWORD = 28000;
    private static final int H2_IO_EXCEPTION = 90028;
    private static final int H2_DATABASE_READ_ONLY = 90097;

    private SqlErrors() {
    }

    /** The URL as it may be shown: without its password. */
    static String shown(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    /** The exception to throw for {@code failed}, which happened while trying to {@code action} {@code where}. */
    static RunStoreException translate(SQLException failed, String where, String action) {
        String state = failed.getSQLState() == null ? "" : failed.getSQLState();
        String reason = firstLine(failed.getMessage());
        if (failed.getErrorCode() == H2_FILE_CORRUPTED || failed.getErrorCode() == H2_FILE_VERSION) {
            return new RunStoreException("the run history file in " + where + " (history.mv.db) is corrupt or not an"
                    + " H2 database (" + reason + "); move it aside to start a new history there, or restore it from a"
                    + " backup", failed);
        }
        if (state.startsWith("08")) {
            return new RunStoreException("cannot reach the run history database at " + where + " (" + reason
                    + "); start the database, or pass another URL with --db", failed);
        }
        if (state.startsWith("28") || failed.getErrorCode() == H2_WRONG_USER_OR_PASSWORD) {
            return new RunStoreException("the run history database at " + where + " refused the login (" + reason
                    + "); put the right user and password in the URL (?user=...&password=...)", failed);
        }
        if (state.equals("3D000")) {
            return new RunStoreException("the run history database at " + where + " does not exist (" + reason
                    + "); create it (createdb NAME) or pass another URL with --db", failed);
        }
        return new RunStoreException("could not " + action + " the run history at " + where + ": " + reason, failed);
    }

    /**
     * The exception to throw for {@code failed}, which happened while opening {@code where} read-only.
     * H2 answers "read only" when a file could be opened only by writing to it: a damaged file, whose
     * open in write mode would replace it with an empty store.
     */
    static RunStoreException translateOpenForReading(SQLException failed, String where) {
        int code = failed.getErrorCode();
        if (code == H2_DATABASE_READ_ONLY || code == H2_IO_EXCEPTION || code == H2_FILE_CORRUPTED
                || code == H2_FILE_VERSION) {
            return new RunStoreException("the run history file " + where + java.io.File.separator + "history.mv.db is"
                    + " damaged or not an H2 database (" + firstLine(failed.getMessage()) + (code == H2_DATABASE_READ_ONLY
                    ? ": H2 could open it only by rewriting it, as when the file was cut short" : "") + "); it was left"
                    + " as it was. Restore it from a backup, or move it aside to start a new history there", failed);
        }
        return translate(failed, where, "open");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
