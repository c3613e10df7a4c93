package io.loomflow.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the server. Without a token, everyone who can reach it (a loopback address, or an
 * exposed one the operator chose to leave open). With a token, a request must carry it: in the header
 * {@code Authorization: Bearer TOKEN}, in {@code X-Loomflow-Token}, or in the cookie a browser gets
 * by opening any page once with {@code ?token=TOKEN}. The health check is always open.
 */
final class Access {

    static final String COOKIE = "loomflow_token";

    private final byte[] token;

    Access(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Tells whether the request may go on; otherwise it has been answered (401, or a redirect). */
    boolean admit(Request request) throws IOException {
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
            request.redirect(request.pathText());
            return false;
        }
        throw new HttpError(401, "this server asks for a token: send the header Authorization: Bearer TOKEN, or open"
                + " a page once with ?token=TOKEN (the server printed the address with it when it started)");
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }
}
