package io.loomflow.store;

import io.loomflow.Event;
import io.loomflow.store.internal.InMemoryRunStore;
import io.loomflow.store.internal.SqlRunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the run history is kept: every run's identity, parameters, states, error, log lines and
 * lineage (the datasets it read and wrote),
 * written from an engine's events (through a {@link RunRecorder}) and read by the CLI and the UI.
 *
 * <p>Three stores pass the same contract: {@link #inMemory()} for plain library use,
 * {@link #embedded(Path)}, an H2 database file in a directory (by convention {@code .loomflow/}),
 * the default of the CLI and the server, and {@link #open(String)} with a PostgreSQL URL when the
 * history is shared across machines. The SQL stores migrate their schema when opened (a newer
 * Loomflow migrates an older store; an older one refuses a newer store with a
 * {@link RunStoreException}) and mark Crashed the runs that a process which died left unfinished.
 * {@snippet class=io.loomflow.store.snippets.StoreSnippets region=embedded}
 * Implementations are thread-safe; several processes may open one embedded store at once (the first
 * serves the others over loopback).
 */
public interface RunStore extends AutoCloseable {

    /**
     * An empty store in memory, lost when the process ends.
     *
     * @return the store
     */
    static RunStore inMemory() {
        return new InMemoryRunStore();
    }

    /**
     * Opens, or creates, the embedded store in a directory: an H2 database in the file
     * {@code history.mv.db} there, with {@link Durability#STRICT}.
     *
     * @param directory the directory, created if missing; by convention {@code .loomflow}
     * @return the open store
     * @throws RunStoreException if the file is corrupt, written by a newer Loomflow, or unusable
     */
    static RunStore embedded(Path directory) {
        return embedded(directory, Durability.STRICT);
    }

    /**
     * Opens, or creates, the embedded store in a directory with the given durability.
     *
     * @param directory the directory, created if missing
     * @param durability what a crash of the process may lose
     * @return the open store
     * @throws RunStoreException if the file is corrupt (a file cut short is refused and left as it
     *     was, never opened as a new, empty store), written by a newer Loomflow, or unusable
     */
    static RunStore embedded(Path directory, Durability durability) {
        Path absolute = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException failed) {
            throw new RunStoreException("cannot create the run history directory " + absolute + " (" + failed
                    + "); pass a directory you can write to", failed);
        }
        SqlRunStore.refuseIfCutShort(absolute);
        return SqlRunStore.open(embeddedUrl(absolute), durability, absolute.toString());
    }

    /**
     * The JDBC URL of the embedded store in a directory, as {@link #embedded(Path)} opens it (H2,
     * with {@code AUTO_SERVER}, so that other processes can open it while one has it open): for
     * modules that keep tables of their own in the store's database, such as the schedules'.
     * Opening the URL creates an empty database if there is none.
     *
     * @param directory the directory that holds (or will hold) {@code history.mv.db}
     * @return the URL
     */
    static String embeddedUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().normalize().resolve("history") + ";AUTO_SERVER=TRUE";
    }

    /**
     * Opens the embedded store in a directory to read it only, as the CLI's {@code runs}, {@code
     * show} and {@code logs} do: the file is never created, migrated or written. A file that could
     * be opened only by rewriting it (a damaged one, such as a file cut short) is refused and left
     * as it was; a file or directory without write permission, or on a read-only mount, can be
     * read. Runs that a process which died left unfinished are shown Crashed (at the time the
     * process was last seen alive), as the next store opened for writing will record them.
     *
     * @param directory the directory that holds {@code history.mv.db}
     * @return the open store; its {@link #write} throws {@link RunStoreException}
     * @throws RunStoreException if there is no store there, or it is damaged, of an older or newer
     *     schema than this Loomflow reads, or unusable
     */
    static RunStore embeddedReadOnly(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute.resolve("history.mv.db"))) {
            throw new RunStoreException("there is no run history in " + absolute + " (no history.mv.db there); record"
                    + " a run there first, or point at the directory that holds it", null);
        }
        return SqlRunStore.openEmbeddedReadOnly(absolute);
    }

    /**
     * Opens the store at a JDBC URL to read it only: no migration runs and nothing is written (the
     * connections are read-only). A database without a run history reads as empty.
     *
     * @param url the database's URL
     * @return the open store; its {@link #write} throws {@link RunStoreException}
     * @throws RunStoreException if the database cannot be reached or logged into, or holds a store
     *     of an older or newer schema than this Loomflow reads
     */
    static RunStore openReadOnly(String url) {
        return SqlRunStore.openReadOnly(java.util.Objects.requireNonNull(url, "url"));
    }

    /**
     * Opens the store at a JDBC URL with {@link Durability#STRICT}: {@code
     * jdbc:postgresql://HOST:PORT/DATABASE?user=U&password=P} (a {@code currentSchema} parameter picks
     * the schema), or an H2 URL.
     *
     * @param url the database's URL
     * @return the open store
     * @throws RunStoreException if the database cannot be reached or logged into, or holds a store
     *     written by a newer Loomflow
     */
    static RunStore open(String url) {
        return open(url, Durability.STRICT);
    }

    /**
     * Opens the store at a JDBC URL with the given durability.
     *
     * @param url the database's URL
     * @param durability what a crash of the process may lose
     * @return the open store
     * @throws RunStoreException if the database cannot be reached or logged into, or holds a store
     *     written by a newer Loomflow
     */
    static RunStore open(String url, Durability durability) {
        return SqlRunStore.open(java.util.Objects.requireNonNull(url, "url"), durability);
    }

    /**
     * Records a batch of events, in order. Events of one run arrive in the order of their sequence.
     *
     * <p>All or nothing: if it throws, nothing of the batch was recorded, so that a
     * {@link RunRecorder} can offer the batch again, or parts of it, without duplicating anything.
     * A store that is unavailable for a while (unreachable, restarting, out of disk space) throws
     * a {@link RunStoreException} that {@linkplain RunStoreException#isRetryable() is retryable}
     * (or an exception caused by an {@link java.io.IOException}), and the recorder retries the
     * batch until it is written; any other exception is taken as the fault of an event in the
     * batch, which the recorder then finds and leaves out.
     *
     * @param events state changes and log lines
     * @throws RunStoreException if the store cannot record them now, or refuses one of them
     */
    void write(List<Event> events);

    /**
     * One run.
     *
     * @param id its id
     * @return its record, if the store has it
     */
    Optional<RunRecord> run(UUID id);

    /**
     * The runs that match a query, newest first.
     *
     * @param query what to match
     * @return at most {@code query.limit()} runs
     */
    List<RunRecord> runs(RunQuery query);

    /**
     * The runs whose id starts with a prefix, in the order of their ids: what a person who typed
     * the first characters of an id means, as {@code loomflow show 0194f3c2} does. The SQL stores
     * read one range of the index of ids, up to {@code limit} matches, never every run: a prefix
     * of 8 characters or more (run ids are time-ordered, version 7 UUIDs) covers the runs created
     * within about a minute. With {@code rootsOnly}, runs below a root in that range are read and
     * passed over too.
     *
     * @param prefix the start of an id as {@link UUID#toString()} writes it: 1 to 32 hexadecimal
     *     digits in any case, with the hyphens in their places or none at all ({@code 0194f3c2-7b},
     *     {@code 0194F3C27B}); {@link RunIdPrefix#of} reads it, and refuses what cannot start an id
     * @param rootsOnly whether to match only runs without a parent
     * @param limit the most runs to return, 1 or more
     * @return the matching runs, at most {@code limit}
     * @throws IllegalArgumentException if {@code prefix} cannot start an id, or {@code limit} is below 1
     */
    List<RunRecord> runsByIdPrefix(String prefix, boolean rootsOnly, int limit);

    /**
     * Every direct child of a run, oldest first, map items included: a list as long as the run is
     * wide, for small runs and tests. A run with large maps is read with {@link #summary} and page by
     * page with {@link #children(UUID, PageQuery)} and {@link #items}, as the command line and the
     * server do.
     *
     * @param parentId the parent's id
     * @return its children
     */
    List<RunRecord> children(UUID parentId);

    /**
     * A run with its children counted by state and its maps summarised: what a page about one run
     * reads first, in a size that does not grow with the number of its children.
     *
     * @param runId the run's id
     * @return its summary, if the store has the run
     */
    Optional<RunSummary> summary(UUID runId);

    /**
     * One page of a run's direct children, oldest first, each map shown as one node with its
     * summary (its items are read with {@link #items}). With a state, only the runs in that state
     * and the maps with items in it are listed.
     *
     * @param parentId the parent's id
     * @param query which page
     * @return the page; empty if the store has no such run
     * @throws IllegalArgumentException if the query's cursor was not made by this store for this
     *     run and state
     */
    Page<TreeNode> children(UUID parentId, PageQuery query);

    /**
     * One map's summary.
     *
     * @param mapId the map's id ({@link io.loomflow.RunInfo.MapItem#mapId()})
     * @return its summary, if the store has the map
     */
    Optional<MapSummary> map(UUID mapId);

    /**
     * One page of a map's item runs, by index. A map that keeps
     * {@linkplain io.loomflow.ItemHistory#FAILURES failures only} lists its failed items only.
     *
     * @param mapId the map's id
     * @param query which page
     * @return the page; empty if the store has no such map
     * @throws IllegalArgumentException if the query's cursor was not made by this store for this
     *     map and state
     */
    Page<RunRecord> items(UUID mapId, PageQuery query);

    /**
     * Deletes the history of the root runs a request selects, each with every run below it and
     * their log lines, in one transaction per root. Runs that have not ended are kept.
     *
     * @param request which runs
     * @return what was deleted
     * @throws RunStoreException if the store cannot be written
     */
    PruneResult prune(Prune request);

    /**
     * A run's log lines, in order.
     *
     * @param runId the run's id
     * @return its lines
     */
    List<LogRecord> logs(UUID runId);

    /**
     * A run's log lines after a position, in order: what {@code logs --follow} asks for repeatedly.
     *
     * @param runId the run's id
     * @param afterSequence the sequence of the last line already seen, or -1 for all
     * @return the lines whose sequence is greater
     */
    default List<LogRecord> logs(UUID runId, long afterSequence) {
        return logs(runId).stream().filter(line -> line.sequence() > afterSequence).toList();
    }

    /**
     * A page of a run's lineage: the datasets read and written ({@link DatasetAccessRecord}), in
     * the order they were recorded. For a root run, every access of its tree; for a run below a
     * root, the accesses it made itself and those its direct children made (a pipeline node's
     * {@code load X} and {@code save X} task runs). The SQL stores read them through an index by
     * root run, a page at a time; a run's lineage is kept until its root is pruned.
     *
     * @param runId the run's id
     * @param query which page: its limit (1 to {@value PageQuery#MOST}) and cursor; it must not name
     *     a state
     * @return the page; empty if the store has no such run, or the run read and wrote nothing
     * @throws IllegalArgumentException if the query names a state, or its cursor was not made by
     *     this store's lineage pages
     */
    Page<DatasetAccessRecord> lineage(UUID runId, PageQuery query);

    /**
     * Remembers a delivery (of a webhook, say) until {@code expiresAt}, unless it is remembered already:
     * tells whether this call is the first to claim it. Two callers claiming the same delivery at once,
     * in one process or (on PostgreSQL) on several machines sharing the store, get {@code true} once.
     * Deliveries whose time has passed ({@code expiresAt} before {@code now}) are forgotten as it goes.
     *
     * @param scope what the id is unique within, such as a flow's name (at most 1,000 characters)
     * @param deliveryId the delivery's id (at most 1,000 characters)
     * @param now the present, against which remembered deliveries expire
     * @param expiresAt until when this one is remembered
     * @return whether the delivery was not remembered yet, and is now
     * @throws IllegalArgumentException if the scope or the id is longer than 1,000 characters
     * @throws RunStoreException if the store cannot be written, or was opened to read only
     */
    boolean claimDelivery(String scope, String deliveryId, java.time.Instant now, java.time.Instant expiresAt);

    /**
     * Forgets a delivery that {@link #claimDelivery} remembered, so that it can be claimed again: for a
     * caller whose work for the delivery failed after the claim (a run that could not start), so that the
     * sender's retry is taken rather than refused as a replay. Nothing happens for a delivery not
     * remembered.
     *
     * @param scope the scope it was claimed in
     * @param deliveryId the delivery's id
     * @throws IllegalArgumentException if the scope or the id is longer than 1,000 characters
     * @throws RunStoreException if the store cannot be written, or was opened to read only
     */
    void releaseDelivery(String scope, String deliveryId);

    /** Releases the store's connections and files; what was written stays written. */
    @Override
    void close();
}
