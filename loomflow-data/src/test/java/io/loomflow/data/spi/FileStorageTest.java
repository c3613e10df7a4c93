package io.loomflow.data.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.contract.StorageContract;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract for local files, plus what only files have: a root that cannot be left. */
class FileStorageTest extends StorageContract {

    @TempDir
    Path root;

    @Override
    protected Storage openStorage() throws Exception {
        return Storages.provider("file").open(new StorageOptions("file", Map.of("root", root.toString())));
    }

    @Override
    protected URI location(String prefix, String key) {
        return URI.create("file:" + prefix + "/" + key);
    }

    @Test
    void locationsThatLeaveTheRootAreRefused() {
        assertThatThrownBy(() -> storage.read(URI.create("file:../outside.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("location file:../outside.txt leaves the storage root");
        assertThatThrownBy(() -> storage.write(URI.create("file:data/../../x"), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves the storage root");
        assertThatThrownBy(() -> storage.read(URI.create("file:///etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves the storage root");
    }

    @Test
    void writesLeaveNoPartialFilesBehind() throws Exception {
        for (int i = 0; i < 20; i++) {
            storage.write(at("w.txt"), ("version " + i).getBytes());
        }
        try (var files = Files.list(root.resolve(prefix))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("w.txt");
        }
    }
}
