package io.loomflow.s3;

import java.time.Clock;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link S3Mock} per test run, on first use, and stops it when the run ends (it is kept
 * in the root context's store, which closes it). Test classes that use it get it as a constructor
 * or method parameter. If S3Mock cannot start, every test that needs it fails with the reason;
 * none is skipped, and the start is not retried for each class.
 */
public final class S3MockExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3MockExtension.class);

    /** The outcome of the one start: the server, or why it did not start. */
    private record Started(S3Mock server, RuntimeException failure) implements AutoCloseable {

        S3Mock get() {
            if (failure != null) {
                throw new IllegalStateException("S3Mock did not start, so this test cannot run: " + failure.getMessage(),
                        failure);
            }
            return server;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    private static S3Mock server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(Started.class, key -> {
            try {
                return new Started(S3Mock.start(Clock.systemUTC()), null);
            } catch (RuntimeException e) {
                return new Started(null, e);
            }
        }, Started.class).get();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3Mock.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }
}
