package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends each request to the route that matches its method and path. A path that no route knows is
 * a 404, a known path with another method a 405 naming the allowed ones. {@link Access} admits the request
 * first (host, origin, token), and a route that changes state needs {@code Content-Type: application/json}.
 * An {@link HttpError} becomes
 * its JSON (or, for pages, an HTML page); anything else is logged with its stack trace and answered
 * 500 with an id to find it in the log, never with the trace.
 */
final class Router implements HttpHandler {

    private static final System.Logger LOG = System.getLogger("io.loomflow.server");

    /** What a route does with a request. */
    @FunctionalInterface
    interface Handler {
        void handle(Request request) throws IOException;
    }

    private record Route(String method, Pattern path, Class<?> answers, Handler handler, boolean signed) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final ObjectMapper json;
    private final Access access;
    private final Request.Limits limits;
    private final String base;

    Router(ObjectMapper json, Access access, Request.Limits limits) {
        this(json, access, limits, "");
    }

    /** A router whose error pages link under {@code base}, the path a mounted server is served under. */
    Router(ObjectMapper json, Access access, Request.Limits limits, String base) {
        this.json = json;
        this.access = access;
        this.limits = limits;
        this.base = base;
    }

    /**
     * Adds a route.
     *
     * @param method the HTTP method
     * @param path the path, with {@code {name}} for a segment the handler reads with {@link Request#path(String)}
     * @param handler what it does
     * @return this router
     */
    Router route(String method, String path, Handler handler) {
        return route(method, path, null, handler);
    }

    /**
     * Adds a route that answers success with a JSON record.
     *
     * @param answers the record of {@link Responses} it answers with, which the OpenAPI check holds to the document
     */
    Router route(String method, String path, Class<?> answers, Handler handler) {
        String regex = path.replaceAll("\\{([a-zA-Z]+)}", "(?<$1>[^/]+)");
        routes.add(new Route(method, Pattern.compile(regex), answers, handler, false));
        return this;
    }

    /**
     * Adds a route that authenticates each request itself (a webhook, whose signature its handler checks): {@link
     * Access} does not admit it (no token, no same-origin rule, no Host check: it is called by other services, and
     * a request without a valid signature changes nothing), while it still needs {@code Content-Type:
     * application/json}. Every other route keeps every check.
     */
    Router signedRoute(String method, String path, Class<?> answers, Handler handler) {
        String regex = path.replaceAll("\\{([a-zA-Z]+)}", "(?<$1>[^/]+)");
        routes.add(new Route(method, Pattern.compile(regex), answers, handler, true));
        return this;
    }

    /** The routes, as {@code METHOD /path/{name}} lines, for the OpenAPI check. */
    List<String> describe() {
        return routes.stream().map(Router::describe).toList();
    }

    /** The routes that answer with a record, and the record: {@code METHOD /path/{name}} to type. */
    java.util.Map<String, Class<?>> answers() {
        java.util.Map<String, Class<?>> answers = new java.util.LinkedHashMap<>();
        routes.stream().filter(route -> route.answers() != null).forEach(route -> answers.put(describe(route), route.answers()));
        return answers;
    }

    private static String describe(Route route) {
        return route.method() + " " + route.path().pattern().replaceAll("\\(\\?<([a-zA-Z]+)>\\[\\^/\\]\\+\\)", "{$1}");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Request request = new Request(exchange, json, limits, base);
        try {
            String path = exchange.getRequestURI().getPath();
            Set<String> allowed = new LinkedHashSet<>();
            for (Route route : routes) {
                Matcher matcher = route.path().matcher(path);
                if (!matcher.matches()) {
                    continue;
                }
                if (!route.method().equals(exchange.getRequestMethod())) {
                    allowed.add(route.method());
                    continue;
                }
                request.matched(matcher);
                if (route.signed() || access.admit(request)) {
                    if (!route.method().equals("GET")) {
                        request.requireJsonType(); // with or without a body: no HTML form of another site gets here
                    }
                    route.handler().handle(request);
                }
                return;
            }
            if (!allowed.isEmpty()) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                throw new HttpError(405, exchange.getRequestMethod() + " is not allowed on " + path + "; use "
                        + String.join(" or ", allowed));
            }
            throw HttpError.notFound("nothing at " + path + (path.startsWith("/api/")
                    ? "; the API is described at /api/openapi.json" : ""));
        } catch (HttpError refused) {
            request.refuse(refused);
        } catch (IOException clientGone) {
            LOG.log(Level.DEBUG, "a client went away during " + request.describe(), clientGone);
        } catch (RuntimeException | Error failed) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            // Never the query or the headers: they may hold the token.
            LOG.log(Level.ERROR, "request " + request.describe() + " failed (error id " + id + ")", failed);
            request.refuse(new HttpError(500, "the server failed on this request (error id " + id
                    + "); its log has the details"));
        } finally {
            exchange.close();
        }
    }
}
