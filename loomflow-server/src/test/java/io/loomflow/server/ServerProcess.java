package io.loomflow.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A server in a JVM of its own, for the tests of what the JDK's server reads once per JVM (its
 * limits and TCP_NODELAY). Arguments: {@code requestTimeout=SECONDS}, {@code maxConnections=N}. Prints
 * {@code listening URI} and the JDK server's properties as it left them, then serves until its standard
 * input closes.
 */
public final class ServerProcess {

    static final List<String> PROPERTIES = List.of("sun.net.httpserver.maxReqTime", "sun.net.httpserver.idleInterval",
            "jdk.httpserver.maxConnections", "sun.net.httpserver.nodelay");

    private ServerProcess() {
    }

    public static void main(String[] args) throws IOException {
        LoomflowServer.Builder builder = LoomflowServer.builder().flows(TestFlows.all()).port(0);
        for (String arg : args) {
            String[] setting = arg.split("=", 2);
            switch (setting[0]) {
                case "requestTimeout" -> builder.requestTimeout(Duration.ofSeconds(Long.parseLong(setting[1])));
                case "maxConnections" -> builder.maxConnections(Integer.parseInt(setting[1]));
                default -> throw new IllegalArgumentException("unknown setting " + arg);
            }
        }
        try (LoomflowServer server = builder.build().start()) {
            System.out.println("listening " + server.uri());
            for (String property : PROPERTIES) {
                System.out.println(property + "=" + System.getProperty(property));
            }
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // serve until the test closes our input
            }
        }
    }
}
