package io.loomflow.workers.internal;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.spi.ContextPropagator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A worker's checked configuration, made by {@code Worker.Builder}, and the checks the builder and
 * {@code WorkQueue.connect} share.
 *
 * @param url the PostgreSQL URL, without the user and password given apart
 * @param user the user given apart from the URL, or {@code null}
 * @param password the password given apart from the URL, or {@code null}
 * @param queues the queues to take runs from
 * @param concurrency the most runs at once
 * @param flows the flows by name
 * @param version the version advertised with every flow, {@code ""} for none
 * @param leaseExpiry how long a claim holds without a heartbeat
 * @param heartbeat how often leases are renewed
 * @param gracePeriod how long close lets runs finish
 * @param pollInterval how often an idle worker looks for runs
 * @param notifications whether to LISTEN for submissions
 * @param name the worker's name, {@code null} for the default
 * @param sharedLimits the cluster-wide limits and their sizes
 * @param queueLimits the most runs in flight of some of the worker's queues, across all workers
 * @param tasks the tasks whose queued items it runs, by name
 * @param keepEndedRuns how long the leader keeps the rows of ended runs
 * @param propagator carries context with queued runs; {@code null} for none
 * @param engine adjusts the worker's engine builder before the worker sets its own parts
 */
public record WorkerSettings(String url, @Nullable String user, @Nullable String password, List<String> queues,
                             int concurrency, Map<String, Flow<?, ?>> flows, String version, Duration leaseExpiry,
                             Duration heartbeat, Duration gracePeriod, Duration pollInterval, boolean notifications,
                             @Nullable String name, Map<String, Integer> sharedLimits,
                             Map<String, Integer> queueLimits, Map<String, Task<?, ?>> tasks, Duration keepEndedRuns,
                             @Nullable ContextPropagator propagator, UnaryOperator<Engine.Builder> engine) {

    /**
     * The URL with the user and password given apart added as parameters, as the driver and the
     * run history read them.
     *
     * @return the full URL
     */
    public String fullUrl() {
        StringBuilder full = new StringBuilder(url);
        if (user != null) {
            full.append(full.indexOf("?") < 0 ? '?' : '&').append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
        }
        if (password != null) {
            full.append(full.indexOf("?") < 0 ? '?' : '&').append("password=")
                    .append(URLEncoder.encode(password, StandardCharsets.UTF_8));
        }
        return full.toString();
    }

    /**
     * Checks that a URL names a PostgreSQL database.
     *
     * @param url the URL
     * @return the URL
     * @throws IllegalArgumentException if it is not {@code jdbc:postgresql:}
     */
    public static String postgresUrl(String url) {
        Objects.requireNonNull(url, "the database URL must not be null; pass jdbc:postgresql://HOST:PORT/DATABASE");
        if (url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("workers and the work queue need PostgreSQL (they claim runs with"
                    + " FOR UPDATE SKIP LOCKED and wake each other with LISTEN/NOTIFY), and " + Database.shown(url)
                    + " is an H2 database; pass jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the database URL " + Database.shown(url) + " is not a PostgreSQL"
                    + " URL; pass jdbc:postgresql://HOST:PORT/DATABASE?user=USER&password=PASSWORD");
        }
        return url;
    }

    /**
     * Checks that a duration lies between two bounds.
     *
     * @param what its name in the message
     * @param value the duration
     * @param least the smallest allowed
     * @param most the largest allowed
     * @return the duration
     * @throws IllegalArgumentException if it is out of bounds
     */
    public static Duration between(String what, Duration value, Duration least, Duration most) {
        Objects.requireNonNull(value, () -> what + " must not be null");
        if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
            throw new IllegalArgumentException(what + " " + value + " must be between " + least + " and " + most);
        }
        return value;
    }
}
