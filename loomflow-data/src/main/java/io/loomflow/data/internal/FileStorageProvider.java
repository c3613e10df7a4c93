package io.loomflow.data.internal;

import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.nio.file.Path;

/** {@code file:} locations, under the folder given by the option {@code root} (default: the working folder). */
public final class FileStorageProvider implements StorageProvider {

    /** Creates the provider; found through ServiceLoader. */
    public FileStorageProvider() {
    }

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public Storage open(StorageOptions options) {
        return new FileStorage(Path.of(options.optional("root").orElse("")));
    }
}
