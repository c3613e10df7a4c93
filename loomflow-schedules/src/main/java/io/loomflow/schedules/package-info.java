/**
 * Schedules that start runs by themselves, exactly once per slot.
 *
 * <p>A {@link io.loomflow.schedules.Schedule} names a flow, its parameters and a timing (a cron
 * expression, a fixed interval from an anchor, or one time), in a time zone, with a
 * {@link io.loomflow.schedules.CatchUp} policy for slots missed while no scheduler ran, the most runs
 * of it active at once and an optional jitter. A scheduler fires each
 * due {@link io.loomflow.schedules.Slot} once, however many schedulers share the database.
 *
 * <p><b>Errors.</b> Bad schedules are {@link io.loomflow.schedules.ScheduleException}s that name the
 * value and show a valid one.
 */
@NullMarked
package io.loomflow.schedules;

import org.jspecify.annotations.NullMarked;
