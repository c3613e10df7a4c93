package io.loomflow.cli;

import static io.loomflow.cli.BadInputTest.badInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server} refuses what it cannot serve safely or at all: a message, exit 2, no stack
 * trace (checked by {@link BadInputTest#badInput}).
 */
class ServerBadInputTest {

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    @Test
    void anAddressOtherThanLoopbackWithoutATokenOrInsecureIsRefusedBeforeTheStoreIsCreated() {
        assertThat(badInput("server", "--host", "0.0.0.0", "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --host 0.0.0.0 is not a loopback address, so anyone who reaches this machine could"
                        + " start flows and read their runs; pass --token TOKEN (or set LOOMFLOW_TOKEN) to ask every"
                        + " request for it, or --insecure to serve without one\n");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void aPortInUseIsNamedWithWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThat(badInput("server", "--port", String.valueOf(port), "--db", db()).err())
                    .startsWith("loomflow: cannot listen on 127.0.0.1:" + port + " (")
                    .endsWith("); stop what uses the port, or pass another port (0 picks a free one)\n");
        }
    }

    @Test
    void aTokenShorterThanSixteenCharactersIsRefused() {
        assertThat(badInput("server", "--token", "short", "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --token (or $LOOMFLOW_TOKEN): a server token must have at least 16 characters"
                        + " (was 5); use a random one, such as the output of: openssl rand -hex 16\n");
    }

    @Test
    void badLimitsAndHostNamesAreRefusedNamingTheOption() {
        assertThat(badInput("server", "--allow-host", "http://x.example:80", "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --allow-host 'http://x.example:80' is not a host name; pass a name such as"
                        + " myhost.example (no scheme, no port), or * for any\n");
        assertThat(badInput("server", "--request-timeout", "0", "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --request-timeout 0 is too short; pass whole seconds, 1 or more (default 30)\n");
        assertThat(badInput("server", "--max-connections", "-5", "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --max-connections -5 is too few; pass 1 or more (default 1000)\n");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void aWebhooksFileWithAShortSecretOrAnUnsetVariableIsRefusedNamingTheFlowNeverTheSecret() throws Exception {
        Path file = directory.resolve("webhooks.json");
        Files.writeString(file, "{\"hello\": [\"shortSecretValue\"]}");
        assertThat(badInput("server", "--webhooks", file.toString(), "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --webhooks " + file + ": a webhook secret of flow 'hello' has 16 bytes; give one"
                        + " of at least 32, such as the output of: openssl rand -hex 32\n");
        Files.writeString(file, "{\"hello\": \"${LOOMFLOW_TEST_UNSET_WEBHOOK_SECRET}\"}");
        assertThat(badInput("server", "--webhooks", file.toString(), "--port", "0", "--db", db()).err())
                .isEqualTo("loomflow: --webhooks " + file + ": in the webhooks file " + file + ", a secret of flow"
                        + " 'hello' names the environment variable LOOMFLOW_TEST_UNSET_WEBHOOK_SECRET, which is not set;"
                        + " set it\n");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThat(badInput("server", "--port", "70000", "--db", db()).err())
                .isEqualTo("loomflow: --port 70000 is not a port; pass 0 to 65535 (0 picks a free one)\n");
    }
}
