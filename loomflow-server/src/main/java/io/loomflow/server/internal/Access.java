package io.loomflow.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the server, checked before any route runs.
 *
 * <ul>
 * <li><b>Host</b>: without a token, a request must name the server by a loopback name ({@code localhost},
 *     {@code 127.0.0.1}, {@code [::1]}), an IP address, the host it was bound to, or a host allowed by
 *     {@code allowedHosts}; any other name is answered 421. This stops DNS rebinding, where a page of
 *     {@code evil.example} makes its name resolve to 127.0.0.1 and then talks to the server as its own
 *     origin. (An IP address cannot be rebound: a page loaded from it is the server's own.) With a token
 *     the check is not needed, as a rebound page has no way to the token.</li>
 * <li><b>Origin</b>: a state-changing request (anything but GET and HEAD) that a browser marks as coming
 *     from another site ({@code Sec-Fetch-Site}), or whose {@code Origin} is neither {@code http://} and the
 *     request's own {@code Host} nor of a host named in {@code allowedHosts} (any scheme and port: a proxy in
 *     front may serve https), is answered 403. Requests without either header (curl, programs) pass.</li>
 * <li><b>Token</b>: with a token, a request must carry it: in the header {@code Authorization: Bearer TOKEN},
 *     in {@code X-Loomflow-Token}, or in the cookie a browser gets by opening any page once with
 *     {@code ?token=TOKEN}. The health check is always open.</li>
 * </ul>
 */
final class Access {

    static final String COOKIE = "loomflow_token";

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");
    /** The characters a raw (percent-encoded) URI path or query may hold: nothing that can break a header. */
    private static final Pattern URI_TEXT = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*");

    private final byte[] token;
    private final Set<String> allowedHosts;
    private final Set<String> namedHosts;
    /** A host name, an IPv4 address or a bracketed IPv6 address, and an optional port of digits. */
    private static final java.util.regex.Pattern HOST_HEADER =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?");
    private final boolean anyHost;

    /**
     * @param token the token every request must carry, or null for none
     * @param boundHost the host the server was bound to, which requests may name
     * @param allowedHosts more host names requests may name; {@code *} allows any
     */
    Access(String token, String boundHost, Collection<String> allowedHosts) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        List<String> hosts = new ArrayList<>(LOOPBACK_NAMES);
        hosts.add(hostName(boundHost.contains(":") && !boundHost.startsWith("[") ? "[" + boundHost + "]" : boundHost));
        allowedHosts.forEach(host -> hosts.add(hostName(host)));
        this.namedHosts = Set.copyOf(allowedHosts.stream().filter(host -> !host.equals("*")).map(Access::hostName).toList());
        this.anyHost = allowedHosts.contains("*");
        this.allowedHosts = Set.copyOf(hosts);
    }

    /** Tells whether the request may go on; otherwise it has been answered (a redirect) or an {@link HttpError} thrown. */
    boolean admit(Request request) throws IOException {
        checkHost(request);
        if (!SAFE_METHODS.contains(request.method())) {
            checkOrigin(request);
        }
        if (token == null || request.pathText().equals("/api/health")) {
            return true;
        }
        String authorization = request.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(authorization.substring(7).strip())) {
            return true;
        }
        if (matches(request.header("X-Loomflow-Token")) || matches(request.cookie(COOKIE))) {
            return true;
        }
        String given = request.query("token");
        if (given != null && matches(given) && request.method().equals("GET") && !request.pathText().startsWith("/api/")) {
            request.exchange().getResponseHeaders().add("Set-Cookie",
                    COOKIE + "=" + given + "; Path=/; HttpOnly; SameSite=Strict");
            request.redirect(request.base() + withoutToken(request));
            return false;
        }
        throw new HttpError(401, "this server asks for a token: send the header Authorization: Bearer TOKEN, or open"
                + " a page once with ?token=TOKEN (the server printed the address with it when it started)");
    }

    private void checkHost(Request request) {
        List<String> given = request.headers("Host");
        if (given.size() > 1) {
            throw new HttpError(400, "the request had " + given.size() + " Host headers; send one");
        }
        if (given.isEmpty() || token != null || anyHost) {
            return; // no Host (not a browser), or a token guards the server
        }
        if (!HOST_HEADER.matcher(given.getFirst().strip()).matches()) {
            throw new HttpError(400, "the Host header '" + given.getFirst() + "' is not a host name or address with an"
                    + " optional port; send Host: 127.0.0.1:PORT or localhost:PORT").with("host", given.getFirst());
        }
        String host = hostName(given.getFirst());
        if (allowedHosts.contains(host) || IPV4.matcher(host).matches() || IPV6.matcher(host).matches()) {
            return;
        }
        throw new HttpError(421, "this server does not answer to the host '" + given.getFirst() + "'; open it as"
                + " http://127.0.0.1 or http://localhost, or allow that name with LoomflowServer.Builder.allowHost"
                + " (loomflow server --allow-host NAME) if it is meant to reach this server")
                .with("host", given.getFirst());
    }

    private void checkOrigin(Request request) {
        request.once("Sec-Fetch-Site");
        request.once("Origin");
        String site = request.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            throw new HttpError(403, "a " + request.method() + " from another site (Sec-Fetch-Site: " + site + ") may not"
                    + " start or cancel runs; use the server's own pages, or call the API from a program");
        }
        String origin = request.header("Origin");
        if (origin == null) {
            return;
        }
        String host = request.header("Host");
        if ((host == null || !origin.equalsIgnoreCase("http://" + host)) && !namedHosts.contains(originHost(origin))) {
            throw new HttpError(403, "a " + request.method() + " from the origin '" + origin + "' may not start or cancel"
                    + " runs; only pages of this server (" + (host == null ? "its own origin" : "http://" + host) + ")"
                    + " may, or programs that send no Origin").with("origin", origin);
        }
    }

    /** The host of an Origin ({@code scheme://host[:port]}), as {@link #hostName} gives it; "" when it has none. */
    private static String originHost(String origin) {
        int scheme = origin.indexOf("://");
        return scheme < 0 ? "" : hostName(origin.substring(scheme + 3));
    }

    /** A Host header's name, without its port, in lower case; IPv6 literals keep their brackets. */
    private static String hostName(String hostAndPort) {
        String host = hostAndPort.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /**
     * Where a page opened with {@code ?token=} is sent once it has the cookie: the same path and query, without
     * the token, as the client sent them (percent-encoded, so nothing in it can break the header).
     */
    private static String withoutToken(Request request) {
        String path = request.exchange().getRequestURI().getRawPath();
        if (path == null || !URI_TEXT.matcher(path).matches() || !path.startsWith("/")) {
            path = "/";
        }
        path = path.replaceFirst("^/+", "/"); // never //host, which a browser reads as another server
        List<String> kept = new ArrayList<>();
        String query = request.exchange().getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
                if (!pair.isEmpty() && !Request.decode(key).equals("token") && URI_TEXT.matcher(pair).matches()) {
                    kept.add(pair);
                }
            }
        }
        return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }
}
