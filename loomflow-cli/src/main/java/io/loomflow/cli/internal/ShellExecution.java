package io.loomflow.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.execution.JdiExecutionControlProvider;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * The execution engine of {@code loomflow shell} ({@code --execution loomflow}): JShell's own, which
 * runs snippets in a JVM of its own started through JDI (so {@code System.exit} in a snippet ends
 * that JVM, not the shell), with one addition. Before JShell ends that JVM, on {@code /exit} and
 * {@code /reset}, it closes the JVM's default engine there and waits for it: runs in flight get the
 * engine's grace to finish ({@code loomflow.shutdownGrace}, 10 s) and are then cancelled, and
 * resources are closed, before the shell goes on. Without it the JVM's shutdown hook would still
 * close the engine, but JShell waits only a second for that JVM to end: a {@code /reset} would go on
 * while the old runs still ran, and after {@code /exit} they would go on in a process no one sees.
 * Found by JShell with {@link java.util.ServiceLoader}; public for that only.
 */
public final class ShellExecution implements ExecutionControlProvider {

    /** The name {@code --execution} selects this engine by. */
    static final String NAME = "loomflow";

    /** Makes the provider; {@link java.util.ServiceLoader} calls it. */
    public ShellExecution() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> defaultParameters() {
        return new JdiExecutionControlProvider().defaultParameters();
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) throws Throwable {
        return new ClosingDefaultEngine(new JdiExecutionControlProvider().generate(env, parameters), env.userErr());
    }

    /** JShell's execution control, closing the default engine of the snippets' JVM before it ends. */
    private static final class ClosingDefaultEngine implements ExecutionControl {

        private static final String CLOSER = ShellEngineCloser.class.getName();

        private final ExecutionControl delegate;
        private final PrintStream userErr;
        private final AtomicBoolean closed = new AtomicBoolean();

        ClosingDefaultEngine(ExecutionControl delegate, PrintStream userErr) {
            this.delegate = delegate;
            this.userErr = userErr;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                // Say why the shell waits, if it does: runs in flight get the engine's grace to finish.
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
                    if (!done.isDone()) {
                        userErr.println("|  Closing the default engine: runs still going get loomflow.shutdownGrace"
                                + " to finish, then are cancelled...");
                    }
                });
                try {
                    delegate.load(new ClassBytecodes[] {new ClassBytecodes(CLOSER, closerBytes())});
                    delegate.invoke(CLOSER, "close");
                } catch (ExecutionControlException | RuntimeException gone) {
                    // The snippets' JVM has ended already (System.exit in a snippet, a crash): its own
                    // shutdown hook closed its default engine.
                } finally {
                    done.complete(null);
                }
            }
            delegate.close();
        }

        private static byte[] closerBytes() {
            String resource = ShellEngineCloser.class.getSimpleName() + ".class";
            try (InputStream in = ShellEngineCloser.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the loomflow command's classes");
                }
                return in.readAllBytes();
            } catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
                EngineTerminationException {
            delegate.load(cbcs);
        }

        @Override
        public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException,
                EngineTerminationException {
            delegate.redefine(cbcs);
        }

        @Override
        public String invoke(String className, String methodName) throws RunException, EngineTerminationException,
                InternalException {
            return delegate.invoke(className, methodName);
        }

        @Override
        public String varValue(String className, String varName) throws RunException, EngineTerminationException,
                InternalException {
            return delegate.varValue(className, varName);
        }

        @Override
        public void addToClasspath(String path) throws EngineTerminationException, InternalException {
            delegate.addToClasspath(path);
        }

        @Override
        public void stop() throws EngineTerminationException, InternalException {
            delegate.stop();
        }

        @Override
        public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException,
                InternalException {
            return delegate.extensionCommand(command, arg);
        }
    }
}
