package io.loomflow.cli.internal;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loomflow server}: serves the flows {@code loomflow run} would find with {@link LoomflowServer}
 * (JSON API, event stream, web UI), recording into the same run history, until Ctrl-C or SIGTERM.
 *
 * <p>Runs execute on an engine this command makes, with the results directory {@code loomflow run}
 * uses, so tasks that cache or persist their results do so, and a failed run can be resumed with
 * {@code loomflow run FLOW --resume RUN}. On a signal the engine is closed <em>before</em> the server
 * stops: the server records a given engine's runs only while it runs, and closing the store marks a
 * run still unfinished Crashed, so runs in flight are cancelled first and recorded Cancelled.
 *
 * <p>In a process of its own it stops on Ctrl-C or SIGTERM (signal handlers, as {@code run} uses,
 * so the store is still open while runs are cancelled) and exits 0. Run in another program
 * ({@link io.loomflow.cli.Main#run}), it installs no handlers and stops when its thread is
 * interrupted.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Serves the flows over HTTP (a JSON API and a web UI to start runs and watch them live),"
                + " recording the runs in the run history, until Ctrl-C or SIGTERM.",
        footer = {"", "Examples:",
                "  loomflow server                       (http://127.0.0.1:8080/)",
                "  loomflow server --port 0 --classes build/classes",
                "  LOOMFLOW_TOKEN=$(openssl rand -hex 16) loomflow server --host 0.0.0.0",
                "", "An address other than a loopback one needs --token (every request must carry",
                "it: Authorization: Bearer TOKEN; a browser opens the printed address once)",
                "or --insecure.",
                "", "Exit codes: 0 stopped by Ctrl-C/SIGTERM, 2 bad input (also a port in use),",
                "3 run history unavailable, 4 unexpected error."})
final class ServerCommand implements Callable<Integer>, Verbose {

    static final String TOKEN_VARIABLE = "LOOMFLOW_TOKEN";

    private final CliContext context;

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

    @Option(names = "--insecure",
            description = "Serve an address other than a loopback one without a token: anyone who reaches it can"
                    + " start flows and read their runs.")
    boolean insecure;

    @Mixin
    StoreOption store;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    ServerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            List<Flow<?, ?>> flows = catalog.entries().stream().<Flow<?, ?>>map(FlowCatalog.Entry::flow).toList();
            // Bad input is reported before the store is opened, so a typo never creates .loomflow.
            LoomflowServer.Builder builder = configured(LoomflowServer.builder().flows(flows));
            RunStore history = store.openForWriting();
            Engine engine;
            try {
                engine = Engine.builder()
                        .name("loomflow-server")
                        .results(ResultStores.directory(store.resultsDirectory()))
                        // Runs in flight when the server is asked to stop are cancelled at once, as 'run' cancels its run.
                        .shutdownGrace(Duration.ZERO, Duration.ofSeconds(5))
                        .build();
            } catch (RuntimeException failed) {
                history.close();
                throw failed;
            }
            return serve(builder.engine(engine).store(history).build(), engine, history, flows.size());
        }
    }

    /** The builder with host, port and token, after checking them as the server would, naming the options. */
    private LoomflowServer.Builder configured(LoomflowServer.Builder builder) {
        if (port < 0 || port > 65_535) {
            throw CliException.badInput("--port " + port + " is not a port; pass 0 to 65535 (0 picks a free one)");
        }
        builder.port(port);
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

    private int serve(LoomflowServer server, Engine engine, RunStore history, int flows) {
        CountDownLatch stopping = new CountDownLatch(1);
        // Installed before the server starts, so that even an early signal stops it in order.
        SignalCancellation signals = context.ownsProcess()
                ? SignalCancellation.install("stopping the server; runs in flight are cancelled", stopping::countDown,
                        context.err())
                : null;
        boolean interrupted = false;
        try {
            try {
                server.start();
            } catch (UncheckedIOException cannotListen) {
                throw new CliException(ExitCode.BAD_INPUT, cannotListen.getMessage(), cannotListen);
            } catch (IllegalArgumentException cannotServe) {
                // The host was checked above; what is left is a flow whose parameters the server cannot describe.
                throw new CliException(ExitCode.BAD_INPUT, "cannot serve the flows: " + cannotServe.getMessage(),
                        cannotServe);
            }
            context.out().println("Loomflow server at " + address(server) + " (" + (flows == 1 ? "1 flow" : flows + " flows")
                    + "; Ctrl-C to stop)");
            context.out().flush();
            try {
                stopping.await();
            } catch (InterruptedException stop) {
                interrupted = true; // run in another program, which asked it to stop
            }
            return ExitCode.OK.code();
        } finally {
            // The engine first: its runs in flight are cancelled and recorded while the server still records them.
            engine.close();
            server.stop(); // closes the store, if the server started
            history.close(); // if it did not; closing twice does nothing
            if (signals != null) {
                signals.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt(); // set again only now, so that closing did not cut waits short
            }
        }
    }

    /** The token from {@code --token} or {@code LOOMFLOW_TOKEN}, or null for none (an empty variable is none). */
    private String secret() {
        return token == null || token.isBlank() ? null : token.strip();
    }

    /** The server's address, with the token when there is one, so that a browser opened on it is let in. */
    private String address(LoomflowServer server) {
        String secret = secret();
        return server.uri() + (secret == null ? "" : "?token=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
    }
}
