package io.loomflow.data.spi;

import io.loomflow.data.Storages;
import io.loomflow.data.contract.StorageContract;
import java.net.URI;

/** The contract for in-memory storage. */
class MemoryStorageTest extends StorageContract {

    @Override
    protected Storage openStorage() throws Exception {
        return Storages.provider("mem").open(StorageOptions.none("mem"));
    }

    @Override
    protected URI location(String prefix, String key) {
        return URI.create("mem://test/" + prefix + "/" + key);
    }
}
