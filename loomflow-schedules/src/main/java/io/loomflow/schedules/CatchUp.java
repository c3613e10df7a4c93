package io.loomflow.schedules;

/**
 * What a schedule does with slots it missed (while no scheduler ran, or while it was paused): a slot
 * is missed when it is found due later than the schedule's {@linkplain Schedule#grace() grace}
 * (plus its jitter). Slots found within the grace always fire.
 *
 * @param mostMissed how many of the latest missed slots fire: 0 for {@link #skip()}, 1 for
 *     {@link #once()}, the cap for {@link #each(int)}
 */
public record CatchUp(int mostMissed) {

    /**
     * Checks the cap.
     *
     * @param mostMissed how many of the latest missed slots fire, 0 or more
     */
    public CatchUp {
        if (mostMissed < 0) {
            throw new ScheduleException("a catch-up cap must be 0 or more, not " + mostMissed
                    + "; for example CatchUp.each(10) fires the 10 latest missed slots");
        }
    }

    /**
     * Missed slots never fire.
     *
     * @return the policy
     */
    public static CatchUp skip() {
        return new CatchUp(0);
    }

    /**
     * Of the missed slots, only the latest fires (the default).
     *
     * @return the policy
     */
    public static CatchUp once() {
        return new CatchUp(1);
    }

    /**
     * Each missed slot fires, up to the latest {@code cap} of them; older ones are skipped.
     *
     * @param cap the most missed slots that fire, 1 or more
     * @return the policy
     */
    public static CatchUp each(int cap) {
        if (cap < 1) {
            throw new ScheduleException("CatchUp.each needs a cap of 1 or more, not " + cap
                    + "; for example CatchUp.each(10), or CatchUp.skip() to fire none");
        }
        return new CatchUp(cap);
    }
}
