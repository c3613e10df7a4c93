package io.loomflow.store;

import io.loomflow.spi.ResultStore;
import io.loomflow.store.internal.CanonicalJson;
import io.loomflow.store.internal.DirectoryResultStore;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result stores of this module, to give to {@code Engine.builder().results(...)}: where tasks
 * that cache their results ({@code Task.withCache}) or persist them for resume
 * ({@code Task.withPersistedResult}, {@code Engine.resume}) keep them.
 * {@snippet class=io.loomflow.store.snippets.StoreSnippets region=directory}
 */
public final class ResultStores {

    private ResultStores() {
    }

    /**
     * A store of JSON files in a directory, one per result, written with {@link ResultCodec#json()}.
     *
     * @param directory the directory; created if missing, and shared safely by several engines and
     *     processes
     * @return the store
     * @throws java.io.UncheckedIOException if the directory cannot be created
     * @see #directory(Path, ResultCodec)
     */
    public static ResultStore directory(Path directory) {
        return directory(directory, ResultCodec.json());
    }

    /**
     * A store of files in a directory, one per result: a JSON envelope (the key, the task, its
     * version, the run that produced it, when it was stored and when it expires) around the value
     * as {@code codec} writes it. Files are named by the SHA-256 of their key and replaced
     * atomically, so that a reader never sees half a file; an expired file is deleted when it is
     * next read, and a file that cannot be read back (corrupt, or of a type the codec refuses) is
     * logged on the {@code io.loomflow.store} logger and treated as absent. An input's key is the
     * SHA-256 of its canonical JSON (properties, map keys and set elements sorted).
     *
     * <p>Thread-safe; the engine closes it, which releases nothing, as nothing is held open.
     *
     * @param directory the directory; created if missing
     * @param codec how values are written
     * @return the store
     * @throws java.io.UncheckedIOException if the directory cannot be created
     */
    public static ResultStore directory(Path directory, ResultCodec codec) {
        Objects.requireNonNull(directory, "the result directory must not be null; pass a path such as"
                + " Path.of(\".loomflow/results\")");
        Objects.requireNonNull(codec, "the codec must not be null; pass ResultCodec.json()");
        return new DirectoryResultStore(directory, codec);
    }

    /**
     * The key of an input as this module's stores make it: the hex SHA-256 of its canonical JSON
     * (properties, map keys and set elements sorted), equal for equal inputs in every process.
     * Shared with other stores of results or checkpoints so that they all agree.
     *
     * @param input the input, possibly {@code null}
     * @return 64 hex digits
     * @throws IllegalArgumentException if the input cannot be written as JSON
     */
    public static String inputKey(@Nullable Object input) {
        return CanonicalJson.hash(input);
    }
}
