package io.loomflow.cli.internal;

import io.loomflow.server.LoomflowServer;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/** The options of {@code loomflow server} and {@code loomflow dev} that say where and to whom to serve. */
final class ServeOptions {

    static final String TOKEN_VARIABLE = "LOOMFLOW_TOKEN";

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: 127.0.0.1). An address other than a loopback one,"
                    + " such as 0.0.0.0 for all, needs --token or --insecure.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "The port (default: 8080); 0 picks a free one, which the printed address shows.")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:" + TOKEN_VARIABLE + "}",
            description = "A secret of at least 16 characters that every request must carry (Authorization: Bearer"
                    + " TOKEN; a browser opens the printed address, which has ?token=TOKEN, once). Default:"
                    + " $" + TOKEN_VARIABLE + ". Better given through the variable than on the command line,"
                    + " where other users of the machine can see it.")
    String token;

    @Option(names = "--allow-host", paramLabel = "NAME",
            description = "A host name the server may be opened by, besides localhost, 127.0.0.1, [::1], IP addresses"
                    + " and --host (such as a proxy's, or the machine's name); repeatable. Without a token, requests"
                    + " naming any other host are refused, so that no web page can reach the server by DNS rebinding.")
    java.util.List<String> allowedHosts = new java.util.ArrayList<>();

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "The longest a request's headers and body may take to arrive (default: 30); a slower"
                    + " client is cut off.")
    long requestTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000",
            description = "The most connections open at once, event streams included (default: 1000).")
    int maxConnections;

    @Option(names = "--insecure",
            description = "Serve an address other than a loopback one without a token: anyone who reaches it can"
                    + " start flows and read their runs.")
    boolean insecure;

    /** The builder with host, port and token, after checking them as the server would, naming the options. */
    LoomflowServer.Builder configured(LoomflowServer.Builder builder, CliContext context) {
        if (port < 0 || port > 65_535) {
            throw CliException.badInput("--port " + port + " is not a port; pass 0 to 65535 (0 picks a free one)");
        }
        builder.port(port);
        for (String name : allowedHosts) {
            try {
                builder.allowHost(name);
            } catch (IllegalArgumentException bad) {
                throw CliException.badInput("--allow-host '" + name + "' is not a host name; pass a name such as"
                        + " myhost.example (no scheme, no port), or * for any");
            }
        }
        if (requestTimeout < 1) {
            throw CliException.badInput("--request-timeout " + requestTimeout + " is too short; pass whole seconds, 1 or"
                    + " more (default 30)");
        }
        builder.requestTimeout(java.time.Duration.ofSeconds(requestTimeout));
        if (maxConnections < 1) {
            throw CliException.badInput("--max-connections " + maxConnections + " is too few; pass 1 or more (default"
                    + " 1000)");
        }
        builder.maxConnections(maxConnections);
        String secret = secret();
        if (secret != null) {
            try {
                builder.token(secret);
            } catch (IllegalArgumentException tooShort) {
                throw CliException.badInput("--token (or $" + TOKEN_VARIABLE + "): " + tooShort.getMessage());
            }
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException unknown) {
            throw CliException.badInput("--host '" + host + "' is not an address of this machine; pass 127.0.0.1 (the"
                    + " default), 0.0.0.0 for every address, or a name or address that resolves");
        }
        if (!address.isLoopbackAddress() && secret == null && !insecure) {
            throw CliException.badInput("--host " + host + " is not a loopback address, so anyone who reaches this machine"
                    + " could start flows and read their runs; pass --token TOKEN (or set " + TOKEN_VARIABLE
                    + ") to ask every request for it, or --insecure to serve without one");
        }
        if (insecure && secret == null && !address.isLoopbackAddress()) {
            context.err().println("loomflow: warning: --insecure: serving " + host + " without a token; anyone who"
                    + " reaches it can start flows and read their runs (pass --token to ask for one)");
        }
        if (insecure) {
            builder.insecure();
        }
        return builder.host(host);
    }

    /** The token from {@code --token} or {@code LOOMFLOW_TOKEN}, or null for none (an empty variable is none). */
    private String secret() {
        return token == null || token.isBlank() ? null : token.strip();
    }

    /** The server's address, with the token when there is one, so that a browser opened on it is let in. */
    String address(LoomflowServer server) {
        String secret = secret();
        return server.uri() + (secret == null ? "" : "?token=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
    }
}
