package io.loomflow.spi;

import io.loomflow.Flow;
import java.util.Collection;

/**
 * Offers flows to tools that find them by name, such as the {@code loomflow} command
 * ({@code loomflow run NAME}) and, later, the server.
 *
 * <p><b>How providers are found.</b> With {@link java.util.ServiceLoader}: on the class path, list
 * the implementation in {@code META-INF/services/io.loomflow.spi.FlowProvider}; in a named module,
 * declare {@code provides io.loomflow.spi.FlowProvider with ...}. The {@code loomflow} command also
 * loads directories of classes given with {@code --classes DIR} (see its README): a directory with
 * that services file contributes the providers listed there; a directory without one contributes
 * every public, non-abstract class in it that implements this interface and has a public
 * constructor without parameters.
 * {@snippet class=io.loomflow.snippets.MyFlows region=provider}
 *
 * <p><b>Names.</b> A flow's name is how users pick it, so names must be unique across every provider
 * a tool finds; tools refuse two flows of one name and say which providers offer them. Define flows
 * with {@link Flow#named(String, Class, io.loomflow.CheckedFunction)} so that tools can build their
 * parameters; a flow without a parameter type is started with {@code null}.
 *
 * <p><b>Lifecycle and threads.</b> A provider is instantiated through its public no-argument
 * constructor and asked once per discovery; {@link #flows()} may be called from any thread and
 * should only define flows, not run them or open resources.
 */
@FunctionalInterface
public interface FlowProvider {

    /**
     * The flows this provider offers.
     *
     * @return the flows; may be empty
     */
    Collection<Flow<?, ?>> flows();
}
