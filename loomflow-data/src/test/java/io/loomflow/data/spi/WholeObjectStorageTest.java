package io.loomflow.data.spi;

import io.loomflow.data.contract.StorageContract;
import io.loomflow.data.internal.MemoryStorage;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * The contract for a storage that implements only the whole-object calls, as a storage written
 * before streaming did: the SPI's defaults for streamed reads, ranges and staged writes must keep it
 * whole and correct.
 */
class WholeObjectStorageTest extends StorageContract {

    /** Only the abstract calls, passed to an in-memory store: none of the streaming calls. */
    private static final class WholeObjectsOnly implements Storage {
        private final Storage objects = new MemoryStorage();

        @Override
        public byte[] read(URI location) throws IOException {
            return objects.read(location);
        }

        @Override
        public void write(URI location, byte[] content) throws IOException {
            objects.write(location, content);
        }

        @Override
        public boolean exists(URI location) throws IOException {
            return objects.exists(location);
        }

        @Override
        public boolean delete(URI location) throws IOException {
            return objects.delete(location);
        }

        @Override
        public List<URI> list(URI prefix) throws IOException {
            return objects.list(prefix);
        }

        @Override
        public void close() throws IOException {
            objects.close();
        }
    }

    @Override
    protected Storage openStorage() {
        return new WholeObjectsOnly();
    }

    @Override
    protected URI location(String prefix, String key) {
        return URI.create("mem://test/" + prefix + "/" + key);
    }
}
