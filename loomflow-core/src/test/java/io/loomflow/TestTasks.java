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

    /**
     * A task that counts {@code started} down, then waits for {@code release} and ignores every
     * interrupt on purpose, as code that ignores cancellation does; it returns its input once released.
     */
    static Task<Integer, Integer> ignoringCancellation(String name, CountDownLatch started, CountDownLatch release) {
        return Task.named(name, (Integer i) -> {
            started.countDown();
            while (true) {
                try {
                    release.await();
                    return i;
                } catch (InterruptedException ignored) {
                    // ignores cancellation on purpose
                }
            }
        });
    }
}
