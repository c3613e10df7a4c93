package io.loomflow.server.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JDK HTTP server's own limits, which it reads from system properties once per JVM, when the first
 * {@code com.sun.net.httpserver.HttpServer} of the process is made: the time a request's headers and body
 * may take ({@code sun.net.httpserver.maxReqTime}), the idle time of a kept-alive connection
 * ({@code sun.net.httpserver.idleInterval}), the number of connections ({@code jdk.httpserver.maxConnections})
 * and {@code TCP_NODELAY} ({@code sun.net.httpserver.nodelay}; with Nagle's algorithm on, an answer over
 * about 8 KiB waits some 40 ms for the client's delayed ACK).
 *
 * <p>Before it listens, a server sets each one the program has not set, from its settings. A property
 * already set (by {@code -D} on the command line, the program, or an earlier server of the process with
 * other settings) is kept, and a warning names it: the JVM can have only one value, read once. The
 * server's own deadline on reading a body applies either way.
 */
final class JdkServerProperties {

    static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
    static final String IDLE_INTERVAL = "sun.net.httpserver.idleInterval";
    static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private static final System.Logger LOG = System.getLogger("io.loomflow.server");

    private JdkServerProperties() {
    }

    /** The properties for these settings, in the JDK's units (seconds). */
    static Map<String, String> of(Duration requestTimeout, Duration idleTimeout, int maxConnections) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(MAX_REQUEST_TIME, Long.toString(requestTimeout.toSeconds()));
        wanted.put(IDLE_INTERVAL, Long.toString(idleTimeout.toSeconds()));
        wanted.put(MAX_CONNECTIONS, Integer.toString(maxConnections));
        wanted.put(NO_DELAY, "true");
        return wanted;
    }

    /**
     * Sets each property that is not set yet; returns the names of those set otherwise, after logging a
     * warning that names them.
     */
    static List<String> apply(Map<String, String> wanted) {
        List<String> kept = new java.util.ArrayList<>();
        synchronized (System.getProperties()) { // two servers starting at once set each property once
            wanted.forEach((name, value) -> {
                String set = System.getProperty(name);
                if (set == null) {
                    System.setProperty(name, value);
                } else if (!set.equals(value)) {
                    kept.add(name + "=" + set + " (this server's settings ask for " + value + ")");
                }
            });
        }
        if (!kept.isEmpty()) {
            LOG.log(Level.WARNING, "the JDK HTTP server's properties were set before this server started, and the JVM"
                    + " keeps them: " + String.join(", ", kept) + "; remove them from the command line or the program"
                    + " to use the server's settings (the request body deadline applies either way)");
        }
        return kept;
    }
}
