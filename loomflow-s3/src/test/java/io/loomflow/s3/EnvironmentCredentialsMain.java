package io.loomflow.s3;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run by {@link S3CredentialsTest} in a JVM of its own, whose environment holds
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}: opens {@code s3:} storages with no
 * credentials in their options (so the default chain finds the environment's), writes and reads an
 * object on S3Mock, and reads one from the recording endpoint, which notes the key used.
 */
public final class EnvironmentCredentialsMain {

    private EnvironmentCredentialsMain() {
    }

    /**
     * Entry point.
     *
     * @param args the S3Mock endpoint, the recording endpoint, and the object's location
     * @throws Exception if a request fails
     */
    public static void main(String[] args) throws Exception {
        URI location = URI.create(args[2]);
        for (String endpoint : new String[] {args[0], args[1]}) {
            try (Storage storage = Storages.provider("s3").open(new StorageOptions("s3", Map.of("region", "us-east-1",
                    "endpoint", endpoint, "pathStyle", "true")))) {
                if (endpoint.equals(args[0])) {
                    storage.write(location, "from the environment's credentials".getBytes(StandardCharsets.UTF_8));
                }
                System.out.println(new String(storage.read(location), StandardCharsets.UTF_8));
            }
        }
    }
}
