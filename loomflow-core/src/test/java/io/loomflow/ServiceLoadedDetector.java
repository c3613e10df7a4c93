package io.loomflow;

import io.loomflow.spi.NonBlockingThreadDetector;
import java.util.Optional;

/**
 * A detector provided through {@code META-INF/services}: {@code EventLoopThreadsTest} defines it in
 * a class loader of its own (providers on the class path must be outside named modules) and builds
 * an engine with that loader as the context class loader. Recognizes threads named
 * {@code service-ui-*}.
 */
public final class ServiceLoadedDetector implements NonBlockingThreadDetector {

    static final String KIND = "a UI thread known to a service provider";

    /** Called by {@link java.util.ServiceLoader}. */
    public ServiceLoadedDetector() {
    }

    @Override
    public Optional<String> detect() {
        return Thread.currentThread().getName().startsWith("service-ui-") ? Optional.of(KIND) : Optional.empty();
    }
}
