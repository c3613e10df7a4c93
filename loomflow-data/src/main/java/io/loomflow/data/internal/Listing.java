package io.loomflow.data.internal;

import io.loomflow.data.DatasetException;
import java.net.URI;

/** What a storage listed under a dataset's prefix, as the part below the prefix. */
public final class Listing {

    private Listing() {
    }

    /**
     * The part of a listed location below the prefix that was listed.
     *
     * @param dataset the dataset's name, for the message
     * @param prefix the prefix listed, ending with {@code /}
     * @param listed a location the storage listed under it
     * @return the listed location without the prefix
     * @throws DatasetException if the location does not start with the prefix, as happens when the
     *     prefix is not written as the storage spells its locations
     */
    public static String relative(String dataset, URI prefix, URI listed) {
        String start = prefix.toString();
        String text = listed.toString();
        if (!text.startsWith(start)) {
            throw new DatasetException(dataset, prefix, "dataset '" + dataset + "': the storage listed " + text
                    + " under the prefix " + prefix + ", which does not start with it; write the location as the"
                    + " storage spells its locations (for file:, relative to the root, without ./)",
                    new IllegalStateException(text), false);
        }
        return text.substring(start.length());
    }
}
