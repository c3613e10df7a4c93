package io.loomflow.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The SDK's HTTP client, without one false alarm. When a thread blocked in a synchronous SDK call
 * is interrupted (its run was cancelled, or its engine closed after the grace period), Reactor
 * cancels the request, and the JDK's HttpClient then fails the request's future with a
 * {@code CompletionException} around a {@code CancellationException}. Reactor ignores a bare
 * {@code CancellationException} that comes after a cancel, but not a wrapped one: it logs it at
 * ERROR, with a stack trace, as "Operator called default onErrorDropped". Each request here runs
 * with a hook of its own (in its Reactor context) that drops such cancellations silently and hands
 * any other dropped error to Reactor's usual handling. Thread-safe, like the client it wraps.
 */
final class CancellationTolerantHttpClient implements HttpClient {

    /** Reactor's context key for an error-dropped hook local to one subscription ({@code Hooks.KEY_ON_ERROR_DROPPED}). */
    private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";
    private static final reactor.util.context.Context QUIET_CANCELLATION = reactor.util.context.Context.of(
            ON_ERROR_DROPPED, (Consumer<Throwable>) CancellationTolerantHttpClient::dropped);

    private final HttpClient delegate;

    CancellationTolerantHttpClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return delegate.send(request, context).contextWrite(QUIET_CANCELLATION);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        return delegate.sendSync(request, context);
    }

    /** An error that arrived after its request was cancelled: nobody waits for it any more. */
    private static void dropped(Throwable error) {
        if (!isCancellation(error)) {
            Operators.onErrorDropped(error, reactor.util.context.Context.empty()); // Reactor's global hook, or its log
        }
    }

    static boolean isCancellation(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 10; depth++, cause = cause.getCause()) {
            if (cause instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }
}
