package io.loomflow.store.internal;

import com.zaxxer.hikari.SQLExceptionOverride;
import io.loomflow.store.RunStoreException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns the databases' errors into messages that say which store and what to do. */
final class SqlErrors {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final int H2_FILE_CORRUPTED = 90030;
    private static final int H2_FILE_VERSION = 90048;
    private static final int H2_WRONG_USER_OR_PASSWORD = 28000;
    private static final int H2_IO_EXCEPTION = 90028;
    private static final int H2_DATABASE_READ_ONLY = 90097;
    /** H2's codes for a database closed under its connections: closed, or called while shutting down. */
    private static final Set<Integer> H2_CLOSED = Set.of(90098, 90121);
    /** H2's codes of a database unavailable for now: closed, I/O failed, lock timeout, out of memory, exclusive mode. */
    private static final Set<Integer> H2_UNAVAILABLE = Set.of(90098, 90121, H2_IO_EXCEPTION, 90031, 50200, 90108, 90135);
    /** SQL state classes of an outage: connection, transaction rollback, resources, operator intervention, system error. */
    private static final Pattern OUTAGE_STATES = Pattern.compile("08|40|53|57|58|HYT");
    private static final Pattern DISK_FULL = Pattern.compile("(?i)no space left on device|not enough space on the disk|disk full");

    private SqlErrors() {
    }

    /** The URL as it may be shown: without its password. */
    static String shown(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    /**
     * The exception to throw for {@code failed}, which happened while trying to {@code action} {@code where};
     * it is {@linkplain RunStoreException#isRetryable() retryable} if the database is {@linkplain #isOutage unavailable}.
     */
    static RunStoreException translate(SQLException failed, String where, String action) {
        String state = failed.getSQLState() == null ? "" : failed.getSQLState();
        String reason = firstLine(failed.getMessage());
        boolean outage = isOutage(failed);
        String full = outage ? diskFull(failed) : null;
        if (full != null) {
            return new RunStoreException("the disk that holds the run history at " + where + " is full (" + full
                    + "); free some space there", failed, true);
        }
        if (failed.getErrorCode() == H2_FILE_CORRUPTED || failed.getErrorCode() == H2_FILE_VERSION) {
            return new RunStoreException("the run history file in " + where + " (history.mv.db) is corrupt or not an"
                    + " H2 database (" + reason + "); move it aside to start a new history there, or restore it from a"
                    + " backup", failed);
        }
        if (state.startsWith("08")) {
            return new RunStoreException("cannot reach the run history database at " + where + " (" + reason
                    + "); start the database, or pass another URL with --db", failed, true);
        }
        if (state.startsWith("28") || failed.getErrorCode() == H2_WRONG_USER_OR_PASSWORD) {
            return new RunStoreException("the run history database at " + where + " refused the login (" + reason
                    + "); put the right user and password in the URL (?user=...&password=...)", failed);
        }
        if (state.equals("3D000")) {
            return new RunStoreException("the run history database at " + where + " does not exist (" + reason
                    + "); create it (createdb NAME) or pass another URL with --db", failed);
        }
        return new RunStoreException("could not " + action + " the run history at " + where + ": " + reason, failed,
                outage);
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

    /**
     * Tells whether a failure says the database is unavailable for a while rather than refusing the
     * request: it cannot be reached or is restarting (SQL states 08, 57), lacks resources such as
     * disk space or connections (53), failed an I/O (58, an {@link java.io.IOException} among the
     * causes, H2's I/O errors), was closed under H2 after such an error, timed out, or rolled the
     * transaction back for a conflict (40). Data errors (22, 23) and the rest are not outages.
     */
    static boolean isOutage(SQLException failed) {
        if (BatchWriter.ioFailure(failed) != null) {
            return true;
        }
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (OUTAGE_STATES.matcher(state).lookingAt() || H2_UNAVAILABLE.contains(sql.getErrorCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** What says the disk is full, if a failure says so: the I/O error's message, or the database's. */
    private static String diskFull(SQLException failed) {
        java.io.IOException io = BatchWriter.ioFailure(failed);
        if (io != null && io.getMessage() != null && DISK_FULL.matcher(io.getMessage()).find()) {
            return firstLine(io.getMessage());
        }
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "53100".equals(sql.getSQLState())) {
                return firstLine(sql.getMessage());
            }
        }
        return null;
    }

    /**
     * The pool's rule for connections that an error leaves useless: besides those the pool drops
     * by itself (lost connections), an H2 connection whose database was closed under it, as H2
     * does after it failed to write its file (a full disk), is dropped too, so that the next
     * connection opens the database again once it can be written.
     */
    static final class BrokenConnections implements SQLExceptionOverride {

        @java.lang.Override // Hikari's answer type is also named Override
        public SQLExceptionOverride.Override adjudicate(SQLException failed) {
            for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql && H2_CLOSED.contains(sql.getErrorCode())) {
                    return SQLExceptionOverride.Override.MUST_EVICT;
                }
            }
            return SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
