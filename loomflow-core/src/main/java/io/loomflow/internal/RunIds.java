package io.loomflow.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Time-ordered run ids: UUID version 7, with 74 random bits. */
public final class RunIds {

    private RunIds() {
    }

    /**
     * A new id for a run created at {@code epochMillis}.
     *
     * @param epochMillis the creation time in milliseconds since the epoch
     * @return a version 7 UUID
     */
    public static UUID next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }
}
