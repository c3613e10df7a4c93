package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an s3: storage's credentials come from: the environment (the default chain), a named
 * profile of AWS config and credentials files, or a role assumed through STS. S3Mock serves the
 * objects but accepts any key, so {@link RecordingEndpoint} shows which key signed each request.
 */
@ExtendWith(S3MockExtension.class)
class S3CredentialsTest {

    private static final Duration CHILD_LIMIT = Duration.ofSeconds(90);

    private final S3Mock s3mock;

    @TempDir
    Path home;

    S3CredentialsTest(S3Mock s3mock) {
        this.s3mock = s3mock;
    }

    private static URI fresh() {
        return URI.create("s3://" + S3Mock.BUCKET + "/credentials/" + UUID.randomUUID() + ".txt");
    }

    /** AWS files with a profile {@code analyst} (key AKIAPROFILE, region eu-west-1) and a default one. */
    private Map<String, String> profileFiles() throws IOException {
        Path credentials = home.resolve("credentials");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = AKIADEFAULT
                aws_secret_access_key = default-secret
                [analyst]
                aws_access_key_id = AKIAPROFILE
                aws_secret_access_key = profile-secret
                """);
        Path config = home.resolve("config");
        Files.writeString(config, """
                [profile analyst]
                region = eu-west-1
                """);
        return Map.of("configFile", config.toString(), "credentialsFile", credentials.toString());
    }

    @Test
    void aNamedProfileSignsTheRequestsAndGivesTheRegion() throws Exception {
        Map<String, String> files = profileFiles();
        URI location = fresh();
        Map<String, String> values = new java.util.HashMap<>(files);
        values.putAll(Map.of("profile", "analyst", "endpoint", s3mock.endpoint(), "pathStyle", "true"));
        try (Storage storage = Storages.provider("s3").open(new StorageOptions("s3", values))) {
            storage.write(location, "from a profile".getBytes(StandardCharsets.UTF_8));
            assertThat(storage.read(location)).asString().isEqualTo("from a profile");
        }
        try (RecordingEndpoint recording = new RecordingEndpoint()) {
            values.put("endpoint", recording.endpoint());
            try (Storage storage = Storages.provider("s3").open(new StorageOptions("s3", values))) {
                assertThat(storage.read(location)).asString().isEqualTo("captured");
            }
            assertThat(recording.requests()).singleElement().satisfies(request -> {
                assertThat(request.accessKey()).isEqualTo("AKIAPROFILE");
            });
            assertThat(recording.requests().getFirst().toString()).doesNotContain("profile-secret");
        }
    }

    @Test
    void aProfileThatIsNotInTheFilesIsNamedWithThoseThatAre() throws Exception {
        Map<String, String> values = new java.util.HashMap<>(profileFiles());
        values.putAll(Map.of("profile", "analsyt", "region", "us-east-1"));
        assertThatThrownBy(() -> Storages.provider("s3").open(new StorageOptions("s3", values)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'profile' names the profile 'analsyt'")
                .hasMessageContaining("its profiles are [analyst, default]")
                .hasMessageNotContaining("profile-secret");
    }

    @Test
    void anAssumedRoleSignsWithTheCredentialsStsGave() throws Exception {
        try (RecordingEndpoint recording = new RecordingEndpoint()) {
            var options = new StorageOptions("s3", Map.of("region", "us-east-1", "endpoint", recording.endpoint(),
                    "pathStyle", "true", "accessKey", "AKIABASE", "secretKey", "base-secret",
                    "roleArn", "arn:aws:iam::123456789012:role/reader", "externalId", "ext-1",
                    "stsEndpoint", recording.endpoint()));
            try (Storage storage = Storages.provider("s3").open(options)) {
                assertThat(storage.read(fresh())).asString().isEqualTo("captured");
            }
            List<RecordingEndpoint.Request> requests = recording.requests();
            assertThat(requests).hasSize(2);
            assertThat(requests.get(0).service()).isEqualTo("sts");
            assertThat(requests.get(0).accessKey()).isEqualTo("AKIABASE");
            assertThat(requests.get(0).body()).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Freader")
                    .contains("ExternalId=ext-1").contains("RoleSessionName=loomflow");
            assertThat(requests.get(1).service()).isEqualTo("s3");
            assertThat(requests.get(1).accessKey()).isEqualTo(RecordingEndpoint.ASSUMED_KEY);
            assertThat(requests.get(1).sessionToken()).isEqualTo(RecordingEndpoint.ASSUMED_TOKEN);
        }
    }

    @Test
    void aRefusedKeyIsNamedWithWhatToCheckAndNotShown() throws Exception {
        try (RecordingEndpoint recording = new RecordingEndpoint()) {
            var options = new StorageOptions("s3", Map.of("region", "us-east-1", "endpoint", recording.endpoint(),
                    "pathStyle", "true", "key", RecordingEndpoint.REFUSED_KEY, "secret", "refused-secret-value"));
            URI location = fresh();
            try (Storage storage = Storages.provider("s3").open(options)) {
                assertThatThrownBy(() -> storage.read(location)).isInstanceOf(IOException.class)
                        .hasMessageStartingWith("cannot read " + location + ": S3 answered 403 InvalidAccessKeyId")
                        .hasMessageContaining("check the storage's credentials")
                        .satisfies(e -> assertThat(trace(e)).doesNotContain("refused-secret-value"));
            }
        }
    }

    private static String trace(Throwable e) {
        var out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void theEnvironmentsCredentialsAreFoundByTheDefaultChain() throws Exception {
        URI location = fresh();
        try (RecordingEndpoint recording = new RecordingEndpoint()) {
            ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), EnvironmentCredentialsMain.class.getName(),
                    s3mock.endpoint(), recording.endpoint(), location.toString())
                    .redirectErrorStream(true);
            Map<String, String> environment = child.environment();
            environment.keySet().removeIf(name -> name.startsWith("AWS_"));
            environment.put("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT");
            environment.put("AWS_SECRET_ACCESS_KEY", "environment-secret");
            // no ~/.aws of the machine, no instance metadata: the environment alone
            environment.put("AWS_CONFIG_FILE", home.resolve("none-config").toString());
            environment.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("none-credentials").toString());
            environment.put("AWS_EC2_METADATA_DISABLED", "true");
            Process process = child.start();
            String output;
            try (var in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(process.waitFor(CHILD_LIMIT.toSeconds(), TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("from the environment's credentials").contains("captured");
            assertThat(recording.requests()).singleElement()
                    .satisfies(request -> assertThat(request.accessKey()).isEqualTo("AKIAENVIRONMENT"));
        }
        try (Storage storage = Storages.provider("s3").open(s3mock.options(Map.of()))) {
            assertThat(storage.read(location)).asString().isEqualTo("from the environment's credentials");
        }
    }
}
