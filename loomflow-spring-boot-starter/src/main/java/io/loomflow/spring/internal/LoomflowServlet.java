package io.loomflow.spring.internal;

import com.sun.net.httpserver.HttpHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Serial;

/**
 * Serves the mounted Loomflow server: every request under the base path goes to its handler, as a
 * {@link ServletExchange}. A request for the base path itself, without the trailing slash, is sent on to it with one.
 */
public final class LoomflowServlet extends HttpServlet {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient HttpHandler handler;

    /**
     * A servlet that hands every request to {@code handler}.
     *
     * @param handler the mounted server's handler
     */
    public LoomflowServlet(HttpHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getPathInfo() == null) {
            String query = request.getQueryString();
            response.sendRedirect(request.getRequestURI() + "/" + (query == null ? "" : "?" + query));
            return;
        }
        handler.handle(new ServletExchange(request, response));
    }
}
