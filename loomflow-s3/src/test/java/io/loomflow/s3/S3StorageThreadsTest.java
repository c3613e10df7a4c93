package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Closing the storage leaves no thread behind: the threads the AWS SDK and Apache HttpClient start
 * while it is open end when it closes.
 *
 * <p>Which threads: with the synchronous Apache client, the only one seen is the Apache client's
 * {@code idle-connection-reaper} (a daemon the SDK starts with the first connection pool and stops
 * when the last pool closes); it must be seen while the storage is open, or this test proves
 * nothing. After close, no thread may remain whose name starts with {@code idle-connection-reaper},
 * {@code sdk-} (the SDK's {@code sdk-ScheduledExecutor-*}, {@code sdk-async-response-*}), {@code
 * aws-}, {@code Connection evictor} (Apache's own evictor) or {@code Keep-Alive-Timer} (the JDK's
 * HttpURLConnection, which the url-connection client would bring); and, more broadly, no thread
 * started while the storage was open may still be alive.
 */
@ExtendWith(S3MockExtension.class)
class S3StorageThreadsTest {

    private static final Predicate<String> SDK_THREAD = name -> name.startsWith("idle-connection-reaper")
            || name.startsWith("sdk-") || name.startsWith("aws-") || name.startsWith("Connection evictor")
            || name.startsWith("Keep-Alive-Timer");

    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(10);

    @Test
    void closingTheStorageStopsEveryThreadTheSdkStarted(S3Mock s3mock) throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        Storage storage = Storages.provider("s3").open(s3mock.options(Map.of()));
        String prefix = "threads-" + UUID.randomUUID();
        URI object = URI.create("s3://" + S3Mock.BUCKET + "/" + prefix + "/a.txt");
        storage.write(object, "a".getBytes());
        assertThat(storage.read(object)).isEqualTo("a".getBytes());
        assertThat(storage.list(URI.create("s3://" + S3Mock.BUCKET + "/" + prefix + "/"))).containsExactly(object);
        assertThat(storage.delete(object)).isTrue();
        List<Thread> startedWhileOpen = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread)).toList();
        assertThat(startedWhileOpen).extracting(Thread::getName).as("threads started while the storage was open")
                .anyMatch(name -> name.startsWith("idle-connection-reaper"));

        storage.close();

        // Stopping is asynchronous (the reaper is interrupted, then exits): wait, bounded.
        Instant deadline = Instant.now().plus(SETTLE_LIMIT);
        for (Thread thread : startedWhileOpen) {
            thread.join(Duration.between(Instant.now(), deadline).plusMillis(1));
        }
        List<String> leftSdk = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName).filter(SDK_THREAD).toList();
        assertThat(leftSdk).as("SDK and HTTP client threads alive after close (all started while open: %s)",
                startedWhileOpen.stream().map(Thread::getName).toList()).isEmpty();
        assertThat(startedWhileOpen).filteredOn(Thread::isAlive).extracting(Thread::getName)
                .as("any thread started while the storage was open and alive after close").isEmpty();
    }
}
