package io.loomflow;

import java.time.Duration;

/** Times out one attempt of one run: sleeps on the engine's clock, then cancels the attempt. */
final class Watchdog implements Runnable {

    private final EngineImpl engine;
    private final RunAttempts run;
    private final int attempt;
    private final Duration timeout;
    private Thread thread;

    private Watchdog(EngineImpl engine, RunAttempts run, int attempt, Duration timeout) {
        this.engine = engine;
        this.run = run;
        this.attempt = attempt;
        this.timeout = timeout;
    }

    static Watchdog start(EngineImpl engine, RunAttempts run, int attempt, Duration timeout) {
        Watchdog watchdog = new Watchdog(engine, run, attempt, timeout);
        watchdog.thread = engine.threads().start(watchdog);
        return watchdog;
    }

    @Override
    public void run() {
        try {
            engine.clock().sleep(timeout);
        } catch (InterruptedException stopped) {
            return;
        }
        run.timeOut(attempt, timeout);
    }

    /** Stops the watchdog and waits for its thread to end. */
    void stop() {
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
