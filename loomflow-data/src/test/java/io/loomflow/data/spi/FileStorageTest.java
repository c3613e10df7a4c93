package io.loomflow.data.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.contract.StorageContract;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
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

    @Test
    void aLinkInsideTheRootThatLeadsOutOfItIsRefusedForReadAndWrite(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        assertThatThrownBy(() -> storage.read(URI.create("file:escape/secret.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("location file:escape/secret.txt leaves the storage root " + root + " through a symbolic"
                        + " link: " + root.resolve("escape/secret.txt") + " is really "
                        + outside.toRealPath().resolve("secret.txt") + "; replace the link with the folder or file"
                        + " itself, or set the storage's root option to include "
                        + outside.toRealPath().resolve("secret.txt"));
        assertThatThrownBy(() -> storage.write(URI.create("file:escape/new/x.txt"), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("through a symbolic link");
        assertThatThrownBy(() -> storage.exists(URI.create("file:escape/secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("through a symbolic link");
        assertThatThrownBy(() -> storage.delete(URI.create("file:escape/secret.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("through a symbolic link");
        try (var left = Files.list(outside)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(outside.resolve("secret.txt")).hasContent("secret");
    }

    @Test
    void aLinkAsTheFileItselfIsRefusedWhenItLeadsOutEvenIfItsTargetIsMissing(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("report.json"), "{}");
        Files.createSymbolicLink(root.resolve("report.json"), outside.resolve("report.json"));
        Files.createSymbolicLink(root.resolve("new.json"), outside.resolve("new.json"));
        Files.createSymbolicLink(root.resolve("chain.json"), root.resolve("new.json"));
        for (String name : new String[] {"report.json", "new.json", "chain.json"}) {
            assertThatThrownBy(() -> storage.write(URI.create("file:" + name), "[]".getBytes()))
                    .as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("location file:" + name + " leaves the storage root " + root
                            + " through a symbolic link");
        }
        assertThatThrownBy(() -> storage.read(URI.create("file:report.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("through a symbolic link");
        assertThat(outside.resolve("report.json")).hasContent("{}");
        assertThat(outside.resolve("new.json")).doesNotExist();
    }

    @Test
    void linksThatStayInsideTheRootAndARootThatIsALinkWork(@TempDir Path elsewhere) throws Exception {
        Files.createDirectories(root.resolve("v3"));
        Files.createSymbolicLink(root.resolve("latest"), root.resolve("v3"));
        storage.write(URI.create("file:latest/model.json"), "{}".getBytes());
        assertThat(root.resolve("v3/model.json")).hasContent("{}");
        assertThat(storage.read(URI.create("file:latest/model.json"))).isEqualTo("{}".getBytes());

        Path linkedRoot = elsewhere.resolve("data");
        Files.createSymbolicLink(linkedRoot, root);
        try (Storage linked = Storages.provider("file").open(new StorageOptions("file",
                Map.of("root", linkedRoot.toString())))) {
            linked.write(URI.create("file:through/root.txt"), "yes".getBytes());
            assertThat(root.resolve("through/root.txt")).hasContent("yes");
            assertThat(linked.list(URI.create("file:through/"))).containsExactly(URI.create("file:through/root.txt"));
        }
    }

    @Test
    void aLinkLoopIsRefusedWithAClearMessage() throws Exception {
        Files.createSymbolicLink(root.resolve("a"), root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b"), root.resolve("a"));
        assertThatThrownBy(() -> storage.write(URI.create("file:a/x.txt"), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("location file:a/x.txt");
    }

    @Test
    void filesAreWrittenWithTheProcesssUsualPermissionsAndAReplacedFileKeepsItsOwn() throws Exception {
        Path reference = root.resolve("made-by-the-process");
        Files.write(reference, new byte[1]);
        storage.write(URI.create("file:fresh.txt"), "a".getBytes());
        assertThat(Files.getPosixFilePermissions(root.resolve("fresh.txt")))
                .isEqualTo(Files.getPosixFilePermissions(reference));

        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        Files.setPosixFilePermissions(root.resolve("fresh.txt"), ownerOnly);
        storage.write(URI.create("file:fresh.txt"), "b".getBytes());
        assertThat(root.resolve("fresh.txt")).hasContent("b");
        assertThat(Files.getPosixFilePermissions(root.resolve("fresh.txt"))).isEqualTo(ownerOnly);
    }
}
