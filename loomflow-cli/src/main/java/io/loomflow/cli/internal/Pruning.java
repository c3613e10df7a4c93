package io.loomflow.cli.internal;

import io.loomflow.store.Prune;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@code loomflow prune} asks of the store and how it says what was done: the request built
 * from {@code --older-than} and {@code --keep}, the deletion or, for {@code --dry-run}, a count of
 * what would go, and the one line that reports it.
 */
final class Pruning {

    private static final Pattern COUNT = Pattern.compile("\\d{1,9}");
    /** How many root runs a dry run reads at a time. */
    private static final int ROOTS_PER_READ = 1000;

    private Pruning() {
    }

    /**
     * The request: roots that ended more than {@code olderThan} before {@code now}, beyond the
     * newest {@code keep}, or both (a root goes when every condition given selects it).
     *
     * @throws CliException if neither is given, or one is not a valid value
     */
    static Prune request(Instant now, @Nullable String olderThan, @Nullable String keep) {
        if (olderThan == null && keep == null) {
            throw CliException.badInput("prune needs a condition: --older-than AGE, --keep N or both, such as"
                    + " 'loomflow prune --older-than 30d' or 'loomflow prune --keep 100'");
        }
        Instant endedBefore = olderThan == null ? null : now.minus(Ages.parse("--older-than", olderThan));
        Integer kept = keep == null ? null : count(keep);
        return new Prune(endedBefore, kept);
    }

    private static int count(String text) {
        if (text.isBlank()) {
            throw CliException.badInput("--keep needs the number of newest root runs to keep, such as --keep 100");
        }
        if (!COUNT.matcher(text.strip()).matches()) {
            throw CliException.badInput("--keep '" + TerminalText.line(text) + "' is not a number of runs; pass 0 or more,"
                    + " such as --keep 100");
        }
        return Integer.parseInt(text.strip());
    }

    /**
     * Deletes what the request selects and says what went.
     *
     * @throws CliException with exit code 1 if the store could not be written
     */
    static String prune(RunStore history, Prune request, String store) {
        PruneResult result;
        try {
            result = history.prune(request);
        } catch (RunStoreException notWritten) {
            throw new CliException(ExitCode.NOT_WRITTEN, "could not prune " + store + ": " + notWritten.getMessage()
                    + "; each root run goes with its whole tree in one transaction, so what was not deleted is kept"
                    + " whole. Make the store writable (or free space) and run prune again", notWritten);
        }
        return "deleted " + runs(result.roots(), "root run") + ", " + runs(result.runs(), "run") + " in all"
                + unfinished(result.keptUnfinished(), "kept");
    }

    /**
     * Counts what the request would delete, reading the root runs a page at a time, and says it;
     * deletes nothing. The runs below the roots are not counted: that would read every tree.
     */
    static String preview(RunStore history, Prune request) {
        long roots = 0;
        long unfinished = 0;
        long rank = 0;
        while (true) {
            List<RunRecord> page = history.runs(new RunQuery(null, null, true, ROOTS_PER_READ, Math.toIntExact(rank)));
            for (RunRecord root : page) {
                if (request.selects(root, rank++)) {
                    if (root.isFinal()) {
                        roots++;
                    } else {
                        unfinished++;
                    }
                }
            }
            if (page.size() < ROOTS_PER_READ) {
                break;
            }
        }
        return "dry run: would delete " + runs(roots, "root run") + " with every run below "
                + (roots == 1 ? "it" : "them") + unfinished(unfinished, "would keep");
    }

    private static String unfinished(long kept, String verb) {
        if (kept == 0) {
            return "";
        }
        return "; " + verb + " " + runs(kept, "run") + (kept == 1 ? " that has not ended" : " that have not ended")
                + ": runs are pruned once they end";
    }

    /** {@code 1 run}, {@code 3 root runs}. */
    private static String runs(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
