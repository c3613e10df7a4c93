package io.loomflow.server.internal;

import io.loomflow.server.Retention;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunStore;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Prunes the run history by a {@link Retention}, on a platform thread of its own, at start and then every
 * period, until closed. A prune that fails is logged, once while it goes on failing, and tried again at the
 * next period; nothing is thrown.
 */
final class Retainer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.server");

    private final RunStore store;
    private final Retention rule;
    private final Consumer<PruneResult> onPrune;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("loomflow-retention").factory());
    private boolean failing; // only on the timer's thread

    Retainer(RunStore store, Retention rule, Consumer<PruneResult> onPrune) {
        this.store = store;
        this.rule = rule;
        this.onPrune = onPrune;
        timer.scheduleWithFixedDelay(this::prune, 0, rule.every().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void prune() {
        PruneResult result;
        try {
            result = store.prune(rule.prune());
        } catch (RuntimeException failed) {
            if (!failing) {
                LOG.log(Level.ERROR, "pruning the run history failed (" + failed + "); it is tried again every "
                        + rule.every() + ", and this is logged again only after it worked");
            }
            failing = true;
            return;
        }
        if (failing) {
            LOG.log(Level.INFO, "pruning the run history works again");
        }
        failing = false;
        if (result.roots() > 0) {
            LOG.log(Level.INFO, "pruned " + result.roots() + " runs (" + result.runs() + " with those below them)"
                    + " from the run history");
        }
        try {
            onPrune.accept(result);
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "a listener of prunes failed", failed);
        }
    }

    /** Stops pruning; a prune under way is interrupted, and waited for up to 10 s. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "a prune of the run history was still going 10 s after the server stopped;"
                        + " the store is closed under it");
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
