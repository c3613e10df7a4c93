package io.loomflow.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the requests a well-behaved client refuses to send (any Host, any
 * method, odd headers): one request per connection, answered within a deadline or failed.
 */
final class RawHttp {

    /** An answer: status, headers (names in lower case, first value) and body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    /**
     * Sends one request and reads the answer to its end.
     *
     * @param headers each "Name: value"; a Host header replaces the default one (the server's address)
     */
    static Response send(URI base, String method, String target, List<String> headers, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(15_000); // a server that does not answer fails the test instead of hanging it
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            if (headers.stream().noneMatch(header -> header.toLowerCase(Locale.ROOT).startsWith("host:"))) {
                head.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
            }
            headers.forEach(header -> head.append(header).append("\r\n"));
            if (body.length > 0 && headers.stream().noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:"))) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            byte[] answer = readAll(socket.getInputStream());
            return parse(new String(answer, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException hung) {
            throw new AssertionError(method + " " + target + ": no answer within 15 s", hung);
        } catch (IOException failed) {
            throw new UncheckedIOException(method + " " + target + ": " + failed.getMessage(), failed);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            all.write(buffer, 0, n);
        }
        return all.toByteArray();
    }

    private static Response parse(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("not an HTTP answer: '" + answer + "'");
        }
        String[] lines = answer.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        String body = answer.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Response(status, headers, body);
    }
}
