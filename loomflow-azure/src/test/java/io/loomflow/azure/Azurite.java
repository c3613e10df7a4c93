package io.loomflow.azure;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs Azurite's blob service for the tests: once per test run, the first test class that uses it
 * installs Azurite with npm into {@code target/azurite} (if it is not there yet), starts it on a
 * free 127.0.0.1 port, and waits until it accepts connections; the run's end stops it. Tests get
 * the {@link AzuriteServer} as a parameter. A server that cannot be installed or started fails the tests,
 * with npm's or Azurite's output in the message: they never skip.
 */
public final class Azurite implements BeforeAllCallback, ParameterResolver {

    /** Creates the extension; JUnit calls this. */
    Azurite() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AzuriteServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static AzuriteServer server(ExtensionContext context) {
        // The root context's store lives for the whole run and closes AutoCloseable values at its end.
        return context.getRoot().getStore(ExtensionContext.Namespace.create(Azurite.class))
                .computeIfAbsent(AzuriteServer.class, type -> AzuriteServer.start(), AzuriteServer.class);
    }
}
