package io.loomflow.data.internal;

import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;

/** {@code mem:} locations: one empty in-memory store per engine. */
public final class MemoryStorageProvider implements StorageProvider {

    /** Creates the provider; found through ServiceLoader. */
    public MemoryStorageProvider() {
    }

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public Storage open(StorageOptions options) {
        return new MemoryStorage();
    }
}
