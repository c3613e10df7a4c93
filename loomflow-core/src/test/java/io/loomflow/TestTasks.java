package io.loomflow;

import java.util.concurrent.CountDownLatch;

/** Tasks that tests share. */
final class TestTasks {

    private TestTasks() {
    }

    /**
     * A task that counts {@code started} down and then blocks until its run is cancelled (only an
     * interrupt ends it); it returns its input if ever released.
     */
    static <T> Task<T, T> blockingUntilCancelled(String name, CountDownLatch started) {
        return Task.named(name, (T input) -> {
            started.countDown();
            new CountDownLatch(1).await();
            return input;
        });
    }
}
