package io.loomflow.data.internal;

import io.loomflow.data.Format;
import io.loomflow.data.spi.DirectFormat;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The versions of a versioned dataset, laid out as Kedro lays them out: the object of version
 * {@code V} of a dataset at {@code <uri>} is {@code <uri>/V/<file name of uri>}, and a version is
 * the UTC time it was saved at, written {@code YYYY-MM-DDThh.mm.ss.sssZ}, so that versions sort as
 * text in the order they were made.
 */
public final class Versions {

    /** A version, as an example in messages. */
    public static final String EXAMPLE = "2026-12-04T10.00.00.000Z";

    /** Kedro's {@code %Y-%m-%dT%H.%M.%S.%fZ} cut to milliseconds, in UTC. */
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH.mm.ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{3}Z");

    private Versions() {
    }

    /**
     * The version of an instant.
     *
     * @param at the instant, such as when a run started
     * @return its version, such as {@value #EXAMPLE}
     */
    public static String of(Instant at) {
        return FORMAT.format(at);
    }

    /**
     * Tells whether a text is a version.
     *
     * @param text a text, such as a folder's name
     * @return {@code true} if it is written as a version is, and is a real time
     */
    public static boolean isVersion(String text) {
        if (!SHAPE.matcher(text).matches()) {
            return false;
        }
        try {
            return of(Instant.from(FORMAT.parse(text))).equals(text); // 2026-02-30 is no day
        } catch (DateTimeParseException notATime) {
            return false;
        }
    }

    /**
     * Checks a version given by a user.
     *
     * @param dataset the dataset's name, for the message
     * @param version the version
     * @return the version
     * @throws IllegalArgumentException naming the dataset and the version, with an example, if it is
     *     not one
     */
    public static String check(String dataset, @Nullable String version) {
        if (version == null || !isVersion(version)) {
            throw new IllegalArgumentException("dataset '" + dataset + "': " + (version == null ? "null"
                    : "'" + version + "'") + " is not a version; a version is the UTC time it was saved at, written"
                    + " YYYY-MM-DDThh.mm.ss.sssZ, such as " + EXAMPLE + " (the name of one of the dataset's version"
                    + " folders)");
        }
        return version;
    }

    /**
     * Why a dataset cannot be versioned, or {@code null} if it can.
     *
     * @param dataset the dataset's name
     * @param format its format
     * @param location its location
     * @return the reason and what to do, or {@code null}
     */
    public static @Nullable String refusal(String dataset, Format<?> format, URI location) {
        if (format instanceof DirectFormat<?>) {
            return "dataset '" + dataset + "' is of type " + format.name() + ", which its format reads and writes"
                    + " itself (rows in a database, not an object at its uri), so there is no object to keep versions"
                    + " of; remove versioned, and keep the history in the database itself (a table per run, or a"
                    + " column saying when a row was written)";
        }
        if (location.getRawQuery() != null || location.getRawFragment() != null
                || location.isOpaque() && location.getRawSchemeSpecificPart().contains("?")) {
            return "dataset '" + dataset + "' is versioned, so its versions are <uri>/<version>/<file name>, but its"
                    + " uri " + location.getScheme() + ":... has a query or fragment (? or #), which cannot be put"
                    + " before a version; give the storage's options in the catalog's storage section or"
                    + " credentials.yml, and a uri without them";
        }
        if (fileName(location).isEmpty()) {
            return "dataset '" + dataset + "' is versioned, so its uri must name an object (its versions are"
                    + " <uri>/<version>/<file name>), but " + location + " ends with /; give a file name, such as "
                    + location + dataset;
        }
        return null;
    }

    /**
     * Why a partitioned dataset cannot be versioned.
     *
     * @param dataset the dataset's name
     * @param type {@code partitioned} or {@code incremental}
     * @return the reason and what to do
     */
    public static String partitionedRefusal(String dataset, String type) {
        return "dataset '" + dataset + "' is " + type + ", a prefix of many objects, each partition saved and loaded on"
                + " its own, so there is no one object to keep versions of; remove versioned, and name new partitions"
                + " after when they were made (such as 2026-12-04/part-1) to keep the older ones";
    }

    /**
     * The file name of a location: what follows its last {@code /}.
     *
     * @param location a location
     * @return its last segment, empty if it ends with {@code /}
     */
    public static String fileName(URI location) {
        String path = location.getRawSchemeSpecificPart();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * The prefix under which a dataset's versions lie.
     *
     * @param location the dataset's location
     * @return {@code <uri>/}
     */
    public static URI prefix(URI location) {
        return URI.create(location + "/");
    }

    /**
     * Where a version's object is.
     *
     * @param location the dataset's location
     * @param version the version
     * @return {@code <uri>/<version>/<file name of uri>}
     */
    public static URI location(URI location, String version) {
        return URI.create(location + "/" + version + "/" + fileName(location));
    }

    /**
     * The versions among listed objects: the folders under {@code <uri>/} named as versions that hold
     * the dataset's object (a folder without it, such as one whose write has not finished, is none).
     *
     * @param dataset the dataset's name, for messages
     * @param location the dataset's location
     * @param listed what the storage listed under {@link #prefix(URI)}
     * @return the versions, oldest first
     * @throws io.loomflow.data.DatasetException if the storage listed a location not under the prefix
     */
    public static List<String> among(String dataset, URI location, List<URI> listed) {
        URI prefix = prefix(location);
        String object = "/" + fileName(location);
        TreeSet<String> versions = new TreeSet<>();
        for (URI found : listed) {
            String relative = Listing.relative(dataset, prefix, found);
            if (relative.endsWith(object)) {
                String version = relative.substring(0, relative.length() - object.length());
                if (isVersion(version)) {
                    versions.add(version);
                }
            }
        }
        return new ArrayList<>(versions);
    }
}
