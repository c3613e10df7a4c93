package io.loomflow.spring;

import io.loomflow.ItemHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings under {@code loomflow.*}. A value that does not fit fails the application's start with a
 * message that names the property and the value.
 *
 * @param engine the engine's name, limits and item history ({@code loomflow.engine.*})
 * @param store where the run history is kept ({@code loomflow.store.*})
 * @param shutdown how the engine closes with the context ({@code loomflow.shutdown.*})
 * @param server the web UI and API mounted in the application ({@code loomflow.server.*})
 */
@ConfigurationProperties("loomflow")
public record LoomflowProperties(@DefaultValue Engine engine, @DefaultValue Store store, @DefaultValue Shutdown shutdown,
                                 @DefaultValue Server server) {

    /**
     * The engine ({@code loomflow.engine.*}).
     *
     * @param name its name, in thread names and messages (default {@code loomflow})
     * @param limits named concurrency limits, {@code loomflow.engine.limits.http=16}: at most that many runs that
     *     use the limit execute at once (1 or more)
     * @param itemHistory how much of a map's items is recorded: {@code all} (default) or {@code failures}
     */
    public record Engine(@DefaultValue("loomflow") String name, @DefaultValue Map<String, Integer> limits,
                         @DefaultValue("all") ItemHistory itemHistory) {
        /** Checks the values. */
        public Engine {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("loomflow.engine.name was '" + name + "'; give the engine a name,"
                        + " such as loomflow");
            }
            limits.forEach((limit, permits) -> {
                if (permits == null || permits < 1) {
                    throw new IllegalArgumentException("loomflow.engine.limits." + limit + " was " + permits
                            + "; give a limit 1 permit or more");
                }
            });
            limits = Map.copyOf(limits);
        }
    }

    /** The kind of run history ({@code loomflow.store.type}). */
    public enum StoreType {
        /** No run history: runs are not recorded, and the UI and API are not mounted. */
        NONE,
        /** In memory, lost when the application stops (the default). */
        MEMORY,
        /** An embedded H2 file in {@code loomflow.store.path}. */
        EMBEDDED,
        /** A database at {@code loomflow.store.url}: PostgreSQL, or H2. */
        JDBC
    }

    /**
     * The run history ({@code loomflow.store.*}).
     *
     * @param type {@code none}, {@code memory} (default), {@code embedded} or {@code jdbc}
     * @param path the directory of the embedded store (default {@code .loomflow})
     * @param url the JDBC URL of the {@code jdbc} store, such as {@code jdbc:postgresql://HOST/DB?user=U}
     */
    public record Store(@DefaultValue("memory") StoreType type, @DefaultValue(".loomflow") Path path, @Nullable String url) {
        /** Checks the values. */
        public Store {
            if (type == StoreType.JDBC && (url == null || url.isBlank())) {
                throw new IllegalArgumentException("loomflow.store.type is jdbc but loomflow.store.url is not set; set"
                        + " it to a JDBC URL, such as jdbc:postgresql://localhost/loomflow?user=loomflow");
            }
            if (url != null && !url.isBlank() && !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("loomflow.store.url was '" + url + "'; give a JDBC URL, starting"
                        + " with jdbc: (such as jdbc:postgresql://localhost/loomflow)");
            }
        }
    }

    /**
     * How the engine closes with the application context ({@code loomflow.shutdown.*}).
     *
     * @param grace how long runs in flight get to finish once the engine stops admitting runs, before they are
     *     cancelled (default 10 s)
     * @param cancelGrace how long cancelled runs get to end before they are recorded Crashed (default 5 s)
     */
    public record Shutdown(@DefaultValue("10s") Duration grace, @DefaultValue("5s") Duration cancelGrace) {
        /** Checks the values. */
        public Shutdown {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("loomflow.shutdown.grace was " + grace + "; give zero or more, such as 10s");
            }
            if (cancelGrace.isNegative()) {
                throw new IllegalArgumentException("loomflow.shutdown.cancel-grace was " + cancelGrace
                        + "; give zero or more, such as 5s");
            }
        }
    }

    /**
     * The web UI and API, mounted in the application's servlet web server ({@code loomflow.server.*}).
     *
     * @param enabled whether to mount them (default true; they need a servlet web application and a store)
     * @param basePath the path they are served under (default {@code /loomflow})
     * @param token a token every request but the health check must carry (see loomflow-server), or unset
     * @param allowedHosts host names requests may name besides loopback ones, without a token; {@code *} for any
     */
    public record Server(@DefaultValue("true") boolean enabled, @DefaultValue("/loomflow") String basePath,
                         @Nullable String token, @DefaultValue List<String> allowedHosts) {
        /** Checks the values. */
        public Server {
            if (!basePath.matches("/|(/[A-Za-z0-9._~-]+)+")) {
                throw new IllegalArgumentException("loomflow.server.base-path was '" + basePath + "'; give / followed by"
                        + " segments of letters, digits and . _ ~ - separated by /, such as /loomflow");
            }
            allowedHosts = List.copyOf(allowedHosts);
        }
    }
}
