package io.loomflow.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.loomflow.spi.ResultStore;
import io.loomflow.spi.StoredResult;
import io.loomflow.store.ResultCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Task results as files in one directory: {@code <sha256 of the key>.json}, each a JSON envelope
 * around the value the codec wrote; and the scopes of resumed runs as {@code scopes/<run id>},
 * each holding the scope's id.
 *
 * <p>Every file is written to a temporary file in the same directory and then moved over the old
 * one atomically, so that concurrent readers, writers and processes see a whole file or none (the
 * last writer wins, which is harmless: both wrote a result for the same key). Nothing is held open
 * between calls, so several engines and processes may share the directory.
 *
 * <p>Reading is forgiving, because a result is only ever an optimization: a file that is corrupt,
 * belongs to another key, or holds a value the codec refuses to build is logged and treated as
 * absent (the task runs and replaces it); an expired one is deleted. Only a failure of the file
 * system itself is thrown, for the engine to log.
 */
public final class DirectoryResultStore implements ResultStore {

    /**
     * The envelope is read as a tree with exact decimals, so that the value's text reaches the
     * codec digit for digit ({@code 1.10} stays {@code 1.10}, a {@code BigDecimal} of scale 2).
     */
    private static final ObjectMapper ENVELOPE = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final Path directory;
    private final Path scopes;
    private final ResultCodec codec;

    /**
     * Opens the store, creating the directory if it is missing.
     *
     * @param directory where the files go
     * @param codec how values are written
     * @throws UncheckedIOException if the directory cannot be created
     */
    public DirectoryResultStore(Path directory, ResultCodec codec) {
        this.directory = directory.toAbsolutePath().normalize();
        this.scopes = this.directory.resolve("scopes");
        this.codec = codec;
        try {
            Files.createDirectories(scopes);
        } catch (IOException cannotCreate) {
            throw new UncheckedIOException("cannot create the result directory " + this.directory + " ("
                    + cannotCreate + "); pass a directory this process can write to", cannotCreate);
        }
    }

    @Override
    public String inputKey(Object input) {
        return CanonicalJson.hash(input);
    }

    @Override
    public Optional<StoredResult> load(String key, Instant now, ClassLoader loader) {
        Path file = fileOf(key);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (CharacterCodingException notText) {
            return ignored(file, key, "it is not UTF-8 text", notText);
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot read result file " + file + " (key " + key + ")", failed);
        }
        Envelope envelope;
        try {
            envelope = Envelope.parse(text);
        } catch (JsonProcessingException | RuntimeException corrupt) {
            return ignored(file, key, "it is not a result envelope", corrupt);
        }
        if (!envelope.key().equals(key)) {
            return ignored(file, key, "it holds the result of key " + envelope.key(), null);
        }
        if (envelope.expiresAt() != null && !now.isBefore(envelope.expiresAt())) {
            deleteExpired(file);
            return Optional.empty();
        }
        Object value;
        try {
            value = codec.decode(envelope.value(), loader);
        } catch (RuntimeException unreadable) {
            return ignored(file, key, "its value cannot be read back as a result of task '" + envelope.task() + "'",
                    unreadable);
        }
        return Optional.of(new StoredResult(value, envelope.task(), envelope.version(), envelope.runId(),
                envelope.createdAt(), envelope.expiresAt()));
    }

    @Override
    public void save(String key, StoredResult result) {
        String value = codec.encode(result.value());
        ObjectNode envelope = ENVELOPE.createObjectNode()
                .put("key", key)
                .put("task", result.task())
                .put("version", result.version())
                .put("runId", result.runId() == null ? null : result.runId().toString())
                .put("createdAt", result.createdAt().toString())
                .put("expiresAt", result.expiresAt() == null ? null : result.expiresAt().toString())
                .put("type", result.value() == null ? null : result.value().getClass().getName());
        envelope.putRawValue("value", new RawValue(value));
        byte[] bytes;
        try {
            bytes = ENVELOPE.writeValueAsBytes(envelope);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write the envelope of key " + key, impossible);
        }
        writeAtomically(fileOf(key), bytes);
    }

    @Override
    public Optional<UUID> loadScope(UUID runId) {
        Path file = scopes.resolve(runId.toString());
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot read the result scope of run " + runId + " from " + file, failed);
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException corrupt) {
            log(Level.WARNING, "result scope file " + file + " is corrupt (\"" + text + "\") and is ignored; a resume"
                    + " of run " + runId + " reuses only the results that run itself persisted", null);
            return Optional.empty();
        }
    }

    @Override
    public void saveScope(UUID runId, UUID scope) {
        writeAtomically(scopes.resolve(runId.toString()), scope.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The file of a key: named by its hash, because keys hold characters no file system takes. */
    Path fileOf(String key) {
        return directory.resolve(CanonicalJson.sha256(key) + ".json");
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        Path folder = target.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(folder); // someone may have deleted it since the store was opened
            temporary = Files.createTempFile(folder, ".", ".tmp");
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot write " + target + " (" + failed + "); check that the directory"
                    + " is writable and the disk not full", failed);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a stray temporary file is never read; the write failure above is what matters
                }
            }
        }
    }

    private static void deleteExpired(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException cannotDelete) {
            log(Level.DEBUG, "cannot delete expired result file " + file + "; it stays ignored", cannotDelete);
        }
    }

    private static Optional<StoredResult> ignored(Path file, String key, String why, Throwable error) {
        log(Level.WARNING, "result file " + file + " (key " + key + ") is ignored because " + why
                + "; the task runs again and replaces it", error);
        return Optional.empty();
    }

    private static void log(Level level, String message, Throwable error) {
        Log.LOGGER.log(level, message, error);
    }

    /** Looked up on first use, as core does: a store that never logs starts no logging backend. */
    private static final class Log {
        static final System.Logger LOGGER = System.getLogger("io.loomflow.store");
    }

    @Override
    public String toString() {
        return "DirectoryResultStore[" + directory + ", " + codec + "]";
    }

    /** A result file as read: the metadata, and the value as the codec's JSON text. */
    private record Envelope(String key, String task, String version, UUID runId, Instant createdAt,
                            Instant expiresAt, String value) {

        static Envelope parse(String text) throws JsonProcessingException {
            JsonNode tree = ENVELOPE.readTree(text);
            if (tree == null || !tree.isObject() || !tree.hasNonNull("key") || !tree.hasNonNull("task")
                    || !tree.hasNonNull("version") || !tree.hasNonNull("createdAt") || !tree.has("value")) {
                throw new IllegalArgumentException("an envelope needs key, task, version, createdAt and value");
            }
            return new Envelope(tree.get("key").asText(), tree.get("task").asText(), tree.get("version").asText(),
                    tree.hasNonNull("runId") ? UUID.fromString(tree.get("runId").asText()) : null,
                    Instant.parse(tree.get("createdAt").asText()),
                    tree.hasNonNull("expiresAt") ? Instant.parse(tree.get("expiresAt").asText()) : null,
                    ENVELOPE.writeValueAsString(tree.get("value")));
        }
    }
}
