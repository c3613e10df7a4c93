package io.loomflow.spring.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One servlet request presented to loomflow-server's handler as the JDK server's {@link HttpExchange}: its URI is
 * the path below the mount path (the servlet's path info) with the query; the response's status and headers go to
 * the servlet response when {@link #sendResponseHeaders} is called, and its body is the servlet's output stream, so
 * that each {@code flush()} of an event stream reaches the client at once.
 */
public final class ServletExchange extends HttpExchange {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private InputStream in;
    private OutputStream out;
    private int status = -1;

    /**
     * The exchange of one servlet request.
     *
     * @param request the servlet request, mapped to {@code BASE/*}
     * @param response its response
     */
    public ServletExchange(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = response;
        String query = request.getQueryString();
        // The raw (percent-encoded) path below the mount, as the JDK server would give it.
        String raw = request.getRequestURI().substring(request.getContextPath().length() + request.getServletPath().length());
        this.uri = URI.create((raw.isEmpty() ? "/" : raw) + (query == null ? "" : "?" + query));
        for (String name : Collections.list(request.getHeaderNames())) {
            requestHeaders.put(name, Collections.list(request.getHeaders(name)));
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        throw new UnsupportedOperationException("a mounted Loomflow server has no HttpContext of the JDK's server");
    }

    @Override
    public void close() {
        try {
            if (status < 0) {
                sendResponseHeaders(500, -1);
            }
            getResponseBody().close();
        } catch (IOException clientGone) {
            // nothing to tell anybody
        }
    }

    @Override
    public InputStream getRequestBody() {
        if (in == null) {
            try {
                in = request.getInputStream();
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
        }
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        if (out == null) {
            try {
                // Closing it ends the response; the container closes the connection or keeps it alive.
                out = new FilterOutputStream(response.getOutputStream()) {
                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        this.out.write(bytes, offset, length);
                    }
                };
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
        }
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (status >= 0) {
            throw new IOException("the headers were sent already");
        }
        status = code;
        response.setStatus(code);
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            for (String value : header.getValue()) {
                response.addHeader(header.getKey(), value);
            }
        }
        if (length > 0) {
            response.setContentLengthLong(length);
        } else if (length < 0) {
            response.setContentLengthLong(0);
        }
        // length 0: a body of unknown length (an event stream), sent as it is written and flushed.
        response.flushBuffer();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return InetSocketAddress.createUnresolved(request.getLocalAddr(), request.getLocalPort());
    }

    @Override
    public String getProtocol() {
        return request.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream input, OutputStream output) {
        if (input != null) {
            in = input;
        }
        if (output != null) {
            out = output;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
