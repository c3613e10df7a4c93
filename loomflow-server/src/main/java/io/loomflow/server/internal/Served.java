package io.loomflow.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The parts of {@code LoomflowServer.serve}: which port, which page, and opening it in a browser.
 */
public final class Served {

    private Served() {
    }

    /**
     * Whether a port can be bound on a host now (a later bind may still lose a race, and then fails
     * with the server's own message).
     *
     * @param host the address the server binds
     * @param port the port
     * @return {@code true} if a socket could be bound there
     */
    public static boolean free(String host, int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(host))) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * The page to open: a flow's form, or the list of flows.
     *
     * @param base the server's address, ending in {@code /}
     * @param flow the one flow served, {@code null} for the list
     * @param token the server's token, which the browser then presents once, or {@code null}
     * @return the page's address
     */
    public static URI page(URI base, @Nullable String flow, @Nullable String token) {
        String path = flow == null ? "" : "flows/" + URLEncoder.encode(flow, StandardCharsets.UTF_8).replace("+", "%20");
        return base.resolve(path + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    /**
     * Opens a page, reporting on standard output what went wrong rather than failing.
     *
     * @param opener what opens it
     * @param page the page
     */
    public static void open(Consumer<URI> opener, URI page) {
        try {
            opener.accept(page);
        } catch (RuntimeException failed) {
            System.out.println("Loomflow: could not open " + page + " in a browser (" + failed.getMessage()
                    + "); open it yourself");
        }
    }

    /**
     * Opens a page in the system's browser, without waiting for it; where there is no display (a
     * server, a container, CI) it opens nothing and says so.
     *
     * @param page the page
     * @throws IllegalStateException if the system's opener cannot be started
     */
    public static void systemBrowser(URI page) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> command;
        if (os.contains("win")) {
            command = List.of("rundll32", "url.dll,FileProtocolHandler", page.toString());
        } else if (os.contains("mac")) {
            command = List.of("open", page.toString());
        } else {
            if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
                System.out.println("Loomflow: no display here; open " + page + " in a browser");
                return;
            }
            command = List.of("xdg-open", page.toString());
        }
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException cannot) {
            throw new IllegalStateException(command.getFirst() + " could not be started: " + cannot.getMessage(), cannot);
        }
    }
}
